package dev.mailpath.diag.dns.internal;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DiagEventListener;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.internal.Addresses;
import dev.mailpath.diag.core.internal.IpLiterals;
import dev.mailpath.diag.dns.AddressFamily;
import dev.mailpath.diag.dns.DnsFinding;
import dev.mailpath.diag.dns.DnsQueryReport;
import dev.mailpath.diag.dns.DnsRecord;
import dev.mailpath.diag.dns.DnsSettings;
import dev.mailpath.diag.dns.PrimingReport;
import dev.mailpath.diag.dns.RecordType;
import dev.mailpath.diag.dns.Referral;
import dev.mailpath.diag.dns.RootFinding;
import dev.mailpath.diag.dns.RootHints;
import dev.mailpath.diag.dns.RootServer;
import dev.mailpath.diag.dns.RootServerReport;
import dev.mailpath.diag.dns.RootServerResult;
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
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.xbill.DNS.Name;

/**
 * The algorithm behind {@code RootServerQuery}: asks every hinted root at once on the non-blocking
 * transport, derives the findings of a round (unreachable, slow, disagreeing or non-root-like
 * roots), and compares a priming answer with the hints (RFC 9609). Immutable and thread-safe.
 */
public final class RootEngine {
  /** How many times the median a root's round trip must be before it counts as "much slower". */
  private static final int SLOW_FACTOR = 3;

  private final RootHints hints;
  private final AddressFamily addressFamily;
  private final DnsSettings dns;
  private final boolean alsoTcp;
  private final int maxInFlight;
  private final Duration slowUdp;
  private final Duration slowTcp;
  private final DiagEnvironment environment;
  private final DigEngine dig;

  /**
   * Creates the engine.
   *
   * @param hints the roots to ask
   * @param addressFamily which of their addresses
   * @param dns timeout, retries, TCP only, EDNS, limits
   * @param alsoTcp ask over TCP as well as UDP
   * @param maxInFlight most queries in flight at once
   * @param slowUdp the slowness bar over UDP
   * @param slowTcp the slowness bar over TCP
   * @param environment clock and listeners
   * @param dig asks one root one question
   */
  public RootEngine(
      RootHints hints,
      AddressFamily addressFamily,
      DnsSettings dns,
      boolean alsoTcp,
      int maxInFlight,
      Duration slowUdp,
      Duration slowTcp,
      DiagEnvironment environment,
      DigEngine dig) {
    this.hints = hints;
    this.addressFamily = addressFamily;
    this.dns = dns;
    this.alsoTcp = alsoTcp;
    this.maxInFlight = maxInFlight;
    this.slowUdp = slowUdp;
    this.slowTcp = slowTcp;
    this.environment = environment;
    this.dig = dig;
  }

  /**
   * Asks every root one question as part of a call; the future may complete on the transport's
   * thread.
   *
   * @param scope the call
   * @param qname the name
   * @param type the type
   * @param listener receives query events and the findings
   * @return a future of the report
   */
  public CompletableFuture<RootServerReport> ask(
      CallScope scope, Name qname, RecordType type, DiagEventListener listener) {
    return askAll(scope, qname, type, listener)
        .thenApply(
            report -> {
              report.findings().forEach(listener::finding);
              return report;
            });
  }

  /**
   * Primes as part of a call: {@code . NS} to every root, then the comparison with the hints.
   *
   * @param scope the call
   * @param listener receives query events and the findings
   * @return a future of the report
   */
  public CompletableFuture<PrimingReport> prime(CallScope scope, DiagEventListener listener) {
    return askAll(scope, Name.root, RecordType.NS, listener)
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
            });
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
      tasks.add(() -> dig.askAsync(scope, t.address(), qname, type, t.tcp(), listener, l -> {}));
      if (!soaInMain) {
        tasks.add(
            () ->
                dig.askAsync(
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
                    Questions.hostPort(first.address()) + " " + first.error().orElse(""))));
      }
      for (RootServerResult r : results) {
        if (r.answered() || (r.ipv6() ? v6Dead : v4Dead)) {
          continue;
        }
        report.addFinding(
            RootFinding.UNREACHABLE.finding(
                r.letter()
                    + "-root ("
                    + Questions.hostPort(r.address())
                    + ", "
                    + proto(r)
                    + ") did not answer: "
                    + r.error().orElse("no reply"),
                Evidence.of("root", r.letter()),
                Evidence.of("server", Questions.hostPort(r.address())),
                Evidence.of("attempts", r.response().attempts())));
      }
    }

    private void behaviour(RootServerResult r) {
      Evidence root = Evidence.of("root", r.letter());
      Evidence server = Evidence.of("server", Questions.hostPort(r.address()));
      boolean ra =
          r.response().recursionAvailable()
              || r.soaResponse().map(DnsQueryReport::recursionAvailable).orElse(false);
      if (ra) {
        report.addFinding(
            RootFinding.RECURSION_OFFERED.finding(
                r.letter()
                    + "-root ("
                    + Questions.hostPort(r.address())
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
                    + Questions.hostPort(r.address())
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
                    + Questions.hostPort(r.address())
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
                      + Questions.hostPort(r.address())
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
                      + Questions.hostPort(r.address())
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
                        + Questions.hostPort(r.address())
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
                    + Questions.hostPort(reply.server())
                    + (reply.authoritative() ? "" : " is not authoritative (AA clear)")
                    + (noGlue.isEmpty()
                        ? ""
                        : (reply.authoritative() ? "" : " and")
                            + " has no addresses for "
                            + noGlue.size()
                            + " of "
                            + names.size()
                            + " root servers"),
                Evidence.of("server", Questions.hostPort(reply.server())),
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
        return IpLiterals.parse(literal).flatMap(RootHints::formerRootAddress);
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
  }
}
