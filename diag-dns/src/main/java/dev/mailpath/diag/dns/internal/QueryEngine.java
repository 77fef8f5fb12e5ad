package dev.mailpath.diag.dns.internal;

import dev.mailpath.diag.core.DiagEventListener;
import dev.mailpath.diag.core.TimeSource;
import dev.mailpath.diag.dns.DnsLookup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 *
 * <p>{@link #askAsync} does the same without blocking: each attempt is a future of the non-blocking
 * transport and the next one is composed onto it, so thousands of questions need no thread each.
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
  public DnsExchange ask(
      Name name, int type, Consumer<DnsLookup> sink, DiagEventListener listener) {
    return Futures.await(askAsync(name, type, sink, listener));
  }

  /**
   * Asks the question like {@link #ask} without blocking: each attempt starts when the one before
   * it ended unusable.
   *
   * @param name the query name
   * @param type the record type
   * @param sink receives one {@link DnsLookup} per attempt, on whichever thread ended it
   * @param listener event listener
   * @return a future of the usable exchange or the most informative failure; its {@link
   *     DnsExchange#ignoredReplies()} is summed over all attempts. It completes exceptionally only
   *     for bugs (a listener or sink that throws).
   */
  public CompletableFuture<DnsExchange> askAsync(
      Name name, int type, Consumer<DnsLookup> sink, DiagEventListener listener) {
    return attempt(
        new Attempts(
            CallScope.unbounded(TimeSource.system()),
            name,
            name.toString(true),
            type,
            sink,
            listener),
        0);
  }

  /**
   * Like {@link #askAsync(Name, int, Consumer, DiagEventListener)}, with the query name's text
   * already at hand (bulk callers have it, and {@code Name.toString} is not free).
   *
   * @param name the query name
   * @param qname the same name as text, ASCII, without the final dot, as {@link DnsLookup}s show it
   * @param type the record type
   * @param sink receives one {@link DnsLookup} per attempt
   * @param listener event listener
   * @return as {@link #askAsync(Name, int, Consumer, DiagEventListener)}
   */
  public CompletableFuture<DnsExchange> askAsync(
      Name name, String qname, int type, Consumer<DnsLookup> sink, DiagEventListener listener) {
    return askAsync(CallScope.unbounded(TimeSource.system()), name, qname, type, sink, listener);
  }

  /**
   * Like {@link #askAsync(Name, String, int, Consumer, DiagEventListener)}, as part of a call: the
   * call's deadline bounds every attempt (an attempt gets at most the time left, and none starts
   * after it), and cancelling the call cancels the attempt on the wire and starts no other.
   *
   * @param scope the call
   * @param name the query name
   * @param qname the same name as text
   * @param type the record type
   * @param sink receives one {@link DnsLookup} per attempt
   * @param listener event listener
   * @return as {@link #askAsync(Name, String, int, Consumer, DiagEventListener)}; it completes
   *     exceptionally with a {@link java.util.concurrent.CancellationException} once the call is
   *     cancelled
   */
  public CompletableFuture<DnsExchange> askAsync(
      CallScope scope,
      Name name,
      String qname,
      int type,
      Consumer<DnsLookup> sink,
      DiagEventListener listener) {
    return attempt(new Attempts(scope, name, qname, type, sink, listener), 0);
  }

  private CompletableFuture<DnsExchange> attempt(Attempts a, int i) {
    if (a.scope.cancelled()) {
      return CompletableFuture.failedFuture(
          new java.util.concurrent.CancellationException("cancelled while querying " + a.qname));
    }
    Duration attemptTimeout = a.scope.attemptTimeout(timeout);
    if (attemptTimeout == null) {
      // The call's deadline passed: what the attempts so far found is the answer.
      DnsExchange last = a.best != null ? a.best : CallScope.deadlinePassed(servers.get(0));
      return CompletableFuture.completedFuture(a.result(last));
    }
    InetSocketAddress server = a.begin(i);
    Message query = newQuery(a.name, a.type);
    CompletableFuture<DnsExchange> f =
        a.scope.track(transport.exchangeAsync(server, query, attemptTimeout, tcpOnly));
    return f.thenCompose(
        ex -> {
          if (a.end(ex)) {
            return CompletableFuture.completedFuture(a.result(ex));
          }
          if (i + 1 < a.total) {
            return attempt(a, i + 1);
          }
          return CompletableFuture.completedFuture(a.result(a.best));
        });
  }

  /** The state of one question across its attempts; attempts run one after another. */
  private final class Attempts {
    final CallScope scope;
    final Name name;
    final int type;
    final Consumer<DnsLookup> sink;
    final DiagEventListener listener;
    final String typeName;
    final String qname;
    final int total;
    DnsExchange best;
    int ignored;
    String ignoredReason;
    InetSocketAddress server;

    Attempts(
        CallScope scope,
        Name name,
        String qname,
        int type,
        Consumer<DnsLookup> sink,
        DiagEventListener listener) {
      this.scope = scope;
      this.name = name;
      this.type = type;
      this.sink = sink;
      this.listener = listener;
      this.typeName = Type.string(type);
      this.qname = qname;
      this.total = (retries + 1) * servers.size();
    }

    InetSocketAddress begin(int i) {
      server = servers.get(i % servers.size());
      listener.dnsQueryStart(server, qname, typeName);
      return server;
    }

    /** Records an attempt; returns whether its exchange is usable. */
    boolean end(DnsExchange ex) {
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
      ignored += ex.ignoredReplies();
      if (ignoredReason == null) {
        ignoredReason = ex.ignoredReason();
      }
      if (ex.status() == DnsExchange.Status.ANSWER) {
        int rc = ex.rcode();
        if (rc != Rcode.SERVFAIL && rc != Rcode.REFUSED) {
          return true;
        }
        if (best == null || best.status() != DnsExchange.Status.ANSWER || rc == Rcode.SERVFAIL) {
          best = ex;
        }
      } else if (best == null || rank(ex) > rank(best)) {
        best = ex;
      }
      return false;
    }

    DnsExchange result(DnsExchange ex) {
      return ignored == ex.ignoredReplies()
              && java.util.Objects.equals(ignoredReason, ex.ignoredReason())
          ? ex
          : ex.withIgnored(ignored, ignoredReason);
    }
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
