package dev.mailpath.diag.trace.internal;

import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.trace.DeliveryAttempt;
import dev.mailpath.diag.trace.DeliveryLogReport;
import dev.mailpath.diag.trace.DeliveryRecord;
import dev.mailpath.diag.trace.DeliveryStatus;
import dev.mailpath.diag.trace.MessageQuery;
import dev.mailpath.diag.trace.UndeliveredReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads what delivery logs say about one message for one recipient, the way an administrator reads
 * message tracking: delivered, passed on to the next server, stopped (and why), or not there at
 * all. Several records of one message (a content filter re-injects it under a new queue id) are
 * followed through; when records disagree, delivery wins, then the most telling failure (a loop or
 * bounce over a deferral).
 */
public final class TrackingVerdict {

  /** What the logs say, overall. */
  public enum State {
    /** No log could be read. */
    ERROR,
    /** No record matched. */
    NOT_FOUND,
    /** A record shows final delivery into the mailbox. */
    DELIVERED,
    /** A record shows the message handed to a server outside the logs searched. */
    PASSED_ON,
    /** The message stopped here: see {@link #reason()}. */
    STOPPED
  }

  /** Most telling first: which reason to report when several records disagree. */
  private static final List<UndeliveredReason> PRIORITY =
      List.of(
          UndeliveredReason.LOOPING,
          UndeliveredReason.BOUNCED,
          UndeliveredReason.EXPIRED,
          UndeliveredReason.REJECTED,
          UndeliveredReason.FILTERED,
          UndeliveredReason.DEFERRED,
          UndeliveredReason.QUEUED,
          UndeliveredReason.RELAYED);

  private final State state;
  private final UndeliveredReason reason;
  private final DeliveryRecord record;
  private final DeliveryAttempt attempt;
  private final List<DeliveryRecord> records;
  private final Set<String> messageIds;

  private TrackingVerdict(
      State state,
      UndeliveredReason reason,
      DeliveryRecord record,
      DeliveryAttempt attempt,
      List<DeliveryRecord> records) {
    this.state = state;
    this.reason = reason;
    this.record = record;
    this.attempt = attempt;
    this.records = List.copyOf(records);
    Set<String> ids = new LinkedHashSet<>();
    records.forEach(r -> r.messageId().ifPresent(ids::add));
    this.messageIds = Set.copyOf(ids);
  }

  /**
   * Reads the reports of one or more logs.
   *
   * @param reports the searches; each report's records already match the query
   * @param question the question, for the recipient
   * @return the verdict
   */
  public static TrackingVerdict of(List<DeliveryLogReport> reports, MessageQuery question) {
    List<DeliveryRecord> records = new ArrayList<>();
    boolean anyRead = false;
    for (DeliveryLogReport r : reports) {
      if (r.outcome() != Outcome.INCONCLUSIVE) {
        anyRead = true;
      }
      records.addAll(r.records());
    }
    if (records.isEmpty()) {
      return new TrackingVerdict(
          anyRead ? State.NOT_FOUND : State.ERROR, null, null, null, records);
    }
    Set<String> queueIds = new LinkedHashSet<>();
    records.forEach(r -> r.queueId().ifPresent(queueIds::add));
    DeliveryRecord best = null;
    DeliveryAttempt bestAttempt = null;
    UndeliveredReason bestReason = null;
    for (DeliveryRecord r : records) {
      Classified c = classify(r, question);
      if (c.delivered) {
        return new TrackingVerdict(State.DELIVERED, null, r, c.attempt, records);
      }
      if (c.reason == UndeliveredReason.RELAYED
          && c.attempt != null
          && c.attempt.nextQueueId().map(queueIds::contains).orElse(false)) {
        continue; // handed to a content filter that re-injected it: the next record tells on
      }
      if (best == null || PRIORITY.indexOf(c.reason) < PRIORITY.indexOf(bestReason)) {
        best = r;
        bestAttempt = c.attempt;
        bestReason = c.reason;
      }
    }
    if (best == null) {
      // Every record was passed to another record: a cycle; call the last one passed on.
      DeliveryRecord last = records.get(records.size() - 1);
      return new TrackingVerdict(
          State.PASSED_ON,
          UndeliveredReason.RELAYED,
          last,
          classify(last, question).attempt,
          records);
    }
    State state = bestReason == UndeliveredReason.RELAYED ? State.PASSED_ON : State.STOPPED;
    return new TrackingVerdict(state, bestReason, best, bestAttempt, records);
  }

  private record Classified(boolean delivered, UndeliveredReason reason, DeliveryAttempt attempt) {}

  private static Classified classify(DeliveryRecord r, MessageQuery q) {
    List<DeliveryAttempt> mine = new ArrayList<>();
    for (DeliveryAttempt a : r.attempts()) {
      boolean forUs =
          a.recipient().isEmpty()
              || q.matchesRecipient(a.recipient().get())
              || a.originalRecipient().map(q::matchesRecipient).orElse(false);
      if (forUs) {
        mine.add(a);
      }
    }
    DeliveryAttempt expired = null;
    DeliveryAttempt last = null;
    DeliveryAttempt stop = null;
    for (DeliveryAttempt a : mine) {
      if (a.status() == DeliveryStatus.EXPIRED) {
        expired = a;
      }
      if (a.recipient().isPresent()) {
        last = a;
      }
      if (a.status() == DeliveryStatus.REJECTED
          || a.status() == DeliveryStatus.HELD
          || a.status() == DeliveryStatus.DISCARDED) {
        stop = a;
      }
    }
    if (last != null) {
      switch (last.status()) {
        case SENT:
          return last.finalDelivery()
              ? new Classified(true, null, last)
              : new Classified(false, UndeliveredReason.RELAYED, last);
        case BOUNCED:
          return new Classified(
              false, loop(last) ? UndeliveredReason.LOOPING : UndeliveredReason.BOUNCED, last);
        case DEFERRED:
          if (expired != null) {
            return new Classified(false, UndeliveredReason.EXPIRED, last);
          }
          return new Classified(
              false, loop(last) ? UndeliveredReason.LOOPING : UndeliveredReason.DEFERRED, last);
        case EXPIRED:
          return new Classified(false, UndeliveredReason.EXPIRED, last);
        default:
          return new Classified(false, stopReason(last), last);
      }
    }
    if (expired != null) {
      return new Classified(false, UndeliveredReason.EXPIRED, expired);
    }
    if (stop != null) {
      return new Classified(false, stopReason(stop), stop);
    }
    return new Classified(false, UndeliveredReason.QUEUED, null);
  }

  /**
   * A refusal by smtpd is a rejection; by cleanup (header/body checks, milters) or a hold,
   * filtering.
   */
  private static UndeliveredReason stopReason(DeliveryAttempt a) {
    if (a.status() == DeliveryStatus.REJECTED && !a.service().equals("cleanup")) {
      return UndeliveredReason.REJECTED;
    }
    return UndeliveredReason.FILTERED;
  }

  /** Postfix: "mail forwarding loop for ...", "too many hops" (hopcount_limit); RFC 3463 X.4.6. */
  private static boolean loop(DeliveryAttempt a) {
    String text = a.reason().toLowerCase(Locale.ROOT);
    return text.contains("loop")
        || text.contains("too many hops")
        || a.dsn().map(d -> d.endsWith(".4.6")).orElse(false);
  }

  /**
   * Returns the overall state.
   *
   * @return the state
   */
  public State state() {
    return state;
  }

  /**
   * Returns why the message stopped or where it went.
   *
   * @return the reason for {@link State#STOPPED} and {@link State#PASSED_ON}
   */
  public Optional<UndeliveredReason> reason() {
    return Optional.ofNullable(reason);
  }

  /**
   * Returns the record the verdict rests on.
   *
   * @return the record, or empty when none matched
   */
  public Optional<DeliveryRecord> record() {
    return Optional.ofNullable(record);
  }

  /**
   * Returns the event the verdict rests on (the delivery, the last deferral, the rejection).
   *
   * @return the event, or empty when the record has none for the recipient
   */
  public Optional<DeliveryAttempt> attempt() {
    return Optional.ofNullable(attempt);
  }

  /**
   * Returns every record that matched.
   *
   * @return the records
   */
  public List<DeliveryRecord> records() {
    return records;
  }

  /**
   * Returns the distinct Message-IDs of the matching records.
   *
   * @return the ids, without angle brackets
   */
  public Set<String> messageIds() {
    return messageIds;
  }

  /**
   * Returns the latest time a matching record was seen, to widen a mailbox search for a message
   * that arrived late.
   *
   * @return the time, or empty when nothing matched
   */
  public Optional<Instant> lastSeen() {
    return records.stream().map(DeliveryRecord::lastSeen).max(Instant::compareTo);
  }

  /**
   * Describes the decisive record in one line, for example {@code 9E3C44A0789 <id@example.org>:
   * deferred (connect to ...)}.
   *
   * @return the description
   */
  public String describe() {
    if (record == null) {
      return "no record";
    }
    StringBuilder sb = new StringBuilder(record.queueId().orElse("NOQUEUE"));
    record.messageId().ifPresent(id -> sb.append(" <").append(id).append('>'));
    sb.append(": ");
    if (state == State.DELIVERED) {
      sb.append("delivered to the mailbox");
      if (attempt != null) {
        attempt.recipient().ifPresent(r -> sb.append(" of <").append(r).append('>'));
        sb.append(" by ").append(attempt.service()).append(" at ").append(attempt.time());
      }
      return sb.toString();
    }
    sb.append(reason == null ? "?" : reason.text());
    if (attempt != null) {
      if (reason == UndeliveredReason.RELAYED) {
        attempt.relay().ifPresent(rl -> sb.append(" to ").append(rl));
        attempt.nextQueueId().ifPresent(n -> sb.append(", queued there as ").append(n));
      } else if (!attempt.reason().isEmpty()) {
        sb.append(" (").append(attempt.reason()).append(')');
      }
    } else if (reason == UndeliveredReason.QUEUED) {
      sb.append(" since ").append(record.firstSeen()).append(", no delivery attempt logged");
    }
    return sb.toString();
  }
}
