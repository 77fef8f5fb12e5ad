package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.TlsFailurePolicy;
import dev.mailpath.diag.core.TlsMode;
import dev.mailpath.diag.core.TranscriptLine;
import dev.mailpath.diag.testkit.GreenMailSmtp;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every step GreenMail can show, against a real in-process server, asserting on transcripts. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SmtpConversationGreenMailTest {

  private static GreenMailSmtp mail;

  @BeforeAll
  static void start() {
    mail = GreenMailSmtp.builder().user("alice@mail.test", "alice", "s3cret").start();
  }

  @AfterAll
  static void stop() {
    mail.close();
  }

  @BeforeEach
  void purge() throws Exception {
    mail.greenMail().purgeEmailFromAllMailboxes();
  }

  private static final SmtpClient CLIENT =
      SmtpClient.builder().timeouts(SmtpTimeouts.all(Duration.ofSeconds(5))).build();

  private static SmtpConversation smtp() {
    return SmtpConversation.to(mail.host(), mail.smtpPort());
  }

  private static SmtpConversation smtps() {
    return SmtpConversation.to(mail.host(), mail.smtpsPort()).tlsMode(TlsMode.IMPLICIT);
  }

  private static List<String> transcript(SmtpReport r) {
    return r.transcript().lines().stream().map(TranscriptLine::toString).toList();
  }

  @Test
  void run_telnetStyleDelivery_greenMailReceivesTheMessage() throws Exception {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("From", "me@example.test");
    headers.put("To", "alice@mail.test");
    headers.put("Subject", "Test message via Telnet");

    SmtpReport r =
        CLIENT.run(
            smtp()
                .ehlo("probe.example.test")
                .mailFrom("me@example.test")
                .rcptTo("alice@mail.test")
                .data(headers, "This is a test\nPlease reply if received\n")
                .quit());

    assertThat(r.completed()).as("%s", r).isTrue();
    assertThat(r.outcome()).isEqualTo(Outcome.WARN); // AUTH offered in clear
    assertThat(r.findings())
        .extracting(f -> f.code())
        .containsExactly("smtp.auth.offered-without-tls");
    assertThat(transcript(r))
        .containsSubsequence(
            "<-  220 /127.0.0.1 GreenMail SMTP Service v2.1.13 ready",
            " -> EHLO probe.example.test",
            "<-  250-AUTH PLAIN LOGIN XOAUTH2",
            " -> MAIL FROM:<me@example.test>",
            "<-  250 OK",
            " -> RCPT TO:<alice@mail.test>",
            "<-  250 OK",
            " -> DATA",
            "<-  354 Start mail input; end with <CRLF>.<CRLF>",
            " -> Subject: Test message via Telnet",
            " -> ",
            " -> This is a test",
            " -> Please reply if received",
            " -> .",
            "<-  250 OK",
            " -> QUIT",
            "<-  221 /127.0.0.1 Service closing transmission channel");
    assertThat(mail.awaitMessages(5000, 1)).isTrue();
    MimeMessage received = mail.receivedMessages().get(0);
    assertThat(received.getSubject()).isEqualTo("Test message via Telnet");
    assertThat(received.getSentDate()).isNotNull();
    assertThat(received.getMessageID()).endsWith("@example.test>");
    assertThat(r.capabilities().orElseThrow().smtpUtf8()).isTrue();
    assertThat(r.timings().phases())
        .containsKeys("connect", "banner", "ehlo", "mail", "rcpt", "data", "quit");
  }

  @Test
  void run_mimeMessage_isDeliveredWithItsHeaders() throws Exception {
    Properties props = new Properties();
    props.setProperty("mail.from", "me@example.test"); // no local host name lookup for Message-ID
    MimeMessage m = new MimeMessage(Session.getInstance(props));
    m.setFrom(new InternetAddress("me@example.test"));
    m.setRecipient(Message.RecipientType.TO, new InternetAddress("alice@mail.test"));
    m.setSubject("Grüße via Jakarta Mail", "UTF-8");
    m.setText("Hallo Alice\n.a line with a leading dot\n", "UTF-8");

    SmtpReport r =
        CLIENT.run(
            smtp().ehlo("c.test").mailFrom("me@example.test").rcptTo("alice@mail.test").data(m));

    assertThat(r.completed()).as("%s", r).isTrue();
    assertThat(mail.awaitMessages(5000, 1)).isTrue();
    MimeMessage received = mail.receivedMessages().get(0);
    assertThat(received.getSubject()).isEqualTo("Grüße via Jakarta Mail");
    assertThat((String) received.getContent()).contains(".a line with a leading dot");
  }

  @Test
  void run_authPlain_succeedsAndRedacts() {
    SmtpReport r =
        CLIENT.run(
            smtp()
                .ehlo("c.test")
                .auth(SmtpCredentials.of("alice", "s3cret").mechanism(SmtpAuthMechanism.PLAIN))
                .mailFrom("alice@mail.test")
                .quitAfter(SmtpPhase.MAIL));

    assertThat(r.completed()).isTrue();
    assertThat(transcript(r))
        .containsSubsequence(
            " -> AUTH PLAIN [redacted]", "<-  235 2.7.0  Authentication Succeeded");
    assertThat(r.toString()).doesNotContain("s3cret").doesNotContain("AGFsaWNl");
  }

  @Test
  void run_authLogin_succeedsAndRedacts() {
    SmtpReport r =
        CLIENT.run(
            smtp()
                .ehlo("c.test")
                .auth(SmtpCredentials.of("alice", "s3cret").mechanism(SmtpAuthMechanism.LOGIN)));

    assertThat(r.completed()).isTrue();
    assertThat(transcript(r))
        .containsSubsequence(
            " -> AUTH LOGIN",
            "<-  334 VXNlcm5hbWU6",
            " -> [redacted]",
            "<-  334 UGFzc3dvcmQ6",
            " -> [redacted]",
            "<-  235 2.7.0  Authentication Succeeded");
    assertThat(r.toString())
        .doesNotContain("s3cret")
        .doesNotContain("YWxpY2U=")
        .doesNotContain("czNjcmV0");
  }

  @Test
  void run_authChoosesPlainFromGreenMailsOffer() {
    SmtpReport r = CLIENT.run(smtp().ehlo("c.test").auth(SmtpCredentials.of("alice", "s3cret")));

    assertThat(r.transcript().sent())
        .extracting(TranscriptLine::text)
        .contains("AUTH PLAIN [redacted]");
  }

  @Test
  void run_authWrongPassword_reportsRejectionAndStops() {
    SmtpReport r =
        CLIENT.run(
            smtp().ehlo("c.test").auth(SmtpCredentials.of("alice", "wrong")).mailFrom("a@b.test"));

    assertThat(r.hasFinding(SmtpFinding.AUTH_REJECTED)).as("%s", r).isTrue();
    assertThat(r.endedAt()).contains(SmtpPhase.AUTH);
    assertThat(r.transcript().sent())
        .extracting(TranscriptLine::text)
        .doesNotContain("MAIL FROM:<a@b.test>");
  }

  @Test
  void run_otherCommands_repliesRecordedPerStep() {
    SmtpReport r =
        CLIENT.run(smtp().ehlo("c.test").noop().rset().vrfy("alice").expn("staff").command("HELP"));

    assertThat(r.completed()).isTrue();
    assertThat(r.steps())
        .extracting(s -> s.command() + " " + s.reply().code())
        .contains("NOOP 250", "RSET 250", "VRFY alice 252", "EXPN staff 500");
    assertThat(r.findings(SmtpFinding.REPLY_PERMANENT))
        .allSatisfy(f -> assertThat(f.severity()).isEqualTo(dev.mailpath.diag.core.Severity.INFO));
  }

  @Test
  void run_heloOnly_hasNoCapabilities() {
    SmtpReport r = CLIENT.run(smtp().helo("c.test"));

    assertThat(r.completed()).isTrue();
    assertThat(r.capabilities().orElseThrow().keywords()).isEmpty();
  }

  @Test
  void run_quitAfterEhlo_stopsBeforeMail() {
    SmtpReport r =
        CLIENT.run(
            smtp()
                .ehlo("c.test")
                .mailFrom("a@b.test")
                .rcptTo("alice@mail.test")
                .quitAfter(SmtpPhase.EHLO));

    assertThat(r.transcript().sent())
        .extracting(TranscriptLine::text)
        .containsExactly("EHLO c.test", "QUIT");
  }

  @Test
  void run_smtpUtf8Offered_addsParameter() {
    SmtpReport r =
        CLIENT.run(
            smtp()
                .smtpUtf8()
                .ehlo("c.test")
                .mailFrom("jörg@example.test")
                .rcptTo("alice@mail.test")
                .quitAfter(SmtpPhase.RCPT));

    assertThat(r.transcript().sent())
        .extracting(TranscriptLine::text)
        .contains("MAIL FROM:<jörg@example.test> SMTPUTF8");
    assertThat(r.hasFinding(SmtpFinding.SMTPUTF8_NOT_OFFERED)).isFalse();
  }

  @Test
  void run_smtpsTrustingGreenMailsCertificate_talksInsideTls() {
    SmtpReport r =
        CLIENT.toBuilder()
            .tls(
                t ->
                    t.trustManager(mail.smtpsTrustManager())
                        .failurePolicy(TlsFailurePolicy.REPORT_AND_CONTINUE))
            .build()
            .run(
                smtps()
                    .ehlo("c.test")
                    .auth(SmtpCredentials.of("alice", "s3cret").mechanism(SmtpAuthMechanism.LOGIN))
                    .mailFrom("alice@mail.test")
                    .rcptTo("alice@mail.test")
                    .data(Map.of("Subject", "over TLS"), "secure"));

    assertThat(r.completed()).as("%s", r).isTrue();
    TlsInfo tls = r.tls().orElseThrow();
    assertThat(tls.established()).isTrue();
    assertThat(tls.chainValid()).isTrue();
    assertThat(tls.subject()).hasValueSatisfying(s -> assertThat(s).contains("GreenMail"));
    // GreenMail's bundled certificate names no host, so connecting by address is a mismatch.
    assertThat(r.hasFinding(SmtpFinding.TLS_NAME_MISMATCH)).isTrue();
    assertThat(r.hasFinding(SmtpFinding.AUTH_OFFERED_WITHOUT_TLS)).isFalse();
    assertThat(transcript(r))
        .containsSubsequence(
            "<~  220 /127.0.0.1 GreenMail SMTP Service v2.1.13 ready",
            " ~> EHLO c.test",
            " ~> AUTH LOGIN",
            " ~> [redacted]",
            " ~> [redacted]",
            "<~  235 2.7.0  Authentication Succeeded",
            " ~> QUIT");
    assertThat(mail.awaitMessages(5000, 1)).isTrue();
  }

  @Test
  void run_smtpsWithDefaultTrust_reportsUntrustedCertificateAndEnds() {
    SmtpReport r = CLIENT.run(smtps().ehlo("c.test"));

    assertThat(r.hasFinding(SmtpFinding.TLS_CERTIFICATE_INVALID)).as("%s", r).isTrue();
    assertThat(r.endedAt()).contains(SmtpPhase.TLS);
    assertThat(r.banner()).isEmpty();
    assertThat(r.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
  }
}
