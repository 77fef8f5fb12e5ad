package dev.mailpath.diag.dns.internal;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.Message;

/**
 * Sends one DNS query to one server and returns a validated answer or the reason there is none.
 * Implementations never throw for network faults: those are {@link DnsExchange.Status} values. This
 * is the seam a faster transport slides in under, without changing the public API.
 *
 * <p>{@link NioDnsTransport} is the one implementation; callers compose its {@link #exchangeAsync}
 * futures ({@link QueryEngine#askAsync}). An implementation that only offers {@link #exchange}
 * would block the caller of {@link #exchangeAsync}.
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

  /**
   * Sends a query and returns a future of its validated response. The default runs {@link
   * #exchange} on the calling thread; a non-blocking transport overrides it.
   *
   * @param server where to send it
   * @param query the query; the transport must not be handed the same instance twice at once
   * @param timeout how long to wait in total
   * @param tcpOnly skip UDP and ask over TCP
   * @return a future that completes normally with the exchange for every network outcome
   */
  default CompletableFuture<DnsExchange> exchangeAsync(
      InetSocketAddress server, Message query, Duration timeout, boolean tcpOnly) {
    return CompletableFuture.completedFuture(exchange(server, query, timeout, tcpOnly));
  }

  /**
   * Tells whether {@link #exchangeAsync} returns at once without blocking the caller.
   *
   * @return {@code false} by default
   */
  default boolean nonBlocking() {
    return false;
  }
}
