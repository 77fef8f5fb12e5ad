package dev.mailpath.diag.assertj;

import dev.mailpath.diag.smtp.RelayReport;
import dev.mailpath.diag.smtp.RelayVerdict;

/**
 * Assertions on a {@link RelayReport}; obtain through {@link
 * DiagAssertions#assertThat(RelayReport)}. Failure messages print the whole report. Not final, so
 * that AssertJ soft assertions can proxy it.
 */
public class RelayReportAssert
    extends AbstractDiagnosticReportAssert<RelayReportAssert, RelayReport> {

  /**
   * Creates the assertion; public so that soft assertions can proxy it.
   *
   * @param actual the report
   */
  public RelayReportAssert(RelayReport actual) {
    super(actual, RelayReportAssert.class);
  }

  /**
   * Verifies the relay verdict.
   *
   * @param expected the expected verdict
   * @return this assertion
   */
  public RelayReportAssert hasVerdict(RelayVerdict expected) {
    isNotNull();
    java.util.Objects.requireNonNull(expected, "expected");
    if (actual.verdict() != expected) {
      failWithMessage(
          "%nExpecting%n  %s%nbut was%n  %s%nin report:%n%s", expected, actual.verdict(), actual);
    }
    return myself;
  }

  /**
   * Verifies that the server relayed for a stranger.
   *
   * @return this assertion
   */
  public RelayReportAssert isOpenRelay() {
    isNotNull();
    if (actual.verdict() != RelayVerdict.OPEN_RELAY) {
      failWithMessage(
          "%nExpecting%n  %s%nbut was%n  %s%nin report:%n%s",
          RelayVerdict.OPEN_RELAY, actual.verdict(), actual);
    }
    return myself;
  }

  /**
   * Verifies that the server did not relay for a stranger.
   *
   * @return this assertion
   */
  public RelayReportAssert isNotOpenRelay() {
    isNotNull();
    if (actual.verdict() == RelayVerdict.OPEN_RELAY) {
      failWithMessage(
          "%nExpecting%n  %s%nbut was%n  %s%nin report:%n%s",
          "anything but " + RelayVerdict.OPEN_RELAY, actual.verdict(), actual);
    }
    return myself;
  }
}
