package dev.mailpath.diag.smtp;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.ReportText;
import dev.mailpath.diag.core.Timings;
import dev.mailpath.diag.core.Transcript;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The result of one SMTP conversation: the transcript, every step with its reply, the EHLO
 * capabilities, the TLS details, how it ended, and the findings. Immutable and thread-safe.
 *
 * <p>{@link #toString()} prints what JShell shows: the target and outcome, the transcript as swaks
 * would print it, then the findings with their next steps. Everything printed is also available
 * through an accessor. {@link #builder()} is public so that users can fake reports in their own
 * tests.
 */
public final class SmtpReport implements DiagnosticReport {

  private final String host;
  private final int port;
  private final Optional<String> remoteAddress;
  private final Instant startedAt;
  private final Duration elapsed;
  private final Transcript transcript;
  private final List<SmtpExchange> steps;
  private final Optional<SmtpReply> banner;
  private final Optional<EhloCapabilities> capabilities;
  private final Optional<TlsInfo> tls;
  private final boolean completed;
  private final Optional<SmtpPhase> endedAt;
  private final Optional<String> endReason;
  private final List<Finding> findings;
  private final Timings timings;

  private SmtpReport(Builder b) {
    this.host = requireNonNull(b.host, "host");
    this.port = b.port;
    this.remoteAddress = Optional.ofNullable(b.remoteAddress);
    this.startedAt = requireNonNull(b.startedAt, "startedAt");
    this.elapsed = requireNonNull(b.elapsed, "elapsed");
    this.transcript = requireNonNull(b.transcript, "transcript");
    this.steps = List.copyOf(b.steps);
    this.banner = Optional.ofNullable(b.banner);
    this.capabilities = Optional.ofNullable(b.capabilities);
    this.tls = Optional.ofNullable(b.tls);
    this.completed = b.completed;
    this.endedAt = Optional.ofNullable(b.endedAt);
    this.endReason = Optional.ofNullable(b.endReason);
    this.findings = List.copyOf(b.findings);
    this.timings = requireNonNull(b.timings, "timings");
  }

  /**
   * Starts building a report (for fakes in tests; conversations build their own).
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
    b.remoteAddress = remoteAddress.orElse(null);
    b.startedAt = startedAt;
    b.elapsed = elapsed;
    b.transcript = transcript;
    b.steps.addAll(steps);
    b.banner = banner.orElse(null);
    b.capabilities = capabilities.orElse(null);
    b.tls = tls.orElse(null);
    b.completed = completed;
    b.endedAt = endedAt.orElse(null);
    b.endReason = endReason.orElse(null);
    b.findings.addAll(findings);
    b.timings = timings;
    return b;
  }

  /**
   * Returns the host as given to the conversation (name or address literal).
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
   * Returns the address actually connected to, as {@code 127.0.0.1:2525}.
   *
   * @return the address, or empty when no connection was made
   */
  public Optional<String> remoteAddress() {
    return remoteAddress;
  }

  /**
   * Returns when the conversation started.
   *
   * @return the start time from the environment's time source
   */
  public Instant startedAt() {
    return startedAt;
  }

  /**
   * Returns how long the conversation took in total.
   *
   * @return the elapsed time
   */
  public Duration elapsed() {
    return elapsed;
  }

  /**
   * Returns every line sent, received and noted, with secrets redacted.
   *
   * @return the transcript
   */
  public Transcript transcript() {
    return transcript;
  }

  /**
   * Returns every step: the banner first (command {@code ""}), then each command with its reply.
   *
   * @return the steps in order
   */
  public List<SmtpExchange> steps() {
    return steps;
  }

  /**
   * Returns the server's greeting.
   *
   * @return the banner reply, or empty when none was read
   */
  public Optional<SmtpReply> banner() {
    return banner;
  }

  /**
   * Returns the capabilities from the last successful EHLO (after STARTTLS, the post-TLS ones; the
   * pre-TLS ones are discarded as RFC 3207 §4.2 requires).
   *
   * @return the capabilities, or empty when no EHLO succeeded
   */
  public Optional<EhloCapabilities> capabilities() {
    return capabilities;
  }

  /**
   * Returns the TLS details, when TLS was attempted.
   *
   * @return the TLS details
   */
  public Optional<TlsInfo> tls() {
    return tls;
  }

  /**
   * Tells whether the whole script ran (a rejected RCPT among several does not stop it).
   *
   * @return {@code true} when every step ran and the conversation ended with QUIT or as asked
   */
  public boolean completed() {
    return completed;
  }

  /**
   * Returns the phase in which the conversation was cut short.
   *
   * @return the phase, or empty when it {@linkplain #completed() completed}
   */
  public Optional<SmtpPhase> endedAt() {
    return endedAt;
  }

  /**
   * Returns why the conversation was cut short, in one line.
   *
   * @return the reason, or empty when it completed
   */
  public Optional<String> endReason() {
    return endReason;
  }

  /**
   * Returns the findings, in the order they were made.
   *
   * @return the findings
   */
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
   * Tells whether a finding with the given code was made.
   *
   * @param code the code
   * @return {@code true} when at least one finding has it
   */
  public boolean hasFinding(FindingCode code) {
    return findings.stream().anyMatch(f -> f.is(code));
  }

  /**
   * Returns the overall answer: {@link Outcome#INCONCLUSIVE} when no SMTP greeting was read (the
   * server could not be reached), else derived from the worst finding.
   *
   * @return the outcome
   */
  public Outcome outcome() {
    if (banner.isEmpty() || !banner.get().received()) {
      return Outcome.INCONCLUSIVE;
    }
    return Outcome.fromFindings(findings);
  }

  /**
   * Returns how long each phase took ({@code connect}, {@code banner}, {@code ehlo}, ...).
   *
   * @return the timings
   */
  public Timings timings() {
    return timings;
  }

  /** Compares every field, the transcript and timings included. */
  @Override
  public boolean equals(Object o) {
    return o instanceof SmtpReport r
        && r.host.equals(host)
        && r.port == port
        && r.remoteAddress.equals(remoteAddress)
        && r.startedAt.equals(startedAt)
        && r.elapsed.equals(elapsed)
        && r.transcript.equals(transcript)
        && r.steps.equals(steps)
        && r.banner.equals(banner)
        && r.capabilities.equals(capabilities)
        && r.tls.equals(tls)
        && r.completed == completed
        && r.endedAt.equals(endedAt)
        && r.endReason.equals(endReason)
        && r.findings.equals(findings)
        && r.timings.equals(timings);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
        host,
        port,
        remoteAddress,
        startedAt,
        elapsed,
        transcript,
        steps,
        banner,
        capabilities,
        tls,
        completed,
        endedAt,
        endReason,
        findings,
        timings);
  }

  /**
   * Returns the readable report: the target and how it ended, the transcript, the TLS session, then
   * the outcome and the findings with next steps (rendered by {@link ReportText}).
   */
  @Override
  public String toString() {
    StringBuilder header = new StringBuilder();
    header.append("SMTP ").append(host).append(':').append(port);
    remoteAddress
        .filter(a -> !a.equals(host + ":" + port) && !a.equals("[" + host + "]:" + port))
        .ifPresent(a -> header.append(" (").append(a).append(')'));
    if (completed) {
      header.append(": completed");
    } else {
      header.append(": ended at ").append(endedAt.map(Enum::name).orElse("?"));
      endReason.ifPresent(r -> header.append(": ").append(r));
    }
    StringBuilder body = new StringBuilder();
    if (!transcript.isEmpty()) {
      body.append(transcript).append('\n');
    }
    tls.ifPresent(t -> body.append("TLS: ").append(t).append('\n'));
    return ReportText.of(header.toString()).body(body).render(this, elapsed);
  }

  /** Builds an {@link SmtpReport}; not thread-safe. */
  public static final class Builder {
    private String host;
    private int port;
    private String remoteAddress;
    private Instant startedAt = Instant.EPOCH;
    private Duration elapsed = Duration.ZERO;
    private Transcript transcript = Transcript.empty();
    private final List<SmtpExchange> steps = new ArrayList<>();
    private SmtpReply banner;
    private EhloCapabilities capabilities;
    private TlsInfo tls;
    private boolean completed;
    private SmtpPhase endedAt;
    private String endReason;
    private final List<Finding> findings = new ArrayList<>();
    private Timings timings = Timings.empty();

    private Builder() {}

    /**
     * Sets the target.
     *
     * @param host host name or address literal
     * @param port the port
     * @return this builder
     */
    public Builder target(String host, int port) {
      this.host = requireNonNull(host, "host");
      this.port = port;
      return this;
    }

    /**
     * Sets the address connected to.
     *
     * @param remoteAddress for example {@code 127.0.0.1:25}, or {@code null}
     * @return this builder
     */
    public Builder remoteAddress(String remoteAddress) {
      this.remoteAddress = remoteAddress;
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
     * Sets the transcript.
     *
     * @param transcript the transcript
     * @return this builder
     */
    public Builder transcript(Transcript transcript) {
      this.transcript = requireNonNull(transcript, "transcript");
      return this;
    }

    /**
     * Adds a step.
     *
     * @param step the step
     * @return this builder
     */
    public Builder addStep(SmtpExchange step) {
      steps.add(requireNonNull(step, "step"));
      return this;
    }

    /**
     * Sets the banner.
     *
     * @param banner the greeting, or {@code null}
     * @return this builder
     */
    public Builder banner(SmtpReply banner) {
      this.banner = banner;
      return this;
    }

    /**
     * Sets the EHLO capabilities.
     *
     * @param capabilities the capabilities, or {@code null}
     * @return this builder
     */
    public Builder capabilities(EhloCapabilities capabilities) {
      this.capabilities = capabilities;
      return this;
    }

    /**
     * Sets the TLS details.
     *
     * @param tls the details, or {@code null}
     * @return this builder
     */
    public Builder tls(TlsInfo tls) {
      this.tls = tls;
      return this;
    }

    /**
     * Marks the conversation as completed.
     *
     * @return this builder
     */
    public Builder completed() {
      this.completed = true;
      this.endedAt = null;
      this.endReason = null;
      return this;
    }

    /**
     * Marks the conversation as cut short.
     *
     * @param phase where it ended
     * @param reason why, in one line
     * @return this builder
     */
    public Builder endedAt(SmtpPhase phase, String reason) {
      this.completed = false;
      this.endedAt = requireNonNull(phase, "phase");
      this.endReason = requireNonNull(reason, "reason");
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
     * Sets the timings.
     *
     * @param timings the timings
     * @return this builder
     */
    public Builder timings(Timings timings) {
      this.timings = requireNonNull(timings, "timings");
      return this;
    }

    /**
     * Builds the report.
     *
     * @return the immutable report
     * @throws NullPointerException when no target was set
     */
    public SmtpReport build() {
      return new SmtpReport(this);
    }
  }
}
