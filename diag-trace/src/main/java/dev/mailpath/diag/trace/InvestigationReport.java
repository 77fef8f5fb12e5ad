package dev.mailpath.diag.trace;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.ReportText;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The answer of a {@link MissingMessageInvestigation}: where the message is (a {@link Conclusion},
 * with the {@link UndeliveredReason} or the folder), what each {@link InvestigationStage} showed,
 * the next steps in the voice of the field guide, and the findings.
 *
 * <p>{@code toString()} narrates the investigation the way the field guide's four parts walk it:
 *
 * <pre>{@code
 * Missing message from alice@example.org to bob@example.net, sent between 2024-01-02T07:00:00Z and 2024-01-02T11:00:00Z
 * Conclusion: REACHED_SERVER_NOT_MAILBOX (deferred)
 *   The mail server has the message (queue id 9E3C44A0789) but did not deliver it: deferred: connect to ...
 *
 * Part 1 - How to start
 *   What was the sending address?             alice@example.org
 *   Approximately what time was it sent?      between 2024-01-02T07:00:00Z and 2024-01-02T11:00:00Z
 *   Are you seeing other messages arrive?     yes: 3 other messages to bob@example.net were delivered then
 *   May I open your mailbox to investigate?   yes: imap://bob@127.0.0.1:3143
 *   Does the server think it was delivered?   no: it has the message but did not deliver it -> rule out #1 and #2, see Part 3
 * Part 2 - Message tracking does not find the message: where could it be?
 *   [NOT_CHECKED] Inbound route: not needed: message tracking found the message
 *   ...
 * Part 3 - Message tracking sees the message, but it was not delivered to the mailbox   <== the message is here
 *   [PROBLEM] Message tracking (postfix /var/log/mail.log): 9E3C44A0789: deferred (connect to ...)
 * Part 4 - The message was delivered to the mailbox: where did it go?
 *   [PROBLEM] Mailbox (imap://bob@127.0.0.1:3143): not in any folder
 * Next steps:
 *   1. Check the queues (mailq, postqueue -p) on all your servers ...
 * Findings:
 *   ERROR trace.investigation.reached-server-not-mailbox: ...
 * }</pre>
 *
 * <p>{@link #findings()} starts with the conclusion's finding ({@code trace.investigation.*}),
 * followed by the findings of every stage's source. The {@link #outcome()} is {@link
 * Outcome#INCONCLUSIVE} for an inconclusive investigation, else the worst finding's. Immutable and
 * thread-safe; {@link #builder()} is public so that users can fake reports.
 */
public final class InvestigationReport implements DiagnosticReport {
  private final MessageQuery question;
  private final Conclusion conclusion;
  private final UndeliveredReason reason;
  private final MailboxHit location;
  private final String summary;
  private final List<StageResult> stages;
  private final DiagnosticReport inboundRoute;
  private final RoundTripReport testMessage;
  private final List<DeliveryLogReport> gatewayLogs;
  private final List<DeliveryLogReport> serverLogs;
  private final MailboxSearchReport mailbox;
  private final MessageAuthenticationReport authentication;
  private final Integer otherMailDelivered;
  private final List<String> nextSteps;
  private final List<Finding> findings;
  private final Outcome outcome;
  private final Instant startedAt;
  private final Duration elapsed;

  private InvestigationReport(Builder b) {
    this.question = requireNonNull(b.question, "question");
    this.conclusion = requireNonNull(b.conclusion, "conclusion");
    this.reason = b.reason;
    this.location = b.location;
    this.summary = requireNonNull(b.summary, "summary");
    Map<InvestigationStage, StageResult> byStage = new EnumMap<>(InvestigationStage.class);
    for (StageResult s : b.stages) {
      byStage.put(s.stage(), s);
    }
    List<StageResult> all = new ArrayList<>();
    for (InvestigationStage s : InvestigationStage.values()) {
      all.add(byStage.getOrDefault(s, StageResult.notChecked(s, "no source was given")));
    }
    this.stages = List.copyOf(all);
    this.inboundRoute = b.inboundRoute;
    this.testMessage = b.testMessage;
    this.gatewayLogs = List.copyOf(b.gatewayLogs);
    this.serverLogs = List.copyOf(b.serverLogs);
    this.mailbox = b.mailbox;
    this.authentication = b.authentication;
    this.otherMailDelivered = b.otherMailDelivered;
    this.nextSteps = List.copyOf(b.nextSteps);
    this.findings = List.copyOf(b.findings);
    this.outcome =
        conclusion == Conclusion.INCONCLUSIVE
            ? Outcome.INCONCLUSIVE
            : Outcome.fromFindings(findings);
    this.startedAt = requireNonNull(b.startedAt, "startedAt");
    this.elapsed = requireNonNull(b.elapsed, "elapsed");
  }

  /**
   * Starts building a report (for fakes in tests; investigations build their own).
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns what was asked: sender, recipient, time window, and subject or Message-ID if known.
   *
   * @return the query as given
   */
  public MessageQuery question() {
    return question;
  }

  /**
   * Returns where the message is, as one of the field guide's possibilities.
   *
   * @return the conclusion
   */
  public Conclusion conclusion() {
    return conclusion;
  }

  /**
   * Returns why a message that reached a server got no further, for {@link
   * Conclusion#REACHED_SERVER_NOT_MAILBOX} and {@link Conclusion#REACHED_US_NOT_SERVER}.
   *
   * @return the reason, or empty for the other conclusions (or when the log does not say)
   */
  public Optional<UndeliveredReason> reason() {
    return Optional.ofNullable(reason);
  }

  /**
   * Returns the message as found in the mailbox (folder, role, {@code \Deleted} flag), for {@link
   * Conclusion#IN_INBOX} and {@link Conclusion#IN_MAILBOX_MOVED}.
   *
   * @return the hit, or empty when the message was not found in the mailbox
   */
  public Optional<MailboxHit> location() {
    return Optional.ofNullable(location);
  }

  /**
   * Returns the conclusion in one sentence, for example "The message reached the mailbox and is in
   * Junk E-mail (junk)."
   *
   * @return the summary
   */
  public String summary() {
    return summary;
  }

  /**
   * Returns every stage, in the order a message passes them, checked or not.
   *
   * @return one result per {@link InvestigationStage}
   */
  public List<StageResult> stages() {
    return stages;
  }

  /**
   * Returns the result of one stage.
   *
   * @param stage the stage
   * @return its result; {@link StageStatus#NOT_CHECKED} when it had no source
   */
  public StageResult stage(InvestigationStage stage) {
    requireNonNull(stage, "stage");
    return stages.get(stage.ordinal());
  }

  /**
   * Returns the inbound route check (a delivery-path check of the recipient's domain).
   *
   * @return the report, or empty when not checked
   */
  public Optional<DiagnosticReport> inboundRoute() {
    return Optional.ofNullable(inboundRoute);
  }

  /**
   * Returns the test message sent to the recipient.
   *
   * @return the round-trip report, or empty when none was sent
   */
  public Optional<RoundTripReport> testMessage() {
    return Optional.ofNullable(testMessage);
  }

  /**
   * Returns the gateway log searches.
   *
   * @return one report per gateway log, possibly empty
   */
  public List<DeliveryLogReport> gatewayLogs() {
    return gatewayLogs;
  }

  /**
   * Returns the message-tracking searches on the mail server(s).
   *
   * @return one report per server log, possibly empty
   */
  public List<DeliveryLogReport> serverLogs() {
    return serverLogs;
  }

  /**
   * Returns the mailbox search.
   *
   * @return the report, or empty when the mailbox was not searched
   */
  public Optional<MailboxSearchReport> mailbox() {
    return Optional.ofNullable(mailbox);
  }

  /**
   * Returns the SPF, DKIM and DMARC verdict on the message: of its source when it was found in the
   * Junk folder, or of its connection when the delivery log shows it refused with a 5.7.x reply
   * (then From: and DKIM were not available, and the report says so). Present only when the
   * investigation was given a {@link MessageAuthentication}.
   *
   * @return the report, or empty when no authentication check ran
   */
  public Optional<MessageAuthenticationReport> authentication() {
    return Optional.ofNullable(authentication);
  }

  /**
   * Returns the answer to "are you seeing other messages arrive?": how many other messages the
   * server logs show delivered to the recipient in the window.
   *
   * @return the count, or empty when not checked (no server log, or the message was found)
   */
  public OptionalInt otherMailDelivered() {
    return otherMailDelivered == null ? OptionalInt.empty() : OptionalInt.of(otherMailDelivered);
  }

  /**
   * Returns what to do next, most useful first, without repeats.
   *
   * @return the next steps
   */
  public List<String> nextSteps() {
    return nextSteps;
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
   * Returns {@link Outcome#INCONCLUSIVE} when the conclusion is, else the worst finding's.
   *
   * @return the outcome
   */
  @Override
  public Outcome outcome() {
    return outcome;
  }

  /**
   * Returns when the investigation started, by the environment's clock.
   *
   * @return the start time
   */
  public Instant startedAt() {
    return startedAt;
  }

  /**
   * Returns how long the investigation took.
   *
   * @return the elapsed time
   */
  public Duration elapsed() {
    return elapsed;
  }

  /**
   * Returns the narrated investigation: the question, the conclusion, the four parts, next steps,
   * findings.
   */
  @Override
  public String toString() {
    StringBuilder head = new StringBuilder("Missing message");
    question.sender().ifPresent(s -> head.append(" from ").append(s));
    question.recipient().ifPresent(r -> head.append(" to ").append(r));
    question.messageId().ifPresent(id -> head.append(" <").append(id).append('>'));
    head.append(", sent ").append(window());
    StringBuilder sb = new StringBuilder("Conclusion: ").append(conclusion);
    reason().ifPresent(r -> sb.append(" (").append(r.text()).append(')'));
    sb.append("\n  ").append(summary).append('\n');

    part(sb, 1, "How to start");
    row(sb, "What was the sending address?", question.sender().orElse("(not given)"));
    row(sb, "Approximately what time was it sent?", window());
    question.subject().ifPresent(s -> row(sb, "What was the subject?", "\"" + s + "\""));
    row(sb, "Are you seeing other messages arrive?", otherMail());
    StageResult box = stage(InvestigationStage.MAILBOX);
    row(
        sb,
        "May I open your mailbox to investigate?",
        box.source().isEmpty()
            ? "not asked (no mailbox access was given)"
            : "yes: " + box.source());
    row(sb, "Does the server think it was delivered?", tracking());

    part(sb, 2, "Message tracking does not find the message: where could it be?");
    stageLine(sb, InvestigationStage.INBOUND_ROUTE);
    stageLine(sb, InvestigationStage.TEST_MESSAGE);
    stageLine(sb, InvestigationStage.GATEWAY_LOG);
    part(sb, 3, "Message tracking sees the message, but it was not delivered to the mailbox");
    stageLine(sb, InvestigationStage.SERVER_LOG);
    if (conclusion.part() != 4) {
      authenticationLine(sb);
    }
    part(sb, 4, "The message was delivered to the mailbox: where did it go?");
    stageLine(sb, InvestigationStage.MAILBOX);
    if (conclusion.part() == 4) {
      authenticationLine(sb);
    }

    sb.append("Next steps:");
    for (int i = 0; i < nextSteps.size(); i++) {
      sb.append("\n  ").append(i + 1).append(". ").append(nextSteps.get(i));
    }
    return ReportText.of(head.toString()).body(sb).render(this, elapsed);
  }

  /**
   * Returns a builder initialised from this report, to derive a variant.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.question = question;
    b.conclusion = conclusion;
    b.reason = reason;
    b.location = location;
    b.summary = summary;
    b.stages.addAll(stages);
    b.inboundRoute = inboundRoute;
    b.testMessage = testMessage;
    b.gatewayLogs.addAll(gatewayLogs);
    b.serverLogs.addAll(serverLogs);
    b.mailbox = mailbox;
    b.authentication = authentication;
    b.otherMailDelivered = otherMailDelivered;
    b.nextSteps.addAll(nextSteps);
    b.findings.addAll(findings);
    b.startedAt = startedAt;
    b.elapsed = elapsed;
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InvestigationReport r
        && question.equals(r.question)
        && conclusion == r.conclusion
        && Objects.equals(reason, r.reason)
        && Objects.equals(location, r.location)
        && summary.equals(r.summary)
        && stages.equals(r.stages)
        && Objects.equals(inboundRoute, r.inboundRoute)
        && Objects.equals(testMessage, r.testMessage)
        && gatewayLogs.equals(r.gatewayLogs)
        && serverLogs.equals(r.serverLogs)
        && Objects.equals(mailbox, r.mailbox)
        && Objects.equals(authentication, r.authentication)
        && Objects.equals(otherMailDelivered, r.otherMailDelivered)
        && nextSteps.equals(r.nextSteps)
        && findings.equals(r.findings)
        && outcome == r.outcome
        && startedAt.equals(r.startedAt)
        && elapsed.equals(r.elapsed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        question,
        conclusion,
        reason,
        location,
        summary,
        stages,
        inboundRoute,
        testMessage,
        gatewayLogs,
        serverLogs,
        mailbox,
        authentication,
        otherMailDelivered,
        nextSteps,
        findings,
        outcome,
        startedAt,
        elapsed);
  }

  private void part(StringBuilder sb, int n, String title) {
    sb.append("Part ").append(n).append(" - ").append(title);
    if (n == conclusion.part() && conclusion != Conclusion.INCONCLUSIVE) {
      sb.append("   <== the message is here");
    }
    sb.append('\n');
  }

  private static void row(StringBuilder sb, String q, String a) {
    sb.append("  ")
        .append(String.format(Locale.ROOT, "%-41s", q))
        .append(' ')
        .append(a)
        .append('\n');
  }

  private void stageLine(StringBuilder sb, InvestigationStage stage) {
    StageResult s = stage(stage);
    sb.append("  ").append(s).append('\n');
    for (Evidence e : s.evidence()) {
      sb.append("      ").append(e).append('\n');
    }
  }

  private void authenticationLine(StringBuilder sb) {
    if (authentication != null) {
      sb.append("  Authentication: ").append(authentication.verdict()).append('\n');
    }
  }

  private String window() {
    Optional<Instant> since = question.since();
    Optional<Instant> until = question.until();
    if (since.isPresent() && until.isPresent()) {
      return "between " + seconds(since.get()) + " and " + seconds(until.get());
    }
    return since
        .map(s -> "after " + seconds(s))
        .or(() -> until.map(u -> "before " + seconds(u)))
        .orElse("(time not given)");
  }

  private static Instant seconds(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS);
  }

  private String otherMail() {
    if (otherMailDelivered == null) {
      return "not checked";
    }
    String to = question.recipient().orElse("the recipient");
    return otherMailDelivered > 0
        ? "yes: "
            + otherMailDelivered
            + " other message"
            + (otherMailDelivered == 1 ? " was" : "s were")
            + " delivered to "
            + to
            + " then"
        : "no: the server delivered nothing to " + to + " then (is all inbound mail affected?)";
  }

  private String tracking() {
    StageResult s = stage(InvestigationStage.SERVER_LOG);
    boolean found = serverLogs.stream().anyMatch(r -> !r.records().isEmpty());
    switch (s.status()) {
      case NOT_CHECKED:
        return "not checked (no message tracking source was given)";
      case ERROR:
        return "unknown: message tracking could not be read";
      case CHECKED_OK:
        return "yes: delivered to the mailbox -> rule out #1, #2 and #3, see Part 4";
      default:
        return found
            ? "no: it has the message but did not deliver it -> rule out #1 and #2, see Part 3"
            : "no record of the message -> see Part 2";
    }
  }

  /** Builds an {@link InvestigationReport}; not thread-safe. */
  public static final class Builder {
    private MessageQuery question;
    private Conclusion conclusion;
    private UndeliveredReason reason;
    private MailboxHit location;
    private String summary;
    private final List<StageResult> stages = new ArrayList<>();
    private DiagnosticReport inboundRoute;
    private RoundTripReport testMessage;
    private final List<DeliveryLogReport> gatewayLogs = new ArrayList<>();
    private final List<DeliveryLogReport> serverLogs = new ArrayList<>();
    private MailboxSearchReport mailbox;
    private MessageAuthenticationReport authentication;
    private Integer otherMailDelivered;
    private final List<String> nextSteps = new ArrayList<>();
    private final List<Finding> findings = new ArrayList<>();
    private Instant startedAt = Instant.EPOCH;
    private Duration elapsed = Duration.ZERO;

    private Builder() {}

    /**
     * Sets the question.
     *
     * @param question the query
     * @return this builder
     */
    public Builder question(MessageQuery question) {
      this.question = requireNonNull(question, "question");
      return this;
    }

    /**
     * Sets the conclusion and its one-line summary.
     *
     * @param conclusion the conclusion
     * @param summary the summary
     * @return this builder
     */
    public Builder conclusion(Conclusion conclusion, String summary) {
      this.conclusion = requireNonNull(conclusion, "conclusion");
      this.summary = requireNonNull(summary, "summary");
      return this;
    }

    /**
     * Sets why the message got no further.
     *
     * @param reason the reason, or {@code null}
     * @return this builder
     */
    public Builder reason(UndeliveredReason reason) {
      this.reason = reason;
      return this;
    }

    /**
     * Sets where the message was found in the mailbox.
     *
     * @param location the hit, or {@code null}
     * @return this builder
     */
    public Builder location(MailboxHit location) {
      this.location = location;
      return this;
    }

    /**
     * Adds a stage result; a stage given twice keeps the last, a stage never given is reported as
     * not checked.
     *
     * @param stage the result
     * @return this builder
     */
    public Builder addStage(StageResult stage) {
      stages.add(requireNonNull(stage, "stage"));
      return this;
    }

    /**
     * Sets the inbound route check.
     *
     * @param report the report, or {@code null}
     * @return this builder
     */
    public Builder inboundRoute(DiagnosticReport report) {
      this.inboundRoute = report;
      return this;
    }

    /**
     * Sets the test message's report.
     *
     * @param report the report, or {@code null}
     * @return this builder
     */
    public Builder testMessage(RoundTripReport report) {
      this.testMessage = report;
      return this;
    }

    /**
     * Adds a gateway log search.
     *
     * @param report the report
     * @return this builder
     */
    public Builder addGatewayLog(DeliveryLogReport report) {
      gatewayLogs.add(requireNonNull(report, "report"));
      return this;
    }

    /**
     * Adds a server log search.
     *
     * @param report the report
     * @return this builder
     */
    public Builder addServerLog(DeliveryLogReport report) {
      serverLogs.add(requireNonNull(report, "report"));
      return this;
    }

    /**
     * Sets the mailbox search.
     *
     * @param report the report, or {@code null}
     * @return this builder
     */
    public Builder mailbox(MailboxSearchReport report) {
      this.mailbox = report;
      return this;
    }

    /**
     * Sets the SPF, DKIM and DMARC verdict on the message or its connection.
     *
     * @param report the report, or {@code null} when no authentication check ran
     * @return this builder
     */
    public Builder authentication(MessageAuthenticationReport report) {
      this.authentication = report;
      return this;
    }

    /**
     * Sets how many other messages reached the recipient in the window.
     *
     * @param count the count, or {@code null} when not checked
     * @return this builder
     */
    public Builder otherMailDelivered(Integer count) {
      this.otherMailDelivered = count;
      return this;
    }

    /**
     * Adds a next step; repeats are dropped.
     *
     * @param step the step
     * @return this builder
     */
    public Builder addNextStep(String step) {
      requireNonNull(step, "step");
      if (!nextSteps.contains(step)) {
        nextSteps.add(step);
      }
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
     * Sets the timing.
     *
     * @param startedAt when it started
     * @param elapsed how long it took
     * @return this builder
     */
    public Builder timing(Instant startedAt, Duration elapsed) {
      this.startedAt = requireNonNull(startedAt, "startedAt");
      this.elapsed = requireNonNull(elapsed, "elapsed");
      return this;
    }

    /**
     * Builds the report.
     *
     * @return the immutable report
     * @throws NullPointerException when the question or the conclusion is missing
     */
    public InvestigationReport build() {
      return new InvestigationReport(this);
    }
  }
}
