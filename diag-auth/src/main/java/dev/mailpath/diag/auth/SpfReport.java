package dev.mailpath.diag.auth;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.ReportText;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The result of one SPF check (RFC 7208): which identity was checked at which domain, the result,
 * and the explanation a FAIL carries.
 *
 * <p>Immutable and thread-safe.
 */
public final class SpfReport implements DiagnosticReport {
  private final SpfResult result;
  private final SpfIdentity identity;
  private final String domain;
  private final String explanation;
  private final List<Finding> findings;
  private final Instant startedAt;
  private final Duration elapsed;

  private SpfReport(Builder b) {
    this.result = requireNonNull(b.result, "result");
    this.identity = requireNonNull(b.identity, "identity");
    this.domain = requireNonNull(b.domain, "domain");
    this.explanation = b.explanation;
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

  /** Returns the result line and the findings. */
  @Override
  public String toString() {
    return ReportText.of("SPF " + identity + " " + domain + ": " + result).render(this, elapsed);
  }

  /** Builds a {@link SpfReport}. Not thread-safe. */
  public static final class Builder {
    private SpfResult result;
    private SpfIdentity identity = SpfIdentity.MAIL_FROM;
    private String domain;
    private String explanation;
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
