package dev.mailpath.diag.core;

import java.util.Collection;

/**
 * The overall answer of a diagnosis.
 *
 * <ul>
 *   <li>{@link #PASS}: nothing worse than {@link Severity#INFO} was found.
 *   <li>{@link #WARN}: the worst finding is a {@link Severity#WARNING}.
 *   <li>{@link #FAIL}: at least one {@link Severity#ERROR} or {@link Severity#CRITICAL}.
 *   <li>{@link #INCONCLUSIVE}: the question could not be answered (for example the server could not
 *       be reached at all); set by the diagnosis itself, never derived from severities.
 * </ul>
 */
public enum Outcome {
  /** Nothing worse than INFO was found. */
  PASS,
  /** The worst finding is a WARNING. */
  WARN,
  /** At least one ERROR or CRITICAL finding. */
  FAIL,
  /** The question could not be answered. */
  INCONCLUSIVE;

  /**
   * Derives PASS, WARN or FAIL from the worst severity among findings.
   *
   * @param findings the findings of a report
   * @return the outcome; never {@link #INCONCLUSIVE}
   */
  public static Outcome fromFindings(Collection<Finding> findings) {
    Severity worst = Severity.INFO;
    for (Finding f : findings) {
      if (f.severity().compareTo(worst) > 0) {
        worst = f.severity();
      }
    }
    switch (worst) {
      case INFO:
        return PASS;
      case WARNING:
        return WARN;
      default:
        return FAIL;
    }
  }
}
