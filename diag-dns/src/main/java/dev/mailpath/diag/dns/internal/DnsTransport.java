package dev.mailpath.diag.dns.internal;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.xbill.DNS.Message;

/**
 * Sends one DNS query to one server and returns a validated answer or the reason there is none.
 * Implementations never throw for network faults: those are {@link DnsExchange.Status} values.
 * This is the seam a faster transport slides in under, without changing the public API.
 */
public interface DnsTransport {

  /**
   * Sends a query and waits for its validated response.
   *
   * @param server where to send it
   * @param query the query; its ID and question are what replies are checked against
   * @param timeout how long to wait in total (UDP, then TCP when truncated)
   * @param tcpOnly skip UDP and ask over TCP
   * @return the exchange
   */
  DnsExchange exchange(InetSocketAddress server, Message query, Duration timeout, boolean tcpOnly);
}
