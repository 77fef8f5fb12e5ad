package dev.mailpath.diag.spark.internal;

import dev.mailpath.diag.dns.MailExchange;
import dev.mailpath.diag.dns.MxReport;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Stage 1: resolves the MX records of a partition's domains (the executor's {@code MxResolver}, at
 * most {@code maxInFlightPerPartition} at once) and keys each domain by its primary exchange: the
 * host of lowest preference, the smallest name among equals, so the key is the same on every run. A
 * domain with no exchange (null MX, NXDOMAIN, no answer) is its own key.
 */
public final class KeyByExchange implements MapPartitionsFunction<String, Row> {
  private static final long serialVersionUID = 1L;

  private final JobSettings settings;

  /**
   * Creates the function.
   *
   * @param settings the job's settings
   */
  public KeyByExchange(JobSettings settings) {
    this.settings = settings;
  }

  @Override
  public Iterator<Row> call(Iterator<String> domains) {
    ExecutorChecks.Clients clients = ExecutorChecks.of(settings);
    Stream<MxReport> reports =
        clients.mx().resolveAll(() -> domains, settings.maxInFlightPerPartition());
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener(
          (org.apache.spark.util.TaskCompletionListener) t -> reports.close());
    }
    // resolveAll hands reports over in completion order; MxReport.domain() is the text given.
    return reports.map(r -> RowFactory.create(r.domain(), primaryExchange(r))).iterator();
  }

  /**
   * Returns the key a domain is grouped by.
   *
   * @param r its MX report
   * @return the primary exchange host, lower case without a final dot, or the domain itself
   */
  public static String primaryExchange(MxReport r) {
    return r.exchanges().stream()
        .min(Comparator.comparingInt(MailExchange::preference).thenComparing(MailExchange::host))
        .map(e -> normalize(e.host()))
        .orElse(normalize(r.domain()));
  }

  private static String normalize(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }
}
