package dev.mailpath.diag.auth;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.ReportText;
import dev.mailpath.diag.dns.DnsLookup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer to "is my SPF record right?" ({@link SpfCheck#record(String)}): a domain's record
 * analysed without an address: how many of the 10 DNS-querying terms it uses (nested includes
 * counted), void lookups, includes that do not resolve, loops, syntax problems and risky set-ups
 * ({@code +all}, {@code ptr}, {@code ?all}).
 *
 * <p>Immutable and thread-safe.
 */
public final class SpfRecordReport implements DiagnosticReport {
  private final String domain;
  private final String record;
  private final int dnsLookups;
  private final int voidLookups;
  private final SpfEvaluation evaluation;
  private final List<Finding> findings;
  private final Instant startedAt;
  private final Duration elapsed;

  private SpfRecordReport(Builder b) {
    this.domain = requireNonNull(b.domain, "domain");
    this.record = b.record;
    this.dnsLookups = b.dnsLookups;
    this.voidLookups = b.voidLookups;
    this.evaluation = b.evaluation;
    this.findings = List.copyOf(b.findings);
    this.startedAt = requireNonNull(b.startedAt, "startedAt");
    this.elapsed = requireNonNull(b.elapsed, "elapsed");
  }

  /**
   * Returns a builder, for tests and for tools that rebuild a report.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder with this report's values.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.domain = domain;
    b.record = record;
    b.dnsLookups = dnsLookups;
    b.voidLookups = voidLookups;
    b.evaluation = evaluation;
    b.findings.addAll(findings);
    b.startedAt = startedAt;
    b.elapsed = elapsed;
    return b;
  }

  /**
   * Returns the domain analysed.
   *
   * @return the domain, lower case
   */
  public String domain() {
    return domain;
  }

  /**
   * Returns the domain's SPF record.
   *
   * @return the record, or empty when there is none (or several)
   */
  public Optional<String> record() {
    return Optional.ofNullable(record);
  }

  /**
   * Returns how many DNS-querying terms an evaluation that matches nothing would use, nested
   * includes and redirects counted; more than 10 is a permerror for every check.
   *
   * @return the count
   */
  public int dnsLookups() {
    return dnsLookups;
  }

  /**
   * Returns how many of the queries made found no records or a non-existent name.
   *
   * @return the count
   */
  public int voidLookups() {
    return voidLookups;
  }

  /**
   * Returns the include/redirect tree with each node's record and queries.
   *
   * @return the tree, or empty when the domain name is invalid
   */
  public Optional<SpfEvaluation> evaluation() {
    return Optional.ofNullable(evaluation);
  }

  /**
   * Returns every DNS query made, depth first.
   *
   * @return the queries
   */
  public List<DnsLookup> lookups() {
    return evaluation == null ? List.of() : evaluation.allLookups();
  }

  @Override
  public List<Finding> findings() {
    return findings;
  }

  @Override
  public Instant startedAt() {
    return startedAt;
  }

  @Override
  public Duration elapsed() {
    return elapsed;
  }

  @Override
  public Outcome outcome() {
    return Outcome.fromFindings(findings);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof SpfRecordReport)) {
      return false;
    }
    SpfRecordReport r = (SpfRecordReport) o;
    return domain.equals(r.domain)
        && Objects.equals(record, r.record)
        && dnsLookups == r.dnsLookups
        && voidLookups == r.voidLookups
        && Objects.equals(evaluation, r.evaluation)
        && findings.equals(r.findings)
        && startedAt.equals(r.startedAt)
        && elapsed.equals(r.elapsed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(domain, record, dnsLookups, voidLookups, findings);
  }

  /** Returns the record, the counts, the tree and the findings. */
  @Override
  public String toString() {
    ReportText t = ReportText.of("SPF record of " + domain);
    t.line(record == null ? "(no SPF record)" : "\"" + record + "\"");
    t.line("DNS lookups: " + dnsLookups + " of 10, void lookups: " + voidLookups + " of 2");
    if (evaluation != null) {
      t.body(evaluation.tree());
    }
    return t.render(this, elapsed);
  }

  /** Builds a {@link SpfRecordReport}. Not thread-safe. */
  public static final class Builder {
    private String domain;
    private String record;
    private int dnsLookups;
    private int voidLookups;
    private SpfEvaluation evaluation;
    private final List<Finding> findings = new ArrayList<>();
    private Instant startedAt = Instant.EPOCH;
    private Duration elapsed = Duration.ZERO;

    private Builder() {}

    /**
     * Sets the domain.
     *
     * @param domain the domain
     * @return this builder
     */
    public Builder domain(String domain) {
      this.domain = requireNonNull(domain, "domain");
      return this;
    }

    /**
     * Sets the record.
     *
     * @param record the text, or null for none
     * @return this builder
     */
    public Builder record(String record) {
      this.record = record;
      return this;
    }

    /**
     * Sets the number of DNS-querying terms.
     *
     * @param dnsLookups the count, 0 or more
     * @return this builder
     */
    public Builder dnsLookups(int dnsLookups) {
      if (dnsLookups < 0) {
        throw new IllegalArgumentException("dnsLookups must not be negative: " + dnsLookups);
      }
      this.dnsLookups = dnsLookups;
      return this;
    }

    /**
     * Sets the number of void lookups.
     *
     * @param voidLookups the count, 0 or more
     * @return this builder
     */
    public Builder voidLookups(int voidLookups) {
      if (voidLookups < 0) {
        throw new IllegalArgumentException("voidLookups must not be negative: " + voidLookups);
      }
      this.voidLookups = voidLookups;
      return this;
    }

    /**
     * Sets the tree.
     *
     * @param evaluation the root node, or null
     * @return this builder
     */
    public Builder evaluation(SpfEvaluation evaluation) {
      this.evaluation = evaluation;
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
     * Sets when the analysis started.
     *
     * @param startedAt the instant
     * @return this builder
     */
    public Builder startedAt(Instant startedAt) {
      this.startedAt = requireNonNull(startedAt, "startedAt");
      return this;
    }

    /**
     * Sets how long it took.
     *
     * @param elapsed the duration
     * @return this builder
     */
    public Builder elapsed(Duration elapsed) {
      this.elapsed = requireNonNull(elapsed, "elapsed");
      return this;
    }

    /**
     * Builds the report.
     *
     * @return the report
     * @throws NullPointerException when the domain is missing
     */
    public SpfRecordReport build() {
      return new SpfRecordReport(this);
    }
  }
}
