package dev.mailpath.diag.assertj;

import dev.mailpath.diag.trace.ReceivedChainReport;

/**
 * Assertions on a {@link ReceivedChainReport}; obtain through {@link
 * DiagAssertions#assertThat(ReceivedChainReport)}. Failure messages print the whole report. Not
 * final, so that AssertJ soft assertions can proxy it.
 */
public class ReceivedChainReportAssert
    extends AbstractDiagnosticReportAssert<ReceivedChainReportAssert, ReceivedChainReport> {

  /**
   * Creates the assertion; public so that soft assertions can proxy it.
   *
   * @param actual the report
   */
  public ReceivedChainReportAssert(ReceivedChainReport actual) {
    super(actual, ReceivedChainReportAssert.class);
  }

  /**
   * Verifies how many Received hops were read.
   *
   * @param expected the expected count
   * @return this assertion
   */
  public ReceivedChainReportAssert hasHopCount(int expected) {
    isNotNull();
    if (actual.hops().size() != expected) {
      failWithMessage(
          "%nExpecting%n  %s%nbut was%n  %s%nin report:%n%s",
          expected + " hops", actual.hops().size() + " hops", actual);
    }
    return myself;
  }

  /**
   * Verifies the message's Message-ID.
   *
   * @param expected the Message-ID
   * @return this assertion
   */
  public ReceivedChainReportAssert hasMessageId(String expected) {
    isNotNull();
    java.util.Objects.requireNonNull(expected, "expected");
    if (!actual.messageId().equals(java.util.Optional.of(expected))) {
      failWithMessage(
          "%nExpecting%n  %s%nbut was%n  %s%nin report:%n%s", expected, actual.messageId(), actual);
    }
    return myself;
  }
}
