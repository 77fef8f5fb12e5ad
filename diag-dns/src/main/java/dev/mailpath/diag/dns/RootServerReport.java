package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.ReportText;
import dev.mailpath.diag.dns.internal.Questions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What every root server said to one question, asked of all of them at once without recursion: one
 * {@link RootServerResult} per root, address and transport, and findings for roots that did not
 * answer, answered slowly, disagree with the others, or do not behave like a root at all (recursion
 * offered, direct answers: signs that something on the path intercepts DNS).
 *
 * <p>{@code toString()} prints a table of roots:
 *
 * <pre>{@code
 * ;; root servers asked: example.org. MX (RD clear, IPv4 and IPv6, UDP), 26 replies of 26
 * root  address                 proto  rtt     rcode    flags  serial      reply                          identity
 * A     198.41.0.4#53           udp    12 ms   NOERROR  qr     2026112800  referral org. (6 NS, 12 glue)  nnn1-fra6
 * ...
 * Outcome: PASS (13 roots, 1.2 s)
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@link #builder()} is public so that users can fake reports in
 * their own tests.
 */
public final class RootServerReport implements DiagnosticReport {
  private final String name;
  private final RecordType type;
  private final AddressFamily addressFamily;
  private final boolean tcp;
  private final String hintsSource;
  private final List<RootServerResult> results;
  private final List<Finding> findings;
  private final Outcome outcome;
  private final Duration elapsed;
  private final Instant startedAt;

  private RootServerReport(Builder b) {
    this.name = requireNonNull(b.name, "name");
    this.type = requireNonNull(b.type, "type");
    this.addressFamily = requireNonNull(b.addressFamily, "addressFamily");
    this.tcp = b.tcp;
    this.hintsSource = requireNonNull(b.hintsSource, "hintsSource");
    this.results = List.copyOf(b.results);
    this.findings = List.copyOf(b.findings);
    this.outcome = b.outcome != null ? b.outcome : Outcome.fromFindings(findings);
    this.elapsed = requireNonNull(b.elapsed, "elapsed");
    this.startedAt = requireNonNull(b.startedAt, "startedAt");
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
   * Returns a builder initialised with this report.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.type = type;
    b.addressFamily = addressFamily;
    b.tcp = tcp;
    b.hintsSource = hintsSource;
    b.results.addAll(results);
    b.findings.addAll(findings);
    b.outcome = outcome;
    b.elapsed = elapsed;
    b.startedAt = startedAt;
    return b;
  }

  /**
   * Returns the name asked about, absolute with the final dot.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the type asked for.
   *
   * @return the type
   */
  public RecordType type() {
    return type;
  }

  /**
   * Returns the address families asked.
   *
   * @return the families
   */
  public AddressFamily addressFamily() {
    return addressFamily;
  }

  /**
   * Tells whether every root was asked over TCP as well as UDP.
   *
   * @return {@code true} when TCP was asked too
   */
  public boolean tcp() {
    return tcp;
  }

  /**
   * Returns where the hints came from ({@link RootHints#source()}).
   *
   * @return the hints source
   */
  public String hintsSource() {
    return hintsSource;
  }

  /**
   * Returns one result per root, address and transport, in hint order (IPv4 before IPv6, UDP before
   * TCP).
   *
   * @return the results
   */
  public List<RootServerResult> results() {
    return results;
  }

  /**
   * Returns the results of one root.
   *
   * @param letter the root's letter, for example {@code B}
   * @return its results; empty when no such root was asked
   */
  public List<RootServerResult> results(String letter) {
    requireNonNull(letter, "letter");
    return results.stream().filter(r -> r.letter().equalsIgnoreCase(letter)).toList();
  }

  /**
   * Returns the root zone serials seen, each with the letters of the roots that serve it.
   *
   * @return serial to letters, most widespread serial first
   */
  public Map<Long, List<String>> serials() {
    Map<Long, List<String>> m = new LinkedHashMap<>();
    for (RootServerResult r : results) {
      r.soaSerial()
          .ifPresent(
              s -> {
                List<String> letters = m.computeIfAbsent(s, k -> new ArrayList<>());
                if (!letters.contains(r.letter())) {
                  letters.add(r.letter());
                }
              });
    }
    return m.entrySet().stream()
        .sorted(
            Comparator.comparing((Map.Entry<Long, List<String>> e) -> -e.getValue().size())
                .thenComparing(e -> -e.getKey()))
        .collect(
            Collectors.toMap(
                Map.Entry::getKey,
                e -> List.copyOf(e.getValue()),
                (a, b) -> a,
                LinkedHashMap::new));
  }

  /**
   * Returns the serial most roots serve (the higher one on a tie).
   *
   * @return the serial, or empty when no root gave one
   */
  public Optional<Long> consensusSerial() {
    return serials().keySet().stream().findFirst();
  }

  /**
   * Returns the findings.
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
   * Returns the wall time of the whole call: about the slowest root's, since all are asked at once.
   *
   * @return elapsed time
   */
  public Duration elapsed() {
    return elapsed;
  }

  /**
   * Returns when the queries were sent.
   *
   * @return the timestamp
   */
  public Instant startedAt() {
    return startedAt;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RootServerReport r)) {
      return false;
    }
    return name.equals(r.name)
        && type == r.type
        && addressFamily == r.addressFamily
        && tcp == r.tcp
        && hintsSource.equals(r.hintsSource)
        && results.equals(r.results)
        && findings.equals(r.findings)
        && outcome == r.outcome
        && elapsed.equals(r.elapsed)
        && startedAt.equals(r.startedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, type, results, findings, outcome);
  }

  /** Returns the table of roots, then the outcome and the findings. */
  @Override
  public String toString() {
    long replies = results.stream().filter(RootServerResult::answered).count();
    String header =
        ";; root servers asked: "
            + name
            + ' '
            + type
            + " (RD clear, "
            + familyText(addressFamily)
            + (tcp ? ", UDP and TCP" : ", UDP")
            + "), "
            + replies
            + " replies of "
            + results.size();
    long roots = results.stream().map(RootServerResult::letter).distinct().count();
    return ReportText.of(header)
        .body(table(results))
        .line(";; " + roots + (roots == 1 ? " root" : " roots"))
        .render(this, elapsed);
  }

  static String familyText(AddressFamily f) {
    return Questions.familyText(f);
  }

  /** Renders results as an aligned table, one line each. */
  static String table(List<RootServerResult> results) {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "root", "address", "proto", "rtt", "rcode", "flags", "serial", "reply", "identity"
        });
    for (RootServerResult r : results) {
      String flags = r.flags().stream().map(DnsFlag::mnemonic).collect(Collectors.joining(" "));
      String reply;
      if (!r.answered()) {
        reply = r.response().error().orElse("no reply");
      } else if (r.referral().isPresent()) {
        Referral ref = r.referral().get();
        reply =
            "referral "
                + ref.zone()
                + " ("
                + ref.nameServers().size()
                + " NS, "
                + ref.glue().size()
                + " glue)";
      } else if (!r.answer().isEmpty()) {
        reply =
            r.answer().size()
                + (r.answer().size() == 1 ? " answer " : " answers ")
                + r.answer().get(0).type();
      } else {
        reply = r.rcode().equals("NOERROR") ? "no data" : "";
      }
      rows.add(
          new String[] {
            r.letter(),
            DnsQueryReport.hostPort(r.address()),
            r.tcp() ? "tcp" : "udp",
            r.answered() ? r.rtt().toMillis() + " ms" : "-",
            r.rcode(),
            flags,
            r.soaSerial().map(String::valueOf).orElse("-"),
            reply,
            r.identity().orElse("")
          });
    }
    int[] width = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(row[i]);
        if (i < row.length - 1) {
          line.append(" ".repeat(width[i] - row[i].length() + 2));
        }
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    return sb.toString();
  }

  /** Builds a {@link RootServerReport}; not thread-safe. */
  public static final class Builder {
    private String name;
    private RecordType type;
    private AddressFamily addressFamily = AddressFamily.BOTH;
    private boolean tcp;
    private String hintsSource = "custom";
    private final List<RootServerResult> results = new ArrayList<>();
    private final List<Finding> findings = new ArrayList<>();
    private Outcome outcome;
    private Duration elapsed = Duration.ZERO;
    private Instant startedAt = Instant.EPOCH;

    private Builder() {}

    /**
     * Sets the name asked about.
     *
     * @param name absolute, with the final dot
     * @return this builder
     */
    public Builder name(String name) {
      this.name = requireNonNull(name, "name");
      return this;
    }

    /**
     * Sets the type asked for.
     *
     * @param type the type
     * @return this builder
     */
    public Builder type(RecordType type) {
      this.type = requireNonNull(type, "type");
      return this;
    }

    /**
     * Sets the families asked; default both.
     *
     * @param addressFamily the families
     * @return this builder
     */
    public Builder addressFamily(AddressFamily addressFamily) {
      this.addressFamily = requireNonNull(addressFamily, "addressFamily");
      return this;
    }

    /**
     * Sets whether TCP was asked as well as UDP.
     *
     * @param tcp the flag
     * @return this builder
     */
    public Builder tcp(boolean tcp) {
      this.tcp = tcp;
      return this;
    }

    /**
     * Sets where the hints came from.
     *
     * @param hintsSource the source description
     * @return this builder
     */
    public Builder hintsSource(String hintsSource) {
      this.hintsSource = requireNonNull(hintsSource, "hintsSource");
      return this;
    }

    /**
     * Adds a result.
     *
     * @param result the result
     * @return this builder
     */
    public Builder addResult(RootServerResult result) {
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
     * Sets the wall time.
     *
     * @param elapsed the time
     * @return this builder
     */
    public Builder elapsed(Duration elapsed) {
      this.elapsed = requireNonNull(elapsed, "elapsed");
      return this;
    }

    /**
     * Sets when the queries were sent.
     *
     * @param startedAt the timestamp
     * @return this builder
     */
    public Builder startedAt(Instant startedAt) {
      this.startedAt = requireNonNull(startedAt, "startedAt");
      return this;
    }

    /**
     * Builds the report.
     *
     * @return the immutable report
     * @throws NullPointerException when name or type was not set
     */
    public RootServerReport build() {
      return new RootServerReport(this);
    }
  }
}
