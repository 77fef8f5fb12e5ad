package dev.mailpath.diag.benchmarks;

import dev.mailpath.diag.posture.MailPostureCheck;
import dev.mailpath.diag.posture.MailPostureReport;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;

/**
 * The time and heap of {@link MailPostureCheck} against a lab on loopback ({@link PostureLab}: NSD
 * with a DNSSEC-signed zone, STARTTLS servers, MTA-STS policy hosts):
 *
 * <ol>
 *   <li>one domain ({@code full.lab}, every part present): the first {@code check} in this JVM,
 *       then the median and p90 of {@code --calls} warm calls (after as many untimed ones);
 *   <li>{@code --domains} domains (default 10,000) through {@code checkAll(domains, maxInFlight)}
 *       for each {@code --in-flight} value (default 16,64,256): wall time, domains/s, CPU of this
 *       JVM and of NSD, connections counted at each server, the peak heap used (sampled every 2 ms)
 *       and the collections.
 * </ol>
 *
 * <p>Every report is checked against what the zone holds ({@link PostureLab#problem}); a run prints
 * how many were complete and right, and the first problem if any.
 *
 * <pre>
 * java -Xmx64m -cp benchmarks/target/benchmarks.jar dev.mailpath.diag.benchmarks.PostureBenchmark \
 *      --domains 10000 --in-flight 16,64,256 [--hosts 20] [--mta-sts-every 100] [--calls 50]
 *      [--profile posture.jfr]
 * </pre>
 *
 * <p>The STARTTLS and policy servers run in this JVM (their threads are named {@code policy-smtp-*}
 * and {@code mta-sts-policy-*}); NSD is its own process. A benchmark, not a test: nothing here
 * asserts timings.
 */
public final class PostureBenchmark {
  private PostureBenchmark() {}

  /** A running lab, in this JVM ({@link PostureLab}) or in another ({@link PostureLabProcess}). */
  interface Lab extends AutoCloseable {
    /**
     * Returns what the zone holds.
     *
     * @return the layout
     */
    PostureLab.Layout layout();

    /**
     * Returns the check as the benchmark runs it: the lab's DNS, trust, ports and anchor.
     *
     * @return a builder
     */
    MailPostureCheck.Builder check();

    /**
     * Returns the connections each server accepted so far: one entry per shared exchange host, then
     * {@code full.lab}'s exchange, the {@code ::1} server, and the policy fetches of all policy
     * hosts together.
     *
     * @return the counts
     * @throws Exception when the lab cannot be asked
     */
    int[] connectionCounts() throws Exception;

    /**
     * Returns NSD's process id.
     *
     * @return the pid
     */
    long nsdPid();

    /**
     * Returns the lab JVM's process id.
     *
     * @return the pid; -1 when the lab runs in this JVM
     */
    long labPid();

    /**
     * Describes the lab in one line.
     *
     * @return the description
     */
    String describe();

    @Override
    void close();
  }

  static MailPostureCheck.Builder check(
      java.net.InetSocketAddress dns,
      javax.net.ssl.X509TrustManager trust,
      String anchor,
      int smtpPort,
      int policyPort) {
    return MailPostureCheck.builder()
        .dns(d -> d.server(dns).timeout(java.time.Duration.ofSeconds(2)))
        .tls(t -> t.trustManager(trust))
        .trustAnchors(List.of(anchor))
        .smtpPort(smtpPort)
        .policyPort(policyPort)
        .deadline(java.time.Duration.ofSeconds(60));
  }

  /**
   * The run's options.
   *
   * @param layout what the lab's zone holds
   * @param inFlight the {@code maxInFlight} values, one bulk run each
   * @param calls warm single-domain calls timed (and as many untimed before them)
   * @param profile where to write a JFR recording of the last bulk run; null for none
   * @param labProcess whether the lab runs in a JVM of its own (else in this one)
   */
  record Settings(
      PostureLab.Layout layout, int[] inFlight, int calls, Path profile, boolean labProcess) {}

  /**
   * One domain's check.
   *
   * @param coldNanos the first call in this JVM
   * @param medianNanos the median warm call
   * @param p90Nanos the 90th percentile warm call
   * @param minNanos the fastest warm call
   * @param problem what was wrong with a report, or null
   */
  record Single(long coldNanos, long medianNanos, long p90Nanos, long minNanos, String problem) {}

  /**
   * One bulk run.
   *
   * @param inFlight the {@code maxInFlight}
   * @param reports reports taken
   * @param right reports complete and right
   * @param firstProblem the first wrong report's problem, or null
   * @param nanos wall time
   * @param cpuNanos this JVM's CPU time (with the lab's servers when they run in it)
   * @param nsdCpuNanos NSD's CPU time
   * @param labCpuNanos the lab JVM's CPU time (STARTTLS and policy servers); -1 when in this JVM
   * @param connections connections counted at each server during the run (see {@link
   *     PostureLab#connectionCounts()})
   * @param peakHeap the highest heap used sampled
   * @param gcs collections during the run
   * @param gcMillis their accumulated time
   */
  record Bulk(
      int inFlight,
      int reports,
      int right,
      String firstProblem,
      long nanos,
      long cpuNanos,
      long nsdCpuNanos,
      long labCpuNanos,
      int[] connections,
      long peakHeap,
      long gcs,
      long gcMillis) {}

  /**
   * Runs the benchmark.
   *
   * @param args see the class comment
   * @throws Exception when the lab cannot start
   */
  public static void main(String[] args) throws Exception {
    int domains = 10_000;
    int hosts = 20;
    int mtaStsEvery = 100;
    int calls = 50;
    int[] inFlight = {16, 64, 256};
    Path profile = null;
    boolean labProcess = true;
    for (int a = 0; a < args.length; a++) {
      String v = a + 1 < args.length ? args[a + 1] : "";
      switch (args[a]) {
        case "--domains" -> domains = Integer.parseInt(v);
        case "--hosts" -> hosts = Integer.parseInt(v);
        case "--mta-sts-every" -> mtaStsEvery = Integer.parseInt(v);
        case "--calls" -> calls = Integer.parseInt(v);
        case "--in-flight" ->
            inFlight = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
        case "--profile" -> profile = Path.of(v);
        case "--lab-in-process" -> {
          labProcess = false;
          a--;
        }
        default -> throw new IllegalArgumentException("unknown option " + args[a]);
      }
      a++;
    }
    run(
        new Settings(
            new PostureLab.Layout(domains, hosts, mtaStsEvery),
            inFlight,
            calls,
            profile,
            labProcess),
        true);
  }

  /**
   * Starts the lab, runs the single-domain and the bulk measurements, prints them.
   *
   * @param s the settings
   * @param print whether to print
   * @return the single-domain result followed by the bulk runs
   * @throws Exception when the lab cannot start
   */
  static Result run(Settings s, boolean print) throws Exception {
    long t0 = System.nanoTime();
    try (Lab lab =
        s.labProcess() ? PostureLabProcess.start(s.layout()) : PostureLab.start(s.layout())) {
      if (print) {
        Runtime rt = Runtime.getRuntime();
        System.out.printf(
            Locale.ROOT,
            "lab (%s): %,d domains + %s, %s; up in %.1f s%nclient JVM: %s %s, max heap %d MB,"
                + " %d CPUs%n",
            s.labProcess() ? "its own JVM" : "in this JVM",
            s.layout().domains(),
            PostureLab.FULL,
            lab.describe(),
            (System.nanoTime() - t0) / 1e9,
            System.getProperty("java.vm.name"),
            System.getProperty("java.version"),
            rt.maxMemory() / 1048576,
            rt.availableProcessors());
      }
      Single single = single(lab, s.calls());
      if (print) {
        System.out.printf(
            Locale.ROOT,
            "%none domain (%s): first call %.1f ms; warm (%d calls) median %.2f ms, p90 %.2f ms,"
                + " min %.2f ms; %s%n",
            PostureLab.FULL,
            single.coldNanos() / 1e6,
            s.calls(),
            single.medianNanos() / 1e6,
            single.p90Nanos() / 1e6,
            single.minNanos() / 1e6,
            single.problem() == null ? "report complete and right" : single.problem());
        System.out.printf(
            Locale.ROOT,
            "%n| maxInFlight | reports right | wall s | domains/s | client CPU | NSD CPU | lab CPU |"
                + " SMTP connections per IPv4 host | at ::1 | policy fetches |"
                + " peak heap used MB | GCs | GC ms |%n"
                + "|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|%n");
      }
      List<Bulk> bulks = new ArrayList<>();
      for (int n = 0; n < s.inFlight().length; n++) {
        boolean profileThis = s.profile() != null && n == s.inFlight().length - 1;
        Recording rec = null;
        if (profileThis) {
          rec = new Recording(Configuration.getConfiguration("profile"));
          rec.start();
        }
        Bulk b = bulk(lab, s.inFlight()[n]);
        bulks.add(b);
        if (rec != null) {
          rec.stop();
          rec.dump(s.profile());
          rec.close();
        }
        if (print) {
          printRow(b, s.layout());
          if (b.firstProblem() != null) {
            System.out.println("  first problem: " + b.firstProblem());
          }
        }
      }
      if (print && s.profile() != null) {
        JfrSamples.print(
            s.profile(),
            "checkAll, maxInFlight " + s.inFlight()[s.inFlight().length - 1],
            true,
            f -> f.startsWith("dev.mailpath.diag.") && !f.contains(".testkit."),
            PostureBenchmark::area);
      }
      return new Result(single, bulks);
    }
  }

  /**
   * The single-domain result and the bulk runs.
   *
   * @param single one domain's check
   * @param bulks one per {@code maxInFlight}
   */
  record Result(Single single, List<Bulk> bulks) {}

  static Single single(Lab lab, int calls) {
    MailPostureCheck check = lab.check().build();
    long t = System.nanoTime();
    MailPostureReport first = check.check(PostureLab.FULL);
    long cold = System.nanoTime() - t;
    String problem = lab.layout().problem(first);
    for (int i = 0; i < calls; i++) {
      String p = lab.layout().problem(check.check(PostureLab.FULL));
      problem = problem == null ? p : problem;
    }
    long[] times = new long[calls];
    for (int i = 0; i < calls; i++) {
      t = System.nanoTime();
      MailPostureReport r = check.check(PostureLab.FULL);
      times[i] = System.nanoTime() - t;
      String p = lab.layout().problem(r);
      problem = problem == null ? p : problem;
    }
    Arrays.sort(times);
    return new Single(
        cold,
        calls == 0 ? 0 : times[calls / 2],
        calls == 0 ? 0 : times[Math.min(calls - 1, (int) Math.ceil(calls * 0.9) - 1)],
        calls == 0 ? 0 : times[0],
        problem);
  }

  static Bulk bulk(Lab lab, int inFlight) throws Exception {
    MailPostureCheck check = lab.check().build();
    int[] before = lab.connectionCounts();
    long[] gcBefore = gcs();
    long nsdBefore = Tools.treeCpuNanos(lab.nsdPid());
    long labBefore = Tools.treeCpuNanos(lab.labPid());
    long cpuBefore = Tools.selfCpuNanos();
    int reports = 0;
    int right = 0;
    String firstProblem = null;
    long t;
    long nanos;
    try (HeapSampler heap = new HeapSampler()) {
      t = System.nanoTime();
      try (Stream<MailPostureReport> all = check.checkAll(lab.layout().names(), inFlight)) {
        Iterator<MailPostureReport> it = all.iterator();
        while (it.hasNext()) {
          MailPostureReport r = it.next();
          String p =
              r.domain().equals(PostureLab.Layout.domain(reports))
                  ? lab.layout().problem(r)
                  : "out of order: " + r.domain() + " at " + reports;
          reports++;
          if (p == null) {
            right++;
          } else if (firstProblem == null) {
            firstProblem = p;
          }
        }
      }
      nanos = System.nanoTime() - t;
      long cpu = Tools.selfCpuNanos() - cpuBefore;
      long nsdCpu = Tools.treeCpuNanos(lab.nsdPid()) - nsdBefore;
      long labCpu = lab.labPid() < 0 ? -1 : Tools.treeCpuNanos(lab.labPid()) - labBefore - nsdCpu;
      int[] after = lab.connectionCounts();
      for (int i = 0; i < after.length; i++) {
        after[i] -= before[i];
      }
      long[] gcAfter = gcs();
      return new Bulk(
          inFlight,
          reports,
          right,
          firstProblem,
          nanos,
          cpu,
          nsdCpu,
          labCpu,
          after,
          heap.peak(),
          gcAfter[0] - gcBefore[0],
          gcAfter[1] - gcBefore[1]);
    }
  }

  private static void printRow(Bulk b, PostureLab.Layout layout) {
    int hosts = layout.hosts();
    int min = Integer.MAX_VALUE;
    int max = 0;
    for (int k = 0; k < layout.usedHosts(); k++) {
      min = Math.min(min, b.connections()[k]);
      max = Math.max(max, b.connections()[k]);
    }
    System.out.printf(
        Locale.ROOT,
        "| %d | %,d / %,d | %.2f | %,.0f | %.0f%% | %.0f%% | %s | %s (%d hosts) | %d | %d | %.1f | %d |"
            + " %d |%n",
        b.inFlight(),
        b.right(),
        b.reports(),
        b.nanos() / 1e9,
        b.reports() / (b.nanos() / 1e9),
        100.0 * b.cpuNanos() / b.nanos(),
        100.0 * b.nsdCpuNanos() / b.nanos(),
        b.labCpuNanos() < 0
            ? "(in client)"
            : String.format(Locale.ROOT, "%.0f%%", 100.0 * b.labCpuNanos() / b.nanos()),
        min == max ? String.valueOf(min) : min + "–" + max,
        layout.usedHosts(),
        b.connections()[hosts + 1],
        b.connections()[hosts + 2],
        b.peakHeap() / 1048576.0,
        b.gcs(),
        b.gcMillis());
  }

  private static long[] gcs() {
    long n = 0;
    long ms = 0;
    for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, g.getCollectionCount());
      ms += Math.max(0, g.getCollectionTime());
    }
    return new long[] {n, ms};
  }

  /** Names the code area of a CPU sample, for the profile's "by area" table. */
  static String area(RecordedStackTrace st, boolean nativeSample) {
    boolean tls = false;
    boolean dnssec = false;
    boolean dns = false;
    boolean smtp = false;
    boolean posture = false;
    boolean auth = false;
    for (RecordedFrame f : st.getFrames()) {
      String n = JfrSamples.name(f);
      if (n.startsWith("dev.mailpath.diag.testkit.")) {
        return "lab servers in this JVM (STARTTLS, policy hosts)";
      }
      tls |= n.startsWith("sun.security.ssl.") || n.startsWith("javax.net.ssl.");
      dnssec |= n.contains("Dnssec") || n.startsWith("org.xbill.DNS.DNSSEC");
      dns |= n.startsWith("org.xbill.") || n.startsWith("dev.mailpath.diag.dns.");
      smtp |= n.startsWith("dev.mailpath.diag.smtp.");
      posture |= n.startsWith("dev.mailpath.diag.posture.");
      auth |= n.startsWith("dev.mailpath.diag.auth.");
    }
    String where =
        tls
            ? "TLS (STARTTLS and policy fetch handshakes)"
            : dnssec
                ? "DNSSEC validation"
                : dns
                    ? "DNS (queries, parsing)"
                    : smtp
                        ? "SMTP sessions"
                        : auth
                            ? "SPF/DMARC/DKIM"
                            : posture ? "posture (MTA-STS, reports, scoring)" : "JDK and other";
    return nativeSample ? "[native] " + where : where;
  }

  /** Samples the heap used every 2 ms on a daemon thread and keeps the highest value. */
  static final class HeapSampler implements AutoCloseable {
    private final Thread thread;
    private volatile boolean stop;
    private volatile long peak;

    HeapSampler() {
      thread = new Thread(this::loop, "heap-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    private void loop() {
      while (!stop) {
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        if (used > peak) {
          peak = used;
        }
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    long peak() {
      return peak;
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      thread.join();
    }
  }
}
