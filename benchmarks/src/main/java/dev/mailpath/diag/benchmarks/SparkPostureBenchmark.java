package dev.mailpath.diag.benchmarks;

import dev.mailpath.diag.spark.PostureOutputFormat;
import dev.mailpath.diag.spark.PostureRunSummary;
import dev.mailpath.diag.spark.SparkPostureJob;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark posture job end to end in local mode: a {@link PostureLab} of N domains in a JVM of its
 * own (NSD on loopback, shared STARTTLS exchange hosts, MTA-STS policy hosts, connections counted
 * at the servers), then {@link SparkPostureJob#run(SparkSession, String, String,
 * PostureOutputFormat)} in this JVM ({@code local[2]} by default: driver and executor threads in
 * one JVM), then the same run again, which must skip every domain.
 *
 * <p>Prints the wall time, domains per second, SMTP connections per exchange host, the peak heap
 * used by this JVM (the one that ran the executors; {@code MemoryMXBean} sampled every 5 ms)
 * against its maximum, collections, the records written (read back with the job's schema) and what
 * the re-run did. Spark is not in {@code benchmarks.jar}: run it with Spark's jars on the class
 * path and the JVM options Spark's launcher adds (see docs/benchmarks.md).
 *
 * <p>Options: {@code --domains N} (100,000), {@code --hosts N} (20), {@code --mta-sts-every N}
 * (1,000), {@code --signed} (sign {@code lab.}; default unsigned, so {@code lab.} is proved
 * insecure), {@code --master M} ({@code local[2]}), {@code --partitions N} (8), {@code --in-flight
 * N} (domains at once per task, 32), {@code --format jsonl|parquet}, {@code --out DIR} (a new
 * temporary directory).
 */
public final class SparkPostureBenchmark {
  private SparkPostureBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args see the class description
   * @throws Exception when the lab or the job fails
   */
  public static void main(String[] args) throws Exception {
    int domains = 100_000;
    int hosts = 20;
    int mtaStsEvery = 1000;
    boolean signed = false;
    String master = "local[2]";
    int partitions = 8;
    int inFlight = 32;
    PostureOutputFormat format = PostureOutputFormat.JSON_LINES;
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--domains" -> domains = Integer.parseInt(args[++i]);
        case "--hosts" -> hosts = Integer.parseInt(args[++i]);
        case "--mta-sts-every" -> mtaStsEvery = Integer.parseInt(args[++i]);
        case "--signed" -> signed = true;
        case "--master" -> master = args[++i];
        case "--partitions" -> partitions = Integer.parseInt(args[++i]);
        case "--in-flight" -> inFlight = Integer.parseInt(args[++i]);
        case "--format" ->
            format =
                switch (args[++i]) {
                  case "jsonl" -> PostureOutputFormat.JSON_LINES;
                  case "parquet" -> PostureOutputFormat.PARQUET;
                  default -> throw new IllegalArgumentException("--format jsonl|parquet");
                };
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (out == null) {
      out = Files.createTempDirectory("spark-posture");
    }
    PostureLab.Layout layout = new PostureLab.Layout(domains, hosts, mtaStsEvery);
    Path input = out.resolve("domains.txt");
    Path output = out.resolve("posture");
    List<String> names = new ArrayList<>(domains);
    layout.names().forEach(names::add);
    Files.write(input, names, StandardCharsets.US_ASCII);

    long labStart = System.nanoTime();
    try (PostureLabProcess lab = PostureLabProcess.start(layout, signed)) {
      System.out.printf(
          Locale.ROOT,
          "lab: %s; up in %.1f s%n",
          lab.describe(),
          (System.nanoTime() - labStart) / 1e9);
      SparkSession spark =
          SparkSession.builder()
              .master(master)
              .appName("mailpath-posture-benchmark")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", Integer.toString(partitions))
              .getOrCreate();
      try {
        SparkPostureJob job =
            SparkPostureJob.builder()
                .dns(d -> d.server(lab.dns()).timeout(Duration.ofSeconds(2)))
                .trustedCertificates(List.of(lab.certificatesPem()))
                .trustAnchors(List.of(lab.anchor()))
                .smtpPort(lab.smtpPort())
                .policyPort(lab.policyPort())
                .deadline(Duration.ofSeconds(60))
                .maxInFlightPerPartition(inFlight)
                .partitions(partitions)
                .build();
        Runtime rt = Runtime.getRuntime();
        System.out.printf(
            Locale.ROOT,
            "job: %s, %d partitions, %d domains at once per task, %s to %s; this JVM: -Xmx %d MB,"
                + " %d CPUs, load average %.2f%n",
            master,
            partitions,
            inFlight,
            format,
            output,
            rt.maxMemory() >> 20,
            rt.availableProcessors(),
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        run(spark, job, lab, input, output, format, "first run");
        Dataset<Row> records =
            spark
                .read()
                .schema(SparkPostureJob.schema())
                .format(format == PostureOutputFormat.PARQUET ? "parquet" : "json")
                .load(output.toString())
                // Not report_json (about 20 KB a record): 100,000 of them do not fit a small heap.
                .select(
                    "domain",
                    "incomplete",
                    "error",
                    "outcome",
                    "dnssec",
                    "dane",
                    "mta_sts_mode",
                    "attempts",
                    "exchanges")
                .cache();
        long total = records.count();
        System.out.printf(
            Locale.ROOT,
            "records written: %,d (%,d distinct domains), incomplete %,d, with an error %,d%n",
            total,
            records.select("domain").distinct().count(),
            records.filter("incomplete").count(),
            records.filter("error is not null").count());
        for (String column : List.of("outcome", "dnssec", "dane", "mta_sts_mode", "attempts")) {
          System.out.println(
              "  by "
                  + column
                  + ": "
                  + records.groupBy(column).count().orderBy(column).collectAsList());
        }
        System.out.println(
            "  exchanges with STARTTLS and a valid certificate on every address: "
                + records
                    .filter(
                        "size(exchanges) = 1 and forall(exchanges[0].addresses,"
                            + " a -> a.starttls and a.certificate_valid)")
                    .count());
        records.unpersist(true);
        run(spark, job, lab, input, output, format, "re-run");
      } finally {
        spark.stop();
      }
    }
  }

  private static void run(
      SparkSession spark,
      SparkPostureJob job,
      PostureLabProcess lab,
      Path input,
      Path output,
      PostureOutputFormat format,
      String label)
      throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    long heapBefore = memory.getHeapMemoryUsage().getUsed();
    long[] gcBefore = gc();
    int[] before = lab.connectionCounts();
    AtomicLong peak = new AtomicLong();
    Thread sampler =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                  Thread.sleep(5);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    long t0 = System.nanoTime();
    PostureRunSummary s = job.run(spark, input.toString(), output.toString(), format);
    long nanos = System.nanoTime() - t0;
    sampler.interrupt();
    sampler.join();
    int[] after = lab.connectionCounts();
    long[] gcAfter = gc();
    double seconds = nanos / 1e9;
    System.out.printf(
        Locale.ROOT,
        "%s: %,d domains in the input, %,d already done, %,d checked in %.1f s = %.0f domains/s"
            + " (load average %.2f at the start, %.2f at the end)%n",
        label,
        s.inputDomains(),
        s.skippedDomains(),
        s.checkedDomains(),
        seconds,
        s.checkedDomains() / seconds,
        load,
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    System.out.printf(
        Locale.ROOT,
        "  heap: %d MB after a GC before the run, peak used %d MB of -Xmx %d MB; collections:"
            + " %d young (%d ms), %d old (%d ms)%n",
        heapBefore >> 20,
        peak.get() >> 20,
        Runtime.getRuntime().maxMemory() >> 20,
        gcAfter[0] - gcBefore[0],
        gcAfter[1] - gcBefore[1],
        gcAfter[2] - gcBefore[2],
        gcAfter[3] - gcBefore[3]);
    int hosts = lab.layout().hosts();
    StringBuilder perHost = new StringBuilder("  SMTP connections per exchange host:");
    for (int k = 0; k < hosts; k++) {
      perHost
          .append(' ')
          .append(PostureLab.Layout.exchange(k))
          .append('=')
          .append(after[k] - before[k]);
    }
    perHost
        .append("; on ::1 (mx0, mx4, ... share it): ")
        .append(after[hosts + 1] - before[hosts + 1]);
    perHost.append("; MTA-STS policy requests: ").append(after[hosts + 2] - before[hosts + 2]);
    System.out.println(perHost);
  }

  /** Young and old collections and their milliseconds, summed over the collectors. */
  private static long[] gc() {
    long[] r = new long[4];
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      boolean old = b.getName().contains("Old") || b.getName().contains("MarkSweep");
      r[old ? 2 : 0] += Math.max(0, b.getCollectionCount());
      r[old ? 3 : 1] += Math.max(0, b.getCollectionTime());
    }
    return r;
  }
}
