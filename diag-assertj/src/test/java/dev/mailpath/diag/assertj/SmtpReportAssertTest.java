package dev.mailpath.diag.assertj;

import static dev.mailpath.diag.assertj.DiagAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.smtp.SmtpClient;
import dev.mailpath.diag.smtp.SmtpConversation;
import dev.mailpath.diag.smtp.SmtpPhase;
import dev.mailpath.diag.smtp.SmtpReport;
import dev.mailpath.diag.smtp.SmtpTimeouts;
import dev.mailpath.diag.testkit.GreenMailSmtp;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SmtpReportAssertTest {

  static SmtpReport session(GreenMailSmtp mail) {
    return SmtpClient.builder()
        .timeouts(SmtpTimeouts.all(Duration.ofSeconds(5)))
        .build()
        .run(
            SmtpConversation.to(mail.host(), mail.smtpPort())
                .ehlo("probe.example.test")
                .mailFrom("a@example.test")
                .rcptTo("b@example.test")
                .quitAfter(SmtpPhase.RCPT));
  }

  @Test
  void greenMailSession_passesTypicalAssertions() {
    try (GreenMailSmtp mail = GreenMailSmtp.builder().start()) {
      assertThat(session(mail))
          .isCompleted()
          .hasOutcome(Outcome.WARN)
          .hasFinding("smtp.auth.offered-without-tls")
          .transcript()
          .containsSequence(
              "220",
              "EHLO probe.example.test",
              "MAIL FROM:<a@example.test>",
              "RCPT TO:<b@example.test>")
          .hasReply(221);
    }
  }

  @Test
  void usedTls_plainSession_failsPrintingTranscript() {
    try (GreenMailSmtp mail = GreenMailSmtp.builder().start()) {
      SmtpReport r = session(mail);
      assertThatThrownBy(() -> assertThat(r).usedTls())
          .hasMessageContaining("Expecting TLS to be established")
          .hasMessageContaining(" -> EHLO probe.example.test");
      assertThatThrownBy(() -> assertThat(r).endedAt(SmtpPhase.TLS))
          .hasMessageContaining("(completed)");
    }
  }
}
