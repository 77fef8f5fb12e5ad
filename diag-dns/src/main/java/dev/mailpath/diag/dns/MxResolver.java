package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DiagEventListener;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.internal.Checks;
import dev.mailpath.diag.dns.internal.DnsExchange;
import dev.mailpath.diag.dns.internal.DnsTransport;
import dev.mailpath.diag.dns.internal.ParallelTasks;
import dev.mailpath.diag.dns.internal.QueryEngine;
import dev.mailpath.diag.dns.internal.SocketDnsTransport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Answers "where does mail for this domain go?" the way a sending MTA would (RFC 5321 §5.1):
 * MX records in preference order, random among equal preferences, the implicit MX when there is
 * none, the null MX of RFC 7505, and each exchange's IPv4 and IPv6 addresses, with findings for
 * everything that is wrong.
 *
 * <pre>{@code
 * MxResolver resolver = MxResolver.builder()
 *     .server(new InetSocketAddress("127.0.0.1", 5353))   // like nslookup's "server"
 *     .timeout(Duration.ofSeconds(2))
 *     .build();
 * MxReport report = resolver.resolve("example.org");
 * report.exchanges();   // [10 mx1.example.org [192.0.2.1], 20 mx2.example.org [...]]
 * report.findings();    // e.g. [dns.mx.dangling ERROR ...]
 * }</pre>
 *
 * <p>Built on dnsjava's message classes and this library's own transport, not on dnsjava's
 * {@code Lookup}: no global cache, no search path, no hidden retries; every query is in the
 * report with the server that answered.
 *
 * <p><b>Errors.</b> NXDOMAIN, SERVFAIL, timeouts, null MX, dangling exchanges and the like are
 * findings in a normally returned report. Only misuse throws: a malformed domain is an {@link
 * IllegalArgumentException} before any query is sent. In bulk calls a malformed name becomes a
 * report with a {@code dns.invalid-name} finding instead, so one bad line does not abort a run.
 *
 * <p>Immutable and thread-safe once built; one instance serves any number of calls.
 */
public final class MxResolver {
  private static final int MAX_CNAME_HOPS = 8;

  private final List<InetSocketAddress> servers;
  private final Duration timeout;
  private final int retries;
  private final boolean tcpOnly;
  private final boolean edns;
  private final boolean recursionDesired;
  private final AddressFamily addressFamily;
  private final DiagEnvironment environment;
  private final DnsTransport transport;
  private final QueryEngine engine;

  private MxResolver(Builder b) {
    this.servers = b.servers.isEmpty() ? systemServers() : List.copyOf(b.servers);
    this.timeout = b.timeout;
    this.retries = b.retries;
    this.tcpOnly = b.tcpOnly;
    this.edns = b.edns;
    this.recursionDesired = b.recursionDesired;
    this.addressFamily = b.addressFamily;
    this.environment = b.environment;
    this.transport = b.transport != null ? b.transport : new SocketDnsTransport(environment.timeSource());
    this.engine =
        new QueryEngine(
            transport, servers, timeout, retries, tcpOnly, edns, recursionDesired, environment.random());
  }

  private static List<InetSocketAddress> systemServers() {
    // dnsjava reads /etc/resolv.conf (or the dns.server system property) here; we only take the
    // server list from it, never its search path or cache.
    List<InetSocketAddress> s = ResolverConfig.getCurrentConfig().servers();
    if (s.isEmpty()) {
      throw new IllegalStateException(
          "no system DNS servers found; name one with MxResolver.builder().server(...)");
    }
    return List.copyOf(s);
  }

  /**
   * Starts configuring a resolver.
   *
   * @return a new builder with defaults: the system's resolvers, 5 s timeout, 1 retry, UDP with
   *     TCP fallback, EDNS on, RD set, IPv4 and IPv6, the system environment
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this resolver's settings, to derive a variant.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.servers.addAll(servers);
    b.timeout = timeout;
    b.retries = retries;
    b.tcpOnly = tcpOnly;
    b.edns = edns;
    b.recursionDesired = recursionDesired;
    b.addressFamily = addressFamily;
    b.environment = environment;
    b.transport = transport;
    return b;
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
   * Returns the per-attempt timeout.
   *
   * @return the timeout
   */
  public Duration timeout() {
    return timeout;
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
   */
  public MxReport resolve(DomainName domain) {
    requireNonNull(domain, "domain");
    return new Resolution(domain).run();
  }

  /**
   * Finds the mail exchanges of a domain without blocking the caller.
   *
   * @param domain the domain
   * @return a future of the report; it never completes exceptionally for DNS failures
   * @throws IllegalArgumentException at once when the domain is malformed
   */
  public CompletableFuture<MxReport> resolveAsync(String domain) {
    DomainName name = DomainName.of(domain);
    return CompletableFuture.supplyAsync(() -> resolve(name), environment.executor());
  }

  /**
   * Resolves many domains with at most {@code maxInFlight} at once, streaming reports back in
   * completion order (not input order). The input is read lazily and results are handed over as
   * the stream is consumed, so memory stays flat however many domains there are: a slow consumer
   * slows the resolution down (back-pressure). A malformed name becomes a report with a {@code
   * dns.invalid-name} finding.
   *
   * <pre>{@code
   * try (Stream<MxReport> reports = resolver.resolveAll(domains, 200)) {
   *   reports.filter(r -> r.outcome() == Outcome.FAIL).forEach(System.out::println);
   * }
   * }</pre>
   *
   * @param domains the domains; iterated once, lazily
   * @param maxInFlight how many resolutions run at once (1 to 10,000)
   * @return a sequential stream of reports
   */
  public Stream<MxReport> resolveAll(Iterable<String> domains, int maxInFlight) {
    requireNonNull(domains, "domains");
    Checks.range("maxInFlight", maxInFlight, 1, 10_000);
    BulkIterator it = new BulkIterator(domains.iterator(), maxInFlight);
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(it, Spliterator.NONNULL | Spliterator.ORDERED), false);
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
   * Looks up the IPv4 and IPv6 addresses of a host, following CNAMEs; used by diag-smtp to
   * connect to a host name through the caller's DNS servers rather than the JDK's system lookup.
   *
   * @param host the host name
   * @return the addresses and findings
   * @throws IllegalArgumentException when the host name is malformed
   */
  public AddressReport addresses(String host) {
    DomainName name = DomainName.of(host);
    List<DnsLookup> lookups = Collections.synchronizedList(new ArrayList<>());
    DiagEventListener listener = environment.eventListenerFactory().create("addresses " + name);
    HostAddresses h = lookupAddresses(toName(name.ascii()), lookups::add, listener);
    List<Finding> findings = new ArrayList<>();
    if (h.nxdomain) {
      findings.add(DnsFinding.NXDOMAIN.finding(name.ascii() + " does not exist"));
    } else if (h.failure != null) {
      findings.add(failureFinding(h.failure, name.ascii()));
    }
    return new AddressReport(
        name.ascii(),
        h.addresses,
        java.util.Optional.ofNullable(h.canonical),
        new ArrayList<>(lookups),
        findings);
  }

  /**
   * Looks up the PTR names of an address and checks which resolve back to it (forward-confirmed
   * reverse DNS).
   *
   * @param address an IPv4 or IPv6 address
   * @return the names and findings
   */
  public ReverseReport reverse(InetAddress address) {
    requireNonNull(address, "address");
    List<DnsLookup> lookups = Collections.synchronizedList(new ArrayList<>());
    DiagEventListener listener =
        environment.eventListenerFactory().create("reverse " + address.getHostAddress());
    Name ptrName = ReverseMap.fromAddress(address);
    DnsExchange ex = engine.ask(ptrName, Type.PTR, lookups::add, listener);
    List<Finding> findings = new ArrayList<>();
    List<String> names = new ArrayList<>();
    if (ex.status() != DnsExchange.Status.ANSWER || (ex.rcode() != Rcode.NOERROR && ex.rcode() != Rcode.NXDOMAIN)) {
      findings.add(failureFinding(ex, ptrName.toString(true)));
      return new ReverseReport(address, names, List.of(), new ArrayList<>(lookups), findings);
    }
    Name owner = followCname(ex.response(), ptrName);
    for (org.xbill.DNS.Record r : ex.response().getSection(Section.ANSWER)) {
      if (r instanceof PTRRecord p && r.getName().equals(owner)) {
        String n = lower(p.getTarget());
        if (!names.contains(n)) {
          names.add(n);
        }
      }
    }
    List<String> confirmed = new ArrayList<>();
    if (names.isEmpty()) {
      findings.add(
          DnsFinding.PTR_NONE.finding(
              address.getHostAddress() + " has no PTR record",
              Evidence.of("query", ptrName.toString(true) + " PTR"),
              Evidence.of("rcode", Rcode.string(ex.rcode()))));
    } else {
      List<Supplier<HostAddresses>> tasks = new ArrayList<>();
      for (String n : names) {
        tasks.add(() -> lookupAddresses(toName(n), lookups::add, listener));
      }
      List<HostAddresses> results = ParallelTasks.run(environment.executor(), tasks);
      for (int i = 0; i < names.size(); i++) {
        if (results.get(i).addresses.contains(address)) {
          confirmed.add(names.get(i));
        }
      }
      if (confirmed.isEmpty()) {
        findings.add(
            DnsFinding.PTR_NOT_CONFIRMED.finding(
                address.getHostAddress() + " has PTR " + names + ", but no such name resolves back to it",
                Evidence.of("ptr", String.join(", ", names))));
      }
    }
    return new ReverseReport(address, names, confirmed, new ArrayList<>(lookups), findings);
  }

  // ---------------------------------------------------------------------------------------------

  /** One MX resolution; holds the per-call state so the resolver itself stays immutable. */
  private final class Resolution {
    final DomainName domain;
    final long start = environment.timeSource().nanoTime();
    final List<DnsLookup> lookups = Collections.synchronizedList(new ArrayList<>());
    final List<Finding> findings = new ArrayList<>();
    final MxReport.Builder report = MxReport.builder();
    final DiagEventListener listener;

    Resolution(DomainName domain) {
      this.domain = domain;
      this.listener = environment.eventListenerFactory().create("mx " + domain.ascii());
      report.domain(domain.given()).asciiDomain(domain.ascii());
    }

    MxReport run() {
      Name name = toName(domain.ascii());
      DnsExchange ex = engine.ask(name, Type.MX, lookups::add, listener);
      if (ex.status() != DnsExchange.Status.ANSWER) {
        findings.add(failureFinding(ex, domain.ascii() + " MX"));
        return finish(Outcome.INCONCLUSIVE);
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
        return finish(null);
      }
      if (rcode != Rcode.NOERROR) {
        findings.add(failureFinding(ex, domain.ascii() + " MX"));
        return finish(rcode == Rcode.SERVFAIL ? null : Outcome.INCONCLUSIVE);
      }
      noteNonAuthoritative(aa, ex);
      Name owner = followCname(msg, name);
      List<MXRecord> mx = new ArrayList<>();
      for (org.xbill.DNS.Record r : msg.getSection(Section.ANSWER)) {
        if (r instanceof MXRecord m && r.getName().equals(owner)) {
          mx.add(m);
        }
      }
      if (mx.isEmpty()) {
        return implicitMx(owner);
      }
      return exchanges(mx);
    }

    private MxReport implicitMx(Name owner) {
      // RFC 5321 §5.1: without MX records, the domain itself is the exchange, preference 0.
      HostAddresses h = lookupAddresses(owner, lookups::add, listener);
      if (!h.addresses.isEmpty()) {
        report.implicitMx(true);
        report.addExchange(new MailExchange(lower(owner), 0, Duration.ZERO, h.addresses));
        findings.add(
            DnsFinding.IMPLICIT_MX.finding(
                domain.ascii() + " has no MX records; mail goes to its own address "
                    + h.addresses.stream().map(InetAddress::getHostAddress).toList()));
        return finish(null);
      }
      if (h.failure != null) {
        findings.add(
            DnsFinding.ADDRESS_LOOKUP_FAILED.finding(
                "no MX records, and the address lookup for " + lower(owner) + " failed: "
                    + QueryEngine.rcodeName(h.failure)));
        return finish(Outcome.INCONCLUSIVE);
      }
      findings.add(
          DnsFinding.NO_MX.finding(
              domain.ascii() + " has neither MX records nor an A/AAAA record"));
      return finish(null);
    }

    private MxReport exchanges(List<MXRecord> records) {
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
                  host + " is listed at preferences " + previous.getPriority() + " and " + m.getPriority(),
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
          return finish(null);
        }
        findings.add(
            DnsFinding.NULL_MX_MIXED.finding(
                domain.ascii() + " has a null MX and " + byHost.size() + " other MX record(s)"));
      }
      List<MXRecord> ordered = deliveryOrder(new ArrayList<>(byHost.values()));
      List<Supplier<MailExchange>> tasks = new ArrayList<>();
      for (MXRecord m : ordered) {
        tasks.add(() -> exchange(m));
      }
      for (MailExchange e : ParallelTasks.run(environment.executor(), tasks)) {
        report.addExchange(e);
      }
      return finish(null);
    }

    private MailExchange exchange(MXRecord m) {
      String host = lower(m.getTarget());
      Duration ttl = Duration.ofSeconds(m.getTTL());
      if (looksLikeAddress(m.getTarget())) {
        synchronized (findings) {
          findings.add(
              DnsFinding.MX_IP_LITERAL.finding(
                  "MX " + m.getPriority() + " names " + host + ", which is an address, not a host name",
                  Evidence.of("record", m.rdataToString())));
        }
        return new MailExchange(host, m.getPriority(), ttl, List.of());
      }
      HostAddresses h = lookupAddresses(m.getTarget(), lookups::add, listener);
      synchronized (findings) {
        if (h.canonical != null) {
          findings.add(
              DnsFinding.MX_CNAME_TARGET.finding(
                  "MX " + m.getPriority() + " " + host + " is an alias for " + h.canonical,
                  Evidence.of("record", m.rdataToString())));
        }
        if (h.addresses.isEmpty()) {
          if (h.failure != null) {
            findings.add(
                DnsFinding.ADDRESS_LOOKUP_FAILED.finding(
                    "the address lookup for " + host + " failed: " + QueryEngine.rcodeName(h.failure),
                    Evidence.of("server", hostPort(h.failure.server()))));
          } else {
            findings.add(
                DnsFinding.MX_DANGLING.finding(
                    "MX " + m.getPriority() + " " + host + " has no "
                        + (addressFamily == AddressFamily.BOTH ? "A or AAAA" : addressFamily == AddressFamily.IPV4 ? "A" : "AAAA")
                        + " record" + (h.nxdomain ? " (the name does not exist)" : ""),
                    Evidence.of("record", m.rdataToString())));
          }
        }
      }
      return new MailExchange(host, m.getPriority(), ttl, h.addresses);
    }

    private List<MXRecord> deliveryOrder(List<MXRecord> list) {
      // RFC 5321 §5.1: ascending preference; hosts of equal preference in random order, so
      // that load spreads the way senders spread it. Servers rotate RRsets between answers, so
      // sort by name first: the same seed then always gives the same order.
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

    private MxReport finish(Outcome outcome) {
      List<DnsLookup> all = new ArrayList<>(lookups);
      for (DnsLookup l : all) {
        if (l.truncatedRetry()) {
          findings.add(
              DnsFinding.TRUNCATED_TCP_RETRY.finding(
                  "the UDP answer for " + l.name() + " " + l.type() + " was truncated; TCP was used",
                  Evidence.of("server", hostPort(l.server()))));
          break;
        }
      }
      all.forEach(report::addLookup);
      findings.forEach(report::addFinding);
      report.elapsed(Duration.ofNanos(environment.timeSource().nanoTime() - start));
      if (outcome != null) {
        report.outcome(outcome);
      }
      return report.build();
    }
  }

  /** The addresses of one host, or why there are none. */
  private static final class HostAddresses {
    final List<InetAddress> addresses = new ArrayList<>();
    String canonical;
    boolean nxdomain;
    DnsExchange failure;
  }

  private HostAddresses lookupAddresses(Name host, Consumer<DnsLookup> sink, DiagEventListener listener) {
    List<Supplier<HostAddresses>> tasks = new ArrayList<>();
    if (addressFamily.includesIpv4()) {
      tasks.add(() -> lookupFamily(host, Type.A, sink, listener));
    }
    if (addressFamily.includesIpv6()) {
      tasks.add(() -> lookupFamily(host, Type.AAAA, sink, listener));
    }
    HostAddresses merged = new HostAddresses();
    boolean allNx = true;
    for (HostAddresses h : ParallelTasks.run(environment.executor(), tasks)) {
      merged.addresses.addAll(h.addresses);
      if (h.canonical != null) {
        merged.canonical = h.canonical;
      }
      if (h.failure != null && merged.failure == null) {
        merged.failure = h.failure;
      }
      allNx &= h.nxdomain;
    }
    merged.nxdomain = allNx;
    return merged;
  }

  private HostAddresses lookupFamily(Name host, int type, Consumer<DnsLookup> sink, DiagEventListener listener) {
    HostAddresses h = new HostAddresses();
    Name current = host;
    // An authoritative server answers a CNAME for a target in another zone without chasing it,
    // so follow the chain ourselves, a bounded number of hops (loops end here too).
    for (int hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
      DnsExchange ex = engine.ask(current, type, sink, listener);
      if (ex.status() != DnsExchange.Status.ANSWER) {
        h.failure = ex;
        return h;
      }
      if (ex.rcode() == Rcode.NXDOMAIN) {
        h.nxdomain = true;
        return h;
      }
      if (ex.rcode() != Rcode.NOERROR) {
        h.failure = ex;
        return h;
      }
      Name owner = followCname(ex.response(), current);
      if (!owner.equals(host)) {
        h.canonical = lower(owner);
      }
      for (org.xbill.DNS.Record r : ex.response().getSection(Section.ANSWER)) {
        if (!r.getName().equals(owner)) {
          continue;
        }
        if (r instanceof ARecord a) {
          h.addresses.add(a.getAddress());
        } else if (r instanceof AAAARecord a) {
          h.addresses.add(a.getAddress());
        }
      }
      if (!h.addresses.isEmpty() || owner.equals(current) || hasRecordOfType(ex.response(), owner, type)) {
        return h;
      }
      current = owner;
    }
    return h;
  }

  private static boolean hasRecordOfType(Message m, Name owner, int type) {
    for (org.xbill.DNS.Record r : m.getSection(Section.ANSWER)) {
      if (r.getName().equals(owner) && r.getType() == type) {
        return true;
      }
    }
    return false;
  }

  /** Follows CNAME records in the answer section from {@code name}, a bounded number of hops. */
  private static Name followCname(Message m, Name name) {
    Name current = name;
    List<org.xbill.DNS.Record> answer = m.getSection(Section.ANSWER);
    for (int hop = 0; hop < MAX_CNAME_HOPS; hop++) {
      Name next = null;
      for (org.xbill.DNS.Record r : answer) {
        if (r instanceof CNAMERecord c && r.getName().equals(current)) {
          next = c.getTarget();
          break;
        }
      }
      if (next == null || next.equals(name)) {
        return current;
      }
      current = next;
    }
    return current;
  }

  /** An MX target such as {@code 192.0.2.1.} or {@code 192.0.2.1.example.org.} (no final dot). */
  private static boolean looksLikeAddress(Name target) {
    if (target.labels() < 5) {
      return false;
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

  private Finding failureFinding(DnsExchange ex, String what) {
    Evidence server = Evidence.of("server", hostPort(ex.server()));
    switch (ex.status()) {
      case TIMEOUT:
        return DnsFinding.TIMEOUT.finding(
            "no answer for " + what + " from " + servers.size() + " server(s) within " + timeout.toMillis()
                + " ms (" + (retries + 1) + " round(s))",
            server,
            Evidence.of("ignored-replies", ex.ignoredReplies()));
      case NETWORK_ERROR:
        return DnsFinding.NETWORK_ERROR.finding("query for " + what + " failed: " + ex.error(), server);
      case MALFORMED:
        return DnsFinding.MALFORMED_RESPONSE.finding("unreadable reply for " + what + ": " + ex.error(), server);
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

  /** Pulls input lazily and keeps at most maxInFlight resolutions running. */
  private final class BulkIterator implements Iterator<MxReport> {
    private final Iterator<String> input;
    private final int maxInFlight;
    private final BlockingQueue<MxReport> done;
    private int inFlight;

    BulkIterator(Iterator<String> input, int maxInFlight) {
      this.input = input;
      this.maxInFlight = maxInFlight;
      this.done = new ArrayBlockingQueue<>(maxInFlight);
    }

    @Override
    public boolean hasNext() {
      fill();
      return inFlight > 0;
    }

    @Override
    public MxReport next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      try {
        MxReport r = done.take();
        inFlight--;
        return r;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("interrupted while waiting for MX reports");
      }
    }

    private void fill() {
      while (inFlight < maxInFlight && input.hasNext()) {
        String raw = input.next();
        inFlight++;
        DomainName name;
        try {
          name = DomainName.of(raw);
        } catch (IllegalArgumentException | NullPointerException e) {
          done.add(invalid(String.valueOf(raw), e.getMessage()));
          continue;
        }
        environment
            .executor()
            .execute(
                () -> {
                  MxReport r;
                  try {
                    r = resolve(name);
                  } catch (CancellationException e) {
                    r = MxReport.builder().domain(name.given()).asciiDomain(name.ascii())
                        .outcome(Outcome.INCONCLUSIVE).build();
                  }
                  done.add(r);
                });
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

  /**
   * Configures an {@link MxResolver}. Not thread-safe; setters validate at once and name the bad
   * parameter.
   */
  public static final class Builder {
    private final List<InetSocketAddress> servers = new ArrayList<>();
    private Duration timeout = Duration.ofSeconds(5);
    private int retries = 1;
    private boolean tcpOnly;
    private boolean edns = true;
    private boolean recursionDesired = true;
    private AddressFamily addressFamily = AddressFamily.BOTH;
    private DiagEnvironment environment = DiagEnvironment.system();
    private DnsTransport transport;

    private Builder() {}

    /**
     * Asks only this server (replacing any set before), like nslookup's {@code server} command;
     * any port is allowed.
     *
     * @param server an address with port, for example {@code 127.0.0.1:5353}
     * @return this builder
     */
    public Builder server(InetSocketAddress server) {
      servers.clear();
      return addServer(server);
    }

    /**
     * Adds a server to try after those already set.
     *
     * @param server an address with port
     * @return this builder
     * @throws IllegalArgumentException when the address is unresolved
     */
    public Builder addServer(InetSocketAddress server) {
      requireNonNull(server, "server");
      if (server.isUnresolved()) {
        throw new IllegalArgumentException(
            "server must be an IP address, not an unresolved name: " + server.getHostString());
      }
      servers.add(server);
      return this;
    }

    /**
     * Sets the servers to ask, in order; an empty list means the system's resolvers.
     *
     * @param servers the servers
     * @return this builder
     */
    public Builder servers(List<InetSocketAddress> servers) {
      this.servers.clear();
      servers.forEach(this::addServer);
      return this;
    }

    /**
     * Sets how long to wait for each attempt (UDP plus the TCP retry of a truncated answer).
     *
     * @param timeout a positive duration; default 5 s
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Checks.positive("timeout", timeout);
      return this;
    }

    /**
     * Sets how many more times the whole server list is tried after the first round.
     *
     * @param retries 0 to 10; default 1
     * @return this builder
     */
    public Builder retries(int retries) {
      this.retries = Checks.range("retries", retries, 0, 10);
      return this;
    }

    /**
     * Asks over TCP only, instead of UDP with a TCP retry when the answer is truncated.
     *
     * @param tcpOnly {@code true} for TCP only; default {@code false}
     * @return this builder
     */
    public Builder tcpOnly(boolean tcpOnly) {
      this.tcpOnly = tcpOnly;
      return this;
    }

    /**
     * Turns EDNS(0) on or off; on, queries advertise a 1,232-byte UDP payload.
     *
     * @param edns default {@code true}
     * @return this builder
     */
    public Builder edns(boolean edns) {
      this.edns = edns;
      return this;
    }

    /**
     * Sets the RD flag; clear it to ask an authoritative server for exactly what it holds.
     *
     * @param recursionDesired default {@code true}
     * @return this builder
     */
    public Builder recursionDesired(boolean recursionDesired) {
      this.recursionDesired = recursionDesired;
      return this;
    }

    /**
     * Limits address lookups to one family.
     *
     * @param addressFamily default {@link AddressFamily#BOTH}
     * @return this builder
     */
    public Builder addressFamily(AddressFamily addressFamily) {
      this.addressFamily = requireNonNull(addressFamily, "addressFamily");
      return this;
    }

    /**
     * Sets the environment: clock, executor, random source (seed it for a reproducible order
     * among equal preferences) and event listeners.
     *
     * @param environment the environment
     * @return this builder
     */
    public Builder environment(DiagEnvironment environment) {
      this.environment = requireNonNull(environment, "environment");
      return this;
    }

    /**
     * Changes some seams of the environment.
     *
     * @param changes edits to the environment builder
     * @return this builder
     */
    public Builder environment(Consumer<DiagEnvironment.Builder> changes) {
      this.environment = environment.with(changes);
      return this;
    }

    /**
     * Sets the random source, for a reproducible order among exchanges of equal preference.
     *
     * @param random a thread-safe random source
     * @return this builder
     */
    public Builder random(java.util.random.RandomGenerator random) {
      requireNonNull(random, "random");
      this.environment = environment.with(e -> e.random(random));
      return this;
    }

    /**
     * Builds the resolver.
     *
     * @return an immutable, thread-safe resolver
     * @throws IllegalStateException when no server was set and the system has none
     */
    public MxResolver build() {
      return new MxResolver(this);
    }
  }
}
