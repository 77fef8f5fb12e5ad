package dev.mailpath.diag.assertj;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.Severity;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.assertj.core.api.AbstractObjectAssert;

/**
 * Assertions shared by every report: outcome and findings. Failure messages print the whole report
 * (with its transcript where it has one), so a failing test shows what the server said.
 *
 * @param <SELF> the assertion type, for chaining
 * @param <ACTUAL> the report type
 */
public abstract class AbstractDiagnosticReportAssert<
        SELF extends AbstractDiagnosticReportAssert<SELF, ACTUAL>, ACTUAL extends DiagnosticReport>
    extends AbstractObjectAssert<SELF, ACTUAL> {

  /**
   * Creates the assertion.
   *
   * @param actual the report
   * @param selfType the concrete assertion class
   */
  protected AbstractDiagnosticReportAssert(ACTUAL actual, Class<?> selfType) {
    super(actual, selfType);
  }

  /**
   * Verifies the report's outcome.
   *
   * @param expected the expected outcome
   * @return this assertion
   */
  public SELF hasOutcome(Outcome expected) {
    isNotNull();
    if (actual.outcome() != expected) {
      failWithMessage(
          "%nExpecting outcome%n  %s%nbut was%n  %s%nin report:%n%s",
          expected, actual.outcome(), actual);
    }
    return myself;
  }

  /**
   * Verifies that a finding with the given code is present.
   *
   * @param code a dotted code such as {@code dns.mx.null}
   * @return this assertion
   */
  public SELF hasFinding(String code) {
    isNotNull();
    if (!actual.hasFinding(code)) {
      failWithMessage(
          "%nExpecting a finding%n  %s%nbut the findings were%n  %s%nin report:%n%s",
          code, codes(), actual);
    }
    return myself;
  }

  /**
   * Verifies that a finding with the given code is present.
   *
   * @param code the code constant
   * @return this assertion
   */
  public SELF hasFinding(FindingCode code) {
    return hasFinding(code.id());
  }

  /**
   * Verifies that a finding with the given code and severity is present.
   *
   * @param code a dotted code
   * @param severity the expected severity
   * @return this assertion
   */
  public SELF hasFinding(String code, Severity severity) {
    hasFinding(code);
    boolean match =
        actual.findings().stream().anyMatch(f -> f.code().equals(code) && f.severity() == severity);
    if (!match) {
      failWithMessage(
          "%nExpecting finding%n  %s%nwith severity %s, but it had%n  %s",
          code,
          severity,
          actual.findings().stream()
              .filter(f -> f.code().equals(code))
              .map(Finding::severity)
              .toList());
    }
    return myself;
  }

  /**
   * Verifies that no finding with the given code is present.
   *
   * @param code a dotted code
   * @return this assertion
   */
  public SELF doesNotHaveFinding(String code) {
    isNotNull();
    if (actual.hasFinding(code)) {
      failWithMessage(
          "%nExpecting no finding%n  %s%nbut it was present in report:%n%s", code, actual);
    }
    return myself;
  }

  /**
   * Verifies that the distinct codes of the findings are exactly these, in any order.
   *
   * @param codes the expected codes
   * @return this assertion
   */
  public SELF hasOnlyFindings(String... codes) {
    isNotNull();
    TreeSet<String> expected = new TreeSet<>(Arrays.asList(codes));
    if (!expected.equals(new TreeSet<>(codes()))) {
      failWithMessage(
          "%nExpecting exactly the findings%n  %s%nbut they were%n  %s%nin report:%n%s",
          expected, codes(), actual);
    }
    return myself;
  }

  /**
   * Verifies that there are no findings at all.
   *
   * @return this assertion
   */
  public SELF hasNoFindings() {
    return hasOnlyFindings();
  }

  /**
   * Verifies that no finding is as severe as {@code severity} or worse.
   *
   * @param severity the threshold
   * @return this assertion
   */
  public SELF hasNoFindingAtOrAbove(Severity severity) {
    isNotNull();
    List<Finding> bad =
        actual.findings().stream().filter(f -> f.severity().isAtLeast(severity)).toList();
    if (!bad.isEmpty()) {
      failWithMessage(
          "%nExpecting no finding at or above %s, but found%n  %s%nin report:%n%s",
          severity, bad, actual);
    }
    return myself;
  }

  private List<String> codes() {
    return actual.findings().stream().map(Finding::code).toList();
  }
}
