package dev.mailpath.diag.assertj;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.dns.MxReport;

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
