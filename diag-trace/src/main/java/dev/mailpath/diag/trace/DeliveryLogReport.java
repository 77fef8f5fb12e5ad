package dev.mailpath.diag.trace;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.ReportText;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The answer of a delivery-log search ("message tracking"): the matching records with what each
 * means, and findings about the search itself ({@code trace.log.not-found}, {@code
 * trace.log.unreadable}).
 *
 * <p>{@link #findings()} holds the search's own findings followed by every record's findings, so
 * the {@link #outcome()} reflects the worst thing that happened to any matching message. Immutable
 * and thread-safe; {@link #builder()} is public so that users can fake reports.
 */
public final class DeliveryLogReport implements DiagnosticReport {
  private final String source;
  private final MessageQuery query;
  private final List<DeliveryRecord> records;
  private final boolean truncated;
  private final List<Finding> ownFindings;
  private final List<Finding> findings;
  private final Outcome outcome;
  private final Outcome givenOutcome;
  private final Instant startedAt;
  private final Duration elapsed;

  private DeliveryLogReport(Builder b) {
    this.source = requireNonNull(b.source, "source");
    this.query = requireNonNull(b.query, "query");
    this.records = List.copyOf(b.records);
    this.truncated = b.truncated;
    this.ownFindings = List.copyOf(b.findings);
    List<Finding> all = new ArrayList<>(ownFindings);
    records.forEach(r -> all.addAll(r.findings()));
    this.findings = List.copyOf(all);
    this.givenOutcome = b.outcome;
    this.outcome = b.outcome != null ? b.outcome : Outcome.fromFindings(findings);
    this.startedAt = requireNonNull(b.startedAt, "startedAt");
    this.elapsed = requireNonNull(b.elapsed, "elapsed");
  }

  /**
   * Starts building a report.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised from this report, to derive a variant.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.source = source;
    b.query = query;
    b.records.addAll(records);
    b.truncated = truncated;
    b.findings.addAll(ownFindings);
    b.outcome = givenOutcome;
    b.startedAt = startedAt;
    b.elapsed = elapsed;
    return b;
  }

  /**
   * Returns when the search started.
   *
   * @return the start time
   */
  public Instant startedAt() {
    return startedAt;
  }

  /**
   * Returns how long the search took.
   *
   * @return the elapsed time
   */
  public Duration elapsed() {
    return elapsed;
  }

  /**
   * Returns the name of the log searched.
   *
   * @return the source name
   */
  public String source() {
    return source;
  }

  /**
   * Returns the query.
   *
   * @return the query
   */
  public MessageQuery query() {
    return query;
  }

  /**
   * Returns the matching records in the order the log completed them.
   *
   * @return the records
   */
  public List<DeliveryRecord> records() {
    return records;
  }

  /**
   * Tells whether more records matched than the query's limit.
   *
   * @return {@code true} when records were left out
   */
  public boolean truncated() {
    return truncated;
  }

  /**
   * Returns the search's findings followed by each record's findings.
   *
   * @return the findings
   */
  public List<Finding> findings() {
    return findings;
  }

  /**
   * Tells whether a finding with the given code is present.
   *
   * @param code the code
   * @return {@code true} when present
   */
  public boolean hasFinding(FindingCode code) {
    return findings.stream().anyMatch(f -> f.is(code));
  }

  /**
   * Returns the outcome: INCONCLUSIVE when the log could not be read, else the worst finding's.
   *
   * @return the outcome
   */
  public Outcome outcome() {
    return outcome;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeliveryLogReport r
        && source.equals(r.source)
        && query.equals(r.query)
        && records.equals(r.records)
        && truncated == r.truncated
        && findings.equals(r.findings)
        && outcome == r.outcome
        && startedAt.equals(r.startedAt)
        && elapsed.equals(r.elapsed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, query, records, truncated, findings, outcome, startedAt, elapsed);
  }

  /** Returns a message-tracking view: the query, each record's trail, the findings. */
  @Override
  public String toString() {
    ReportText text =
        ReportText.of(
            "Delivery log "
                + source
                + ": "
                + records.size()
                + (records.size() == 1 ? " record" : " records")
                + (truncated ? " (truncated)" : "")
                + " for "
                + query);
    for (DeliveryRecord r : records) {
      text.line("  " + r.toString().replace("\n", "\n  "));
    }
    return text.render(this, elapsed);
  }

  /** Builds a {@link DeliveryLogReport}; not thread-safe. */
  public static final class Builder {
    private String source;
    private MessageQuery query;
    private final List<DeliveryRecord> records = new ArrayList<>();
    private boolean truncated;
    private final List<Finding> findings = new ArrayList<>();
    private Outcome outcome;
    private Instant startedAt = Instant.EPOCH;
    private Duration elapsed = Duration.ZERO;

    private Builder() {}

    /**
     * Sets when the search started.
     *
     * @param startedAt the start time
     * @return this builder
     */
    public Builder startedAt(Instant startedAt) {
      this.startedAt = requireNonNull(startedAt, "startedAt");
      return this;
    }

    /**
     * Sets how long the search took.
     *
     * @param elapsed the elapsed time
     * @return this builder
     */
    public Builder elapsed(Duration elapsed) {
      this.elapsed = requireNonNull(elapsed, "elapsed");
      return this;
    }

    /**
     * Sets the source name.
     *
     * @param source the name
     * @return this builder
     */
    public Builder source(String source) {
      this.source = requireNonNull(source, "source");
      return this;
    }

    /**
     * Sets the query.
     *
     * @param query the query
     * @return this builder
     */
    public Builder query(MessageQuery query) {
      this.query = requireNonNull(query, "query");
      return this;
    }

    /**
     * Adds a record.
     *
     * @param record the record
     * @return this builder
     */
    public Builder addRecord(DeliveryRecord record) {
      records.add(requireNonNull(record, "record"));
      return this;
    }

    /**
     * Sets whether records were left out.
     *
     * @param truncated the flag
     * @return this builder
     */
    public Builder truncated(boolean truncated) {
      this.truncated = truncated;
      return this;
    }

    /**
     * Adds a finding about the search itself.
     *
     * @param finding the finding
     * @return this builder
     */
    public Builder addFinding(Finding finding) {
      findings.add(requireNonNull(finding, "finding"));
      return this;
    }

    /**
     * Sets the outcome; by default it follows the worst finding.
     *
     * @param outcome the outcome, or {@code null}
     * @return this builder
     */
    public Builder outcome(Outcome outcome) {
      this.outcome = outcome;
      return this;
    }

    /**
     * Builds the report.
     *
     * @return the immutable report
     */
    public DeliveryLogReport build() {
      return new DeliveryLogReport(this);
    }
  }
}
