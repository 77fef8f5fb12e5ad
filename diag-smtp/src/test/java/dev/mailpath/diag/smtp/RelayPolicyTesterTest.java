package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.TlsMode;
import dev.mailpath.diag.core.TranscriptLine;
import dev.mailpath.diag.testkit.TestCertificates;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Verdicts, passes, throttling and options against a policy-driven peer on loopback. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RelayPolicyTesterTest {

  private static final TestCertificates.ServerCertificate CERT =
      TestCertificates.selfSigned("mx.relay.test");

  static RelayPolicyTester.Builder tester(RelayPolicyPeer peer) {
    return RelayPolicyTester.builder()
        .server(peer.host(), peer.port())
        .localDomain("relay.test")
        .externalDomain("external.test")
        .client(c -> c.timeouts(SmtpTimeouts.all(Duration.ofSeconds(3))))
        .client(c -> c.deadline(Duration.ofSeconds(20)));
  }

  private static List<String> sent(RelayAttempt a) {
    return a.transcript().sent().stream().map(TranscriptLine::text).toList();
  }

  // ---------------------------------------------------------------- verdicts

  @Test
  void test_closedServer_isClosedWithEveryVariantRefusedAndControlsAsExpected() {
    try (RelayPolicyPeer peer = RelayPolicyPeer.builder().start()) {
      RelayReport r = tester(peer).build().test();

      assertThat(r.verdict()).as("%s", r).isEqualTo(RelayVerdict.CLOSED);
      assertThat(r.outcome()).isEqualTo(Outcome.PASS);
      assertThat(r.passResult(RelayPass.ANONYMOUS)).contains(RelayPassResult.REFUSED);
      assertThat(r.passResult(RelayPass.AUTHENTICATED)).isEmpty();
      assertThat(r.findings()).extracting(Finding::code).containsExactly("relay.closed");
      assertThat(r.acceptedVariants()).isEmpty();
      assertThat(r.attempts()).hasSize(RelayVariant.values().length);
      assertThat(
              r.attempt(RelayPass.ANONYMOUS, RelayVariant.LOCAL_DELIVERY).orElseThrow().response())
          .isEqualTo(RelayResponse.ACCEPTED);
      RelayAttempt unknown =
          r.attempt(RelayPass.ANONYMOUS, RelayVariant.UNKNOWN_LOCAL_USER).orElseThrow();
      assertThat(unknown.response()).isEqualTo(RelayResponse.REFUSED);
      assertThat(unknown.rcptTo()).matches("<mailpath-nonexistent-[0-9a-f]{8}@relay\\.test>");
      assertThat(r.attempts(RelayPass.ANONYMOUS))
          .filteredOn(a -> !a.variant().isControl())
          .allSatisfy(a -> assertThat(a.response()).isEqualTo(RelayResponse.REFUSED));
      // 20 attempts, 5 per connection, QUIT on each: nothing else was opened.
      assertThat(r.connections()).hasSize(4);
      assertThat(peer.connectionCount()).isEqualTo(4);
      assertThat(peer.quitCount()).isEqualTo(4);
      assertThat(peer.commands()).noneMatch(c -> c.equals("DATA"));
    }
  }

  @Test
  void test_attemptTranscript_isMailRcptRsetWithServerAddressLiteral() {
    try (RelayPolicyPeer peer = RelayPolicyPeer.builder().start()) {
      RelayReport r = tester(peer).variants(RelayVariant.PERCENT_HACK_IP_LITERAL).build().test();

      RelayAttempt a =
          r.attempt(RelayPass.ANONYMOUS, RelayVariant.PERCENT_HACK_IP_LITERAL).orElseThrow();
      assertThat(a.mailFrom()).isEqualTo("<probe@[127.0.0.1]>");
      assertThat(a.rcptTo()).isEqualTo("<relaytest%external.test@[127.0.0.1]>");
      assertThat(sent(a))
          .containsExactly(
              "MAIL FROM:<probe@[127.0.0.1]>",
              "RCPT TO:<relaytest%external.test@[127.0.0.1]>",
              "RSET");
      assertThat(a.transcript().toString())
          .contains("<-  554 5.7.1 <relaytest%external.test@[127.0.0.1]>: Relay access denied");
      assertThat(a.connection()).hasValue(0);
      assertThat(a.tries()).isEqualTo(1);
      assertThat(r.connections().get(0).transcript().sent())
          .extracting(TranscriptLine::text)
          .startsWith("EHLO external.test")
          .endsWith("QUIT");
    }
  }

  @Test
  void test_openRelay_listsAcceptedVariantsAndIsCritical() {
    try (RelayPolicyPeer peer =
        RelayPolicyPeer.builder().relay(RelayPolicyPeer.Relay.OPEN).start()) {
      RelayReport r = tester(peer).build().test();

      assertThat(r.verdict()).isEqualTo(RelayVerdict.OPEN_RELAY);
      assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
      assertThat(r.findings().get(0).code()).isEqualTo("relay.open");
      assertThat(r.worstSeverity()).contains(dev.mailpath.diag.core.Severity.CRITICAL);
      assertThat(r.acceptedVariants()).containsExactlyElementsOf(RelayVariant.relayVariants());
      assertThat(r.hasFinding(RelayFinding.ACCEPTS_EVERY_RCPT)).isFalse();
      assertThat(peer.messages()).isEmpty();
    }
  }

  @Test
  void test_authenticatedOnly_relaysAfterAuthInsideTls() {
    try (RelayPolicyPeer peer =
        RelayPolicyPeer.builder()
            .relay(RelayPolicyPeer.Relay.AUTHENTICATED_ONLY)
            .tls(CERT.serverContext(), false)
            .auth("alice", "s3cret", true)
            .start()) {
      RelayReport r =
          tester(peer)
              .credentials(SmtpCredentials.of("alice", "s3cret"))
              .client(c -> c.tls(t -> t.trustManager(CERT.trustManager())))
              .client(c -> c.tls(t -> t.expectedName("mx.relay.test")))
              .build()
              .test();

      assertThat(r.verdict()).as("%s", r).isEqualTo(RelayVerdict.AUTHENTICATED_ONLY);
      assertThat(r.passResult(RelayPass.ANONYMOUS)).contains(RelayPassResult.REFUSED);
      assertThat(r.passResult(RelayPass.AUTHENTICATED)).contains(RelayPassResult.RELAYED);
      assertThat(r.acceptedVariants()).isEmpty();
      assertThat(r.acceptedVariants(RelayPass.AUTHENTICATED))
          .containsExactly(RelayVariant.EXTERNAL_SENDER, RelayVariant.LOCAL_SENDER);
      assertThat(r.findings().get(0).code()).isEqualTo("relay.authenticated-only");
      SmtpReport authSession = r.connections().get(r.connections().size() - 1);
      assertThat(authSession.tls()).isPresent();
      assertThat(authSession.transcript().toString())
          .contains(" ~> AUTH PLAIN [redacted]")
          .doesNotContain("s3cret");
      // Anonymous sessions stayed in clear text: TLS is used when needed, not by default.
      assertThat(r.connections().get(0).tls()).isEmpty();
    }
  }

  @Test
  void test_wrongPassword_authenticatedPassIsInconclusiveNotClosed() {
    try (RelayPolicyPeer peer =
        RelayPolicyPeer.builder()
            .relay(RelayPolicyPeer.Relay.AUTHENTICATED_ONLY)
            .auth("alice", "s3cret", false)
            .start()) {
      // The peer offers no STARTTLS: AUTH in clear text needs the explicit opt-in.
      RelayReport r =
          tester(peer)
              .credentials(SmtpCredentials.of("alice", "wrong"))
              .tlsMode(TlsMode.NONE)
              .build()
              .test();

      assertThat(r.passResult(RelayPass.AUTHENTICATED)).contains(RelayPassResult.INCONCLUSIVE);
      assertThat(r.verdict()).isEqualTo(RelayVerdict.CLOSED);
      assertThat(r.findings(RelayFinding.AUTH_FAILED))
          .singleElement()
          .satisfies(
              f -> assertThat(f.summary()).contains("535 5.7.8", "inconclusive, not closed"));
      assertThat(r.attempts(RelayPass.AUTHENTICATED))
          .allSatisfy(a -> assertThat(a.response()).isEqualTo(RelayResponse.NOT_TRIED));
      assertThat(r.outcome()).isEqualTo(Outcome.WARN);
    }
  }

  @Test
  void test_authenticatedUsersRefusedToo_isClosedWithWarning() {
    try (RelayPolicyPeer peer = RelayPolicyPeer.builder().auth("alice", "s3cret", false).start()) {
      RelayReport r =
          tester(peer)
              .credentials(SmtpCredentials.of("alice", "s3cret"))
              .tlsMode(TlsMode.NONE)
              .build()
              .test();

      assertThat(r.verdict()).isEqualTo(RelayVerdict.CLOSED);
      assertThat(r.passResult(RelayPass.AUTHENTICATED)).contains(RelayPassResult.REFUSED);
      assertThat(r.hasFinding(RelayFinding.AUTHENTICATED_REFUSED)).isTrue();
      assertThat(r.hasFinding(RelayFinding.CREDENTIALS_IN_CLEAR)).isTrue();
    }
  }

  @Test
  void testAsync_cancelWhileServerStalls_closesTheConnectionAtOnce() throws Exception {
    try (StallingPeer peer = new StallingPeer()) {
      CompletableFuture<RelayReport> f =
          RelayPolicyTester.builder()
              .server(peer.host(), peer.port())
              .localDomain("relay.test")
              .externalDomain("external.test")
              .client(c -> c.timeouts(SmtpTimeouts.all(Duration.ofSeconds(30))))
              .build()
              .testAsync();
      assertThat(peer.awaitConnected(Duration.ofSeconds(5))).isTrue();

      f.cancel(true);

      assertThat(peer.awaitClientGone(Duration.ofSeconds(3))).isTrue();
      assertThat(f).isCancelled();
    }
  }

  @Test
  void test_credentialsAndStartTlsOffered_neverSendsAuthInClear() {
    // Issue 16 item 10: AUTH is offered in clear text too, but STARTTLS comes first by default.
    try (RelayPolicyPeer peer =
        RelayPolicyPeer.builder()
            .relay(RelayPolicyPeer.Relay.AUTHENTICATED_ONLY)
            .tls(CERT.serverContext(), false)
            .auth("alice", "s3cret", false)
            .start()) {
      RelayReport r =
          tester(peer)
              .credentials(SmtpCredentials.of("alice", "s3cret"))
              .client(
                  c ->
                      c.tls(t -> t.trustManager(CERT.trustManager()).expectedName("mx.relay.test")))
              .build()
              .test();

      assertThat(r.passResult(RelayPass.AUTHENTICATED))
          .as("%s", r)
          .contains(RelayPassResult.RELAYED);
      assertThat(r.connections())
          .allSatisfy(c -> assertThat(c.transcript().toString()).doesNotContain(" -> AUTH"));
      assertThat(r.connections().stream().map(c -> c.transcript().toString()))
          .anySatisfy(t -> assertThat(t).contains(" ~> AUTH PLAIN [redacted]"));
      assertThat(r.hasFinding(RelayFinding.CREDENTIALS_IN_CLEAR)).isFalse();
    }
  }

  @Test
  void test_credentialsWithoutStartTlsOffered_doesNotSendAuthByDefault() {
    try (RelayPolicyPeer peer =
        RelayPolicyPeer.builder()
            .relay(RelayPolicyPeer.Relay.AUTHENTICATED_ONLY)
            .auth("alice", "s3cret", false)
            .start()) {
      RelayReport r =
          tester(peer).credentials(SmtpCredentials.of("alice", "s3cret")).build().test();

      assertThat(r.passResult(RelayPass.AUTHENTICATED)).contains(RelayPassResult.INCONCLUSIVE);
      assertThat(r.findings(RelayFinding.AUTH_FAILED))
          .singleElement()
          .satisfies(f -> assertThat(f.summary()).contains("not sent in clear text"));
      assertThat(r.connections())
          .allSatisfy(
              c -> assertThat(c.transcript().sent()).noneMatch(l -> l.text().startsWith("AUTH")));
    }
  }

  @Test
  void test_tlsModeNoneWithCredentials_sendsAuthInClearAndSaysSo() {
    try (RelayPolicyPeer peer =
        RelayPolicyPeer.builder()
            .relay(RelayPolicyPeer.Relay.AUTHENTICATED_ONLY)
            .tls(CERT.serverContext(), false)
            .auth("alice", "s3cret", false)
            .start()) {
      RelayReport r =
          tester(peer)
              .credentials(SmtpCredentials.of("alice", "s3cret"))
              .tlsMode(TlsMode.NONE)
              .build()
              .test();

      assertThat(r.passResult(RelayPass.AUTHENTICATED)).contains(RelayPassResult.RELAYED);
      assertThat(r.connections().stream().map(c -> c.transcript().toString()))
          .anySatisfy(t -> assertThat(t).contains(" -> AUTH PLAIN [redacted]"));
      assertThat(r.findings(RelayFinding.CREDENTIALS_IN_CLEAR))
          .singleElement()
          .satisfies(
              f -> assertThat(f.severity()).isEqualTo(dev.mailpath.diag.core.Severity.WARNING));
    }
  }

  @Test
  void test_acceptsEveryLocalRecipientButNoRelay_isClosedWithAcceptsEveryRcpt() {
    try (RelayPolicyPeer peer = RelayPolicyPeer.builder().acceptEveryLocal().start()) {
      RelayReport r = tester(peer).build().test();

      assertThat(r.verdict()).isEqualTo(RelayVerdict.CLOSED);
      assertThat(r.findings(RelayFinding.ACCEPTS_EVERY_RCPT))
          .singleElement()
          .satisfies(
              f -> assertThat(f.summary()).contains("mailpath-nonexistent-", "bounces later"));
      assertThat(r.outcome()).isEqualTo(Outcome.WARN);
    }
  }

  @Test
  void test_localRecipientUnknown_refusesAll() {
    try (RelayPolicyPeer peer = RelayPolicyPeer.builder().start()) {
      RelayReport r = tester(peer).localRecipient("nobody@relay.test").build().test();

      assertThat(r.verdict()).isEqualTo(RelayVerdict.REFUSES_ALL);
      assertThat(r.findings().get(0).summary()).contains("<nobody@relay.test>", "550 5.1.1");
      assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    }
  }

  // ---------------------------------------------------------------- throttling, TLS, greylisting

  @Test
  void test_hardErrorLimit_spreadsAttemptsAndStaysClosed() {
    // Postfix-like: after 2 errors the next command gets 421 and a hang-up.
    try (RelayPolicyPeer peer = RelayPolicyPeer.builder().hardErrorLimit(2).start()) {
      RelayReport r = tester(peer).maxConnections(30).build().test();

      assertThat(r.verdict()).as("%s", r).isEqualTo(RelayVerdict.CLOSED);
      assertThat(r.attempts()).allSatisfy(a -> assertThat(a.response().isFinal()).isTrue());
      assertThat(r.hasFinding(RelayFinding.THROTTLED)).isTrue();
      assertThat(r.connections().size()).isGreaterThan(4).isLessThanOrEqualTo(30);
      assertThat(r.connections())
          .anySatisfy(c -> assertThat(c.transcript().toString()).contains("421 4.7.0"));
    }
  }

  @Test
  void test_startTlsRequired_isRetriedInsideTlsAndNotTakenForAuth() {
    try (RelayPolicyPeer peer = RelayPolicyPeer.builder().tls(CERT.serverContext(), true).start()) {
      RelayReport r =
          tester(peer)
              .client(c -> c.tls(t -> t.trustManager(CERT.trustManager())))
              .client(c -> c.tls(t -> t.expectedName("mx.relay.test")))
              .build()
              .test();

      assertThat(r.verdict()).as("%s", r).isEqualTo(RelayVerdict.CLOSED);
      assertThat(r.hasFinding(RelayFinding.STARTTLS_REQUIRED)).isTrue();
      assertThat(r.hasFinding(RelayFinding.AUTH_REQUIRED)).isFalse();
      assertThat(r.findings(RelayFinding.STARTTLS_REQUIRED).get(0).summary())
          .contains("repeated inside TLS");
      assertThat(r.connections()).allSatisfy(c -> assertThat(c.tls()).isPresent());
      // The first attempt met the 530 in clear text and was repeated inside TLS on the same
      // connection.
      assertThat(r.attempts().get(0).tries()).isEqualTo(2);
    }
  }

  @Test
  void test_startTlsRequiredButNever_isInconclusive() {
    try (RelayPolicyPeer peer = RelayPolicyPeer.builder().tls(CERT.serverContext(), true).start()) {
      RelayReport r = tester(peer).tlsMode(TlsMode.NONE).build().test();

      assertThat(r.verdict()).isEqualTo(RelayVerdict.INCONCLUSIVE);
      assertThat(r.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
      assertThat(r.attempts())
          .allSatisfy(a -> assertThat(a.response()).isEqualTo(RelayResponse.STARTTLS_REQUIRED));
      assertThat(r.findings(RelayFinding.STARTTLS_REQUIRED).get(0).summary())
          .contains("could not use TLS");
    }
  }

  @Test
  void test_ifOffered_usesTlsOnEveryConnection() {
    try (RelayPolicyPeer peer =
        RelayPolicyPeer.builder().tls(CERT.serverContext(), false).start()) {
      RelayReport r =
          tester(peer)
              .tlsMode(TlsMode.STARTTLS_IF_OFFERED)
              .client(c -> c.tls(t -> t.trustManager(CERT.trustManager())))
              .client(c -> c.tls(t -> t.expectedName("mx.relay.test")))
              .build()
              .test();

      assertThat(r.verdict()).isEqualTo(RelayVerdict.CLOSED);
      assertThat(r.connections())
          .allSatisfy(c -> assertThat(c.tls().orElseThrow().verified()).isTrue());
    }
  }

  @Test
  void test_untrustedCertificate_isReportedAsWarningAndTestGoesOn() {
    try (RelayPolicyPeer peer = RelayPolicyPeer.builder().tls(CERT.serverContext(), true).start()) {
      RelayReport r =
          tester(peer).client(c -> c.tls(t -> t.expectedName("mx.relay.test"))).build().test();

      assertThat(r.verdict()).isEqualTo(RelayVerdict.CLOSED);
      assertThat(r.findings(SmtpFinding.TLS_CERTIFICATE_INVALID))
          .singleElement()
          .satisfies(
              f -> assertThat(f.severity()).isEqualTo(dev.mailpath.diag.core.Severity.WARNING));
    }
  }

  @Test
  void test_greylisting_isInconclusiveWithGreylistedFinding() {
    try (RelayPolicyPeer peer = RelayPolicyPeer.builder().greylist().start()) {
      RelayReport r = tester(peer).build().test();

      assertThat(r.verdict()).isEqualTo(RelayVerdict.INCONCLUSIVE);
      assertThat(r.hasFinding(RelayFinding.GREYLISTED)).isTrue();
      assertThat(r.hasFinding(RelayFinding.TEMPORARY_REFUSAL)).isFalse();
      assertThat(r.attempts())
          .allSatisfy(a -> assertThat(a.response()).isEqualTo(RelayResponse.DEFERRED));
    }
  }

  @Test
  void test_454RelayAccessDenied_isNotProofOfClosed() {
    try (RelayPolicyPeer peer =
        RelayPolicyPeer.builder().relayRefusal("454 4.7.1 <%s>: Relay access denied").start()) {
      RelayReport r = tester(peer).build().test();

      assertThat(r.verdict()).isEqualTo(RelayVerdict.INCONCLUSIVE);
      assertThat(r.findings())
          .extracting(Finding::code)
          .containsExactly("relay.inconclusive", "relay.temporary-refusal");
      assertThat(r.findings().get(0).summary()).contains("18 DEFERRED");
    }
  }

  // ---------------------------------------------------------------- safety and options

  @Test
  void test_connectionCap_leavesRestNotTriedAndInconclusive() {
    try (RelayPolicyPeer peer = RelayPolicyPeer.builder().start()) {
      RelayReport r = tester(peer).maxConnections(2).build().test();

      assertThat(peer.connectionCount()).isEqualTo(2);
      assertThat(r.verdict()).isEqualTo(RelayVerdict.INCONCLUSIVE);
      assertThat(r.attempts())
          .filteredOn(a -> a.response() == RelayResponse.NOT_TRIED)
          .hasSize(10)
          .allSatisfy(
              a ->
                  assertThat(a.decidingReply().firstLine())
                      .contains("connection cap of 2 reached"));
      assertThat(r.hasFinding(RelayFinding.ATTEMPTS_SKIPPED)).isTrue();
    }
  }

  @Test
  void test_sendTestMessage_sendsDataOncePerPassAfterAcceptance() {
    try (RelayPolicyPeer peer =
        RelayPolicyPeer.builder().relay(RelayPolicyPeer.Relay.OPEN).start()) {
      RelayReport r =
          tester(peer)
              .sendTestMessage(true)
              .variants(RelayVariant.EXTERNAL_SENDER, RelayVariant.NULL_SENDER)
              .build()
              .test();

      assertThat(peer.messages())
          .singleElement()
          .satisfies(m -> assertThat(m).contains("RelayPolicyTester"));
      assertThat(r.hasFinding(RelayFinding.MESSAGE_ACCEPTED)).isTrue();
      assertThat(
              r.attempt(RelayPass.ANONYMOUS, RelayVariant.EXTERNAL_SENDER)
                  .orElseThrow()
                  .dataReply())
          .hasValueSatisfying(d -> assertThat(d.code()).isEqualTo(250));
      assertThat(
              r.attempt(RelayPass.ANONYMOUS, RelayVariant.LOCAL_DELIVERY).orElseThrow().dataReply())
          .isEmpty();
    }
  }

  @Test
  void test_calledTwice_reusesSettingsWithFreshUnknownUser() {
    try (RelayPolicyPeer peer = RelayPolicyPeer.builder().start()) {
      RelayPolicyTester t = tester(peer).variants(RelayVariant.EXTERNAL_SENDER).build();
      RelayReport first = t.test();
      RelayReport second = t.test();

      assertThat(first.verdict()).isEqualTo(RelayVerdict.CLOSED);
      assertThat(second.verdict()).isEqualTo(RelayVerdict.CLOSED);
      assertThat(
              first
                  .attempt(RelayPass.ANONYMOUS, RelayVariant.UNKNOWN_LOCAL_USER)
                  .orElseThrow()
                  .rcptTo())
          .isNotEqualTo(
              second
                  .attempt(RelayPass.ANONYMOUS, RelayVariant.UNKNOWN_LOCAL_USER)
                  .orElseThrow()
                  .rcptTo());
      assertThat(peer.connectionCount()).isEqualTo(2);
    }
  }

  @Test
  void testAsync_completesWithTheSameVerdict() throws Exception {
    try (RelayPolicyPeer peer =
        RelayPolicyPeer.builder().relay(RelayPolicyPeer.Relay.OPEN).start()) {
      CompletableFuture<RelayReport> f = tester(peer).build().testAsync();

      assertThat(f.get(20, TimeUnit.SECONDS).verdict()).isEqualTo(RelayVerdict.OPEN_RELAY);
    }
  }

  @Test
  void testAsync_cancelled_stopsTheTest() throws Exception {
    // A listener that never accepts: the kernel completes the handshake, no greeting ever comes.
    try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      CompletableFuture<RelayReport> f =
          RelayPolicyTester.builder()
              .server("127.0.0.1", silent.getLocalPort())
              .localDomain("relay.test")
              .externalDomain("external.test")
              .client(c -> c.timeouts(SmtpTimeouts.all(Duration.ofSeconds(20))))
              .build()
              .testAsync();
      f.cancel(true);

      assertThat(f).isCancelled();
      assertThatThrownBy(f::join).isInstanceOf(CancellationException.class);
    }
  }

  @Test
  void toString_showsVerdictTableFindingsAndEvidence() {
    try (RelayPolicyPeer peer = RelayPolicyPeer.builder().acceptEveryLocal().start()) {
      String text =
          tester(peer)
              .variants(RelayVariant.EXTERNAL_SENDER, RelayVariant.BANG_PATH)
              .build()
              .test()
              .toString();

      assertThat(text)
          .contains(
              "Relay test of 127.0.0.1:"
                  + peer.port()
                  + " (local domain relay.test, external domain external.test)")
          .contains("Verdict: CLOSED (WARN)")
          .contains("anonymous pass: REFUSED, 0 of 2 relay variants accepted")
          .contains("authenticated pass: not run (no credentials)")
          .containsPattern(
              "anonymous +local-delivery \\(control\\) +<probe@external.test> +<postmaster@relay.test> +ACCEPTED +250 2.1.5 Ok")
          .containsPattern(
              "anonymous +bang-path +<probe@\\[127.0.0.1\\]> +<external.test!relaytest> +REFUSED +554 5.7.1")
          .contains(
              "INFO relay.closed:",
              "WARNING relay.accepts-every-rcpt:",
              "-> Turn on recipient validation")
          .contains(
              "Evidence", " -> MAIL FROM:<probe@external.test>", "<-  250 2.1.5 Ok", " -> RSET");
    }
  }

  // ---------------------------------------------------------------- builder checks

  @Test
  void builder_rejectsLineBreaksAndBadValues() {
    RelayPolicyTester.Builder b = RelayPolicyTester.builder();
    assertThatThrownBy(() -> b.server("mx.test\r\nRSET", 25))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host")
        .hasMessageContaining("CR");
    assertThatThrownBy(() -> b.server("mx.test", 0)).hasMessageContaining("port");
    assertThatThrownBy(() -> b.localDomain("example.org\n")).hasMessageContaining("localDomain");
    assertThatThrownBy(() -> b.localDomain("a b")).hasMessageContaining("localDomain");
    assertThatThrownBy(() -> b.externalDomain("x@y")).hasMessageContaining("externalDomain");
    assertThatThrownBy(() -> b.localRecipient("postmaster")).hasMessageContaining("localRecipient");
    assertThatThrownBy(() -> b.externalRecipient("me@ex\0t.test"))
        .hasMessageContaining("externalRecipient");
    assertThatThrownBy(() -> b.client(c -> c.ehloName(""))).hasMessageContaining("ehloName");
    assertThatThrownBy(() -> b.attemptsPerConnection(0))
        .hasMessageContaining("attemptsPerConnection");
    assertThatThrownBy(() -> b.maxConnections(101)).hasMessageContaining("maxConnections");
    assertThatThrownBy(() -> b.client(c -> c.deadline(Duration.ZERO)))
        .hasMessageContaining("deadline");
    assertThatThrownBy(() -> b.variants(RelayVariant.LOCAL_DELIVERY))
        .hasMessageContaining("variants");
    assertThatThrownBy(() -> b.credentials(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void build_missingOrConflictingSettings_throwsIllegalState() {
    assertThatThrownBy(
            () ->
                RelayPolicyTester.builder().localDomain("a.test").externalDomain("b.test").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("server");
    assertThatThrownBy(
            () ->
                RelayPolicyTester.builder()
                    .server("127.0.0.1", 25)
                    .externalDomain("b.test")
                    .build())
        .hasMessageContaining("localDomain");
    assertThatThrownBy(
            () -> RelayPolicyTester.builder().server("127.0.0.1", 25).localDomain("a.test").build())
        .hasMessageContaining("externalDomain");
    assertThatThrownBy(
            () ->
                RelayPolicyTester.builder()
                    .server("127.0.0.1", 25)
                    .localDomain("a.test")
                    .externalDomain("A.test")
                    .build())
        .hasMessageContaining("differ");
    assertThatThrownBy(
            () ->
                RelayPolicyTester.builder()
                    .server("127.0.0.1", 25)
                    .localDomain("a.test")
                    .externalDomain("b.test")
                    .externalRecipient("me@c.test")
                    .build())
        .hasMessageContaining("not in externalDomain");
  }

  @Test
  void toBuilder_derivesAVariantAndToStringHidesThePassword() {
    RelayPolicyTester t =
        RelayPolicyTester.builder()
            .server("127.0.0.1", 2525)
            .localDomain("a.test")
            .externalRecipient("me@b.test")
            .credentials(SmtpCredentials.of("alice", "s3cret"))
            .build();
    RelayPolicyTester u = t.toBuilder().variants(RelayVariant.BANG_PATH).build();

    assertThat(t.variants()).hasSize(RelayVariant.relayVariants().size());
    assertThat(u.variants()).containsExactly(RelayVariant.BANG_PATH);
    assertThat(t.maxConnections()).isEqualTo(RelayPolicyTester.Builder.DEFAULT_MAX_CONNECTIONS);
    assertThat(t.toString())
        .contains("127.0.0.1:2525", "externalDomain=b.test", "alice")
        .doesNotContain("s3cret");
  }
}
