package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DiagEventListener;
import dev.mailpath.diag.testkit.ScriptedSmtpServer;
import dev.mailpath.diag.testkit.TestCertificates;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SmtpConversationOptionsTest {

  private static final TestCertificates.ServerCertificate CERT =
      TestCertificates.selfSigned("mail.test");

  private static ScriptedSmtpServer.Builder tls() {
    return ScriptedSmtpServer.builder()
        .reply(220, "mx.test")
        .expect("EHLO")
        .reply(250, "mx.test", "STARTTLS")
        .expect("STARTTLS")
        .reply(220, "go")
        .startTls(CERT.serverContext())
        .expect("EHLO")
        .reply(250, "mx.test");
  }

  private static final SmtpClient CLIENT =
      SmtpClient.builder().timeouts(SmtpTimeouts.all(Duration.ofSeconds(2))).build();

  private static SmtpConversation to(ScriptedSmtpServer s) {
    return SmtpConversation.to(s.host(), s.port());
  }

  @Test
  void run_callersSslContextTrustingCertificate_verifies() {
    try (ScriptedSmtpServer server = tls().start()) {
      SmtpReport r =
          CLIENT.toBuilder()
              .tls(t -> t.sslContext(CERT.clientContext()))
              .build()
              .run(to(server).expectedTlsName("mail.test").ehlo("c.test").startTls());

      assertThat(r.completed()).as("%s", r).isTrue();
      assertThat(r.tls().orElseThrow().verified()).isTrue();
    }
  }

  @Test
  void run_callersSslContextNotTrustingCertificate_reportsInvalid() {
    try (ScriptedSmtpServer server = tls().start()) {
      SmtpReport r =
          CLIENT.toBuilder()
              .tls(t -> t.sslContext(TestCertificates.selfSigned("x.test").clientContext()))
              .build()
              .run(to(server).expectedTlsName("mail.test").ehlo("c.test").startTls());

      assertThat(r.hasFinding(SmtpFinding.TLS_CERTIFICATE_INVALID)).as("%s", r).isTrue();
      assertThat(r.endedAt()).contains(SmtpPhase.TLS);
    }
  }

  @Test
  void run_ipLiteralWithoutExpectedName_checksAddressAgainstCertificate() {
    try (ScriptedSmtpServer server = tls().start()) {
      SmtpReport r =
          CLIENT.toBuilder()
              .tls(t -> t.trustManager(CERT.trustManager()))
              .build()
              .run(to(server).ehlo("c.test").startTls());

      assertThat(r.findings(SmtpFinding.TLS_NAME_MISMATCH))
          .singleElement()
          .satisfies(f -> assertThat(f.summary()).contains("127.0.0.1"));
    }
  }

  @Test
  void run_localAddress_bindsConnection() throws Exception {
    try (ScriptedSmtpServer server = ScriptedSmtpServer.builder().reply(220, "mx.test").start()) {
      SmtpReport r =
          CLIENT.toBuilder()
              .localAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))
              .build()
              .run(to(server));

      assertThat(r.transcript().toString()).contains("from 127.0.0.1");
    }
  }

  @Test
  void run_eventListener_seesRedactedCommands() {
    List<String> commands = new CopyOnWriteArrayList<>();
    DiagEventListener listener =
        new DiagEventListener() {
          @Override
          public void commandStart(String command) {
            commands.add(command);
          }
        };
    try (ScriptedSmtpServer server =
        ScriptedSmtpServer.builder()
            .reply(220, "mx.test")
            .expect("EHLO")
            .reply(250, "mx.test", "AUTH PLAIN")
            .expect("AUTH")
            .reply(235, "ok")
            .start()) {
      CLIENT.toBuilder()
          .environment(DiagEnvironment.builder().eventListener(listener).build())
          .build()
          .run(to(server).ehlo("c.test").auth(SmtpCredentials.of("u", "topsecret")));

      assertThat(commands).containsExactly("EHLO c.test", "AUTH PLAIN [redacted]");
    }
  }

  @Test
  void run_headerLines_keepOrderAndRepeats() {
    try (ScriptedSmtpServer server =
        ScriptedSmtpServer.builder()
            .reply(220, "mx.test")
            .expect("EHLO")
            .reply(250, "mx")
            .expect("MAIL")
            .reply(250, "ok")
            .expect("RCPT")
            .reply(250, "ok")
            .expect("DATA")
            .reply(354, "go")
            .expectData()
            .reply(250, "ok")
            .start()) {
      CLIENT.run(
          to(server)
              .ehlo("c.test")
              .mailFrom("a@b.test")
              .rcptTo("c@d.test")
              .data(List.of("To: x@d.test", "To: y@d.test", "Subject: s"), "b"));

      assertThat(server.messages().get(0))
          .contains("To: x@d.test\r\nTo: y@d.test\r\nSubject: s\r\n\r\nb\r\n");
    }
  }

  @Test
  void runAsync_cancelled_closesConnection() throws Exception {
    try (ScriptedSmtpServer server = ScriptedSmtpServer.builder().stall().start()) {
      CompletableFuture<SmtpReport> f =
          SmtpClient.builder()
              .timeouts(SmtpTimeouts.all(Duration.ofSeconds(30)))
              .build()
              .runAsync(SmtpConversation.to(server.host(), server.port()));

      assertThat(f.cancel(true)).isTrue();
      assertThat(f.isCancelled()).isTrue();
    }
  }

  @Test
  void toString_scriptShowsStepsWithoutSecrets() {
    SmtpConversation c =
        SmtpConversation.to("127.0.0.1", 25)
            .ehlo("c.test")
            .auth(SmtpCredentials.of("u", "topsecret"));

    assertThat(c.toString()).contains("EHLO c.test", "AUTH").doesNotContain("topsecret");
    assertThat(SmtpCredentials.of("u", "topsecret").toString()).doesNotContain("topsecret");
  }

  @Test
  void builders_invalidArguments_throwNamingTheProblem() {
    assertThatThrownBy(() -> SmtpConversation.to("", 25))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SmtpConversation.to("127.0.0.1", 0)).hasMessageContaining("port");
    assertThatThrownBy(() -> SmtpConversation.to("127.0.0.1", 25).quit().noop())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> SmtpCredentials.of("u", "p\r\n")).hasMessageNotContaining("p\\r");
    assertThatThrownBy(() -> SmtpTimeouts.builder().banner(Duration.ZERO))
        .hasMessageContaining("banner");
  }
}
