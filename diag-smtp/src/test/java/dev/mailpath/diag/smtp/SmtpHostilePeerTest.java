package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.testkit.HostileSmtpServer;
import dev.mailpath.diag.testkit.HostileSmtpServer.Fault;
import dev.mailpath.diag.testkit.ScriptedSmtpServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 16, items 3, 4, 9b and 9c: bounded waits and no secret in any record, against hostile
 * peers. The class timeout runs each test in a separate thread, so that a regression fails the test
 * instead of hanging the build.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SmtpHostilePeerTest {
  private static final Duration HANG_GUARD = Duration.ofSeconds(10);
  private static final String USER = "alice";
  private static final String PASSWORD = "correct horse battery staple";

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** About 16 MB in lines of 76 characters: more than loopback socket buffers hold. */
  private static String bigBody() {
    return ("x".repeat(76) + "\r\n").repeat(16 * 1024 * 1024 / 78);
  }

  private static SmtpClient client(SmtpTimeouts timeouts) {
    return SmtpClient.builder().timeouts(timeouts).build();
  }

  // ---------------------------------------------------------------- item 3: session writes

  @Test
  void data_serverStopsReadingAfter354_endsByTheTimeoutWithTimeoutFinding() throws Exception {
    try (HostileSmtpServer server =
        HostileSmtpServer.builder()
            .fault(Fault.STOPS_READING_AFTER_DATA)
            .receiveBufferSize(4096)
            .start()) {
      String body = bigBody();
      SmtpSession s =
          client(SmtpTimeouts.all(Duration.ofSeconds(1))).open(server.host(), server.port());
      try {
        s.ehlo("c.test");
        s.mailFrom("a@b.test");
        s.rcptTo("c@d.test");

        SmtpReply r =
            assertTimeoutPreemptively(HANG_GUARD, () -> s.data(Map.of("Subject", "big"), body));

        assertThat(r.received()).isFalse();
        assertThat(s.findings()).anyMatch(f -> f.is(SmtpFinding.TIMEOUT));
        assertThat(s.connected()).isFalse();
      } finally {
        assertTimeoutPreemptively(HANG_GUARD, s::close);
      }
    }
  }

  @Test
  void close_fromAnotherThreadWhileDataIsBlocked_returnsPromptlyAndEndsTheCall() throws Exception {
    try (HostileSmtpServer server =
        HostileSmtpServer.builder()
            .fault(Fault.STOPS_READING_AFTER_DATA)
            .receiveBufferSize(4096)
            .start()) {
      String body = bigBody();
      // A long write bound: only close() can end the blocked write in time.
      SmtpSession s =
          client(SmtpTimeouts.all(Duration.ofMinutes(5))).open(server.host(), server.port());
      s.ehlo("c.test");
      s.mailFrom("a@b.test");
      s.rcptTo("c@d.test");
      CompletableFuture<SmtpReply> call = new CompletableFuture<>();
      Thread writer =
          new Thread(
              () -> {
                try {
                  call.complete(s.data(Map.of("Subject", "big"), body));
                } catch (Throwable t) {
                  call.completeExceptionally(t);
                }
              });
      writer.setDaemon(true);
      writer.start();
      // The 354 is read inside data(), which holds the session from then on.
      assertTimeoutPreemptively(
          HANG_GUARD,
          () -> {
            while (s.transcript().received().stream().noneMatch(l -> l.text().startsWith("354"))) {
              Thread.onSpinWait();
            }
          });

      assertTimeoutPreemptively(HANG_GUARD, s::close);

      SmtpReply r = call.get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
      assertThat(r.received()).isFalse();
      assertThat(s.connected()).isFalse();
    }
  }

  // ---------------------------------------------------------------- item 4: TLS phase deadline

  @Test
  void run_tlsHandshakeDripped_endsByTheTlsTimeoutWithTimeoutFinding() throws Exception {
    try (HostileSmtpServer server =
        HostileSmtpServer.builder()
            .fault(Fault.HANDSHAKE_DRIP)
            .dripInterval(Duration.ofMillis(100))
            .start()) {
      SmtpClient c =
          SmtpClient.builder()
              .timeouts(SmtpTimeouts.rfc5321().toBuilder().tls(Duration.ofMillis(500)).build())
              .deadline(Duration.ofSeconds(60))
              .build();

      SmtpReport report =
          assertTimeoutPreemptively(
              HANG_GUARD,
              () ->
                  c.run(
                      SmtpConversation.to(server.host(), server.port()).ehlo("c.test").startTls()));

      assertThat(report.findings()).anyMatch(f -> f.is(SmtpFinding.TIMEOUT));
      assertThat(report.findings()).noneMatch(f -> f.is(SmtpFinding.TLS_HANDSHAKE_FAILED));
      assertThat(report.elapsed()).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void startTls_sessionHandshakeDripped_endsByTheTlsTimeout() throws Exception {
    try (HostileSmtpServer server = HostileSmtpServer.start(Fault.HANDSHAKE_DRIP);
        SmtpSession s =
            client(SmtpTimeouts.rfc5321().toBuilder().tls(Duration.ofMillis(500)).build())
                .open(server.host(), server.port())) {
      s.ehlo("c.test");

      assertTimeoutPreemptively(HANG_GUARD, s::startTls);

      assertThat(s.findings()).anyMatch(f -> f.is(SmtpFinding.TIMEOUT));
      assertThat(s.connected()).isFalse();
    }
  }

  // ---------------------------------------------------------------- item 9b: raw SASL lines

  @Test
  void command_rawAuthLoginExchange_recordsTheSaslLinesRedacted() throws Exception {
    try (HostileSmtpServer server = HostileSmtpServer.start(Fault.ECHOES_AUTH);
        SmtpSession s = SmtpSession.open(server.host(), server.port())) {
      s.ehlo("c.test");

      assertThat(s.command("AUTH LOGIN").code()).isEqualTo(334);
      assertThat(s.command(b64(USER)).code()).isEqualTo(334);
      SmtpReply last = s.command(b64(PASSWORD));

      assertThat(last.code()).isEqualTo(535);
      assertThat(server.commands()).contains(b64(PASSWORD)); // it did go on the wire
      assertThat(s.transcript().toString()).contains(" -> AUTH LOGIN").contains(" -> [redacted]");
      assertNoSecret(s.report(), b64(PASSWORD), PASSWORD, b64(USER));
      // The exchange is over: the next command is recorded as sent.
      s.noop();
      assertThat(s.transcript().toString()).contains(" -> NOOP");
    }
  }

  @Test
  void command_rawAuthPlainWithInitialResponse_keepsTheMechanismAndScrubsTheEcho()
      throws Exception {
    String ir = b64("\0" + USER + "\0" + PASSWORD);
    try (HostileSmtpServer server = HostileSmtpServer.start(Fault.ECHOES_AUTH);
        SmtpSession s = SmtpSession.open(server.host(), server.port())) {
      s.ehlo("c.test");

      assertThat(s.command("AUTH PLAIN " + ir).code()).isEqualTo(535);

      assertThat(s.transcript().toString()).contains(" -> AUTH PLAIN [redacted]");
      assertNoSecret(s.report(), ir, PASSWORD);
    }
  }

  // ---------------------------------------------------------------- item 9c: echoed secrets

  @Test
  void auth_serverEchoesPlainPayload_scrubsItEverywhere() throws Exception {
    assertAuthEchoScrubbed(SmtpAuthMechanism.PLAIN, b64("\0" + USER + "\0" + PASSWORD));
  }

  @Test
  void auth_serverEchoesLoginPassword_scrubsItEverywhere() throws Exception {
    assertAuthEchoScrubbed(SmtpAuthMechanism.LOGIN, b64(PASSWORD));
  }

  @Test
  void auth_serverEchoesCramMd5Response_scrubsItEverywhere() throws Exception {
    try (HostileSmtpServer server = HostileSmtpServer.start(Fault.ECHOES_AUTH)) {
      SmtpReport report =
          SmtpClient.system()
              .run(
                  SmtpConversation.to(server.host(), server.port())
                      .ehlo("c.test")
                      .auth(
                          SmtpCredentials.of(USER, PASSWORD)
                              .mechanism(SmtpAuthMechanism.CRAM_MD5)));
      String response = server.commands().get(server.commands().size() - 2);
      assertThat(response).isNotBlank();

      assertThat(report.findings()).anyMatch(f -> f.is(SmtpFinding.AUTH_REJECTED));
      assertNoSecret(report, response);
    }
  }

  @Test
  void auth_sendmailEchoesTheLineAsUnrecognized_scrubsIt() throws Exception {
    String echoed = b64(PASSWORD);
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.builder()
                .reply(220, "mx.test")
                .expect("EHLO")
                .reply(250, "mx.test", "AUTH LOGIN")
                .expect("AUTH LOGIN")
                .reply(334, "VXNlcm5hbWU6")
                .expect("")
                .reply(334, "UGFzc3dvcmQ6")
                .expect("")
                .reply(500, "5.5.1 Command unrecognized: \"" + echoed + "\"")
                .start();
        SmtpSession s = SmtpSession.open(server.host(), server.port())) {
      s.ehlo("c.test");

      SmtpReply r = s.auth(SmtpCredentials.of(USER, PASSWORD).mechanism(SmtpAuthMechanism.LOGIN));

      assertThat(r.code()).isEqualTo(500);
      assertThat(r.firstLine()).doesNotContain(echoed).contains("[redacted]");
      assertNoSecret(s.report(), echoed, PASSWORD);
    }
  }

  @Test
  void auth_serverEchoesThePasswordInClear_scrubsIt() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.builder()
                .reply(220, "mx.test")
                .expect("EHLO")
                .reply(250, "mx.test", "AUTH PLAIN")
                .expect("AUTH PLAIN")
                .reply(535, "5.7.8 password '" + PASSWORD + "' is wrong for " + USER)
                .start();
        SmtpSession s = SmtpSession.open(server.host(), server.port())) {
      s.ehlo("c.test");

      s.auth(SmtpCredentials.of(USER, PASSWORD));

      assertNoSecret(s.report(), PASSWORD);
      assertThat(s.transcript().toString()).contains("is wrong for " + USER);
    }
  }

  private static void assertAuthEchoScrubbed(SmtpAuthMechanism m, String payload) throws Exception {
    try (HostileSmtpServer server = HostileSmtpServer.start(Fault.ECHOES_AUTH)) {
      SmtpReport report =
          SmtpClient.system()
              .run(
                  SmtpConversation.to(server.host(), server.port())
                      .ehlo("c.test")
                      .auth(SmtpCredentials.of(USER, PASSWORD).mechanism(m)));
      assertThat(server.commands()).anyMatch(c -> c.contains(payload));

      assertThat(report.transcript().toString()).contains("535 5.7.8").contains("[redacted]");
      assertNoSecret(report, payload, PASSWORD);
    }
  }

  static void assertNoSecret(SmtpReport report, String... secrets) {
    List<Finding> findings = report.findings();
    for (String secret : secrets) {
      assertThat(report.transcript().toString()).doesNotContain(secret);
      assertThat(report.toString()).doesNotContain(secret);
      assertThat(findings.toString()).doesNotContain(secret);
      for (Finding f : findings) {
        assertThat(f.render()).doesNotContain(secret);
      }
      report.steps().forEach(e -> assertThat(e.toString()).doesNotContain(secret));
    }
  }
}
