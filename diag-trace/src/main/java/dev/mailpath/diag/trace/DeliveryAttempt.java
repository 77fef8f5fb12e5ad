package dev.mailpath.diag.trace;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One delivery event of a {@link DeliveryRecord}: a delivery attempt to one recipient (Postfix's
 * {@code to=<...>, relay=..., delay=..., dsn=..., status=...} line), an expiry, or a rejection.
 *
 * @param time when it was logged
 * @param service the program that logged it ({@code smtp}, {@code lmtp}, {@code local}, {@code
 *     virtual}, {@code pipe}, {@code error}, {@code qmgr}, {@code smtpd}, {@code cleanup})
 * @param recipient the recipient ({@code to=}), when the event concerns one
 * @param originalRecipient the address before alias or forwarding rewrites ({@code orig_to=})
 * @param relay where the message went, for example {@code mx.example.net[192.0.2.1]:25} or {@code
 *     none}
 * @param delay total time in the queue so far ({@code delay=})
 * @param delays the breakdown {@code a/b/c/d}: before the queue manager, in the queue manager,
 *     connection setup, transmission
 * @param dsn the enhanced status code (RFC 3463), for example {@code 2.0.0} or {@code 5.1.1}
 * @param status the outcome
 * @param reason the text in parentheses or the reply, for example {@code 250 2.0.0 Ok: queued as
 *     4T4Bq55bY3z9sQ} or {@code connect to ...: Connection timed out}
 * @param nextQueueId the queue id the next server (or content filter) gave the message, read from
 *     {@code queued as ID} in the reply
 */
public record DeliveryAttempt(
    Instant time,
    String service,
    Optional<String> recipient,
    Optional<String> originalRecipient,
    Optional<String> relay,
    Optional<Duration> delay,
    Optional<String> delays,
    Optional<String> dsn,
    DeliveryStatus status,
    String reason,
    Optional<String> nextQueueId) {

  /**
   * Validates the components.
   *
   * @param time when it was logged
   * @param service the program that logged it ({@code smtp}, {@code lmtp}, {@code local}, {@code
   *     virtual}, {@code pipe}, {@code error}, {@code qmgr}, {@code smtpd}, {@code cleanup})
   * @param recipient the recipient ({@code to=}), when the event concerns one
   * @param originalRecipient the address before alias or forwarding rewrites ({@code orig_to=})
   * @param relay where the message went, for example {@code mx.example.net[192.0.2.1]:25} or {@code
   *     none}
   * @param delay total time in the queue so far ({@code delay=})
   * @param delays the breakdown {@code a/b/c/d}: before the queue manager, in the queue manager,
   *     connection setup, transmission
   * @param dsn the enhanced status code (RFC 3463), for example {@code 2.0.0} or {@code 5.1.1}
   * @param status the outcome
   * @param reason the text in parentheses or the reply, for example {@code 250 2.0.0 Ok: queued as
   *     4T4Bq55bY3z9sQ} or {@code connect to ...: Connection timed out}
   * @param nextQueueId the queue id the next server (or content filter) gave the message, read from
   *     {@code queued as ID} in the reply
   */
  public DeliveryAttempt {
    requireNonNull(time, "time");
    requireNonNull(service, "service");
    requireNonNull(recipient, "recipient");
    requireNonNull(originalRecipient, "originalRecipient");
    requireNonNull(relay, "relay");
    requireNonNull(delay, "delay");
    requireNonNull(delays, "delays");
    requireNonNull(dsn, "dsn");
    requireNonNull(status, "status");
    requireNonNull(reason, "reason");
    requireNonNull(nextQueueId, "nextQueueId");
  }

  /**
   * Tells whether a {@link DeliveryStatus#SENT} attempt put the message into a mailbox (local,
   * virtual, LMTP or pipe delivery) rather than handing it to another server over SMTP.
   *
   * @return {@code true} for final delivery
   */
  public boolean finalDelivery() {
    return status == DeliveryStatus.SENT
        && (service.equals("local")
            || service.equals("virtual")
            || service.equals("lmtp")
            || service.equals("pipe")
            || service.equals("maildrop"))
        && nextQueueId.isEmpty();
  }

  /** Returns a log-like line: {@code service to=<rcpt> relay=... dsn=... status=... (reason)}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(service);
    recipient.ifPresent(r -> sb.append(" to=<").append(r).append('>'));
    originalRecipient.ifPresent(r -> sb.append(" orig_to=<").append(r).append('>'));
    relay.ifPresent(r -> sb.append(" relay=").append(r));
    delay.ifPresent(d -> sb.append(" delay=").append(d.toMillis() / 1000.0));
    dsn.ifPresent(d -> sb.append(" dsn=").append(d));
    sb.append(" status=").append(status.name().toLowerCase(java.util.Locale.ROOT));
    if (!reason.isEmpty()) {
      sb.append(" (").append(reason).append(')');
    }
    return sb.toString();
  }
}
