package dev.mailpath.diag.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PolicySmtpServerTest {

  /** A telnet-like client: send a line, read one (possibly multiline) reply. */
  static final class Client implements AutoCloseable {
    final Socket socket;
    final BufferedReader in;
    final OutputStream out;

    Client(PolicySmtpServer server) throws IOException {
      socket = new Socket(server.host(), server.port());
      socket.setSoTimeout(2000);
      in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      out = socket.getOutputStream();
    }

    String read() throws IOException {
      String line;
      String last;
      do {
        line = in.readLine();
        last = line;
      } while (line != null && line.length() > 3 && line.charAt(3) == '-');
      return last;
    }

    String send(String command) throws IOException {
      out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      return read();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  static PolicySmtpServer.Builder example() {
    return PolicySmtpServer.builder()
        .hostname("mx.example.com")
        .localDomain("example.com")
        .localUser("postmaster@example.com")
        .localUser("alice@example.com");
  }

  @Test
  void closed_localRecipientAccepted_externalRefusedAsRelay() throws IOException {
    try (PolicySmtpServer server = example().start();
        Client c = new Client(server)) {
      assertThat(c.read()).startsWith("220 mx.example.com");
      assertThat(c.send("EHLO probe.test")).startsWith("250 ");
      assertThat(c.send("MAIL FROM:<someone@external.test>")).startsWith("250");
      assertThat(c.send("RCPT TO:<alice@example.com>")).startsWith("250");
      assertThat(c.send("RCPT TO:<bob@example.com>")).startsWith("550 5.1.1");
      assertThat(c.send("RCPT TO:<victim@external.test>"))
          .isEqualTo("554 5.7.1 <victim@external.test>: Relay access denied");
      assertThat(c.send("RCPT TO:<@example.com:victim@external.test>")).startsWith("554 5.7.1");
      assertThat(c.send("RCPT TO:<victim%external.test@example.com>")).startsWith("550 5.1.1");
      assertThat(c.send("RCPT TO:<\"victim@external.test\"@example.com>")).startsWith("550 5.1.1");
      assertThat(c.send("QUIT")).startsWith("221");
    }
  }

  @Test
  void openRelay_externalRecipientAccepted_messageKept() throws IOException {
    try (PolicySmtpServer server = example().relay(PolicySmtpServer.Relay.ANYONE).start();
        Client c = new Client(server)) {
      c.read();
      c.send("EHLO probe.test");
      c.send("MAIL FROM:<a@external.test>");
      assertThat(c.send("RCPT TO:<victim@elsewhere.test>")).startsWith("250");
      assertThat(c.send("DATA")).startsWith("354");
      assertThat(c.send("Subject: hi\r\n\r\n..dot line\r\n.")).startsWith("250");
      assertThat(server.messages())
          .singleElement()
          .asString()
          .contains("victim@elsewhere.test")
          .contains("\n.dot line\n");
    }
  }

  @Test
  void authenticatedRelay_refusedBeforeAuthAcceptedAfter() throws IOException {
    try (PolicySmtpServer server =
            example().relay(PolicySmtpServer.Relay.AUTHENTICATED).user("alice", "s3cret").start();
        Client c = new Client(server)) {
      c.read();
      c.send("EHLO probe.test");
      c.send("MAIL FROM:<alice@example.com>");
      assertThat(c.send("RCPT TO:<x@external.test>")).startsWith("554 5.7.1");
      c.send("RSET");
      String bad =
          Base64.getEncoder().encodeToString("\0alice\0wrong".getBytes(StandardCharsets.UTF_8));
      assertThat(c.send("AUTH PLAIN " + bad)).startsWith("535");
      String good =
          Base64.getEncoder().encodeToString("\0alice\0s3cret".getBytes(StandardCharsets.UTF_8));
      assertThat(c.send("AUTH PLAIN " + good)).startsWith("235");
      c.send("MAIL FROM:<alice@example.com>");
      assertThat(c.send("RCPT TO:<x@external.test>")).startsWith("250");
    }
  }

  @Test
  void authLogin_twoChallenges() throws IOException {
    try (PolicySmtpServer server =
            example().relay(PolicySmtpServer.Relay.AUTHENTICATED).user("alice", "s3cret").start();
        Client c = new Client(server)) {
      c.read();
      c.send("EHLO probe.test");
      assertThat(c.send("AUTH LOGIN")).isEqualTo("334 VXNlcm5hbWU6");
      assertThat(
              c.send(Base64.getEncoder().encodeToString("alice".getBytes(StandardCharsets.UTF_8))))
          .isEqualTo("334 UGFzc3dvcmQ6");
      assertThat(
              c.send(Base64.getEncoder().encodeToString("s3cret".getBytes(StandardCharsets.UTF_8))))
          .startsWith("235");
    }
  }

  @Test
  void sequenceErrors_areAnsweredLikePostfix() throws IOException {
    try (PolicySmtpServer server = example().start();
        Client c = new Client(server)) {
      c.read();
      assertThat(c.send("MAIL FROM:<a@b.test>")).startsWith("503");
      c.send("HELO probe.test");
      assertThat(c.send("RCPT TO:<alice@example.com>")).startsWith("503");
      assertThat(c.send("DATA")).startsWith("503");
      assertThat(c.send("BDAT 10")).startsWith("502");
      assertThat(c.send("X".repeat(2000))).startsWith("500");
    }
  }

  @Test
  void builder_nonLoopbackBind_isRejected() throws Exception {
    InetAddress other = InetAddress.getByAddress(new byte[] {10, 0, 0, 1});
    assertThatThrownBy(() -> PolicySmtpServer.builder().bindAddress(other))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
