package dev.mailpath.diag.trace;

/**
 * Where a {@link MissingMessageInvestigation} places the message: the field guide's four
 * possibilities ("1. It never reached our systems; 2. It reached our systems but did not reach the
 * mail server; 3. It reached the server but was not delivered to the recipient's mailbox; 4. It
 * reached the recipient's mailbox but does not appear in the client"), with the fourth split by
 * what the mailbox showed, and {@link #INCONCLUSIVE} when the sources cannot tell.
 */
public enum Conclusion {
  /** Possibility 1: no system checked has a record of the message. Continue with Part 2. */
  NEVER_REACHED_US(1, 2, TraceFinding.INVESTIGATION_NEVER_REACHED_US),
  /**
   * Possibility 2: a gateway in front of the mail server has it, the mail server does not. Part 2.
   */
  REACHED_US_NOT_SERVER(2, 2, TraceFinding.INVESTIGATION_REACHED_US_NOT_SERVER),
  /**
   * Possibility 3: message tracking sees the message, but not its delivery to the mailbox: queued,
   * deferred, bounced, rejected, looping, filtered or relayed elsewhere ({@link
   * UndeliveredReason}). Part 3.
   */
  REACHED_SERVER_NOT_MAILBOX(3, 3, TraceFinding.INVESTIGATION_NOT_DELIVERED),
  /**
   * Possibility 4, location unknown: message tracking reports delivery to the mailbox, but the
   * mailbox was not searched, or no folder holds the message any more (deleted and expunged,
   * forwarded, moved to a local archive). Part 4.
   */
  REACHED_MAILBOX(4, 4, TraceFinding.INVESTIGATION_REACHED_MAILBOX),
  /** Possibility 4: the message is in the mailbox outside the Inbox, or marked deleted. Part 4. */
  IN_MAILBOX_MOVED(4, 4, TraceFinding.INVESTIGATION_IN_MAILBOX_MOVED),
  /** Possibility 4: the message is in the Inbox; the client does not show it. Part 4. */
  IN_INBOX(4, 4, TraceFinding.INVESTIGATION_IN_INBOX),
  /** The sources checked cannot place the message. */
  INCONCLUSIVE(0, 1, TraceFinding.INVESTIGATION_INCONCLUSIVE);

  private final int possibility;
  private final int part;
  private final TraceFinding code;

  Conclusion(int possibility, int part, TraceFinding code) {
    this.possibility = possibility;
    this.part = part;
    this.code = code;
  }

  /**
   * Returns the number of the field guide's possibility (1 to 4) this conclusion confirms.
   *
   * @return 1 to 4, or 0 for {@link #INCONCLUSIVE}
   */
  public int possibility() {
    return possibility;
  }

  /**
   * Returns the part of the field guide to continue with.
   *
   * @return 2, 3 or 4; 1 ("how to start") for {@link #INCONCLUSIVE}
   */
  public int part() {
    return part;
  }

  /**
   * Returns the finding code that states this conclusion in a report.
   *
   * @return the code
   */
  public TraceFinding code() {
    return code;
  }
}
