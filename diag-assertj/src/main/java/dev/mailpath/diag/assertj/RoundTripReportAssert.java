package dev.mailpath.diag.assertj;

import dev.mailpath.diag.trace.RoundTripReport;

/**
 * Assertions on a {@link RoundTripReport}; obtain through {@link
 * DiagAssertions#assertThat(RoundTripReport)}. Failure messages print the whole report. Not final,
 * so that AssertJ soft assertions can proxy it.
 */
public class RoundTripReportAssert
    extends AbstractDiagnosticReportAssert<RoundTripReportAssert, RoundTripReport> {

  /**
   * Creates the assertion; public so that soft assertions can proxy it.
   *
   * @param actual the report
   */
  public RoundTripReportAssert(RoundTripReport actual) {
    super(actual, RoundTripReportAssert.class);
  }

  /**
   * Verifies that the SMTP server accepted the test message.
   *
   * @return this assertion
   */
  public RoundTripReportAssert wasAccepted() {
    isNotNull();
    if (!actual.accepted()) {
      failWithMessage(
          "%nExpecting%n  %s%nbut was%n  %s%nin report:%n%s", "accepted", "not accepted", actual);
    }
    return myself;
  }

  /**
   * Verifies that the test message arrived in the mailbox.
   *
   * @return this assertion
   */
  public RoundTripReportAssert hasArrived() {
    isNotNull();
    if (!actual.arrived()) {
      failWithMessage(
          "%nExpecting%n  %s%nbut was%n  %s%nin report:%n%s",
          "arrived", "not arrived after " + actual.polls() + " polls", actual);
    }
    return myself;
  }

  /**
   * Verifies that the test message arrived in the given folder.
   *
   * @param folder the folder name, for example {@code INBOX}
   * @return this assertion
   */
  public RoundTripReportAssert hasArrivedIn(String folder) {
    isNotNull();
    java.util.Objects.requireNonNull(folder, "folder");
    if (!actual.folder().equals(java.util.Optional.of(folder))) {
      failWithMessage(
          "%nExpecting%n  %s%nbut was%n  %s%nin report:%n%s", folder, actual.folder(), actual);
    }
    return myself;
  }
}
