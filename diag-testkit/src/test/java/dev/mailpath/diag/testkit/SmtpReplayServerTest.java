package dev.mailpath.diag.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.HostAndPort;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SmtpReplayServerTest {

  private static final TestCertificates.ServerCertificate REAL =
      TestCertificates.selfSigned("mx.test");
  private static final TestCertificates.ServerCertificate PROXY =
      TestCertificates.selfSigned("mx.test");

  /** A STARTTLS session with AUTH: what the test client does in both modes. */
  private static void session(SmtpReplayServer server) throws Exception {
    try (Socket plain = new Socket(server.host(), server.port())) {
      plain.setSoTimeout(5000);
      BufferedReader in = reader(plain);
      assertThat(in.readLine()).isEqualTo("220 mx.test ESMTP");
      send(plain, "STARTTLS");
      assertThat(in.readLine()).isEqualTo("220 2.0.0 Ready");
      try (SSLSocket tls =
          (SSLSocket)
              server
                  .certificate()
                  .clientContext()
                  .getSocketFactory()
                  .createSocket(plain, "mx.test", plain.getPort(), true)) {
        tls.startHandshake();
        BufferedReader tin = reader(tls);
        send(tls, "EHLO c.test");
        assertThat(tin.readLine()).isEqualTo("250 AUTH PLAIN");
        send(tls, "AUTH PLAIN c2VjcmV0");
        assertThat(tin.readLine()).isEqualTo("235 2.7.0 ok");
        send(tls, "QUIT");
        assertThat(tin.readLine()).isEqualTo("221 2.0.0 Bye");
      }
    }
  }

  @Test
  void record_thenReplay_givesTheClientTheSameSessionAndNeverTheSecret() throws Exception {
    SmtpReplay recorded;
    try (ScriptedSmtpServer real =
            ScriptedSmtpServer.builder()
                .reply(220, "mx.test ESMTP")
                .expect("STARTTLS")
                .reply(220, "2.0.0 Ready")
                .startTls(REAL.serverContext())
                .expect("EHLO")
                .reply(250, "AUTH PLAIN")
                .expect("AUTH")
                .reply(235, "2.7.0 ok")
                .start();
        SmtpReplayServer proxy =
            SmtpReplayServer.record(HostAndPort.of("127.0.0.1", real.port()), PROXY)) {
      assertThat(proxy.recording()).isTrue();
      session(proxy);
      recorded = awaitRecording(proxy);
    }

    assertThat(recorded.text()).doesNotContain("c2VjcmV0").contains("C: AUTH PLAIN [redacted]");
    assertThat(recorded.usesTls()).isTrue();
    assertThat(recorded.commands())
        .containsExactly("STARTTLS", "EHLO c.test", "AUTH PLAIN [redacted]", "QUIT");

    try (SmtpReplayServer replay = SmtpReplayServer.replay(recorded, PROXY)) {
      session(replay);
      assertThat(replay.divergences()).isEmpty();
    }
  }

  /** The proxy records the 221 before the client reads it; QUIT and 221 are there once it has. */
  private static SmtpReplay awaitRecording(SmtpReplayServer proxy) {
    SmtpReplay r = proxy.recordings().get(0);
    assertThat(r.text()).contains("S: 221 2.0.0 Bye");
    return r;
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
