package dev.mailpath.diag.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.Direction;
import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.core.TranscriptLine;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SmtpReplayTest {

  private static final String SESSION =
      """
      # a hand-written replay
      S: 220 mx.test ESMTP
      C: EHLO c.test
      S: 250-mx.test
      S: 250 AUTH PLAIN
      C: AUTH PLAIN [redacted]
      S: 235 2.7.0 ok
      C: MAIL FROM:<a@c.test>
      S: 250 2.1.0 Ok
      C: RCPT TO:<b@mx.test>
      S: 250 2.1.5 Ok
      C: DATA
      S: 354 go
      D: Subject: hi
      D:
      D: hello
      C: .
      S: 250 2.0.0 queued
      C: QUIT
      S: 221 2.0.0 Bye
      """;

  private static Transcript transcript(Object... directionAndText) {
    List<TranscriptLine> lines = new ArrayList<>();
    for (int i = 0; i < directionAndText.length; i += 2) {
      lines.add(
          new TranscriptLine(
              i / 2,
              (Direction) directionAndText[i],
              Duration.ZERO,
              (String) directionAndText[i + 1]));
    }
    return Transcript.of(lines);
  }

  @Test
  void ofTranscript_writesDirectivesTlsMarkerDataAndNotes() {
    Transcript t =
        transcript(
            Direction.NOTE, "Connected to 127.0.0.1:25",
            Direction.SERVER, "220 mx.test ESMTP",
            Direction.CLIENT, "STARTTLS",
            Direction.SERVER, "220 2.0.0 Ready",
            Direction.NOTE, "TLS handshake with SNI mx.test",
            Direction.CLIENT_TLS, "AUTH PLAIN [redacted]",
            Direction.SERVER_TLS, "235 ok",
            Direction.CLIENT_TLS, "DATA",
            Direction.SERVER_TLS, "354 go",
            Direction.CLIENT_TLS, "Subject: x",
            Direction.CLIENT_TLS, ".",
            Direction.SERVER_TLS, "250 queued");

    SmtpReplay replay = SmtpReplay.of(t);

    assertThat(replay.text())
        .isEqualTo(
            """
            # mailpath SMTP replay, format 1
            # *** Connected to 127.0.0.1:25
            S: 220 mx.test ESMTP
            C: STARTTLS
            S: 220 2.0.0 Ready
            # *** TLS handshake with SNI mx.test
            TLS
            C: AUTH PLAIN [redacted]
            S: 235 ok
            C: DATA
            S: 354 go
            D: Subject: x
            C: .
            S: 250 queued
            """);
    assertThat(replay.usesTls()).isTrue();
    assertThat(replay.commands()).containsExactly("STARTTLS", "AUTH PLAIN [redacted]", "DATA", ".");
  }

  @Test
  void of_unknownDirective_namesTheLine() {
    assertThatThrownBy(() -> SmtpReplay.of("S: 220 x\nX: what\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("replay line 2")
        .hasMessageContaining("X: what");
  }

  @Test
  void of_dataWithoutFinalDot_isRejected() {
    assertThatThrownBy(() -> SmtpReplay.of("S: 354 go\nD: x\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("final \"C: .\"");
  }

  @Test
  void matches_redactedMarker_acceptsAnySecret() {
    assertThat(SmtpReplay.matches("AUTH PLAIN [redacted]", "AUTH PLAIN AGFsaWNlAHNlY3JldA=="))
        .isTrue();
    assertThat(SmtpReplay.matches("[redacted]", "c2VjcmV0")).isTrue();
    assertThat(SmtpReplay.matches("EHLO [any]", "EHLO whatever")).isTrue();
    assertThat(SmtpReplay.matches("EHLO a", "EHLO b")).isFalse();
    assertThat(SmtpReplay.matches("AUTH PLAIN [redacted]", "AUTH LOGIN x")).isFalse();
  }

  @Test
  void writeTo_thenRead_givesTheSameReplay(@TempDir Path dir) {
    SmtpReplay replay = SmtpReplay.of(SESSION);
    Path file = dir.resolve("recordings/x.txt");

    replay.writeTo(file);

    assertThat(SmtpReplay.read(file)).isEqualTo(replay);
  }

  @Test
  void replay_clientFollowsRecording_getsRecordedRepliesAndNoDivergence() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.builder().replay(SmtpReplay.of(SESSION)).start();
        Socket c = new Socket(server.host(), server.port())) {
      c.setSoTimeout(5000);
      BufferedReader in = reader(c);
      assertThat(in.readLine()).isEqualTo("220 mx.test ESMTP");
      send(c, "EHLO c.test");
      assertThat(in.readLine()).isEqualTo("250-mx.test");
      assertThat(in.readLine()).isEqualTo("250 AUTH PLAIN");
      send(c, "AUTH PLAIN AGFsaWNlAHNlY3JldA==");
      assertThat(in.readLine()).isEqualTo("235 2.7.0 ok");
      // PIPELINING: the three commands in one write, replies after
      send(c, "MAIL FROM:<a@c.test>\r\nRCPT TO:<b@mx.test>\r\nDATA");
      assertThat(in.readLine()).isEqualTo("250 2.1.0 Ok");
      assertThat(in.readLine()).isEqualTo("250 2.1.5 Ok");
      assertThat(in.readLine()).isEqualTo("354 go");
      send(c, "Subject: another subject\r\n\r\nother text\r\n.");
      assertThat(in.readLine()).isEqualTo("250 2.0.0 queued");
      send(c, "QUIT");
      assertThat(in.readLine()).isEqualTo("221 2.0.0 Bye");
      assertThat(in.readLine()).isNull();

      assertThat(server.divergences()).isEmpty();
      assertThat(server.messages())
          .containsExactly("Subject: another subject\r\n\r\nother text\r\n");
    }
  }

  @Test
  void replay_clientSendsOtherCommand_gets554AndDivergenceNamesLine() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.builder().replay(SmtpReplay.of(SESSION)).start();
        Socket c = new Socket(server.host(), server.port())) {
      c.setSoTimeout(5000);
      BufferedReader in = reader(c);
      in.readLine();

      send(c, "HELO c.test");

      assertThat(in.readLine())
          .isEqualTo("554 5.5.0 replay diverged at line 3: expected \"EHLO c.test\"");
      assertThat(in.readLine()).isNull();
      assertThat(server.divergences())
          .containsExactly(new SmtpReplay.Divergence(3, "EHLO c.test", "HELO c.test"));
      assertThat(server.divergences().get(0))
          .hasToString("replay line 3: expected \"EHLO c.test\", got \"HELO c.test\"");
      assertThat(server.mismatches()).hasSize(1);
    }
  }

  @Test
  void replay_tlsSection_handshakesThenPlaysInnerLines() throws Exception {
    TestCertificates.ServerCertificate cert = TestCertificates.selfSigned("mx.test");
    SmtpReplay replay =
        SmtpReplay.of(
            """
            S: 220 mx.test ESMTP
            C: STARTTLS
            S: 220 2.0.0 Ready to start TLS
            TLS
            C: EHLO c.test
            S: 250 mx.test
            """);
    assertThatThrownBy(() -> ScriptedSmtpServer.builder().replay(replay))
        .isInstanceOf(IllegalArgumentException.class);

    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.builder().replay(replay, cert.serverContext()).start();
        Socket c = new Socket(server.host(), server.port())) {
      c.setSoTimeout(5000);
      BufferedReader in = reader(c);
      assertThat(in.readLine()).startsWith("220 ");
      send(c, "STARTTLS");
      assertThat(in.readLine()).isEqualTo("220 2.0.0 Ready to start TLS");
      SSLContext client = cert.clientContext();
      try (SSLSocket tls =
          (SSLSocket) client.getSocketFactory().createSocket(c, "mx.test", c.getPort(), true)) {
        tls.startHandshake();
        send(tls, "EHLO c.test");
        assertThat(reader(tls).readLine()).isEqualTo("250 mx.test");
      }
      assertThat(server.divergences()).isEmpty();
    }
  }

  private static BufferedReader reader(Socket s) throws Exception {
    return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
  }

  private static void send(Socket s, String text) throws Exception {
    OutputStream out = s.getOutputStream();
    out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
