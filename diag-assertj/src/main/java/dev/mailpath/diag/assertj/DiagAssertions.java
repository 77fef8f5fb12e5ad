package dev.mailpath.diag.assertj;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.dns.MxReport;
import dev.mailpath.diag.smtp.SmtpReport;

/**
 * Entry point of the mailpath assertions, next to AssertJ's own {@code Assertions}.
 *
 * <pre>{@code
 * import static dev.mailpath.diag.assertj.DiagAssertions.assertThat;
 *
 * assertThat(resolver.resolve("example.org"))
 *     .hasOutcome(Outcome.PASS)
 *     .hasExchanges("mx1.example.org", "mx2.example.org")
 *     .hasNoFindingAtOrAbove(Severity.WARNING);
 * }</pre>
 */
public final class DiagAssertions {
  private DiagAssertions() {}

  /**
   * Starts assertions on an MX report.
   *
   * @param actual the report
   * @return the assertion
   */
  public static MxReportAssert assertThat(MxReport actual) {
    return new MxReportAssert(actual);
  }

  /**
   * Starts assertions on an SMTP report.
   *
   * <pre>{@code
   * assertThat(SmtpConversation.to("127.0.0.1", 2525).ehlo("probe.test").run())
   *     .isCompleted()
   *     .hasFinding("smtp.starttls.not-offered")
   *     .transcript().containsCommand("EHLO").hasReply(250);
   * }</pre>
   *
   * @param actual the report
   * @return the assertion
   */
  public static SmtpReportAssert assertThat(SmtpReport actual) {
    return new SmtpReportAssert(actual);
  }

  /**
   * Starts assertions on any report.
   *
   * @param actual the report
   * @return the assertion
   */
  public static DiagnosticReportAssert assertThat(DiagnosticReport actual) {
    return new DiagnosticReportAssert(actual);
  }

  /**
   * Starts assertions on a transcript.
   *
   * @param actual the transcript
   * @return the assertion
   */
  public static TranscriptAssert assertThat(Transcript actual) {
    return new TranscriptAssert(actual);
  }
}
