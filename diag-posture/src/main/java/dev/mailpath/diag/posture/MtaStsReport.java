package dev.mailpath.diag.posture;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Evidence;
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
 * The MTA-STS posture of one domain, as {@link MtaStsCheck#check(String)} found it: the {@code
 * _mta-sts} record and its {@code id}, the policy fetched from {@code
 * https://mta-sts.<domain>/.well-known/mta-sts.txt} with its hash, every MX host matched against
 * the policy's patterns, the DNS queries made and the findings.
 *
 * <p><b>State across runs.</b> RFC 8461 requires a new {@code id} in the record whenever the policy
 * changes, or senders keep the cached policy. One run cannot see that; keep the previous report (or
 * rebuild it with {@link #builder()} from a stored id and {@link #policyHash()}) and ask {@link
 * #changedWithoutNewId(MtaStsReport)} or {@link #idFinding(MtaStsReport)}.
 *
 * <p>Immutable and thread-safe.
 */
public final class MtaStsReport implements DiagnosticReport {
  private final String domain;
  private final String record;
  private final String id;
  private final Integer httpStatus;
  private final String policyAddress;
  private final String policyText;
  private final String policyHash;
  private final MtaStsPolicy policy;
  private final List<MtaStsExchange> exchanges;
  private final List<DnsLookup> queries;
  private final List<Finding> findings;
  private final Instant startedAt;
  private final Duration elapsed;

  private MtaStsReport(Builder b) {
    this.domain = requireNonNull(b.domain, "domain");
    this.record = b.record;
    this.id = b.id;
    this.httpStatus = b.httpStatus;
    this.policyAddress = b.policyAddress;
    this.policyText = b.policyText;
    this.policyHash = b.policyHash;
    this.policy = b.policy;
    this.exchanges = List.copyOf(b.exchanges);
    this.queries = List.copyOf(b.queries);
    this.findings = List.copyOf(b.findings);
    this.startedAt = requireNonNull(b.startedAt, "startedAt");
    this.elapsed = requireNonNull(b.elapsed, "elapsed");
  }

  /**
   * Returns a builder, for tests and for tools that rebuild a stored report.
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
    b.id = id;
    b.httpStatus = httpStatus;
    b.policyAddress = policyAddress;
    b.policyText = policyText;
    b.policyHash = policyHash;
    b.policy = policy;
    b.exchanges.addAll(exchanges);
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
   * Returns the text of the one {@code _mta-sts} TXT record starting with {@code v=STSv1}.
   *
   * @return the record; empty when there is none or more than one
   */
  public Optional<String> record() {
    return Optional.ofNullable(record);
  }

  /**
   * Returns the record's {@code id}, when the record is valid.
   *
   * @return the id
   */
  public Optional<String> id() {
    return Optional.ofNullable(id);
  }

  /**
   * Returns the HTTP status of the policy fetch.
   *
   * @return the status; empty when no HTTP answer was read
   */
  public Optional<Integer> httpStatus() {
    return Optional.ofNullable(httpStatus);
  }

  /**
   * Returns the address of the policy host the fetch connected to (RFC 5952 text).
   *
   * @return the address; empty when no connection was made
   */
  public Optional<String> policyAddress() {
    return Optional.ofNullable(policyAddress);
  }

  /**
   * Returns the policy body as served (decoded as UTF-8), when a 200 answer within the size limit
   * was read.
   *
   * @return the text
   */
  public Optional<String> policyText() {
    return Optional.ofNullable(policyText);
  }

  /**
   * Returns the SHA-256 (lower-case hex) of the policy: of its {@link MtaStsPolicy#canonicalText()}
   * when it parsed, so that line endings or field order do not count as a change, else of the body
   * as served.
   *
   * @return the hash; empty without a policy body
   */
  public Optional<String> policyHash() {
    return Optional.ofNullable(policyHash);
  }

  /**
   * Returns the parsed policy, when it is valid.
   *
   * @return the policy
   */
  public Optional<MtaStsPolicy> policy() {
    return Optional.ofNullable(policy);
  }

  /**
   * Returns every MX host of the domain matched against the policy, in MX order; empty without a
   * valid policy.
   *
   * @return the hosts
   */
  public List<MtaStsExchange> exchanges() {
    return exchanges;
  }

  /**
   * Returns every DNS query made for the record (the MX and address lookups are in {@link
   * #findings()} when they failed).
   *
   * @return the queries
   */
  public List<DnsLookup> queries() {
    return queries;
  }

  /**
   * Tells whether the policy changed since an earlier report while the record's {@code id} stayed
   * the same: both reports have the same id and a policy hash, and the hashes differ. Senders that
   * cached the earlier policy do not fetch the new one (RFC 8461 §3.1).
   *
   * @param previous an earlier report of the same domain
   * @return true when the id should have changed
   * @throws IllegalArgumentException when the reports are about different domains
   */
  public boolean changedWithoutNewId(MtaStsReport previous) {
    requireNonNull(previous, "previous");
    if (!previous.domain.equals(domain)) {
      throw new IllegalArgumentException(
          "previous is about " + previous.domain + ", not " + domain);
    }
    return id != null
        && id.equals(previous.id)
        && policyHash != null
        && previous.policyHash != null
        && !policyHash.equals(previous.policyHash);
  }

  /**
   * Returns the {@code mta-sts.id-unchanged} finding when {@link #changedWithoutNewId} is true.
   *
   * @param previous an earlier report of the same domain
   * @return the finding, or empty
   * @throws IllegalArgumentException when the reports are about different domains
   */
  public Optional<Finding> idFinding(MtaStsReport previous) {
    if (!changedWithoutNewId(previous)) {
      return Optional.empty();
    }
    return Optional.of(
        MtaStsFinding.ID_UNCHANGED.finding(
            "the policy of " + domain + " changed but the record's id is still " + id,
            Evidence.of("id", id),
            Evidence.of("previous policy hash", previous.policyHash),
            Evidence.of("policy hash", policyHash)));
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
    return o instanceof MtaStsReport r
        && domain.equals(r.domain)
        && Objects.equals(record, r.record)
        && Objects.equals(id, r.id)
        && Objects.equals(httpStatus, r.httpStatus)
        && Objects.equals(policyAddress, r.policyAddress)
        && Objects.equals(policyText, r.policyText)
        && Objects.equals(policyHash, r.policyHash)
        && Objects.equals(policy, r.policy)
        && exchanges.equals(r.exchanges)
        && queries.equals(r.queries)
        && findings.equals(r.findings)
        && startedAt.equals(r.startedAt)
        && elapsed.equals(r.elapsed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(domain, record, policyHash, findings);
  }

  /** Returns the record, the policy's mode and the MX hosts with their matches, and findings. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("MTA-STS ").append(domain).append(": ");
    sb.append(policy == null ? "no valid policy" : "mode " + policy.mode().value());
    sb.append("\n  record ").append(record == null ? "(none)" : record);
    if (policy != null) {
      sb.append("\n  max_age ").append(policy.maxAge().toSeconds()).append(" s");
      for (MtaStsExchange e : exchanges) {
        sb.append("\n  MX ")
            .append(e.host())
            .append(e.pattern().map(p -> " matches " + p).orElse(" NOT COVERED"));
      }
    }
    return ReportText.of(sb.toString()).render(this, elapsed);
  }

  /** Builds an {@link MtaStsReport}. Not thread-safe. */
  public static final class Builder {
    private String domain;
    private String record;
    private String id;
    private Integer httpStatus;
    private String policyAddress;
    private String policyText;
    private String policyHash;
    private MtaStsPolicy policy;
    private final List<MtaStsExchange> exchanges = new ArrayList<>();
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
     * Sets the record found and its id.
     *
     * @param record the record text, or null for none
     * @param id the valid id, or null
     * @return this builder
     */
    public Builder record(String record, String id) {
      this.record = record;
      this.id = id;
      return this;
    }

    /**
     * Sets what the policy fetch saw.
     *
     * @param address the address connected to, or null
     * @param httpStatus the HTTP status, or null
     * @return this builder
     */
    public Builder fetch(String address, Integer httpStatus) {
      this.policyAddress = address;
      this.httpStatus = httpStatus;
      return this;
    }

    /**
     * Sets the policy body, its hash and the parsed policy.
     *
     * @param text the body, or null
     * @param hash the hash, or null
     * @param policy the valid policy, or null
     * @return this builder
     */
    public Builder policy(String text, String hash, MtaStsPolicy policy) {
      this.policyText = text;
      this.policyHash = hash;
      this.policy = policy;
      return this;
    }

    /**
     * Adds a matched MX host.
     *
     * @param exchange the host and its match
     * @return this builder
     */
    public Builder addExchange(MtaStsExchange exchange) {
      exchanges.add(requireNonNull(exchange, "exchange"));
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
    public MtaStsReport build() {
      return new MtaStsReport(this);
    }
  }
}
