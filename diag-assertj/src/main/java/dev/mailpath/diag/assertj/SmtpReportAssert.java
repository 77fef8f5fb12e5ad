package dev.mailpath.diag.assertj;

import dev.mailpath.diag.smtp.SmtpPhase;
import dev.mailpath.diag.smtp.SmtpReport;

/**
 * Assertions on an {@link SmtpReport}; obtain through {@link
 * DiagAssertions#assertThat(SmtpReport)}. Failure messages print the report, transcript included.
 * Not final, so that AssertJ soft assertions can proxy it.
 */
public class SmtpReportAssert extends AbstractDiagnosticReportAssert<SmtpReportAssert, SmtpReport> {

  /**
   * Creates the assertion; public so that soft assertions can proxy it.
   *
   * @param actual the report
   */
  public SmtpReportAssert(SmtpReport actual) {
    super(actual, SmtpReportAssert.class);
  }

  /**
   * Verifies that the conversation ran to its end.
   *
   * @return this assertion
   */
  public SmtpReportAssert isCompleted() {
    isNotNull();
    if (!actual.completed()) {
      failWithMessage(
          "%nExpecting the conversation to complete, but it ended at %s (%s):%n%s",
          actual.endedAt().orElse(null), actual.endReason().orElse(""), actual);
    }
    return myself;
  }

  /**
   * Verifies the phase in which the conversation ended early.
   *
   * @param phase the expected phase
   * @return this assertion
   */
  public SmtpReportAssert endedAt(SmtpPhase phase) {
    isNotNull();
    if (actual.endedAt().orElse(null) != phase) {
      failWithMessage(
          "%nExpecting the conversation to end at%n  %s%nbut it ended at%n  %s%n%s",
          phase, actual.endedAt().map(Object::toString).orElse("(completed)"), actual);
    }
    return myself;
  }

  /**
   * Verifies that TLS was established.
   *
   * @return this assertion
   */
  public SmtpReportAssert usedTls() {
    isNotNull();
    if (actual.tls().isEmpty() || !actual.tls().get().established()) {
      failWithMessage("%nExpecting TLS to be established, but the report was:%n%s", actual);
    }
    return myself;
  }

  /**
   * Switches to assertions on the transcript.
   *
   * @return transcript assertions
   */
  public TranscriptAssert transcript() {
    isNotNull();
    return new TranscriptAssert(actual.transcript());
  }
}
