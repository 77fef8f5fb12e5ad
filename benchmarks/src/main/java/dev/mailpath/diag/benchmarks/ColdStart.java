package dev.mailpath.diag.benchmarks;

import dev.mailpath.diag.dns.MxReport;
import dev.mailpath.diag.dns.MxResolver;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The cold-start comparison ({@code --cold}): every measured run is a fresh process, a new JVM for
 * mailpath and a new node for c-ares. Each process resolves {@code --warmup} domains (default
 * 2,000), then {@code --domains} other domains (default 10,000) that are timed, so no cache of the
 * warm-up helps; the zone holds both sets. Each process reports, on one line: the time from its
 * start (as the parent saw it launched) to the first verified answer, the wall and CPU time of the
 * timed part, and how many domains it verified. Rounds are interleaved; medians are shown.
 */
final class ColdStart {
  private ColdStart() {}

  /**
   * The JVM options {@code bin/mailpath} starts the command-line tool with (the client compiler
   * only, the serial collector): the options of a short-lived JVM. {@code ColdStartSmokeTest}
   * checks that the script still says the same.
   */
  static final List<String> CLI_JVM_OPTIONS =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private static final Pattern RESULT =
      Pattern.compile(
          "COLD \\{\"verified\":(\\d+),\"failed\":(\\d+),\"queries\":(\\d+),\"nanos\":(\\d+),"
              + "\"cpuNanos\":(\\d+),\"firstAnswerMillis\":(\\d+),\"buildNanos\":(\\d+)"
              + "(?:,\"allocatedBytes\":(\\d+))?}");

  /** What one fresh process measured. */
  record Run(
      String client,
      int verified,
      int failed,
      long queries,
      long nanos,
      long cpuNanos,
      long startToFirstAnswerMillis,
      long buildNanos,
      long allocatedBytes) {

    double domainsPerSecond() {
      return verified / (nanos / 1e9);
    }

    double cpuMicrosPerDomain(int domains) {
      return cpuNanos / 1e3 / domains;
    }
  }

  /** One measured client: a name and how to start its fresh process. */
  record Client(String name, List<String> command) {}

  // ------------------------------------------------------------------------------ child side

  /**
   * The body of a fresh mailpath JVM ({@code --cold-child}): builds the resolver, resolves the
   * warm-up domains, then the timed ones, and prints one {@code COLD {...}} line.
   *
   * @param server the DNS server
   * @param warmup warm-up domains ({@code d0} ...)
   * @param domains timed domains (after the warm-up's)
   * @param inFlight domains in flight
   */
  static void child(InetSocketAddress server, int warmup, int domains, int inFlight) {
    System.out.println(childLine(server, warmup, domains, inFlight));
    System.out.flush();
  }

  /**
   * Does the work of {@link #child} in this JVM and returns its {@code COLD {...}} line.
   *
   * @param server the DNS server
   * @param warmup warm-up domains
   * @param domains timed domains
   * @param inFlight domains in flight
   * @return the line
   */
  static String childLine(InetSocketAddress server, int warmup, int domains, int inFlight) {
    long b0 = System.nanoTime();
    MxResolver resolver = MailpathClient.resolver(server, 1);
    long build = System.nanoTime() - b0;
    long[] first = {0};
    int[] warm = resolve(resolver, BenchZone.domains(0, warmup), inFlight, first);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long alloc0 = allocatedBytes();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    int[] timed = resolve(resolver, BenchZone.domains(warmup, domains), inFlight, first);
    long nanos = System.nanoTime() - t0;
    long cpu = os.getProcessCpuTime() - cpu0;
    long alloc = allocatedBytes() - alloc0;
    return String.format(
        Locale.ROOT,
        "COLD {\"verified\":%d,\"failed\":%d,\"queries\":%d,\"nanos\":%d,\"cpuNanos\":%d,"
            + "\"firstAnswerMillis\":%d,\"buildNanos\":%d,\"allocatedBytes\":%d}",
        timed[0],
        timed[1] + warm[1],
        timed[2],
        nanos,
        cpu,
        first[0],
        build,
        alloc);
  }

  /** Heap bytes allocated so far by the live threads (the resolver's keep running). */
  private static long allocatedBytes() {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long a : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) {
      sum += Math.max(0, a);
    }
    return sum;
  }

  /** Returns verified, failed, queries; sets {@code first[0]} to the epoch ms of the first. */
  private static int[] resolve(
      MxResolver resolver, List<String> domains, int inFlight, long[] first) {
    int verified = 0;
    int failed = 0;
    int queries = 0;
    try (Stream<MxReport> reports = resolver.resolveAll(domains, inFlight)) {
      for (Iterator<MxReport> it = reports.iterator(); it.hasNext(); ) {
        MxReport r = it.next();
        queries += r.lookups().size();
        if (BenchZone.verify(r.domain(), MailpathClient.seen(r))) {
          verified++;
          if (first[0] == 0) {
            first[0] = System.currentTimeMillis();
          }
        } else {
          failed++;
        }
      }
    }
    return new int[] {verified, failed, queries};
  }

  /** The node script; argv: server ("127.0.0.1:port"), domains file, in flight, warm-up count. */
  static final String CARES_SCRIPT =
      """
      'use strict';
      const { Resolver } = require('dns').promises;
      const fs = require('fs');
      const [server, file, inflightArg, warmupArg] = process.argv.slice(2);
      const all = fs.readFileSync(file, 'utf8').split('\\n').filter(Boolean);
      const warmup = parseInt(warmupArg, 10);
      const inflight = parseInt(inflightArg, 10);
      const b0 = process.hrtime.bigint();
      const resolver = new Resolver({ timeout: 2000, tries: 3 });
      resolver.setServers([server]);
      const build = process.hrtime.bigint() - b0;
      """
          + CaresClient.VERIFY_JS
          + """
      let firstAnswer = 0;
      async function run(domains) {
        let next = 0;
        const c = { verified: 0, failed: 0, queries: 0 };
        async function worker() {
          while (next < domains.length) {
            const domain = domains[next++];
            try {
              c.queries++;
              const mx = await resolver.resolveMx(domain);
              const seen = await Promise.all(mx.map(async (m) => {
                c.queries++;
                return [m.priority, m.exchange, await resolver.resolve4(m.exchange)];
              }));
              if (verify(domain, seen)) {
                c.verified++;
                if (firstAnswer === 0) firstAnswer = Date.now();
              } else c.failed++;
            } catch (e) {
              c.failed++;
            }
          }
        }
        await Promise.all(Array.from({ length: inflight }, worker));
        return c;
      }
      (async () => {
        const warm = await run(all.slice(0, warmup));
        const cpu0 = process.cpuUsage();
        const t0 = process.hrtime.bigint();
        const c = await run(all.slice(warmup));
        const nanos = process.hrtime.bigint() - t0;
        const cpu = process.cpuUsage(cpu0);
        console.log('COLD ' + JSON.stringify({ verified: c.verified, failed: c.failed + warm.failed,
          queries: c.queries, nanos: Number(nanos), cpuNanos: (cpu.user + cpu.system) * 1000,
          firstAnswerMillis: firstAnswer, buildNanos: Number(build) }));
      })();
      """;

  // ------------------------------------------------------------------------------ parent side

  /**
   * Runs the comparison: {@code rounds} interleaved rounds, each client once per round in a fresh
   * process, and prints every run and a table of medians.
   *
   * @param server the DNS server (its zone holds at least warm-up + timed domains)
   * @param s the settings ({@code domains}, {@code warmup}, {@code inFlight}, {@code rounds},
   *     {@code caresInFlight})
   * @throws Exception when a process cannot run
   */
  static void compare(InetSocketAddress server, DnsBulkBenchmark.Settings s) throws Exception {
    String srv = server.getAddress().getHostAddress() + ":" + server.getPort();
    Path dir = Files.createTempDirectory("mailpath-cold-");
    try {
      List<Client> clients = new ArrayList<>();
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      String cp = System.getProperty("java.class.path");
      for (String name : s.clients()) {
        if (name.equals("mailpath-cli-jvm")) {
          // The same work in a JVM started the way bin/mailpath starts the command-line tool.
          clients.add(
              new Client(
                  "mailpath, bin/mailpath's JVM options",
                  childCommand(java, CLI_JVM_OPTIONS, cp, srv, s)));
        } else if (name.equals("mailpath") || name.startsWith("mailpath@")) {
          // "mailpath@CLASSPATH" runs the child on another class path (another build of mailpath
          // before this jar), for before/after comparisons in the same interleaved run.
          boolean other = name.startsWith("mailpath@");
          clients.add(
              new Client(
                  other ? "mailpath (" + name.substring(name.lastIndexOf('/') + 1) + ")" : name,
                  childCommand(
                      java,
                      List.of(),
                      other ? name.substring("mailpath@".length()) + File.pathSeparator + cp : cp,
                      srv,
                      s)));
        } else if (name.equals("cares")) {
          if (CaresClient.node().isEmpty()) {
            System.out.println("c-ares (node): node not installed here, skipped");
            continue;
          }
          Path script = dir.resolve("cold-mx.js");
          Files.writeString(script, CARES_SCRIPT, StandardCharsets.UTF_8);
          Path list = dir.resolve("domains.txt");
          Files.write(list, BenchZone.domains(s.warmup() + s.domains()), StandardCharsets.UTF_8);
          for (int n : s.caresInFlight()) {
            clients.add(
                new Client(
                    "c-ares (node) " + n + " in flight",
                    List.of(
                        CaresClient.node().get().toString(),
                        script.toString(),
                        srv,
                        list.toString(),
                        Integer.toString(n),
                        Integer.toString(s.warmup()))));
          }
        } else {
          throw new IllegalArgumentException(
              "--cold measures mailpath, mailpath-cli-jvm and cares only: " + name);
        }
      }
      System.out.printf(
          Locale.ROOT,
          "cold start: a fresh process per run; %,d warm-up domains, then %,d timed domains x 3"
              + " queries, %d in flight (c-ares also at %s), %d round(s); %d CPUs (load average"
              + " %s); Java %s; node %s%n",
          s.warmup(),
          s.domains(),
          s.inFlight(),
          s.caresInFlight(),
          s.rounds(),
          Runtime.getRuntime().availableProcessors(),
          DnsBulkBenchmark.loadAverage(),
          System.getProperty("java.version"),
          CaresClient.version());
      Map<String, List<Run>> all = new LinkedHashMap<>();
      List<String> loads = new ArrayList<>();
      for (int r = 0; r < s.rounds(); r++) {
        for (Client c : clients) {
          Run run = runOnce(c);
          all.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(run);
          String load = DnsBulkBenchmark.loadAverage();
          loads.add(load);
          System.out.printf(
              Locale.ROOT,
              "  %-30s round %d: %s  [load %s]%n",
              c.name(),
              r + 1,
              line(run, s.domains()),
              load);
        }
      }
      System.out.println();
      printTable(all, s.domains());
    } finally {
      Tools.deleteRecursively(dir);
    }
  }

  /** The command line of a fresh mailpath JVM running {@link #child}. */
  private static List<String> childCommand(
      String java,
      List<String> jvmOptions,
      String classPath,
      String server,
      DnsBulkBenchmark.Settings s) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(jvmOptions);
    cmd.addAll(
        List.of(
            "-cp",
            classPath,
            DnsBulkBenchmark.class.getName(),
            "--cold-child",
            "--server",
            server,
            "--warmup",
            Integer.toString(s.warmup()),
            "--domains",
            Integer.toString(s.domains()),
            "--in-flight",
            Integer.toString(s.inFlight())));
    return List.copyOf(cmd);
  }

  static Run runOnce(Client c) throws IOException {
    long launched = System.currentTimeMillis();
    String out = Tools.run(c.command(), TimeUnit.MINUTES.toSeconds(10));
    return parse(c.name(), out, launched);
  }

  /**
   * Reads a fresh process's {@code COLD {...}} line.
   *
   * @param client the client's name
   * @param out the process's output
   * @param launched epoch ms when it was launched
   * @return the run
   * @throws IOException when the line is missing
   */
  static Run parse(String client, String out, long launched) throws IOException {
    Matcher m = RESULT.matcher(out);
    if (!m.find()) {
      throw new IOException("unexpected output from " + client + ": " + out);
    }
    long first = Long.parseLong(m.group(6));
    return new Run(
        client,
        Integer.parseInt(m.group(1)),
        Integer.parseInt(m.group(2)),
        Long.parseLong(m.group(3)),
        Long.parseLong(m.group(4)),
        Long.parseLong(m.group(5)),
        first == 0 ? -1 : first - launched,
        Long.parseLong(m.group(7)),
        m.group(8) == null ? -1 : Long.parseLong(m.group(8)));
  }

  private static String line(Run r, int domains) {
    return String.format(
        Locale.ROOT,
        "%,8.0f domains/s  %d/%d verified%s  %.3f s  CPU %.1f us/domain  start to first answer"
            + " %d ms  resolver built in %.1f ms%s",
        r.domainsPerSecond(),
        r.verified(),
        domains,
        r.failed() == 0 ? "" : " (" + r.failed() + " failed)",
        r.nanos() / 1e9,
        r.cpuMicrosPerDomain(domains),
        r.startToFirstAnswerMillis(),
        r.buildNanos() / 1e6,
        r.allocatedBytes() < 0
            ? ""
            : String.format(
                Locale.ROOT, "  %.1f KB allocated/domain", r.allocatedBytes() / 1024.0 / domains));
  }

  private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
    List<Double> v = new ArrayList<>();
    for (Run r : runs) {
      v.add(f.applyAsDouble(r));
    }
    v.sort(Comparator.naturalOrder());
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }

  private static void printTable(Map<String, List<Run>> all, int domains) {
    double bestCares = 0;
    double bestCaresCpu = Double.MAX_VALUE;
    for (Map.Entry<String, List<Run>> e : all.entrySet()) {
      if (e.getKey().startsWith("c-ares")) {
        bestCares = Math.max(bestCares, median(e.getValue(), Run::domainsPerSecond));
        bestCaresCpu =
            Math.min(bestCaresCpu, median(e.getValue(), r -> r.cpuMicrosPerDomain(domains)));
      }
    }
    System.out.println(
        "| client | timed domains/s (median) | vs best c-ares | CPU us/domain (median) | CPU vs"
            + " best c-ares | start to first answer ms | all verified | range domains/s |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---|");
    for (Map.Entry<String, List<Run>> e : all.entrySet()) {
      List<Run> runs = e.getValue();
      double dps = median(runs, Run::domainsPerSecond);
      double cpu = median(runs, r -> r.cpuMicrosPerDomain(domains));
      double min = runs.stream().mapToDouble(Run::domainsPerSecond).min().orElse(0);
      double max = runs.stream().mapToDouble(Run::domainsPerSecond).max().orElse(0);
      boolean ok = runs.stream().allMatch(r -> r.verified() == domains && r.failed() == 0);
      System.out.printf(
          Locale.ROOT,
          "| %s | %,.0f | %s | %.1f | %s | %.0f | %s | %,.0f – %,.0f |%n",
          e.getKey(),
          dps,
          bestCares == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", dps / bestCares),
          cpu,
          bestCares == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", bestCaresCpu / cpu),
          median(runs, r -> r.startToFirstAnswerMillis()),
          ok ? "yes" : "NO",
          min,
          max);
    }
    System.out.println(
        "(\"vs best c-ares\": this client's median over the best median of the c-ares settings;"
            + " CPU ratio above 1 means less CPU per domain than c-ares. Load average now: "
            + DnsBulkBenchmark.loadAverage()
            + ")");
  }
}
