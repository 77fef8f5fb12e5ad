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
 * The DMARC policy that applies to one domain, as {@link DmarcCheck#record(String)} discovered it
 * by the DNS Tree Walk of RFC 9989: every query made, the record found and where, the
 * Organizational Domain and how it was found, which policy tag applies to the domain ({@code p} for
 * the domain itself, {@code sp} for an existing subdomain, {@code np} for a non-existent one) and
 * the report destinations with their external destination check.
 *
 * <p>Immutable and thread-safe.
 */
public final class DmarcRecordReport implements DiagnosticReport {
  private final String domain;
  private final DmarcRecord record;
  private final String policyDomain;
  private final DmarcOrganizationalDomain organizationalDomain;
  private final String appliedTag;
  private final DmarcPolicy appliedPolicy;
  private final Boolean domainExists;
  private final List<DnsLookup> queries;
  private final List<Finding> findings;
  private final Instant startedAt;
  private final Duration elapsed;

  private DmarcRecordReport(Builder b) {
    this.domain = requireNonNull(b.domain, "domain");
    this.record = b.record;
    this.policyDomain = b.policyDomain;
    this.organizationalDomain =
        b.organizationalDomain != null
            ? b.organizationalDomain
            : new DmarcOrganizationalDomain(domain, DmarcOrganizationalDomain.Basis.NO_RECORD);
    this.appliedTag = b.appliedTag;
    this.appliedPolicy = b.appliedPolicy;
    this.domainExists = b.domainExists;
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
    b.policyDomain = policyDomain;
    b.organizationalDomain = organizationalDomain;
    b.appliedTag = appliedTag;
    b.appliedPolicy = appliedPolicy;
    b.domainExists = domainExists;
    b.queries.addAll(queries);
    b.findings.addAll(findings);
    b.startedAt = startedAt;
    b.elapsed = elapsed;
    return b;
  }

  /**
   * Returns the domain asked about.
   *
   * @return the domain, A-label form, lower case
   */
  public String domain() {
    return domain;
  }

  /**
   * Returns the policy record that applies: the first valid record the tree walk found.
   *
   * @return the record; empty when there is none (or DNS failed before one was found)
   */
  public Optional<DmarcRecord> record() {
    return Optional.ofNullable(record);
  }

  /**
   * Returns where the record was found: the domain itself or a parent.
   *
   * @return the domain at whose {@code _dmarc} name the record is; empty without a record
   */
  public Optional<String> policyDomain() {
    return Optional.ofNullable(policyDomain);
  }

  /**
   * Returns the domain's Organizational Domain and which rule chose it.
   *
   * @return the Organizational Domain
   */
  public DmarcOrganizationalDomain organizationalDomain() {
    return organizationalDomain;
  }

  /**
   * Returns which tag of the record applies to the domain: {@code p} when the record is the
   * domain's own, {@code sp} for an existing subdomain, {@code np} for a non-existent one (even
   * when the tag itself is absent and its fallback is used).
   *
   * @return {@code "p"}, {@code "sp"} or {@code "np"}; empty without a record or when the domain's
   *     existence could not be checked
   */
  public Optional<String> appliedTag() {
    return Optional.ofNullable(appliedTag);
  }

  /**
   * Returns the policy that applies to the domain, after the fallbacks of RFC 9989 (an absent
   * {@code np} falls back to {@code sp}, then {@code p}; an absent {@code p} reads as {@code none};
   * an invalid policy tag with a valid {@code rua} reads as {@code none}).
   *
   * @return the policy; empty without a usable record
   */
  public Optional<DmarcPolicy> appliedPolicy() {
    return Optional.ofNullable(appliedPolicy);
  }

  /**
   * Returns whether the domain exists in the DNS, when it had to be checked to choose between
   * {@code sp} and {@code np} (RFC 9989 uses RFC 8020: NXDOMAIN means it does not exist).
   *
   * @return true or false; empty when not checked or the check failed
   */
  public Optional<Boolean> domainExists() {
    return Optional.ofNullable(domainExists);
  }

  /**
   * Returns every DNS query made, in order.
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
    return o instanceof DmarcRecordReport r
        && domain.equals(r.domain)
        && Objects.equals(record, r.record)
        && Objects.equals(policyDomain, r.policyDomain)
        && organizationalDomain.equals(r.organizationalDomain)
        && Objects.equals(appliedTag, r.appliedTag)
        && appliedPolicy == r.appliedPolicy
        && Objects.equals(domainExists, r.domainExists)
        && queries.equals(r.queries)
        && findings.equals(r.findings)
        && startedAt.equals(r.startedAt)
        && elapsed.equals(r.elapsed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(domain, record, policyDomain, organizationalDomain, findings);
  }

  /** Returns where the record was found, the policy that applies, and the findings. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("DMARC ").append(domain).append(": ");
    if (record == null) {
      sb.append("no record");
    } else {
      sb.append(appliedPolicy == null ? "unusable record" : appliedPolicy.tagValue());
      if (appliedTag != null) {
        sb.append(" (").append(appliedTag).append(" of _dmarc.").append(policyDomain).append(')');
      }
      sb.append("\n  ").append(record.text());
    }
    sb.append("\n  organizational domain ").append(organizationalDomain.explanation());
    sb.append("\n  ").append(queries.size()).append(" DNS queries");
    return ReportText.of(sb.toString()).render(this, elapsed);
  }

  /** Builds a {@link DmarcRecordReport}. Not thread-safe. */
  public static final class Builder {
    private String domain;
    private DmarcRecord record;
    private String policyDomain;
    private DmarcOrganizationalDomain organizationalDomain;
    private String appliedTag;
    private DmarcPolicy appliedPolicy;
    private Boolean domainExists;
    private final List<DnsLookup> queries = new ArrayList<>();
    private final List<Finding> findings = new ArrayList<>();
    private Instant startedAt = Instant.EPOCH;
    private Duration elapsed = Duration.ZERO;

    private Builder() {}

    /**
     * Sets the domain asked about.
     *
     * @param domain the domain
     * @return this builder
     */
    public Builder domain(String domain) {
      this.domain = requireNonNull(domain, "domain");
      return this;
    }

    /**
     * Sets the record found and where.
     *
     * @param record the record, or null for none
     * @param policyDomain the domain it was found at, or null for none
     * @return this builder
     */
    public Builder record(DmarcRecord record, String policyDomain) {
      this.record = record;
      this.policyDomain = policyDomain;
      return this;
    }

    /**
     * Sets the Organizational Domain.
     *
     * @param organizationalDomain the Organizational Domain
     * @return this builder
     */
    public Builder organizationalDomain(DmarcOrganizationalDomain organizationalDomain) {
      this.organizationalDomain = requireNonNull(organizationalDomain, "organizationalDomain");
      return this;
    }

    /**
     * Sets which tag applies and the resulting policy.
     *
     * @param appliedTag {@code p}, {@code sp}, {@code np}, or null when unknown
     * @param appliedPolicy the policy, or null when unusable
     * @return this builder
     */
    public Builder applied(String appliedTag, DmarcPolicy appliedPolicy) {
      this.appliedTag = appliedTag;
      this.appliedPolicy = appliedPolicy;
      return this;
    }

    /**
     * Sets whether the domain exists.
     *
     * @param domainExists true, false, or null when not checked
     * @return this builder
     */
    public Builder domainExists(Boolean domainExists) {
      this.domainExists = domainExists;
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
    public DmarcRecordReport build() {
      return new DmarcRecordReport(this);
    }
  }
}
