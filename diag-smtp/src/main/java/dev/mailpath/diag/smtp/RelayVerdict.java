package dev.mailpath.diag.smtp;

/**
 * The answer of a {@link RelayPolicyTester}: does this server relay, and for whom?
 *
 * <ul>
 *   <li>{@link #OPEN_RELAY}: at least one relay variant was accepted without authentication.
 *   <li>{@link #CLOSED}: every relay variant was refused for good while local mail was accepted.
 *   <li>{@link #AUTHENTICATED_ONLY}: anonymous relaying was refused, and relaying worked after a
 *       successful AUTH with the credentials given.
 *   <li>{@link #REFUSES_ALL}: not even local mail was accepted anonymously (and no authenticated
 *       relay was shown); such a server cannot be told apart from a closed relay by its replies.
 *   <li>{@link #INCONCLUSIVE}: the question could not be answered: temporary failures (4xx,
 *       greylisting), connection problems, a deadline or the connection cap.
 * </ul>
 */
public enum RelayVerdict {
  /** At least one relay variant was accepted without authentication. */
  OPEN_RELAY,
  /** Every relay variant was refused for good; local mail was accepted. */
  CLOSED,
  /** Relaying is refused anonymously and accepted after AUTH. */
  AUTHENTICATED_ONLY,
  /** Not even local mail was accepted. */
  REFUSES_ALL,
  /** The question could not be answered. */
  INCONCLUSIVE
}
