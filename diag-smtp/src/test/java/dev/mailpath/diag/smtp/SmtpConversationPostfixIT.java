package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.TranscriptLine;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import dev.mailpath.diag.testkit.TestCertificates;
import dev.mailpath.diag.testkit.peer.PostfixServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ring 3: a real Postfix from Debian on loopback, STARTTLS with a certificate made at test time,
 * AUTH through Dovecot's SASL, RCPT rejection for unknown users and relaying, and a banner name
 * that differs from 127.0.0.1's reverse DNS. Skipped when Postfix, Dovecot or root is missing,
 * unless {@code -Dpeers.required=true}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SmtpConversationPostfixIT {

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
            .start();
  }

  @AfterAll
  static void stop() {
    if (postfix != null) {
      postfix.close();
    }
  }

  private static final SmtpClient CLIENT =
      SmtpClient.builder()
          .timeouts(SmtpTimeouts.all(Duration.ofSeconds(10)))
          .tls(t -> t.trustManager(CERT.trustManager()).expectedName("mx.postfix.test"))
          .build();

  private static SmtpConversation smtp() {
    return SmtpConversation.to(postfix.host(), postfix.port());
  }

  @Test
  void run_startTlsThenAuthThroughDovecot_deliversToLocalUser() {
    SmtpReport r =
        CLIENT.run(
            smtp()
                .ehlo("client.test")
                .startTls()
                .auth(SmtpCredentials.of("alice", "s3cret"))
                .mailFrom("alice@postfix.test")
                .rcptTo("alice@postfix.test")
                .data(Map.of("Subject", "real peer"), "hello from mailpath\n.leading dot\n"));

    assertThat(r.completed()).as("%s\n%s", r, postfix.log()).isTrue();
    assertThat(r.findings()).as("%s", r).isEmpty();
    assertThat(r.tls().orElseThrow().verified()).isTrue();
    assertThat(r.capabilities().orElseThrow().authMechanisms()).contains("PLAIN", "LOGIN");
    assertThat(r.steps())
        .filteredOn(s -> s.command().equals("EHLO client.test"))
        .first()
        .satisfies(s -> assertThat(EhloCapabilities.parse(s.reply()).startTls()).isTrue())
        .satisfies(s -> assertThat(EhloCapabilities.parse(s.reply()).authMechanisms()).isEmpty());
    assertThat(r.transcript().sent())
        .extracting(TranscriptLine::text)
        .contains("AUTH PLAIN [redacted]");
    assertThat(r.transcript().toString())
        .doesNotContain("s3cret")
        .contains("<~  235 2.7.0 Authentication successful");
  }

  @Test
  void run_authLoginInsideTls_succeeds() {
    SmtpReport r =
        CLIENT.run(
            smtp()
                .ehlo("client.test")
                .startTls()
                .auth(SmtpCredentials.of("alice", "s3cret").mechanism(SmtpAuthMechanism.LOGIN)));

    assertThat(r.completed()).as("%s", r).isTrue();
    assertThat(r.transcript().toString()).contains(" ~> AUTH LOGIN", " ~> [redacted]");
  }

  @Test
  void run_wrongPassword_reportsAuthRejected() {
    SmtpReport r =
        CLIENT.run(
            smtp().ehlo("client.test").startTls().auth(SmtpCredentials.of("alice", "wrong")));

    assertThat(r.hasFinding(SmtpFinding.AUTH_REJECTED)).as("%s", r).isTrue();
    assertThat(r.endedAt()).contains(SmtpPhase.AUTH);
  }

  @Test
  void run_unknownLocalUser_isRejectedWith511() {
    SmtpReport r =
        CLIENT.run(
            smtp()
                .ehlo("client.test")
                .mailFrom("someone@example.test")
                .rcptTo("nobody@postfix.test")
                .quitAfter(SmtpPhase.RCPT));

    assertThat(r.findings(SmtpFinding.REPLY_PERMANENT))
        .singleElement()
        .satisfies(f -> assertThat(f.summary()).contains("RCPT TO:<nobody@postfix.test>", "5.1.1"));
    assertThat(r.endReason()).contains("no recipient accepted");
  }

  @Test
  void run_relayWithoutAuth_isDenied() {
    SmtpReport r =
        CLIENT.run(
            smtp()
                .ehlo("client.test")
                .mailFrom("someone@example.test")
                .rcptTo("victim@elsewhere.test")
                .quitAfter(SmtpPhase.RCPT));

    assertThat(r.findings(SmtpFinding.REPLY_PERMANENT))
        .singleElement()
        .satisfies(f -> assertThat(f.summary()).contains("Relay access denied", "5.7.1"));
  }

  @Test
  void run_defaultTrust_reportsSelfSignedCertificateAsInvalid() {
    SmtpReport r =
        SmtpClient.builder()
            .timeouts(SmtpTimeouts.all(Duration.ofSeconds(10)))
            .build()
            .run(
                SmtpConversation.to(postfix.host(), postfix.port())
                    .expectedTlsName("mx.postfix.test")
                    .ehlo("client.test")
                    .startTls());

    assertThat(r.hasFinding(SmtpFinding.TLS_CERTIFICATE_INVALID)).as("%s", r).isTrue();
    assertThat(r.endedAt()).contains(SmtpPhase.TLS);
  }

  @Test
  void run_bannerNameDiffersFromReverseDnsOfLoopback_reportsRdnsMismatch() {
    try (LocalDnsZoneServer dns =
        LocalDnsZoneServer.builder()
            .zone(
                """
        $ORIGIN 0.0.127.in-addr.arpa.
        $TTL 300
        @    IN SOA localhost. hostmaster.localhost. 1 3600 600 86400 300
        @    IN NS  localhost.
        1    IN PTR localhost.
        """)
            .start()) {
      SmtpReport r =
          CLIENT.toBuilder()
              .dns(d -> d.server(dns.address()))
              .build()
              .run(smtp().ehlo("client.test"));

      assertThat(r.findings(SmtpFinding.BANNER_RDNS_MISMATCH))
          .singleElement()
          .satisfies(f -> assertThat(f.summary()).contains("mx.postfix.test", "localhost"));
    }
  }
}
