package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One DNS query a diagnosis sent and what came of it: which server answered, with which response
 * code, whether authoritatively, over which transport, and how fast.
 *
 * @param name the query name (ASCII, no final dot)
 * @param type the record type, for example {@code MX}
 * @param server the server asked
 * @param rcode the response code ({@code NOERROR}, {@code NXDOMAIN}, ...) or, without a response,
 *     {@code TIMEOUT}, {@code NETWORK_ERROR} or {@code MALFORMED}
 * @param authoritative whether the AA flag was set
 * @param tcp whether the answer came over TCP
 * @param truncatedRetry whether a truncated UDP answer was repeated over TCP
 * @param elapsed time from sending the query to the end of the exchange
 */
public record DnsLookup(
    String name,
    String type,
    InetSocketAddress server,
    String rcode,
    boolean authoritative,
    boolean tcp,
    boolean truncatedRetry,
    Duration elapsed) {

  /**
   * Validates the components.
   *
   * @param name the query name (ASCII, no final dot)
   * @param type the record type, for example {@code MX}
   * @param server the server asked
   * @param rcode the response code ({@code NOERROR}, {@code NXDOMAIN}, ...) or, without a response,
   *     {@code TIMEOUT}, {@code NETWORK_ERROR} or {@code MALFORMED}
   * @param authoritative whether the AA flag was set
   * @param tcp whether the answer came over TCP
   * @param truncatedRetry whether a truncated UDP answer was repeated over TCP
   * @param elapsed time from sending the query to the end of the exchange
   */
  public DnsLookup {
    requireNonNull(name, "name");
    requireNonNull(type, "type");
    requireNonNull(server, "server");
    requireNonNull(rcode, "rcode");
    requireNonNull(elapsed, "elapsed");
  }

  /**
   * Tells whether a response arrived.
   *
   * @return {@code false} for timeouts, network errors and unreadable replies
   */
  public boolean answered() {
    return !rcode.equals("TIMEOUT") && !rcode.equals("NETWORK_ERROR") && !rcode.equals("MALFORMED");
  }

  /** Returns {@code MX example.org @127.0.0.1:53 NOERROR aa 3ms}. */
  @Override
  public String toString() {
    return type
        + " "
        + name
        + " @"
        + dev.mailpath.diag.core.internal.Addresses.format(server)
        + " "
        + rcode
        + (authoritative ? " aa" : "")
        + (tcp ? " tcp" : "")
        + " "
        + elapsed.toMillis()
        + "ms";
  }
}
