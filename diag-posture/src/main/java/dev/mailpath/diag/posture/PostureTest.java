package dev.mailpath.diag.posture;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.Outcome;

/**
 * One scored test of a {@link MailPostureReport}, such as {@code dane.valid} ("the TLSA records
 * match every exchange's certificate").
 *
 * <p>{@code result} is {@link Outcome#PASS} or {@link Outcome#FAIL} when the test could be decided,
 * {@link Outcome#WARN} for a recommended test that did not pass, and {@link Outcome#INCONCLUSIVE}
 * when it could not be decided (a DNS timeout, the deadline). Only required tests that passed or
 * failed count towards the category's score.
 *
 * @param id the stable test name, such as {@code "starttls.offered"}
 * @param category its category
 * @param required whether it counts towards the score (recommended tests do not)
 * @param result what came out
 * @param detail one sentence saying why, naming the exchange or record concerned
 */
public record PostureTest(
    String id, PostureCategory category, boolean required, Outcome result, String detail) {

  /**
   * Checks the components.
   *
   * @param id the test name
   * @param category its category
   * @param required whether it is scored
   * @param result the result
   * @param detail why
   * @throws NullPointerException when one is null
   */
  public PostureTest {
    requireNonNull(id, "id");
    requireNonNull(category, "category");
    requireNonNull(result, "result");
    requireNonNull(detail, "detail");
  }

  /**
   * Tells whether the test counts towards its category's score.
   *
   * @return true for a required test that passed or failed
   */
  public boolean scored() {
    return required && (result == Outcome.PASS || result == Outcome.FAIL);
  }

  @Override
  public String toString() {
    return String.format("%-12s %-28s %s%s", result, id, required ? "" : "(recommended) ", detail);
  }
}
