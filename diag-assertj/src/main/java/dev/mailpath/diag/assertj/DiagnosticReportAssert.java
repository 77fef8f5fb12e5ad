package dev.mailpath.diag.assertj;

import dev.mailpath.diag.core.DiagnosticReport;

/**
 * Assertions on any {@link DiagnosticReport}; obtain through {@link
 * DiagAssertions#assertThat(DiagnosticReport)}.
 */
public class DiagnosticReportAssert
    extends AbstractDiagnosticReportAssert<DiagnosticReportAssert, DiagnosticReport> {

  /**
   * Creates the assertion; public so that soft assertions can proxy it.
   *
   * @param actual the report
   */
  public DiagnosticReportAssert(DiagnosticReport actual) {
    super(actual, DiagnosticReportAssert.class);
  }
}
