package dev.mailpath.diag.trace;

import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Outcome;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * A delivery log that can be searched for a message: Postfix's mail log ({@link PostfixLogSource}),
 * or anything a user plugs in (Exim's main log, Microsoft's message tracking logs, a log index, a
 * SIEM). It is the library's "Message Tracking": "If MT finds the message (regardless of outcome),
 * rule out #1 and #2."
 *
 * <pre>{@code
 * DeliveryLogSource log = PostfixLogSource.builder().path(Path.of("/var/log/mail.log")).build();
 * DeliveryLogReport r = log.find(MessageQuery.byMessageId("<abc@example.org>"));
 * r.records();    // one record per queue id that matched
 * r.findings();   // trace.log.delivered, trace.log.deferred, trace.log.not-found, ...
 * }</pre>
 *
 * <p>Implementations must be thread-safe: one source serves concurrent searches. {@link
 * #search(MessageQuery)} is lazy and streams; {@link #find(MessageQuery)} collects up to the
 * query's limit into a report and turns read failures into findings.
 */
public interface DeliveryLogSource {

  /**
   * Returns a short name for reports, for example {@code postfix /var/log/mail.log}.
   *
   * @return the name
   */
  String name();

  /**
   * Streams the records that match the query, as the log is read. Close the stream (try with
   * resources) to release the file.
   *
   * @param query what to find; criteria a log cannot know (such as the subject) are ignored
   * @return the matching records, lazily
   * @throws UncheckedIOException when the log cannot be opened or read (thrown by the stream's
   *     terminal operation at the latest)
   */
  Stream<DeliveryRecord> search(MessageQuery query);

  /**
   * Searches and collects the result into a report: up to {@link MessageQuery#limit()} records, the
   * findings of each, {@code trace.log.not-found} when nothing matched and {@code
   * trace.log.unreadable} (outcome INCONCLUSIVE) when the log could not be read.
   *
   * @param query what to find
   * @return the report; never throws for I/O failures
   */
  default DeliveryLogReport find(MessageQuery query) {
    // A log source has no environment: start and duration come from the system clock.
    long start = System.nanoTime();
    DeliveryLogReport.Builder b =
        DeliveryLogReport.builder().source(name()).query(query).startedAt(Instant.now());
    int count = 0;
    try (Stream<DeliveryRecord> s = search(query)) {
      Iterator<DeliveryRecord> it = s.iterator();
      while (it.hasNext()) {
        DeliveryRecord r = it.next();
        if (count == query.limit()) {
          b.truncated(true);
          break;
        }
        b.addRecord(r);
        count++;
      }
    } catch (UncheckedIOException e) {
      b.addFinding(
          TraceFinding.LOG_UNREADABLE.finding(
              "reading " + name() + " failed: " + e.getCause().getMessage(),
              Evidence.of("source", name())));
      return b.outcome(Outcome.INCONCLUSIVE)
          .elapsed(Duration.ofNanos(System.nanoTime() - start))
          .build();
    }
    if (count == 0) {
      b.addFinding(
          TraceFinding.LOG_NOT_FOUND.finding(
              name() + " has no record for " + query, Evidence.of("query", query)));
    }
    return b.elapsed(Duration.ofNanos(System.nanoTime() - start)).build();
  }
}
