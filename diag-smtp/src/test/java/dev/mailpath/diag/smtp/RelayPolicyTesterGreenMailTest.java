package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.TlsMode;
import dev.mailpath.diag.core.TranscriptLine;
import dev.mailpath.diag.testkit.GreenMailSmtp;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * GreenMail as the stand-in for a server that accepts everything: it takes every RCPT and never
 * requires AUTH, so it can only play an open relay that also accepts every made-up recipient.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RelayPolicyTesterGreenMailTest {

  private static GreenMailSmtp mail;

  @BeforeAll
  static void start() {
    mail = GreenMailSmtp.builder().user("alice@mail.test", "alice", "s3cret").start();
  }

  @AfterAll
  static void stop() {
    mail.close();
  }

  private static RelayPolicyTester.Builder tester() {
    return RelayPolicyTester.builder()
        .server(mail.host(), mail.smtpPort())
        .localDomain("mail.test")
        .localRecipient("alice@mail.test")
        .externalDomain("external.test")
        .client(c -> c.timeouts(SmtpTimeouts.all(Duration.ofSeconds(5))))
        .client(c -> c.deadline(Duration.ofSeconds(20)));
  }

  @Test
  void test_greenMail_isOpenRelayThatAcceptsEveryRcpt() throws Exception {
    RelayReport r = tester().build().test();

    assertThat(r.verdict()).as("%s", r).isEqualTo(RelayVerdict.OPEN_RELAY);
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.findings())
        .extracting(Finding::code)
        .startsWith("relay.open", "relay.accepts-every-rcpt");
    assertThat(r.findings().get(0).summary()).contains("may still bounce later");
    assertThat(r.findings(RelayFinding.ACCEPTS_EVERY_RCPT).get(0).summary())
        .contains("already agreed to carry");
    // Every relay variant but one: GreenMail answers MAIL FROM:<> with 250, then the RCPT with
    // "503 MAIL must come before RCPT" (it forgets the null sender), which answers nothing.
    assertThat(r.acceptedVariants())
        .containsExactlyElementsOf(
            RelayVariant.relayVariants().stream()
                .filter(v -> v != RelayVariant.NULL_SENDER)
                .toList());
    assertThat(r.attempt(RelayPass.ANONYMOUS, RelayVariant.NULL_SENDER).orElseThrow())
        .satisfies(a -> assertThat(a.response()).isEqualTo(RelayResponse.NO_ANSWER))
        .satisfies(a -> assertThat(a.decidingReply().code()).isEqualTo(503));
    // Nothing is delivered: no DATA was sent, and every session ended with QUIT and 221.
    assertThat(mail.receivedMessages()).isEmpty();
    assertThat(r.connections())
        .hasSize(4)
        .allSatisfy(
            c -> {
              assertThat(c.transcript().sent())
                  .extracting(TranscriptLine::text)
                  .doesNotContain("DATA")
                  .endsWith("QUIT");
              assertThat(c.transcript().toString()).contains("<-  221 ");
            });
  }

  @Test
  void test_greenMail_attemptTranscriptIsMailRcptRset() {
    RelayReport r = tester().variants(RelayVariant.EXTERNAL_SENDER).build().test();

    RelayAttempt a = r.attempt(RelayPass.ANONYMOUS, RelayVariant.EXTERNAL_SENDER).orElseThrow();
    assertThat(a.transcript().lines())
        .extracting(TranscriptLine::toString)
        .containsExactly(
            " -> MAIL FROM:<probe@external.test>",
            "<-  250 OK",
            " -> RCPT TO:<relaytest@external.test>",
            "<-  250 OK",
            " -> RSET",
            "<-  250 OK");
    assertThat(r.connections())
        .singleElement()
        .satisfies(
            c ->
                assertThat(c.transcript().sent())
                    .extracting(
                        l ->
                            l.text()
                                .replaceAll(
                                    "mailpath-nonexistent-[0-9a-f]{8}", "mailpath-nonexistent-X"))
                    .containsExactly(
                        "EHLO external.test",
                        "MAIL FROM:<probe@external.test>",
                        "RCPT TO:<alice@mail.test>",
                        "RSET",
                        "MAIL FROM:<probe@external.test>",
                        "RCPT TO:<mailpath-nonexistent-X@mail.test>",
                        "RSET",
                        "MAIL FROM:<probe@external.test>",
                        "RCPT TO:<relaytest@external.test>",
                        "RSET",
                        "QUIT"));
  }

  @Test
  void test_greenMail_withCredentials_authenticatedPassRelaysToo() {
    RelayReport r =
        tester()
            .variants(RelayVariant.EXTERNAL_SENDER)
            .credentials(SmtpCredentials.of("alice", "s3cret"))
            .tlsMode(TlsMode.NONE) // GreenMail's SMTP offers no STARTTLS: AUTH in clear, opted in
            .build()
            .test();

    assertThat(r.hasFinding(RelayFinding.CREDENTIALS_IN_CLEAR)).isTrue();
    // Open for anyone: the authenticated pass relays as well, and the verdict stays OPEN_RELAY.
    assertThat(r.verdict()).isEqualTo(RelayVerdict.OPEN_RELAY);
    assertThat(r.passResult(RelayPass.AUTHENTICATED)).contains(RelayPassResult.RELAYED);
    assertThat(r.connections().get(1).transcript().toString())
        .contains(" -> AUTH PLAIN [redacted]")
        .doesNotContain("s3cret");
    List<RelayVariant> auth = r.acceptedVariants(RelayPass.AUTHENTICATED);
    assertThat(auth).containsExactly(RelayVariant.EXTERNAL_SENDER, RelayVariant.LOCAL_SENDER);
  }
}
