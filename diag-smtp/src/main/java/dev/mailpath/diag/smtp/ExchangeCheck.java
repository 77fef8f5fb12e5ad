package dev.mailpath.diag.smtp;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.dns.MailExchange;
import java.util.List;
import java.util.Optional;

/**
 * What one mail exchange did in a {@link DeliveryPathCheck}: its place in the RFC 5321 §5.1
 * delivery order and the check of each of its addresses, in the order they were (or would have
 * been) tried. Immutable.
 *
 * @param position the exchange's place in delivery order, from 1
 * @param exchange the exchange as DNS gave it (host, preference, TTL, addresses)
 * @param addresses one check per address: the addresses tried first (the preferred family first),
 *     then those not tried
 */
public record ExchangeCheck(int position, MailExchange exchange, List<AddressCheck> addresses) {

  /**
   * Validates the components and copies the list.
   *
   * @param position the exchange's place in delivery order, from 1
   * @param exchange the exchange as DNS gave it (host, preference, TTL, addresses)
   * @param addresses one check per address: the addresses tried first (the preferred family first),
   *     then those not tried
   */
  public ExchangeCheck {
    if (position < 1) {
      throw new IllegalArgumentException("position must be >= 1: " + position);
    }
    requireNonNull(exchange, "exchange");
    addresses = List.copyOf(addresses);
  }

  /**
   * Returns the exchange's host name.
   *
   * @return the host, lower case, ASCII, without the final dot
   */
  public String host() {
    return exchange.host();
  }

  /**
   * Returns the MX preference.
   *
   * @return the preference; 0 for an implicit MX
   */
  public int preference() {
    return exchange.preference();
  }

  /**
   * Returns the address whose answer stands for the exchange, as a sending MTA sees it: the first
   * address, in the order tried, that gave a {@linkplain AddressCheck.Status#decisive() decisive}
   * answer; without one, the most telling failure (a temporary refusal before a client refusal,
   * before a broken session, before an unreachable address).
   *
   * @return the address, or empty when none was tried
   */
  public Optional<AddressCheck> answer() {
    for (AddressCheck a : addresses) {
      if (a.status().decisive()) {
        return Optional.of(a);
      }
    }
    AddressCheck best = null;
    for (AddressCheck a : addresses) {
      if (a.status().tried() && (best == null || rank(a.status()) < rank(best.status()))) {
        best = a;
      }
    }
    return Optional.ofNullable(best);
  }

  private static int rank(AddressCheck.Status s) {
    switch (s) {
      case SENDER_DEFERRED:
      case SESSION_DEFERRED:
        return 0;
      case CLIENT_REFUSED:
        return 1;
      case SESSION_FAILED:
        return 2;
      case UNREACHABLE:
        return 3;
      default:
        return 4;
    }
  }

  /**
   * Returns the exchange's answer.
   *
   * @return the status of {@link #answer()}, or {@link AddressCheck.Status#NOT_TRIED}
   */
  public AddressCheck.Status status() {
    return answer().map(AddressCheck::status).orElse(AddressCheck.Status.NOT_TRIED);
  }

  /**
   * Tells whether any address of the exchange was tried.
   *
   * @return {@code true} when at least one connection was attempted
   */
  public boolean tried() {
    return addresses.stream().anyMatch(a -> a.status().tried());
  }

  /** Returns {@code 1. 10 mx1.example.org: ACCEPTED}. */
  @Override
  public String toString() {
    return position + ". " + preference() + " " + host() + ": " + status();
  }
}
