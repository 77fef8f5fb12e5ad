package dev.mailpath.diag.trace;

/** What happened to a message (or one recipient of it) according to a delivery log. */
public enum DeliveryStatus {
  /** Handed over: delivered to a mailbox, or accepted by the next server ({@code status=sent}). */
  SENT,
  /** A temporary failure; the server keeps the message and retries ({@code status=deferred}). */
  DEFERRED,
  /**
   * A permanent failure; a bounce goes to the sender ({@code status=bounced}, {@code
   * undeliverable}).
   */
  BOUNCED,
  /**
   * Retried until the queue lifetime ran out, then returned to the sender ({@code status=expired}).
   */
  EXPIRED,
  /** Refused before it was queued, or by a header, body or milter check ({@code reject}). */
  REJECTED,
  /** Put on hold by a filter or an administrator ({@code hold}, {@code placed on hold}). */
  HELD,
  /** Silently dropped by a filter ({@code discard}). */
  DISCARDED;

  /**
   * Tells whether the server is done with the message for this recipient.
   *
   * @return {@code true} for every status but {@link #DEFERRED} and {@link #HELD}
   */
  public boolean isFinal() {
    return this != DEFERRED && this != HELD;
  }
}
