package dev.mailpath.diag.trace;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.ReportText;
import dev.mailpath.diag.core.Transcript;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The answer of a {@link MailboxSearch}: every folder looked at (with its role), every message that
 * matched, what that means ("the message is in the Junk folder", "marked as deleted", "in no
 * folder"), and what it cost on the wire: the IMAP transcript, the number of commands and the bytes
 * each way.
 *
 * <p>{@code toString()} prints:
 *
 * <pre>{@code
 * Mailbox search imap://bob@127.0.0.1:3143 for message-id=<abc@example.org>
 * Folders: INBOX (inbox, 12 messages), Junk (junk, 3 messages), Trash (trash, 0 messages)
 * Hits:
 *   Junk [junk] uid=3 2024-01-02T09:00:43Z \Seen <abc@example.org> from alice@example.org "Numbers"
 * IMAP: 11 commands, 402 bytes sent, 2,310 bytes received, 38 ms
 * Outcome: WARN
 *   WARNING trace.mailbox.found-in-junk: ...
 * }</pre>
 *
 * <p>The report never holds the password. Immutable and thread-safe; {@link #builder()} is public
 * so that users can fake reports.
 */
public final class MailboxSearchReport implements DiagnosticReport {
  private final String server;
  private final String user;
  private final MessageQuery query;
  private final List<MailboxFolder> folders;
  private final List<MailboxHit> hits;
  private final List<Finding> findings;
  private final Outcome outcome;
  private final Transcript transcript;
  private final long commands;
  private final long bytesSent;
  private final long bytesReceived;
  private final Duration elapsed;
  private final Instant startedAt;
  private final Outcome givenOutcome;

  private MailboxSearchReport(Builder b) {
    this.server = requireNonNull(b.server, "server");
    this.user = requireNonNull(b.user, "user");
    this.query = requireNonNull(b.query, "query");
    this.folders = List.copyOf(b.folders);
    this.hits = List.copyOf(b.hits);
    this.findings = List.copyOf(b.findings);
    this.outcome = b.outcome != null ? b.outcome : Outcome.fromFindings(findings);
    this.transcript = requireNonNull(b.transcript, "transcript");
    this.commands = b.commands;
    this.bytesSent = b.bytesSent;
    this.bytesReceived = b.bytesReceived;
    this.elapsed = requireNonNull(b.elapsed, "elapsed");
    this.startedAt = requireNonNull(b.startedAt, "startedAt");
    this.givenOutcome = b.outcome;
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
   * Returns the server as {@code imap://user@host:port} or {@code imaps://...}, without the
   * password.
   *
   * @return the server
   */
  public String server() {
    return server;
  }

  /**
   * Returns the user name that logged in.
   *
   * @return the user
   */
  public String user() {
    return user;
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
   * Returns the folders listed, in server order, with their roles and counts.
   *
   * @return the folders
   */
  public List<MailboxFolder> folders() {
    return folders;
  }

  /**
   * Returns the matching messages, folder by folder.
   *
   * @return the hits
   */
  public List<MailboxHit> hits() {
    return hits;
  }

  /**
   * Returns the findings.
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
   * Returns the outcome: INCONCLUSIVE when the mailbox could not be searched (connection, TLS,
   * login), else the worst finding's.
   *
   * @return the outcome
   */
  public Outcome outcome() {
    return outcome;
  }

  /**
   * Returns the IMAP session as a transcript (authentication redacted).
   *
   * @return the transcript
   */
  public Transcript transcript() {
    return transcript;
  }

  /**
   * Returns how many IMAP commands were sent (the authentication command included).
   *
   * @return the count
   */
  public long commands() {
    return commands;
  }

  /**
   * Returns the IMAP protocol bytes sent, as seen inside TLS (authentication excluded).
   *
   * @return the count
   */
  public long bytesSent() {
    return bytesSent;
  }

  /**
   * Returns the IMAP protocol bytes received, as seen inside TLS.
   *
   * @return the count
   */
  public long bytesReceived() {
    return bytesReceived;
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
   * Returns when the search started.
   *
   * @return the start time
   */
  public Instant startedAt() {
    return startedAt;
  }

  /**
   * Returns a builder initialised from this report, to derive a variant.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.server = server;
    b.user = user;
    b.query = query;
    b.folders.addAll(folders);
    b.hits.addAll(hits);
    b.findings.addAll(findings);
    b.outcome = givenOutcome;
    b.transcript = transcript;
    b.commands = commands;
    b.bytesSent = bytesSent;
    b.bytesReceived = bytesReceived;
    b.elapsed = elapsed;
    b.startedAt = startedAt;
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MailboxSearchReport r
        && server.equals(r.server)
        && user.equals(r.user)
        && query.equals(r.query)
        && folders.equals(r.folders)
        && hits.equals(r.hits)
        && findings.equals(r.findings)
        && outcome == r.outcome
        && transcript.equals(r.transcript)
        && commands == r.commands
        && bytesSent == r.bytesSent
        && bytesReceived == r.bytesReceived
        && elapsed.equals(r.elapsed)
        && startedAt.equals(r.startedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        server,
        user,
        query,
        folders,
        hits,
        findings,
        outcome,
        transcript,
        commands,
        bytesSent,
        bytesReceived,
        elapsed,
        startedAt);
  }

  /** Returns the folders, the hits, the cost and the findings. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Folders: ");
    if (folders.isEmpty()) {
      sb.append("(none listed)");
    }
    for (int i = 0; i < folders.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(folders.get(i));
    }
    sb.append(hits.isEmpty() ? "\nHits: none" : "\nHits:");
    for (MailboxHit h : hits) {
      sb.append("\n  ").append(h);
    }
    sb.append(
        String.format(
            "%nIMAP: %,d commands, %,d bytes sent, %,d bytes received",
            commands, bytesSent, bytesReceived));
    return ReportText.of("Mailbox search " + server + " for " + query)
        .body(sb)
        .render(this, elapsed);
  }

  /** Builds a {@link MailboxSearchReport}; not thread-safe. */
  public static final class Builder {
    private String server;
    private String user;
    private MessageQuery query;
    private final List<MailboxFolder> folders = new ArrayList<>();
    private final List<MailboxHit> hits = new ArrayList<>();
    private final List<Finding> findings = new ArrayList<>();
    private Outcome outcome;
    private Transcript transcript = Transcript.empty();
    private long commands;
    private long bytesSent;
    private long bytesReceived;
    private Duration elapsed = Duration.ZERO;
    private Instant startedAt = Instant.EPOCH;

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
     * Sets the server description (no password).
     *
     * @param server for example {@code imaps://bob@127.0.0.1:993}
     * @return this builder
     */
    public Builder server(String server) {
      this.server = requireNonNull(server, "server");
      return this;
    }

    /**
     * Sets the user.
     *
     * @param user the user name
     * @return this builder
     */
    public Builder user(String user) {
      this.user = requireNonNull(user, "user");
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
     * Adds a folder.
     *
     * @param folder the folder
     * @return this builder
     */
    public Builder addFolder(MailboxFolder folder) {
      folders.add(requireNonNull(folder, "folder"));
      return this;
    }

    /**
     * Adds a hit.
     *
     * @param hit the hit
     * @return this builder
     */
    public Builder addHit(MailboxHit hit) {
      hits.add(requireNonNull(hit, "hit"));
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
     * Sets the wire counters.
     *
     * @param commands IMAP commands sent
     * @param bytesSent protocol bytes sent
     * @param bytesReceived protocol bytes received
     * @return this builder
     */
    public Builder wire(long commands, long bytesSent, long bytesReceived) {
      this.commands = commands;
      this.bytesSent = bytesSent;
      this.bytesReceived = bytesReceived;
      return this;
    }

    /**
     * Sets the elapsed time.
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
     */
    public MailboxSearchReport build() {
      return new MailboxSearchReport(this);
    }
  }
}
