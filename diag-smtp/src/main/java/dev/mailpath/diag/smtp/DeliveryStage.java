package dev.mailpath.diag.smtp;

import dev.mailpath.diag.core.FindingCode;

/**
 * Where a delivery ends, as {@link DeliveryPathCheck} found it: {@link #ACCEPTED} when an exchange
 * would take the mail, otherwise the stage at which a sending MTA would give up or queue it. The
 * constants are in the order a delivery goes through them (DNS, then addresses, then SMTP).
 *
 * <p>Each stage has the {@link DeliveryFinding} that a report carries as its verdict ({@link
 * #finding()}).
 */
public enum DeliveryStage {
  /** The MX lookup got no usable answer (timeout, SERVFAIL, REFUSED); the MTA would retry. */
  DNS_FAILED(DeliveryFinding.DNS_FAILED),
  /** The domain does not exist (NXDOMAIN). */
  NO_SUCH_DOMAIN(DeliveryFinding.NO_SUCH_DOMAIN),
  /** The domain publishes a null MX (RFC 7505): it accepts no mail. */
  NULL_MX(DeliveryFinding.NULL_MX),
  /** No MX records and no address for the implicit MX (RFC 5321 §5.1). */
  NO_MX(DeliveryFinding.NO_MX),
  /** Exchanges exist, but none has an address (of the families the check uses). */
  NO_ADDRESS(DeliveryFinding.NO_ADDRESS),
  /** No exchange could be reached, or every session broke before the recipient was answered. */
  UNREACHABLE(DeliveryFinding.UNREACHABLE),
  /** The reachable exchanges refuse the client with a 5xx greeting or EHLO reply. */
  CLIENT_REFUSED(DeliveryFinding.CLIENT_REFUSED),
  /** The deciding exchange refuses the sender (5xx to MAIL FROM). */
  SENDER_REFUSED(DeliveryFinding.SENDER_REFUSED),
  /** The deciding exchange refuses the recipient (5xx to RCPT TO). */
  RECIPIENT_REFUSED(DeliveryFinding.RECIPIENT_REFUSED),
  /** Only temporary failures (4xx): the mail would wait in the sender's queue. */
  TEMPORARY_FAILURE(DeliveryFinding.TEMPORARY_FAILURE),
  /** An exchange accepts the recipient: a delivery would go there. */
  ACCEPTED(DeliveryFinding.ACCEPTED);

  private final DeliveryFinding finding;

  DeliveryStage(DeliveryFinding finding) {
    this.finding = finding;
  }

  /**
   * Returns the code of the verdict finding a report with this stage carries.
   *
   * @return the finding code, for example {@code path.recipient-refused}
   */
  public FindingCode finding() {
    return finding;
  }

  /**
   * Tells whether the mail would be delivered.
   *
   * @return {@code true} only for {@link #ACCEPTED}
   */
  public boolean delivered() {
    return this == ACCEPTED;
  }

  /**
   * Tells whether delivery stopped before any SMTP conversation, in DNS.
   *
   * @return {@code true} for the DNS stages up to {@link #NO_ADDRESS}
   */
  public boolean inDns() {
    return compareTo(NO_ADDRESS) <= 0;
  }
}
