package dev.mailpath.diag.assertj;

import dev.mailpath.diag.dns.RootServerReport;

/**
 * Assertions on a {@link RootServerReport}; obtain through {@link
 * DiagAssertions#assertThat(RootServerReport)}. Failure messages print the whole report. Not final,
 * so that AssertJ soft assertions can proxy it.
 */
public class RootServerReportAssert
    extends AbstractDiagnosticReportAssert<RootServerReportAssert, RootServerReport> {

  /**
   * Creates the assertion; public so that soft assertions can proxy it.
   *
   * @param actual the report
   */
  public RootServerReportAssert(RootServerReport actual) {
    super(actual, RootServerReportAssert.class);
  }

  /**
   * Verifies how many root server addresses were asked.
   *
   * @param expected the expected count
   * @return this assertion
   */
  public RootServerReportAssert hasResultCount(int expected) {
    isNotNull();
    if (actual.results().size() != expected) {
      failWithMessage(
          "%nExpecting%n  %s%nbut was%n  %s%nin report:%n%s",
          expected + " results", actual.results().size() + " results", actual);
    }
    return myself;
  }

  /**
   * Verifies the root zone serial most servers agreed on.
   *
   * @param expected the expected serial
   * @return this assertion
   */
  public RootServerReportAssert hasConsensusSerial(long expected) {
    isNotNull();
    if (!actual.consensusSerial().equals(java.util.Optional.of(expected))) {
      failWithMessage(
          "%nExpecting%n  %s%nbut was%n  %s%nin report:%n%s",
          expected, actual.consensusSerial(), actual);
    }
    return myself;
  }
}
