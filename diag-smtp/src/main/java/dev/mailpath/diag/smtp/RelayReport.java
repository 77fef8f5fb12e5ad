package dev.mailpath.diag.smtp;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.ReportText;
import dev.mailpath.diag.core.TranscriptLine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The result of one relay test: the {@link #verdict()}, what each pass showed, every attempt with
 * its replies and transcript, every SMTP session that was opened, and the findings. Immutable and
 * thread-safe.
 *
 * <p>{@link #toString()} prints what JShell shows: the verdict, a table of the variants with the
 * reply each got, the findings with their next steps, then the transcripts of the controls, of the
 * first few acceptances and of every attempt left unsettled (deferrals, broken connections).
 * Everything printed is also available through an accessor. {@link #builder()} is public so that
 * users can fake reports in their own tests.
 */
public final class RelayReport implements DiagnosticReport {

  private static final int MAX_REPLY_WIDTH = 70;
  private static final int MAX_ACCEPTED_SHOWN = 3;

  private final String host;
  private final int port;
  private final String localDomain;
  private final String externalDomain;
  private final Instant startedAt;
  private final Duration elapsed;
  private final RelayVerdict verdict;
  private final Map<RelayPass, RelayPassResult> passResults;
  private final List<RelayAttempt> attempts;
  private final List<SmtpReport> connections;
  private final List<Finding> findings;

  private RelayReport(Builder b) {
    this.host = requireNonNull(b.host, "host");
    this.port = b.port;
    this.localDomain = requireNonNull(b.localDomain, "localDomain");
    this.externalDomain = requireNonNull(b.externalDomain, "externalDomain");
    this.startedAt = requireNonNull(b.startedAt, "startedAt");
    this.elapsed = requireNonNull(b.elapsed, "elapsed");
    this.verdict = requireNonNull(b.verdict, "verdict");
    this.passResults = Collections.unmodifiableMap(new EnumMap<>(b.passResults));
    this.attempts = List.copyOf(b.attempts);
    this.connections = List.copyOf(b.connections);
    this.findings = List.copyOf(b.findings);
  }

  /**
   * Starts building a report (for fakes in tests; the tester builds its own).
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this report's values.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host;
    b.port = port;
    b.localDomain = localDomain;
    b.externalDomain = externalDomain;
    b.startedAt = startedAt;
    b.elapsed = elapsed;
    b.verdict = verdict;
    b.passResults.putAll(passResults);
    b.attempts.addAll(attempts);
    b.connections.addAll(connections);
    b.findings.addAll(findings);
    return b;
  }

  /**
   * Returns the host as given to the tester.
   *
   * @return the host
   */
  public String host() {
    return host;
  }

  /**
   * Returns the port.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * Returns the domain the server is meant to receive mail for.
   *
   * @return the local domain
   */
  public String localDomain() {
    return localDomain;
  }

  /**
   * Returns the domain the server must not relay to.
   *
   * @return the external domain
   */
  public String externalDomain() {
    return externalDomain;
  }

  /**
   * Returns when the test started.
   *
   * @return the start time from the environment's time source
   */
  public Instant startedAt() {
    return startedAt;
  }

  /**
   * Returns how long the whole test took.
   *
   * @return the elapsed time
   */
  public Duration elapsed() {
    return elapsed;
  }

  /**
   * Returns the answer: open relay, closed, relaying for authenticated clients only, refusing
   * everything, or inconclusive.
   *
   * @return the verdict
   */
  public RelayVerdict verdict() {
    return verdict;
  }

  /**
   * Returns what one pass showed.
   *
   * @param pass the pass
   * @return the result, or empty when the pass did not run (no credentials for {@link
   *     RelayPass#AUTHENTICATED})
   */
  public Optional<RelayPassResult> passResult(RelayPass pass) {
    return Optional.ofNullable(passResults.get(requireNonNull(pass, "pass")));
  }

  /**
   * Returns the result of every pass that ran.
   *
   * @return unmodifiable map, in pass order
   */
  public Map<RelayPass, RelayPassResult> passResults() {
    return passResults;
  }

  /**
   * Returns every attempt, controls included, in the order they were planned (anonymous pass
   * first).
   *
   * @return the attempts
   */
  public List<RelayAttempt> attempts() {
    return attempts;
  }

  /**
   * Returns the attempts of one pass.
   *
   * @param pass the pass
   * @return the attempts, possibly empty
   */
  public List<RelayAttempt> attempts(RelayPass pass) {
    requireNonNull(pass, "pass");
    return attempts.stream().filter(a -> a.pass() == pass).toList();
  }

  /**
   * Returns the attempt of a variant in a pass.
   *
   * @param pass the pass
   * @param variant the variant
   * @return the attempt, or empty when it was not planned
   */
  public Optional<RelayAttempt> attempt(RelayPass pass, RelayVariant variant) {
    requireNonNull(pass, "pass");
    requireNonNull(variant, "variant");
    return attempts.stream().filter(a -> a.pass() == pass && a.variant() == variant).findFirst();
  }

  /**
   * Returns the relay variants (controls excluded) accepted without authentication: the ways this
   * server can be abused.
   *
   * @return the accepted variants, empty unless the verdict is {@link RelayVerdict#OPEN_RELAY}
   */
  public List<RelayVariant> acceptedVariants() {
    return acceptedVariants(RelayPass.ANONYMOUS);
  }

  /**
   * Returns the relay variants (controls excluded) accepted in a pass.
   *
   * @param pass the pass
   * @return the accepted variants, in battery order
   */
  public List<RelayVariant> acceptedVariants(RelayPass pass) {
    return attempts(pass).stream()
        .filter(a -> a.accepted() && !a.variant().isControl())
        .map(RelayAttempt::variant)
        .toList();
  }

  /**
   * Returns every SMTP session the test opened, in order; {@link RelayAttempt#connection()} indexes
   * this list. Each report has the full transcript (greeting, EHLO, STARTTLS, AUTH with secrets
   * redacted, the attempts, QUIT) and the session's own SMTP findings.
   *
   * @return the sessions
   */
  public List<SmtpReport> connections() {
    return connections;
  }

  /**
   * Returns the findings: one verdict finding ({@code relay.open}, {@code relay.closed}, {@code
   * relay.authenticated-only}, {@code relay.refuses-all} or {@code relay.inconclusive}) first, then
   * the others that apply, and connection or TLS problems copied from the sessions.
   *
   * @return the findings
   */
  @Override
  public List<Finding> findings() {
    return findings;
  }

  /**
   * Returns the findings with the given code.
   *
   * @param code the code
   * @return matching findings, possibly empty
   */
  public List<Finding> findings(FindingCode code) {
    return findings.stream().filter(f -> f.is(code)).toList();
  }

  /**
   * Returns the overall answer: {@link Outcome#INCONCLUSIVE} when the verdict is {@link
   * RelayVerdict#INCONCLUSIVE}, else derived from the worst finding (an open relay is {@link
   * Outcome#FAIL}, a closed one {@link Outcome#PASS} unless something else is worth a warning).
   *
   * @return the outcome
   */
  @Override
  public Outcome outcome() {
    return verdict == RelayVerdict.INCONCLUSIVE
        ? Outcome.INCONCLUSIVE
        : Outcome.fromFindings(findings);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RelayReport r
        && r.host.equals(host)
        && r.port == port
        && r.localDomain.equals(localDomain)
        && r.externalDomain.equals(externalDomain)
        && r.startedAt.equals(startedAt)
        && r.elapsed.equals(elapsed)
        && r.verdict == verdict
        && r.passResults.equals(passResults)
        && r.attempts.equals(attempts)
        && r.connections.equals(connections)
        && r.findings.equals(findings);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
        host,
        port,
        localDomain,
        externalDomain,
        startedAt,
        elapsed,
        verdict,
        passResults,
        attempts,
        connections,
        findings);
  }

  /**
   * Returns the readable report: verdict, the variants table, findings with next steps, and the
   * transcripts of the controls, the first acceptances and the unsettled attempts.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append("Verdict: ")
        .append(verdict)
        .append(" (")
        .append(outcome())
        .append(") in ")
        .append(elapsed.toMillis())
        .append(" ms over ")
        .append(connections.size())
        .append(connections.size() == 1 ? " connection\n" : " connections\n");
    for (RelayPass p : RelayPass.values()) {
      sb.append("  ").append(p).append(" pass: ");
      RelayPassResult r = passResults.get(p);
      if (r == null) {
        sb.append(p == RelayPass.AUTHENTICATED ? "not run (no credentials)" : "not run")
            .append('\n');
        continue;
      }
      long relays = attempts(p).stream().filter(a -> !a.variant().isControl()).count();
      sb.append(r)
          .append(", ")
          .append(acceptedVariants(p).size())
          .append(" of ")
          .append(relays)
          .append(" relay variants accepted\n");
    }
    appendTable(sb);
    appendEvidence(sb);
    return ReportText.of(
            "Relay test of "
                + host
                + ":"
                + port
                + " (local domain "
                + localDomain
                + ", external domain "
                + externalDomain
                + ")")
        .body(sb.toString().stripTrailing())
        .render(this);
  }

  private void appendTable(StringBuilder sb) {
    if (attempts.isEmpty()) {
      return;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"pass", "variant", "MAIL FROM", "RCPT TO", "response", "reply"});
    for (RelayAttempt a : attempts) {
      String reply = a.decidingReply().firstLine();
      if (reply.length() > MAX_REPLY_WIDTH) {
        reply = reply.substring(0, MAX_REPLY_WIDTH - 3) + "...";
      }
      rows.add(
          new String[] {
            a.pass().toString(),
            a.variant().id() + (a.variant().isControl() ? " (control)" : ""),
            a.mailFrom(),
            a.rcptTo(),
            a.response().name(),
            reply
          });
    }
    int[] width = new int[6];
    for (String[] r : rows) {
      for (int i = 0; i < 5; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    sb.append('\n');
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder("  ");
      for (int i = 0; i < 5; i++) {
        line.append(r[i]).append(" ".repeat(width[i] - r[i].length() + 2));
      }
      line.append(r[5]);
      sb.append(line.toString().stripTrailing()).append('\n');
    }
  }

  private void appendEvidence(StringBuilder sb) {
    // Controls and unsettled attempts always; acceptances up to a few (an open relay accepts
    // nearly everything, and one transcript proves it as well as eighteen); refusals never.
    List<RelayAttempt> shown = new ArrayList<>();
    int accepted = 0;
    int acceptedHidden = 0;
    for (RelayAttempt a : attempts) {
      if (!a.variant().isControl()) {
        if (a.response() == RelayResponse.REFUSED || a.response() == RelayResponse.NOT_TRIED) {
          continue;
        }
        if (a.accepted() && accepted++ >= MAX_ACCEPTED_SHOWN) {
          acceptedHidden++;
          continue;
        }
      }
      shown.add(a);
    }
    if (shown.isEmpty()) {
      return;
    }
    sb.append("\nEvidence (every attempt: attempts(); whole sessions: connections()):\n");
    for (RelayAttempt a : shown) {
      sb.append("  ")
          .append(a.pass())
          .append(' ')
          .append(a.variant().id())
          .append(": ")
          .append(a.response());
      a.connection().ifPresent(c -> sb.append(", connection ").append(c));
      if (a.tries() > 1) {
        sb.append(", ").append(a.tries()).append(" tries");
      }
      sb.append('\n');
      if (a.transcript().isEmpty()) {
        sb.append("    ").append(a.decidingReply().firstLine()).append('\n');
      }
      for (TranscriptLine l : a.transcript()) {
        sb.append("    ").append(l).append('\n');
      }
    }
    if (acceptedHidden > 0) {
      sb.append("  ... and ")
          .append(acceptedHidden)
          .append(" more accepted attempt(s), see attempts()\n");
    }
  }

  /** Builds a {@link RelayReport}; not thread-safe. */
  public static final class Builder {
    private String host;
    private int port;
    private String localDomain;
    private String externalDomain;
    private Instant startedAt = Instant.EPOCH;
    private Duration elapsed = Duration.ZERO;
    private RelayVerdict verdict;
    private final Map<RelayPass, RelayPassResult> passResults = new EnumMap<>(RelayPass.class);
    private final List<RelayAttempt> attempts = new ArrayList<>();
    private final List<SmtpReport> connections = new ArrayList<>();
    private final List<Finding> findings = new ArrayList<>();

    private Builder() {}

    /**
     * Sets the server tested.
     *
     * @param host host name or address literal, as given
     * @param port the port
     * @return this builder
     */
    public Builder target(String host, int port) {
      this.host = requireNonNull(host, "host");
      this.port = port;
      return this;
    }

    /**
     * Sets the local and external domains used.
     *
     * @param localDomain the domain the server receives for
     * @param externalDomain the domain it must not relay to
     * @return this builder
     */
    public Builder domains(String localDomain, String externalDomain) {
      this.localDomain = requireNonNull(localDomain, "localDomain");
      this.externalDomain = requireNonNull(externalDomain, "externalDomain");
      return this;
    }

    /**
     * Sets the start time.
     *
     * @param startedAt the start time
     * @return this builder
     */
    public Builder startedAt(Instant startedAt) {
      this.startedAt = requireNonNull(startedAt, "startedAt");
      return this;
    }

    /**
     * Sets the total elapsed time.
     *
     * @param elapsed the elapsed time
     * @return this builder
     */
    public Builder elapsed(Duration elapsed) {
      this.elapsed = requireNonNull(elapsed, "elapsed");
      return this;
    }

    /**
     * Sets the verdict.
     *
     * @param verdict the verdict
     * @return this builder
     */
    public Builder verdict(RelayVerdict verdict) {
      this.verdict = requireNonNull(verdict, "verdict");
      return this;
    }

    /**
     * Sets the result of a pass.
     *
     * @param pass the pass
     * @param result what it showed
     * @return this builder
     */
    public Builder passResult(RelayPass pass, RelayPassResult result) {
      passResults.put(requireNonNull(pass, "pass"), requireNonNull(result, "result"));
      return this;
    }

    /**
     * Adds an attempt.
     *
     * @param attempt the attempt
     * @return this builder
     */
    public Builder addAttempt(RelayAttempt attempt) {
      attempts.add(requireNonNull(attempt, "attempt"));
      return this;
    }

    /**
     * Adds a session.
     *
     * @param connection the session's report
     * @return this builder
     */
    public Builder addConnection(SmtpReport connection) {
      connections.add(requireNonNull(connection, "connection"));
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
     * Builds the report.
     *
     * @return the immutable report
     * @throws NullPointerException when the target, domains or verdict were not set
     */
    public RelayReport build() {
      return new RelayReport(this);
    }
  }
}
