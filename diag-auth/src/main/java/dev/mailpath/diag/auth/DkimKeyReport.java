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
import java.util.Objects;
import java.util.Optional;

/**
 * A DKIM key record checked on its own (RFC 6376 §3.6.1, RFC 8301, RFC 8463), for setting up a
 * selector: whether {@code <selector>._domainkey.<domain>} exists, and what it says ({@code v=},
 * {@code k=}, {@code p=} and its size, {@code t=}, {@code h=}, {@code s=}).
 *
 * <p>Immutable and thread-safe.
 */
public final class DkimKeyReport implements DiagnosticReport {
  private final String selector;
  private final String domain;
  private final String record;
  private final String keyType;
  private final Integer keyBits;
  private final boolean testing;
  private final boolean strict;
  private final boolean usable;
  private final List<Finding> findings;
  private final Instant startedAt;
  private final Duration elapsed;

  private DkimKeyReport(Builder b) {
    this.selector = requireNonNull(b.selector, "selector");
    this.domain = requireNonNull(b.domain, "domain");
    this.record = b.record;
    this.keyType = b.keyType;
    this.keyBits = b.keyBits;
    this.testing = b.testing;
    this.strict = b.strict;
    this.usable = b.usable;
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
    b.selector = selector;
    b.domain = domain;
    b.record = record;
    b.keyType = keyType;
    b.keyBits = keyBits;
    b.testing = testing;
    b.strict = strict;
    b.usable = usable;
    b.findings.addAll(findings);
    b.startedAt = startedAt;
    b.elapsed = elapsed;
    return b;
  }

  /**
   * Returns the selector checked.
   *
   * @return the selector
   */
  public String selector() {
    return selector;
  }

  /**
   * Returns the signing domain checked.
   *
   * @return the domain, lower case
   */
  public String domain() {
    return domain;
  }

  /**
   * Returns the DNS name of the key record.
   *
   * @return {@code <selector>._domainkey.<domain>}
   */
  public String name() {
    return selector + "._domainkey." + domain;
  }

  /**
   * Returns the TXT record's text (its strings joined).
   *
   * @return the record, or empty when none was found
   */
  public Optional<String> record() {
    return Optional.ofNullable(record);
  }

  /**
   * Returns the key type ({@code k=}, default {@code rsa}).
   *
   * @return the key type, or empty when there is no readable record
   */
  public Optional<String> keyType() {
    return Optional.ofNullable(keyType);
  }

  /**
   * Returns the key size: the RSA modulus bits, or 256 for Ed25519.
   *
   * @return the size, or empty when the key could not be read
   */
  public Optional<Integer> keyBits() {
    return Optional.ofNullable(keyBits);
  }

  /**
   * Returns whether the record has {@code t=y} (testing).
   *
   * @return true in testing mode
   */
  public boolean testing() {
    return testing;
  }

  /**
   * Returns whether the record has {@code t=s} (i= must equal d=).
   *
   * @return true when strict
   */
  public boolean strict() {
    return strict;
  }

  /**
   * Returns whether the record holds a key that can verify email signatures under this verifier's
   * policy.
   *
   * @return true when usable
   */
  public boolean usable() {
    return usable;
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
    return o instanceof DkimKeyReport r
        && selector.equals(r.selector)
        && domain.equals(r.domain)
        && Objects.equals(record, r.record)
        && Objects.equals(keyType, r.keyType)
        && Objects.equals(keyBits, r.keyBits)
        && testing == r.testing
        && strict == r.strict
        && usable == r.usable
        && findings.equals(r.findings)
        && startedAt.equals(r.startedAt)
        && elapsed.equals(r.elapsed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(selector, domain, record, findings, startedAt);
  }

  /** Returns the record name, what it holds, and the findings. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("DKIM key ").append(name()).append(": ");
    if (record == null) {
      sb.append("no record");
    } else {
      sb.append(keyType == null ? "?" : keyType);
      if (keyBits != null) {
        sb.append(' ').append(keyBits).append(" bits");
      }
      sb.append(usable ? ", usable" : ", not usable");
      if (testing) {
        sb.append(", testing");
      }
      sb.append("\n  ").append(record);
    }
    return ReportText.of(sb.toString()).render(this, elapsed);
  }

  /** Builds a {@link DkimKeyReport}. Not thread-safe. */
  public static final class Builder {
    private String selector;
    private String domain;
    private String record;
    private String keyType;
    private Integer keyBits;
    private boolean testing;
    private boolean strict;
    private boolean usable;
    private final List<Finding> findings = new ArrayList<>();
    private Instant startedAt = Instant.EPOCH;
    private Duration elapsed = Duration.ZERO;

    private Builder() {}

    /**
     * Sets the selector.
     *
     * @param selector the selector
     * @return this builder
     */
    public Builder selector(String selector) {
      this.selector = requireNonNull(selector, "selector");
      return this;
    }

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
     * Sets the record text.
     *
     * @param record the text, or null when none was found
     * @return this builder
     */
    public Builder record(String record) {
      this.record = record;
      return this;
    }

    /**
     * Sets the key type.
     *
     * @param keyType the type, or null when unknown
     * @return this builder
     */
    public Builder keyType(String keyType) {
      this.keyType = keyType;
      return this;
    }

    /**
     * Sets the key size.
     *
     * @param keyBits the size in bits, or null when unknown
     * @return this builder
     */
    public Builder keyBits(Integer keyBits) {
      this.keyBits = keyBits;
      return this;
    }

    /**
     * Sets testing mode.
     *
     * @param testing whether {@code t=y}
     * @return this builder
     */
    public Builder testing(boolean testing) {
      this.testing = testing;
      return this;
    }

    /**
     * Sets strict mode.
     *
     * @param strict whether {@code t=s}
     * @return this builder
     */
    public Builder strict(boolean strict) {
      this.strict = strict;
      return this;
    }

    /**
     * Sets whether the key is usable.
     *
     * @param usable whether it can verify email signatures
     * @return this builder
     */
    public Builder usable(boolean usable) {
      this.usable = usable;
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
     * @throws NullPointerException when selector or domain is missing
     */
    public DkimKeyReport build() {
      return new DkimKeyReport(this);
    }
  }
}
