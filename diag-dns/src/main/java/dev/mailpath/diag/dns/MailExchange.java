package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * One mail exchange of a domain: the host senders connect to, its MX preference, the record's TTL
 * and the host's addresses.
 *
 * @param host the exchange's name, lower case, ASCII, without the final dot
 * @param preference the MX preference (lower is tried first)
 * @param ttl the MX record's time to live ({@link Duration#ZERO} for an implicit MX)
 * @param addresses the host's IPv4 and IPv6 addresses; empty when it has none
 */
public record MailExchange(String host, int preference, Duration ttl, List<InetAddress> addresses) {

  /**
   * Validates the components and copies the address list.
   *
   * @param host the exchange's name, lower case, ASCII, without the final dot
   * @param preference the MX preference (lower is tried first)
   * @param ttl the MX record's time to live ({@link Duration#ZERO} for an implicit MX)
   * @param addresses the host's IPv4 and IPv6 addresses; empty when it has none
   */
  public MailExchange {
    requireNonNull(host, "host");
    requireNonNull(ttl, "ttl");
    if (preference < 0 || preference > 65535) {
      throw new IllegalArgumentException("preference must be between 0 and 65535: " + preference);
    }
    addresses = List.copyOf(addresses);
  }

  /** Returns {@code 10 mx1.example.org [192.0.2.1, 2001:db8::1]}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder().append(preference).append(' ').append(host).append(" [");
    for (int i = 0; i < addresses.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(dev.mailpath.diag.core.internal.Addresses.format(addresses.get(i)));
    }
    return sb.append(']').toString();
  }
}
