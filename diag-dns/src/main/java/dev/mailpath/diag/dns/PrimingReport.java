package dev.mailpath.diag.dns;

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
 * The result of the priming query (RFC 9609): every hinted root asked {@code . NS} without
 * recursion, the root server list they return now (names and glue addresses), and how it differs
 * from the hints. A resolver starts exactly like this; hints that differ from the live list are
 * stale (B-root's addresses changed in 2023).
 *
 * <p>{@code toString()} prints the live list, the differences, the table of roots and the findings.
 * Immutable and thread-safe. {@link #builder()} is public for fakes in users' tests.
 */
public final class PrimingReport implements DiagnosticReport {

  /**
   * One way the hints differ from the live root server list.
   *
   * @param server the root server's name, absolute ({@code b.root-servers.net.})
   * @param field what differs: {@code NS} (the server is missing on one side), {@code A} or {@code
   *     AAAA}
   * @param hinted what the hints say ({@code -} when absent)
   * @param live what the roots say now ({@code -} when absent)
   */
  public record Difference(String server, String field, String hinted, String live) {

    /**
     * Validates the components.
     *
     * @param server the root server's name, absolute ({@code b.root-servers.net.})
     * @param field what differs: {@code NS} (the server is missing on one side), {@code A} or
     *     {@code AAAA}
     * @param hinted what the hints say ({@code -} when absent)
     * @param live what the roots say now ({@code -} when absent)
     */
    public Difference {
      requireNonNull(server, "server");
      requireNonNull(field, "field");
      requireNonNull(hinted, "hinted");
      requireNonNull(live, "live");
    }

    /** Returns {@code b.root-servers.net. A: hints 199.9.14.201, live 170.247.170.2}. */
    @Override
    public String toString() {
      return server + " " + field + ": hints " + hinted + ", live " + live;
    }
  }

  private final RootHints hints;
  private final RootServerReport roots;
  private final List<RootServer> liveServers;
  private final List<Difference> differences;
  private final List<Finding> findings;
  private final Outcome outcome;

  private PrimingReport(Builder b) {
    this.hints = requireNonNull(b.hints, "hints");
    this.roots = requireNonNull(b.roots, "roots");
    this.liveServers = List.copyOf(b.liveServers);
    this.differences = List.copyOf(b.differences);
    this.findings = List.copyOf(b.findings);
    this.outcome = b.outcome != null ? b.outcome : Outcome.fromFindings(findings);
  }

  /**
   * Starts building a report (for tests that need a fake one).
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the hints the priming started from.
   *
   * @return the hints
   */
  public RootHints hints() {
    return hints;
  }

  /**
   * Returns what every root said to {@code . NS}.
   *
   * @return the per-root report
   */
  public RootServerReport roots() {
    return roots;
  }

  /**
   * Returns the root servers as the roots list them now: the NS set of the most common
   * authoritative answer, with the addresses from its glue (ports taken from the hints).
   *
   * @return the live list; empty when priming failed
   */
  public List<RootServer> liveServers() {
    return liveServers;
  }

  /**
   * Returns the live list as hints, ready for another {@link RootServerQuery} or {@link
   * DelegationTrace}.
   *
   * @return the primed hints, or the original hints when priming failed
   */
  public RootHints primedHints() {
    return liveServers.isEmpty() ? hints : RootHints.of(liveServers);
  }

  /**
   * Returns how the hints differ from the live list.
   *
   * @return the differences; empty when the hints are current
   */
  public List<Difference> differences() {
    return differences;
  }

  /**
   * Tells whether the hints match the live list.
   *
   * @return {@code true} when priming succeeded and nothing differs
   */
  public boolean hintsCurrent() {
    return !liveServers.isEmpty() && differences.isEmpty();
  }

  /**
   * Returns the findings: the roots' findings and the priming findings ({@link
   * RootFinding#HINTS_STALE}, {@link RootFinding#PRIMING_FAILED}, {@link
   * RootFinding#PRIMING_INCOMPLETE}).
   *
   * @return the findings
   */
  @Override
  public List<Finding> findings() {
    return findings;
  }

  /**
   * Returns the outcome, derived from the findings unless set.
   *
   * @return the outcome
   */
  @Override
  public Outcome outcome() {
    return outcome;
  }

  /**
   * Returns when the priming queries were sent (those of {@link #roots()}).
   *
   * @return the timestamp
   */
  public Instant startedAt() {
    return roots.startedAt();
  }

  /**
   * Returns how long priming took (the round of root queries).
   *
   * @return the elapsed time
   */
  public Duration elapsed() {
    return roots.elapsed();
  }

  /**
   * Returns a builder initialised with this report.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.hints = hints;
    b.roots = roots;
    b.liveServers.addAll(liveServers);
    b.differences.addAll(differences);
    b.findings.addAll(findings);
    b.outcome = outcome;
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PrimingReport p
        && hints.equals(p.hints)
        && roots.equals(p.roots)
        && liveServers.equals(p.liveServers)
        && differences.equals(p.differences)
        && findings.equals(p.findings)
        && outcome == p.outcome;
  }

  @Override
  public int hashCode() {
    return Objects.hash(hints, roots, liveServers, differences, findings, outcome);
  }

  /** Returns the live list, the differences, the root table and the findings. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (liveServers.isEmpty()) {
      sb.append(";; no usable priming answer\n");
    } else {
      sb.append(";; live root servers:\n");
      for (RootServer s : liveServers) {
        sb.append(";   ").append(s).append('\n');
      }
    }
    if (differences.isEmpty() && !liveServers.isEmpty()) {
      sb.append(";; the hints match the live list\n");
    }
    for (Difference d : differences) {
      sb.append(";; differs: ").append(d).append('\n');
    }
    sb.append(RootServerReport.table(roots.results()));
    return ReportText.of(";; priming query (RFC 9609): . NS, from " + hints.source())
        .body(sb)
        .render(this, elapsed());
  }

  /** Builds a {@link PrimingReport}; not thread-safe. */
  public static final class Builder {
    private RootHints hints;
    private RootServerReport roots;
    private final List<RootServer> liveServers = new ArrayList<>();
    private final List<Difference> differences = new ArrayList<>();
    private final List<Finding> findings = new ArrayList<>();
    private Outcome outcome;

    private Builder() {}

    /**
     * Sets the hints.
     *
     * @param hints the hints
     * @return this builder
     */
    public Builder hints(RootHints hints) {
      this.hints = requireNonNull(hints, "hints");
      return this;
    }

    /**
     * Sets the per-root report of the priming queries.
     *
     * @param roots the report
     * @return this builder
     */
    public Builder roots(RootServerReport roots) {
      this.roots = requireNonNull(roots, "roots");
      return this;
    }

    /**
     * Adds a live root server.
     *
     * @param server the server
     * @return this builder
     */
    public Builder addLiveServer(RootServer server) {
      liveServers.add(requireNonNull(server, "server"));
      return this;
    }

    /**
     * Adds a difference.
     *
     * @param difference the difference
     * @return this builder
     */
    public Builder addDifference(Difference difference) {
      differences.add(requireNonNull(difference, "difference"));
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
     * @throws NullPointerException when hints or roots were not set
     */
    public PrimingReport build() {
      return new PrimingReport(this);
    }
  }
}
