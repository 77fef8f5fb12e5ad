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
 * The DMARC verdict on one message (RFC 9989): the result, the policy record and Organizational
 * Domain behind it ({@link #policy()}), each authenticated identifier with whether it aligned and
 * why not, and the disposition the Domain Owner asks for.
 *
 * <p>Immutable and thread-safe.
 */
public final class DmarcReport implements DiagnosticReport {
  private final String fromDomain;
  private final DmarcResult result;
  private final DmarcRecordReport policy;
  private final List<DmarcIdentifierCheck> identifiers;
  private final DmarcDisposition disposition;
  private final List<DnsLookup> queries;
  private final List<Finding> findings;
  private final Instant startedAt;
  private final Duration elapsed;

  private DmarcReport(Builder b) {
    this.fromDomain = requireNonNull(b.fromDomain, "fromDomain");
    this.result = requireNonNull(b.result, "result");
    this.policy =
        b.policy != null ? b.policy : DmarcRecordReport.builder().domain(fromDomain).build();
    this.identifiers = List.copyOf(b.identifiers);
    this.disposition = requireNonNull(b.disposition, "disposition");
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
    b.fromDomain = fromDomain;
    b.result = result;
    b.policy = policy;
    b.identifiers.addAll(identifiers);
    b.disposition = disposition;
    b.queries.addAll(queries);
    b.findings.addAll(findings);
    b.startedAt = startedAt;
    b.elapsed = elapsed;
    return b;
  }

  /**
   * Returns the From: (RFC5322.From) domain evaluated.
   *
   * @return the domain, A-label form, lower case
   */
  public String fromDomain() {
    return fromDomain;
  }

  /**
   * Returns the DMARC result.
   *
   * @return the result
   */
  public DmarcResult result() {
    return result;
  }

  /**
   * Returns the policy discovery for the From domain: the record, where it was found, the
   * Organizational Domain and how it was found, the tag that applies.
   *
   * @return the policy part (its own findings are also in {@link #findings()})
   */
  public DmarcRecordReport policy() {
    return policy;
  }

  /**
   * Returns the From domain's Organizational Domain and how it was found.
   *
   * @return the Organizational Domain
   */
  public DmarcOrganizationalDomain organizationalDomain() {
    return policy.organizationalDomain();
  }

  /**
   * Returns every identifier considered: the SPF one first, then one per DKIM signature.
   *
   * @return the checks; empty when no policy applied (alignment was not evaluated)
   */
  public List<DmarcIdentifierCheck> identifiers() {
    return identifiers;
  }

  /**
   * Returns the first identifier that passed and aligned.
   *
   * @return the identifier that made DMARC pass; empty unless the result is PASS
   */
  public Optional<DmarcIdentifierCheck> alignedIdentifier() {
    return identifiers.stream().filter(DmarcIdentifierCheck::aligned).findFirst();
  }

  /**
   * Returns which policy tag applied ({@code p}, {@code sp} or {@code np}).
   *
   * @return the tag; empty without a usable record
   */
  public Optional<String> appliedTag() {
    return policy.appliedTag();
  }

  /**
   * Returns whether the record asks for test mode ({@code t=y}): the policy is not applied.
   *
   * @return true for {@code t=y}
   */
  public boolean testing() {
    return policy.record().map(DmarcRecord::testing).orElse(false);
  }

  /**
   * Returns what the Domain Owner asks the receiver to do: NONE for PASS, NONE, TEMPERROR and
   * PERMERROR, for {@code p=none} and in test mode ({@code t=y}); else quarantine or reject.
   *
   * @return the disposition
   */
  public DmarcDisposition disposition() {
    return disposition;
  }

  /**
   * Returns every DNS query made: the policy walk, then the Organizational Domain walks of the
   * identifiers.
   *
   * @return the queries, in order
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
    return o instanceof DmarcReport r
        && fromDomain.equals(r.fromDomain)
        && result == r.result
        && policy.equals(r.policy)
        && identifiers.equals(r.identifiers)
        && disposition == r.disposition
        && queries.equals(r.queries)
        && findings.equals(r.findings)
        && startedAt.equals(r.startedAt)
        && elapsed.equals(r.elapsed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(fromDomain, result, identifiers, disposition, findings);
  }

  /** Returns the result, the disposition, each identifier and the findings. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("DMARC From: ").append(fromDomain).append(": ");
    sb.append(result).append(", disposition ").append(disposition);
    policy.appliedTag().ifPresent(t -> sb.append(" (").append(t).append(')'));
    if (testing()) {
      sb.append(" t=y");
    }
    sb.append("\n  organizational domain ").append(organizationalDomain().explanation());
    for (DmarcIdentifierCheck c : identifiers) {
      sb.append("\n  ").append(c.aligned() ? "aligned: " : "not aligned: ").append(c.reason());
    }
    return ReportText.of(sb.toString()).render(this, elapsed);
  }

  /** Builds a {@link DmarcReport}. Not thread-safe. */
  public static final class Builder {
    private String fromDomain;
    private DmarcResult result;
    private DmarcRecordReport policy;
    private final List<DmarcIdentifierCheck> identifiers = new ArrayList<>();
    private DmarcDisposition disposition = DmarcDisposition.NONE;
    private final List<DnsLookup> queries = new ArrayList<>();
    private final List<Finding> findings = new ArrayList<>();
    private Instant startedAt = Instant.EPOCH;
    private Duration elapsed = Duration.ZERO;

    private Builder() {}

    /**
     * Sets the From domain.
     *
     * @param fromDomain the domain
     * @return this builder
     */
    public Builder fromDomain(String fromDomain) {
      this.fromDomain = requireNonNull(fromDomain, "fromDomain");
      return this;
    }

    /**
     * Sets the result.
     *
     * @param result the result
     * @return this builder
     */
    public Builder result(DmarcResult result) {
      this.result = requireNonNull(result, "result");
      return this;
    }

    /**
     * Sets the policy discovery part.
     *
     * @param policy the record report for the From domain
     * @return this builder
     */
    public Builder policy(DmarcRecordReport policy) {
      this.policy = requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Adds an identifier check.
     *
     * @param check the check
     * @return this builder
     */
    public Builder addIdentifier(DmarcIdentifierCheck check) {
      identifiers.add(requireNonNull(check, "check"));
      return this;
    }

    /**
     * Sets the disposition.
     *
     * @param disposition the disposition (default NONE)
     * @return this builder
     */
    public Builder disposition(DmarcDisposition disposition) {
      this.disposition = requireNonNull(disposition, "disposition");
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
     * Sets when the evaluation started.
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
     * @throws NullPointerException when the From domain or result is missing
     */
    public DmarcReport build() {
      return new DmarcReport(this);
    }
  }
}
