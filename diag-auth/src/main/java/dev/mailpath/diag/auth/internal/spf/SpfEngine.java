package dev.mailpath.diag.auth.internal.spf;

import dev.mailpath.diag.auth.SpfEvaluation;
import dev.mailpath.diag.auth.SpfFinding;
import dev.mailpath.diag.auth.SpfIdentity;
import dev.mailpath.diag.auth.SpfRecordReport;
import dev.mailpath.diag.auth.SpfReport;
import dev.mailpath.diag.auth.SpfResult;
import dev.mailpath.diag.auth.internal.AuthDns;
import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DomainName;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.IpAddressText;
import dev.mailpath.diag.dns.DnsLookup;
import dev.mailpath.diag.dns.DnsRecord;
import dev.mailpath.diag.dns.RecordType;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * check_host() of RFC 7208 as a chain of futures over one {@link AuthDns}: no thread per check, one
 * DNS query in flight per check except the address lookups of an {@code mx} or {@code ptr}
 * mechanism, which go out together. Records are parsed once per distinct text and cached.
 *
 * <p>Thread-safe. One check's state lives in a {@code Run}; its stages run one after another (each
 * stage starts when the previous future completes), so the state needs no locks.
 */
public final class SpfEngine {
  /** Most parsed records kept; past this the cache is cleared (hostile zones must not grow it). */
  private static final int CACHE_LIMIT = 4096;

  /** Most nodes a record analysis follows, so that a hostile include tree stays bounded. */
  private static final int MAX_ANALYSIS_NODES = 64;

  /** The error text of a question not asked because the check's deadline had passed. */
  private static final String DEADLINE_PASSED = "deadline of the check passed";

  /** Most names of an MX or PTR answer looked up (RFC 7208 §4.6.4). */
  private static final int MAX_NAMES = 10;

  /**
   * One daemon thread for all deadlines of all checks; a deadline is a scheduled task cancelled
   * when the check ends, so nothing waits in a thread per check.
   */
  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread th = new Thread(r, "mailpath-spf-deadline");
              th.setDaemon(true);
              return th;
            });
    t.setRemoveOnCancelPolicy(true);
    return t;
  }

  private final AuthDns dns;
  private final DiagEnvironment environment;
  private final Duration timeout;
  private final int maxLookups;
  private final int maxVoids;
  private final String receiver;
  private final ConcurrentHashMap<String, SpfRecord> parsed = new ConcurrentHashMap<>();

  /**
   * Creates the engine.
   *
   * @param dns the DNS helper
   * @param environment clock and executor
   * @param timeout the deadline of one check
   * @param maxLookups the DNS-querying term limit
   * @param maxVoids the void lookup limit
   * @param receiver the receiving host's name for {@code %{r}}
   */
  public SpfEngine(
      AuthDns dns,
      DiagEnvironment environment,
      Duration timeout,
      int maxLookups,
      int maxVoids,
      String receiver) {
    this.dns = dns;
    this.environment = environment;
    this.timeout = timeout;
    this.maxLookups = maxLookups;
    this.maxVoids = maxVoids;
    this.receiver = receiver;
  }

  // ------------------------------------------------------------------ state of one check

  /** A check's (or analysis') mutable state. */
  private final class Run {
    final InetAddress address;
    final byte[] ip;
    final boolean v6;
    final String sender;
    final String local;
    final String senderDomain;
    final String helo;
    final long deadline;
    final List<Finding> findings = new ArrayList<>();
    final Set<String> reported = new HashSet<>();
    final Set<CompletableFuture<?>> inflight = ConcurrentHashMap.newKeySet();
    final AtomicInteger lookupsSnapshot = new AtomicInteger();
    final AtomicInteger voidsSnapshot = new AtomicInteger();
    volatile boolean done;
    int lookups;
    int voids;
    String pName;
    boolean analysis;
    int nodes;

    Run(
        InetAddress address,
        String sender,
        String local,
        String senderDomain,
        String helo,
        long deadline) {
      this.address = address;
      this.ip = address == null ? null : SpfIp.spfBytes(address);
      this.v6 = ip != null && ip.length == 16;
      this.sender = sender;
      this.local = local;
      this.senderDomain = senderDomain;
      this.helo = helo;
      this.deadline = deadline;
    }

    void finding(SpfFinding code, String summary, Evidence... evidence) {
      findings.add(code.finding(summary, evidence));
    }

    /** Adds a finding once per code and key. */
    void findingOnce(SpfFinding code, String key, String summary, Evidence... evidence) {
      if (reported.add(code.id() + " " + key)) {
        finding(code, summary, evidence);
      }
    }

    int lookup() {
      lookups++;
      lookupsSnapshot.set(lookups);
      return lookups;
    }

    int voidHit() {
      voids++;
      voidsSnapshot.set(voids);
      return voids;
    }
  }

  /** A node of the tree while it is built. */
  private static final class Node {
    final String domain;
    final String via;
    String record;
    SpfResult result = SpfResult.NEUTRAL;
    String matched;
    final List<DnsLookup> lookups = new ArrayList<>();
    final List<Node> children = new ArrayList<>();

    Node(String domain, String via) {
      this.domain = domain;
      this.via = via;
    }

    Node child(String domain, String via) {
      Node c = new Node(domain, via);
      children.add(c);
      return c;
    }

    SpfEvaluation freeze() {
      List<SpfEvaluation> kids = new ArrayList<>(children.size());
      for (Node c : children) {
        kids.add(c.freeze());
      }
      return new SpfEvaluation(
          domain,
          via,
          Optional.ofNullable(record),
          result,
          Optional.ofNullable(matched),
          lookups,
          kids);
    }
  }

  /** What check_host() returned, with the exp= that applies to a FAIL. */
  private record Res(SpfResult result, String matched, SpfTerm exp, String expDomain) {
    static Res of(SpfResult r) {
      return new Res(r, null, null, null);
    }
  }

  /** The outcome of one mechanism: a match, no match, or an error that ends the check. */
  private record Match(boolean matched, SpfResult error) {
    static final Match YES = new Match(true, null);
    static final Match NO = new Match(false, null);

    static Match error(SpfResult r) {
      return new Match(false, r);
    }
  }

  // ------------------------------------------------------------------ check

  /**
   * Runs check_host() for an address, MAIL FROM and HELO name.
   *
   * @param ip the address
   * @param mailFrom MAIL FROM; empty or {@code <>} to check HELO
   * @param helo the HELO name
   * @return the report; never completes exceptionally for DNS or record trouble
   */
  public CompletableFuture<SpfReport> check(InetAddress ip, String mailFrom, String helo) {
    long t0 = environment.timeSource().nanoTime();
    java.time.Instant started = environment.timeSource().instant();
    InetAddress address = SpfIp.normalize(ip);
    String heloName = helo.strip();
    String mf = mailFrom.strip();
    if (mf.startsWith("<") && mf.endsWith(">")) {
      mf = mf.substring(1, mf.length() - 1).strip();
    }
    SpfIdentity identity;
    String local;
    String domain;
    if (mf.isEmpty()) {
      identity = SpfIdentity.HELO;
      local = "postmaster";
      domain = heloName;
    } else {
      identity = SpfIdentity.MAIL_FROM;
      int at = mf.lastIndexOf('@');
      local = at <= 0 ? "postmaster" : mf.substring(0, at);
      domain = at < 0 ? mf : mf.substring(at + 1);
    }
    String checked = stripDot(domain).toLowerCase(Locale.ROOT);
    String sender = local + "@" + checked;
    Run run = new Run(address, sender, local, checked, heloName, t0 + timeout.toNanos());
    SpfReport.Builder base =
        SpfReport.builder()
            .identity(identity)
            .domain(checked)
            .ip(IpAddressText.format(address))
            .sender(sender)
            .helo(heloName)
            .startedAt(started);
    CompletableFuture<SpfReport> out = new CompletableFuture<>();
    if (!fqdn(checked) || !queryable(checked)) {
      run.finding(
          SpfFinding.INVALID_DOMAIN,
          (identity == SpfIdentity.HELO ? "HELO name \"" : "MAIL FROM domain \"")
              + SpfMacro.clip(checked)
              + "\" is not a fully qualified domain name: result none",
          Evidence.of("domain", checked));
      out.complete(
          base.result(SpfResult.NONE).addFinding(run.findings.get(0)).elapsed(elapsed(t0)).build());
      return out;
    }
    Node root = new Node(checked, "");
    ScheduledFuture<?> timer =
        TIMER.schedule(
            () ->
                environment
                    .executor()
                    .execute(
                        () -> {
                          if (out.isDone()) {
                            return;
                          }
                          run.done = true;
                          SpfReport.Builder b =
                              base.result(SpfResult.TEMPERROR)
                                  .dnsLookups(run.lookupsSnapshot.get())
                                  .voidLookups(run.voidsSnapshot.get())
                                  .elapsed(elapsed(t0));
                          b.addFinding(
                              SpfFinding.DEADLINE.finding(
                                  "the check did not finish within " + timeout.toMillis() + " ms",
                                  Evidence.of("deadline", timeout)));
                          out.complete(b.build());
                          cancelInflight(run); // after completing: their failures are moot
                        }),
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
    out.whenComplete(
        (r, e) -> {
          timer.cancel(false);
          if (e != null) {
            run.done = true;
            cancelInflight(run);
          }
        });
    checkHost(run, root, checked)
        .thenCompose(
            res -> {
              if (res.result() == SpfResult.FAIL && res.exp() != null) {
                return explanation(run, root, res).thenApply(text -> new Object[] {res, text});
              }
              return CompletableFuture.completedFuture(new Object[] {res, null});
            })
        .whenComplete(
            (pair, error) -> {
              if (out.isDone()) {
                return;
              }
              if (error != null) {
                out.completeExceptionally(error);
                return;
              }
              Res res = (Res) pair[0];
              String text = (String) pair[1];
              resultFinding(run, res, checked);
              SpfReport.Builder b =
                  base.result(res.result())
                      .explanation(text)
                      .record(root.record)
                      .matchedTerm(res.matched())
                      .dnsLookups(run.lookups)
                      .voidLookups(run.voids)
                      .evaluation(root.freeze())
                      .elapsed(elapsed(t0));
              for (Finding f : run.findings) {
                b.addFinding(f);
              }
              out.complete(b.build());
            });
    return out;
  }

  private static void cancelInflight(Run run) {
    for (CompletableFuture<?> f : run.inflight) {
      f.cancel(true);
    }
  }

  private Duration elapsed(long t0) {
    return Duration.ofNanos(environment.timeSource().nanoTime() - t0);
  }

  private static void resultFinding(Run run, Res res, String domain) {
    Evidence d = Evidence.of("domain", domain);
    switch (res.result()) {
      case FAIL:
        run.finding(
            SpfFinding.FAIL,
            "SPF fail for "
                + domain
                + (res.matched() == null ? "" : ": " + res.matched() + " matched"),
            d);
        break;
      case SOFTFAIL:
        run.finding(
            SpfFinding.SOFTFAIL,
            "SPF softfail for "
                + domain
                + (res.matched() == null ? "" : ": " + res.matched() + " matched"),
            d);
        break;
      case NEUTRAL:
        run.finding(SpfFinding.NEUTRAL, "SPF neutral for " + domain, d);
        break;
      default:
        break;
    }
  }

  // ------------------------------------------------------------------ check_host

  private CompletableFuture<Res> checkHost(Run run, Node node, String domain) {
    if (!fqdn(domain) || !queryable(domain)) {
      node.result = SpfResult.NONE;
      return CompletableFuture.completedFuture(Res.of(SpfResult.NONE));
    }
    return ask(run, domain, RecordType.TXT)
        .thenCompose(
            a -> {
              note(run, node, a);
              switch (a.status()) {
                case TEMPERROR:
                  return done(node, temp(run, a));
                case NXDOMAIN:
                case NODATA:
                  if (run.voidHit() > maxVoids) {
                    return done(node, voidLimit(run, domain));
                  }
                  node.result = SpfResult.NONE;
                  if (node.via.isEmpty()) {
                    run.finding(
                        SpfFinding.NO_RECORD,
                        domain + " has no SPF record",
                        Evidence.of("domain", domain));
                  }
                  return CompletableFuture.completedFuture(Res.of(SpfResult.NONE));
                default:
                  break;
              }
              String text = null;
              int count = 0;
              for (String t : a.texts()) {
                if (SpfRecord.isSpf(t)) {
                  count++;
                  text = t;
                }
              }
              if (count == 0) {
                node.result = SpfResult.NONE;
                if (node.via.isEmpty()) {
                  run.finding(
                      SpfFinding.NO_RECORD,
                      domain + " has TXT records but none starts with v=spf1",
                      Evidence.of("domain", domain));
                }
                return CompletableFuture.completedFuture(Res.of(SpfResult.NONE));
              }
              if (count > 1) {
                run.finding(
                    SpfFinding.MULTIPLE_RECORDS,
                    domain + " publishes " + count + " SPF records",
                    Evidence.of("domain", domain));
                return done(node, SpfResult.PERMERROR);
              }
              node.record = text;
              SpfRecord rec = parse(text);
              if (rec.error().isPresent()) {
                run.finding(
                    SpfFinding.SYNTAX,
                    "SPF record of " + domain + ": " + rec.error().get(),
                    Evidence.of("domain", domain),
                    Evidence.of("record", SpfMacro.clip(text)));
                return done(node, SpfResult.PERMERROR);
              }
              riskyTerms(run, rec, domain, node.via.isEmpty());
              return evaluate(run, node, rec, domain, 0);
            });
  }

  private SpfRecord parse(String text) {
    SpfRecord r = parsed.get(text);
    if (r == null) {
      r = SpfParser.parse(text);
      if (parsed.size() >= CACHE_LIMIT) {
        parsed.clear();
      }
      parsed.put(text, r);
    }
    return r;
  }

  private static void riskyTerms(Run run, SpfRecord rec, String domain, boolean top) {
    Evidence d = Evidence.of("domain", domain);
    boolean all = false;
    for (SpfTerm t : rec.mechanisms()) {
      if (t.kind() == SpfTerm.Kind.ALL) {
        all = true;
        if (t.qualifier() == '+') {
          run.findingOnce(
              SpfFinding.PASS_ALL, domain, "SPF record of " + domain + " ends in " + t.text(), d);
        } else if (t.qualifier() == '?' && top) {
          run.findingOnce(
              SpfFinding.NEUTRAL_ALL, domain, "SPF record of " + domain + " ends in ?all", d);
        }
      } else if (t.kind() == SpfTerm.Kind.PTR) {
        run.findingOnce(
            SpfFinding.PTR_USED, domain, "SPF record of " + domain + " uses " + t.text(), d);
      }
    }
    if (top && !all && rec.redirect() == null && run.analysis) {
      run.findingOnce(
          SpfFinding.NO_ALL, domain, "SPF record of " + domain + " has no all and no redirect", d);
    }
  }

  private static CompletableFuture<Res> done(Node node, SpfResult r) {
    node.result = r;
    node.matched = null;
    return CompletableFuture.completedFuture(Res.of(r));
  }

  private static SpfResult qualifierResult(char q) {
    switch (q) {
      case '-':
        return SpfResult.FAIL;
      case '~':
        return SpfResult.SOFTFAIL;
      case '?':
        return SpfResult.NEUTRAL;
      default:
        return SpfResult.PASS;
    }
  }

  private CompletableFuture<Res> evaluate(
      Run run, Node node, SpfRecord rec, String domain, int from) {
    List<SpfTerm> mechanisms = rec.mechanisms();
    for (int i = from; i < mechanisms.size(); i++) {
      SpfTerm t = mechanisms.get(i);
      switch (t.kind()) {
        case ALL:
          return matched(node, t, rec, domain);
        case IP4:
          if (!run.v6 && SpfIp.matches(run.ip, t.network(), t.cidr4())) {
            return matched(node, t, rec, domain);
          }
          continue;
        case IP6:
          if (run.v6 && SpfIp.matches(run.ip, t.network(), t.cidr6())) {
            return matched(node, t, rec, domain);
          }
          continue;
        default:
          break;
      }
      if (run.lookup() > maxLookups) {
        return done(node, lookupLimit(run, t));
      }
      int next = i + 1;
      return mechanism(run, node, t, domain)
          .thenCompose(
              m -> {
                if (m.error() != null) {
                  return done(node, m.error());
                }
                if (m.matched()) {
                  return matched(node, t, rec, domain);
                }
                return evaluate(run, node, rec, domain, next);
              });
    }
    SpfTerm redirect = rec.redirect();
    if (redirect == null || rec.hasAll()) {
      node.result = SpfResult.NEUTRAL;
      return CompletableFuture.completedFuture(new Res(SpfResult.NEUTRAL, null, null, null));
    }
    if (run.lookup() > maxLookups) {
      return done(node, lookupLimit(run, redirect));
    }
    return target(run, node, redirect.domainSpec(), domain)
        .thenCompose(
            target -> {
              Node child = node.child(target == null ? "(invalid)" : target, redirect.text());
              if (target == null) {
                child.result = SpfResult.NONE;
                run.finding(
                    SpfFinding.REDIRECT_NONE,
                    redirect.text() + " in the record of " + domain + " expands to no valid name",
                    Evidence.of("domain", domain));
                return done(node, SpfResult.PERMERROR);
              }
              return checkHost(run, child, target)
                  .thenApply(
                      r -> {
                        if (r.result() == SpfResult.NONE) {
                          run.finding(
                              SpfFinding.REDIRECT_NONE,
                              redirect.text() + ": " + target + " has no SPF record",
                              Evidence.of("domain", domain));
                          node.result = SpfResult.PERMERROR;
                          return Res.of(SpfResult.PERMERROR);
                        }
                        node.result = r.result();
                        node.matched = r.matched() == null ? null : redirect.text();
                        return r; // the target's exp= applies, not ours (§6.2)
                      });
            });
  }

  private static CompletableFuture<Res> matched(Node node, SpfTerm t, SpfRecord rec, String d) {
    SpfResult r = qualifierResult(t.qualifier());
    node.result = r;
    node.matched = t.text();
    return CompletableFuture.completedFuture(new Res(r, t.text(), rec.exp(), d));
  }

  private SpfResult lookupLimit(Run run, SpfTerm t) {
    run.findingOnce(
        SpfFinding.TOO_MANY_LOOKUPS,
        "",
        "more than "
            + maxLookups
            + " DNS-querying terms: "
            + t.text()
            + " would be number "
            + run.lookups,
        Evidence.of("limit", maxLookups));
    return SpfResult.PERMERROR;
  }

  private SpfResult voidLimit(Run run, String name) {
    run.findingOnce(
        SpfFinding.VOID_LOOKUPS,
        "",
        "more than " + maxVoids + " lookups found nothing; the last was " + name,
        Evidence.of("limit", maxVoids));
    return SpfResult.PERMERROR;
  }

  private SpfResult temp(Run run, AuthDns.Answer a) {
    String why = a.error().orElse("DNS error");
    if (a.lookup() == null && why.equals(DEADLINE_PASSED)) {
      run.findingOnce(
          SpfFinding.DEADLINE,
          "",
          "the check ran past its deadline of "
              + timeout.toMillis()
              + " ms before asking "
              + a.name(),
          Evidence.of("deadline", timeout));
      return SpfResult.TEMPERROR;
    }
    String lower = why.toLowerCase(Locale.ROOT);
    boolean timeout =
        (a.lookup() != null && "TIMEOUT".equalsIgnoreCase(a.lookup().rcode()))
            || lower.contains("timeout")
            || lower.contains("timed out")
            || lower.contains("deadline");
    run.finding(
        timeout ? SpfFinding.DNS_TIMEOUT : SpfFinding.TEMPERROR,
        a.name() + " " + a.type() + ": " + why,
        Evidence.of("query", a.name() + " " + a.type()));
    return SpfResult.TEMPERROR;
  }

  // ------------------------------------------------------------------ mechanisms

  private CompletableFuture<Match> mechanism(Run run, Node node, SpfTerm t, String domain) {
    return target(run, node, t.domainSpec(), domain)
        .thenCompose(
            target -> {
              if (t.kind() == SpfTerm.Kind.PTR) {
                return ptr(run, node, target == null ? null : target);
              }
              if (target == null) {
                if (t.kind() == SpfTerm.Kind.INCLUDE) {
                  node.child("(invalid)", t.text()).result = SpfResult.NONE;
                  run.finding(
                      SpfFinding.INCLUDE_NONE,
                      t.text() + " in the record of " + domain + " expands to no valid name",
                      Evidence.of("domain", domain));
                  return CompletableFuture.completedFuture(Match.error(SpfResult.PERMERROR));
                }
                run.finding(
                    SpfFinding.INVALID_TARGET,
                    t.text() + " in the record of " + domain + " expands to no valid name",
                    Evidence.of("domain", domain));
                return CompletableFuture.completedFuture(Match.NO);
              }
              switch (t.kind()) {
                case INCLUDE:
                  return include(run, node, t, target, domain);
                case A:
                  return address(run, node, t, target);
                case MX:
                  return mx(run, node, t, target);
                case EXISTS:
                  return exists(run, node, target);
                default:
                  throw new IllegalStateException("not a DNS mechanism: " + t.kind());
              }
            });
  }

  private CompletableFuture<Match> include(
      Run run, Node node, SpfTerm t, String target, String domain) {
    Node child = node.child(target, t.text());
    return checkHost(run, child, target)
        .thenApply(
            r -> {
              switch (r.result()) {
                case PASS:
                  return Match.YES;
                case FAIL:
                case SOFTFAIL:
                case NEUTRAL:
                  return Match.NO;
                case TEMPERROR:
                  return Match.error(SpfResult.TEMPERROR);
                case NONE:
                  run.finding(
                      SpfFinding.INCLUDE_NONE,
                      t.text()
                          + " in the record of "
                          + domain
                          + ": "
                          + target
                          + " has no SPF record",
                      Evidence.of("domain", domain));
                  return Match.error(SpfResult.PERMERROR);
                default:
                  return Match.error(SpfResult.PERMERROR);
              }
            });
  }

  private CompletableFuture<Match> address(Run run, Node node, SpfTerm t, String target) {
    RecordType type = run.v6 ? RecordType.AAAA : RecordType.A;
    return ask(run, target, type)
        .thenApply(
            a -> {
              note(run, node, a);
              if (a.status() == AuthDns.Status.TEMPERROR) {
                return Match.error(temp(run, a));
              }
              if (a.isVoid()) {
                return run.voidHit() > maxVoids ? Match.error(voidLimit(run, target)) : Match.NO;
              }
              return matchesAny(run, a, t) ? Match.YES : Match.NO;
            });
  }

  private static boolean matchesAny(Run run, AuthDns.Answer a, SpfTerm t) {
    int bits = run.v6 ? t.cidr6() : t.cidr4();
    for (DnsRecord r : a.records()) {
      String data = r.data().trim();
      byte[] b = run.v6 ? SpfIp.parse6(data) : SpfIp.parse4(data);
      if (SpfIp.matches(run.ip, b, bits)) {
        return true;
      }
    }
    return false;
  }

  private CompletableFuture<Match> exists(Run run, Node node, String target) {
    return ask(run, target, RecordType.A)
        .thenApply(
            a -> {
              note(run, node, a);
              if (a.status() == AuthDns.Status.TEMPERROR) {
                return Match.error(temp(run, a));
              }
              if (a.isVoid()) {
                return run.voidHit() > maxVoids ? Match.error(voidLimit(run, target)) : Match.NO;
              }
              return Match.YES;
            });
  }

  private CompletableFuture<Match> mx(Run run, Node node, SpfTerm t, String target) {
    return ask(run, target, RecordType.MX)
        .thenCompose(
            a -> {
              note(run, node, a);
              if (a.status() == AuthDns.Status.TEMPERROR) {
                return CompletableFuture.completedFuture(Match.error(temp(run, a)));
              }
              if (a.isVoid()) {
                return CompletableFuture.completedFuture(
                    run.voidHit() > maxVoids ? Match.error(voidLimit(run, target)) : Match.NO);
              }
              if (a.records().size() > MAX_NAMES) {
                run.finding(
                    SpfFinding.TOO_MANY_MX,
                    t.text() + ": " + target + " has " + a.records().size() + " MX records",
                    Evidence.of("domain", target));
                return CompletableFuture.completedFuture(Match.error(SpfResult.PERMERROR));
              }
              List<String> hosts = new ArrayList<>();
              for (DnsRecord r : a.records()) {
                String h = r.target().map(SpfEngine::stripDot).orElse("");
                if (!h.isEmpty() && askable(h)) {
                  hosts.add(h); // "." is a null MX (RFC 7505): nothing to look up
                }
              }
              return addresses(run, hosts)
                  .thenApply(
                      answers -> {
                        boolean hit = false;
                        for (AuthDns.Answer h : answers) {
                          note(run, node, h);
                        }
                        for (AuthDns.Answer h : answers) {
                          if (h.status() == AuthDns.Status.TEMPERROR) {
                            return Match.error(temp(run, h));
                          }
                          if (h.isVoid()) {
                            if (run.voidHit() > maxVoids) {
                              return Match.error(voidLimit(run, h.name()));
                            }
                          } else if (matchesAny(run, h, t)) {
                            hit = true;
                          }
                        }
                        return hit ? Match.YES : Match.NO;
                      });
            });
  }

  /** Asks the address record of each name at once (A or AAAA by the checked address). */
  private CompletableFuture<List<AuthDns.Answer>> addresses(Run run, List<String> hosts) {
    RecordType type = run.v6 ? RecordType.AAAA : RecordType.A;
    List<CompletableFuture<AuthDns.Answer>> fs = new ArrayList<>(hosts.size());
    for (String h : hosts) {
      fs.add(ask(run, h, type));
    }
    return CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              List<AuthDns.Answer> out = new ArrayList<>(fs.size());
              for (CompletableFuture<AuthDns.Answer> f : fs) {
                out.add(f.join());
              }
              return out;
            });
  }

  /** RFC 7208 §5.5: the ptr mechanism, matching validated names against the target. */
  private CompletableFuture<Match> ptr(Run run, Node node, String target) {
    if (target == null) {
      return CompletableFuture.completedFuture(Match.NO);
    }
    return validatedNames(run, node, true)
        .thenApply(
            names -> {
              if (names == null) {
                return Match.error(SpfResult.PERMERROR);
              }
              String t = target.toLowerCase(Locale.ROOT);
              for (String n : names) {
                if (n.equals(t) || n.endsWith("." + t)) {
                  return Match.YES;
                }
              }
              return Match.NO;
            });
  }

  /**
   * Returns the validated names of the checked address (RFC 7208 §5.5): PTR names, at most 10,
   * whose A/AAAA records contain the address. DNS errors give no names, never temperror. Null when
   * the void lookup limit was exceeded.
   */
  private CompletableFuture<List<String>> validatedNames(Run run, Node node, boolean countVoid) {
    String rev = SpfIp.reverseName(run.ip);
    return ask(run, rev, RecordType.PTR)
        .thenCompose(
            a -> {
              note(run, node, a);
              if (a.status() == AuthDns.Status.TEMPERROR) {
                return CompletableFuture.completedFuture(List.<String>of());
              }
              if (a.isVoid()) {
                if (countVoid && run.voidHit() > maxVoids) {
                  voidLimit(run, rev);
                  return CompletableFuture.completedFuture((List<String>) null);
                }
                return CompletableFuture.completedFuture(List.<String>of());
              }
              List<String> names = new ArrayList<>();
              for (DnsRecord r : a.records()) {
                if (names.size() == MAX_NAMES) {
                  break; // §4.6.4: the rest are ignored
                }
                String n = r.target().map(SpfEngine::stripDot).orElse("").toLowerCase(Locale.ROOT);
                if (!n.isEmpty() && queryable(n)) {
                  names.add(n);
                }
              }
              return addresses(run, names)
                  .thenApply(
                      answers -> {
                        List<String> valid = new ArrayList<>();
                        boolean over = false;
                        for (int i = 0; i < answers.size(); i++) {
                          AuthDns.Answer h = answers.get(i);
                          note(run, node, h);
                          if (h.isVoid() && countVoid && run.voidHit() > maxVoids) {
                            over = true;
                          }
                          if (h.status() == AuthDns.Status.RECORDS) {
                            for (DnsRecord r : h.records()) {
                              String data = r.data().trim();
                              byte[] b = run.v6 ? SpfIp.parse6(data) : SpfIp.parse4(data);
                              if (b != null && java.util.Arrays.equals(b, run.ip)) {
                                valid.add(names.get(i));
                                break;
                              }
                            }
                          }
                        }
                        if (over) {
                          voidLimit(run, rev);
                          return null;
                        }
                        return valid;
                      });
            });
  }

  // ------------------------------------------------------------------ macros and names

  /**
   * Expands a domain-spec (or returns the current domain for null) and checks the result can be
   * asked: null when it cannot.
   */
  private CompletableFuture<String> target(Run run, Node node, String spec, String domain) {
    if (spec == null) {
      return CompletableFuture.completedFuture(domain);
    }
    if (SpfMacro.usesP(spec) && run.pName == null) {
      return pName(run, node, domain).thenApply(p -> expandTarget(run, spec, domain));
    }
    return CompletableFuture.completedFuture(expandTarget(run, spec, domain));
  }

  private String expandTarget(Run run, String spec, String domain) {
    String name = SpfMacro.truncate(SpfMacro.expand(spec, values(run, domain)));
    return name.isEmpty() || !askable(name) ? null : name.toLowerCase(Locale.ROOT);
  }

  /** Resolves {@code %{p}} (RFC 7208 §7.3): the domain, a subdomain of it, any name, or unknown. */
  private CompletableFuture<String> pName(Run run, Node node, String domain) {
    if (run.ip == null) {
      run.pName = "unknown";
      return CompletableFuture.completedFuture(run.pName);
    }
    return validatedNames(run, node, false)
        .thenApply(
            names -> {
              String pick = null;
              if (names != null) {
                for (String n : names) {
                  if (n.equals(domain)) {
                    pick = n;
                    break;
                  }
                }
                for (int i = 0; pick == null && i < names.size(); i++) {
                  if (names.get(i).endsWith("." + domain)) {
                    pick = names.get(i);
                  }
                }
                if (pick == null && !names.isEmpty()) {
                  pick = names.get(0);
                }
              }
              run.pName = pick == null ? "unknown" : pick;
              return run.pName;
            });
  }

  private SpfMacro.Values values(Run run, String domain) {
    return letter -> {
      switch (letter) {
        case 's':
          return run.sender;
        case 'l':
          return run.local;
        case 'o':
          return run.senderDomain;
        case 'd':
          return domain;
        case 'i':
          return run.ip == null ? "" : SpfIp.macroText(run.ip);
        case 'p':
          return run.pName == null ? "unknown" : run.pName;
        case 'v':
          return run.v6 ? "ip6" : "in-addr";
        case 'h':
          return run.helo;
        case 'c':
          return run.address == null ? "" : IpAddressText.format(run.address);
        case 'r':
          return receiver;
        case 't':
          return Long.toString(environment.timeSource().instant().getEpochSecond());
        default:
          return "";
      }
    };
  }

  /** RFC 7208 §6.2: the explanation of a FAIL; any trouble means no explanation. */
  private CompletableFuture<String> explanation(Run run, Node root, Res res) {
    String domain = res.expDomain();
    return target(run, root, res.exp().domainSpec(), domain)
        .thenCompose(
            name -> {
              if (name == null) {
                run.finding(
                    SpfFinding.EXP_UNUSABLE,
                    res.exp().text() + " expands to no valid name",
                    Evidence.of("domain", domain));
                return CompletableFuture.completedFuture((String) null);
              }
              return ask(run, name, RecordType.TXT)
                  .thenCompose(
                      a -> {
                        note(run, root, a);
                        List<String> texts = a.texts();
                        if (a.status() == AuthDns.Status.RECORDS
                            && texts.size() == 1
                            && run.pName == null
                            && SpfMacro.usesP(texts.get(0))) {
                          return pName(run, root, domain).thenApply(p -> a);
                        }
                        return CompletableFuture.completedFuture(a);
                      })
                  .thenApply(
                      a -> {
                        List<String> texts = a.texts();
                        if (a.status() != AuthDns.Status.RECORDS || texts.size() != 1) {
                          run.finding(
                              SpfFinding.EXP_UNUSABLE,
                              name
                                  + (a.status() == AuthDns.Status.RECORDS
                                      ? " has " + texts.size() + " TXT records, not one"
                                      : " TXT: " + a.status()),
                              Evidence.of("domain", name));
                          return null;
                        }
                        String text = texts.get(0);
                        String bad = SpfMacro.check(text, true);
                        if (bad != null) {
                          run.finding(
                              SpfFinding.EXP_UNUSABLE,
                              "explanation at " + name + ": " + bad,
                              Evidence.of("domain", name));
                          return null;
                        }
                        return SpfMacro.expand(text, values(run, domain));
                      });
            });
  }

  /** RFC 7208 §4.3: a multi-label name with labels of 1 to 63 characters. */
  static boolean fqdn(String domain) {
    String d = stripDot(domain);
    if (d.isEmpty() || d.length() > 253 || d.indexOf('.') < 0) {
      return false;
    }
    int start = 0;
    for (int i = 0; i <= d.length(); i++) {
      if (i == d.length() || d.charAt(i) == '.') {
        int len = i - start;
        if (len < 1 || len > 63) {
          return false;
        }
        start = i + 1;
      }
    }
    return true;
  }

  /**
   * Whether a target name can be asked at all: labels of 1 to 63 printable ASCII characters (a
   * domain-spec may hold any visible character, RFC 7208 §7.1, and the macros {@code %_} and {@code
   * %-} put spaces and {@code %20} in it), 253 characters in all. The DNS query is built with
   * {@code strictNames(false)} to match.
   */
  static boolean askable(String name) {
    if (name.length() > 253) {
      return false;
    }
    int start = 0;
    for (int i = 0; i <= name.length(); i++) {
      if (i < name.length() && name.charAt(i) != '.') {
        char c = name.charAt(i);
        if (c < 0x20 || c > 0x7e) {
          return false;
        }
        continue;
      }
      int len = i - start;
      if (len < 1 || len > 63) {
        return false;
      }
      start = i + 1;
    }
    return true;
  }

  /** Whether the DNS layer can ask about the name (host-name syntax, not an IP literal). */
  static boolean queryable(String name) {
    try {
      DomainName.of(name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String stripDot(String s) {
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  // ------------------------------------------------------------------ DNS

  private CompletableFuture<AuthDns.Answer> ask(Run run, String name, RecordType type) {
    if (run.done) {
      return CompletableFuture.failedFuture(new java.util.concurrent.CancellationException());
    }
    if (environment.timeSource().nanoTime() > run.deadline) {
      return CompletableFuture.completedFuture(
          new AuthDns.Answer(
              name, type, AuthDns.Status.TEMPERROR, List.of(), null, Optional.of(DEADLINE_PASSED)));
    }
    CompletableFuture<AuthDns.Answer> f = dns.askAsync(name, type);
    run.inflight.add(f);
    f.whenComplete((a, e) -> run.inflight.remove(f));
    return f;
  }

  private static void note(Run run, Node node, AuthDns.Answer a) {
    if (a.lookup() != null) {
      node.lookups.add(a.lookup());
    }
  }

  // ------------------------------------------------------------------ record analysis

  /**
   * Analyses a domain's record without an address.
   *
   * @param domain the domain
   * @return the report; never completes exceptionally for DNS or record trouble
   */
  public CompletableFuture<SpfRecordReport> record(String domain) {
    long t0 = environment.timeSource().nanoTime();
    java.time.Instant started = environment.timeSource().instant();
    String d = stripDot(domain.strip()).toLowerCase(Locale.ROOT);
    Run run = new Run(null, "postmaster@" + d, "postmaster", d, d, t0 + timeout.toNanos());
    run.analysis = true;
    SpfRecordReport.Builder b = SpfRecordReport.builder().domain(d).startedAt(started);
    if (!fqdn(d) || !queryable(d)) {
      b.addFinding(
          SpfFinding.INVALID_DOMAIN.finding(
              "\"" + SpfMacro.clip(d) + "\" is not a fully qualified domain name",
              Evidence.of("domain", d)));
      return CompletableFuture.completedFuture(b.elapsed(elapsed(t0)).build());
    }
    Node root = new Node(d, "");
    Set<String> path = new HashSet<>();
    CompletableFuture<SpfRecordReport> out = new CompletableFuture<>();
    ScheduledFuture<?> timer =
        TIMER.schedule(
            () ->
                environment
                    .executor()
                    .execute(
                        () -> {
                          if (out.isDone()) {
                            return;
                          }
                          run.done = true;
                          out.complete(
                              SpfRecordReport.builder()
                                  .domain(d)
                                  .startedAt(started)
                                  .dnsLookups(run.lookupsSnapshot.get())
                                  .voidLookups(run.voidsSnapshot.get())
                                  .addFinding(
                                      SpfFinding.DEADLINE.finding(
                                          "the analysis did not finish within "
                                              + timeout.toMillis()
                                              + " ms",
                                          Evidence.of("deadline", timeout)))
                                  .elapsed(elapsed(t0))
                                  .build());
                          cancelInflight(run);
                        }),
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
    out.whenComplete(
        (r, e) -> {
          timer.cancel(false);
          if (e != null) {
            run.done = true;
            cancelInflight(run);
          }
        });
    analyse(run, root, d, path)
        .whenComplete(
            (v, e) -> {
              if (out.isDone()) {
                return;
              }
              if (e != null) {
                out.completeExceptionally(e);
                return;
              }
              if (run.lookups > maxLookups) {
                run.finding(
                    SpfFinding.TOO_MANY_LOOKUPS,
                    "the record needs "
                        + run.lookups
                        + " DNS-querying terms when nothing matches; the limit is "
                        + maxLookups,
                    Evidence.of("limit", maxLookups));
              }
              if (run.voids > maxVoids) {
                run.finding(
                    SpfFinding.VOID_LOOKUPS,
                    run.voids + " lookups found nothing; the limit is " + maxVoids,
                    Evidence.of("limit", maxVoids));
              }
              b.record(root.record)
                  .dnsLookups(run.lookups)
                  .voidLookups(run.voids)
                  .evaluation(root.freeze())
                  .elapsed(elapsed(t0));
              for (Finding f : run.findings) {
                b.addFinding(f);
              }
              out.complete(b.build());
            });
    return out;
  }

  private CompletableFuture<Void> analyse(Run run, Node node, String domain, Set<String> path) {
    run.nodes++;
    run.lookupsSnapshot.set(run.lookups);
    run.voidsSnapshot.set(run.voids);
    path.add(domain);
    return ask(run, domain, RecordType.TXT)
        .thenCompose(
            a -> {
              note(run, node, a);
              if (a.status() == AuthDns.Status.TEMPERROR) {
                node.result = temp(run, a);
                return CompletableFuture.<Void>completedFuture(null);
              }
              List<String> spf = new ArrayList<>();
              for (String t : a.texts()) {
                if (SpfRecord.isSpf(t)) {
                  spf.add(t);
                }
              }
              if (a.isVoid()) {
                run.voidHit();
              }
              if (spf.isEmpty()) {
                node.result = SpfResult.NONE;
                if (node.via.isEmpty()) {
                  run.finding(
                      SpfFinding.NO_RECORD,
                      domain + " has no SPF record",
                      Evidence.of("domain", domain));
                }
                return CompletableFuture.<Void>completedFuture(null);
              }
              if (spf.size() > 1) {
                node.result = SpfResult.PERMERROR;
                run.finding(
                    SpfFinding.MULTIPLE_RECORDS,
                    domain + " publishes " + spf.size() + " SPF records",
                    Evidence.of("domain", domain));
                return CompletableFuture.<Void>completedFuture(null);
              }
              node.record = spf.get(0);
              SpfRecord rec = parse(node.record);
              if (rec.error().isPresent()) {
                node.result = SpfResult.PERMERROR;
                run.finding(
                    SpfFinding.SYNTAX,
                    "SPF record of " + domain + ": " + rec.error().get(),
                    Evidence.of("domain", domain),
                    Evidence.of("record", SpfMacro.clip(node.record)));
                return CompletableFuture.<Void>completedFuture(null);
              }
              node.result = SpfResult.NEUTRAL;
              riskyTerms(run, rec, domain, node.via.isEmpty());
              List<SpfTerm> terms = new ArrayList<>();
              for (SpfTerm t : rec.mechanisms()) {
                if (t.kind().countsLookup()) {
                  terms.add(t);
                }
              }
              if (rec.redirect() != null && !rec.hasAll()) {
                terms.add(rec.redirect());
              }
              return analyseTerms(run, node, domain, path, terms, 0)
                  .whenComplete((v, e) -> path.remove(domain));
            });
  }

  private CompletableFuture<Void> analyseTerms(
      Run run, Node node, String domain, Set<String> path, List<SpfTerm> terms, int i) {
    for (; i < terms.size(); i++) {
      SpfTerm t = terms.get(i);
      run.lookup();
      if (run.lookups > 4 * maxLookups || run.nodes >= MAX_ANALYSIS_NODES) {
        return CompletableFuture.completedFuture(null); // far past the limit: stop following
      }
      String spec = t.domainSpec();
      boolean fixed = spec == null || onlyDomainMacros(spec);
      if (!fixed) {
        continue; // depends on the sender or address: cannot be followed without them
      }
      String target = expandTarget(run, spec == null ? "%{d}" : spec, domain);
      if (target == null) {
        run.finding(
            t.kind() == SpfTerm.Kind.INCLUDE
                ? SpfFinding.INCLUDE_NONE
                : t.kind() == SpfTerm.Kind.REDIRECT
                    ? SpfFinding.REDIRECT_NONE
                    : SpfFinding.INVALID_TARGET,
            t.text() + " in the record of " + domain + " is not a valid name",
            Evidence.of("domain", domain));
        continue;
      }
      int next = i + 1;
      switch (t.kind()) {
        case INCLUDE:
        case REDIRECT:
          {
            if (path.contains(target)) {
              node.child(target, t.text()).result = SpfResult.PERMERROR;
              run.findingOnce(
                  SpfFinding.INCLUDE_LOOP,
                  target,
                  t.text() + " in the record of " + domain + " leads back to " + target,
                  Evidence.of("domain", domain));
              run.lookups = Math.max(run.lookups, maxLookups + 1);
              continue;
            }
            Node child = node.child(target, t.text());
            return analyse(run, child, target, path)
                .thenCompose(
                    v -> {
                      if (child.result == SpfResult.NONE) {
                        run.finding(
                            t.kind() == SpfTerm.Kind.INCLUDE
                                ? SpfFinding.INCLUDE_NONE
                                : SpfFinding.REDIRECT_NONE,
                            t.text()
                                + " in the record of "
                                + domain
                                + ": "
                                + target
                                + " has no SPF record",
                            Evidence.of("domain", domain));
                      }
                      return analyseTerms(run, node, domain, path, terms, next);
                    });
          }
        case A:
        case EXISTS:
        case MX:
          {
            RecordType type = t.kind() == SpfTerm.Kind.MX ? RecordType.MX : RecordType.A;
            return ask(run, target, type)
                .thenCompose(
                    a -> {
                      note(run, node, a);
                      if (a.status() == AuthDns.Status.TEMPERROR) {
                        temp(run, a);
                      } else if (a.isVoid() && t.kind() == SpfTerm.Kind.A) {
                        // an IPv6-only host is void for IPv4 senders only: ask AAAA as well
                        return ask(run, target, RecordType.AAAA)
                            .thenCompose(
                                six -> {
                                  note(run, node, six);
                                  if (six.isVoid()) {
                                    run.voidHit();
                                  }
                                  return analyseTerms(run, node, domain, path, terms, next);
                                });
                      } else if (a.isVoid()) {
                        run.voidHit();
                      } else if (t.kind() == SpfTerm.Kind.MX && a.records().size() > MAX_NAMES) {
                        run.finding(
                            SpfFinding.TOO_MANY_MX,
                            t.text() + ": " + target + " has " + a.records().size() + " MX records",
                            Evidence.of("domain", target));
                      }
                      return analyseTerms(run, node, domain, path, terms, next);
                    });
          }
        default:
          continue; // ptr: counted, nothing to look up without an address
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  /** Whether a domain-spec's macros are only {@code %{d}} (and escapes), so it can be followed. */
  private static boolean onlyDomainMacros(String spec) {
    for (int i = 0; i + 2 < spec.length(); i++) {
      if (spec.charAt(i) == '%') {
        char d = spec.charAt(i + 1);
        if (d == '{' && Character.toLowerCase(spec.charAt(i + 2)) != 'd') {
          return false;
        }
        i++;
      }
    }
    return true;
  }
}
