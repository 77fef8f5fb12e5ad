package dev.mailpath.diag.trace;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.FindingCode;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One message's life on one server, as a delivery log tells it ("message tracking"): when it
 * arrived and from whom, its Message-ID, every delivery attempt per recipient, and whether it left
 * the queue. A message rejected before it was queued (Postfix's {@code NOQUEUE: reject}) is a
 * record without a queue id.
 *
 * <p>{@link #findings()} says what the record means, in the terms of the field guide: delivered to
 * the mailbox, relayed, deferred, bounced, expired, rejected, held, still queued, redirected.
 * Immutable and thread-safe; {@link #builder()} is public for log sources and for tests.
 */
public final class DeliveryRecord {
  private final String source;
  private final String queueId;
  private final String messageId;
  private final String sender;
  private final String client;
  private final String helo;
  private final OptionalLong size;
  private final Instant firstSeen;
  private final Instant lastSeen;
  private final boolean removed;
  private final String bounceQueueId;
  private final List<DeliveryAttempt> attempts;
  private final List<String> lines;
  private final long omittedLines;
  private final long omittedAttempts;
  private final List<Finding> findings;

  private DeliveryRecord(Builder b) {
    this.source = requireNonNull(b.source, "source");
    this.queueId = b.queueId;
    this.messageId = b.messageId;
    this.sender = b.sender;
    this.client = b.client;
    this.helo = b.helo;
    this.size = b.size;
    this.firstSeen = requireNonNull(b.firstSeen, "firstSeen");
    this.lastSeen = b.lastSeen != null ? b.lastSeen : b.firstSeen;
    this.removed = b.removed;
    this.bounceQueueId = b.bounceQueueId;
    List<DeliveryAttempt> kept = new ArrayList<>(b.attempts);
    kept.addAll(b.latestAttempts);
    this.attempts = List.copyOf(kept);
    this.omittedAttempts = b.omittedAttempts;
    this.lines = List.copyOf(b.lines);
    this.omittedLines = b.omittedLines;
    this.findings = deriveFindings();
  }

  /**
   * Starts building a record.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the log this record came from, for example {@code postfix /var/log/mail.log}.
   *
   * @return the source name
   */
  public String source() {
    return source;
  }

  /**
   * Returns the queue id, the key of the message on this server (and the {@code id} in the {@code
   * Received:} field the server wrote).
   *
   * @return the queue id; empty for a message rejected before it was queued
   */
  public Optional<String> queueId() {
    return Optional.ofNullable(queueId);
  }

  /**
   * Returns the Message-ID as logged, without angle brackets.
   *
   * @return the id, or empty when the log has none for this message
   */
  public Optional<String> messageId() {
    return Optional.ofNullable(messageId);
  }

  /**
   * Returns the envelope sender; the empty string is the null sender {@code <>} of bounces.
   *
   * @return the sender, or empty when not logged
   */
  public Optional<String> sender() {
    return Optional.ofNullable(sender);
  }

  /**
   * Returns the client that handed the message over, for example {@code
   * mail.example.org[198.51.100.7]}.
   *
   * @return the client, or empty for locally submitted mail
   */
  public Optional<String> client() {
    return Optional.ofNullable(client);
  }

  /**
   * Returns the HELO/EHLO name the client gave, when the log line keeps it (Postfix's reject lines
   * end in {@code helo=<name>}).
   *
   * @return the HELO name, or empty when not logged
   */
  public Optional<String> helo() {
    return Optional.ofNullable(helo);
  }

  /**
   * Returns the message size in bytes as logged.
   *
   * @return the size
   */
  public OptionalLong size() {
    return size;
  }

  /**
   * Returns when the log first mentions the message.
   *
   * @return the first timestamp
   */
  public Instant firstSeen() {
    return firstSeen;
  }

  /**
   * Returns when the log last mentions the message.
   *
   * @return the last timestamp
   */
  public Instant lastSeen() {
    return lastSeen;
  }

  /**
   * Tells whether the message left the queue ({@code removed}).
   *
   * @return {@code true} when removed
   */
  public boolean removed() {
    return removed;
  }

  /**
   * Returns the queue id of the non-delivery notification (bounce) this message caused.
   *
   * @return the bounce's queue id
   */
  public Optional<String> bounceQueueId() {
    return Optional.ofNullable(bounceQueueId);
  }

  /**
   * Returns the delivery events in log order: all of them, or for a message with more than 1,000
   * the first and the last 500 (see {@link #omittedAttempts()}).
   *
   * @return the attempts
   */
  public List<DeliveryAttempt> attempts() {
    return attempts;
  }

  /**
   * Returns the last event for each recipient, in order of first appearance: the current status per
   * recipient.
   *
   * @return recipient to last attempt
   */
  public Map<String, DeliveryAttempt> finalAttempts() {
    Map<String, DeliveryAttempt> last = new LinkedHashMap<>();
    for (DeliveryAttempt a : attempts) {
      a.recipient().ifPresent(r -> last.put(r, a));
    }
    return java.util.Collections.unmodifiableMap(last);
  }

  /**
   * Tells whether every recipient's last attempt put the message into a mailbox.
   *
   * @return {@code true} when delivered to the store for all recipients
   */
  public boolean delivered() {
    Map<String, DeliveryAttempt> last = finalAttempts();
    return !last.isEmpty() && last.values().stream().allMatch(DeliveryAttempt::finalDelivery);
  }

  /**
   * Returns the raw log lines of this message, the audit trail (at most the first lines kept; see
   * {@link #omittedLines()}).
   *
   * @return the lines
   */
  public List<String> lines() {
    return lines;
  }

  /**
   * Returns how many log lines of this message were not kept in {@link #lines()}.
   *
   * @return the count
   */
  public long omittedLines() {
    return omittedLines;
  }

  /**
   * Returns how many delivery events between the first and the last ones kept in {@link
   * #attempts()} were left out; a {@code trace.log.truncated} finding says so when it is not zero.
   *
   * @return the count
   */
  public long omittedAttempts() {
    return omittedAttempts;
  }

  /**
   * Returns what the record means: delivered, relayed, deferred, bounced, expired, rejected, held,
   * still queued, redirected.
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

  private List<Finding> deriveFindings() {
    List<Finding> out = new ArrayList<>();
    String what =
        (queueId != null ? queueId : "NOQUEUE") + (messageId != null ? " <" + messageId + ">" : "");
    Evidence ev = Evidence.of("queue-id", queueId != null ? queueId : "NOQUEUE");
    boolean expired = attempts.stream().anyMatch(a -> a.status() == DeliveryStatus.EXPIRED);
    for (DeliveryAttempt a : attempts) {
      if (a.status() == DeliveryStatus.EXPIRED) {
        out.add(
            TraceFinding.LOG_EXPIRED.finding(
                what + " expired in the queue and was returned to the sender",
                ev,
                Evidence.of("event", a)));
      } else if (a.status() == DeliveryStatus.REJECTED) {
        out.add(
            TraceFinding.LOG_REJECTED.finding(
                what + " was rejected: " + a.reason(), ev, Evidence.of("event", a)));
      } else if (a.status() == DeliveryStatus.HELD || a.status() == DeliveryStatus.DISCARDED) {
        out.add(
            TraceFinding.LOG_HELD.finding(
                what
                    + " was "
                    + (a.status() == DeliveryStatus.HELD ? "put on hold" : "discarded")
                    + (a.reason().isEmpty() ? "" : ": " + a.reason()),
                ev,
                Evidence.of("event", a)));
      }
    }
    for (Map.Entry<String, DeliveryAttempt> e : finalAttempts().entrySet()) {
      DeliveryAttempt a = e.getValue();
      String rcpt = "<" + e.getKey() + ">";
      Evidence event = Evidence.of("event", a);
      switch (a.status()) {
        case SENT -> {
          if (a.finalDelivery()) {
            out.add(
                TraceFinding.LOG_DELIVERED.finding(
                    what + " was delivered to the mailbox of " + rcpt + " by " + a.service(),
                    ev,
                    event));
          } else {
            out.add(
                TraceFinding.LOG_RELAYED.finding(
                    what
                        + " for "
                        + rcpt
                        + " was handed to "
                        + a.relay().orElse("the next server")
                        + a.nextQueueId().map(q -> ", queued there as " + q).orElse(""),
                    ev,
                    event));
          }
        }
        case DEFERRED -> {
          if (!expired) {
            out.add(
                TraceFinding.LOG_DEFERRED.finding(
                    what + " for " + rcpt + " is deferred: " + a.reason(), ev, event));
          }
        }
        case BOUNCED ->
            out.add(
                TraceFinding.LOG_BOUNCED.finding(
                    what + " for " + rcpt + " bounced: " + a.reason(), ev, event));
        default -> {
          // REJECTED, HELD, DISCARDED, EXPIRED are reported above, once per event.
        }
      }
      a.originalRecipient()
          .filter(o -> !o.equalsIgnoreCase(e.getKey()))
          .ifPresent(
              o ->
                  out.add(
                      TraceFinding.LOG_REDIRECTED.finding(
                          what + ": <" + o + "> was rewritten to " + rcpt, ev, event)));
    }
    if (omittedAttempts > 0) {
      out.add(
          TraceFinding.LOG_TRUNCATED.finding(
              what
                  + " has "
                  + (attempts.size() + omittedAttempts)
                  + " delivery events; the "
                  + omittedAttempts
                  + " between the first and the last "
                  + Builder.KEPT_AT_EACH_END
                  + " were not kept",
              ev,
              Evidence.of("omitted-events", omittedAttempts)));
    }
    if (queueId != null && !removed && attempts.isEmpty()) {
      out.add(
          TraceFinding.LOG_STILL_QUEUED.finding(
              what + " was queued but the log never shows it leaving", ev));
    }
    return List.copyOf(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeliveryRecord r
        && source.equals(r.source)
        && Objects.equals(queueId, r.queueId)
        && Objects.equals(messageId, r.messageId)
        && Objects.equals(sender, r.sender)
        && Objects.equals(client, r.client)
        && Objects.equals(helo, r.helo)
        && size.equals(r.size)
        && firstSeen.equals(r.firstSeen)
        && lastSeen.equals(r.lastSeen)
        && removed == r.removed
        && Objects.equals(bounceQueueId, r.bounceQueueId)
        && attempts.equals(r.attempts)
        && lines.equals(r.lines)
        && omittedLines == r.omittedLines
        && omittedAttempts == r.omittedAttempts;
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, queueId, messageId, firstSeen, attempts);
  }

  /** Returns a message-tracking view: the arrival line, one line per event, the removal. */
  @Override
  public String toString() {
    StringBuilder sb =
        new StringBuilder(queueId != null ? queueId : "NOQUEUE").append("  ").append(firstSeen);
    if (sender != null) {
      sb.append("  from=<").append(sender).append('>');
    }
    client().ifPresent(c -> sb.append(" client=").append(c));
    helo().ifPresent(h -> sb.append(" helo=<").append(h).append('>'));
    if (size.isPresent()) {
      sb.append(" size=").append(size.getAsLong());
    }
    messageId().ifPresent(m -> sb.append(" message-id=<").append(m).append('>'));
    for (DeliveryAttempt a : attempts) {
      sb.append("\n    ").append(a.time()).append(' ').append(a);
    }
    if (removed) {
      sb.append("\n    ").append(lastSeen).append(" removed");
    } else if (queueId != null) {
      sb.append("\n    (not removed by ").append(lastSeen).append(')');
    }
    return sb.toString();
  }

  /** Builds a {@link DeliveryRecord}; not thread-safe. */
  public static final class Builder {
    private static final int MAX_LINES = 200;

    /** Delivery events kept per record at most (a log may retry one message for weeks). */
    static final int MAX_ATTEMPTS = 1000;

    /** Events kept at each end once a record has more than {@link #MAX_ATTEMPTS}. */
    static final int KEPT_AT_EACH_END = MAX_ATTEMPTS / 2;

    private String source;
    private String queueId;
    private String messageId;
    private String sender;
    private String client;
    private String helo;
    private OptionalLong size = OptionalLong.empty();
    private Instant firstSeen;
    private Instant lastSeen;
    private boolean removed;
    private String bounceQueueId;
    // The first events, then (past MAX_ATTEMPTS) a window of the latest ones: the start of the
    // story and each recipient's current status survive, memory stays bounded.
    private final List<DeliveryAttempt> attempts = new ArrayList<>();
    private final ArrayDeque<DeliveryAttempt> latestAttempts = new ArrayDeque<>();
    private final List<String> lines = new ArrayList<>();
    private long omittedLines;
    private long omittedAttempts;

    private Builder() {}

    /**
     * Sets the source name.
     *
     * @param source for example {@code postfix /var/log/mail.log}
     * @return this builder
     */
    public Builder source(String source) {
      this.source = requireNonNull(source, "source");
      return this;
    }

    /**
     * Sets the queue id.
     *
     * @param queueId the id, or {@code null} for NOQUEUE
     * @return this builder
     */
    public Builder queueId(String queueId) {
      this.queueId = queueId;
      return this;
    }

    /**
     * Sets the Message-ID.
     *
     * @param messageId with or without angle brackets, or {@code null}
     * @return this builder
     */
    public Builder messageId(String messageId) {
      this.messageId = messageId == null ? null : MessageQuery.stripAngles(messageId);
      return this;
    }

    /**
     * Sets the envelope sender.
     *
     * @param sender the address, {@code ""} for the null sender, or {@code null}
     * @return this builder
     */
    public Builder sender(String sender) {
      this.sender = sender;
      return this;
    }

    /**
     * Sets the client.
     *
     * @param client {@code name[address]}, or {@code null}
     * @return this builder
     */
    public Builder client(String client) {
      this.client = client;
      return this;
    }

    /**
     * Sets the HELO/EHLO name the client gave.
     *
     * @param helo the name as logged, or {@code null}
     * @return this builder
     */
    public Builder helo(String helo) {
      this.helo = helo;
      return this;
    }

    /**
     * Sets the size.
     *
     * @param size bytes
     * @return this builder
     */
    public Builder size(long size) {
      this.size = OptionalLong.of(size);
      return this;
    }

    /**
     * Records a timestamp; the first one is {@link DeliveryRecord#firstSeen()}, the latest {@link
     * DeliveryRecord#lastSeen()}.
     *
     * @param time the timestamp
     * @return this builder
     */
    public Builder seen(Instant time) {
      requireNonNull(time, "time");
      if (firstSeen == null || time.isBefore(firstSeen)) {
        firstSeen = time;
      }
      if (lastSeen == null || time.isAfter(lastSeen)) {
        lastSeen = time;
      }
      return this;
    }

    /**
     * Marks the message as removed from the queue.
     *
     * @param removed the flag
     * @return this builder
     */
    public Builder removed(boolean removed) {
      this.removed = removed;
      return this;
    }

    /**
     * Sets the bounce's queue id.
     *
     * @param bounceQueueId the id, or {@code null}
     * @return this builder
     */
    public Builder bounceQueueId(String bounceQueueId) {
      this.bounceQueueId = bounceQueueId;
      return this;
    }

    /**
     * Adds an event. A record keeps at most 1,000 events: past that, the first 500 and the latest
     * 500, and counts the others ({@link DeliveryRecord#omittedAttempts()}).
     *
     * @param attempt the event
     * @return this builder
     */
    public Builder addAttempt(DeliveryAttempt attempt) {
      requireNonNull(attempt, "attempt");
      if (attempts.size() + latestAttempts.size() < MAX_ATTEMPTS) {
        attempts.add(attempt);
      } else {
        if (latestAttempts.isEmpty()) {
          // First overflow: the second half of the kept events becomes the window of the latest.
          List<DeliveryAttempt> tail = attempts.subList(KEPT_AT_EACH_END, attempts.size());
          latestAttempts.addAll(tail);
          tail.clear();
        }
        latestAttempts.removeFirst();
        latestAttempts.addLast(attempt);
        omittedAttempts++;
      }
      return seen(attempt.time());
    }

    /**
     * Adds a raw log line; past 200 lines they are only counted.
     *
     * @param line the line
     * @return this builder
     */
    public Builder addLine(String line) {
      if (lines.size() < MAX_LINES) {
        lines.add(requireNonNull(line, "line"));
      } else {
        omittedLines++;
      }
      return this;
    }

    /**
     * Returns the Message-ID set so far (for sources that filter while reading).
     *
     * @return the id
     */
    public Optional<String> messageId() {
      return Optional.ofNullable(messageId);
    }

    /**
     * Builds the record.
     *
     * @return the immutable record
     * @throws NullPointerException when the source or no timestamp was set
     */
    public DeliveryRecord build() {
      return new DeliveryRecord(this);
    }
  }
}
