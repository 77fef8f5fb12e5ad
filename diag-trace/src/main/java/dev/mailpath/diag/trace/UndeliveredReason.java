package dev.mailpath.diag.trace;

/**
 * Why a message that reached a server did not get further, read from its delivery log: the field
 * guide's Part 3 ("stuck in a queue, stuck in a routing loop, segregated by anti-virus / anti-spam
 * filtering") plus the outcomes a log states outright.
 */
public enum UndeliveredReason {
  /** In the queue with no delivery attempt logged yet (or the log ends before it left). */
  QUEUED("still queued"),
  /** A delivery attempt failed temporarily; the server keeps retrying. */
  DEFERRED("deferred"),
  /** Delivery failed permanently; a bounce (NDR) went to the sender. */
  BOUNCED("bounced"),
  /** Retried until the queue lifetime ran out, then returned to the sender. */
  EXPIRED("expired in the queue"),
  /** Refused during the SMTP dialogue (at RCPT, for example relay denied or unknown user). */
  REJECTED("rejected"),
  /**
   * Held, discarded or rejected by a content filter (header/body checks, anti-virus, anti-spam
   * milter).
   */
  FILTERED("filtered"),
  /** Went round in a mail routing loop (too many hops, "mail forwarding loop"). */
  LOOPING("looping"),
  /** Handed to another server that was not followed; search the next server's log. */
  RELAYED("relayed elsewhere");

  private final String text;

  UndeliveredReason(String text) {
    this.text = text;
  }

  /**
   * Returns the reason in a few words, for example "deferred" or "expired in the queue".
   *
   * @return the text
   */
  public String text() {
    return text;
  }
}
