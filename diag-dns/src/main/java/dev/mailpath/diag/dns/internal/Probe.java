package dev.mailpath.diag.dns.internal;

import dev.mailpath.diag.core.DiagEventListener;
import dev.mailpath.diag.dns.DnsLookup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSIDOption;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Sends one question to one server the way dig does, on the non-blocking transport, with the
 * options {@link QueryEngine} does not offer: the DO and CD bits, a chosen EDNS payload size, and
 * the NSID option (RFC 5001) that asks a server to name itself. Retries the same server after a
 * timeout or an unreadable reply only; a network error (port unreachable, connection refused) is
 * final. Immutable and thread-safe.
 */
public final class Probe {

  /**
   * How queries are built and sent.
   *
   * @param timeout per attempt, UDP plus a TCP retry after truncation
   * @param retries extra attempts after a timeout or an unreadable reply
   * @param recursionDesired set RD
   * @param checkingDisabled set CD
   * @param edns add an OPT record
   * @param udpPayloadSize the payload size the OPT record advertises
   * @param dnssecOk set the DO bit (implies EDNS)
   * @param nsid ask for the server's identity (implies EDNS)
   */
  public record Settings(
      Duration timeout,
      int retries,
      boolean recursionDesired,
      boolean checkingDisabled,
      boolean edns,
      int udpPayloadSize,
      boolean dnssecOk,
      boolean nsid) {}

  /**
   * The last attempt and how many were made.
   *
   * @param exchange the last exchange (the answered one, or the last failure)
   * @param attempts how many queries were sent, 1 or more
   */
  public record Result(DnsExchange exchange, int attempts) {}

  private final NioDnsTransport transport;
  private final QueryEngine engine;
  private final Settings settings;

  /**
   * Creates a probe.
   *
   * @param transport how queries travel (non-blocking)
   * @param random source of query IDs
   * @param settings how to build and send queries
   */
  public Probe(NioDnsTransport transport, RandomGenerator random, Settings settings) {
    this.transport = transport;
    this.settings = settings;
    // QueryEngine builds the header and question (random ID, RD only when asked); the OPT record
    // is ours, so the engine adds none.
    this.engine =
        new QueryEngine(
            transport,
            List.of(),
            settings.timeout(),
            0,
            false,
            false,
            settings.recursionDesired(),
            random);
  }

  /**
   * Returns the settings.
   *
   * @return the settings
   */
  public Settings settings() {
    return settings;
  }

  /**
   * Builds a query message.
   *
   * @param name the query name
   * @param type the type code
   * @return the message
   */
  public Message newQuery(Name name, int type) {
    Message m = engine.newQuery(name, type);
    if (settings.checkingDisabled()) {
      m.getHeader().setFlag(Flags.CD);
    }
    if (settings.edns() || settings.dnssecOk() || settings.nsid()) {
      List<EDNSOption> options = settings.nsid() ? List.of(new NSIDOption(new byte[0])) : List.of();
      int flags = settings.dnssecOk() ? ExtendedFlags.DO : 0;
      m.addRecord(
          new OPTRecord(settings.udpPayloadSize(), 0, 0, flags, options), Section.ADDITIONAL);
    }
    return m;
  }

  /**
   * Asks one server, retrying after timeouts and unreadable replies, without blocking: each attempt
   * is a future of the non-blocking transport and the next one is composed onto it.
   *
   * @param scope the call this question belongs to: its deadline bounds every attempt, and
   *     cancelling it stops the attempt on the wire and every later one
   * @param server the server
   * @param name the query name
   * @param type the type code
   * @param tcpOnly ask over TCP only
   * @param listener receives start and end events
   * @param sink receives one lookup per attempt
   * @return a future of the last exchange and the number of attempts
   */
  public CompletableFuture<Result> exchangeAsync(
      CallScope scope,
      InetSocketAddress server,
      Name name,
      int type,
      boolean tcpOnly,
      DiagEventListener listener,
      Consumer<DnsLookup> sink) {
    return attempt(
        scope, server, name, name.toString(true), type, tcpOnly, listener, sink, null, 0);
  }

  private CompletableFuture<Result> attempt(
      CallScope scope,
      InetSocketAddress server,
      Name name,
      String qname,
      int type,
      boolean tcpOnly,
      DiagEventListener listener,
      Consumer<DnsLookup> sink,
      DnsExchange last,
      int attempts) {
    if (scope.cancelled()) {
      return CompletableFuture.failedFuture(
          new CancellationException("cancelled while querying " + qname));
    }
    Duration timeout = scope.attemptTimeout(settings.timeout());
    if (timeout == null) {
      // The call's deadline passed: the attempts so far are the answer, or a timeout if none.
      return CompletableFuture.completedFuture(
          last != null
              ? new Result(last, attempts)
              : new Result(CallScope.deadlinePassed(server), attempts));
    }
    String typeName = Type.string(type);
    listener.dnsQueryStart(server, qname, typeName);
    CompletableFuture<DnsExchange> f =
        scope.track(transport.exchangeAsync(server, newQuery(name, type), timeout, tcpOnly));
    return f.thenCompose(
        ex -> {
          String rcode = QueryEngine.rcodeName(ex);
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
          int n = attempts + 1;
          boolean retry =
              ex.status() == DnsExchange.Status.TIMEOUT
                  || ex.status() == DnsExchange.Status.MALFORMED;
          if (!retry || n > settings.retries()) {
            return CompletableFuture.completedFuture(new Result(ex, n));
          }
          return attempt(scope, server, name, qname, type, tcpOnly, listener, sink, ex, n);
        });
  }
}
