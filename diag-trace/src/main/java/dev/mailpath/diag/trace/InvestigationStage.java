package dev.mailpath.diag.trace;

/**
 * The places a {@link MissingMessageInvestigation} looks, in the order a message passes them, each
 * tied to the part of the field guide's "I never received that message" investigation it belongs
 * to.
 *
 * <ul>
 *   <li>Part 2, "Message Tracking does not find the message": {@link #INBOUND_ROUTE}, {@link
 *       #TEST_MESSAGE}, {@link #GATEWAY_LOG}: start at the outside and work your way in.
 *   <li>Part 3, "Message Tracking sees the message, but it was not delivered": {@link #SERVER_LOG},
 *       which is also Part 1's first question ("does the server think it was delivered?").
 *   <li>Part 4, "The message was delivered to the mailbox - where did it go?": {@link #MAILBOX}.
 * </ul>
 */
public enum InvestigationStage {
  /** MX records and SMTP of the recipient's domain, from outside: can mail reach us at all? */
  INBOUND_ROUTE(
      2,
      "Inbound route",
      "Does mail for the recipient's domain reach our systems (MX records, SMTP of each exchange)?"),
  /** A test message from an outside system to the recipient, watched until it arrives. */
  TEST_MESSAGE(2, "Test message", "Does a test message from outside reach the recipient now?"),
  /** The logs of the systems in front of the mail server: gateways, spam filters, relays. */
  GATEWAY_LOG(2, "Gateway logs", "Did a system in front of the mail server see the message?"),
  /** Message tracking: the mail server's delivery log. */
  SERVER_LOG(
      3,
      "Message tracking",
      "Does the mail server have the message, and did it deliver it to the mailbox?"),
  /** The recipient's mailbox over IMAP, every folder. */
  MAILBOX(4, "Mailbox", "Is the message in the recipient's mailbox, and in which folder?");

  private final int part;
  private final String title;
  private final String question;

  InvestigationStage(int part, String title, String question) {
    this.part = part;
    this.title = title;
    this.question = question;
  }

  /**
   * Returns the part of the field guide this stage belongs to.
   *
   * @return 2, 3 or 4
   */
  public int part() {
    return part;
  }

  /**
   * Returns a short title, for example "Message tracking".
   *
   * @return the title
   */
  public String title() {
    return title;
  }

  /**
   * Returns the question this stage answers.
   *
   * @return the question
   */
  public String question() {
    return question;
  }
}
