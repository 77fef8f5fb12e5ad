package dev.mailpath.diag.dns.internal;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DiagEventListener;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.dns.AddressFamily;
import dev.mailpath.diag.dns.DnsFinding;
import dev.mailpath.diag.dns.DnsLookup;
import dev.mailpath.diag.dns.DnsQueryReport;
import dev.mailpath.diag.dns.DnsRecord;
import dev.mailpath.diag.dns.DnsSettings;
import dev.mailpath.diag.dns.MxResolver;
import dev.mailpath.diag.dns.RecordType;
import dev.mailpath.diag.dns.Referral;
import dev.mailpath.diag.dns.RootFinding;
import dev.mailpath.diag.dns.RootHints;
import dev.mailpath.diag.dns.RootServer;
import dev.mailpath.diag.dns.TraceReport;
import dev.mailpath.diag.dns.TraceStep;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The algorithm behind {@code DelegationTrace}: iterative resolution from the roots, every zone cut
 * recorded, lame and unreachable servers judged, glueless name servers looked up by nested traces,
 * all bounded by steps, queries, nesting and the call's deadline. A trace is a chain of futures on
 * the non-blocking transport: no thread waits on the network. Immutable and thread-safe.
 */
public final class TraceEngine {
  /** How deeply name server lookups may nest (a glueless NS whose zone has glueless NS ...). */
  private static final int MAX_NESTING = 4;

  private static final int MAX_CNAMES = 8;

  private final RootHints hints;
  private final AddressFamily addressFamily;
  private final DnsSettings dns;
  private final UnaryOperator<InetSocketAddress> addressMapper;
  private final int maxSteps;
  private final int maxQueries;
  private final int maxInFlight;
  private final boolean checkAllServers;
  private final Duration deadline;
  private final MxResolver compareWith;
  private final DiagEnvironment environment;
  private final DigEngine dig;

  /**
   * Creates the engine.
   *
   * @param hints the roots to start from
   * @param addressFamily which server addresses to use
   * @param dns timeout, retries, TCP only, deadline
   * @param addressMapper maps every server address before it is asked
   * @param maxSteps most zone cuts
   * @param maxQueries most queries, name server lookups included
   * @param maxInFlight most queries to one zone's servers at once
   * @param checkAllServers ask every server of each zone below the root
   * @param compareWith a resolver to compare the answer with, or null
   * @param environment clock, executor, random source, listeners
   * @param dig asks one server one question
   */
  public TraceEngine(
      RootHints hints,
      AddressFamily addressFamily,
      DnsSettings dns,
      UnaryOperator<InetSocketAddress> addressMapper,
      int maxSteps,
      int maxQueries,
      int maxInFlight,
      boolean checkAllServers,
      MxResolver compareWith,
      DiagEnvironment environment,
      DigEngine dig) {
    this.hints = hints;
    this.addressFamily = addressFamily;
    this.dns = dns;
    this.addressMapper = addressMapper;
    this.maxSteps = maxSteps;
    this.maxQueries = maxQueries;
    this.maxInFlight = maxInFlight;
    this.checkAllServers = checkAllServers;
    this.deadline = dns.deadline();
    this.compareWith = compareWith;
    this.environment = environment;
    this.dig = dig;
  }

  /**
   * Traces a name as part of a call: a chain of futures, one step after another, with no thread
   * waiting on the network. The future may complete on the transport's thread.
   *
   * @param scope the call: its deadline and cancellation
   * @param qname the name for the wire
   * @param name the name as given (for the comparison)
   * @param type the type
   * @return a future of the report; it fails with a {@link
   *     java.util.concurrent.CancellationException} when the call is cancelled
   */
  public CompletableFuture<TraceReport> trace(
      CallScope scope, Name qname, String name, RecordType type) {
    DiagEventListener listener =
        environment.eventListenerFactory().create("trace " + qname + " " + type);
    return new Run(scope, qname, type, listener)
        .run()
        .thenCompose(report -> compareWith != null ? compare(report, name) : done(report))
        .thenApply(
            report -> {
              report.findings().forEach(listener::finding);
              return report;
            });
  }

  private CompletableFuture<TraceReport> compare(TraceReport report, String name) {
    if (!report.completed() || Name.root.equals(Questions.toName(name))) {
      return done(report);
    }
    switch (report.type()) {
      case MX:
        return compareWith.resolveAsync(name).thenApply(report::withRecursiveAnswer);
      case A:
      case AAAA:
        return compareWith.addressesAsync(name).thenApply(report::withRecursiveAnswer);
      default:
        return done(report); // MxResolver answers only MX and address questions
    }
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

  // ------------------------------------------------------------------ one trace

  /** A name server: its name (or address text) and the addresses to ask. */
  private record Server(String name, List<InetSocketAddress> addresses) {}

  /** A name server whose addresses may still have to be looked up. */
  private record Candidate(String name, List<InetSocketAddress> glue, boolean lookUp) {}

  /** A reply and its verdict, before it becomes a {@link TraceStep.ServerReply}. */
  private record Judged(
      String serverName, DnsQueryReport report, TraceStep.Verdict verdict, TraceStep.Kind kind) {}

  /** Where a resolution of one name ended. */
  private record Resolution(
      List<TraceStep> steps, TraceStep.Kind kind, DnsQueryReport finalReply, boolean stopped) {}

  /** Per-call state, so that the trace object itself stays immutable. */
  private final class Run {
    final CallScope scope;
    final Name qname;
    final RecordType type;
    final DiagEventListener listener;
    final long start = environment.timeSource().nanoTime();
    final long deadlineNanos = start + deadline.toNanos();
    final Instant at = environment.timeSource().instant();
    final List<DnsLookup> lookups = Collections.synchronizedList(new ArrayList<>());
    final List<Finding> findings = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger queries = new AtomicInteger();
    final Map<String, List<InetAddress>> hostCache = new ConcurrentHashMap<>();
    final Set<String> reportedLimits = ConcurrentHashMap.newKeySet();
    volatile boolean budgetExhausted;

    Run(CallScope scope, Name qname, RecordType type, DiagEventListener listener) {
      this.scope = scope;
      this.qname = qname;
      this.type = type;
      this.listener = listener;
    }

    CompletableFuture<TraceReport> run() {
      TraceReport.Builder b =
          TraceReport.builder()
              .name(qname.toString())
              .type(type)
              .hintsSource(hints.source())
              .startedAt(at);
      List<DnsRecord> answer = new ArrayList<>();
      return hop(b, qname, new HashSet<>(), answer, 0)
          .thenApply(
              rcode -> {
                answer.forEach(b::addAnswer);
                b.rcode(rcode);
                synchronized (lookups) {
                  lookups.forEach(b::addLookup);
                }
                synchronized (findings) {
                  findings.forEach(b::addFinding);
                }
                b.elapsed(Duration.ofNanos(environment.timeSource().nanoTime() - start));
                return b.build();
              });
    }

    /** Resolves {@code current}, then follows its CNAME; completes with the final rcode. */
    private CompletableFuture<String> hop(
        TraceReport.Builder b, Name current, Set<Name> seen, List<DnsRecord> answer, int hop) {
      if (hop > MAX_CNAMES || !seen.add(current)) {
        return done(null);
      }
      return resolve(current, type, true, Set.of(), 0)
          .thenCompose(
              r -> {
                r.steps().forEach(b::addStep);
                if (r.finalReply() == null) {
                  return done(null);
                }
                answer.addAll(r.finalReply().answer());
                Optional<Name> next = cnameTarget(r.finalReply(), current);
                if (next.isEmpty() || type == RecordType.CNAME) {
                  return done(r.finalReply().rcode());
                }
                // The chain goes on: the final rcode is the last name's.
                return hop(b, next.get(), seen, answer, hop + 1);
              });
    }

    /** The CNAME target of an answer that holds a CNAME for the name but no record of the type. */
    private Optional<Name> cnameTarget(DnsQueryReport reply, Name name) {
      if (!reply.rcode().equals("NOERROR")) {
        return Optional.empty();
      }
      // Follow the chain inside this answer; an authoritative server chases it within its zone.
      String owner = name.toString().toLowerCase(Locale.ROOT);
      for (int i = 0; i < MAX_CNAMES; i++) {
        String o = owner;
        Optional<DnsRecord> cname =
            reply.answer().stream()
                .filter(
                    r ->
                        r.type() == RecordType.CNAME && r.name().toLowerCase(Locale.ROOT).equals(o))
                .findFirst();
        if (cname.isEmpty()) {
          break;
        }
        owner = cname.get().target().orElse(o);
      }
      String last = owner;
      boolean hasData =
          reply.answer().stream()
              .anyMatch(r -> r.type() == type && r.name().toLowerCase(Locale.ROOT).equals(last));
      if (hasData || last.equals(name.toString().toLowerCase(Locale.ROOT))) {
        return Optional.empty();
      }
      return Optional.of(parse(last));
    }

    /**
     * Resolves one name iteratively. For the main trace it records findings; nested lookups of name
     * server addresses ({@code main == false}) only record queries.
     */
    CompletableFuture<Resolution> resolve(
        Name name, RecordType qtype, boolean main, Set<String> path, int nesting) {
      return resolveFrom(
          new ArrayList<>(), ".", rootCandidates(), name, qtype, main, path, nesting, 0);
    }

    private CompletableFuture<Resolution> resolveFrom(
        List<TraceStep> steps,
        String zone,
        List<Candidate> candidates,
        Name name,
        RecordType qtype,
        boolean main,
        Set<String> path,
        int nesting,
        int step) {
      if (step >= maxSteps) {
        limit(main, "the trace of " + name + " needed more than " + maxSteps + " steps");
        return done(new Resolution(steps, TraceStep.Kind.FAILED, null, true));
      }
      return step(zone, candidates, name, qtype, main, path, nesting)
          .thenCompose(
              o -> {
                steps.add(o);
                if (o.kind() != TraceStep.Kind.REFERRAL) {
                  DnsQueryReport fin =
                      o.kind() == TraceStep.Kind.FAILED ? null : o.used().orElseThrow().report();
                  return done(
                      new Resolution(steps, o.kind(), fin, o.kind() == TraceStep.Kind.FAILED));
                }
                Referral ref = o.referral().orElseThrow();
                List<Candidate> next =
                    referralCandidates(zone, ref, o.used().orElseThrow().report(), main);
                return resolveFrom(
                    steps, ref.zone(), next, name, qtype, main, path, nesting, step + 1);
              });
    }

    private List<Candidate> rootCandidates() {
      List<Candidate> roots = new ArrayList<>();
      for (RootServer s : hints.servers()) {
        List<InetSocketAddress> a = s.addresses(addressFamily);
        if (!a.isEmpty()) {
          roots.add(new Candidate(s.name(), a, false));
        }
      }
      // Spread the load over the roots, as resolvers do; a seeded random source makes it
      // repeatable.
      Collections.shuffle(roots, new java.util.Random(environment.random().nextLong()));
      return roots;
    }

    private CompletableFuture<TraceStep> step(
        String zone,
        List<Candidate> candidates,
        Name name,
        RecordType qtype,
        boolean main,
        Set<String> path,
        int nesting) {
      boolean everyServer = main && checkAllServers && !zone.equals(".");
      if (everyServer) {
        // Look up glueless servers first (in parallel), then ask every address at once.
        List<Supplier<CompletableFuture<Server>>> lookupsNeeded = new ArrayList<>();
        for (Candidate c : candidates) {
          lookupsNeeded.add(
              () -> addressesOf(c, main, path, nesting).thenApply(a -> new Server(c.name(), a)));
        }
        return AsyncLimiter.run(maxInFlight, lookupsNeeded)
            .thenCompose(
                servers -> {
                  List<Supplier<CompletableFuture<Judged>>> asks = new ArrayList<>();
                  for (Server s : servers) {
                    for (InetSocketAddress a : s.addresses()) {
                      asks.add(
                          () ->
                              ask(a, name, qtype)
                                  .thenApply(
                                      r -> r == null ? null : judge(zone, s.name(), r, name)));
                    }
                  }
                  return AsyncLimiter.run(maxInFlight, asks)
                      .thenApply(
                          all -> {
                            List<Judged> judged = new ArrayList<>();
                            for (Judged j : all) {
                              if (j != null) {
                                judged.add(j);
                              }
                            }
                            boolean usedOne = false;
                            for (int i = 0; i < judged.size(); i++) {
                              Judged j = judged.get(i);
                              if (j.verdict() == TraceStep.Verdict.USED) {
                                if (usedOne) {
                                  judged.set(
                                      i,
                                      new Judged(
                                          j.serverName(),
                                          j.report(),
                                          TraceStep.Verdict.CONSISTENT,
                                          j.kind()));
                                }
                                usedOne = true;
                              }
                            }
                            boolean none = servers.stream().allMatch(s -> s.addresses().isEmpty());
                            return finishStep(zone, name, judged, candidates, main, none);
                          });
                });
      }
      List<Judged> judged = new ArrayList<>();
      return askInTurn(zone, candidates, 0, name, qtype, main, path, nesting, judged, false)
          .thenApply(anyAddress -> finishStep(zone, name, judged, candidates, main, !anyAddress));
    }

    /**
     * Asks the candidates one address at a time until one is used or the budget is spent; completes
     * with whether any candidate had an address.
     */
    private CompletableFuture<Boolean> askInTurn(
        String zone,
        List<Candidate> candidates,
        int index,
        Name name,
        RecordType qtype,
        boolean main,
        Set<String> path,
        int nesting,
        List<Judged> judged,
        boolean anyAddress) {
      if (index >= candidates.size()) {
        return done(anyAddress);
      }
      Candidate c = candidates.get(index);
      return addressesOf(c, main, path, nesting)
          .thenCompose(
              addresses ->
                  askAddresses(zone, c, addresses, 0, name, qtype, judged)
                      .thenCompose(
                          stop ->
                              stop
                                  ? done(anyAddress || !addresses.isEmpty())
                                  : askInTurn(
                                      zone,
                                      candidates,
                                      index + 1,
                                      name,
                                      qtype,
                                      main,
                                      path,
                                      nesting,
                                      judged,
                                      anyAddress || !addresses.isEmpty())));
    }

    /** Asks one candidate's addresses in turn; completes with whether to stop asking. */
    private CompletableFuture<Boolean> askAddresses(
        String zone,
        Candidate c,
        List<InetSocketAddress> addresses,
        int index,
        Name name,
        RecordType qtype,
        List<Judged> judged) {
      if (index >= addresses.size()) {
        return done(false);
      }
      return ask(addresses.get(index), name, qtype)
          .thenCompose(
              r -> {
                if (r == null) {
                  return done(true); // the budget or the deadline is spent
                }
                Judged j = judge(zone, c.name(), r, name);
                judged.add(j);
                if (j.verdict() == TraceStep.Verdict.USED) {
                  return done(true);
                }
                return askAddresses(zone, c, addresses, index + 1, name, qtype, judged);
              });
    }

    private TraceStep finishStep(
        String zone,
        Name name,
        List<Judged> judged,
        List<Candidate> candidates,
        boolean main,
        boolean noAddresses) {
      Optional<Judged> used =
          judged.stream().filter(j -> j.verdict() == TraceStep.Verdict.USED).findFirst();
      List<TraceStep.ServerReply> replies = new ArrayList<>();
      for (Judged j : judged) {
        replies.add(new TraceStep.ServerReply(j.serverName(), j.report(), j.verdict()));
      }
      TraceStep.Kind kind = used.map(Judged::kind).orElse(TraceStep.Kind.FAILED);
      Optional<Referral> referral =
          kind == TraceStep.Kind.REFERRAL ? used.get().report().referral() : Optional.empty();
      TraceStep step = new TraceStep(zone, kind, replies, referral);
      if (main) {
        stepFindings(step, name, candidates, noAddresses);
      }
      return step;
    }

    private void stepFindings(
        TraceStep step, Name name, List<Candidate> candidates, boolean noAddresses) {
      boolean ok = step.kind() != TraceStep.Kind.FAILED;
      String zone = step.zone();
      List<TraceStep.ServerReply> lame = step.replies(TraceStep.Verdict.LAME);
      List<TraceStep.ServerReply> loops = step.replies(TraceStep.Verdict.REFERRAL_LOOP);
      List<TraceStep.ServerReply> down = step.replies(TraceStep.Verdict.UNREACHABLE);
      if (!lame.isEmpty()) {
        findings.add(
            RootFinding.LAME_DELEGATION.finding(
                ok ? Severity.WARNING : Severity.ERROR,
                lame.size()
                    + " of "
                    + step.replies().size()
                    + " servers asked for "
                    + zone
                    + " did not answer"
                    + " authoritatively: "
                    + describe(lame),
                evidence(zone, lame)));
      }
      if (!loops.isEmpty()) {
        findings.add(
            RootFinding.REFERRAL_LOOP.finding(
                ok ? Severity.WARNING : Severity.ERROR,
                "asked about "
                    + name
                    + ", "
                    + describe(loops)
                    + " referred to "
                    + loops.get(0).report().referral().map(Referral::zone).orElse("?")
                    + ", which is not below "
                    + zone,
                evidence(zone, loops)));
      }
      if (!down.isEmpty()) {
        if (ok || !lame.isEmpty() || !loops.isEmpty()) {
          if (zone.equals(".")) {
            findings.add(
                RootFinding.UNREACHABLE.finding(
                    down.size()
                        + " root server address(es) did not answer during the trace: "
                        + describe(down),
                    evidence(zone, down)));
          } else {
            findings.add(
                RootFinding.SERVER_UNREACHABLE.finding(
                    down.size() + " server(s) of " + zone + " did not answer: " + describe(down),
                    evidence(zone, down)));
          }
        } else {
          findings.add(
              (zone.equals(".") ? RootFinding.ALL_UNREACHABLE : RootFinding.ZONE_UNREACHABLE)
                  .finding(
                      "no server of "
                          + zone
                          + " answered ("
                          + down.size()
                          + " address(es) asked): "
                          + describe(down),
                      evidence(zone, down)));
        }
      }
      if (noAddresses && !budgetExhausted) {
        findings.add(
            RootFinding.NS_UNRESOLVABLE.finding(
                "no address found for any name server of "
                    + zone
                    + ": "
                    + candidates.stream().map(Candidate::name).toList(),
                Evidence.of("zone", zone)));
      }
      if (step.kind() == TraceStep.Kind.NXDOMAIN) {
        findings.add(
            DnsFinding.NXDOMAIN.finding(
                name + " does not exist: " + zone + " says NXDOMAIN",
                Evidence.of("zone", zone),
                Evidence.of("server", step.server().map(Questions::hostPort).orElse("?"))));
      }
    }

    private Evidence[] evidence(String zone, List<TraceStep.ServerReply> replies) {
      List<Evidence> e = new ArrayList<>();
      e.add(Evidence.of("zone", zone));
      for (TraceStep.ServerReply r : replies) {
        e.add(
            Evidence.of(
                "server",
                r.serverName()
                    + " "
                    + Questions.hostPort(r.report().server())
                    + " "
                    + r.report().rcode()
                    + r.report().referral().map(ref -> " referral " + ref.zone()).orElse("")
                    + (r.report().answered() && !r.report().authoritative() ? " (AA clear)" : "")));
      }
      return e.toArray(new Evidence[0]);
    }

    private String describe(List<TraceStep.ServerReply> replies) {
      List<String> parts = new ArrayList<>();
      for (TraceStep.ServerReply r : replies) {
        parts.add(
            r.serverName()
                + " ("
                + Questions.hostPort(r.report().server())
                + ") "
                + r.report().rcode());
      }
      return String.join(", ", parts);
    }

    /** Judges one reply; see {@link TraceStep.Verdict}. */
    private Judged judge(String zone, String serverName, DnsQueryReport r, Name name) {
      if (r == null) {
        return null;
      }
      if (!r.answered()) {
        return new Judged(serverName, r, TraceStep.Verdict.UNREACHABLE, null);
      }
      String rcode = r.rcode();
      if (!rcode.equals("NOERROR") && !rcode.equals("NXDOMAIN")) {
        return new Judged(serverName, r, TraceStep.Verdict.LAME, null);
      }
      Optional<Referral> ref = r.referral();
      if (ref.isPresent()) {
        Name cut = parse(ref.get().zone());
        Name z = parse(zone);
        // RFC 1034 §4.3.2: each referral must lead strictly closer to the name.
        boolean down = cut.subdomain(z) && !cut.equals(z) && name.subdomain(cut);
        return new Judged(
            serverName,
            r,
            down ? TraceStep.Verdict.USED : TraceStep.Verdict.REFERRAL_LOOP,
            down ? TraceStep.Kind.REFERRAL : null);
      }
      if (!r.authoritative()) {
        // An answer, NODATA or NXDOMAIN without AA comes from a cache, not from the zone (lame).
        return new Judged(serverName, r, TraceStep.Verdict.LAME, null);
      }
      TraceStep.Kind kind =
          rcode.equals("NXDOMAIN")
              ? TraceStep.Kind.NXDOMAIN
              : r.answer().isEmpty() ? TraceStep.Kind.NODATA : TraceStep.Kind.ANSWER;
      return new Judged(serverName, r, TraceStep.Verdict.USED, kind);
    }

    /** Asks one address (mapped for labs); {@code null} when the budget or deadline is spent. */
    private CompletableFuture<DnsQueryReport> ask(
        InetSocketAddress address, Name name, RecordType qtype) {
      if (environment.timeSource().nanoTime() - deadlineNanos > 0) {
        if (reportedLimits.add("deadline")) {
          budgetExhausted = true;
          findings.add(
              DnsFinding.TIMEOUT.finding(
                  "the trace did not finish within its deadline of " + deadline.toMillis() + " ms",
                  Evidence.of("queries", queries.get())));
        }
        return done(null);
      }
      if (queries.incrementAndGet() > maxQueries) {
        limit(true, "the trace needed more than " + maxQueries + " queries");
        return done(null);
      }
      InetSocketAddress target =
          requireNonNull(addressMapper.apply(address), "addressMapper returned null");
      return dig.askAsync(scope, target, name, qtype, dns.tcpOnly(), listener, lookups::add);
    }

    private void limit(boolean report, String why) {
      budgetExhausted = true;
      if (report && reportedLimits.add("limit")) {
        findings.add(RootFinding.STEP_LIMIT.finding(why, Evidence.of("queries", queries.get())));
      }
    }

    /** The addresses of a candidate: its glue, or a nested lookup of its name. */
    private CompletableFuture<List<InetSocketAddress>> addressesOf(
        Candidate c, boolean main, Set<String> path, int nesting) {
      if (!c.lookUp()) {
        return done(c.glue());
      }
      return lookUpHost(c.name(), main, path, nesting)
          .thenApply(
              found -> {
                List<InetSocketAddress> out = new ArrayList<>();
                for (InetAddress a : found) {
                  out.add(new InetSocketAddress(a, 53));
                }
                return out;
              });
    }

    private CompletableFuture<List<InetAddress>> lookUpHost(
        String host, boolean main, Set<String> path, int nesting) {
      List<InetAddress> cached = hostCache.get(host);
      if (cached != null) {
        return done(cached);
      }
      if (path.contains(host)) {
        if (reportedLimits.add("cycle " + host)) {
          findings.add(
              RootFinding.REFERRAL_LOOP.finding(
                  "the address of name server "
                      + host
                      + " can only be found through a zone it serves itself"
                      + " (glueless delegations that depend on each other: "
                      + String.join(" -> ", path)
                      + " -> "
                      + host
                      + ")",
                  Evidence.of("name-server", host)));
        }
        return done(List.of());
      }
      if (nesting >= MAX_NESTING) {
        limit(true, "name server lookups nested more than " + MAX_NESTING + " deep at " + host);
        return done(List.of());
      }
      Set<String> nextPath = new LinkedHashSet<>(path);
      nextPath.add(host);
      Name n = parse(host);
      List<InetAddress> out = new ArrayList<>();
      CompletableFuture<Void> v4 =
          addressFamily.includesIpv4()
              ? resolve(n, RecordType.A, false, nextPath, nesting + 1)
                  .thenAccept(r -> out.addAll(addressesFrom(r, n)))
              : done(null);
      return v4.thenCompose(
              x ->
                  addressFamily.includesIpv6()
                          && (out.isEmpty() || addressFamily == AddressFamily.IPV6)
                      ? resolve(n, RecordType.AAAA, false, nextPath, nesting + 1)
                          .thenAccept(r -> out.addAll(addressesFrom(r, n)))
                      : CompletableFuture.<Void>completedFuture(null))
          .thenApply(
              x -> {
                List<InetAddress> result = List.copyOf(out);
                hostCache.put(host, result);
                return result;
              });
    }

    private List<InetAddress> addressesFrom(Resolution r, Name n) {
      if (r.finalReply() == null) {
        return List.of();
      }
      List<InetAddress> out = new ArrayList<>();
      for (DnsRecord rec : r.finalReply().answer()) {
        if (rec.type() == RecordType.A || rec.type() == RecordType.AAAA) {
          rec.address().ifPresent(out::add);
        }
      }
      return out;
    }

    /**
     * The servers a referral names, with in-bailiwick glue only. Glue for a name outside the
     * referring zone, or for a name that is not one of the servers referred to, is ignored (RFC
     * 2181 §5.4.1) and reported.
     */
    private List<Candidate> referralCandidates(
        String parentZone, Referral ref, DnsQueryReport reply, boolean main) {
      Name parent = parse(parentZone);
      Name child = parse(ref.zone());
      List<String> ignored = new ArrayList<>();
      for (DnsRecord r : reply.additional()) {
        if (r.type() != RecordType.A && r.type() != RecordType.AAAA) {
          continue;
        }
        String owner = r.name().toLowerCase(Locale.ROOT);
        if (!parse(owner).subdomain(parent) || !ref.nameServers().contains(owner)) {
          ignored.add(r.name() + " " + r.type() + " " + r.data());
        }
      }
      if (main && !ignored.isEmpty()) {
        findings.add(
            RootFinding.OUT_OF_BAILIWICK_GLUE.finding(
                "the referral from "
                    + parentZone
                    + " to "
                    + ref.zone()
                    + " carried "
                    + ignored.size()
                    + " address record(s) it has no authority for; ignored: "
                    + ignored,
                Evidence.of("server", Questions.hostPort(reply.server())),
                Evidence.of("ignored", String.join("; ", ignored))));
      }
      List<Candidate> withGlue = new ArrayList<>();
      List<Candidate> glueless = new ArrayList<>();
      List<String> missingGlue = new ArrayList<>();
      for (String ns : ref.nameServers()) {
        List<InetSocketAddress> glue = new ArrayList<>();
        if (parse(ns).subdomain(parent)) {
          for (InetAddress a : ref.addresses(ns)) {
            boolean v4 = a instanceof Inet4Address;
            if (v4 ? addressFamily.includesIpv4() : addressFamily.includesIpv6()) {
              glue.add(new InetSocketAddress(a, 53));
            }
          }
        }
        if (!glue.isEmpty()) {
          withGlue.add(new Candidate(ns, glue, false));
        } else if (parse(ns).subdomain(child) && ref.addresses(ns).isEmpty()) {
          // In-domain server without glue: it can only be found through the zone it serves.
          missingGlue.add(ns);
        } else if (!ref.addresses(ns).isEmpty() && parse(ns).subdomain(parent)) {
          // Glue only of a family not asked (an IPv6-only server in an IPv4 trace): nothing to ask.
          continue;
        } else {
          glueless.add(new Candidate(ns, List.of(), true));
        }
      }
      if (main && !missingGlue.isEmpty()) {
        boolean none = withGlue.isEmpty() && glueless.isEmpty();
        findings.add(
            RootFinding.MISSING_GLUE.finding(
                none ? Severity.ERROR : Severity.WARNING,
                "the referral to "
                    + ref.zone()
                    + " gives no address for "
                    + missingGlue
                    + ", which lie inside "
                    + ref.zone()
                    + " itself",
                Evidence.of("zone", ref.zone()),
                Evidence.of("server", Questions.hostPort(reply.server()))));
      }
      List<Candidate> all = new ArrayList<>(withGlue);
      all.addAll(glueless);
      // Listed last and never asked (no address), so that an empty step still names them.
      missingGlue.forEach(ns -> all.add(new Candidate(ns, List.of(), false)));
      return all;
    }
  }

  private static Name parse(String absolute) {
    try {
      return Name.fromString(absolute, Name.root);
    } catch (TextParseException e) {
      // Names here came from dnsjava's own parser; failing to read them back is our bug.
      throw new IllegalStateException("cannot parse a name from a DNS reply: " + absolute, e);
    }
  }
}
