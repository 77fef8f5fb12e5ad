package dev.mailpath.diag.trace;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.ReportText;
import dev.mailpath.diag.smtp.SmtpExchange;
import dev.mailpath.diag.smtp.SmtpPhase;
import dev.mailpath.diag.smtp.SmtpReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer of a {@link RoundTripProbe}: whether the tagged test message was accepted over SMTP,
 * whether and when it showed up in the mailbox, in which folder, its {@code Received:} chain, and
 * what all that means.
 *
 * <p>{@code toString()} prints:
 *
 * <pre>{@code
 * Round trip alice@example.org -> bob@example.net, Message-ID <mailpath-probe.6f1c...@example.org>
 * SMTP 127.0.0.1:2525: accepted (250 OK) in 41 ms
 * Mailbox imap://bob@127.0.0.1:3143: arrived after 1.3 s in Junk (junk), 4 polls
 * Received chain: 1 hop ...
 * Outcome: WARN
 *   WARNING trace.roundtrip.in-junk: ...
 * }</pre>
 *
 * <p>{@link #findings()} holds the probe's own findings ({@code trace.roundtrip.*}) first, then the
 * SMTP findings, the mailbox search's findings other than where-is-it ones (which the round-trip
 * findings restate), and the arrived message's {@code Received:} chain findings. Immutable and
 * thread-safe; {@link #builder()} is public so that users can fake reports.
 */
public final class RoundTripReport implements DiagnosticReport {
  private final String from;
  private final String to;
  private final String messageId;
  private final SmtpReport smtp;
  private final Instant sentAt;
  private final MailboxHit hit;
  private final Duration delay;
  private final int polls;
  private final Duration deadline;
  private final MailboxSearchReport lastSearch;
  private final List<Finding> findings;
  private final Outcome outcome;
  private final Duration elapsed;
  private final Instant startedAt;
  private final Outcome givenOutcome;

  private RoundTripReport(Builder b) {
    this.from = requireNonNull(b.from, "from");
    this.to = requireNonNull(b.to, "to");
    this.messageId = requireNonNull(b.messageId, "messageId");
    this.smtp = requireNonNull(b.smtp, "smtp");
    this.sentAt = b.sentAt;
    this.hit = b.hit;
    this.delay = b.delay;
    this.polls = b.polls;
    this.deadline = requireNonNull(b.deadline, "deadline");
    this.lastSearch = b.lastSearch;
    this.findings = List.copyOf(b.findings);
    this.outcome = b.outcome != null ? b.outcome : Outcome.fromFindings(findings);
    this.elapsed = requireNonNull(b.elapsed, "elapsed");
    this.startedAt = requireNonNull(b.startedAt, "startedAt");
    this.givenOutcome = b.outcome;
  }

  /**
   * Returns a builder initialised from this report, to derive a variant.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.from = from;
    b.to = to;
    b.messageId = messageId;
    b.smtp = smtp;
    b.sentAt = sentAt;
    b.hit = hit;
    b.delay = delay;
    b.polls = polls;
    b.deadline = deadline;
    b.lastSearch = lastSearch;
    b.findings.addAll(findings);
    b.outcome = givenOutcome;
    b.elapsed = elapsed;
    b.startedAt = startedAt;
    return b;
  }

  /**
   * Returns when the probe started.
   *
   * @return the start time
   */
  public Instant startedAt() {
    return startedAt;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RoundTripReport r
        && from.equals(r.from)
        && to.equals(r.to)
        && messageId.equals(r.messageId)
        && smtp.equals(r.smtp)
        && Objects.equals(sentAt, r.sentAt)
        && Objects.equals(hit, r.hit)
        && Objects.equals(delay, r.delay)
        && polls == r.polls
        && deadline.equals(r.deadline)
        && Objects.equals(lastSearch, r.lastSearch)
        && findings.equals(r.findings)
        && outcome == r.outcome
        && elapsed.equals(r.elapsed)
        && startedAt.equals(r.startedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        from,
        to,
        messageId,
        smtp,
        sentAt,
        hit,
        delay,
        polls,
        deadline,
        lastSearch,
        findings,
        outcome,
        elapsed,
        startedAt);
  }

  /**
   * Starts building a report (for fakes in tests; probes build their own).
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the envelope sender and {@code From:} of the probe.
   *
   * @return the sender address
   */
  public String from() {
    return from;
  }

  /**
   * Returns the recipient whose mailbox was polled.
   *
   * @return the recipient address
   */
  public String to() {
    return to;
  }

  /**
   * Returns the probe's unique Message-ID, with angle brackets; search logs and mailboxes for it.
   *
   * @return the Message-ID
   */
  public String messageId() {
    return messageId;
  }

  /**
   * Returns the SMTP submission: transcript, replies, TLS details, SMTP findings.
   *
   * @return the SMTP report
   */
  public SmtpReport smtp() {
    return smtp;
  }

  /**
   * Tells whether the server took responsibility for the message (a 2xx reply to the final dot).
   *
   * @return {@code true} when the message was accepted
   */
  public boolean accepted() {
    return sentAt != null;
  }

  /**
   * Returns when the server accepted the message, by the environment's clock.
   *
   * @return the time, or empty when it was not accepted
   */
  public Optional<Instant> sentAt() {
    return Optional.ofNullable(sentAt);
  }

  /**
   * Tells whether the message was found in the mailbox before the deadline.
   *
   * @return {@code true} when it arrived
   */
  public boolean arrived() {
    return hit != null;
  }

  /**
   * Returns the message as found in the mailbox: folder, role, flags, arrival time and Received
   * chain.
   *
   * @return the hit, or empty when it did not arrive
   */
  public Optional<MailboxHit> hit() {
    return Optional.ofNullable(hit);
  }

  /**
   * Returns the folder the message landed in, for example {@code INBOX} or {@code Junk}.
   *
   * @return the folder, or empty when it did not arrive
   */
  public Optional<String> folder() {
    return hit().map(MailboxHit::folder);
  }

  /**
   * Returns the role of the folder the message landed in.
   *
   * @return the role, or empty when it did not arrive
   */
  public Optional<FolderRole> folderRole() {
    return hit().map(MailboxHit::role);
  }

  /**
   * Returns the {@code Received:} chain analysis of the arrived message.
   *
   * @return the chain, or empty when it did not arrive
   */
  public Optional<ReceivedChainReport> receivedChain() {
    return hit().map(MailboxHit::receivedChain);
  }

  /**
   * Returns the time from acceptance to the poll that saw the message, measured with the
   * environment's monotonic clock: an upper bound whose precision is the poll interval.
   *
   * @return the delay, or empty when it did not arrive
   */
  public Optional<Duration> delay() {
    return Optional.ofNullable(delay);
  }

  /**
   * Returns how many mailbox searches were made.
   *
   * @return the number of polls, 0 when the message was not accepted
   */
  public int polls() {
    return polls;
  }

  /**
   * Returns how long the probe was willing to wait for the message.
   *
   * @return the configured deadline
   */
  public Duration deadline() {
    return deadline;
  }

  /**
   * Returns the last mailbox search: the one that found the message, or the last one before the
   * deadline.
   *
   * @return the search report, or empty when the mailbox was not searched
   */
  public Optional<MailboxSearchReport> lastSearch() {
    return Optional.ofNullable(lastSearch);
  }

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
   * Returns the overall answer: {@link Outcome#INCONCLUSIVE} when the SMTP server could not be
   * reached or the mailbox could never be searched, else the worst finding's.
   *
   * @return the outcome
   */
  @Override
  public Outcome outcome() {
    return outcome;
  }

  /**
   * Returns how long the whole probe took, submission and polling.
   *
   * @return the elapsed time
   */
  public Duration elapsed() {
    return elapsed;
  }

  /** Returns the submission, the arrival, the Received chain and the findings. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append("SMTP ").append(smtp.host()).append(':').append(smtp.port()).append(": ");
    Optional<SmtpExchange> dot =
        smtp.steps().stream()
            .filter(s -> s.phase() == SmtpPhase.DATA && s.command().equals("."))
            .reduce((a, b) -> b);
    if (accepted()) {
      sb.append("accepted (").append(dot.map(s -> s.reply().firstLine()).orElse("?")).append(')');
    } else {
      sb.append("not accepted").append(smtp.endReason().map(r -> ": " + r).orElse(""));
    }
    sb.append(" in ").append(smtp.elapsed().toMillis()).append(" ms");
    if (!accepted()) {
      sb.append('\n').append(smtp.transcript());
    }
    if (lastSearch != null) {
      sb.append("\nMailbox ").append(lastSearch.server()).append(": ");
      if (hit != null) {
        sb.append("arrived after ")
            .append(seconds(delay))
            .append(" in ")
            .append(hit.folder())
            .append(" (")
            .append(hit.role().name().toLowerCase(Locale.ROOT))
            .append(')')
            .append(hit.deleted() ? ", marked \\Deleted" : "");
      } else if (!anySearchWorked()) {
        sb.append("could not be searched");
      } else {
        sb.append("not there after ").append(seconds(deadline));
      }
      sb.append(", ").append(polls).append(polls == 1 ? " poll" : " polls");
    }
    receivedChain()
        .ifPresent(
            c ->
                sb.append('\n')
                    .append(c.toString().replace("\nOutcome: ", "\nReceived chain outcome: ")));
    return ReportText.of("Round trip " + from + " -> " + to + ", Message-ID " + messageId)
        .body(sb)
        .render(this);
  }

  private boolean anySearchWorked() {
    return findings.stream().noneMatch(f -> f.is(TraceFinding.ROUNDTRIP_NOT_VERIFIED));
  }

  static String seconds(Duration d) {
    if (d == null) {
      return "?";
    }
    long ms = d.toMillis();
    return ms < 60_000
        ? String.format(Locale.ROOT, "%.1f s", ms / 1000.0)
        : ReceivedChainReport.formatDelay(d, false);
  }

  /** Builds a {@link RoundTripReport}; not thread-safe. */
  public static final class Builder {
    private String from;
    private String to;
    private String messageId;
    private SmtpReport smtp;
    private Instant sentAt;
    private MailboxHit hit;
    private Duration delay;
    private int polls;
    private Duration deadline = Duration.ZERO;
    private MailboxSearchReport lastSearch;
    private final List<Finding> findings = new ArrayList<>();
    private Outcome outcome;
    private Duration elapsed = Duration.ZERO;
    private Instant startedAt = Instant.EPOCH;

    private Builder() {}

    /**
     * Sets when the probe started.
     *
     * @param startedAt the start time
     * @return this builder
     */
    public Builder startedAt(Instant startedAt) {
      this.startedAt = requireNonNull(startedAt, "startedAt");
      return this;
    }

    /**
     * Sets the sender and recipient.
     *
     * @param from the sender
     * @param to the recipient
     * @return this builder
     */
    public Builder addresses(String from, String to) {
      this.from = requireNonNull(from, "from");
      this.to = requireNonNull(to, "to");
      return this;
    }

    /**
     * Sets the probe's Message-ID.
     *
     * @param messageId the id, with angle brackets
     * @return this builder
     */
    public Builder messageId(String messageId) {
      this.messageId = requireNonNull(messageId, "messageId");
      return this;
    }

    /**
     * Sets the SMTP report.
     *
     * @param smtp the report
     * @return this builder
     */
    public Builder smtp(SmtpReport smtp) {
      this.smtp = requireNonNull(smtp, "smtp");
      return this;
    }

    /**
     * Marks the message as accepted at the given time.
     *
     * @param sentAt when the server accepted it, or {@code null} when it did not
     * @return this builder
     */
    public Builder sentAt(Instant sentAt) {
      this.sentAt = sentAt;
      return this;
    }

    /**
     * Records the arrival.
     *
     * @param hit the message as found
     * @param delay the time from acceptance to the poll that saw it
     * @return this builder
     */
    public Builder arrived(MailboxHit hit, Duration delay) {
      this.hit = requireNonNull(hit, "hit");
      this.delay = requireNonNull(delay, "delay");
      return this;
    }

    /**
     * Sets the polling figures.
     *
     * @param polls how many searches were made
     * @param deadline how long the probe would wait
     * @return this builder
     */
    public Builder polling(int polls, Duration deadline) {
      this.polls = polls;
      this.deadline = requireNonNull(deadline, "deadline");
      return this;
    }

    /**
     * Sets the last search.
     *
     * @param lastSearch the report, or {@code null}
     * @return this builder
     */
    public Builder lastSearch(MailboxSearchReport lastSearch) {
      this.lastSearch = lastSearch;
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
     * Sets how long the probe took.
     *
     * @param elapsed the time
     * @return this builder
     */
    public Builder elapsed(Duration elapsed) {
      this.elapsed = requireNonNull(elapsed, "elapsed");
      return this;
    }

    /**
     * Builds the report.
     *
     * @return the immutable report
     * @throws NullPointerException when addresses, Message-ID or SMTP report are missing
     */
    public RoundTripReport build() {
      return new RoundTripReport(this);
    }
  }
}
