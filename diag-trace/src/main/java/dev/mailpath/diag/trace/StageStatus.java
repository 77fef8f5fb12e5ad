package dev.mailpath.diag.trace;

/** What came of one {@link InvestigationStage} of a {@link MissingMessageInvestigation}. */
public enum StageStatus {
  /**
   * The stage was checked and is in order (the log shows delivery, the message is in the Inbox).
   */
  CHECKED_OK,
  /**
   * The stage was checked and shows where the message went wrong (no record, deferred, in Junk).
   */
  PROBLEM,
  /** The stage was not checked: no source was given for it, or it was not needed. Never guessed. */
  NOT_CHECKED,
  /**
   * The source could not answer: an unreadable log, a refused IMAP login, an unreachable server.
   */
  ERROR
}
