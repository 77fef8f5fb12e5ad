package dev.mailpath.diag.spark.internal;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.posture.MailPostureCheck;
import dev.mailpath.diag.posture.MailPostureReport;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;

/**
 * Stage 2: checks a partition's domains with the executor's one {@link MailPostureCheck} ({@code
 * checkAll}, at most {@code maxInFlightPerPartition} at once; its exchange cache is shared by every
 * task of the executor, so an exchange host is probed once per executor per run), checks again a
 * domain whose result was a temporary failure ({@link #retryable}), and turns each report into a
 * record.
 */
public final class CheckPartition implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /**
   * Finding codes of temporary failures: a DNS timeout, SERVFAIL or network error, SPF's and
   * DMARC's temperror (any other code ending in {@code .temperror} counts too).
   */
  private static final Set<String> TEMPORARY =
      Set.of(
          "dns.timeout",
          "dns.servfail",
          "dns.network-error",
          "spf.dns-timeout",
          "spf.temperror",
          "dmarc.temperror");

  private final JobSettings settings;

  /**
   * Creates the function.
   *
   * @param settings the job's settings
   */
  public CheckPartition(JobSettings settings) {
    this.settings = settings;
  }

  /**
   * Tells whether a report is a temporary failure worth another attempt: parts were cut off by the
   * deadline, or a lookup timed out or met SERVFAIL (the TEMPERROR class), in the report's own
   * findings or a part's.
   *
   * @param r the report
   * @return true to check again
   */
  public static boolean retryable(MailPostureReport r) {
    if (r.incomplete()) {
      return true;
    }
    Stream<Finding> all =
        Stream.of(
                r.findings().stream(),
                r.mx().stream().flatMap(m -> m.findings().stream()),
                r.spf().stream().flatMap(s -> s.findings().stream()),
                r.dmarc().stream().flatMap(d -> d.findings().stream()))
            .flatMap(s -> s);
    return all.anyMatch(f -> TEMPORARY.contains(f.code()) || f.code().endsWith(".temperror"));
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    MailPostureCheck check = ExecutorChecks.of(settings).posture();
    ConcurrentLinkedQueue<Row> taken = new ConcurrentLinkedQueue<>();
    Iterable<String> domains =
        () ->
            new Iterator<>() {
              @Override
              public boolean hasNext() {
                return rows.hasNext();
              }

              @Override
              public String next() {
                Row r = rows.next();
                taken.add(r);
                return r.getString(0);
              }
            };
    Stream<MailPostureReport> reports = check.checkAll(domains, settings.maxInFlightPerPartition());
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener(
          (org.apache.spark.util.TaskCompletionListener) t -> reports.close());
    }
    Iterator<MailPostureReport> it = reports.iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        boolean more = it.hasNext();
        if (!more) {
          reports.close();
        }
        return more;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        MailPostureReport r = it.next();
        Row in = taken.poll();
        String domain = in.getString(0);
        int attempts = 1;
        while (attempts <= settings.retries() && retryable(r)) {
          sleep(ExecutorChecks.backoff(settings, attempts));
          r = check.check(domain);
          attempts++;
        }
        return PostureRows.row(domain, in.getString(1), r, attempts);
      }
    };
  }

  private static void sleep(java.time.Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.util.concurrent.CancellationException("interrupted");
    }
  }
}
