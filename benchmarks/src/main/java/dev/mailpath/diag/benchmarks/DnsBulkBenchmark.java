package dev.mailpath.diag.benchmarks;

import dev.mailpath.diag.dns.MxReport;
import dev.mailpath.diag.dns.MxResolver;
import dev.mailpath.diag.testkit.peer.NsdServer;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * Bulk MX resolution, whole-process, against a real NSD on loopback: mailpath against dnsjava's
 * {@code SimpleResolver.sendAsync}, the JDK's JNDI DNS provider, Node's c-ares and, as the ceiling,
 * dnsperf. Every client does the same work (per domain the MX query, then the A query of each of
 * its two exchanges: 3 queries) with the same number of domains in flight, and checks every answer
 * against the zone's key. See {@code docs/benchmarks.md} for the command and figures.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar [--domains 10000] [--in-flight 200] [--rounds 3]
 *     [--clients mailpath,dnsjava,dnsjava-executor,jndi,cares,dnsperf] [--server IP:PORT]
 *     [--profile out.jfr] [--serve]
 * java -jar benchmarks/target/benchmarks.jar --cold [--warmup 2000] [--domains 10000]
 *     [--in-flight 200] [--cares-in-flight 25,50,200] [--rounds 7]
 *     [--clients mailpath,mailpath-cli-jvm,cares]
 * java -Xmx128m -jar benchmarks/target/benchmarks.jar --heap --domains 100000
 * </pre>
 *
 * <p>Without {@code --server}, NSD is started from the testkit's {@link NsdServer} (rate limiting
 * off, one server process) with a zone of {@code --domains} domains. A benchmark, not a test:
 * nothing here asserts timings.
 */
public final class DnsBulkBenchmark {
  private DnsBulkBenchmark() {}

  /** Settings from the command line. */
  record Settings(
      int domains,
      int inFlight,
      int rounds,
      int warmup,
      List<String> clients,
      InetSocketAddress server,
      boolean heap,
      Path profile,
      boolean serve,
      boolean cold,
      boolean coldChild,
      List<Integer> caresInFlight) {

    static Settings parse(String[] args) {
      int domains = 10_000;
      int inFlight = 200;
      int rounds = 3;
      int warmup = -1;
      List<String> clients =
          List.of(
              "mailpath",
              "mailpath-2io",
              "dnsjava",
              "dnsjava-executor",
              "jndi",
              "cares",
              "dnsperf");
      InetSocketAddress server = null;
      boolean heap = false;
      Path profile = null;
      boolean serve = false;
      boolean cold = false;
      boolean coldChild = false;
      List<Integer> caresInFlight = null;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--domains" -> domains = Integer.parseInt(args[++i]);
          case "--in-flight" -> inFlight = Integer.parseInt(args[++i]);
          case "--rounds" -> rounds = Integer.parseInt(args[++i]);
          case "--warmup" -> warmup = Integer.parseInt(args[++i]);
          case "--clients" -> clients = List.of(args[++i].split(","));
          case "--server" -> {
            String s = args[++i];
            int colon = s.lastIndexOf(':');
            server =
                new InetSocketAddress(
                    parseIp(s.substring(0, colon)), Integer.parseInt(s.substring(colon + 1)));
          }
          case "--heap" -> heap = true;
          case "--profile" -> profile = Path.of(args[++i]);
          case "--serve" -> serve = true;
          case "--cold" -> cold = true;
          case "--cold-child" -> coldChild = true;
          case "--cares-in-flight" ->
              caresInFlight = Stream.of(args[++i].split(",")).map(Integer::valueOf).toList();
          default ->
              throw new IllegalArgumentException(
                  "unknown option "
                      + a
                      + "; see the Javadoc of DnsBulkBenchmark or docs/benchmarks.md");
        }
      }
      if (cold && clients.size() == 7) {
        clients = List.of("mailpath", "mailpath-cli-jvm", "cares");
      }
      return new Settings(
          domains,
          inFlight,
          rounds,
          warmup >= 0 ? warmup : cold || coldChild ? 2_000 : Math.min(domains, 5_000),
          clients,
          server,
          heap,
          profile,
          serve,
          cold,
          coldChild,
          caresInFlight == null ? List.of(inFlight) : caresInFlight);
    }

    private static InetAddress parseIp(String ip) {
      try {
        InetAddress a = InetAddress.getByName(ip); // a literal: no lookup
        if (!a.isLoopbackAddress()) {
          throw new IllegalArgumentException("benchmarks only talk to loopback servers: " + ip);
        }
        return a;
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException("not an IP address: " + ip, e);
      }
    }
  }

  /** One measured run. */
  record Result(
      String client,
      int domains,
      BulkClient.Outcome outcome,
      long wallNanos,
      long clientCpuNanos,
      long serverCpuNanos) {

    double seconds() {
      return outcome.nanos() / 1e9;
    }

    double queriesPerSecond() {
      return outcome.queries() / seconds();
    }

    double domainsPerSecond() {
      return outcome.verified() / seconds();
    }
  }

  /**
   * Runs the benchmark.
   *
   * @param args see the class comment
   * @throws Exception when a client cannot run
   */
  public static void main(String[] args) throws Exception {
    Settings s = Settings.parse(args);
    if (s.coldChild()) {
      ColdStart.child(s.server(), s.warmup(), s.domains(), s.inFlight());
      return;
    }
    NsdServer nsd = null;
    InetSocketAddress server = s.server();
    long serverPid = -1;
    if (server == null) {
      // The cold mode's timed domains follow its warm-up domains: the zone holds both.
      int zoneDomains = s.cold() ? s.warmup() + s.domains() : s.domains();
      System.out.printf(Locale.ROOT, "starting NSD with %,d domains...%n", zoneDomains);
      nsd =
          NsdServer.builder()
              .zone(BenchZone.ORIGIN, BenchZone.zoneText(zoneDomains))
              // Bursts of hundreds of queries overflow the default 208 KB socket buffer.
              .serverOption("receive-buffer-size", "4194304")
              .serverOption("send-buffer-size", "4194304")
              .startTimeout(Duration.ofMinutes(2))
              .start();
      server = nsd.address();
      serverPid = nsd.pid();
      System.out.println(nsd);
    }
    try {
      if (s.serve()) {
        // Keeps NSD up for runs by hand (dnsperf, dig, another JVM with --server) until stdin ends.
        System.out.printf(
            "serving bench.test on %s:%d (NSD pid %d); close stdin to stop%n",
            server.getAddress().getHostAddress(), server.getPort(), serverPid);
        System.in.transferTo(java.io.OutputStream.nullOutputStream());
      } else if (s.heap()) {
        heapRun(server, s);
      } else if (s.cold()) {
        ColdStart.compare(server, s);
      } else {
        compare(server, serverPid, s);
      }
    } finally {
      if (nsd != null) {
        nsd.close();
      }
    }
  }

  /** Builds the named client. */
  static BulkClient client(String name) {
    return switch (name) {
      case "mailpath" -> new MailpathClient(1);
      case "mailpath-2io" -> new MailpathClient(2);
      case "dnsjava" -> new DnsjavaClient(false);
      case "dnsjava-executor" -> new DnsjavaClient(true);
      case "jndi" -> new JndiClient();
      case "cares" -> new CaresClient();
      case "dnsperf" -> new DnsperfClient();
      default -> throw new IllegalArgumentException("unknown client " + name);
    };
  }

  /**
   * Runs one client once and measures it: its own wall time, this JVM's and reaped children's CPU
   * (the client), and the server process tree's CPU.
   *
   * @param client the client
   * @param server the DNS server
   * @param domains how many domains
   * @param inFlight domains in flight
   * @param serverPid the server's pid for CPU accounting, or -1
   * @return the result
   * @throws Exception when the client cannot run
   */
  static Result measure(
      BulkClient client, InetSocketAddress server, int domains, int inFlight, long serverPid)
      throws Exception {
    long cpu0 = Tools.selfCpuNanos() + Tools.reapedChildrenCpuNanos();
    long srv0 = Tools.treeCpuNanos(serverPid);
    long t0 = System.nanoTime();
    BulkClient.Outcome o = client.run(server, BenchZone.domains(domains), inFlight);
    long wall = System.nanoTime() - t0;
    long cpu1 = Tools.selfCpuNanos() + Tools.reapedChildrenCpuNanos();
    long srv1 = Tools.treeCpuNanos(serverPid);
    return new Result(
        client.name(), domains, o, wall, cpu1 - cpu0, srv0 < 0 || srv1 < 0 ? -1 : srv1 - srv0);
  }

  private static void compare(InetSocketAddress server, long serverPid, Settings s)
      throws Exception {
    System.out.printf(
        Locale.ROOT,
        "%,d domains x 3 queries, %d domains in flight, %d round(s) per client, median shown;"
            + " %d CPUs (load average %s); Java %s; node %s; %s%n",
        s.domains(),
        s.inFlight(),
        s.rounds(),
        Runtime.getRuntime().availableProcessors(),
        loadAverage(),
        System.getProperty("java.version"),
        CaresClient.version(),
        DnsperfClient.version());
    // Rounds are interleaved (every client once per round) so that a burst of load from other
    // processes on the machine hits all clients alike; the median round is reported.
    List<BulkClient> clients = new ArrayList<>();
    for (String name : s.clients()) {
      BulkClient c = client(name);
      if (!c.available()) {
        System.out.printf("%-18s not available here, skipped%n", c.name());
        continue;
      }
      clients.add(c);
      if (c.inProcess() && s.warmup() > 0) {
        measure(c, server, s.warmup(), s.inFlight(), serverPid); // JIT warm-up, not counted
      }
    }
    Map<String, List<Result>> all = new LinkedHashMap<>();
    for (int r = 0; r < s.rounds(); r++) {
      for (BulkClient c : clients) {
        Result res = measure(c, server, s.domains(), s.inFlight(), serverPid);
        all.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(res);
        System.out.printf(
            Locale.ROOT,
            "  %-18s round %d: %s  [load %s]%n",
            c.name(),
            r + 1,
            line(res),
            loadAverage());
      }
    }
    if (s.profile() != null) {
      // An extra round under JFR, not counted: the recorder's own cost would skew the figures.
      // First CPU per thread without the recorder, then where the I/O thread's time goes.
      BulkClient c = client("mailpath");
      Map<String, Long> threadCpu0 = threadCpu();
      Result plain = measure(c, server, s.domains(), s.inFlight(), serverPid);
      Map<String, Long> threadCpu1 = threadCpu();
      System.out.printf(Locale.ROOT, "  %-18s extra round: %s%n", c.name(), line(plain));
      printThreadCpu(threadCpu0, threadCpu1, plain);
      Recording rec = startProfile();
      Result res = measure(c, server, s.domains(), s.inFlight(), serverPid);
      rec.stop();
      rec.dump(s.profile());
      rec.close();
      System.out.printf(Locale.ROOT, "  %-18s under JFR: %s%n", c.name(), line(res));
    }
    System.out.println();
    printTable(all);
    if (s.profile() != null) {
      printProfile(s.profile());
    }
  }

  static String loadAverage() {
    try {
      String[] f = java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException | RuntimeException e) {
      return "n/a";
    }
  }

  private static String line(Result r) {
    return String.format(
        Locale.ROOT,
        "%,8.0f q/s %,8.0f domains/s  %d/%d verified  %,d queries  %.2f s  client CPU %s  server CPU %s%s",
        r.queriesPerSecond(),
        r.domainsPerSecond(),
        r.outcome().verified(),
        r.domains(),
        r.outcome().queries(),
        r.seconds(),
        cpu(r.clientCpuNanos(), r.wallNanos()),
        cpu(r.serverCpuNanos(), r.wallNanos()),
        r.outcome().note().isEmpty() ? "" : "  (" + r.outcome().note() + ")");
  }

  private static String cpu(long cpuNanos, long wallNanos) {
    return cpuNanos < 0
        ? "n/a"
        : String.format(Locale.ROOT, "%.0f%%", 100.0 * cpuNanos / wallNanos);
  }

  private static Result median(List<Result> rounds) {
    List<Result> sorted = new ArrayList<>(rounds);
    sorted.sort(Comparator.comparingDouble(Result::queriesPerSecond));
    return sorted.get(sorted.size() / 2);
  }

  private static void printTable(Map<String, List<Result>> all) {
    Result cares = all.containsKey("c-ares (node)") ? median(all.get("c-ares (node)")) : null;
    System.out.println(
        "| client | queries/s | domains/s | vs c-ares | verified | client CPU | NSD CPU |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|");
    for (Map.Entry<String, List<Result>> e : all.entrySet()) {
      Result r = median(e.getValue());
      System.out.printf(
          Locale.ROOT,
          "| %s | %,.0f | %,.0f | %s | %,d / %,d | %s | %s |%n",
          e.getKey(),
          r.queriesPerSecond(),
          r.domainsPerSecond(),
          cares == null
              ? "n/a"
              : String.format(Locale.ROOT, "%.2f", r.queriesPerSecond() / cares.queriesPerSecond()),
          r.outcome().verified(),
          r.domains(),
          cpu(r.clientCpuNanos(), r.wallNanos()),
          cpu(r.serverCpuNanos(), r.wallNanos()));
    }
    System.out.println(
        "(CPU as a share of one core over the run's wall time, process start-up included for node and"
            + " dnsperf; 200% is both cores of a 2-CPU machine. Load average now: "
            + loadAverage()
            + ")");
  }

  // ------------------------------------------------------------------------------ profile

  /**
   * CPU time per live Java thread, by name with numbers folded (pool-1-thread-7 ->
   * pool-#-thread-#).
   */
  private static Map<String, Long> threadCpu() {
    java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<String, Long> out = new HashMap<>();
    for (long id : mx.getAllThreadIds()) {
      java.lang.management.ThreadInfo info = mx.getThreadInfo(id);
      long cpu = mx.getThreadCpuTime(id);
      if (info != null && cpu > 0) {
        out.merge(id + " " + info.getThreadName(), cpu, Long::sum);
      }
    }
    return out;
  }

  private static void printThreadCpu(Map<String, Long> before, Map<String, Long> after, Result r) {
    Map<String, Long> byName = new HashMap<>();
    long sum = 0;
    for (Map.Entry<String, Long> e : after.entrySet()) {
      long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      if (d > 0) {
        String name =
            e.getKey().substring(e.getKey().indexOf(' ') + 1).replaceAll("[0-9a-f]{6,}|\\d+", "#");
        byName.merge(name, d, Long::sum);
        sum += d;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%nmailpath CPU by thread over that round (%.2f s wall, %.2f s CPU in all):%n",
        r.wallNanos() / 1e9,
        r.clientCpuNanos() / 1e9);
    byName.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(6)
        .forEach(
            e -> System.out.printf(Locale.ROOT, "  %6.3f s  %s%n", e.getValue() / 1e9, e.getKey()));
    System.out.printf(
        Locale.ROOT,
        "  %6.3f s  JVM internals (JIT compiler, GC; not Java threads)%n",
        Math.max(0, r.clientCpuNanos() - sum) / 1e9);
  }

  private static Recording startProfile() throws Exception {
    Recording r = new Recording(Configuration.getConfiguration("profile"));
    r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
    r.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(10));
    r.start();
    return r;
  }

  /**
   * Prints where the sampled CPU went; time inside system calls shows as native samples, of which
   * waits for work (epoll, park) are left out.
   */
  static void printProfile(Path file) throws Exception {
    JfrSamples.print(
        file,
        "mailpath profile",
        true,
        n -> n.startsWith("dev.mailpath.") || n.startsWith("org.xbill."),
        (st, nativeSample) ->
            nativeSample
                ? "system calls (native, sockets)"
                : area(JfrSamples.name(st.getFrames().get(0))));
  }

  private static String area(String method) {
    if (method.startsWith("sun.nio.ch.")
        || method.startsWith("java.nio.")
        || method.startsWith("jdk.internal.misc")) {
      return "socket I/O and selector (JDK NIO, system calls)";
    }
    if (method.startsWith("org.xbill.DNS.")) {
      return "dnsjava message parsing and building";
    }
    if (method.startsWith("dev.mailpath.")) {
      return "mailpath (transport, checks, resolver, reports)";
    }
    if (method.startsWith("java.util.concurrent.")) {
      return "futures and queues (java.util.concurrent)";
    }
    return "other JDK (collections, strings, allocation)";
  }

  // ------------------------------------------------------------------------------ heap

  /**
   * Streams {@code --domains} domains through {@link MxResolver#resolveAll} and prints the heap
   * every 10,000 reports: in use, and in use after the last collection (what survives). Run it with
   * {@code -Xmx128m}: finishing at all shows the bound, the figures show it is flat.
   */
  private static void heapRun(InetSocketAddress server, Settings s) {
    System.gc();
    MxResolver resolver = MailpathClient.resolver(server, 1);
    System.out.printf(
        Locale.ROOT,
        "streaming %,d domains, %d in flight, max heap %,d MB%n",
        s.domains(),
        s.inFlight(),
        Runtime.getRuntime().maxMemory() >> 20);
    System.out.println("| reports | verified | heap used MB | live after last GC MB | GCs |");
    System.out.println("|---:|---:|---:|---:|---:|");
    long start = System.nanoTime();
    int done = 0;
    int verified = 0;
    long maxLive = 0;
    try (Stream<MxReport> reports =
        resolver.resolveAll(BenchZone.domains(s.domains()), s.inFlight())) {
      for (Iterator<MxReport> it = reports.iterator(); it.hasNext(); ) {
        MxReport r = it.next();
        done++;
        if (BenchZone.verify(r.domain(), MailpathClient.seen(r))) {
          verified++;
        }
        if (done % 10_000 == 0 || done == s.domains()) {
          long live = liveAfterGc();
          maxLive = Math.max(maxLive, live);
          Runtime rt = Runtime.getRuntime();
          System.out.printf(
              Locale.ROOT,
              "| %,d | %,d | %.1f | %.1f | %d |%n",
              done,
              verified,
              (rt.totalMemory() - rt.freeMemory()) / 1048576.0,
              live / 1048576.0,
              gcCount());
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "%,d reports, %,d verified, %.1f s (%,.0f domains/s); live heap after GC at most %.1f MB%n",
        done,
        verified,
        seconds,
        done / seconds,
        maxLive / 1048576.0);
  }

  private static long liveAfterGc() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.getCollectionUsage() != null) {
        sum += p.getCollectionUsage().getUsed();
      }
    }
    return sum;
  }

  private static long gcCount() {
    long n = 0;
    for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, g.getCollectionCount());
    }
    return n;
  }
}
