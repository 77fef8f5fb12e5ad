package dev.mailpath.diag.posture;

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
 * The TLS-RPT record of one domain (RFC 8460), as {@link TlsRptCheck#check(String)} found it: the
 * {@code _smtp._tls} record, the report destinations it names, the DNS query and the findings.
 *
 * <p>Immutable and thread-safe.
 */
public final class TlsRptReport implements DiagnosticReport {
  private final String domain;
  private final String record;
  private final List<String> rua;
  private final List<DnsLookup> queries;
  private final List<Finding> findings;
  private final Instant startedAt;
  private final Duration elapsed;

  private TlsRptReport(Builder b) {
    this.domain = requireNonNull(b.domain, "domain");
    this.record = b.record;
    this.rua = List.copyOf(b.rua);
    this.queries = List.copyOf(b.queries);
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
   * Returns a builder holding this report's values.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.domain = domain;
    b.record = record;
    b.rua.addAll(rua);
    b.queries.addAll(queries);
    b.findings.addAll(findings);
    b.startedAt = startedAt;
    b.elapsed = elapsed;
    return b;
  }

  /**
   * Returns the domain checked.
   *
   * @return the domain, A-label form, lower case
   */
  public String domain() {
    return domain;
  }

  /**
   * Returns the text of the one {@code _smtp._tls} record starting with {@code v=TLSRPTv1}.
   *
   * @return the record; empty when there is none or more than one
   */
  public Optional<String> record() {
    return Optional.ofNullable(record);
  }

  /**
   * Returns the usable report destinations ({@code mailto:} and {@code https:} URIs), in order.
   *
   * @return the destinations; empty without a usable record
   */
  public List<String> rua() {
    return rua;
  }

  /**
   * Returns the DNS queries made.
   *
   * @return the queries
   */
  public List<DnsLookup> queries() {
    return queries;
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
    return o instanceof TlsRptReport r
        && domain.equals(r.domain)
        && Objects.equals(record, r.record)
        && rua.equals(r.rua)
        && queries.equals(r.queries)
        && findings.equals(r.findings)
        && startedAt.equals(r.startedAt)
        && elapsed.equals(r.elapsed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(domain, record, rua, findings);
  }

  /** Returns the record, the destinations and the findings. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("TLS-RPT ").append(domain).append(": ");
    sb.append(record == null ? "no record" : record);
    for (String u : rua) {
      sb.append("\n  reports to ").append(u);
    }
    return ReportText.of(sb.toString()).render(this, elapsed);
  }

  /** Builds a {@link TlsRptReport}. Not thread-safe. */
  public static final class Builder {
    private String domain;
    private String record;
    private final List<String> rua = new ArrayList<>();
    private final List<DnsLookup> queries = new ArrayList<>();
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
     * Sets the record found.
     *
     * @param record the record text, or null for none
     * @return this builder
     */
    public Builder record(String record) {
      this.record = record;
      return this;
    }

    /**
     * Adds a report destination.
     *
     * @param uri the URI
     * @return this builder
     */
    public Builder addRua(String uri) {
      rua.add(requireNonNull(uri, "uri"));
      return this;
    }

    /**
     * Adds a DNS query made.
     *
     * @param query the query
     * @return this builder
     */
    public Builder addQuery(DnsLookup query) {
      queries.add(requireNonNull(query, "query"));
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
     * Sets when the check started.
     *
     * @param startedAt the instant
     * @return this builder
     */
    public Builder startedAt(Instant startedAt) {
      this.startedAt = requireNonNull(startedAt, "startedAt");
      return this;
    }

    /**
     * Sets how long the check took.
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
    public TlsRptReport build() {
      return new TlsRptReport(this);
    }
  }
}
