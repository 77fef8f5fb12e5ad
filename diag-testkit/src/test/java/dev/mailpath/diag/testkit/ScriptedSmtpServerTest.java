package dev.mailpath.diag.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ScriptedSmtpServerTest {

  private static Socket connect(ScriptedSmtpServer s) throws Exception {
    Socket socket = new Socket(s.host(), s.port());
    socket.setSoTimeout(5000);
    return socket;
  }

  private static void send(Socket s, String line) throws Exception {
    OutputStream out = s.getOutputStream();
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Test
  void reply_multiline_usesHyphenThenSpace() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.builder()
                .reply(220, "mx.test")
                .expect("EHLO")
                .reply(250, "mx.test", "STARTTLS")
                .start();
        Socket c = connect(server)) {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));

      assertThat(in.readLine()).isEqualTo("220 mx.test");
      send(c, "EHLO c.test");
      assertThat(in.readLine()).isEqualTo("250-mx.test");
      assertThat(in.readLine()).isEqualTo("250 STARTTLS");
      send(c, "QUIT");
      assertThat(in.readLine()).isEqualTo("221 2.0.0 Bye");
      assertThat(in.readLine()).isNull();
      assertThat(server.takeCommand(Duration.ofSeconds(1))).isEqualTo("EHLO c.test");
      assertThat(server.takeCommand(Duration.ofSeconds(1))).isEqualTo("QUIT");
      assertThat(server.mismatches()).isEmpty();
    }
  }

  @Test
  void expect_otherCommand_recordsMismatchAndGoesOn() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.builder()
                .reply(220, "mx.test")
                .expect("EHLO")
                .reply(250, "ok")
                .start();
        Socket c = connect(server)) {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
      in.readLine();

      send(c, "HELO c.test");

      assertThat(in.readLine()).isEqualTo("250 ok");
      assertThat(server.mismatches()).containsExactly("expected EHLO, got HELO c.test");
    }
  }

  @Test
  void expectData_undoesDotStuffing() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.builder()
                .reply(354, "go")
                .expectData()
                .reply(250, "queued")
                .start();
        Socket c = connect(server)) {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
      in.readLine();

      send(c, "Subject: x\r\n\r\n..dot\r\n.");

      assertThat(in.readLine()).isEqualTo("250 queued");
      assertThat(server.messages()).containsExactly("Subject: x\r\n\r\n.dot\r\n");
    }
  }

  @Test
  void reset_clientSeesConnectionReset() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.builder().reply(220, "mx.test").expect("EHLO").reset().start();
        Socket c = connect(server)) {
      c.getInputStream().read(new byte[64]);
      send(c, "EHLO c.test");

      Exception thrown = null;
      try {
        int n = c.getInputStream().read(new byte[64]);
        assertThat(n).isEqualTo(-1);
      } catch (SocketException e) {
        thrown = e;
      }
      if (thrown != null) {
        assertThat(thrown.getMessage()).containsIgnoringCase("reset");
      }
    }
  }

  @Test
  void startTls_handshakesWithGivenCertificate() throws Exception {
    TestCertificates.ServerCertificate cert = TestCertificates.selfSigned("mail.test");
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.builder()
                .reply(220, "ready")
                .startTls(cert.serverContext())
                .reply(250, "inside")
                .start();
        Socket plain = connect(server)) {
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
      assertThat(in.readLine()).isEqualTo("220 ready");

      javax.net.ssl.SSLSocket tls =
          (javax.net.ssl.SSLSocket)
              cert.clientContext()
                  .getSocketFactory()
                  .createSocket(plain, "mail.test", server.port(), true);
      tls.startHandshake();

      assertThat(
              new BufferedReader(
                      new InputStreamReader(tls.getInputStream(), StandardCharsets.US_ASCII))
                  .readLine())
          .isEqualTo("250 inside");
      assertThat(tls.getSession().getPeerCertificates()[0]).isEqualTo(cert.certificate());
    }
  }
}
