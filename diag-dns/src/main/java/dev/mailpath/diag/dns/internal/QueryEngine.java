package dev.mailpath.diag.dns.internal;

import dev.mailpath.diag.core.DiagEventListener;
import dev.mailpath.diag.dns.DnsLookup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Asks a list of servers one question, with retries, and records every attempt as a {@link
 * DnsLookup}. Server order is the caller's (like a stub resolver's resolv.conf order): a timeout,
 * network error, unreadable reply, SERVFAIL or REFUSED moves on to the next server, because
 * dnsjava's ExtendedResolver would take SERVFAIL as final; the whole list is tried {@code 1 +
 * retries} times. Immutable and thread-safe.
 */
public final class QueryEngine {
  /** EDNS UDP payload size recommended by the DNS Flag Day 2020 to avoid IP fragmentation. */
  public static final int EDNS_PAYLOAD = 1232;

  private final DnsTransport transport;
  private final List<InetSocketAddress> servers;
  private final Duration timeout;
  private final int retries;
  private final boolean tcpOnly;
  private final boolean edns;
  private final boolean recursionDesired;
  private final RandomGenerator random;

  /**
   * Creates an engine.
   *
   * @param transport how queries travel
   * @param servers servers in the order to try them
   * @param timeout per attempt
   * @param retries extra rounds over the server list
   * @param tcpOnly ask over TCP only
   * @param edns add an OPT record advertising {@link #EDNS_PAYLOAD}
   * @param recursionDesired set RD (clear it for authoritative and root probes)
   * @param random source of query IDs
   */
  public QueryEngine(
      DnsTransport transport,
      List<InetSocketAddress> servers,
      Duration timeout,
      int retries,
      boolean tcpOnly,
      boolean edns,
      boolean recursionDesired,
      RandomGenerator random) {
    this.transport = transport;
    this.servers = List.copyOf(servers);
    this.timeout = timeout;
    this.retries = retries;
    this.tcpOnly = tcpOnly;
    this.edns = edns;
    this.recursionDesired = recursionDesired;
    this.random = random;
  }

  /**
   * Builds a query with a random ID (RFC 5452 §4.3); RD only when configured, since {@code
   * Message.newQuery} would always set it.
   *
   * @param name the query name
   * @param type the record type
   * @return the query message
   */
  public Message newQuery(Name name, int type) {
    Message m = new Message(random.nextInt(0x10000));
    m.getHeader().setOpcode(Opcode.QUERY);
    if (recursionDesired) {
      m.getHeader().setFlag(Flags.RD);
    }
    m.addRecord(org.xbill.DNS.Record.newRecord(name, type, DClass.IN), Section.QUESTION);
    if (edns) {
      m.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
    }
    return m;
  }

  /**
   * Asks the question until a server gives a usable answer or every attempt is spent.
   *
   * @param name the query name
   * @param type the record type
   * @param sink receives one {@link DnsLookup} per attempt
   * @param listener event listener
   * @return the usable exchange, or the most informative failure (a SERVFAIL answer beats a
   *     timeout)
   */
  public DnsExchange ask(Name name, int type, Consumer<DnsLookup> sink, DiagEventListener listener) {
    DnsExchange best = null;
    String typeName = Type.string(type);
    String qname = name.toString(true);
    for (int round = 0; round <= retries; round++) {
      for (InetSocketAddress server : servers) {
        if (Thread.currentThread().isInterrupted()) {
          throw new java.util.concurrent.CancellationException("interrupted while querying " + qname);
        }
        listener.dnsQueryStart(server, qname, typeName);
        DnsExchange ex = transport.exchange(server, newQuery(name, type), timeout, tcpOnly);
        String rcode = rcodeName(ex);
        listener.dnsQueryEnd(server, qname, typeName, rcode, ex.elapsed());
        sink.accept(
            new DnsLookup(
                qname,
                typeName,
                server,
                rcode,
                ex.response() != null && ex.response().getHeader().getFlag(Flags.AA),
                ex.tcp(),
                ex.truncatedRetry(),
                ex.elapsed()));
        if (ex.status() == DnsExchange.Status.ANSWER) {
          int rc = ex.rcode();
          if (rc != Rcode.SERVFAIL && rc != Rcode.REFUSED) {
            return ex;
          }
          if (best == null || best.status() != DnsExchange.Status.ANSWER || rc == Rcode.SERVFAIL) {
            best = ex;
          }
        } else if (best == null || rank(ex) > rank(best)) {
          best = ex;
        }
      }
    }
    return best;
  }

  private static int rank(DnsExchange ex) {
    switch (ex.status()) {
      case ANSWER:
        return 3;
      case MALFORMED:
        return 2;
      case NETWORK_ERROR:
        return 1;
      default:
        return 0;
    }
  }

  /**
   * Returns the rcode name of an exchange, or its status when there is no response.
   *
   * @param ex the exchange
   * @return for example {@code NOERROR} or {@code TIMEOUT}
   */
  public static String rcodeName(DnsExchange ex) {
    return ex.status() == DnsExchange.Status.ANSWER ? Rcode.string(ex.rcode()) : ex.status().name();
  }

  /**
   * Returns the servers asked, in order.
   *
   * @return the servers
   */
  public List<InetSocketAddress> servers() {
    return servers;
  }
}
