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
 * The result of one SPF check (RFC 7208): which identity was checked at which domain, the result,
 * the explanation a FAIL carries, the record and term that decided it, the DNS lookups counted
 * against the limits, and the whole include/redirect tree with every query made.
 *
 * <p>Immutable and thread-safe.
 */
public final class SpfReport implements DiagnosticReport {
  private final SpfResult result;
  private final SpfIdentity identity;
  private final String domain;
  private final String explanation;
  private final String ip;
  private final String sender;
  private final String helo;
  private final String record;
  private final String matchedTerm;
  private final int dnsLookups;
  private final int voidLookups;
  private final SpfEvaluation evaluation;
  private final List<Finding> findings;
  private final Instant startedAt;
  private final Duration elapsed;

  private SpfReport(Builder b) {
    this.result = requireNonNull(b.result, "result");
    this.identity = requireNonNull(b.identity, "identity");
    this.domain = requireNonNull(b.domain, "domain");
    this.explanation = b.explanation;
    this.ip = b.ip;
    this.sender = b.sender;
    this.helo = b.helo;
    this.record = b.record;
    this.matchedTerm = b.matchedTerm;
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
    b.result = result;
    b.identity = identity;
    b.domain = domain;
    b.explanation = explanation;
    b.ip = ip;
    b.sender = sender;
    b.helo = helo;
    b.record = record;
    b.matchedTerm = matchedTerm;
    b.dnsLookups = dnsLookups;
    b.voidLookups = voidLookups;
    b.evaluation = evaluation;
    b.findings.addAll(findings);
    b.startedAt = startedAt;
    b.elapsed = elapsed;
    return b;
  }

  /**
   * Returns the SPF result.
   *
   * @return the result
   */
  public SpfResult result() {
    return result;
  }

  /**
   * Returns which identity was checked: MAIL FROM, or HELO when MAIL FROM was empty.
   *
   * @return the identity
   */
  public SpfIdentity identity() {
    return identity;
  }

  /**
   * Returns the domain whose SPF record was evaluated first: MAIL FROM's domain or the HELO name.
   *
   * @return the domain, lower case, without a final dot
   */
  public String domain() {
    return domain;
  }

  /**
   * Returns the explanation of a FAIL (the macro-expanded {@code exp=} text).
   *
   * @return the explanation, or empty when the result is not FAIL or the record has none
   */
  public Optional<String> explanation() {
    return Optional.ofNullable(explanation);
  }

  /**
   * Returns the address checked, as RFC 5952 text ({@code 192.0.2.1}, {@code 2001:db8::1}).
   *
   * @return the address text; empty text in reports built without one
   */
  public String ip() {
    return ip == null ? "" : ip;
  }

  /**
   * Returns the sender the macros saw ({@code %{s}}): {@code local@domain}, with {@code postmaster}
   * as local part when MAIL FROM had none or the HELO identity was checked.
   *
   * @return the sender; empty text in reports built without one
   */
  public String sender() {
    return sender == null ? "" : sender;
  }

  /**
   * Returns the HELO name given.
   *
   * @return the HELO name; empty text in reports built without one
   */
  public String helo() {
    return helo == null ? "" : helo;
  }

  /**
   * Returns the SPF record of the checked domain (the root of the tree).
   *
   * @return the record, or empty when none was found
   */
  public Optional<String> record() {
    return Optional.ofNullable(record);
  }

  /**
   * Returns the term that decided the result at the top level, after following redirects: for
   * example {@code -all}, {@code ip4:192.0.2.0/24} or {@code include:_spf.example.net}.
   *
   * @return the term, or empty when no term matched (default neutral, none, errors)
   */
  public Optional<String> matchedTerm() {
    return Optional.ofNullable(matchedTerm);
  }

  /**
   * Returns how many terms that cause DNS lookups were evaluated (include, a, mx, ptr, exists,
   * redirect), the number RFC 7208 §4.6.4 limits to 10.
   *
   * @return the count
   */
  public int dnsLookups() {
    return dnsLookups;
  }

  /**
   * Returns how many lookups found no records or a non-existent name, the number RFC 7208 §4.6.4
   * limits to 2.
   *
   * @return the count
   */
  public int voidLookups() {
    return voidLookups;
  }

  /**
   * Returns the evaluation tree: the checked domain's record, then every include and redirect
   * followed, each with its own queries.
   *
   * @return the tree, or empty when no DNS query was made (an invalid domain)
   */
  public Optional<SpfEvaluation> evaluation() {
    return Optional.ofNullable(evaluation);
  }

  /**
   * Returns every DNS query made, depth first through the tree (the {@code exp=} query last).
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
    if (!(o instanceof SpfReport)) {
      return false;
    }
    SpfReport r = (SpfReport) o;
    return result == r.result
        && identity == r.identity
        && domain.equals(r.domain)
        && Objects.equals(explanation, r.explanation)
        && Objects.equals(ip, r.ip)
        && Objects.equals(sender, r.sender)
        && Objects.equals(helo, r.helo)
        && Objects.equals(record, r.record)
        && Objects.equals(matchedTerm, r.matchedTerm)
        && dnsLookups == r.dnsLookups
        && voidLookups == r.voidLookups
        && Objects.equals(evaluation, r.evaluation)
        && findings.equals(r.findings)
        && startedAt.equals(r.startedAt)
        && elapsed.equals(r.elapsed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(result, identity, domain, ip, sender, matchedTerm, findings);
  }

  /** Returns the result line, the tree and the findings. */
  @Override
  public String toString() {
    ReportText t =
        ReportText.of(
            "SPF "
                + identity
                + " "
                + domain
                + (ip == null ? "" : " for " + ip)
                + ": "
                + result
                + (matchedTerm == null ? "" : " (" + matchedTerm + ")"));
    if (explanation != null) {
      t.line("explanation: " + explanation);
    }
    t.line("DNS lookups: " + dnsLookups + " of 10, void lookups: " + voidLookups + " of 2");
    if (evaluation != null) {
      t.body(evaluation.tree());
    }
    return t.render(this, elapsed);
  }

  /** Builds a {@link SpfReport}. Not thread-safe. */
  public static final class Builder {
    private SpfResult result;
    private SpfIdentity identity = SpfIdentity.MAIL_FROM;
    private String domain;
    private String explanation;
    private String ip;
    private String sender;
    private String helo;
    private String record;
    private String matchedTerm;
    private int dnsLookups;
    private int voidLookups;
    private SpfEvaluation evaluation;
    private final List<Finding> findings = new ArrayList<>();
    private Instant startedAt = Instant.EPOCH;
    private Duration elapsed = Duration.ZERO;

    private Builder() {}

    /**
     * Sets the result.
     *
     * @param result the result
     * @return this builder
     */
    public Builder result(SpfResult result) {
      this.result = requireNonNull(result, "result");
      return this;
    }

    /**
     * Sets the identity checked.
     *
     * @param identity the identity
     * @return this builder
     */
    public Builder identity(SpfIdentity identity) {
      this.identity = requireNonNull(identity, "identity");
      return this;
    }

    /**
     * Sets the domain checked.
     *
     * @param domain the domain
     * @return this builder
     */
    public Builder domain(String domain) {
      this.domain = requireNonNull(domain, "domain");
      return this;
    }

    /**
     * Sets the explanation of a FAIL.
     *
     * @param explanation the text, or null for none
     * @return this builder
     */
    public Builder explanation(String explanation) {
      this.explanation = explanation;
      return this;
    }

    /**
     * Sets the address checked.
     *
     * @param ip RFC 5952 text
     * @return this builder
     */
    public Builder ip(String ip) {
      this.ip = requireNonNull(ip, "ip");
      return this;
    }

    /**
     * Sets the sender the macros saw.
     *
     * @param sender {@code local@domain}
     * @return this builder
     */
    public Builder sender(String sender) {
      this.sender = requireNonNull(sender, "sender");
      return this;
    }

    /**
     * Sets the HELO name given.
     *
     * @param helo the name
     * @return this builder
     */
    public Builder helo(String helo) {
      this.helo = requireNonNull(helo, "helo");
      return this;
    }

    /**
     * Sets the checked domain's record.
     *
     * @param record the record text, or null for none
     * @return this builder
     */
    public Builder record(String record) {
      this.record = record;
      return this;
    }

    /**
     * Sets the term that decided the result.
     *
     * @param matchedTerm the term, or null for none
     * @return this builder
     */
    public Builder matchedTerm(String matchedTerm) {
      this.matchedTerm = matchedTerm;
      return this;
    }

    /**
     * Sets the number of DNS-querying terms evaluated.
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
     * Sets the evaluation tree.
     *
     * @param evaluation the root node, or null for none
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
     * @throws NullPointerException when result or domain is missing
     */
    public SpfReport build() {
      return new SpfReport(this);
    }
  }
}
