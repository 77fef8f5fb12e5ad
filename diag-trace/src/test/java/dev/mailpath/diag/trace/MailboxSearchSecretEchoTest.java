package dev.mailpath.diag.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.TlsMode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 16, item 9c: an IMAP server quoting the login in its NO reply is not recorded verbatim. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MailboxSearchSecretEchoTest {
  private static final String USER = "bob";
  private static final String PASSWORD = "s3cret-Pa55word";

  /** A loopback IMAP peer that answers every login attempt with NO, quoting what it got. */
  private static final class EchoingImapPeer implements AutoCloseable {
    final ServerSocket server;
    final List<String> received = new CopyOnWriteArrayList<>();
    final String capabilities;

    EchoingImapPeer(String capabilities) throws IOException {
      this.capabilities = capabilities;
      this.server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
      Thread t = new Thread(this::serve, "echoing-imap");
      t.setDaemon(true);
      t.start();
    }

    private void serve() {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          BufferedReader in =
              new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
          OutputStream out = s.getOutputStream();
          send(out, "* OK [CAPABILITY " + capabilities + "] echo ready");
          String line;
          while ((line = in.readLine()) != null) {
            received.add(line);
            String[] w = line.split(" ", 3);
            String tag = w[0];
            String verb = w.length > 1 ? w[1].toUpperCase(java.util.Locale.ROOT) : "";
            switch (verb) {
              case "CAPABILITY" -> send(out, "* CAPABILITY " + capabilities, tag + " OK done");
              case "LOGIN" -> send(out, tag + " NO [AUTHENTICATIONFAILED] bad login: " + w[2]);
              case "AUTHENTICATE" -> {
                String payload = w[2].contains(" ") ? w[2].split(" ", 2)[1] : null;
                if (payload == null) {
                  send(out, "+ ");
                  payload = in.readLine();
                  received.add(String.valueOf(payload));
                }
                send(out, tag + " NO [AUTHENTICATIONFAILED] invalid response " + payload);
              }
              case "LOGOUT" -> {
                send(out, "* BYE", tag + " OK bye");
                return;
              }
              default -> send(out, tag + " BAD unknown");
            }
          }
        } catch (IOException e) {
          return;
        }
      }
    }

    private static void send(OutputStream out, String... lines) throws IOException {
      for (String l : lines) {
        out.write((l + "\r\n").getBytes(StandardCharsets.UTF_8));
      }
      out.flush();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  private static MailboxSearchReport search(EchoingImapPeer peer) {
    return MailboxSearch.builder()
        .server("127.0.0.1", peer.server.getLocalPort())
        .tlsMode(TlsMode.NONE)
        .credentials(USER, PASSWORD)
        .connectTimeout(Duration.ofSeconds(5))
        .timeout(Duration.ofSeconds(5))
        .build()
        .search(MessageQuery.byMessageId("x@example.org"));
  }

  @Test
  void search_serverEchoesAuthenticatePlainPayload_scrubsItFromTranscriptAndFindings()
      throws Exception {
    String plain =
        Base64.getEncoder()
            .encodeToString(("\0" + USER + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    try (EchoingImapPeer peer = new EchoingImapPeer("IMAP4rev1 AUTH=PLAIN")) {
      MailboxSearchReport r = search(peer);

      assertThat(String.join("\n", peer.received)).contains(plain.substring(0, 12));
      assertThat(r.findings()).anyMatch(f -> f.code().equals("trace.imap.auth-failed"));
      assertNoSecret(r, plain, PASSWORD);
    }
  }

  @Test
  void search_serverEchoesLoginArguments_scrubsThePassword() throws Exception {
    try (EchoingImapPeer peer = new EchoingImapPeer("IMAP4rev1")) {
      MailboxSearchReport r = search(peer);

      assertThat(String.join("\n", peer.received)).contains(PASSWORD);
      assertNoSecret(r, PASSWORD);
    }
  }

  private static void assertNoSecret(MailboxSearchReport r, String... secrets) {
    for (String secret : secrets) {
      assertThat(r.transcript().toString()).doesNotContain(secret);
      assertThat(r.toString()).doesNotContain(secret);
      for (Finding f : r.findings()) {
        assertThat(f.render()).doesNotContain(secret);
      }
    }
  }
}
