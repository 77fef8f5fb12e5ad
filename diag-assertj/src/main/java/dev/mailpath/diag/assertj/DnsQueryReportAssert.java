package dev.mailpath.diag.assertj;

import dev.mailpath.diag.dns.DnsQueryReport;
import dev.mailpath.diag.dns.RecordType;

/**
 * Assertions on a {@link DnsQueryReport}; obtain through {@link
 * DiagAssertions#assertThat(DnsQueryReport)}. Failure messages print the whole report. Not final,
 * so that AssertJ soft assertions can proxy it.
 */
public class DnsQueryReportAssert
    extends AbstractDiagnosticReportAssert<DnsQueryReportAssert, DnsQueryReport> {

  /**
   * Creates the assertion; public so that soft assertions can proxy it.
   *
   * @param actual the report
   */
  public DnsQueryReportAssert(DnsQueryReport actual) {
    super(actual, DnsQueryReportAssert.class);
  }

  /**
   * Verifies how the query ended (answered, timeout, ...).
   *
   * @param expected the expected status
   * @return this assertion
   */
  public DnsQueryReportAssert hasStatus(DnsQueryReport.Status expected) {
    isNotNull();
    java.util.Objects.requireNonNull(expected, "expected");
    if (actual.status() != expected) {
      failWithMessage(
          "%nExpecting%n  %s%nbut was%n  %s%nin report:%n%s", expected, actual.status(), actual);
    }
    return myself;
  }

  /**
   * Verifies the response code, for example {@code NOERROR} or {@code NXDOMAIN}.
   *
   * @param expected the expected rcode name
   * @return this assertion
   */
  public DnsQueryReportAssert hasRcode(String expected) {
    isNotNull();
    java.util.Objects.requireNonNull(expected, "expected");
    if (!expected.equalsIgnoreCase(actual.rcode())) {
      failWithMessage(
          "%nExpecting%n  %s%nbut was%n  %s%nin report:%n%s", expected, actual.rcode(), actual);
    }
    return myself;
  }

  /**
   * Verifies that the answer had the AA flag.
   *
   * @return this assertion
   */
  public DnsQueryReportAssert isAuthoritative() {
    isNotNull();
    if (!actual.authoritative()) {
      failWithMessage(
          "%nExpecting%n  %s%nbut was%n  %s%nin report:%n%s",
          "authoritative (AA)", actual.flags(), actual);
    }
    return myself;
  }

  /**
   * Verifies that the answer section holds a record of the given type.
   *
   * @param type the record type
   * @return this assertion
   */
  public DnsQueryReportAssert hasAnswerOfType(RecordType type) {
    isNotNull();
    java.util.Objects.requireNonNull(type, "type");
    if (actual.answers(type).isEmpty()) {
      failWithMessage(
          "%nExpecting%n  %s%nbut was%n  %s%nin report:%n%s",
          "an answer of type " + type, actual.answer(), actual);
    }
    return myself;
  }
}
