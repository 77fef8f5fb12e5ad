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

/**
 * The result of verifying the DKIM signatures of one message (RFC 6376): one {@link
 * DkimSignatureResult} per DKIM-Signature header field, in header order. The report's findings are
 * those of the message (unsigned, malformed header) followed by those of every signature.
 *
 * <p>Immutable and thread-safe.
 */
public final class DkimReport implements DiagnosticReport {
  private final List<DkimSignatureResult> signatures;
  private final List<Finding> findings;
  private final Instant startedAt;
  private final Duration elapsed;

  private DkimReport(Builder b) {
    this.signatures = List.copyOf(b.signatures);
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
    b.signatures.addAll(signatures);
    b.findings.addAll(findings);
    b.startedAt = startedAt;
    b.elapsed = elapsed;
    return b;
  }

  /**
   * Returns one verdict per signature, in the order of the header fields.
   *
   * @return the verdicts; empty when the message is not signed
   */
  public List<DkimSignatureResult> signatures() {
    return signatures;
  }

  /**
   * Returns the message's overall result: PASS when any signature passed, NONE when there is no
   * signature, else the first signature's result.
   *
   * @return the result
   */
  public DkimResult result() {
    if (signatures.isEmpty()) {
      return DkimResult.NONE;
    }
    for (DkimSignatureResult s : signatures) {
      if (s.result() == DkimResult.PASS) {
        return DkimResult.PASS;
      }
    }
    return signatures.get(0).result();
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
    return o instanceof DkimReport r
        && signatures.equals(r.signatures)
        && findings.equals(r.findings)
        && startedAt.equals(r.startedAt)
        && elapsed.equals(r.elapsed);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(signatures, findings, startedAt, elapsed);
  }

  /** Returns the result per signature and the findings. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("DKIM: ").append(result());
    for (DkimSignatureResult s : signatures) {
      sb.append("\n  d=").append(s.domain()).append(" s=").append(s.selector());
      sb.append(' ').append(s.algorithm()).append(" c=").append(s.canonicalization());
      s.identity().ifPresent(i -> sb.append(" i=").append(i));
      s.bodyLength().ifPresent(l -> sb.append(" l=").append(l));
      sb.append(": ").append(s.result());
      s.reason().ifPresent(r -> sb.append(" (").append(r).append(')'));
    }
    return ReportText.of(sb.toString()).render(this, elapsed);
  }

  /** Builds a {@link DkimReport}. Not thread-safe. */
  public static final class Builder {
    private final List<DkimSignatureResult> signatures = new ArrayList<>();
    private final List<Finding> findings = new ArrayList<>();
    private Instant startedAt = Instant.EPOCH;
    private Duration elapsed = Duration.ZERO;

    private Builder() {}

    /**
     * Adds the verdict on one signature.
     *
     * @param signature the verdict
     * @return this builder
     */
    public Builder addSignature(DkimSignatureResult signature) {
      signatures.add(requireNonNull(signature, "signature"));
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
     * Sets when the verification started.
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
     */
    public DkimReport build() {
      return new DkimReport(this);
    }
  }
}
