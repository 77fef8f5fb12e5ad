package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.ReportText;
import dev.mailpath.diag.core.internal.Addresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The path from the root servers down to the servers that hold a name, as {@link DelegationTrace}
 * walked it: one {@link TraceStep} per zone cut with the servers asked and the referral followed,
 * the final authoritative answer, every query made, and findings for lame delegations, referral
 * loops, out-of-bailiwick glue and unreachable servers. Optionally it compares the answer with a
 * recursive resolver's ({@link #withRecursiveAnswer(MxReport)}).
 *
 * <p>{@code toString()} prints it the way {@code dig +trace} does:
 *
 * <pre>{@code
 * ; <<>> mailpath trace <<>> example.org. MX
 * org.            172800  IN  NS  ns1.nic.org.
 * ;; Received 98 bytes from 127.0.1.4#53(d.root-servers.net.) in 1 ms
 *
 * example.org.    86400   IN  NS  ns1.example.org.
 * ;; Received 87 bytes from 127.0.7.1#53(ns1.nic.org.) in 0 ms
 *
 * example.org.    300     IN  MX  10 mx1.example.org.
 * ;; Received 120 bytes from 127.0.7.2#53(ns1.example.org.) in 0 ms
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@link #builder()} is public so that users can fake reports.
 */
public final class TraceReport implements DiagnosticReport {
  private final String name;
  private final RecordType type;
  private final String hintsSource;
  private final List<TraceStep> steps;
  private final List<DnsRecord> answer;
  private final String rcode;
  private final RecursiveComparison comparison;
  private final List<DnsLookup> lookups;
  private final List<Finding> findings;
  private final Outcome outcome;
  private final Duration elapsed;
  private final Instant startedAt;

  private TraceReport(Builder b) {
    this.name = requireNonNull(b.name, "name");
    this.type = requireNonNull(b.type, "type");
    this.hintsSource = requireNonNull(b.hintsSource, "hintsSource");
    this.steps = List.copyOf(b.steps);
    this.answer = List.copyOf(b.answer);
    this.rcode = b.rcode;
    this.comparison = b.comparison;
    this.lookups = List.copyOf(b.lookups);
    this.findings = List.copyOf(b.findings);
    this.outcome = b.outcome != null ? b.outcome : Outcome.fromFindings(findings);
    this.elapsed = requireNonNull(b.elapsed, "elapsed");
    this.startedAt = requireNonNull(b.startedAt, "startedAt");
  }

  /**
   * Starts building a report (for tests that need a fake one).
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this report.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.type = type;
    b.hintsSource = hintsSource;
    b.steps.addAll(steps);
    b.answer.addAll(answer);
    b.rcode = rcode;
    b.comparison = comparison;
    b.lookups.addAll(lookups);
    b.findings.addAll(findings);
    b.outcome = outcome;
    b.elapsed = elapsed;
    b.startedAt = startedAt;
    return b;
  }

  /**
   * Returns the name traced, absolute with the final dot.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the type asked for.
   *
   * @return the type
   */
  public RecordType type() {
    return type;
  }

  /**
   * Returns where the root hints came from.
   *
   * @return the hints source
   */
  public String hintsSource() {
    return hintsSource;
  }

  /**
   * Returns the steps, root first.
   *
   * @return the steps
   */
  public List<TraceStep> steps() {
    return steps;
  }

  /**
   * Returns the zone cuts passed, root first ({@code [., org., example.org.]}).
   *
   * @return the zones whose servers were asked
   */
  public List<String> zones() {
    return steps.stream().map(TraceStep::zone).toList();
  }

  /**
   * Returns the final authoritative answer records (with any CNAME records followed on the way).
   *
   * @return the records; empty for NODATA, NXDOMAIN, or when the trace failed
   */
  public List<DnsRecord> answer() {
    return answer;
  }

  /**
   * Returns the answer records of one type.
   *
   * @param recordType the type
   * @return the matching records
   */
  public List<DnsRecord> answer(RecordType recordType) {
    return answer.stream().filter(r -> r.type() == recordType).toList();
  }

  /**
   * Returns the final response code ({@code NOERROR} or {@code NXDOMAIN}).
   *
   * @return the rcode, or empty when the trace did not reach an authoritative reply
   */
  public Optional<String> rcode() {
    return Optional.ofNullable(rcode);
  }

  /**
   * Tells whether the trace reached an authoritative reply (an answer, NODATA or NXDOMAIN).
   *
   * @return {@code true} when it did
   */
  public boolean completed() {
    return rcode != null;
  }

  /**
   * Returns the server that gave the final authoritative reply.
   *
   * @return the address asked, or empty when the trace did not complete
   */
  public Optional<InetSocketAddress> authoritativeServer() {
    if (!completed() || steps.isEmpty()) {
      return Optional.empty();
    }
    return steps.get(steps.size() - 1).server();
  }

  /**
   * Returns the comparison with a recursive resolver, when one was made.
   *
   * @return the comparison
   */
  public Optional<RecursiveComparison> comparison() {
    return Optional.ofNullable(comparison);
  }

  /**
   * Returns every query made, including those for name server addresses that had no glue.
   *
   * @return the lookups, in the order they ended
   */
  public List<DnsLookup> lookups() {
    return lookups;
  }

  /**
   * Returns the findings.
   *
   * @return the findings
   */
  @Override
  public List<Finding> findings() {
    return findings;
  }

  /**
   * Returns the outcome, derived from the findings unless set.
   *
   * @return the outcome
   */
  @Override
  public Outcome outcome() {
    return outcome;
  }

  /**
   * Returns the wall time of the trace.
   *
   * @return elapsed time
   */
  public Duration elapsed() {
    return elapsed;
  }

  /**
   * Returns when the trace started.
   *
   * @return the timestamp
   */
  public Instant startedAt() {
    return startedAt;
  }

  /**
   * Compares the traced MX answer with what a recursive resolver returned ({@link
   * MxResolver#resolve(String)}), and returns a report with the comparison and, when they differ, a
   * {@link RootFinding#RECURSIVE_MISMATCH} finding. The comparison is of preference and exchange
   * pairs (a null MX as {@code 0 .}, an implicit MX as no records); addresses are not compared.
   *
   * @param recursive the resolver's report for the same domain
   * @return a new report; this one when the resolver gave no answer (its report says why)
   * @throws IllegalArgumentException when this trace did not ask for MX
   */
  public TraceReport withRecursiveAnswer(MxReport recursive) {
    requireNonNull(recursive, "recursive");
    if (type != RecordType.MX) {
      throw new IllegalArgumentException(
          "recursive: an MX report compares only with an MX trace; this trace asked " + type);
    }
    if (recursive.rcode().isEmpty()) {
      return this;
    }
    List<String> auth = normaliseMx(answer(RecordType.MX));
    List<String> rec = new ArrayList<>();
    if (recursive.nullMx()) {
      rec.add("0 .");
    } else if (!recursive.implicitMx()) {
      for (MailExchange e : recursive.exchanges()) {
        rec.add(e.preference() + " " + e.host());
      }
    }
    rec = sorted(rec);
    return compared(
        new RecursiveComparison(recursive.server(), auth, rec), recursive.rcode().get());
  }

  /**
   * Compares the traced A or AAAA answer with a resolver's address lookup ({@link
   * MxResolver#addresses(String)}); only addresses of the traced type are compared.
   *
   * @param recursive the resolver's report for the same host
   * @return a new report with the comparison, and a finding when they differ; this one when the
   *     resolver gave no answer
   * @throws IllegalArgumentException when this trace did not ask for A or AAAA
   */
  public TraceReport withRecursiveAnswer(AddressReport recursive) {
    requireNonNull(recursive, "recursive");
    if (type != RecordType.A && type != RecordType.AAAA) {
      throw new IllegalArgumentException(
          "recursive: an address report compares only with an A or AAAA trace; this trace asked "
              + type);
    }
    if (recursive.addresses().isEmpty()
        && !recursive.findings().isEmpty()
        && recursive.findings().stream().noneMatch(f -> f.is(DnsFinding.NXDOMAIN))) {
      return this;
    }
    List<String> auth = new ArrayList<>();
    for (DnsRecord r : answer(type)) {
      r.address().ifPresent(a -> auth.add(Addresses.format(a)));
    }
    List<String> rec = new ArrayList<>();
    for (InetAddress a : recursive.addresses()) {
      if ((a instanceof Inet4Address) == (type == RecordType.A)) {
        rec.add(Addresses.format(a));
      }
    }
    Optional<InetSocketAddress> server =
        recursive.lookups().stream().filter(DnsLookup::answered).map(DnsLookup::server).findFirst();
    return compared(new RecursiveComparison(server, sorted(auth), sorted(rec)), null);
  }

  private TraceReport compared(RecursiveComparison c, String recursiveRcode) {
    Builder b = toBuilder();
    b.comparison = c;
    b.outcome = null;
    if (!c.matches() && completed()) {
      b.findings.add(
          RootFinding.RECURSIVE_MISMATCH.finding(
              "the resolver"
                  + c.resolver().map(s -> " " + DnsQueryReport.hostPort(s)).orElse("")
                  + " answers "
                  + (c.recursive().isEmpty() ? "no records" : c.recursive())
                  + " for "
                  + name
                  + " "
                  + type
                  + ", the authoritative servers "
                  + (c.authoritative().isEmpty() ? "no records" : c.authoritative()),
              Evidence.of("authoritative", c.authoritative()),
              Evidence.of("recursive", c.recursive()),
              Evidence.of("recursive-rcode", recursiveRcode == null ? "?" : recursiveRcode),
              Evidence.of(
                  "authoritative-server",
                  authoritativeServer().map(DnsQueryReport::hostPort).orElse("?"))));
    }
    return b.build();
  }

  private static List<String> normaliseMx(List<DnsRecord> records) {
    // As MxResolver reports them: lowest preference per host, a null MX only when alone.
    Map<String, Integer> byHost = new LinkedHashMap<>();
    boolean nullMx = false;
    for (DnsRecord r : records) {
      String[] f = r.data().trim().split("\\s+");
      if (f.length < 2) {
        continue;
      }
      int pref;
      try {
        pref = Integer.parseInt(f[0]);
      } catch (NumberFormatException e) {
        continue;
      }
      String host = f[1].toLowerCase(Locale.ROOT);
      if (host.equals(".")) {
        nullMx = true;
        continue;
      }
      if (host.endsWith(".")) {
        host = host.substring(0, host.length() - 1);
      }
      byHost.merge(host, pref, Math::min);
    }
    List<String> out = new ArrayList<>();
    if (byHost.isEmpty() && nullMx) {
      out.add("0 .");
    }
    byHost.forEach((h, p) -> out.add(p + " " + h));
    return sorted(out);
  }

  private static List<String> sorted(List<String> in) {
    return in.stream().distinct().sorted().toList();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TraceReport r)) {
      return false;
    }
    return name.equals(r.name)
        && type == r.type
        && hintsSource.equals(r.hintsSource)
        && steps.equals(r.steps)
        && answer.equals(r.answer)
        && Objects.equals(rcode, r.rcode)
        && Objects.equals(comparison, r.comparison)
        && lookups.equals(r.lookups)
        && findings.equals(r.findings)
        && outcome == r.outcome
        && elapsed.equals(r.elapsed)
        && startedAt.equals(r.startedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, type, steps, answer, rcode, findings, outcome);
  }

  /** Returns the dig +trace view, then the comparison, the outcome and the findings. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(";; starting from ").append(hintsSource).append('\n');
    for (TraceStep s : steps) {
      sb.append('\n');
      Optional<TraceStep.ServerReply> used = s.used();
      if (used.isPresent()) {
        DnsQueryReport r = used.get().report();
        List<DnsRecord> shown;
        if (s.kind() == TraceStep.Kind.REFERRAL) {
          shown = r.authority().stream().filter(x -> x.type() == RecordType.NS).toList();
        } else if (s.kind() == TraceStep.Kind.ANSWER) {
          shown = r.answer();
        } else {
          shown = r.authority();
        }
        for (DnsRecord rec : shown) {
          sb.append(rec).append('\n');
        }
        if (s.kind() == TraceStep.Kind.NXDOMAIN) {
          sb.append(";; NXDOMAIN: ").append(name).append(" does not exist\n");
        } else if (s.kind() == TraceStep.Kind.NODATA) {
          sb.append(";; NODATA: ")
              .append(name)
              .append(" has no ")
              .append(type)
              .append(" records\n");
        }
        sb.append(";; Received ")
            .append(r.responseSize())
            .append(" bytes from ")
            .append(DnsQueryReport.hostPort(r.server()))
            .append('(')
            .append(used.get().serverName())
            .append(") in ")
            .append(r.elapsed().toMillis())
            .append(" ms\n");
      } else {
        sb.append(";; no usable reply from the servers of ").append(s.zone()).append('\n');
      }
      for (TraceStep.ServerReply other : s.replies()) {
        if (other.verdict() == TraceStep.Verdict.USED
            || other.verdict() == TraceStep.Verdict.CONSISTENT) {
          continue;
        }
        DnsQueryReport r = other.report();
        sb.append(";; ")
            .append(other.verdict().name().toLowerCase(Locale.ROOT).replace('_', ' '))
            .append(": ")
            .append(DnsQueryReport.hostPort(r.server()))
            .append('(')
            .append(other.serverName())
            .append(") ")
            .append(r.rcode());
        r.referral().ifPresent(ref -> sb.append(" referral to ").append(ref.zone()));
        sb.append('\n');
      }
    }
    if (comparison != null) {
      sb.append("\n;; recursive resolver: ").append(comparison).append('\n');
    }
    sb.append(";; ")
        .append(steps.size())
        .append(steps.size() == 1 ? " step, " : " steps, ")
        .append(lookups.size())
        .append(lookups.size() == 1 ? " query" : " queries")
        .append('\n');
    return ReportText.of("; <<>> mailpath trace <<>> " + name + ' ' + type)
        .body(sb)
        .render(this, elapsed);
  }

  /** Builds a {@link TraceReport}; not thread-safe. */
  public static final class Builder {
    private String name;
    private RecordType type;
    private String hintsSource = "custom";
    private final List<TraceStep> steps = new ArrayList<>();
    private final List<DnsRecord> answer = new ArrayList<>();
    private String rcode;
    private RecursiveComparison comparison;
    private final List<DnsLookup> lookups = new ArrayList<>();
    private final List<Finding> findings = new ArrayList<>();
    private Outcome outcome;
    private Duration elapsed = Duration.ZERO;
    private Instant startedAt = Instant.EPOCH;

    private Builder() {}

    /**
     * Sets the name traced.
     *
     * @param name absolute, with the final dot
     * @return this builder
     */
    public Builder name(String name) {
      this.name = requireNonNull(name, "name");
      return this;
    }

    /**
     * Sets the type asked for.
     *
     * @param type the type
     * @return this builder
     */
    public Builder type(RecordType type) {
      this.type = requireNonNull(type, "type");
      return this;
    }

    /**
     * Sets where the hints came from.
     *
     * @param hintsSource the description
     * @return this builder
     */
    public Builder hintsSource(String hintsSource) {
      this.hintsSource = requireNonNull(hintsSource, "hintsSource");
      return this;
    }

    /**
     * Adds a step.
     *
     * @param step the step
     * @return this builder
     */
    public Builder addStep(TraceStep step) {
      steps.add(requireNonNull(step, "step"));
      return this;
    }

    /**
     * Adds a final answer record.
     *
     * @param record the record
     * @return this builder
     */
    public Builder addAnswer(DnsRecord record) {
      answer.add(requireNonNull(record, "record"));
      return this;
    }

    /**
     * Sets the final response code.
     *
     * @param rcode {@code NOERROR} or {@code NXDOMAIN}, or {@code null} when the trace did not
     *     complete
     * @return this builder
     */
    public Builder rcode(String rcode) {
      this.rcode = rcode;
      return this;
    }

    /**
     * Sets the comparison with a resolver.
     *
     * @param comparison the comparison, or {@code null}
     * @return this builder
     */
    public Builder comparison(RecursiveComparison comparison) {
      this.comparison = comparison;
      return this;
    }

    /**
     * Adds a query made.
     *
     * @param lookup the lookup
     * @return this builder
     */
    public Builder addLookup(DnsLookup lookup) {
      lookups.add(requireNonNull(lookup, "lookup"));
      return this;
    }

    /**
     * Adds a finding.
     *
     * @param finding the finding
     * @return this builder
     */
    public Builder addFinding(Finding finding) {
      findings.add(requireNonNull(finding, "finding"));
      return this;
    }

    /**
     * Sets the outcome; by default it follows the worst finding.
     *
     * @param outcome the outcome, or {@code null}
     * @return this builder
     */
    public Builder outcome(Outcome outcome) {
      this.outcome = outcome;
      return this;
    }

    /**
     * Sets the wall time.
     *
     * @param elapsed the time
     * @return this builder
     */
    public Builder elapsed(Duration elapsed) {
      this.elapsed = requireNonNull(elapsed, "elapsed");
      return this;
    }

    /**
     * Sets when the trace started.
     *
     * @param startedAt the timestamp
     * @return this builder
     */
    public Builder startedAt(Instant startedAt) {
      this.startedAt = requireNonNull(startedAt, "startedAt");
      return this;
    }

    /**
     * Builds the report.
     *
     * @return the immutable report
     * @throws NullPointerException when name or type was not set
     */
    public TraceReport build() {
      return new TraceReport(this);
    }
  }
}
