package dev.mailpath.diag.assertj;

import dev.mailpath.diag.trace.DeliveryLogReport;

/**
 * Assertions on a {@link DeliveryLogReport}; obtain through {@link
 * DiagAssertions#assertThat(DeliveryLogReport)}. Failure messages print the whole report. Not
 * final, so that AssertJ soft assertions can proxy it.
 */
public class DeliveryLogReportAssert
    extends AbstractDiagnosticReportAssert<DeliveryLogReportAssert, DeliveryLogReport> {

  /**
   * Creates the assertion; public so that soft assertions can proxy it.
   *
   * @param actual the report
   */
  public DeliveryLogReportAssert(DeliveryLogReport actual) {
    super(actual, DeliveryLogReportAssert.class);
  }

  /**
   * Verifies how many delivery records matched.
   *
   * @param expected the expected count
   * @return this assertion
   */
  public DeliveryLogReportAssert hasRecordCount(int expected) {
    isNotNull();
    if (actual.records().size() != expected) {
      failWithMessage(
          "%nExpecting%n  %s%nbut was%n  %s%nin report:%n%s",
          expected + " records", actual.records().size() + " records", actual);
    }
    return myself;
  }

  /**
   * Verifies that the log was read to its end (no record cap reached).
   *
   * @return this assertion
   */
  public DeliveryLogReportAssert isNotTruncated() {
    isNotNull();
    if (actual.truncated()) {
      failWithMessage(
          "%nExpecting%n  %s%nbut was%n  %s%nin report:%n%s",
          "a complete read", "a truncated read", actual);
    }
    return myself;
  }
}
