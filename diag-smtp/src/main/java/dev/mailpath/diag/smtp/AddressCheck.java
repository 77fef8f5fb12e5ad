package dev.mailpath.diag.smtp;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Timings;
import dev.mailpath.diag.core.internal.Addresses;
import dev.mailpath.diag.dns.ReverseReport;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What one address of one mail exchange did in a {@link DeliveryPathCheck}: its reverse DNS, the
 * SMTP conversation (connect, banner, EHLO, STARTTLS, MAIL FROM, RCPT TO, RSET, QUIT; never DATA)
 * and the answer it gave for the recipient. Immutable.
 *
 * @param exchange the exchange's host name (the domain itself for an implicit MX)
 * @param address the address from DNS
 * @param target where the conversation connected: the address and the SMTP port, or what the
 *     check's {@code connectTo} mapper made of them; empty when the address was not tried
 * @param status the answer this address gave
 * @param summary the answer in one line, for example {@code "connection refused"} or {@code "RCPT
 *     TO:<a@example.org> answered 250 2.1.5 Ok"}
 * @param reverse the address's reverse DNS (PTR names and which resolve back), when looked up
 * @param smtp the conversation, when one was attempted
 * @param findings this address's findings: reverse DNS and SMTP, each tagged with the exchange and
 *     address
 */
public record AddressCheck(
    String exchange,
    InetAddress address,
    Optional<InetSocketAddress> target,
    Status status,
    String summary,
    Optional<ReverseReport> reverse,
    Optional<SmtpReport> smtp,
    List<Finding> findings) {

  /**
   * Validates the components and copies the list.
   *
   * @param exchange the exchange's host name (the domain itself for an implicit MX)
   * @param address the address from DNS
   * @param target where the conversation connected: the address and the SMTP port, or what the
   *     check's {@code connectTo} mapper made of them; empty when the address was not tried
   * @param status the answer this address gave
   * @param summary the answer in one line, for example {@code "connection refused"} or {@code "RCPT
   *     TO:<a@example.org> answered 250 2.1.5 Ok"}
   * @param reverse the address's reverse DNS (PTR names and which resolve back), when looked up
   * @param smtp the conversation, when one was attempted
   * @param findings this address's findings: reverse DNS and SMTP, each tagged with the exchange
   *     and address
   */
  public AddressCheck {
    requireNonNull(exchange, "exchange");
    requireNonNull(address, "address");
    requireNonNull(target, "target");
    requireNonNull(status, "status");
    requireNonNull(summary, "summary");
    requireNonNull(reverse, "reverse");
    requireNonNull(smtp, "smtp");
    findings = List.copyOf(findings);
  }

  /**
   * The answer one address gave, from the point of view of a sending MTA: whether it would stop
   * there (a decisive answer) or move on to the next address or exchange.
   */
  public enum Status {
    /** RCPT TO was accepted (2xx): a delivery would go here. */
    ACCEPTED,
    /** RCPT TO was refused with 5xx; an MTA bounces. */
    RECIPIENT_REFUSED,
    /** RCPT TO was deferred with 4xx; an MTA queues the recipient and retries later. */
    RECIPIENT_DEFERRED,
    /** MAIL FROM was refused with 5xx; an MTA bounces. */
    SENDER_REFUSED,
    /** MAIL FROM was deferred with 4xx; an MTA tries the next exchange, then queues. */
    SENDER_DEFERRED,
    /** The greeting or EHLO was answered 5xx: the server refuses this client. */
    CLIENT_REFUSED,
    /** The greeting or EHLO was answered 4xx, or a 421 ended the session: busy, try later. */
    SESSION_DEFERRED,
    /**
     * The connection was made but the session broke before the recipient was answered: no greeting,
     * a timeout, a hang-up, a failed TLS handshake, an unreadable reply.
     */
    SESSION_FAILED,
    /** No TCP connection: refused, timed out or unreachable. */
    UNREACHABLE,
    /** Not tried: an earlier answer decided, the deadline passed, or the family is not used. */
    NOT_TRIED;

    /**
     * Tells whether a sending MTA would stop at this answer rather than try another address or
     * exchange: the recipient was accepted, refused or deferred, or the sender was refused.
     *
     * @return {@code true} for ACCEPTED, RECIPIENT_REFUSED, RECIPIENT_DEFERRED and SENDER_REFUSED
     */
    public boolean decisive() {
      return this == ACCEPTED
          || this == RECIPIENT_REFUSED
          || this == RECIPIENT_DEFERRED
          || this == SENDER_REFUSED;
    }

    /**
     * Tells whether the answer was a temporary failure (4xx or a 421).
     *
     * @return {@code true} for RECIPIENT_DEFERRED, SENDER_DEFERRED and SESSION_DEFERRED
     */
    public boolean temporary() {
      return this == RECIPIENT_DEFERRED || this == SENDER_DEFERRED || this == SESSION_DEFERRED;
    }

    /**
     * Tells whether a connection was attempted.
     *
     * @return {@code false} only for {@link #NOT_TRIED}
     */
    public boolean tried() {
      return this != NOT_TRIED;
    }

    /**
     * Tells whether the server answered the recipient question or refused or deferred the
     * transaction or session with a reply (as opposed to not answering at all).
     *
     * @return {@code true} for every status but SESSION_FAILED, UNREACHABLE and NOT_TRIED
     */
    public boolean answered() {
      return this != SESSION_FAILED && this != UNREACHABLE && this != NOT_TRIED;
    }
  }

  /**
   * Tells whether the address is IPv6.
   *
   * @return {@code true} for an AAAA address
   */
  public boolean ipv6() {
    return address instanceof Inet6Address;
  }

  /**
   * Returns the address as text, IPv6 compressed per RFC 5952.
   *
   * @return for example {@code 192.0.2.1} or {@code 2001:db8::1}
   */
  public String addressText() {
    return Addresses.format(address);
  }

  /**
   * Returns the server's greeting.
   *
   * @return the banner, when one was read
   */
  public Optional<SmtpReply> banner() {
    return smtp.flatMap(SmtpReport::banner).filter(SmtpReply::received);
  }

  /**
   * Returns the host name the banner announces (its first word after the code).
   *
   * @return the name, lower case, without a final dot; empty without a banner
   */
  public Optional<String> bannerName() {
    return banner().map(b -> normalize(firstWord(b.lines().get(0)))).filter(n -> !n.isEmpty());
  }

  /**
   * Returns the host name the EHLO reply announces (its first line).
   *
   * @return the name, lower case, without a final dot; empty when no EHLO succeeded
   */
  public Optional<String> ehloName() {
    return smtp.flatMap(SmtpReport::capabilities)
        .map(EhloCapabilities::domain)
        .map(AddressCheck::normalize)
        .filter(n -> !n.isEmpty());
  }

  /**
   * Tells whether the banner name is a forward-confirmed reverse DNS name of the address.
   *
   * @return {@code true} when the reverse DNS was looked up and confirms the banner name
   */
  public boolean bannerNameConfirmed() {
    return reverse.isPresent() && bannerName().map(n -> reverse.get().confirms(n)).orElse(false);
  }

  /**
   * Tells whether the EHLO name is a forward-confirmed reverse DNS name of the address.
   *
   * @return {@code true} when the reverse DNS was looked up and confirms the EHLO name
   */
  public boolean ehloNameConfirmed() {
    return reverse.isPresent() && ehloName().map(n -> reverse.get().confirms(n)).orElse(false);
  }

  /**
   * Returns the TLS facts of the conversation.
   *
   * @return protocol, certificate and validation, when STARTTLS was attempted
   */
  public Optional<TlsInfo> tls() {
    return smtp.flatMap(SmtpReport::tls);
  }

  /**
   * Returns the reply to MAIL FROM.
   *
   * @return the reply, when MAIL FROM was sent
   */
  public Optional<SmtpReply> mailReply() {
    return reply(SmtpPhase.MAIL);
  }

  /**
   * Returns the reply to RCPT TO.
   *
   * @return the reply, when RCPT TO was sent
   */
  public Optional<SmtpReply> rcptReply() {
    return reply(SmtpPhase.RCPT);
  }

  private Optional<SmtpReply> reply(SmtpPhase phase) {
    return smtp.flatMap(
        r ->
            r.steps().stream()
                .filter(s -> s.phase() == phase)
                .reduce((a, b) -> b)
                .map(SmtpExchange::reply));
  }

  /**
   * Returns how long the conversation took.
   *
   * @return the elapsed time; zero when none was attempted
   */
  public Duration elapsed() {
    return smtp.map(SmtpReport::elapsed).orElse(Duration.ZERO);
  }

  /**
   * Returns the conversation's phase timings ({@code connect}, {@code banner}, {@code ehlo}, {@code
   * tls}, ...).
   *
   * @return the timings; empty when no conversation was attempted
   */
  public Timings timings() {
    return smtp.map(SmtpReport::timings).orElse(Timings.empty());
  }

  private static String firstWord(String s) {
    String t = s.strip();
    int sp = t.indexOf(' ');
    return sp < 0 ? t : t.substring(0, sp);
  }

  private static String normalize(String n) {
    String name = n.toLowerCase(Locale.ROOT);
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }

  /** Returns {@code 192.0.2.1: ACCEPTED (RCPT TO:<a@example.org> answered 250 Ok)}. */
  @Override
  public String toString() {
    return addressText() + ": " + status + " (" + summary + ")";
  }
}
