package dev.mailpath.diag.trace;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Outcome;
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
  private final List<Finding> findings;
  private final Outcome outcome;

  private DeliveryLogReport(Builder b) {
    this.source = requireNonNull(b.source, "source");
    this.query = requireNonNull(b.query, "query");
    this.records = List.copyOf(b.records);
    this.truncated = b.truncated;
    List<Finding> all = new ArrayList<>(b.findings);
    records.forEach(r -> all.addAll(r.findings()));
    this.findings = List.copyOf(all);
    this.outcome = b.outcome != null ? b.outcome : Outcome.fromFindings(findings);
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
        && outcome == r.outcome;
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, query, records, outcome);
  }

  /** Returns a message-tracking view: the query, each record's trail, the findings. */
  @Override
  public String toString() {
    StringBuilder sb =
        new StringBuilder("Delivery log ")
            .append(source)
            .append(": ")
            .append(records.size())
            .append(records.size() == 1 ? " record" : " records")
            .append(truncated ? " (truncated)" : "")
            .append(" for ")
            .append(query);
    for (DeliveryRecord r : records) {
      sb.append("\n  ").append(r.toString().replace("\n", "\n  "));
    }
    sb.append("\nOutcome: ").append(outcome);
    for (Finding f : findings) {
      sb.append("\n  ").append(f.render().replace("\n", "\n  "));
    }
    return sb.toString();
  }

  /** Builds a {@link DeliveryLogReport}; not thread-safe. */
  public static final class Builder {
    private String source;
    private MessageQuery query;
    private final List<DeliveryRecord> records = new ArrayList<>();
    private boolean truncated;
    private final List<Finding> findings = new ArrayList<>();
    private Outcome outcome;

    private Builder() {}

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
