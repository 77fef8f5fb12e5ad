package dev.mailpath.diag.auth.internal;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.auth.DkimReport;
import dev.mailpath.diag.auth.DkimResult;
import dev.mailpath.diag.auth.DkimSignatureResult;
import dev.mailpath.diag.auth.DmarcAlignment;
import dev.mailpath.diag.auth.DmarcDisposition;
import dev.mailpath.diag.auth.DmarcFinding;
import dev.mailpath.diag.auth.DmarcIdentifierCheck;
import dev.mailpath.diag.auth.DmarcOrganizationalDomain;
import dev.mailpath.diag.auth.DmarcPolicy;
import dev.mailpath.diag.auth.DmarcRecord;
import dev.mailpath.diag.auth.DmarcRecordReport;
import dev.mailpath.diag.auth.DmarcReport;
import dev.mailpath.diag.auth.DmarcReportUri;
import dev.mailpath.diag.auth.DmarcResult;
import dev.mailpath.diag.auth.SpfIdentity;
import dev.mailpath.diag.auth.SpfReport;
import dev.mailpath.diag.auth.SpfResult;
import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DomainName;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.dns.DnsLookup;
import dev.mailpath.diag.dns.RecordType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The DMARC machinery behind {@code DmarcCheck}: the DNS Tree Walk, Organizational Domain
 * selection, policy discovery, the external report destination check and identifier alignment, all
 * as chains of futures on {@link AuthDns} (no thread per call), bounded by one overall timeout.
 *
 * <p>Rules and where they come from. Section titles are RFC 9989's; the numbers in brackets are
 * those of the draft-ietf-dmarc-dmarcbis source text consulted (Markdown in the working group's
 * repository), which RFC 9989 may have renumbered: Non-existent Domains [3.2.7], Authentication
 * Mechanisms [4.3], Identifier Alignment Explained [4.4, 4.4.1 DKIM, 4.4.2 SPF], DNS Tree Walk
 * [4.6], DMARC Policy Discovery [4.7], Organizational Domain Discovery [4.8], General Record Format
 * [5.3], Formal Definition [5.4], Determine Handling Policy [5.7.2]. That draft text still had the
 * older label limit (5 labels, cut to 4); RFC 9989 and its last drafts use 8 and 7, as here.
 *
 * <ul>
 *   <li>"DNS Tree Walk": ask {@code _dmarc.<domain>} TXT; keep texts whose first tag is {@code
 *       v=DMARC1}; several such records at one name are all discarded; then go on from at most the
 *       7 rightmost labels (a name of 8 or more labels jumps to its 7 rightmost) and remove one
 *       label at a time, down to the one-label name: at most 8 queries. The walk stops at a record
 *       with {@code psd=n}, or {@code psd=y} anywhere but the start.
 *   <li>"DMARC Policy Discovery": the policy record is the first valid record on the walk; {@code
 *       p} applies when it is the From domain's own, else {@code sp} for an existing domain and
 *       {@code np} for a non-existent one (RFC 8020: NXDOMAIN), each falling back to {@code sp}
 *       then {@code p}. An invalid {@code p}/{@code sp}/{@code np} reads as {@code p=none} when
 *       {@code rua} has a valid URI, else the record is unusable. A transient DNS error is never
 *       "no record".
 *   <li>"Organizational Domain Discovery": over the walk's records from the longest name to the
 *       shortest, {@code psd=n} makes that domain the Organizational Domain; {@code psd=y} (not at
 *       the start) makes it the domain one label below; otherwise the record with the fewest
 *       labels; without records the start domain itself.
 *   <li>"Identifier Alignment Explained": strict is equality, relaxed is equal Organizational
 *       Domains (compared case-insensitively); SPF counts only for the MAIL FROM identity
 *       ("Authentication Mechanisms"); any verified DKIM signature whose {@code d=} aligns counts.
 *   <li>"Determine Handling Policy": no aligned pass and a temporary error in SPF or DKIM gives no
 *       conclusion (TEMPERROR), never FAIL.
 * </ul>
 *
 * <p>Thread-safe; one instance serves any number of concurrent calls.
 */
public final class DmarcEngine {
  /** RFC 9989: names of 8 or more labels are cut to their 7 rightmost after the first query. */
  static final int WALK_LABELS = 7;

  /** At most this many DKIM signatures are considered; more is an attack, not a message. */
  static final int MAX_SIGNATURES = 20;

  private final AuthDns dns;
  private final Duration timeout;
  private final DiagEnvironment environment;

  /**
   * Creates the engine.
   *
   * @param dns the DNS helper
   * @param timeout the bound of one call
   * @param environment clock and executor
   */
  public DmarcEngine(AuthDns dns, Duration timeout, DiagEnvironment environment) {
    this.dns = requireNonNull(dns, "dns");
    this.timeout = requireNonNull(timeout, "timeout");
    this.environment = requireNonNull(environment, "environment");
  }

  // ---------------------------------------------------------------------------------------------
  // One call's state

  /** The state of one call: the queries made so far, the stop flag, the walks already made. */
  static final class Call {
    final List<DnsLookup> lookups = new ArrayList<>();
    final Map<String, CompletableFuture<Walk>> walks = new ConcurrentHashMap<>();
    volatile boolean stopped;

    synchronized void add(DnsLookup l) {
      lookups.add(l);
    }

    synchronized List<DnsLookup> snapshot() {
      return List.copyOf(lookups);
    }
  }

  /** How one name on the walk answered. */
  enum Kind {
    RECORD,
    NONE,
    MULTIPLE,
    TEMPERROR
  }

  /** One name on the walk. */
  record Step(String domain, Kind kind, DmarcRecordParser.Parsed parsed, int count, String error) {}

  /** A whole walk from {@code start}. */
  record Walk(String start, List<Step> steps) {
    Walk {
      steps = List.copyOf(steps);
    }

    boolean temperror() {
      return steps.stream().anyMatch(s -> s.kind() == Kind.TEMPERROR);
    }

    Optional<Step> policyStep() {
      for (Step s : steps) {
        if (s.kind() == Kind.RECORD) {
          return Optional.of(s);
        }
        if (s.kind() == Kind.TEMPERROR) {
          return Optional.empty(); // a record further up might not be the one that applies
        }
      }
      return Optional.empty();
    }

    /** RFC 9989 "Organizational Domain Discovery", the three selection rules in order. */
    DmarcOrganizationalDomain organizationalDomain() {
      Step fewest = null;
      for (Step s : steps) {
        if (s.kind() != Kind.RECORD) {
          continue;
        }
        DmarcRecord.Psd psd = s.parsed().record().publicSuffix();
        if (psd == DmarcRecord.Psd.NO) {
          return new DmarcOrganizationalDomain(s.domain(), DmarcOrganizationalDomain.Basis.PSD_N);
        }
        if (psd == DmarcRecord.Psd.YES && !s.domain().equals(start)) {
          return new DmarcOrganizationalDomain(
              oneBelow(start, s.domain()), DmarcOrganizationalDomain.Basis.BELOW_PSD_Y);
        }
        fewest = s;
      }
      if (fewest != null) {
        return new DmarcOrganizationalDomain(
            fewest.domain(), DmarcOrganizationalDomain.Basis.FEWEST_LABELS);
      }
      return new DmarcOrganizationalDomain(start, DmarcOrganizationalDomain.Basis.NO_RECORD);
    }
  }

  /** The name in {@code start}'s path with one label more than {@code suffix}. */
  static String oneBelow(String start, String suffix) {
    return rightmost(start, labels(suffix) + 1);
  }

  static int labels(String domain) {
    int n = 1;
    for (int i = 0; i < domain.length(); i++) {
      if (domain.charAt(i) == '.') {
        n++;
      }
    }
    return n;
  }

  static String rightmost(String domain, int count) {
    int n = labels(domain);
    int cut = 0;
    for (int drop = n - count; drop > 0; drop--) {
      cut = domain.indexOf('.', cut) + 1;
    }
    return domain.substring(cut);
  }

  /**
   * The next target of the tree walk (RFC 9989 "DNS Tree Walk" steps 5 and 8): fewer than 8 labels,
   * remove the leftmost; 8 or more, keep the 7 rightmost.
   *
   * @param target the name just asked
   * @return the next name, or null after the one-label name
   */
  static String next(String target) {
    int x = labels(target);
    if (x <= 1) {
      return null;
    }
    return x > WALK_LABELS ? rightmost(target, WALK_LABELS) : rightmost(target, x - 1);
  }

  // ---------------------------------------------------------------------------------------------
  // DNS

  private CompletableFuture<AuthDns.Answer> ask(Call c, String name, RecordType type) {
    if (c.stopped) {
      return CompletableFuture.completedFuture(
          new AuthDns.Answer(
              name,
              type,
              AuthDns.Status.TEMPERROR,
              List.of(),
              null,
              Optional.of("the check ran out of time")));
    }
    CompletableFuture<AuthDns.Answer> f;
    try {
      f = dns.askAsync(name, type);
    } catch (IllegalArgumentException e) {
      // A name over 253 octets (a long domain under "_dmarc." or "._report._dmarc.") cannot exist.
      return CompletableFuture.completedFuture(
          new AuthDns.Answer(
              name, type, AuthDns.Status.NXDOMAIN, List.of(), null, Optional.of(e.getMessage())));
    }
    return f.thenApply(
        a -> {
          if (a.lookup() != null) {
            c.add(a.lookup());
          }
          return a;
        });
  }

  private CompletableFuture<Walk> walk(Call c, String start) {
    return c.walks.computeIfAbsent(start, s -> step(c, s, s, new ArrayList<>()));
  }

  private CompletableFuture<Walk> step(Call c, String start, String target, List<Step> steps) {
    return ask(c, "_dmarc." + target, RecordType.TXT)
        .thenCompose(
            a -> {
              Step s = toStep(target, a);
              steps.add(s);
              if (s.kind() == Kind.TEMPERROR) {
                return CompletableFuture.completedFuture(new Walk(start, steps));
              }
              if (s.kind() == Kind.RECORD) {
                DmarcRecord.Psd psd = s.parsed().record().publicSuffix();
                if (psd == DmarcRecord.Psd.NO
                    || (psd == DmarcRecord.Psd.YES && !target.equals(start))) {
                  return CompletableFuture.completedFuture(new Walk(start, steps));
                }
              }
              String next = next(target);
              if (next == null) {
                return CompletableFuture.completedFuture(new Walk(start, steps));
              }
              return step(c, start, next, steps);
            });
  }

  private static Step toStep(String target, AuthDns.Answer a) {
    switch (a.status()) {
      case TEMPERROR:
        return new Step(target, Kind.TEMPERROR, null, 0, a.error().orElse("DNS failed"));
      case RECORDS:
        List<String> dmarc = a.texts().stream().filter(DmarcRecordParser::isDmarc).toList();
        if (dmarc.size() == 1) {
          return new Step(target, Kind.RECORD, DmarcRecordParser.parse(dmarc.get(0)), 1, null);
        }
        if (dmarc.size() > 1) {
          return new Step(target, Kind.MULTIPLE, null, dmarc.size(), null);
        }
        return new Step(target, Kind.NONE, null, 0, null);
      default:
        return new Step(target, Kind.NONE, null, 0, null);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Policy discovery

  /** The policy part of a call, before it becomes a report. */
  record Policy(
      String domain,
      Walk walk,
      Step step,
      DmarcRecord record,
      String appliedTag,
      DmarcPolicy appliedPolicy,
      Boolean exists,
      boolean unusable,
      boolean temperror,
      List<Finding> findings) {}

  private CompletableFuture<Policy> policy(Call c, String domain, boolean checkDestinations) {
    return walk(c, domain)
        .thenCompose(
            w -> {
              List<Finding> findings = new ArrayList<>();
              for (Step s : w.steps()) {
                if (s.kind() == Kind.MULTIPLE) {
                  findings.add(
                      DmarcFinding.MULTIPLE_RECORDS.finding(
                          "_dmarc."
                              + s.domain()
                              + " has "
                              + s.count()
                              + " DMARC records; all are discarded and the walk goes on"));
                } else if (s.kind() == Kind.TEMPERROR) {
                  findings.add(
                      DmarcFinding.TEMPERROR.finding(
                          "_dmarc." + s.domain() + " TXT: " + s.error() + "; the walk stopped"));
                }
              }
              Optional<Step> found = w.policyStep();
              if (found.isEmpty()) {
                if (!w.temperror()) {
                  findings.add(
                      DmarcFinding.NONE.finding(
                          "no DMARC record at _dmarc."
                              + domain
                              + " or any parent on the DNS Tree Walk ("
                              + w.steps().size()
                              + " queries)"));
                }
                return CompletableFuture.completedFuture(
                    new Policy(
                        domain, w, null, null, null, null, null, false, w.temperror(), findings));
              }
              Step s = found.get();
              DmarcRecordParser.Parsed parsed = s.parsed();
              String where = "_dmarc." + s.domain() + ": ";
              for (Finding f : parsed.findings()) {
                findings.add(prefix(where, f));
              }
              boolean own = s.domain().equals(domain);
              CompletableFuture<Boolean> exists =
                  own ? CompletableFuture.completedFuture(Boolean.TRUE) : exists(c, domain);
              return exists.thenCompose(
                  ex -> {
                    Policy p = choose(domain, w, s, parsed, own, ex, findings);
                    if (!checkDestinations) {
                      return CompletableFuture.completedFuture(p);
                    }
                    return destinations(c, p);
                  });
            });
  }

  /** RFC 9989 policy discovery: which tag applies, with the fallbacks. */
  private static Policy choose(
      String domain,
      Walk w,
      Step s,
      DmarcRecordParser.Parsed parsed,
      boolean own,
      Boolean exists,
      List<Finding> findings) {
    DmarcRecord r = parsed.record();
    String where = "_dmarc." + s.domain() + ": ";
    boolean temperror = w.temperror();
    String tag;
    if (own) {
      tag = "p";
    } else if (exists == null) {
      tag = null;
      temperror = true;
      findings.add(
          DmarcFinding.TEMPERROR.finding(
              "could not tell whether " + domain + " exists (to choose between sp and np)"));
    } else {
      tag = exists ? "sp" : "np";
    }
    DmarcPolicy policy = null;
    boolean unusable = false;
    if (parsed.policyInvalid()) {
      if (parsed.hasValidRua()) {
        policy = DmarcPolicy.NONE;
        findings.add(
            DmarcFinding.POLICY_INVALID.finding(
                Severity.WARNING,
                where + "invalid policy tag; rua is valid, so receivers act as if p=none"));
      } else {
        unusable = true;
        findings.add(
            DmarcFinding.POLICY_INVALID.finding(
                where + "invalid policy tag and no valid rua: no DMARC processing applies"));
      }
    } else {
      DmarcPolicy p = r.policy().orElse(DmarcPolicy.NONE);
      if (parsed.policyMissing()) {
        findings.add(DmarcFinding.POLICY_MISSING.finding(where + "no p= tag; read as p=none"));
      }
      if (tag != null) {
        policy =
            switch (tag) {
              case "p" -> p;
              case "sp" -> r.subdomainPolicy().orElse(p);
              default -> r.nonExistentPolicy().or(r::subdomainPolicy).orElse(p);
            };
      }
    }
    if (!own && tag != null) {
      String psd = r.publicSuffix() == DmarcRecord.Psd.YES ? " (a public suffix domain)" : "";
      String which =
          tag.equals("np")
              ? domain + " does not exist (NXDOMAIN), so np applies"
              : domain + " has no record of its own, so sp applies";
      String fallback =
          tag.equals("np") && r.nonExistentPolicy().isEmpty()
              ? (r.subdomainPolicy().isPresent()
                  ? "; np is absent, sp is used"
                  : "; np and sp" + " are absent, p is used")
              : tag.equals("sp") && r.subdomainPolicy().isEmpty()
                  ? "; sp is absent, p is used"
                  : "";
      findings.add(
          DmarcFinding.INHERITED_POLICY.finding(
              "policy from _dmarc." + s.domain() + psd + ": " + which + fallback));
    }
    if (policy == DmarcPolicy.NONE && !unusable) {
      findings.add(
          DmarcFinding.POLICY_NONE.finding(
              "the policy that applies to " + domain + " is none (" + tag + ")"));
    }
    if (r.testing()) {
      findings.add(
          DmarcFinding.TESTING.finding(where + "t=y: receivers are asked not to apply the policy"));
    }
    return new Policy(
        domain, w, s, r, tag, policy, exists, unusable, temperror, List.copyOf(findings));
  }

  /** RFC 9989 "Non-existent Domains" (RFC 8020): NXDOMAIN means the name does not exist. */
  private CompletableFuture<Boolean> exists(Call c, String domain) {
    return ask(c, domain, RecordType.A)
        .thenApply(
            a ->
                switch (a.status()) {
                  case NXDOMAIN -> Boolean.FALSE;
                  case TEMPERROR -> null;
                  default -> Boolean.TRUE;
                });
  }

  /**
   * The external destination check (RFC 7489 §7.1, kept by RFC 9989's reporting documents): a
   * destination outside the Organizational Domain must publish {@code v=DMARC1} at {@code
   * <org-domain>._report._dmarc.<destination>}.
   */
  private CompletableFuture<Policy> destinations(Call c, Policy p) {
    String org = p.walk().organizationalDomain().domain();
    List<CompletableFuture<DmarcReportUri>> rua = new ArrayList<>();
    for (DmarcReportUri u : p.record().aggregateReports()) {
      rua.add(destination(c, org, u));
    }
    List<CompletableFuture<DmarcReportUri>> ruf = new ArrayList<>();
    for (DmarcReportUri u : p.record().failureReports()) {
      ruf.add(destination(c, org, u));
    }
    List<CompletableFuture<DmarcReportUri>> all = new ArrayList<>(rua);
    all.addAll(ruf);
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              List<DmarcReportUri> a = rua.stream().map(CompletableFuture::join).toList();
              List<DmarcReportUri> f = ruf.stream().map(CompletableFuture::join).toList();
              List<Finding> findings = new ArrayList<>(p.findings());
              for (DmarcReportUri u : all.stream().map(CompletableFuture::join).toList()) {
                if (u.destination() == DmarcReportUri.Destination.NOT_AUTHORIZED) {
                  findings.add(
                      DmarcFinding.RUA_EXTERNAL_UNAUTHORIZED.finding(
                          u.uri()
                              + ": no v=DMARC1 record at "
                              + org
                              + "._report._dmarc."
                              + u.domain().orElse("")));
                } else if (u.destination() == DmarcReportUri.Destination.NOT_CHECKED
                    && u.domain().isPresent()) {
                  findings.add(
                      DmarcFinding.TEMPERROR.finding(
                          Severity.WARNING,
                          u.uri() + ": the external destination check failed (DNS)"));
                }
              }
              return new Policy(
                  p.domain(),
                  p.walk(),
                  p.step(),
                  p.record().withReportUris(a, f),
                  p.appliedTag(),
                  p.appliedPolicy(),
                  p.exists(),
                  p.unusable(),
                  p.temperror(),
                  findings);
            });
  }

  private CompletableFuture<DmarcReportUri> destination(Call c, String org, DmarcReportUri u) {
    if (u.domain().isEmpty()) {
      return CompletableFuture.completedFuture(u);
    }
    String dest = u.domain().get();
    if (dest.equals(org) || dest.endsWith("." + org)) {
      return CompletableFuture.completedFuture(
          u.withDestination(DmarcReportUri.Destination.SAME_ORGANIZATION));
    }
    return ask(c, org + "._report._dmarc." + dest, RecordType.TXT)
        .thenApply(
            a -> {
              if (a.status() == AuthDns.Status.TEMPERROR) {
                return u;
              }
              boolean ok =
                  a.status() == AuthDns.Status.RECORDS
                      && a.texts().stream().anyMatch(DmarcRecordParser::isDmarc);
              return u.withDestination(
                  ok
                      ? DmarcReportUri.Destination.AUTHORIZED
                      : DmarcReportUri.Destination.NOT_AUTHORIZED);
            });
  }

  private static Finding prefix(String where, Finding f) {
    return f.withSummary(where + f.summary());
  }

  private static DmarcRecordReport recordReport(
      Policy p, List<DnsLookup> queries, Instant startedAt, Duration elapsed) {
    DmarcRecordReport.Builder b =
        DmarcRecordReport.builder()
            .domain(p.domain())
            .record(p.record(), p.step() == null ? null : p.step().domain())
            .organizationalDomain(p.walk().organizationalDomain())
            .applied(p.appliedTag(), p.appliedPolicy())
            .domainExists(
                p.step() != null && p.step().domain().equals(p.domain()) ? null : p.exists())
            .startedAt(startedAt)
            .elapsed(elapsed);
    queries.forEach(b::addQuery);
    p.findings().forEach(b::addFinding);
    return b.build();
  }

  // ---------------------------------------------------------------------------------------------
  // Public entry points

  /**
   * Discovers the policy of a domain.
   *
   * @param domain the domain (checked with {@link DomainName#of})
   * @return the report; never completes exceptionally for DNS trouble
   * @throws IllegalArgumentException when the domain is malformed, before any query
   */
  public CompletableFuture<DmarcRecordReport> recordAsync(String domain) {
    String d = checkDomain(domain, "domain");
    Call c = new Call();
    Instant startedAt = environment.timeSource().instant();
    long t0 = environment.timeSource().nanoTime();
    CompletableFuture<DmarcRecordReport> work =
        policy(c, d, true).thenApply(p -> recordReport(p, c.snapshot(), startedAt, since(t0)));
    return bounded(c, work, () -> timedOutRecord(c, d, startedAt, since(t0)));
  }

  /**
   * Evaluates DMARC for a message.
   *
   * @param fromDomain the RFC5322.From domain
   * @param spf the SPF result for the MAIL FROM identity
   * @param dkim the DKIM verification of the message
   * @return the report; never completes exceptionally for DNS trouble
   * @throws IllegalArgumentException when the From domain is malformed, before any query
   */
  public CompletableFuture<DmarcReport> evaluateAsync(
      String fromDomain, SpfReport spf, DkimReport dkim) {
    String d = checkDomain(fromDomain, "fromDomain");
    requireNonNull(spf, "spf");
    requireNonNull(dkim, "dkim");
    Call c = new Call();
    Instant startedAt = environment.timeSource().instant();
    long t0 = environment.timeSource().nanoTime();
    CompletableFuture<DmarcReport> work =
        policy(c, d, false).thenCompose(p -> evaluate(c, d, p, spf, dkim, startedAt, t0));
    return bounded(
        c,
        work,
        () -> {
          DmarcRecordReport r = timedOutRecord(c, d, startedAt, since(t0));
          DmarcReport.Builder b =
              DmarcReport.builder()
                  .fromDomain(d)
                  .result(DmarcResult.TEMPERROR)
                  .policy(r)
                  .startedAt(startedAt)
                  .elapsed(since(t0));
          r.queries().forEach(b::addQuery);
          r.findings().forEach(b::addFinding);
          return b.build();
        });
  }

  private CompletableFuture<DmarcReport> evaluate(
      Call c, String from, Policy p, SpfReport spf, DkimReport dkim, Instant startedAt, long t0) {
    if (p.record() == null || p.unusable() || p.walk().temperror()) {
      DmarcResult result =
          p.walk().temperror() || p.temperror()
              ? DmarcResult.TEMPERROR
              : p.unusable() ? DmarcResult.PERMERROR : DmarcResult.NONE;
      return CompletableFuture.completedFuture(
          report(c, p, from, result, List.of(), DmarcDisposition.NONE, List.of(), startedAt, t0));
    }
    String fromOrg = p.walk().organizationalDomain().domain();
    List<CompletableFuture<Check>> checks = new ArrayList<>();
    checks.add(spfCheck(c, from, fromOrg, p.record().spfAlignment(), spf));
    List<DkimSignatureResult> sigs = dkim.signatures();
    for (int i = 0; i < sigs.size() && i < MAX_SIGNATURES; i++) {
      checks.add(dkimCheck(c, from, fromOrg, p.record().dkimAlignment(), sigs.get(i)));
    }
    return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              List<Check> done = checks.stream().map(CompletableFuture::join).toList();
              List<DmarcIdentifierCheck> ids = done.stream().map(Check::check).toList();
              List<Finding> extra = new ArrayList<>();
              if (ids.stream().anyMatch(DmarcIdentifierCheck::aligned)) {
                return report(
                    c, p, from, DmarcResult.PASS, ids, DmarcDisposition.NONE, extra, startedAt, t0);
              }
              boolean temp = done.stream().anyMatch(Check::temperror) || p.temperror();
              if (temp) {
                extra.add(
                    DmarcFinding.TEMPERROR.finding(
                        "no identifier aligned and a temporary error stopped SPF, DKIM or a"
                            + " tree walk: no conclusion, the policy must not be applied"));
                return report(
                    c,
                    p,
                    from,
                    DmarcResult.TEMPERROR,
                    ids,
                    DmarcDisposition.NONE,
                    extra,
                    startedAt,
                    t0);
              }
              StringBuilder why = new StringBuilder("From: " + from + ": ");
              for (int i = 0; i < ids.size(); i++) {
                why.append(i == 0 ? "" : "; ").append(ids.get(i).reason());
              }
              extra.add(DmarcFinding.ALIGNMENT_FAILED.finding(why.toString()));
              DmarcDisposition disposition =
                  p.record().testing() || p.appliedPolicy() == null
                      ? DmarcDisposition.NONE
                      : switch (p.appliedPolicy()) {
                        case NONE -> DmarcDisposition.NONE;
                        case QUARANTINE -> DmarcDisposition.QUARANTINE;
                        case REJECT -> DmarcDisposition.REJECT;
                      };
              return report(c, p, from, DmarcResult.FAIL, ids, disposition, extra, startedAt, t0);
            });
  }

  private DmarcReport report(
      Call c,
      Policy p,
      String from,
      DmarcResult result,
      List<DmarcIdentifierCheck> ids,
      DmarcDisposition disposition,
      List<Finding> extra,
      Instant startedAt,
      long t0) {
    Duration elapsed = since(t0);
    List<DnsLookup> queries = c.snapshot();
    DmarcRecordReport r = recordReport(p, queries, startedAt, elapsed);
    DmarcReport.Builder b =
        DmarcReport.builder()
            .fromDomain(from)
            .result(result)
            .policy(r)
            .disposition(disposition)
            .startedAt(startedAt)
            .elapsed(elapsed);
    ids.forEach(b::addIdentifier);
    queries.forEach(b::addQuery);
    r.findings().forEach(b::addFinding);
    extra.forEach(b::addFinding);
    return b.build();
  }

  /** One identifier's check, and whether a temporary error kept it from a conclusion. */
  record Check(DmarcIdentifierCheck check, boolean temperror) {}

  private CompletableFuture<Check> spfCheck(
      Call c, String from, String fromOrg, DmarcAlignment mode, SpfReport spf) {
    String dom = spf.domain().toLowerCase(Locale.ROOT);
    if (spf.identity() != SpfIdentity.MAIL_FROM) {
      // RFC 9989 "Authentication Mechanisms": DMARC uses SPF only for MAIL FROM. For a null
      // MAIL FROM, RFC 7208 §2.4 makes the MAIL FROM identity postmaster@<HELO name>: an SPF
      // check run that way is a MAIL FROM check and should be reported as one.
      return done(
          DmarcIdentifierCheck.Kind.SPF,
          dom,
          false,
          false,
          "SPF checked the HELO identity "
              + dom
              + "; DMARC uses only the MAIL FROM identity (for a null MAIL FROM, check SPF for"
              + " postmaster@<HELO name> as MAIL FROM, RFC 7208 §2.4)",
          spf.result() == SpfResult.TEMPERROR);
    }
    if (spf.result() != SpfResult.PASS) {
      return done(
          DmarcIdentifierCheck.Kind.SPF,
          dom,
          false,
          false,
          "SPF for MAIL FROM " + dom + " is " + spf.result() + ", not PASS",
          spf.result() == SpfResult.TEMPERROR);
    }
    return align(
        c, DmarcIdentifierCheck.Kind.SPF, "SPF MAIL FROM " + dom, dom, from, fromOrg, mode);
  }

  private CompletableFuture<Check> dkimCheck(
      Call c, String from, String fromOrg, DmarcAlignment mode, DkimSignatureResult sig) {
    String dom = sig.domain().toLowerCase(Locale.ROOT);
    String name = "DKIM d=" + (dom.isEmpty() ? "(none)" : dom);
    if (sig.result() != DkimResult.PASS) {
      return done(
          DmarcIdentifierCheck.Kind.DKIM,
          dom,
          false,
          false,
          name
              + " s="
              + sig.selector()
              + " is "
              + sig.result()
              + sig.reason().map(r -> " (" + r + ")").orElse("")
              + ", not PASS",
          sig.result() == DkimResult.TEMPERROR);
    }
    return align(c, DmarcIdentifierCheck.Kind.DKIM, name, dom, from, fromOrg, mode);
  }

  /** RFC 9989 "Identifier Alignment Explained": strict is equality, relaxed equal org domains. */
  private CompletableFuture<Check> align(
      Call c,
      DmarcIdentifierCheck.Kind kind,
      String name,
      String dom,
      String from,
      String fromOrg,
      DmarcAlignment mode) {
    String m = mode == DmarcAlignment.STRICT ? "strict" : "relaxed";
    String d;
    try {
      d = DomainName.of(dom).ascii();
    } catch (IllegalArgumentException e) {
      return done(kind, dom, true, false, name + " is not a valid domain name", false);
    }
    if (d.equals(from)) {
      return done(kind, d, true, true, name + " aligns with From: " + from + " (" + m + ")", false);
    }
    String no = name + " does not align with From: " + from + " (" + m + ": ";
    if (mode == DmarcAlignment.STRICT) {
      return done(kind, d, true, false, no + "the domains differ)", false);
    }
    // An Organizational Domain is the name itself or one of its parents, so unless fromOrg is d
    // or a parent of d the two cannot be equal: no walk needed.
    if (!d.equals(fromOrg) && !d.endsWith("." + fromOrg)) {
      return done(kind, d, true, false, no + "different organizational domains)", false);
    }
    return walk(c, d)
        .thenApply(
            w -> {
              if (w.temperror()) {
                return new Check(
                    new DmarcIdentifierCheck(
                        kind,
                        d,
                        true,
                        false,
                        name + ": its organizational domain is unknown (DNS failed)"),
                    true);
              }
              String org = w.organizationalDomain().domain();
              if (org.equals(fromOrg)) {
                return new Check(
                    new DmarcIdentifierCheck(
                        kind,
                        d,
                        true,
                        true,
                        name
                            + " aligns with From: "
                            + from
                            + " (relaxed: same organizational domain "
                            + org
                            + ")"),
                    false);
              }
              return new Check(
                  new DmarcIdentifierCheck(
                      kind,
                      d,
                      true,
                      false,
                      no + "different organizational domains " + org + " and " + fromOrg + ")"),
                  false);
            });
  }

  private static CompletableFuture<Check> done(
      DmarcIdentifierCheck.Kind kind,
      String dom,
      boolean authenticated,
      boolean aligned,
      String reason,
      boolean temperror) {
    return CompletableFuture.completedFuture(
        new Check(new DmarcIdentifierCheck(kind, dom, authenticated, aligned, reason), temperror));
  }

  // ---------------------------------------------------------------------------------------------
  // Time bound, executor, blocking

  private DmarcRecordReport timedOutRecord(Call c, String d, Instant startedAt, Duration elapsed) {
    DmarcRecordReport.Builder b =
        DmarcRecordReport.builder()
            .domain(d)
            .startedAt(startedAt)
            .elapsed(elapsed)
            .addFinding(
                DmarcFinding.TEMPERROR.finding(
                    "the DMARC check did not finish within " + timeout.toMillis() + " ms"));
    c.snapshot().forEach(b::addQuery);
    return b.build();
  }

  /**
   * Completes the result on the environment's executor, or with the timeout report when the work
   * takes longer than the timeout; either way (and on cancel) later steps stop asking DNS.
   */
  private <T> CompletableFuture<T> bounded(
      Call c, CompletableFuture<T> work, Supplier<T> onTimeout) {
    Executor executor = environment.executor();
    CompletableFuture<T> out = new CompletableFuture<>();
    work.whenComplete(
        (v, e) ->
            executor.execute(
                () -> {
                  if (e != null) {
                    out.completeExceptionally(e);
                  } else {
                    out.complete(v);
                  }
                }));
    CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS, executor)
        .execute(
            () -> {
              if (!out.isDone()) {
                c.stopped = true;
                out.complete(onTimeout.get());
              }
            });
    out.whenComplete((v, e) -> c.stopped = true);
    return out;
  }

  private Duration since(long t0) {
    return Duration.ofNanos(Math.max(0, environment.timeSource().nanoTime() - t0));
  }

  private static String checkDomain(String domain, String parameter) {
    requireNonNull(domain, parameter);
    try {
      return DomainName.of(domain).ascii();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(parameter + ": " + e.getMessage(), e);
    }
  }

  /**
   * Waits for a future the way the blocking forms do.
   *
   * @param <T> the result type
   * @param f the future
   * @return its value
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      CancellationException ce = new CancellationException("interrupted");
      ce.initCause(e);
      throw ce;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }
}
