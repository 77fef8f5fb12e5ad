package dev.mailpath.diag.assertj;

import dev.mailpath.diag.trace.Conclusion;
import dev.mailpath.diag.trace.InvestigationReport;
import dev.mailpath.diag.trace.UndeliveredReason;

/**
 * Assertions on a {@link InvestigationReport}; obtain through {@link
 * DiagAssertions#assertThat(InvestigationReport)}. Failure messages print the whole report. Not
 * final, so that AssertJ soft assertions can proxy it.
 */
public class InvestigationReportAssert
    extends AbstractDiagnosticReportAssert<InvestigationReportAssert, InvestigationReport> {

  /**
   * Creates the assertion; public so that soft assertions can proxy it.
   *
   * @param actual the report
   */
  public InvestigationReportAssert(InvestigationReport actual) {
    super(actual, InvestigationReportAssert.class);
  }

  /**
   * Verifies the investigation's conclusion.
   *
   * @param expected the expected conclusion
   * @return this assertion
   */
  public InvestigationReportAssert hasConclusion(Conclusion expected) {
    isNotNull();
    java.util.Objects.requireNonNull(expected, "expected");
    if (actual.conclusion() != expected) {
      failWithMessage(
          "%nExpecting%n  %s%nbut was%n  %s%nin report:%n%s",
          expected, actual.conclusion(), actual);
    }
    return myself;
  }

  /**
   * Verifies why the message was not delivered.
   *
   * @param expected the expected reason
   * @return this assertion
   */
  public InvestigationReportAssert hasReason(UndeliveredReason expected) {
    isNotNull();
    java.util.Objects.requireNonNull(expected, "expected");
    if (!actual.reason().equals(java.util.Optional.of(expected))) {
      failWithMessage(
          "%nExpecting%n  %s%nbut was%n  %s%nin report:%n%s", expected, actual.reason(), actual);
    }
    return myself;
  }
}
