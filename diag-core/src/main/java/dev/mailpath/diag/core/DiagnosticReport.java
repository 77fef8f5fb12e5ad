package dev.mailpath.diag.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What every mailpath report has in common: findings, an outcome, and when it started and how long
 * it took. Lets tools treat any report alike, for example to set an exit code from the worst
 * finding, or to assert on findings in tests whatever the diagnosis was.
 */
public interface DiagnosticReport {

  /**
   * Returns the findings.
   *
   * @return unmodifiable list of findings
   */
  List<Finding> findings();

  /**
   * Returns when the diagnosis started, by the environment's clock.
   *
   * @return the start time
   */
  Instant startedAt();

  /**
   * Returns how long the diagnosis took.
   *
   * @return the elapsed time
   */
  Duration elapsed();

  /**
   * Returns the overall outcome.
   *
   * @return PASS, WARN, FAIL or INCONCLUSIVE
   */
  Outcome outcome();

  /**
   * Tells whether a finding with the given code is present.
   *
   * @param code the code
   * @return {@code true} when present
   */
  default boolean hasFinding(FindingCode code) {
    return findings().stream().anyMatch(f -> f.is(code));
  }

  /**
   * Tells whether a finding with the given dotted code is present.
   *
   * @param code the code, for example {@code dns.mx.null}
   * @return {@code true} when present
   */
  default boolean hasFinding(String code) {
    return findings().stream().anyMatch(f -> f.code().equals(code));
  }

  /**
   * Returns the findings with the given code, in report order.
   *
   * @param code the code
   * @return unmodifiable list, empty when none
   * @throws NullPointerException when {@code code} is null
   */
  default List<Finding> findings(FindingCode code) {
    java.util.Objects.requireNonNull(code, "code");
    return findings().stream().filter(f -> f.is(code)).toList();
  }

  /**
   * Returns the severity of the worst finding.
   *
   * @return the worst severity, or empty when there are no findings
   */
  default Optional<Severity> worstSeverity() {
    return findings().stream().map(Finding::severity).max(Enum::compareTo);
  }
}
