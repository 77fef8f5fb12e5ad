package dev.mailpath.diag.assertj;

import dev.mailpath.diag.dns.MailExchange;
import dev.mailpath.diag.dns.MxReport;
import java.util.Arrays;
import java.util.List;

/**
 * Assertions on an {@link MxReport}; obtain through {@link DiagAssertions#assertThat(MxReport)}.
 * Not final, so that AssertJ soft assertions can proxy it.
 */
public class MxReportAssert extends AbstractDiagnosticReportAssert<MxReportAssert, MxReport> {

  /**
   * Creates the assertion; public so that soft assertions can proxy it.
   *
   * @param actual the report
   */
  public MxReportAssert(MxReport actual) {
    super(actual, MxReportAssert.class);
  }

  /**
   * Verifies the exchange hosts, in delivery order.
   *
   * @param hosts the expected hosts, lower case without final dot
   * @return this assertion
   */
  public MxReportAssert hasExchanges(String... hosts) {
    isNotNull();
    List<String> actualHosts = actual.exchanges().stream().map(MailExchange::host).toList();
    if (!actualHosts.equals(Arrays.asList(hosts))) {
      failWithMessage(
          "%nExpecting exchanges in delivery order%n  %s%nbut were%n  %s%nin report:%n%s",
          Arrays.asList(hosts), actualHosts, actual);
    }
    return myself;
  }

  /**
   * Verifies that the domain publishes a null MX.
   *
   * @return this assertion
   */
  public MxReportAssert isNullMx() {
    isNotNull();
    if (!actual.nullMx()) {
      failWithMessage("%nExpecting a null MX, but the report was:%n%s", actual);
    }
    return myself;
  }

  /**
   * Verifies that the domain has an implicit MX.
   *
   * @return this assertion
   */
  public MxReportAssert isImplicitMx() {
    isNotNull();
    if (!actual.implicitMx()) {
      failWithMessage("%nExpecting an implicit MX, but the report was:%n%s", actual);
    }
    return myself;
  }

  /**
   * Verifies that the MX answer was authoritative.
   *
   * @return this assertion
   */
  public MxReportAssert isAuthoritative() {
    isNotNull();
    if (!actual.authoritative()) {
      failWithMessage("%nExpecting an authoritative answer, but the report was:%n%s", actual);
    }
    return myself;
  }
}
