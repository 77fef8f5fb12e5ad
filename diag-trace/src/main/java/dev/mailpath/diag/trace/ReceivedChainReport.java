package dev.mailpath.diag.trace;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.ReportText;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The path a message took, read from its {@code Received:} fields: the hops in transit order with
 * their delays, TLS and authentication, the {@code Authentication-Results} fields, and what is
 * wrong with the path (clock skew, slow hops, loops, clear-text hops, failed authentication).
 *
 * <p>{@code toString()} prints a hop table:
 *
 * <pre>{@code
 * Received chain: 3 hops, total delay 42s
 *  #  delay  from                                      by                 with     tls
 *  1  -      laptop (unknown [203.0.113.5])           submit.example.org ESMTPSA  TLS  2024-01-02 10:00:00 +01:00
 *  2  +2s    submit.example.org ([198.51.100.7])      mx.example.net     ESMTPS   TLS  2024-01-02 09:00:02 Z
 *  3  +40s   localhost ([127.0.0.1])                  mx.example.net     LMTP     -    2024-01-02 09:00:42 Z
 * Authentication-Results: mx.example.net: spf=pass dkim=pass dmarc=pass
 * Outcome: PASS
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@link #builder()} is public so that users can fake reports in
 * their own tests.
 */
public final class ReceivedChainReport implements DiagnosticReport {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx");

  private final List<ReceivedHop> hops;
  private final List<AuthenticationResults> authenticationResults;
  private final String messageId;
  private final OffsetDateTime messageDate;
  private final List<Finding> findings;
  private final Outcome outcome;
  private final Instant startedAt;
  private final Duration elapsed;

  private ReceivedChainReport(Builder b) {
    this.hops = List.copyOf(b.hops);
    this.authenticationResults = List.copyOf(b.authenticationResults);
    this.messageId = b.messageId;
    this.messageDate = b.messageDate;
    this.findings = List.copyOf(b.findings);
    this.outcome = b.outcome != null ? b.outcome : Outcome.fromFindings(findings);
    this.startedAt = requireNonNull(b.startedAt, "startedAt");
    this.elapsed = requireNonNull(b.elapsed, "elapsed");
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
    b.hops.addAll(hops);
    b.authenticationResults.addAll(authenticationResults);
    b.messageId = messageId;
    b.messageDate = messageDate;
    b.findings.addAll(findings);
    b.outcome = outcome;
    b.startedAt = startedAt;
    b.elapsed = elapsed;
    return b;
  }

  /**
   * Returns the hops in transit order: the first server that received the message first (the bottom
   * {@code Received:} field), the final one last (the top field).
   *
   * @return the hops
   */
  public List<ReceivedHop> hops() {
    return hops;
  }

  /**
   * Returns the time from the first dated hop to the last dated hop.
   *
   * @return the total delay (negative when clocks disagree badly); empty with fewer than two dated
   *     hops
   */
  public Optional<Duration> totalDelay() {
    OffsetDateTime first = null;
    OffsetDateTime last = null;
    for (ReceivedHop h : hops) {
      if (h.date().isPresent()) {
        if (first == null) {
          first = h.date().get();
        } else {
          last = h.date().get();
        }
      }
    }
    return first == null || last == null
        ? Optional.empty()
        : Optional.of(Duration.between(first, last));
  }

  /**
   * Returns the {@code Authentication-Results} fields, top (most recent) first.
   *
   * @return the fields that could be read
   */
  public List<AuthenticationResults> authenticationResults() {
    return authenticationResults;
  }

  /**
   * Returns the message's {@code Message-ID}, with angle brackets as written.
   *
   * @return the id, or empty when the message has none (or only header fields were given that lack
   *     it)
   */
  public Optional<String> messageId() {
    return Optional.ofNullable(messageId);
  }

  /**
   * Returns the message's {@code Date:} (when the sender's client says it was written).
   *
   * @return the date, or empty when missing or unreadable
   */
  public Optional<OffsetDateTime> messageDate() {
    return Optional.ofNullable(messageDate);
  }

  /**
   * Returns the findings, in the order they were found.
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
   * Returns the outcome derived from the worst finding.
   *
   * @return PASS, WARN or FAIL
   */
  public Outcome outcome() {
    return outcome;
  }

  /**
   * Returns when the analysis started.
   *
   * @return the start time
   */
  public Instant startedAt() {
    return startedAt;
  }

  /**
   * Returns how long the analysis took.
   *
   * @return the elapsed time
   */
  public Duration elapsed() {
    return elapsed;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReceivedChainReport r
        && hops.equals(r.hops)
        && authenticationResults.equals(r.authenticationResults)
        && Objects.equals(messageId, r.messageId)
        && Objects.equals(messageDate, r.messageDate)
        && findings.equals(r.findings)
        && outcome == r.outcome
        && startedAt.equals(r.startedAt)
        && elapsed.equals(r.elapsed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        hops, authenticationResults, messageId, messageDate, findings, outcome, startedAt, elapsed);
  }

  /** Returns the hop table, the authentication results and the findings. */
  @Override
  public String toString() {
    StringBuilder header =
        new StringBuilder("Received chain: ")
            .append(hops.size())
            .append(hops.size() == 1 ? " hop" : " hops");
    totalDelay().ifPresent(d -> header.append(", total delay ").append(formatDelay(d, false)));
    messageId().ifPresent(id -> header.append(", Message-ID ").append(id));
    StringBuilder sb = new StringBuilder();
    if (!hops.isEmpty()) {
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"#", "delay", "from", "by", "with", "tls", "date"});
      for (ReceivedHop h : hops) {
        if (!h.parsed()) {
          rows.add(
              new String[] {
                String.valueOf(h.index()),
                h.delay().map(d -> formatDelay(d, true)).orElse("-"),
                "(unparseable: " + shorten(h.raw(), 60) + ")",
                "",
                "",
                "",
                h.date().map(DATE::format).orElse("-")
              });
          continue;
        }
        rows.add(
            new String[] {
              String.valueOf(h.index()),
              h.delay().map(d -> formatDelay(d, true)).orElse("-"),
              shorten(
                  h.from().isEmpty() && h.by().isEmpty() && !h.comments().isEmpty()
                      ? "(" + h.comments().get(0) + ")"
                      : h.describeFrom(),
                  60),
              h.by().orElse("-"),
              h.with().orElse("-")
                  + (h.authenticated()
                          && !h.with()
                              .map(w -> w.toUpperCase(java.util.Locale.ROOT).endsWith("A"))
                              .orElse(false)
                      ? " (auth)"
                      : ""),
              switch (h.security()) {
                case TLS -> "TLS";
                case PLAINTEXT -> "none";
                case UNKNOWN -> "?";
              },
              h.date().map(DATE::format).orElse("-")
            });
      }
      int[] width = new int[7];
      for (String[] r : rows) {
        for (int i = 0; i < r.length; i++) {
          width[i] = Math.max(width[i], r[i].length());
        }
      }
      for (String[] r : rows) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < r.length; i++) {
          line.append(
              i == 0
                  ? String.format("%" + (width[0] + 1) + "s", r[0])
                  : "  " + pad(r[i], i == r.length - 1 ? 0 : width[i]));
        }
        sb.append(line.toString().stripTrailing()).append('\n');
      }
    }
    for (AuthenticationResults ar : authenticationResults) {
      sb.append("Authentication-Results: ").append(ar).append('\n');
    }
    return ReportText.of(header.toString()).body(sb).render(this);
  }

  private static String pad(String s, int w) {
    return w == 0 ? s : String.format("%-" + w + "s", s);
  }

  private static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }

  /**
   * Formats a delay the way people read it: {@code +2s}, {@code +1m05s}, {@code +2h03m}, {@code
   * -10s}.
   *
   * @param d the delay
   * @param signed whether to print a plus sign for positive delays
   * @return the text
   */
  static String formatDelay(Duration d, boolean signed) {
    String sign = d.isNegative() ? "-" : signed ? "+" : "";
    long s = Math.abs(d.getSeconds());
    if (s < 60) {
      return sign + s + "s";
    }
    if (s < 3600) {
      return sign + (s / 60) + "m" + String.format("%02d", s % 60) + "s";
    }
    if (s < 86400) {
      return sign + (s / 3600) + "h" + String.format("%02d", (s % 3600) / 60) + "m";
    }
    return sign + (s / 86400) + "d" + String.format("%02d", (s % 86400) / 3600) + "h";
  }

  /** Builds a {@link ReceivedChainReport}; not thread-safe. */
  public static final class Builder {
    private final List<ReceivedHop> hops = new ArrayList<>();
    private final List<AuthenticationResults> authenticationResults = new ArrayList<>();
    private String messageId;
    private OffsetDateTime messageDate;
    private final List<Finding> findings = new ArrayList<>();
    private Outcome outcome;
    private Instant startedAt = Instant.EPOCH;
    private Duration elapsed = Duration.ZERO;

    private Builder() {}

    /**
     * Sets when the analysis started.
     *
     * @param startedAt the start time
     * @return this builder
     */
    public Builder startedAt(Instant startedAt) {
      this.startedAt = requireNonNull(startedAt, "startedAt");
      return this;
    }

    /**
     * Sets how long the analysis took.
     *
     * @param elapsed the elapsed time
     * @return this builder
     */
    public Builder elapsed(Duration elapsed) {
      this.elapsed = requireNonNull(elapsed, "elapsed");
      return this;
    }

    /**
     * Adds a hop; add them in transit order.
     *
     * @param hop the hop
     * @return this builder
     */
    public Builder addHop(ReceivedHop hop) {
      hops.add(requireNonNull(hop, "hop"));
      return this;
    }

    /**
     * Adds an Authentication-Results field; add them top first.
     *
     * @param results the field
     * @return this builder
     */
    public Builder addAuthenticationResults(AuthenticationResults results) {
      authenticationResults.add(requireNonNull(results, "results"));
      return this;
    }

    /**
     * Sets the Message-ID.
     *
     * @param messageId the id, or {@code null}
     * @return this builder
     */
    public Builder messageId(String messageId) {
      this.messageId = messageId;
      return this;
    }

    /**
     * Sets the message's Date.
     *
     * @param messageDate the date, or {@code null}
     * @return this builder
     */
    public Builder messageDate(OffsetDateTime messageDate) {
      this.messageDate = messageDate;
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
     * @param outcome the outcome, or {@code null} to derive it
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
    public ReceivedChainReport build() {
      return new ReceivedChainReport(this);
    }
  }
}
