package dev.mailpath.diag.smtp;

/**
 * How the server answered one {@link RelayAttempt}, judged from the replies to MAIL FROM and RCPT
 * TO.
 *
 * <p>The classes are finer than "accepted or not" on purpose, to avoid the misjudgements of simpler
 * relay checkers: a 4xx is not a refusal ({@link #DEFERRED}), and {@code 530 5.7.0 Must issue a
 * STARTTLS command first} is not "authentication required" ({@link #STARTTLS_REQUIRED}).
 */
public enum RelayResponse {
  /** RCPT TO was answered 2xx: the server took the recipient. */
  ACCEPTED,
  /**
   * MAIL FROM or RCPT TO was refused for good (5xx), for example {@code 554 5.7.1 Relay access
   * denied}.
   */
  REFUSED,
  /**
   * Refused because the client has not authenticated (for example {@code 530 5.7.0 Authentication
   * required}, or Exchange's {@code 530 5.7.1 Client was not authenticated}); final for an
   * anonymous client.
   */
  AUTH_REQUIRED,
  /**
   * Refused because the session is not encrypted ({@code 530 5.7.0 Must issue a STARTTLS command
   * first}); the tester retries inside TLS when it may, so this stays only when it could not.
   */
  STARTTLS_REQUIRED,
  /** A temporary failure (4xx): greylisting, {@code 454 4.7.1 Relay access denied}, rate limits. */
  DEFERRED,
  /** No usable reply: the connection broke, timed out, or the reply made no sense. */
  NO_ANSWER,
  /**
   * Not tried: the connection cap or the deadline was reached, AUTH failed, or no connection
   * worked.
   */
  NOT_TRIED;

  /**
   * Tells whether the response settles the attempt for good.
   *
   * @return {@code true} for {@link #ACCEPTED}, {@link #REFUSED} and {@link #AUTH_REQUIRED}
   */
  public boolean isFinal() {
    return this == ACCEPTED || this == REFUSED || this == AUTH_REQUIRED;
  }
}
