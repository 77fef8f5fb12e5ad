package dev.mailpath.diag.assertj;

import dev.mailpath.diag.trace.MailboxSearchReport;

/**
 * Assertions on a {@link MailboxSearchReport}; obtain through {@link
 * DiagAssertions#assertThat(MailboxSearchReport)}. Failure messages print the whole report. Not
 * final, so that AssertJ soft assertions can proxy it.
 */
public class MailboxSearchReportAssert
    extends AbstractDiagnosticReportAssert<MailboxSearchReportAssert, MailboxSearchReport> {

  /**
   * Creates the assertion; public so that soft assertions can proxy it.
   *
   * @param actual the report
   */
  public MailboxSearchReportAssert(MailboxSearchReport actual) {
    super(actual, MailboxSearchReportAssert.class);
  }

  /**
   * Verifies how many messages matched.
   *
   * @param expected the expected count
   * @return this assertion
   */
  public MailboxSearchReportAssert hasHitCount(int expected) {
    isNotNull();
    if (actual.hits().size() != expected) {
      failWithMessage(
          "%nExpecting%n  %s%nbut was%n  %s%nin report:%n%s",
          expected + " hits", actual.hits().size() + " hits", actual);
    }
    return myself;
  }

  /**
   * Verifies that no message matched.
   *
   * @return this assertion
   */
  public MailboxSearchReportAssert hasNoHits() {
    isNotNull();
    if (!actual.hits().isEmpty()) {
      failWithMessage(
          "%nExpecting%n  %s%nbut was%n  %s%nin report:%n%s", "no hits", actual.hits(), actual);
    }
    return myself;
  }
}
