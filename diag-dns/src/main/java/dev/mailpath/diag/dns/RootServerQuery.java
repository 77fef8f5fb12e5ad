package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DiagEventListener;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.internal.Addresses;
import dev.mailpath.diag.core.internal.Checks;
import dev.mailpath.diag.dns.internal.AsyncLimiter;
import dev.mailpath.diag.dns.internal.CallScope;
import dev.mailpath.diag.dns.internal.Futures;
import dev.mailpath.diag.dns.internal.NioDnsTransport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.xbill.DNS.Name;

/**
 * Asks every root server the same question at once, without recursion, the way the field guide asks
 * a root with nslookup ("server" set to a root, then the domain): to see what the top of the DNS
 * tells every sender about a domain, and whether the roots reachable from here behave like roots.
 *
 * <pre>{@code
 * RootServerQuery roots = RootServerQuery.builder()
 *     .addressFamily(AddressFamily.IPV4)
 *     .dns(d -> d.timeout(Duration.ofSeconds(2)))
 *     .build();
 * RootServerReport r = roots.ask("example.org", RecordType.MX);
 * System.out.println(r);        // a table: root, address, rtt, rcode, flags, serial, referral, NSID
 * r.findings();                 // e.g. [dns.root.unreachable WARNING "B-root ... did not answer"]
 *
 * PrimingReport p = roots.prime();                            // RFC 9609: are the hints current?
 * TraceReport t = roots.trace("example.org", RecordType.MX);  // like dig +trace
 * }</pre>
 *
 * <p><b>What is asked.</b> For every root in the {@link RootHints} (IANA's thirteen by default),
 * every address of the chosen families, over UDP and optionally also TCP: the question with RD
 * clear, and a second query for the root zone's SOA serial (a referral carries none), both with the
 * NSID option so each root names the anycast instance that answered. All queries are in flight
 * together (up to {@link Builder#maxInFlight(int)}), so a call takes about as long as the slowest
 * root.
 *
 * <p><b>Findings.</b> Unreachable roots (one finding per root address, or one per family when a
 * whole family fails, or one when nothing answers), roots that disagree on the serial or the
 * referral, roots much slower than the rest (RSSAC047's 250 ms UDP / 500 ms TCP as the bar), and
 * "roots" that offer recursion, answer for names they should refer, or answer with error codes:
 * signs that something on the path intercepts DNS. See {@link RootFinding}.
 *
 * <p><b>Errors.</b> Every network fault is a finding in a normally returned report. Only misuse
 * throws: a malformed name or unaskable type is an {@link IllegalArgumentException}; interruption a
 * {@link CancellationException}.
 *
 * <p>Immutable and thread-safe once built; one instance serves any number of calls. Queries run on
 * the non-blocking DNS transport, so an event listener's DNS methods are called from its I/O
 * thread; async results complete on the environment's executor.
 */
public final class RootServerQuery {
  /** RSSAC047 v2 §4.4: the latency thresholds of a root server's service. */
  static final Duration RSSAC047_UDP = Duration.ofMillis(250);

  static final Duration RSSAC047_TCP = Duration.ofMillis(500);

  /** How many times the median a root's round trip must be before it counts as "much slower". */
  private static final int SLOW_FACTOR = 3;

  /** The defaults of a root query: 2 s per attempt, 1 retry. */
  private static final DnsSettings DEFAULT_DNS =
      DnsSettings.builder().timeout(Duration.ofSeconds(2)).retries(1).build();

  private final RootHints hints;
  private final AddressFamily addressFamily;
  private final DnsSettings dns;
  private final boolean alsoTcp;
  private final boolean nsid;
  private final int maxInFlight;
  private final Duration slowUdp;
  private final Duration slowTcp;
  private final DiagEnvironment environment;
  private final DnsQuery query;

  private RootServerQuery(Builder b) {
    this.hints = b.hints;
    this.addressFamily = b.addressFamily;
    this.dns = b.dns;
    this.alsoTcp = b.alsoTcp;
    this.nsid = b.nsid;
    this.maxInFlight = b.maxInFlight;
    this.slowUdp = b.slowUdp;
    this.slowTcp = b.slowTcp;
    this.environment = b.environment;
    // The roots come from the hints, never from the settings' servers.
    this.query =
        DnsQuery.builder()
            .recursionDesired(false)
            .dns(dns.toBuilder().servers(List.of()).build())
            .nsid(nsid)
            .environment(environment)
            .build();
  }

  /**
   * Starts configuring a root query.
   *
   * @return a new builder with defaults: IANA hints, IPv4 and IPv6, UDP only, 2 s timeout, 1 retry,
   *     NSID on, 64 queries in flight, RSSAC047 slowness bars, the system environment
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this query's settings.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.hints = hints;
    b.addressFamily = addressFamily;
    b.dns = dns;
    b.alsoTcp = alsoTcp;
    b.nsid = nsid;
    b.maxInFlight = maxInFlight;
    b.slowUdp = slowUdp;
    b.slowTcp = slowTcp;
    b.environment = environment;
    return b;
  }

  /** The transport, for tests that check what a cancelled call leaves on the wire. */
  NioDnsTransport transport() {
    return query.transport();
  }

  /**
   * Returns the hints asked.
   *
   * @return the hints
   */
  public RootHints hints() {
    return hints;
  }

  /**
   * Asks every root the question, without recursion.
   *
   * @param name a domain name ({@code example.org}) or {@code .} for the root zone itself
   * @param type the record type
   * @return the report; unreachable and misbehaving roots are findings in it
   * @throws IllegalArgumentException when the name is malformed or the type cannot be asked
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public RootServerReport ask(String name, RecordType type) {
    return Futures.await(askAsync(name, type));
  }

  /**
   * Asks every root without blocking the caller. The queries go out at once; the future completes
   * on the environment's executor, and cancelling it cancels the queries still in flight.
   *
   * @param name a domain name or {@code .}
   * @param type the record type
   * @return a future of the report; it never completes exceptionally for network faults
   * @throws IllegalArgumentException at once when the name or type is bad
   */
  public CompletableFuture<RootServerReport> askAsync(String name, RecordType type) {
    Name qname = DnsQuery.toName(name);
    DnsQuery.checkType(type);
    DiagEventListener listener =
        environment.eventListenerFactory().create("roots " + qname + " " + type);
    CallScope scope = new CallScope(environment.timeSource(), dns.deadline());
    return scope.publish(
        askAll(scope, qname, type, listener)
            .thenApply(
                report -> {
                  report.findings().forEach(listener::finding);
                  return report;
                }),
        environment.executor());
  }

  /**
   * Sends the priming query (RFC 9609, which replaced RFC 8109) to every hinted root: {@code . NS}
   * with RD clear and EDNS, and compares the live root server names and addresses with the hints.
   *
   * @return the report; stale hints, failed or incomplete priming are findings in it
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public PrimingReport prime() {
    return Futures.await(primeAsync());
  }

  /**
   * Primes without blocking the caller; the future completes on the environment's executor, and
   * cancelling it cancels the queries still in flight.
   *
   * @return a future of the report
   */
  public CompletableFuture<PrimingReport> primeAsync() {
    DiagEventListener listener = environment.eventListenerFactory().create("prime");
    CallScope scope = new CallScope(environment.timeSource(), dns.deadline());
    return scope.publish(
        askAll(scope, Name.root, RecordType.NS, listener)
            .thenApply(
                roots -> {
                  PrimingReport.Builder b = PrimingReport.builder().hints(hints).roots(roots);
                  roots.findings().forEach(b::addFinding);
                  new Priming(roots, b).run();
                  PrimingReport report = b.build();
                  report.findings().stream()
                      .filter(f -> !roots.findings().contains(f))
                      .forEach(listener::finding);
                  return report;
                }),
        environment.executor());
  }

  /**
   * Follows the delegations from these roots down to the authoritative servers, like {@code dig
   * +trace}, with this query's hints, families, timeout, retries and environment. For labs whose
   * servers listen on other ports, or to compare with a resolver, configure a {@link
   * DelegationTrace} directly.
   *
   * @param name the domain name
   * @param type the record type
   * @return the trace
   * @throws IllegalArgumentException when the name is malformed or the type cannot be asked
   */
  public TraceReport trace(String name, RecordType type) {
    return DelegationTrace.builder()
        .hints(hints)
        .addressFamily(addressFamily)
        .dns(dns.toBuilder().servers(List.of()).tcpOnly(false).build())
        .environment(environment)
        .build()
        .trace(name, type);
  }

  // ------------------------------------------------------------------ asking

  private record Target(RootServer root, InetSocketAddress address, boolean tcp) {}

  private CompletableFuture<RootServerReport> askAll(
      CallScope scope, Name qname, RecordType type, DiagEventListener listener) {
    long start = environment.timeSource().nanoTime();
    Instant at = environment.timeSource().instant();
    List<Target> targets = new ArrayList<>();
    for (RootServer root : hints.servers()) {
      for (InetSocketAddress a : root.addresses(addressFamily)) {
        if (!dns.tcpOnly()) {
          targets.add(new Target(root, a, false));
        }
        if (alsoTcp || dns.tcpOnly()) {
          targets.add(new Target(root, a, true));
        }
      }
    }
    boolean soaInMain = qname.equals(Name.root) && type == RecordType.SOA;
    // Two queries per target, all in flight together: wall time is the slowest root's.
    List<Supplier<CompletableFuture<DnsQueryReport>>> tasks = new ArrayList<>();
    for (Target t : targets) {
      tasks.add(() -> query.askAsync(scope, t.address(), qname, type, t.tcp(), listener, l -> {}));
      if (!soaInMain) {
        tasks.add(
            () ->
                query.askAsync(
                    scope, t.address(), Name.root, RecordType.SOA, t.tcp(), listener, l -> {}));
      }
    }
    return AsyncLimiter.run(maxInFlight, tasks)
        .thenApply(replies -> analyse(qname, type, targets, soaInMain, replies, at, start));
  }

  private RootServerReport analyse(
      Name qname,
      RecordType type,
      List<Target> targets,
      boolean soaInMain,
      List<DnsQueryReport> replies,
      Instant at,
      long start) {
    RootServerReport.Builder b =
        RootServerReport.builder()
            .name(qname.toString())
            .type(type)
            .addressFamily(addressFamily)
            .tcp(alsoTcp || dns.tcpOnly())
            .hintsSource(hints.source())
            .startedAt(at);
    int step = soaInMain ? 1 : 2;
    List<RootServerResult> results = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      Target t = targets.get(i);
      DnsQueryReport main = replies.get(i * step);
      Optional<DnsQueryReport> soa =
          soaInMain ? Optional.empty() : Optional.of(replies.get(i * step + 1));
      results.add(new RootServerResult(t.root(), t.address(), t.tcp(), main, soa));
    }
    results.forEach(b::addResult);
    new Analysis(qname, type, results, b).run();
    b.elapsed(Duration.ofNanos(environment.timeSource().nanoTime() - start));
    return b.build();
  }

  // ------------------------------------------------------------------ analysis

  /** Derives the findings of one round of root queries. */
  private final class Analysis {
    final Name qname;
    final RecordType type;
    final List<RootServerResult> results;
    final RootServerReport.Builder report;

    Analysis(
        Name qname,
        RecordType type,
        List<RootServerResult> results,
        RootServerReport.Builder report) {
      this.qname = qname;
      this.type = type;
      this.results = results;
      this.report = report;
    }

    void run() {
      List<RootServerResult> answered =
          results.stream().filter(RootServerResult::answered).toList();
      if (answered.isEmpty()) {
        if (!results.isEmpty()) {
          report.addFinding(
              RootFinding.ALL_UNREACHABLE.finding(
                  "none of "
                      + results.size()
                      + " root server addresses answered within "
                      + dns.timeout().toMillis()
                      + " ms",
                  Evidence.of("first-error", results.get(0).error().orElse("?"))));
        }
        return;
      }
      unreachable(answered);
      for (RootServerResult r : answered) {
        behaviour(r);
      }
      negative(answered);
      serials();
      referrals(answered);
      slow(answered);
    }

    private void unreachable(List<RootServerResult> answered) {
      boolean v4Answered = answered.stream().anyMatch(r -> !r.ipv6());
      boolean v6Answered = answered.stream().anyMatch(RootServerResult::ipv6);
      boolean v4Asked = results.stream().anyMatch(r -> !r.ipv6());
      boolean v6Asked = results.stream().anyMatch(RootServerResult::ipv6);
      boolean v4Dead = v4Asked && !v4Answered;
      boolean v6Dead = v6Asked && !v6Answered;
      if (v4Dead || v6Dead) {
        String family = v6Dead ? "IPv6" : "IPv4";
        RootServerResult first =
            results.stream()
                .filter(r -> r.ipv6() == v6Dead && !r.answered())
                .findFirst()
                .orElseThrow();
        report.addFinding(
            RootFinding.FAMILY_UNREACHABLE.finding(
                "no root server answered over "
                    + family
                    + " while "
                    + (v6Dead ? "IPv4" : "IPv6")
                    + " works",
                Evidence.of("family", family),
                Evidence.of(
                    "example",
                    DnsQueryReport.hostPort(first.address()) + " " + first.error().orElse(""))));
      }
      for (RootServerResult r : results) {
        if (r.answered() || (r.ipv6() ? v6Dead : v4Dead)) {
          continue;
        }
        report.addFinding(
            RootFinding.UNREACHABLE.finding(
                r.letter()
                    + "-root ("
                    + DnsQueryReport.hostPort(r.address())
                    + ", "
                    + proto(r)
                    + ") did not answer: "
                    + r.error().orElse("no reply"),
                Evidence.of("root", r.letter()),
                Evidence.of("server", DnsQueryReport.hostPort(r.address())),
                Evidence.of("attempts", r.response().attempts())));
      }
    }

    private void behaviour(RootServerResult r) {
      Evidence root = Evidence.of("root", r.letter());
      Evidence server = Evidence.of("server", DnsQueryReport.hostPort(r.address()));
      boolean ra =
          r.response().recursionAvailable()
              || r.soaResponse().map(DnsQueryReport::recursionAvailable).orElse(false);
      if (ra) {
        report.addFinding(
            RootFinding.RECURSION_OFFERED.finding(
                r.letter()
                    + "-root ("
                    + DnsQueryReport.hostPort(r.address())
                    + ") set RA (recursion available)",
                root,
                server,
                Evidence.of("flags", flagsText(r.response()))));
      }
      String rcode = r.rcode();
      if (!rcode.equals("NOERROR") && !rcode.equals("NXDOMAIN")) {
        report.addFinding(
            RootFinding.ERROR_RCODE.finding(
                r.letter()
                    + "-root ("
                    + DnsQueryReport.hostPort(r.address())
                    + ") answered "
                    + rcode
                    + " for "
                    + qname
                    + " "
                    + type,
                root,
                server,
                Evidence.of("rcode", rcode)));
      }
      if (rcode.equals("NOERROR")
          && shouldRefer()
          && (!r.answer().isEmpty() || r.response().authoritative())) {
        report.addFinding(
            RootFinding.UNEXPECTED_ANSWER.finding(
                r.letter()
                    + "-root ("
                    + DnsQueryReport.hostPort(r.address())
                    + ") answered "
                    + qname
                    + " "
                    + type
                    + " itself instead of referring it"
                    + (r.answer().isEmpty() ? " (AA set)" : ""),
                root,
                server,
                Evidence.of(
                    "answer", r.answer().isEmpty() ? "(none)" : r.answer().get(0).toString()),
                Evidence.of("flags", flagsText(r.response()))));
      }
      // Root zone data itself comes with AA from a real root.
      List<DnsQueryReport> rootZoneReplies = new ArrayList<>();
      if (qname.equals(Name.root)) {
        rootZoneReplies.add(r.response());
      }
      r.soaResponse().ifPresent(rootZoneReplies::add);
      for (DnsQueryReport z : rootZoneReplies) {
        if (z.answered()
            && z.rcode().equals("NOERROR")
            && !z.answer().isEmpty()
            && !z.authoritative()) {
          report.addFinding(
              RootFinding.NOT_AUTHORITATIVE.finding(
                  r.letter()
                      + "-root ("
                      + DnsQueryReport.hostPort(r.address())
                      + ") answered "
                      + z.name()
                      + " "
                      + z.type()
                      + " without AA",
                  root,
                  server,
                  Evidence.of("flags", flagsText(z))));
          break;
        }
      }
    }

    /** A root holds data only for the root zone itself and DS (with NSEC, RRSIG) at TLD cuts. */
    private boolean shouldRefer() {
      int labels = qname.labels(); // the root counts as one label
      if (labels <= 1) {
        return false;
      }
      if (labels == 2) {
        return type != RecordType.DS && type != RecordType.NSEC && type != RecordType.RRSIG;
      }
      return true;
    }

    private void negative(List<RootServerResult> answered) {
      long nx = answered.stream().filter(r -> r.rcode().equals("NXDOMAIN")).count();
      if (nx > 0 && nx * 2 > answered.size()) {
        String tld =
            qname.labels() >= 2 ? qname.getLabelString(qname.labels() - 2) : qname.toString();
        report.addFinding(
            DnsFinding.NXDOMAIN.finding(
                qname
                    + " does not exist: "
                    + nx
                    + " of "
                    + answered.size()
                    + " root replies say NXDOMAIN (the top-level domain \""
                    + tld
                    + "\" is not in the root zone)",
                Evidence.of("tld", tld)));
      }
    }

    private void serials() {
      Map<Long, List<RootServerResult>> bySerial = new LinkedHashMap<>();
      for (RootServerResult r : results) {
        r.soaSerial().ifPresent(s -> bySerial.computeIfAbsent(s, k -> new ArrayList<>()).add(r));
      }
      if (bySerial.size() < 2) {
        return;
      }
      long consensus =
          bySerial.entrySet().stream()
              .max(
                  Comparator.comparing(
                          (Map.Entry<Long, List<RootServerResult>> e) ->
                              letters(e.getValue()).size())
                      .thenComparing(Map.Entry::getKey))
              .orElseThrow()
              .getKey();
      List<String> reported = new ArrayList<>();
      for (Map.Entry<Long, List<RootServerResult>> e : bySerial.entrySet()) {
        if (e.getKey() == consensus) {
          continue;
        }
        for (RootServerResult r : e.getValue()) {
          if (reported.contains(r.letter() + e.getKey())) {
            continue;
          }
          reported.add(r.letter() + e.getKey());
          report.addFinding(
              RootFinding.SERIAL_MISMATCH.finding(
                  r.letter()
                      + "-root serves root zone serial "
                      + e.getKey()
                      + "; "
                      + letters(bySerial.get(consensus)).size()
                      + " root(s) serve "
                      + consensus,
                  Evidence.of("root", r.letter()),
                  Evidence.of("serial", e.getKey()),
                  Evidence.of("consensus-serial", consensus)));
        }
      }
    }

    private void referrals(List<RootServerResult> answered) {
      Map<Referral, List<RootServerResult>> byReferral = new LinkedHashMap<>();
      for (RootServerResult r : answered) {
        r.referral()
            .ifPresent(ref -> byReferral.computeIfAbsent(ref, k -> new ArrayList<>()).add(r));
      }
      if (byReferral.size() < 2) {
        return;
      }
      Referral consensus =
          byReferral.entrySet().stream()
              .max(Comparator.comparing(e -> letters(e.getValue()).size()))
              .orElseThrow()
              .getKey();
      for (Map.Entry<Referral, List<RootServerResult>> e : byReferral.entrySet()) {
        if (e.getKey().equals(consensus)) {
          continue;
        }
        List<String> reported = new ArrayList<>();
        for (RootServerResult r : e.getValue()) {
          if (reported.contains(r.letter())) {
            continue; // asked over UDP and TCP: one finding per root is enough
          }
          reported.add(r.letter());
          report.addFinding(
              RootFinding.REFERRAL_MISMATCH.finding(
                  r.letter()
                      + "-root ("
                      + DnsQueryReport.hostPort(r.address())
                      + ") refers "
                      + qname
                      + " to "
                      + describe(e.getKey())
                      + "; most roots refer to "
                      + describe(consensus),
                  Evidence.of("root", r.letter()),
                  Evidence.of("referral", describe(e.getKey())),
                  Evidence.of("consensus", describe(consensus))));
        }
      }
    }

    private void slow(List<RootServerResult> answered) {
      for (boolean overTcp : new boolean[] {false, true}) {
        List<RootServerResult> same = answered.stream().filter(r -> r.tcp() == overTcp).toList();
        if (same.size() < 2) {
          continue;
        }
        List<Duration> rtts = same.stream().map(RootServerResult::rtt).sorted().toList();
        Duration median = rtts.get(rtts.size() / 2);
        Duration bar = overTcp ? slowTcp : slowUdp;
        for (RootServerResult r : same) {
          if (r.rtt().compareTo(bar) >= 0
              && r.rtt().compareTo(median.multipliedBy(SLOW_FACTOR)) >= 0) {
            report.addFinding(
                RootFinding.SLOW.finding(
                    r.letter()
                        + "-root ("
                        + DnsQueryReport.hostPort(r.address())
                        + ", "
                        + proto(r)
                        + ") took "
                        + r.rtt().toMillis()
                        + " ms; the median root took "
                        + median.toMillis()
                        + " ms",
                    Evidence.of("root", r.letter()),
                    Evidence.of("rtt", r.rtt().toMillis() + " ms"),
                    Evidence.of("median", median.toMillis() + " ms"),
                    Evidence.of("threshold", bar.toMillis() + " ms")));
          }
        }
      }
    }
  }

  private static List<RootServerResult> answered(RootServerReport r) {
    return r.results().stream().filter(RootServerResult::answered).toList();
  }

  private static List<String> letters(List<RootServerResult> rs) {
    return rs.stream().map(RootServerResult::letter).distinct().toList();
  }

  private static String proto(RootServerResult r) {
    return r.tcp() ? "TCP" : "UDP";
  }

  private static String flagsText(DnsQueryReport r) {
    StringBuilder sb = new StringBuilder();
    r.flags().forEach(f -> sb.append(sb.length() == 0 ? "" : " ").append(f.mnemonic()));
    return sb.toString();
  }

  private static String describe(Referral r) {
    StringBuilder sb = new StringBuilder(r.zone()).append(' ').append(r.nameServers());
    if (!r.glue().isEmpty()) {
      sb.append(" glue ");
      List<String> g = new ArrayList<>();
      for (DnsRecord rec : r.glue()) {
        g.add(rec.name() + "=" + rec.data());
      }
      sb.append(g);
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------ priming

  /** Compares the live root NS set and glue with the hints (RFC 9609 §3, §4). */
  private final class Priming {
    final RootServerReport roots;
    final PrimingReport.Builder report;

    Priming(RootServerReport roots, PrimingReport.Builder report) {
      this.roots = roots;
      this.report = report;
    }

    void run() {
      // The priming answer: authoritative NOERROR with the root NS set in the answer section.
      Map<List<String>, List<DnsQueryReport>> bySet = new LinkedHashMap<>();
      for (RootServerResult r : answered(roots)) {
        DnsQueryReport q = r.response();
        List<String> ns =
            q.answer().stream()
                .filter(rec -> rec.type() == RecordType.NS && rec.name().equals("."))
                .map(rec -> rec.target().orElse(""))
                .sorted()
                .distinct()
                .toList();
        if (q.rcode().equals("NOERROR") && !ns.isEmpty()) {
          bySet.computeIfAbsent(ns, k -> new ArrayList<>()).add(q);
        }
      }
      if (bySet.isEmpty()) {
        report.addFinding(
            RootFinding.PRIMING_FAILED.finding(
                "no hinted root answered \". NS\" with the root server list ("
                    + answered(roots).size()
                    + " of "
                    + roots.results().size()
                    + " replied)",
                Evidence.of("hints", hints.source())));
        return;
      }
      Map.Entry<List<String>, List<DnsQueryReport>> best =
          bySet.entrySet().stream()
              .max(Comparator.comparing(e -> e.getValue().size()))
              .orElseThrow();
      DnsQueryReport reply = best.getValue().get(0);
      List<RootServer> live = liveServers(best.getKey(), reply);
      live.forEach(report::addLiveServer);
      compare(live);
    }

    private List<RootServer> liveServers(List<String> names, DnsQueryReport reply) {
      List<RootServer> live = new ArrayList<>();
      List<String> noGlue = new ArrayList<>();
      int index = 0;
      int defaultPort = hints.servers().get(0).port();
      for (String n : names) {
        Optional<InetAddress> v4 = glue(reply, n, RecordType.A);
        Optional<InetAddress> v6 = glue(reply, n, RecordType.AAAA);
        if (v4.isEmpty() && v6.isEmpty()) {
          noGlue.add(n);
          index++;
          continue;
        }
        Optional<RootServer> hinted = hints.find(n);
        String first = n.substring(0, n.indexOf('.'));
        String letter =
            hinted
                .map(RootServer::letter)
                .orElse(
                    first.length() == 1
                        ? first
                        : String.valueOf((char) ('A' + Math.min(index, 25))));
        int port = hinted.map(RootServer::port).orElse(defaultPort);
        live.add(new RootServer(letter, n, v4, v6, port));
        index++;
      }
      if (!noGlue.isEmpty() || !reply.authoritative()) {
        report.addFinding(
            RootFinding.PRIMING_INCOMPLETE.finding(
                "the priming answer from "
                    + DnsQueryReport.hostPort(reply.server())
                    + (reply.authoritative() ? "" : " is not authoritative (AA clear)")
                    + (noGlue.isEmpty()
                        ? ""
                        : (reply.authoritative() ? "" : " and")
                            + " has no addresses for "
                            + noGlue.size()
                            + " of "
                            + names.size()
                            + " root servers"),
                Evidence.of("server", DnsQueryReport.hostPort(reply.server())),
                Evidence.of("without-glue", String.join(" ", noGlue))));
      }
      return live;
    }

    private Optional<InetAddress> glue(DnsQueryReport reply, String name, RecordType type) {
      return reply.additional().stream()
          .filter(r -> r.type() == type && r.name().toLowerCase(Locale.ROOT).equals(name))
          .map(DnsRecord::address)
          .flatMap(Optional::stream)
          .findFirst();
    }

    private void compare(List<RootServer> live) {
      List<PrimingReport.Difference> diffs = new ArrayList<>();
      for (RootServer h : hints.servers()) {
        Optional<RootServer> l = live.stream().filter(s -> s.name().equals(h.name())).findFirst();
        if (l.isEmpty()) {
          if (!liveNamesOnly(h.name())) {
            diffs.add(new PrimingReport.Difference(h.name(), "NS", h.name(), "-"));
          }
          continue;
        }
        addressDiff(diffs, h.name(), "A", h.ipv4(), l.get().ipv4());
        addressDiff(diffs, h.name(), "AAAA", h.ipv6(), l.get().ipv6());
      }
      for (RootServer l : live) {
        if (hints.servers().stream().noneMatch(h -> h.name().equals(l.name()))) {
          diffs.add(new PrimingReport.Difference(l.name(), "NS", "-", l.name()));
        }
      }
      diffs.forEach(report::addDifference);
      if (diffs.isEmpty()) {
        return;
      }
      List<Evidence> evidence = new ArrayList<>();
      for (PrimingReport.Difference d : diffs) {
        String note = "";
        if (!d.hinted().equals("-") && !d.field().equals("NS")) {
          Optional<String> former = formerAddress(d.hinted());
          if (former.isPresent()) {
            note = " (" + d.hinted() + " is a former address of " + former.get() + "-root)";
          }
        }
        evidence.add(Evidence.of("difference", d + note));
      }
      report.addFinding(
          RootFinding.HINTS_STALE.finding(
              diffs.size()
                  + (diffs.size() == 1 ? " difference" : " differences")
                  + " between the hints ("
                  + hints.source()
                  + ") and the live root server list: "
                  + diffs.get(0),
              evidence.toArray(new Evidence[0])));
    }

    /** A root named in the live NS set but without glue is not a difference in names. */
    private boolean liveNamesOnly(String name) {
      return answered(roots).stream()
          .anyMatch(
              r ->
                  r.response().answer().stream()
                      .anyMatch(
                          rec ->
                              rec.type() == RecordType.NS && rec.target().orElse("").equals(name)));
    }

    private void addressDiff(
        List<PrimingReport.Difference> diffs,
        String name,
        String field,
        Optional<InetAddress> hinted,
        Optional<InetAddress> live) {
      if (live.isEmpty()) {
        return; // no glue of that family: nothing to compare (reported as incomplete priming)
      }
      if (!hinted.equals(live)) {
        diffs.add(
            new PrimingReport.Difference(
                name,
                field,
                hinted.map(Addresses::format).orElse("-"),
                live.map(Addresses::format).orElse("-")));
      }
    }

    private Optional<String> formerAddress(String literal) {
      try {
        InetAddress a = RootServer.literal("address", literal, literal.indexOf(':') >= 0);
        return RootHints.formerRootAddress(a);
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
  }

  /**
   * Configures a {@link RootServerQuery}. Not thread-safe; setters validate at once and name the
   * bad parameter.
   */
  public static final class Builder {
    private RootHints hints = RootHints.iana();
    private AddressFamily addressFamily = AddressFamily.BOTH;
    private DnsSettings dns = DEFAULT_DNS;
    private boolean alsoTcp;
    private boolean nsid = true;
    private int maxInFlight = 64;
    private Duration slowUdp = RSSAC047_UDP;
    private Duration slowTcp = RSSAC047_TCP;
    private DiagEnvironment environment = DiagEnvironment.system();

    private Builder() {}

    /**
     * Sets the roots to ask: a private root, or a lab whose roots listen on loopback addresses and
     * other ports.
     *
     * @param hints the hints; default {@link RootHints#iana()}
     * @return this builder
     */
    public Builder hints(RootHints hints) {
      this.hints = requireNonNull(hints, "hints");
      return this;
    }

    /**
     * Chooses which root addresses to ask.
     *
     * @param addressFamily IPv4, IPv6 or both; default both
     * @return this builder
     */
    public Builder addressFamily(AddressFamily addressFamily) {
      this.addressFamily = requireNonNull(addressFamily, "addressFamily");
      return this;
    }

    /**
     * Sets the transport options: the timeout of one attempt (default 2 s), retries after a timeout
     * (default 1), TCP only (every root asked over TCP instead of UDP), EDNS, the per-server
     * in-flight cap and rate limit, and the deadline of one call. The servers named are not used:
     * the roots come from the {@linkplain #hints(RootHints) hints}.
     *
     * @param dns the settings
     * @return this builder
     */
    public Builder dns(DnsSettings dns) {
      this.dns = requireNonNull(dns, "dns");
      return this;
    }

    /**
     * Changes some DNS settings, starting from the ones set so far (the defaults at first).
     *
     * @param changes edits applied to a {@link DnsSettings} builder
     * @return this builder
     */
    public Builder dns(Consumer<DnsSettings.Builder> changes) {
      requireNonNull(changes, "changes");
      DnsSettings.Builder b = dns.toBuilder();
      changes.accept(b);
      this.dns = b.build();
      return this;
    }

    /**
     * Asks every root over TCP as well as UDP (RSSAC047 measures both; some networks pass one and
     * block the other).
     *
     * @param alsoTcp default {@code false}
     * @return this builder
     */
    public Builder alsoTcp(boolean alsoTcp) {
      this.alsoTcp = alsoTcp;
      return this;
    }

    /**
     * Asks each root for its identity with NSID (RFC 5001).
     *
     * @param nsid default {@code true}
     * @return this builder
     */
    public Builder nsid(boolean nsid) {
      this.nsid = nsid;
      return this;
    }

    /**
     * Sets how many queries may be in flight at once; none holds a thread while it waits.
     *
     * @param maxInFlight 1 to 1,024; default 64 (thirteen roots, two queries each, both families)
     * @return this builder
     */
    public Builder maxInFlight(int maxInFlight) {
      this.maxInFlight = Checks.range("maxInFlight", maxInFlight, 1, 1024);
      return this;
    }

    /**
     * Sets the round-trip times from which a root counts as slow, if it is also at least three
     * times the median root's.
     *
     * @param udp the bar over UDP; default 250 ms (RSSAC047)
     * @param tcp the bar over TCP; default 500 ms (RSSAC047)
     * @return this builder
     */
    public Builder slowThresholds(Duration udp, Duration tcp) {
      this.slowUdp = Checks.positive("udp", udp);
      this.slowTcp = Checks.positive("tcp", tcp);
      return this;
    }

    /**
     * Sets the environment: clock, executor the queries run on, random source for query IDs, event
     * listeners.
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
      requireNonNull(changes, "changes");
      this.environment = environment.with(changes);
      return this;
    }

    /**
     * Builds the root query.
     *
     * @return an immutable, thread-safe client
     * @throws IllegalStateException when the hints have no address of the chosen family
     */
    public RootServerQuery build() {
      if (hints.addresses(addressFamily).isEmpty()) {
        throw new IllegalStateException(
            "the hints ("
                + hints.source()
                + ") have no "
                + RootServerReport.familyText(addressFamily)
                + " address; choose another addressFamily");
      }
      return new RootServerQuery(this);
    }
  }
}
