package dev.mailpath.diag.spark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * The job as a program for {@code spark-submit}: reads a file of domains, appends one record per
 * domain not yet done to the output and prints what it did.
 *
 * <pre>
 * spark-submit --class dev.mailpath.diag.spark.PostureJobMain diag-spark-job.jar \
 *     [options] INPUT OUTPUT
 *   --format parquet|jsonl          output format (default parquet)
 *   --dns IP[:PORT]                 a DNS server the executors ask (repeatable; default: their
 *                                   system resolvers)
 *   --dns-max-in-flight N           queries outstanding at one DNS server, per executor
 *   --dns-qps N                     queries per second to one DNS server, per executor
 *   --max-connections-per-host N    connections (SMTP, MTA-STS) at once to one address, per executor
 *   --max-connections-per-minute-per-host N
 *                                   connections (SMTP, MTA-STS) a minute to one address, per executor
 *   --max-in-flight N               domains checked at once per task
 *   --retries N                     further attempts for temporary failures
 *   --deadline SECONDS              bound of one domain's check
 *   --partitions N                  partitions the domains are grouped into by exchange host
 *   --max-domains-per-group N       domains of one primary exchange per task (0: never split)
 *   --dkim-selector S               a DKIM selector to look up (repeatable)
 * </pre>
 *
 * <p>The session comes from {@code spark-submit} (master, executors, memory); nothing here sets
 * them.
 */
public final class PostureJobMain {
  private PostureJobMain() {}

  /**
   * Runs the job.
   *
   * @param args options, then the input and output paths
   */
  public static void main(String[] args) {
    Parsed parsed = parse(args);
    SparkSession spark = SparkSession.builder().appName("mailpath posture").getOrCreate();
    try {
      System.out.println(run(spark, parsed));
    } finally {
      spark.stop();
    }
  }

  /** The arguments read. */
  record Parsed(SparkPostureJob job, String input, String output, PostureOutputFormat format) {}

  /**
   * Runs the job in a session the caller owns.
   *
   * @param spark the session
   * @param args options, then the input and output paths
   * @return the line the program prints
   */
  static String run(SparkSession spark, String[] args) {
    return run(spark, parse(args));
  }

  private static String run(SparkSession spark, Parsed p) {
    PostureRunSummary s = p.job().run(spark, p.input(), p.output(), p.format());
    return String.format(
        Locale.ROOT,
        "%d domains in the input, %d already done, %d checked and written to %s",
        s.inputDomains(),
        s.skippedDomains(),
        s.checkedDomains(),
        p.output());
  }

  private static Parsed parse(String[] args) {
    SparkPostureJob.Builder job = SparkPostureJob.builder();
    PostureOutputFormat format = PostureOutputFormat.PARQUET;
    List<String> paths = new ArrayList<>();
    List<String> dnsServers = new ArrayList<>();
    List<String> selectors = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        paths.add(a);
        continue;
      }
      if (i + 1 >= args.length) {
        throw usage("missing value of " + a);
      }
      String v = args[++i];
      switch (a) {
        case "--format" ->
            format =
                switch (v.toLowerCase(Locale.ROOT)) {
                  case "parquet" -> PostureOutputFormat.PARQUET;
                  case "jsonl", "json" -> PostureOutputFormat.JSON_LINES;
                  default -> throw usage("unknown format " + v);
                };
        case "--dns" -> dnsServers.add(v);
        case "--dns-max-in-flight" -> job.dns(d -> d.maxInFlightPerServer(Integer.parseInt(v)));
        case "--dns-qps" -> job.dns(d -> d.rateLimit(Integer.parseInt(v)));
        case "--max-connections-per-host" -> job.maxConnectionsPerHost(Integer.parseInt(v));
        case "--max-connections-per-minute-per-host" ->
            job.maxConnectionsPerMinutePerHost(Integer.parseInt(v));
        case "--max-in-flight" -> job.maxInFlightPerPartition(Integer.parseInt(v));
        case "--retries" -> job.retries(Integer.parseInt(v));
        case "--deadline" -> job.deadline(Duration.ofSeconds(Long.parseLong(v)));
        case "--partitions" -> job.partitions(Integer.parseInt(v));
        case "--max-domains-per-group" -> job.maxDomainsPerGroup(Integer.parseInt(v));
        case "--dkim-selector" -> selectors.add(v);
        default -> throw usage("unknown option " + a);
      }
    }
    if (paths.size() != 2) {
      throw usage("expected INPUT and OUTPUT");
    }
    if (!dnsServers.isEmpty()) {
      job.dns(
          d -> {
            d.server(dnsServers.get(0));
            for (String s : dnsServers.subList(1, dnsServers.size())) {
              d.addServer(
                  dev.mailpath.diag.dns.DnsSettings.builder().server(s).build().servers().get(0));
            }
          });
    }
    job.dkimSelectors(selectors);
    return new Parsed(job.build(), paths.get(0), paths.get(1), format);
  }

  private static IllegalArgumentException usage(String problem) {
    return new IllegalArgumentException(
        problem
            + "; usage: PostureJobMain [--format parquet|jsonl] [--dns IP[:PORT]]..."
            + " [--retries N] [--max-connections-per-host N] INPUT OUTPUT");
  }
}
