package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.TranscriptLine;
import dev.mailpath.diag.testkit.ScriptedSmtpServer;
import dev.mailpath.diag.testkit.TestCertificates;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Refusal patterns played by a scripted server, with the transcripts asserted. With one relay
 * variant the battery is three attempts on one connection (local delivery, unknown user, the
 * variant), each MAIL, RCPT, RSET, so a script can answer each in turn.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RelayPolicyTesterScriptedTest {

  private static final TestCertificates.ServerCertificate CERT =
      TestCertificates.selfSigned("mx.test");
  private static final String LOCAL_OK = "250 2.1.5 Ok";
  private static final String UNKNOWN =
      "550 5.1.1 <x@relay.test>: Recipient address rejected: User unknown";
  private static final String DENIED = "554 5.7.1 <relaytest@external.test>: Relay access denied";

  private static ScriptedSmtpServer.Builder ehlo(String... extensions) {
    String[] lines = new String[extensions.length + 1];
    lines[0] = "mx.test";
    System.arraycopy(extensions, 0, lines, 1, extensions.length);
    return ScriptedSmtpServer.builder()
        .reply(220, "mx.test ESMTP scripted")
        .expect("EHLO")
        .reply(250, lines);
  }

  /** MAIL accepted, RCPT answered with the given line, RSET accepted: once per line. */
  private static ScriptedSmtpServer.Builder attempts(
      ScriptedSmtpServer.Builder b, String... rcptReplies) {
    for (String r : rcptReplies) {
      b.expect("MAIL FROM:")
          .reply(250, "2.1.0 Ok")
          .expect("RCPT TO:")
          .lines(r)
          .expect("RSET")
          .reply(250, "2.0.0 Ok");
    }
    return b;
  }

  private static RelayPolicyTester.Builder tester(ScriptedSmtpServer s) {
    return RelayPolicyTester.builder()
        .server(s.host(), s.port())
        .localDomain("relay.test")
        .externalDomain("external.test")
        .variants(RelayVariant.EXTERNAL_SENDER)
        .client(c -> c.timeouts(SmtpTimeouts.all(Duration.ofSeconds(2))))
        .client(c -> c.deadline(Duration.ofSeconds(15)));
  }

  private static List<String> lines(RelayAttempt a) {
    return a.transcript().lines().stream().map(TranscriptLine::toString).toList();
  }

  private static RelayAttempt external(RelayReport r) {
    return r.attempt(RelayPass.ANONYMOUS, RelayVariant.EXTERNAL_SENDER).orElseThrow();
  }

  @Test
  void test_permanentRelayDenial_isClosed() {
    try (ScriptedSmtpServer s = attempts(ehlo("PIPELINING"), LOCAL_OK, UNKNOWN, DENIED).start()) {
      RelayReport r = tester(s).build().test();

      assertThat(r.verdict()).as("%s", r).isEqualTo(RelayVerdict.CLOSED);
      assertThat(s.mismatches()).isEmpty();
      assertThat(lines(external(r)))
          .containsExactly(
              " -> MAIL FROM:<probe@external.test>",
              "<-  250 2.1.0 Ok",
              " -> RCPT TO:<relaytest@external.test>",
              "<-  " + DENIED,
              " -> RSET",
              "<-  250 2.0.0 Ok");
      assertThat(r.connections().get(0).transcript().sent())
          .extracting(TranscriptLine::text)
          .last()
          .isEqualTo("QUIT");
    }
  }

  @Test
  void test_454RelayAccessDenied_isTemporaryNotClosed() {
    String deferred = "454 4.7.1 <relaytest@external.test>: Relay access denied";
    try (ScriptedSmtpServer s = attempts(ehlo(), LOCAL_OK, UNKNOWN, deferred).start()) {
      RelayReport r = tester(s).build().test();

      assertThat(r.verdict()).isEqualTo(RelayVerdict.INCONCLUSIVE);
      assertThat(r.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
      assertThat(external(r).response()).isEqualTo(RelayResponse.DEFERRED);
      assertThat(lines(external(r))).contains("<-  " + deferred);
      assertThat(r.findings(RelayFinding.TEMPORARY_REFUSAL))
          .singleElement()
          .satisfies(
              f -> assertThat(f.summary()).contains("not proof of a closed relay", "454 4.7.1"));
    }
  }

  @Test
  void test_greylisting451_isInconclusiveAndGreylisted() {
    String grey = "451 4.7.1 <%s>: Recipient address rejected: Greylisted for 300 seconds";
    try (ScriptedSmtpServer s = attempts(ehlo(), grey, grey, grey).start()) {
      RelayReport r = tester(s).build().test();

      assertThat(r.verdict()).isEqualTo(RelayVerdict.INCONCLUSIVE);
      assertThat(r.findings())
          .extracting(Finding::code)
          .containsExactly("relay.inconclusive", "relay.greylisted");
      assertThat(r.findings().get(0).summary())
          .contains("3 of 3 anonymous attempts got no final answer (3 DEFERRED)");
    }
  }

  @Test
  void test_530StartTlsRequired_isRetriedInsideTlsNotTakenForAuthRequired() {
    ScriptedSmtpServer.Builder b =
        ehlo("STARTTLS")
            .expect("MAIL FROM:")
            .reply(530, "5.7.0 Must issue a STARTTLS command first")
            .expect("RSET")
            .reply(250, "2.0.0 Ok")
            .expect("STARTTLS")
            .reply(220, "2.0.0 Ready to start TLS")
            .startTls(CERT.serverContext())
            .expect("EHLO")
            .reply(250, "mx.test", "PIPELINING");
    try (ScriptedSmtpServer s = attempts(b, LOCAL_OK, UNKNOWN, DENIED).start()) {
      RelayReport r =
          tester(s)
              .client(c -> c.tls(t -> t.trustManager(CERT.trustManager())))
              .client(c -> c.tls(t -> t.expectedName("mx.test")))
              .build()
              .test();

      assertThat(r.verdict()).as("%s", r).isEqualTo(RelayVerdict.CLOSED);
      assertThat(s.mismatches()).isEmpty();
      assertThat(r.findings())
          .extracting(Finding::code)
          .containsExactly("relay.closed", "relay.starttls-required");
      assertThat(r.connections())
          .singleElement()
          .satisfies(
              c ->
                  assertThat(c.transcript().toString())
                      .contains("<-  530 5.7.0 Must issue a STARTTLS command first\n -> RSET")
                      .contains(
                          " -> STARTTLS",
                          " ~> EHLO external.test",
                          " ~> MAIL FROM:<probe@external.test>"));
      assertThat(lines(external(r))).first().isEqualTo(" ~> MAIL FROM:<probe@external.test>");
    }
  }

  @Test
  void test_530AuthenticationRequiredForEverything_refusesAllAndAsksForCredentials() {
    ScriptedSmtpServer.Builder b = ehlo("AUTH PLAIN LOGIN");
    for (int i = 0; i < 3; i++) {
      b.expect("MAIL FROM:")
          .reply(530, "5.7.0 Authentication required")
          .expect("RSET")
          .reply(250, "2.0.0 Ok");
    }
    try (ScriptedSmtpServer s = b.start()) {
      RelayReport r = tester(s).build().test();

      assertThat(r.verdict()).isEqualTo(RelayVerdict.REFUSES_ALL);
      assertThat(r.attempts())
          .allSatisfy(a -> assertThat(a.response()).isEqualTo(RelayResponse.AUTH_REQUIRED));
      assertThat(r.attempts()).allSatisfy(a -> assertThat(a.rcptReply()).isEmpty());
      assertThat(r.findings())
          .extracting(Finding::code)
          .containsExactly("relay.refuses-all", "relay.auth-required");
      assertThat(r.findings(RelayFinding.AUTH_REQUIRED).get(0).summary())
          .contains("give the tester credentials");
    }
  }

  @Test
  void test_disconnectAfterTwoErrors_spreadsTheBatteryOverConnections() {
    // Every RCPT is refused; after two refusals the next command gets 421 and a hang-up.
    String refused = "550 5.7.1 Relaying denied";
    ScriptedSmtpServer.Builder b =
        attempts(ehlo(), refused, refused)
            .expect("MAIL")
            .reply(421, "4.7.0 mx.test Error: too many errors")
            .disconnect();
    try (ScriptedSmtpServer s = b.start()) {
      RelayReport r = tester(s).variants(RelayVariant.relayVariants()).build().test();

      // 20 attempts: 2 on the first connection before the 421, then 2 per connection.
      assertThat(r.connections()).hasSize(10);
      assertThat(s.connectionCount()).isEqualTo(10);
      assertThat(r.attempts())
          .allSatisfy(a -> assertThat(a.response()).isEqualTo(RelayResponse.REFUSED));
      assertThat(r.attempts().get(2).tries()).isEqualTo(2);
      assertThat(r.verdict()).isEqualTo(RelayVerdict.REFUSES_ALL);
      assertThat(r.findings(RelayFinding.THROTTLED))
          .singleElement()
          .satisfies(
              f ->
                  assertThat(f.evidence().get(0).value())
                      .contains("421 4.7.0 mx.test Error: too many errors"));
      assertThat(r.connections().get(0).transcript().toString())
          .contains(
              " -> MAIL FROM:<probe@external.test>\n<-  421 4.7.0 mx.test Error: too many errors");
    }
  }

  @Test
  void test_silentHangUpAfterThreeRefusals_isNeitherClosedByAccidentNorATimeout() {
    // No 421, just a FIN when the fourth MAIL comes: the attempt in flight goes to a new
    // connection.
    String refused = "550 5.7.1 Relaying denied";
    ScriptedSmtpServer.Builder b =
        attempts(ehlo(), refused, refused, refused).expect("MAIL").disconnect();
    try (ScriptedSmtpServer s = b.start()) {
      RelayReport r =
          tester(s)
              .variants(
                  RelayVariant.EXTERNAL_SENDER, RelayVariant.NULL_SENDER, RelayVariant.BANG_PATH)
              .attemptsPerConnection(5)
              .build()
              .test();

      // Five attempts: three on the first connection before the hang-up, two on the second.
      assertThat(s.connectionCount()).isEqualTo(2);
      assertThat(r.attempts())
          .allSatisfy(a -> assertThat(a.response()).isEqualTo(RelayResponse.REFUSED));
      assertThat(r.attempt(RelayPass.ANONYMOUS, RelayVariant.NULL_SENDER).orElseThrow().tries())
          .isEqualTo(2);
      assertThat(r.verdict()).isEqualTo(RelayVerdict.REFUSES_ALL);
      assertThat(r.hasFinding(RelayFinding.THROTTLED)).isTrue();
      assertThat(r.hasFinding(SmtpFinding.TIMEOUT)).isFalse();
    }
  }

  @Test
  void test_banner554_triesTwoConnectionsThenGivesUpInconclusive() {
    try (ScriptedSmtpServer s =
        ScriptedSmtpServer.builder().reply(554, "5.7.1 blocked: client on blocklist").start()) {
      RelayReport r = tester(s).build().test();

      assertThat(r.verdict()).isEqualTo(RelayVerdict.INCONCLUSIVE);
      assertThat(s.connectionCount()).isEqualTo(2);
      assertThat(r.attempts())
          .allSatisfy(a -> assertThat(a.response()).isEqualTo(RelayResponse.NOT_TRIED));
      assertThat(r.findings())
          .extracting(Finding::code)
          .contains("relay.inconclusive", "relay.attempts-skipped", "smtp.banner.not-220");
      assertThat(r.findings().get(0).evidence())
          .extracting(e -> e.value())
          .anySatisfy(v -> assertThat(v).contains("554 5.7.1 blocked"));
    }
  }

  @Test
  void test_connectionRefused_isInconclusiveWithConnectFinding() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    RelayReport r =
        RelayPolicyTester.builder()
            .server("127.0.0.1", port)
            .localDomain("relay.test")
            .externalDomain("external.test")
            .client(c -> c.timeouts(SmtpTimeouts.all(Duration.ofSeconds(2))))
            .build()
            .test();

    assertThat(r.verdict()).isEqualTo(RelayVerdict.INCONCLUSIVE);
    assertThat(r.connections()).hasSize(2);
    assertThat(r.hasFinding(SmtpFinding.CONNECT_REFUSED)).isTrue();
  }

  @Test
  void test_silentAfterRcpt_retriesOnFreshConnectionsThenNoAnswer() {
    ScriptedSmtpServer.Builder b =
        ehlo().expect("MAIL FROM:").reply(250, "2.1.0 Ok").expect("RCPT TO:").stall();
    try (ScriptedSmtpServer s = b.start()) {
      RelayReport r =
          tester(s)
              .client(c -> c.timeouts(SmtpTimeouts.all(Duration.ofMillis(300))))
              .maxConnections(4)
              .build()
              .test();

      RelayAttempt local =
          r.attempt(RelayPass.ANONYMOUS, RelayVariant.LOCAL_DELIVERY).orElseThrow();
      assertThat(local.response()).isEqualTo(RelayResponse.NO_ANSWER);
      assertThat(local.tries()).isEqualTo(3);
      assertThat(r.verdict()).isEqualTo(RelayVerdict.INCONCLUSIVE);
      assertThat(s.connectionCount()).isEqualTo(4);
      assertThat(r.findings())
          .extracting(Finding::code)
          .contains("relay.attempts-skipped", "smtp.timeout");
    }
  }
}
