package dev.mailpath.diag.posture;

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

/**
 * What the configured DNS blocklists said about one IP address or domain ({@link
 * DnsblCheck#check(java.net.InetAddress)}, {@link DnsblCheck#check(String)}), or how they answered
 * their RFC 5782 test entries ({@link DnsblCheck#selfTest()}): one {@link DnsblResult} per list
 * (four per IP list and two per domain list for the self-test), and the findings.
 *
 * <p>Immutable and thread-safe.
 */
public final class DnsblReport implements DiagnosticReport {
  private final String target;
  private final List<DnsblResult> results;
  private final List<Finding> findings;
  private final Instant startedAt;
  private final Duration elapsed;

  private DnsblReport(Builder b) {
    this.target = requireNonNull(b.target, "target");
    this.results = List.copyOf(b.results);
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
    b.target = target;
    b.results.addAll(results);
    b.findings.addAll(findings);
    b.startedAt = startedAt;
    b.elapsed = elapsed;
    return b;
  }

  /**
   * Returns what was checked.
   *
   * @return the IP address (RFC 5952 text), the domain (A-labels), or {@code "RFC 5782 test
   *     entries"} for a self-test
   */
  public String target() {
    return target;
  }

  /**
   * Returns what each list said, in the order the lists were configured.
   *
   * @return the results
   */
  public List<DnsblResult> results() {
    return results;
  }

  /**
   * Returns the results with one verdict.
   *
   * @param verdict the verdict
   * @return those results, in order
   */
  public List<DnsblResult> results(DnsblResult.Verdict verdict) {
    requireNonNull(verdict, "verdict");
    return results.stream().filter(r -> r.verdict() == verdict).toList();
  }

  /**
   * Tells whether any list lists the target (policy listings included).
   *
   * @return true when at least one result is LISTED
   */
  public boolean listed() {
    return results.stream().anyMatch(r -> r.verdict() == DnsblResult.Verdict.LISTED);
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
    return o instanceof DnsblReport r
        && target.equals(r.target)
        && results.equals(r.results)
        && findings.equals(r.findings)
        && startedAt.equals(r.startedAt)
        && elapsed.equals(r.elapsed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(target, results, findings);
  }

  /** Returns one line per list and the findings. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("DNSBL ").append(target).append(": ");
    sb.append(results.size()).append(results.size() == 1 ? " answer" : " answers");
    for (DnsblResult r : results) {
      sb.append("\n  ").append(r);
    }
    return ReportText.of(sb.toString()).render(this, elapsed);
  }

  /** Builds a {@link DnsblReport}. Not thread-safe. */
  public static final class Builder {
    private String target;
    private final List<DnsblResult> results = new ArrayList<>();
    private final List<Finding> findings = new ArrayList<>();
    private Instant startedAt = Instant.EPOCH;
    private Duration elapsed = Duration.ZERO;

    private Builder() {}

    /**
     * Sets what was checked.
     *
     * @param target the address text or domain
     * @return this builder
     */
    public Builder target(String target) {
      this.target = requireNonNull(target, "target");
      return this;
    }

    /**
     * Adds one list's result.
     *
     * @param result the result
     * @return this builder
     */
    public Builder addResult(DnsblResult result) {
      results.add(requireNonNull(result, "result"));
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
     * @throws NullPointerException when the target is missing
     */
    public DnsblReport build() {
      return new DnsblReport(this);
    }
  }
}
