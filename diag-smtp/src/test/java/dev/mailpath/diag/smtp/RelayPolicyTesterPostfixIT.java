package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.testkit.TestCertificates;
import dev.mailpath.diag.testkit.peer.PostfixServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ring 3: Debian's Postfix on loopback with one smtpd per relay policy: closed ({@code
 * reject_unauth_destination}), an open relay ({@code permit}), relaying for SASL-authenticated
 * users only (Dovecot SASL, AUTH only inside TLS), and a closed one with tiny error limits. The
 * test client on 127.0.0.1 is not in {@code mynetworks} (127.0.0.2/32), so Postfix does not trust
 * it; postmaster and alice exist, anything else in postfix.test is 550 User unknown. Skipped when
 * Postfix, Dovecot or root is missing, unless {@code -Dpeers.required=true}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RelayPolicyTesterPostfixIT {

  private static final TestCertificates.ServerCertificate CERT =
      TestCertificates.selfSigned("mx.postfix.test");
  private static PostfixServer postfix;

  @BeforeAll
  static void start() {
    postfix =
        PostfixServer.builder()
            .myHostname("mx.postfix.test")
            .domain("postfix.test")
            .user("alice", "s3cret")
            .tls(CERT)
            .saslWithDovecot()
            .tlsAuthOnly(true)
            .service("closed", PostfixServer.RelayPolicy.CLOSED)
            .service("open", PostfixServer.RelayPolicy.OPEN)
            .service("sasl", PostfixServer.RelayPolicy.SASL_ONLY)
            // Postfix's error limits shrunk so that the battery meets them: 421 after two errors.
            .service(
                "strict",
                PostfixServer.RelayPolicy.CLOSED,
                "smtpd_soft_error_limit=1",
                "smtpd_hard_error_limit=2",
                "smtpd_error_sleep_time=0")
            .start();
  }

  @AfterAll
  static void stop() {
    if (postfix != null) {
      postfix.close();
    }
  }

  private static RelayPolicyTester.Builder tester(String service) {
    return RelayPolicyTester.builder()
        .server(postfix.host(), postfix.port(service))
        .localDomain("postfix.test")
        .externalDomain("external.test")
        .client(c -> c.ehloName("client.test"))
        .client(c -> c.tls(t -> t.trustManager(CERT.trustManager())))
        .client(c -> c.tls(t -> t.expectedName("mx.postfix.test")))
        .client(c -> c.timeouts(SmtpTimeouts.all(Duration.ofSeconds(10))))
        .client(c -> c.deadline(Duration.ofSeconds(60)));
  }

  private static String why(RelayReport r) {
    return r + "\n--- postfix log ---\n" + String.join("\n", postfix.log());
  }

  @Test
  void test_closedService_isClosedForEveryoneEvenAfterAuth() {
    RelayReport r =
        tester("closed").credentials(SmtpCredentials.of("alice", "s3cret")).build().test();

    assertThat(r.verdict()).as("%s", why(r)).isEqualTo(RelayVerdict.CLOSED);
    assertThat(r.acceptedVariants()).isEmpty();
    assertThat(r.attempt(RelayPass.ANONYMOUS, RelayVariant.LOCAL_DELIVERY).orElseThrow().response())
        .isEqualTo(RelayResponse.ACCEPTED);
    assertThat(
            r.attempt(RelayPass.ANONYMOUS, RelayVariant.UNKNOWN_LOCAL_USER)
                .orElseThrow()
                .decidingReply())
        .satisfies(reply -> assertThat(reply.code()).isEqualTo(550))
        .satisfies(reply -> assertThat(reply.enhancedStatus()).contains("5.1.1"))
        .satisfies(reply -> assertThat(reply.text()).contains("User unknown"));
    assertThat(
            r.attempt(RelayPass.ANONYMOUS, RelayVariant.EXTERNAL_SENDER)
                .orElseThrow()
                .decidingReply()
                .firstLine())
        .contains("554 5.7.1", "Relay access denied");
    assertThat(r.attempts(RelayPass.ANONYMOUS))
        .filteredOn(a -> !a.variant().isControl())
        .allSatisfy(a -> assertThat(a.response()).isEqualTo(RelayResponse.REFUSED));
    assertThat(r.passResult(RelayPass.AUTHENTICATED)).contains(RelayPassResult.REFUSED);
    assertThat(r.findings())
        .extracting(Finding::code)
        .containsExactly("relay.closed", "relay.authenticated-refused");
  }

  @Test
  void test_openService_isOpenRelayAndNothingIsDelivered() {
    RelayReport r = tester("open").build().test();

    assertThat(r.verdict()).as("%s", why(r)).isEqualTo(RelayVerdict.OPEN_RELAY);
    // Postfix with a permit-everyone policy takes every trick: it rewrites percent hacks, source
    // routes, bang paths and quoted addresses to relaytest@external.test, then relays.
    assertThat(r.acceptedVariants())
        .as("%s", r)
        .containsExactlyElementsOf(RelayVariant.relayVariants());
    // Postfix still knows its own users: the made-up one is refused, so the acceptances are real.
    assertThat(r.hasFinding(RelayFinding.ACCEPTS_EVERY_RCPT)).isFalse();
    assertThat(r.findings().get(0).code()).isEqualTo("relay.open");
    assertThat(String.join("\n", postfix.log()))
        .doesNotContain("status=sent", "status=bounced", "status=deferred");
  }

  @Test
  void test_saslService_withCredentials_isAuthenticatedOnly() {
    RelayReport r =
        tester("sasl").credentials(SmtpCredentials.of("alice", "s3cret")).build().test();

    assertThat(r.verdict()).as("%s", why(r)).isEqualTo(RelayVerdict.AUTHENTICATED_ONLY);
    assertThat(r.acceptedVariants()).isEmpty();
    assertThat(r.acceptedVariants(RelayPass.AUTHENTICATED))
        .containsExactly(RelayVariant.EXTERNAL_SENDER, RelayVariant.LOCAL_SENDER);
    SmtpReport authSession = r.connections().get(r.connections().size() - 1);
    // smtpd_tls_auth_only: AUTH is offered only inside TLS, so the tester started TLS for it.
    assertThat(authSession.tls().orElseThrow().verified()).isTrue();
    assertThat(authSession.transcript().toString())
        .contains(" ~> AUTH PLAIN [redacted]", "<~  235 2.7.0 Authentication successful")
        .doesNotContain("s3cret");
  }

  @Test
  void test_saslService_withoutCredentials_isClosed() {
    RelayReport r = tester("sasl").build().test();

    assertThat(r.verdict()).as("%s", why(r)).isEqualTo(RelayVerdict.CLOSED);
    assertThat(r.passResult(RelayPass.AUTHENTICATED)).isEmpty();
  }

  @Test
  void test_saslService_wrongPassword_authenticatedPassInconclusive() {
    RelayReport r =
        tester("sasl")
            .credentials(SmtpCredentials.of("alice", "wrong"))
            .variants(RelayVariant.EXTERNAL_SENDER)
            .build()
            .test();

    assertThat(r.passResult(RelayPass.AUTHENTICATED))
        .as("%s", why(r))
        .contains(RelayPassResult.INCONCLUSIVE);
    assertThat(r.verdict()).isEqualTo(RelayVerdict.CLOSED);
    assertThat(r.findings(RelayFinding.AUTH_FAILED))
        .singleElement()
        .satisfies(f -> assertThat(f.summary()).contains("535 5.7.8"));
  }

  @Test
  void test_strictErrorLimits_doNotDecideTheVerdict() {
    RelayReport r = tester("strict").maxConnections(40).build().test();

    assertThat(r.verdict()).as("%s", why(r)).isEqualTo(RelayVerdict.CLOSED);
    assertThat(r.attempts()).allSatisfy(a -> assertThat(a.response().isFinal()).isTrue());
    assertThat(r.hasFinding(RelayFinding.THROTTLED)).isTrue();
    assertThat(r.connections())
        .anySatisfy(c -> assertThat(c.transcript().toString()).contains("too many errors"));
  }
}
