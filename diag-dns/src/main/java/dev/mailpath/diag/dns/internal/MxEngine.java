package dev.mailpath.diag.dns.internal;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DiagEventListener;
import dev.mailpath.diag.core.DomainName;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.internal.Checks;
import dev.mailpath.diag.dns.AddressFamily;
import dev.mailpath.diag.dns.AddressReport;
import dev.mailpath.diag.dns.DnsFinding;
import dev.mailpath.diag.dns.DnsLookup;
import dev.mailpath.diag.dns.DnsSettings;
import dev.mailpath.diag.dns.MailExchange;
import dev.mailpath.diag.dns.MxReport;
import dev.mailpath.diag.dns.ReverseReport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The algorithm behind {@code MxResolver}: MX and address resolution as chains of futures on the
 * non-blocking transport, with the checks and findings the facade documents. Immutable and
 * thread-safe.
 */
public final class MxEngine {
  private static final int MAX_CNAME_HOPS = 8;

  /** Most exchanges resolved per domain; a hostile answer must not cost thousands of queries. */
  public static final int MAX_EXCHANGES = 100;

  /** Most addresses kept per host. */
  public static final int MAX_ADDRESSES = 100;

  /** Most out-of-bailiwick records quoted as evidence. */
  private static final int MAX_QUOTED = 5;

  private final DnsSettings dns;
  private final List<InetSocketAddress> servers;
  private final boolean edns;
  private final boolean recursionDesired;
  private final AddressFamily addressFamily;
  private final DiagEnvironment environment;
  private final NioDnsTransport transport;
  private final QueryEngine engine;

  /**
   * Creates the engine.
   *
   * @param dns servers and transport options
   * @param transport the transport of the settings' budget ({@link DnsBudget}), shared with every
   *     other engine built from the same settings
   * @param recursionDesired set RD
   * @param addressFamily which address records to look up
   * @param environment clock, executor, random source, listeners
   */
  public MxEngine(
      DnsSettings dns,
      NioDnsTransport transport,
      boolean recursionDesired,
      AddressFamily addressFamily,
      DiagEnvironment environment) {
    this.dns = dns;
    this.servers = dns.serversOrSystem();
    this.edns = dns.edns();
    this.recursionDesired = recursionDesired;
    this.addressFamily = addressFamily;
    this.environment = environment;
    this.transport = transport;
    this.engine =
        new QueryEngine(
            transport,
            servers,
            dns.timeout(),
            dns.retries(),
            dns.tcpOnly(),
            edns,
            recursionDesired,
            environment.random());
  }

  /**
   * Returns the servers asked, in order.
   *
   * @return the servers
   */
  public List<InetSocketAddress> servers() {
    return servers;
  }

  /**
   * Returns the transport.
   *
   * @return the transport
   */
  public NioDnsTransport transport() {
    return transport;
  }

  /**
   * Finds the mail exchanges of a domain.
   *
   * @param domain a domain such as {@code example.org}; Unicode names are converted to A-labels
   * @return the report; DNS failures are findings in it
   * @throws IllegalArgumentException when the domain is malformed (see {@link DomainName#of})
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public MxReport resolve(String domain) {
    return resolve(DomainName.of(domain));
  }

  /**
   * Finds the mail exchanges of a checked domain name.
   *
   * @param domain the domain
   * @return the report
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public MxReport resolve(DomainName domain) {
    requireNonNull(domain, "domain");
    return Futures.await(new Resolution(domain).run());
  }

  /**
   * Finds the mail exchanges of a domain without blocking the caller. The queries go out at once;
   * the future completes on the environment's executor, so that code chained onto it never runs on
   * the transport's selector thread.
   *
   * @param domain the domain
   * @return a future of the report; it never completes exceptionally for DNS failures
   * @throws IllegalArgumentException at once when the domain is malformed
   */
  public CompletableFuture<MxReport> resolveAsync(String domain) {
    DomainName name = DomainName.of(domain);
    Resolution r = new Resolution(name);
    return r.ctx.scope.publish(r.run(), environment.executor());
  }

  /**
   * Resolves many domains with at most {@code maxInFlight} at once, streaming reports back in
   * completion order (not input order). The input is read lazily and results are handed over as the
   * stream is consumed, so memory stays flat however many domains there are: a slow consumer slows
   * the resolution down (back-pressure), and no thread is started per domain. A malformed name
   * becomes a report with a {@code dns.invalid-name} finding. Closing the stream stops reading the
   * input; resolutions already started finish in the background.
   *
   * <pre>{@code
   * try (Stream<MxReport> reports = resolver.resolveAll(domains, 200)) {
   *   reports.filter(r -> r.outcome() == Outcome.FAIL).forEach(System.out::println);
   * }
   * }</pre>
   *
   * <p>With many domains per server, combine it with {@link DnsSettings#maxInFlightPerServer()} and
   * {@link DnsSettings#rateLimit()} to stay polite to the servers asked.
   *
   * @param domains the domains; iterated once, lazily, on the consuming thread
   * @param maxInFlight how many resolutions run at once (1 to 10,000)
   * @return a sequential stream of reports
   * @throws CancellationException from the stream when the consuming thread is interrupted
   */
  public Stream<MxReport> resolveAll(Iterable<String> domains, int maxInFlight) {
    requireNonNull(domains, "domains");
    Checks.range("maxInFlight", maxInFlight, 1, 10_000);
    BulkIterator it = new BulkIterator(domains.iterator(), maxInFlight);
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(it, Spliterator.NONNULL | Spliterator.ORDERED),
            false)
        .onClose(it::close);
  }

  /**
   * Resolves many domains and hands each report to a callback, on the calling thread, as it
   * completes; returns when all are done.
   *
   * @param domains the domains
   * @param maxInFlight how many resolutions run at once
   * @param sink receives every report
   */
  public void resolveAll(Iterable<String> domains, int maxInFlight, Consumer<MxReport> sink) {
    requireNonNull(sink, "sink");
    try (Stream<MxReport> s = resolveAll(domains, maxInFlight)) {
      s.forEach(sink);
    }
  }

  /**
   * Looks up the IPv4 and IPv6 addresses of a host, following CNAMEs; used by diag-smtp to connect
   * to a host name through the caller's DNS servers rather than the JDK's system lookup.
   *
   * @param host the host name
   * @return the addresses and findings
   * @throws IllegalArgumentException when the host name is malformed
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public AddressReport addresses(String host) {
    DomainName name = DomainName.of(host);
    return Futures.await(addresses(new Context("addresses " + name), name));
  }

  /**
   * Looks up the addresses of a host without blocking the caller.
   *
   * @param host the host name
   * @return a future of the report; DNS failures are findings in it
   * @throws IllegalArgumentException at once when the host name is malformed
   */
  public CompletableFuture<AddressReport> addressesAsync(String host) {
    DomainName name = DomainName.of(host);
    Context ctx = new Context("addresses " + name);
    return ctx.publish(addresses(ctx, name));
  }

  private CompletableFuture<AddressReport> addresses(Context ctx, DomainName name) {
    return lookupAddresses(ctx, toName(name.ascii()))
        .thenApply(
            h -> {
              List<Finding> findings = new ArrayList<>();
              if (h.nxdomain) {
                findings.add(DnsFinding.NXDOMAIN.finding(name.ascii() + " does not exist"));
              } else if (h.failure != null) {
                findings.add(failureFinding(h.failure, name.ascii()));
              }
              hostProblems(h, name.ascii(), findings);
              findings.addAll(ctx.notes());
              return new AddressReport(
                  name.ascii(),
                  h.addresses,
                  Optional.ofNullable(h.canonical),
                  ctx.lookups(),
                  findings,
                  ctx.startedAt,
                  ctx.elapsed());
            });
  }

  /**
   * Looks up the PTR names of an address and checks which resolve back to it (forward-confirmed
   * reverse DNS).
   *
   * @param address an IPv4 or IPv6 address
   * @return the names and findings
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public ReverseReport reverse(InetAddress address) {
    requireNonNull(address, "address");
    return Futures.await(reverse(new Context("reverse " + address.getHostAddress()), address));
  }

  /**
   * Looks up the PTR names of an address and confirms them, without blocking the caller.
   *
   * @param address an IPv4 or IPv6 address
   * @return a future of the report; DNS failures are findings in it
   */
  public CompletableFuture<ReverseReport> reverseAsync(InetAddress address) {
    requireNonNull(address, "address");
    Context ctx = new Context("reverse " + address.getHostAddress());
    return ctx.publish(reverse(ctx, address));
  }

  private CompletableFuture<ReverseReport> reverse(Context ctx, InetAddress address) {
    Name ptrName = ReverseMap.fromAddress(address);
    return ctx.ask(ptrName, Type.PTR)
        .thenCompose(
            ex -> {
              List<Finding> findings = new ArrayList<>();
              List<String> names = new ArrayList<>();
              if (ex.status() != DnsExchange.Status.ANSWER
                  || (ex.rcode() != Rcode.NOERROR && ex.rcode() != Rcode.NXDOMAIN)) {
                findings.add(failureFinding(ex, ptrName.toString(true)));
                findings.addAll(ctx.notes());
                return CompletableFuture.completedFuture(
                    new ReverseReport(
                        address,
                        names,
                        List.of(),
                        ctx.lookups(),
                        findings,
                        ctx.startedAt,
                        ctx.elapsed()));
              }
              Name owner =
                  followCname(ex.response(), ptrName, new ArrayList<>(List.of(ptrName))).owner();
              for (org.xbill.DNS.Record r : ex.response().getSection(Section.ANSWER)) {
                if (r instanceof PTRRecord p && inClass(r) && r.getName().equals(owner)) {
                  String n = lower(p.getTarget());
                  if (!names.contains(n) && names.size() < MAX_ADDRESSES) {
                    names.add(n);
                  }
                }
              }
              if (names.isEmpty()) {
                findings.add(
                    DnsFinding.PTR_NONE.finding(
                        address.getHostAddress() + " has no PTR record",
                        Evidence.of("query", ptrName.toString(true) + " PTR"),
                        Evidence.of("rcode", Rcode.string(ex.rcode()))));
                findings.addAll(ctx.notes());
                return CompletableFuture.completedFuture(
                    new ReverseReport(
                        address,
                        names,
                        List.of(),
                        ctx.lookups(),
                        findings,
                        ctx.startedAt,
                        ctx.elapsed()));
              }
              List<CompletableFuture<HostAddresses>> forward = new ArrayList<>();
              for (String n : names) {
                forward.add(lookupAddresses(ctx, toName(n)));
              }
              return CompletableFuture.allOf(forward.toArray(new CompletableFuture<?>[0]))
                  .thenApply(
                      v -> {
                        List<String> confirmed = new ArrayList<>();
                        for (int i = 0; i < names.size(); i++) {
                          if (forward.get(i).join().addresses.contains(address)) {
                            confirmed.add(names.get(i));
                          }
                        }
                        if (confirmed.isEmpty()) {
                          findings.add(
                              DnsFinding.PTR_NOT_CONFIRMED.finding(
                                  address.getHostAddress()
                                      + " has PTR "
                                      + names
                                      + ", but no such name resolves back to it",
                                  Evidence.of("ptr", String.join(", ", names))));
                        }
                        findings.addAll(ctx.notes());
                        return new ReverseReport(
                            address,
                            names,
                            confirmed,
                            ctx.lookups(),
                            findings,
                            ctx.startedAt,
                            ctx.elapsed());
                      });
            });
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * What one diagnosis collects besides its result: every lookup, and notes about replies that were
   * answers but came with something wrong (ignored forgeries, oversize UDP, out-of-bailiwick
   * records). Continuations may run on several threads (a blocking transport runs on the executor),
   * hence the locks.
   */
  private final class Context {
    final List<DnsLookup> lookups = Collections.synchronizedList(new ArrayList<>());
    final DiagEventListener listener;
    final CallScope scope = new CallScope(environment.timeSource(), dns.deadline());
    final Instant startedAt = environment.timeSource().instant();
    final long startNanos = environment.timeSource().nanoTime();
    private int mismatched;
    private String mismatchedReason;
    private String mismatchedQuery;
    private String oversizeQuery;
    private int oversizeBytes;
    private final List<String> outOfBailiwick = new ArrayList<>();
    private int outOfBailiwickCount;
    private String tooLarge;

    Context(String what) {
      this.listener = environment.eventListenerFactory().create(what);
    }

    CompletableFuture<DnsExchange> ask(Name name, int type) {
      return ask(name, lower(name), type);
    }

    Duration elapsed() {
      return Duration.ofNanos(environment.timeSource().nanoTime() - startNanos);
    }

    /** Hands a result to the caller on the executor; cancelling it cancels this call. */
    <T> CompletableFuture<T> publish(CompletableFuture<T> work) {
      return scope.publish(work, environment.executor());
    }

    /** Asks with the name's text at hand (lower case, no final dot), saving a conversion. */
    CompletableFuture<DnsExchange> ask(Name name, String text, int type) {
      return engine
          .askAsync(scope, name, text, type, lookups::add, listener)
          .thenApply(
              ex -> {
                note(ex, name, type);
                return ex;
              });
    }

    private synchronized void note(DnsExchange ex, Name name, int type) {
      // Replies that did not match the query (echoed, wrong ID or question) get their own
      // finding whether or not a real answer followed: either way someone sent them.
      if (ex.ignoredReplies() > 0) {
        mismatched += ex.ignoredReplies();
        if (mismatchedReason == null) {
          mismatchedReason = ex.ignoredReason();
          mismatchedQuery = query(name, type);
        }
      }
      if (ex.status() != DnsExchange.Status.ANSWER) {
        return; // a failed query is reported by its own finding, with these facts as evidence
      }
      if (ex.oversizeUdp() && oversizeQuery == null) {
        oversizeQuery = query(name, type);
        oversizeBytes = ex.responseSize();
      }
      for (org.xbill.DNS.Record r : Bailiwick.outOfBailiwick(ex.response(), name)) {
        outOfBailiwickCount++;
        if (outOfBailiwick.size() < MAX_QUOTED) {
          outOfBailiwick.add(r.toString() + " (in the reply to " + query(name, type) + ")");
        }
      }
    }

    private String query(Name name, int type) {
      return name.toString(true) + " " + Type.string(type);
    }

    synchronized void tooLarge(String what) {
      if (tooLarge == null) {
        tooLarge = what;
      }
    }

    List<DnsLookup> lookups() {
      synchronized (lookups) {
        return new ArrayList<>(lookups);
      }
    }

    synchronized List<Finding> notes() {
      List<Finding> out = new ArrayList<>();
      if (mismatched > 0) {
        out.add(
            DnsFinding.RESPONSE_MISMATCHED_IGNORED.finding(
                mismatched
                    + " repl"
                    + (mismatched == 1 ? "y" : "ies")
                    + " that did not match the query (echoed, wrong ID or question) were ignored",
                Evidence.of("query", mismatchedQuery),
                Evidence.of("first-ignored", String.valueOf(mismatchedReason))));
      }
      if (oversizeQuery != null) {
        out.add(
            DnsFinding.RESPONSE_OVERSIZE_UDP.finding(
                "the UDP reply to "
                    + oversizeQuery
                    + " was "
                    + oversizeBytes
                    + " bytes, more than the query allowed, and TC was clear",
                Evidence.of("query", oversizeQuery),
                Evidence.of("reply-bytes", oversizeBytes),
                Evidence.of("allowed-bytes", edns ? QueryEngine.EDNS_PAYLOAD : 512)));
      }
      if (outOfBailiwickCount > 0) {
        List<Evidence> ev = new ArrayList<>();
        for (String r : outOfBailiwick) {
          ev.add(Evidence.of("ignored-record", r));
        }
        out.add(
            DnsFinding.ADDITIONAL_OUT_OF_BAILIWICK.finding(
                outOfBailiwickCount
                    + " additional record(s) for names the answer did not point"
                    + " at were ignored",
                ev.toArray(new Evidence[0])));
      }
      if (tooLarge != null) {
        out.add(DnsFinding.RESPONSE_TOO_LARGE.finding(tooLarge));
      }
      return out;
    }
  }

  /** One MX resolution; holds the per-call state so the resolver itself stays immutable. */
  private final class Resolution {
    final DomainName domain;
    final long start = environment.timeSource().nanoTime();
    final Context ctx;
    final List<Finding> findings = Collections.synchronizedList(new ArrayList<>());
    final MxReport.Builder report = MxReport.builder();

    Resolution(DomainName domain) {
      this.domain = domain;
      this.ctx = new Context("mx " + domain.ascii());
      report.domain(domain.given()).asciiDomain(domain.ascii()).startedAt(ctx.startedAt);
    }

    CompletableFuture<MxReport> run() {
      Name name = toName(domain.ascii());
      List<Name> chain = new ArrayList<>();
      chain.add(name);
      return mx(name, chain);
    }

    /** Asks for the MX records of {@code name}, the domain or a name its CNAME chain led to. */
    private CompletableFuture<MxReport> mx(Name name, List<Name> chain) {
      String text = chain.size() == 1 ? domain.ascii() : lower(name);
      return ctx.ask(name, text, Type.MX).thenCompose(ex -> onMx(name, chain, ex));
    }

    private CompletableFuture<MxReport> onMx(Name name, List<Name> chain, DnsExchange ex) {
      if (ex.status() != DnsExchange.Status.ANSWER) {
        addFailure(ex, domain.ascii() + " MX");
        return done(finish(Outcome.INCONCLUSIVE));
      }
      Message msg = ex.response();
      report.server(ex.server()).rcode(Rcode.string(ex.rcode()));
      boolean aa = msg.getHeader().getFlag(Flags.AA);
      report.authoritative(aa);
      int rcode = ex.rcode();
      if (rcode == Rcode.NXDOMAIN) {
        findings.add(
            DnsFinding.NXDOMAIN.finding(
                domain.ascii() + " does not exist", Evidence.of("server", hostPort(ex.server()))));
        noteNonAuthoritative(aa, ex);
        return done(finish(null));
      }
      if (rcode != Rcode.NOERROR) {
        findings.add(failureFinding(ex, domain.ascii() + " MX"));
        return done(finish(rcode == Rcode.SERVFAIL ? null : Outcome.INCONCLUSIVE));
      }
      Chain c = followCname(msg, name, chain);
      if (c.loop() || c.tooLong()) {
        findings.add(cnameFinding(c, chain, domain.ascii()));
        return done(finish(null));
      }
      Name owner = c.owner();
      List<MXRecord> mx = new ArrayList<>();
      for (org.xbill.DNS.Record r : msg.getSection(Section.ANSWER)) {
        if (r instanceof MXRecord m && inClass(r) && r.getName().equals(owner)) {
          mx.add(m);
        }
      }
      if (mx.isEmpty() && !owner.equals(name) && !hasRecordAt(msg, owner)) {
        // An authoritative server answers a CNAME into another zone without chasing it, so ask
        // for the MX records of the canonical name ourselves.
        return mx(owner, chain);
      }
      noteNonAuthoritative(aa, ex);
      if (mx.isEmpty()) {
        return implicitMx(owner);
      }
      return exchanges(mx);
    }

    private CompletableFuture<MxReport> implicitMx(Name owner) {
      // RFC 5321 §5.1: without MX records, the domain itself is the exchange, preference 0.
      return lookupAddresses(ctx, owner)
          .thenApply(
              h -> {
                if (!h.addresses.isEmpty()) {
                  report.implicitMx(true);
                  report.addExchange(new MailExchange(lower(owner), 0, Duration.ZERO, h.addresses));
                  findings.add(
                      DnsFinding.IMPLICIT_MX.finding(
                          domain.ascii()
                              + " has no MX records; mail goes to its own address "
                              + h.addresses.stream().map(InetAddress::getHostAddress).toList()));
                  hostProblems(h, lower(owner), findings);
                  return finish(null);
                }
                if (h.cnameLoop || h.chainTooLong) {
                  hostProblems(h, lower(owner), findings);
                  return finish(null);
                }
                if (h.failure != null) {
                  findings.add(
                      DnsFinding.ADDRESS_LOOKUP_FAILED.finding(
                          "no MX records, and the address lookup for "
                              + lower(owner)
                              + " failed: "
                              + QueryEngine.rcodeName(h.failure)));
                  specificFailure(h.failure, lower(owner), findings);
                  return finish(Outcome.INCONCLUSIVE);
                }
                findings.add(
                    DnsFinding.NO_MX.finding(
                        domain.ascii() + " has neither MX records nor an A/AAAA record"));
                return finish(null);
              });
    }

    private CompletableFuture<MxReport> exchanges(List<MXRecord> records) {
      boolean hasNull = false;
      Map<String, MXRecord> byHost = new LinkedHashMap<>();
      for (MXRecord m : records) {
        if (m.getTarget().equals(Name.root)) {
          hasNull = true;
          continue;
        }
        String host = lower(m.getTarget());
        MXRecord previous = byHost.get(host);
        if (previous != null) {
          findings.add(
              DnsFinding.MX_DUPLICATE.finding(
                  host
                      + " is listed at preferences "
                      + previous.getPriority()
                      + " and "
                      + m.getPriority(),
                  Evidence.of("record", m.rdataToString())));
          if (m.getPriority() < previous.getPriority()) {
            byHost.put(host, m);
          }
        } else {
          byHost.put(host, m);
        }
      }
      if (hasNull) {
        if (byHost.isEmpty()) {
          report.nullMx(true);
          findings.add(
              DnsFinding.NULL_MX.finding(
                  domain.ascii() + " publishes a null MX (\"MX 0 .\"): it accepts no mail"));
          return done(finish(null));
        }
        findings.add(
            DnsFinding.NULL_MX_MIXED.finding(
                domain.ascii() + " has a null MX and " + byHost.size() + " other MX record(s)"));
      }
      List<MXRecord> ordered = deliveryOrder(new ArrayList<>(byHost.values()));
      if (ordered.size() > MAX_EXCHANGES) {
        ctx.tooLarge(
            "the MX answer for "
                + domain.ascii()
                + " has "
                + ordered.size()
                + " exchanges; only the "
                + MAX_EXCHANGES
                + " most preferred were resolved");
        ordered = ordered.subList(0, MAX_EXCHANGES);
      }
      List<CompletableFuture<ExchangeResult>> futures = new ArrayList<>(ordered.size());
      for (MXRecord m : ordered) {
        futures.add(exchange(m));
      }
      return CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
          .thenApply(
              v -> {
                // Exchanges and their findings in delivery order, whatever order answers came in.
                for (CompletableFuture<ExchangeResult> f : futures) {
                  ExchangeResult r = f.join();
                  report.addExchange(r.exchange());
                  findings.addAll(r.findings());
                }
                return finish(null);
              });
    }

    private CompletableFuture<ExchangeResult> exchange(MXRecord m) {
      String host = lower(m.getTarget());
      Duration ttl = Duration.ofSeconds(m.getTTL());
      if (looksLikeAddress(m.getTarget())) {
        return done(
            new ExchangeResult(
                new MailExchange(host, m.getPriority(), ttl, List.of()),
                List.of(
                    DnsFinding.MX_IP_LITERAL.finding(
                        "MX "
                            + m.getPriority()
                            + " names "
                            + host
                            + ", which is an address, not a host name",
                        Evidence.of("record", m.rdataToString())))));
      }
      return lookupAddresses(ctx, m.getTarget(), host)
          .thenApply(
              h -> {
                List<Finding> found = new ArrayList<>();
                if (h.cnameLoop || h.chainTooLong) {
                  hostProblems(h, host, found);
                } else {
                  if (h.canonical != null) {
                    found.add(
                        DnsFinding.MX_CNAME_TARGET.finding(
                            "MX "
                                + m.getPriority()
                                + " "
                                + host
                                + " is an alias for "
                                + h.canonical,
                            Evidence.of("record", m.rdataToString())));
                  }
                  hostProblems(h, host, found);
                  if (h.addresses.isEmpty()) {
                    if (h.failure != null) {
                      found.add(
                          DnsFinding.ADDRESS_LOOKUP_FAILED.finding(
                              "the address lookup for "
                                  + host
                                  + " failed: "
                                  + QueryEngine.rcodeName(h.failure),
                              Evidence.of("server", hostPort(h.failure.server()))));
                      specificFailure(h.failure, host, found);
                    } else {
                      found.add(
                          DnsFinding.MX_DANGLING.finding(
                              "MX "
                                  + m.getPriority()
                                  + " "
                                  + host
                                  + " has no "
                                  + familyText()
                                  + " record"
                                  + (h.nxdomain ? " (the name does not exist)" : ""),
                              Evidence.of("record", m.rdataToString())));
                    }
                  }
                }
                return new ExchangeResult(
                    new MailExchange(host, m.getPriority(), ttl, h.addresses), found);
              });
    }

    private List<MXRecord> deliveryOrder(List<MXRecord> list) {
      // RFC 5321 §5.1: ascending preference; hosts of equal preference in random order, so
      // that load spreads the way senders spread it. Servers rotate RRsets between answers, so
      // sort by name first: the same seed then always gives the same order. Without equal
      // preferences there is nothing to shuffle (the common case, and cheaper).
      list.sort((a, b) -> Integer.compare(a.getPriority(), b.getPriority()));
      boolean ties = false;
      for (int i = 1; i < list.size() && !ties; i++) {
        ties = list.get(i).getPriority() == list.get(i - 1).getPriority();
      }
      if (!ties) {
        return list;
      }
      list.sort((a, b) -> a.getTarget().compareTo(b.getTarget()));
      Collections.shuffle(list, new java.util.Random(environment.random().nextLong()));
      list.sort((a, b) -> Integer.compare(a.getPriority(), b.getPriority()));
      return list;
    }

    private void noteNonAuthoritative(boolean aa, DnsExchange ex) {
      if (!aa) {
        findings.add(
            DnsFinding.NON_AUTHORITATIVE.finding(
                "the answer for " + domain.ascii() + " came from a cache (AA clear)",
                Evidence.of("server", hostPort(ex.server()))));
      }
    }

    private void addFailure(DnsExchange ex, String what) {
      findings.add(failureFinding(ex, what));
    }

    private MxReport finish(Outcome outcome) {
      List<DnsLookup> all = ctx.lookups();
      List<Finding> list;
      synchronized (findings) {
        list = new ArrayList<>(findings);
      }
      for (DnsLookup l : all) {
        if (l.truncatedRetry() && l.answered()) {
          list.add(
              DnsFinding.TRUNCATED_TCP_RETRY.finding(
                  "the UDP answer for "
                      + l.name()
                      + " "
                      + l.type()
                      + " was truncated; TCP was used",
                  Evidence.of("server", hostPort(l.server()))));
          break;
        }
      }
      list.addAll(ctx.notes());
      all.forEach(report::addLookup);
      list.forEach(report::addFinding);
      report.elapsed(Duration.ofNanos(environment.timeSource().nanoTime() - start));
      if (outcome != null) {
        report.outcome(outcome);
      }
      return report.build();
    }
  }

  /** An exchange and the findings about it, kept together until delivery order is known. */
  private record ExchangeResult(MailExchange exchange, List<Finding> findings) {}

  private String familyText() {
    return addressFamily == AddressFamily.BOTH
        ? "A or AAAA"
        : addressFamily == AddressFamily.IPV4 ? "A" : "AAAA";
  }

  /** The addresses of one host, or why there are none. */
  private static final class HostAddresses {
    final List<InetAddress> addresses = new ArrayList<>();
    String canonical;
    boolean nxdomain;
    DnsExchange failure;
    boolean cnameLoop;
    boolean chainTooLong;
    List<Name> chain = List.of();
    int dropped;
  }

  /** Adds the findings a host's lookup earned beyond "no address": CNAME trouble, size cap. */
  private static void hostProblems(HostAddresses h, String host, List<Finding> out) {
    if (h.cnameLoop || h.chainTooLong) {
      Chain c = new Chain(null, h.cnameLoop, h.chainTooLong);
      out.add(cnameFinding(c, h.chain, host));
    }
    if (h.dropped > 0) {
      out.add(
          DnsFinding.RESPONSE_TOO_LARGE.finding(
              host
                  + " has "
                  + (h.addresses.size() + h.dropped)
                  + " addresses; only the first "
                  + MAX_ADDRESSES
                  + " were kept"));
    }
  }

  private static Finding cnameFinding(Chain c, List<Name> chain, String what) {
    String path = chain.stream().map(MxEngine::lower).collect(Collectors.joining(" -> "));
    if (c.loop()) {
      return DnsFinding.CNAME_LOOP.finding(
          "the CNAME chain of " + what + " loops: " + path, Evidence.of("chain", path));
    }
    return DnsFinding.CNAME_CHAIN_TOO_LONG.finding(
        "the CNAME chain of " + what + " is longer than " + MAX_CNAME_HOPS + " hops: " + path,
        Evidence.of("chain", path));
  }

  private CompletableFuture<HostAddresses> lookupAddresses(Context ctx, Name host) {
    return lookupAddresses(ctx, host, lower(host));
  }

  private CompletableFuture<HostAddresses> lookupAddresses(Context ctx, Name host, String text) {
    CompletableFuture<HostAddresses> v4 =
        addressFamily.includesIpv4() ? lookupFamily(ctx, host, text, Type.A) : null;
    CompletableFuture<HostAddresses> v6 =
        addressFamily.includesIpv6() ? lookupFamily(ctx, host, text, Type.AAAA) : null;
    if (v4 == null) {
      return v6;
    }
    if (v6 == null) {
      return v4;
    }
    return v4.thenCombine(v6, MxEngine::merge);
  }

  private static HostAddresses merge(HostAddresses a, HostAddresses b) {
    HostAddresses merged = new HostAddresses();
    for (HostAddresses h : List.of(a, b)) {
      merged.addresses.addAll(h.addresses);
      merged.dropped += h.dropped;
      if (h.canonical != null) {
        merged.canonical = h.canonical;
      }
      if (h.failure != null && merged.failure == null) {
        merged.failure = h.failure;
      }
      if ((h.cnameLoop || h.chainTooLong) && !(merged.cnameLoop || merged.chainTooLong)) {
        merged.cnameLoop = h.cnameLoop;
        merged.chainTooLong = h.chainTooLong;
        merged.chain = h.chain;
      }
    }
    merged.nxdomain = a.nxdomain && b.nxdomain;
    return merged;
  }

  private CompletableFuture<HostAddresses> lookupFamily(
      Context ctx, Name host, String text, int type) {
    List<Name> chain = new ArrayList<>();
    chain.add(host);
    return hop(ctx, host, host, text, type, new HostAddresses(), chain);
  }

  /**
   * One query of an address lookup. An authoritative server answers a CNAME for a target in another
   * zone without chasing it, so the chain is followed here, query by query, with one list of
   * visited names across all of them: a loop ends as a loop, however many zones it spans, and a
   * chain ends after {@value #MAX_CNAME_HOPS} hops.
   */
  private CompletableFuture<HostAddresses> hop(
      Context ctx,
      Name host,
      Name current,
      String currentText,
      int type,
      HostAddresses h,
      List<Name> chain) {
    return ctx.ask(current, currentText, type)
        .thenCompose(
            ex -> {
              if (ex.status() != DnsExchange.Status.ANSWER) {
                h.failure = ex;
                return done(h);
              }
              if (ex.rcode() == Rcode.NXDOMAIN) {
                h.nxdomain = true;
                return done(h);
              }
              if (ex.rcode() != Rcode.NOERROR) {
                h.failure = ex;
                return done(h);
              }
              Chain c = followCname(ex.response(), current, chain);
              if (c.loop() || c.tooLong()) {
                h.cnameLoop = c.loop();
                h.chainTooLong = c.tooLong();
                h.chain = List.copyOf(chain);
                return done(h);
              }
              Name owner = c.owner();
              if (!owner.equals(host)) {
                h.canonical = lower(owner);
              }
              for (org.xbill.DNS.Record r : ex.response().getSection(Section.ANSWER)) {
                if (!r.getName().equals(owner) || !inClass(r)) {
                  continue;
                }
                InetAddress a =
                    r instanceof ARecord ar
                        ? ar.getAddress()
                        : r instanceof AAAARecord aaaa ? aaaa.getAddress() : null;
                if (a == null || h.addresses.contains(a)) {
                  continue;
                }
                if (h.addresses.size() < MAX_ADDRESSES) {
                  h.addresses.add(a);
                } else {
                  h.dropped++;
                }
              }
              if (!h.addresses.isEmpty()
                  || owner.equals(current)
                  || hasRecordOfType(ex.response(), owner, type)
                  || hasRecordAt(ex.response(), owner)) {
                return done(h);
              }
              return hop(ctx, host, owner, lower(owner), type, h, chain);
            });
  }

  /**
   * Tells whether a record is of class IN, the class asked: a record of another class (CH, HS) for
   * the same name and type answers a different question and must never become an exchange, an
   * address or a link in a CNAME chain.
   */
  private static boolean inClass(org.xbill.DNS.Record r) {
    return r.getDClass() == DClass.IN;
  }

  private static boolean hasRecordOfType(Message m, Name owner, int type) {
    for (org.xbill.DNS.Record r : m.getSection(Section.ANSWER)) {
      if (r.getName().equals(owner) && r.getType() == type && inClass(r)) {
        return true;
      }
    }
    return false;
  }

  /** Tells whether the answer holds any non-CNAME record at {@code owner}, or an SOA (NODATA). */
  private static boolean hasRecordAt(Message m, Name owner) {
    for (org.xbill.DNS.Record r : m.getSection(Section.ANSWER)) {
      if (r.getName().equals(owner) && r.getType() != Type.CNAME && inClass(r)) {
        return true;
      }
    }
    for (org.xbill.DNS.Record r : m.getSection(Section.AUTHORITY)) {
      if (r.getType() == Type.SOA) {
        return true; // the server followed the chain into its own zone and found no data
      }
    }
    return false;
  }

  /** Where a CNAME chain in one answer ends. */
  private record Chain(Name owner, boolean loop, boolean tooLong) {}

  /**
   * Follows CNAME records in the answer section from {@code start}, adding each name to {@code
   * seen} (the chain so far, possibly from earlier answers). A target already in {@code seen} is a
   * loop; more than {@value #MAX_CNAME_HOPS} hops is too long.
   */
  private static Chain followCname(Message m, Name start, List<Name> seen) {
    Name current = start;
    List<org.xbill.DNS.Record> answer = m.getSection(Section.ANSWER);
    while (true) {
      Name next = null;
      for (org.xbill.DNS.Record r : answer) {
        if (r instanceof CNAMERecord c && inClass(r) && r.getName().equals(current)) {
          next = c.getTarget();
          break;
        }
      }
      if (next == null) {
        return new Chain(current, false, false);
      }
      boolean loop = seen.contains(next);
      seen.add(next);
      if (loop) {
        return new Chain(current, true, false);
      }
      if (seen.size() - 1 > MAX_CNAME_HOPS) {
        return new Chain(next, false, true);
      }
      current = next;
    }
  }

  /** An MX target such as {@code 192.0.2.1.} or {@code 192.0.2.1.example.org.} (no final dot). */
  private static boolean looksLikeAddress(Name target) {
    if (target.labels() < 5) {
      return false;
    }
    String first = target.getLabelString(0);
    if (first.isEmpty() || !Character.isDigit(first.charAt(0))) {
      return false; // the usual case, decided without building the other labels
    }
    for (int i = 0; i < 4; i++) {
      String label = target.getLabelString(i);
      if (label.isEmpty() || label.length() > 3 || !label.chars().allMatch(Character::isDigit)) {
        return false;
      }
      if (Integer.parseInt(label) > 255) {
        return false;
      }
    }
    return true;
  }

  /**
   * Turns a failed exchange into its finding. The transport's problem picks a specific code where
   * there is one (a compression loop, a TCP fallback that failed...), so that a hostile server is
   * named for what it did rather than reported as a plain timeout.
   */
  private Finding failureFinding(DnsExchange ex, String what) {
    Evidence server = Evidence.of("server", hostPort(ex.server()));
    Evidence error = Evidence.of("error", String.valueOf(ex.error()));
    switch (ex.status()) {
      case TIMEOUT:
        if (ex.truncatedRetry()) {
          return DnsFinding.TCP_FALLBACK_FAILED.finding(
              "the UDP answer for "
                  + what
                  + " was truncated, and the TCP retry got no reply within "
                  + dns.timeout().toMillis()
                  + " ms",
              server,
              error);
        }
        List<Evidence> ev = new ArrayList<>();
        ev.add(server);
        ev.add(Evidence.of("ignored-replies", ex.ignoredReplies()));
        if (ex.ignoredReason() != null) {
          ev.add(Evidence.of("first-ignored", ex.ignoredReason()));
        }
        return DnsFinding.TIMEOUT.finding(
            "no answer for "
                + what
                + " from "
                + servers.size()
                + " server(s) within "
                + dns.timeout().toMillis()
                + " ms ("
                + (dns.retries() + 1)
                + " round(s))"
                + (ex.ignoredReplies() > 0
                    ? "; "
                        + ex.ignoredReplies()
                        + " repl"
                        + (ex.ignoredReplies() == 1 ? "y" : "ies")
                        + " that did not match the query were ignored"
                    : ""),
            ev.toArray(new Evidence[0]));
      case NETWORK_ERROR:
        if (ex.truncatedRetry()) {
          return DnsFinding.TCP_FALLBACK_FAILED.finding(
              "the UDP answer for "
                  + what
                  + " was truncated, and the TCP retry failed: "
                  + ex.error(),
              server,
              error);
        }
        return DnsFinding.NETWORK_ERROR.finding(
            "query for " + what + " failed: " + ex.error(), server);
      case MALFORMED:
        switch (ex.problem()) {
          case COMPRESSION_LOOP:
            return DnsFinding.RESPONSE_COMPRESSION_LOOP.finding(
                "the reply for " + what + " has a compression-pointer loop: " + ex.error(),
                server,
                error);
          case COUNT_MISMATCH:
            return DnsFinding.RESPONSE_COUNT_MISMATCH.finding(
                "the reply for " + what + " is shorter than its record counts: " + ex.error(),
                server,
                error);
          case TCP_LENGTH_MISMATCH:
            return DnsFinding.TCP_LENGTH_MISMATCH.finding(
                "the TCP reply for " + what + " was cut short: " + ex.error(), server, error);
          default:
            return DnsFinding.MALFORMED_RESPONSE.finding(
                "unreadable reply for " + what + ": " + ex.error(), server);
        }
      default:
        int rc = ex.rcode();
        if (rc == Rcode.SERVFAIL) {
          return DnsFinding.SERVFAIL.finding("SERVFAIL for " + what, server);
        }
        if (rc == Rcode.REFUSED) {
          return DnsFinding.REFUSED.finding("REFUSED for " + what, server);
        }
        return DnsFinding.RCODE_ERROR.finding(Rcode.string(rc) + " for " + what, server);
    }
  }

  /** For an address lookup: adds the failure's own finding when it names what the server did. */
  private void specificFailure(DnsExchange ex, String host, List<Finding> out) {
    if (ex.problem() != DnsExchange.Problem.NONE
        || (ex.truncatedRetry() && ex.status() != DnsExchange.Status.ANSWER)) {
      out.add(failureFinding(ex, host + " " + familyText()));
    }
  }

  private static String hostPort(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + "#" + a.getPort();
  }

  private static String lower(Name n) {
    return n.toString(true).toLowerCase(Locale.ROOT);
  }

  private static Name toName(String ascii) {
    try {
      return Name.fromString(ascii, Name.root);
    } catch (TextParseException e) {
      // DomainName already checked the syntax; dnsjava disagreeing is our bug.
      throw new IllegalStateException("dnsjava rejected a checked name: " + ascii, e);
    }
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

  /**
   * Pulls input lazily and keeps at most maxInFlight resolutions running. Resolutions complete (on
   * the transport's thread) into a queue the consumer takes from; the queue never holds more than
   * maxInFlight reports, because a new domain is only read when a report was taken, which is the
   * back-pressure: memory is bounded by maxInFlight, not by the input.
   */
  private final class BulkIterator implements Iterator<MxReport> {
    private final Iterator<String> input;
    private final int maxInFlight;

    /** Reports, or the Throwable of a resolution that failed with a bug. */
    private final BlockingQueue<Object> done;

    private int inFlight;
    private volatile boolean closed;

    BulkIterator(Iterator<String> input, int maxInFlight) {
      this.input = input;
      this.maxInFlight = maxInFlight;
      this.done = new ArrayBlockingQueue<>(maxInFlight);
    }

    void close() {
      closed = true;
    }

    @Override
    public boolean hasNext() {
      fill();
      return inFlight > 0;
    }

    @Override
    public MxReport next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Object o;
      try {
        o = done.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("interrupted while waiting for MX reports");
      }
      inFlight--;
      if (o instanceof Throwable t) {
        Throwable cause =
            t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof RuntimeException re) {
          throw re;
        }
        if (cause instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException(cause);
      }
      return (MxReport) o;
    }

    private void fill() {
      while (!closed && inFlight < maxInFlight && input.hasNext()) {
        String raw = input.next();
        inFlight++;
        DomainName name;
        try {
          name = DomainName.of(raw);
        } catch (IllegalArgumentException | NullPointerException e) {
          done.add(invalid(String.valueOf(raw), e.getMessage()));
          continue;
        }
        CompletableFuture<MxReport> f;
        try {
          f = new Resolution(name).run();
        } catch (RuntimeException e) {
          done.add(e);
          continue;
        }
        // Never blocks: at most maxInFlight items exist, and the queue holds that many.
        f.whenComplete((r, t) -> done.add(r != null ? r : t));
      }
    }
  }

  private static MxReport invalid(String raw, String why) {
    String shown = raw.replace("\r", "\\r").replace("\n", "\\n");
    return MxReport.builder()
        .domain(shown)
        .addFinding(DnsFinding.INVALID_NAME.finding(why, Evidence.of("input", shown)))
        .outcome(Outcome.FAIL)
        .build();
  }
}
