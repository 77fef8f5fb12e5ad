package dev.mailpath.diag.assertj;

import dev.mailpath.diag.dns.TraceReport;

/**
 * Assertions on a {@link TraceReport}; obtain through {@link
 * DiagAssertions#assertThat(TraceReport)}. Failure messages print the whole report. Not final, so
 * that AssertJ soft assertions can proxy it.
 */
public class TraceReportAssert
    extends AbstractDiagnosticReportAssert<TraceReportAssert, TraceReport> {

  /**
   * Creates the assertion; public so that soft assertions can proxy it.
   *
   * @param actual the report
   */
  public TraceReportAssert(TraceReport actual) {
    super(actual, TraceReportAssert.class);
  }

  /**
   * Verifies that the trace reached an authoritative answer.
   *
   * @return this assertion
   */
  public TraceReportAssert isCompleted() {
    isNotNull();
    if (!actual.completed()) {
      failWithMessage(
          "%nExpecting%n  %s%nbut was%n  %s%nin report:%n%s",
          "a completed trace", "an incomplete trace", actual);
    }
    return myself;
  }

  /**
   * Verifies the zones walked, from the root down.
   *
   * @param expected the zones, in order
   * @return this assertion
   */
  public TraceReportAssert hasZones(String... expected) {
    isNotNull();
    java.util.Objects.requireNonNull(expected, "expected");
    if (!actual.zones().equals(java.util.List.of(expected))) {
      failWithMessage(
          "%nExpecting%n  %s%nbut was%n  %s%nin report:%n%s",
          java.util.List.of(expected), actual.zones(), actual);
    }
    return myself;
  }
}
