package dev.mailpath.diag.core;

/**
 * How much a {@link Finding} matters, from least to most severe.
 *
 * <ul>
 *   <li>{@link #INFO}: a fact worth knowing; nothing is wrong (for example "the MX answer was not
 *       authoritative").
 *   <li>{@link #WARNING}: mail still flows, but something is fragile, slow or against best practice
 *       (for example "STARTTLS not offered").
 *   <li>{@link #ERROR}: this path fails for at least some mail (for example "NXDOMAIN", "the server
 *       rejected the recipient").
 *   <li>{@link #CRITICAL}: the finding is a danger beyond delivery, such as an open relay.
 * </ul>
 *
 * <p>Tools typically map the worst severity of a report to an exit code or an alert level.
 */
public enum Severity {
  /** A fact worth knowing; nothing is wrong. */
  INFO,
  /** Mail may still flow, but something is fragile, slow or against best practice. */
  WARNING,
  /** The path fails for at least some mail. */
  ERROR,
  /** A danger beyond delivery, such as an open relay. */
  CRITICAL;

  /**
   * Tells whether this severity is at least as severe as {@code other}.
   *
   * @param other the severity to compare with
   * @return {@code true} when {@code this.compareTo(other) >= 0}
   */
  public boolean isAtLeast(Severity other) {
    return compareTo(other) >= 0;
  }
}
