package dev.mailpath.diag.benchmarks;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * Full SMTP transactions (connect, greeting, EHLO, MAIL, RCPT, DATA of 1 KiB, QUIT), whole-process,
 * against Postfix's {@code smtp-sink} on loopback: mailpath against Postfix's {@code smtp-source}
 * (the C reference), swaks, Jakarta Mail's {@code SMTPTransport} and Commons Net's {@code
 * SMTPClient}, one session at a time and 50 at once, all in one run so that the ratios compare
 * figures taken under the same load. Every transaction is verified (a 250 to the final dot, checked
 * by the client, and cross-checked against smtp-sink's own message counter). Then the heap held per
 * open session, after EHLO, for the three Java clients. See {@code docs/benchmarks.md, section
 * SMTP} for the command and figures.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.mailpath.diag.benchmarks.SmtpBenchmark
 *     [--transactions 5000] [--swaks 100] [--sessions 50] [--rounds 3] [--warmup 4000]
 *     [--clients mailpath,mailpath-bulk,mailpath-pipelined,smtp-source,swaks,jakarta,commons-net]
 *     [--modes sequential,concurrent]
 *     [--heap-sessions 200] [--server 127.0.0.1:PORT] [--profile mailpath.jfr]
 * </pre>
 *
 * <p>Rounds are interleaved (round 1 of every client and mode, then round 2...), so that a change
 * of load on the shared machine hits every client alike; the table shows the median round and the
 * spread. A benchmark, not a test: nothing here asserts timings.
 */
public final class SmtpBenchmark {
  private SmtpBenchmark() {}

  /** Settings from the command line. */
  record Settings(
      int transactions,
      int swaksTransactions,
      int sessions,
      int rounds,
      int warmup,
      List<String> clients,
      List<String> modes,
      int heapSessions,
      String serverHost,
      int serverPort,
      Path profile) {

    static Settings parse(String[] args) {
      int transactions = 5000;
      int swaks = 100;
      int sessions = 50;
      int rounds = 3;
      int warmup = 4000;
      List<String> clients = List.of("smtp-source", "mailpath", "jakarta", "commons-net", "swaks");
      List<String> modes = List.of("sequential", "concurrent");
      int heap = 200;
      String host = null;
      int port = -1;
      Path profile = null;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--transactions" -> transactions = Integer.parseInt(args[++i]);
          case "--swaks" -> swaks = Integer.parseInt(args[++i]);
          case "--sessions" -> sessions = Integer.parseInt(args[++i]);
          case "--rounds" -> rounds = Integer.parseInt(args[++i]);
          case "--warmup" -> warmup = Integer.parseInt(args[++i]);
          case "--clients" -> clients = List.of(args[++i].split(","));
          case "--modes" -> modes = List.of(args[++i].split(","));
          case "--heap-sessions" -> heap = Integer.parseInt(args[++i]);
          case "--server" -> {
            String s = args[++i];
            int colon = s.lastIndexOf(':');
            host = loopback(s.substring(0, colon));
            port = Integer.parseInt(s.substring(colon + 1));
          }
          case "--profile" -> profile = Path.of(args[++i]);
          default ->
              throw new IllegalArgumentException(
                  "unknown option "
                      + a
                      + "; see the Javadoc of SmtpBenchmark or docs/benchmarks.md, section SMTP");
        }
      }
      for (String m : modes) {
        if (!m.equals("sequential") && !m.equals("concurrent")) {
          throw new IllegalArgumentException(
              "--modes takes sequential and/or concurrent, not " + m);
        }
      }
      return new Settings(
          transactions, swaks, sessions, rounds, warmup, clients, modes, heap, host, port, profile);
    }

    private static String loopback(String ip) {
      try {
        InetAddress a = InetAddress.getByName(ip); // a literal: no lookup
        if (!a.isLoopbackAddress()) {
          throw new IllegalArgumentException("benchmarks only talk to loopback servers: " + ip);
        }
        return a.getHostAddress();
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException("not an IP address: " + ip, e);
      }
    }

    int sessionsFor(String mode) {
      return mode.equals("sequential") ? 1 : sessions;
    }

    int transactionsFor(SmtpClient c) {
      return c instanceof SmtpSwaksClient ? swaksTransactions : transactions;
    }
  }

  /** One measured run of one client in one mode. */
  record Result(
      String client,
      String mode,
      SmtpClient.Outcome outcome,
      long sinkMessages,
      long clientCpuNanos,
      long sinkCpuNanos) {

    double perSecond() {
      return outcome.transactionsPerSecond();
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
    SmtpSinkPeer sink = null;
    String host = s.serverHost();
    int port = s.serverPort();
    if (host == null) {
      sink = SmtpSinkPeer.start();
      host = sink.host();
      port = sink.port();
      System.out.println(sink);
    }
    try {
      compare(s, host, port, sink);
      if (s.heapSessions() > 0) {
        System.out.println();
        SmtpHeapProbe.printAll(host, port, s.heapSessions());
      }
    } finally {
      if (sink != null) {
        sink.close();
      }
    }
  }

  /** Builds the named client. */
  static SmtpClient client(String name) {
    return switch (name) {
      case "mailpath" -> new SmtpMailpathClient();
      case "mailpath-bulk" -> new SmtpMailpathClient(true);
      case "mailpath-pipelined" -> new SmtpMailpathClient(true, true);
      case "smtp-source" -> new SmtpSourceClient();
      case "swaks" -> new SmtpSwaksClient();
      case "jakarta" -> new SmtpJakartaClient();
      case "commons-net" -> new SmtpCommonsNetClient();
      default -> throw new IllegalArgumentException("unknown client " + name);
    };
  }

  /**
   * Runs one client once and measures it: its own wall time, this JVM's and reaped children's CPU
   * (the client), smtp-sink's CPU, and smtp-sink's count of messages received.
   *
   * @param client the client
   * @param mode {@code sequential} or {@code concurrent}
   * @param host the server
   * @param port its port
   * @param transactions how many transactions
   * @param sessions sessions at once
   * @param sink the sink whose counters cross-check the client, or null
   * @return the result; for external tools, verified is smtp-sink's count (at most the tool's)
   * @throws Exception when the client cannot run
   */
  static Result measure(
      SmtpClient client,
      String mode,
      String host,
      int port,
      int transactions,
      int sessions,
      SmtpSinkPeer sink)
      throws Exception {
    long before = sink == null ? 0 : sink.messages();
    long sinkCpu0 = sink == null ? -1 : Tools.treeCpuNanos(sink.pid());
    long cpu0 = Tools.selfCpuNanos() + Tools.reapedChildrenCpuNanos();
    SmtpClient.Outcome o = client.run(host, port, transactions, sessions);
    long cpu1 = Tools.selfCpuNanos() + Tools.reapedChildrenCpuNanos();
    long sinkCpu1 = sink == null ? -1 : Tools.treeCpuNanos(sink.pid());
    long seen = -1;
    if (sink != null) {
      seen = sink.awaitMessages(before + o.verified(), Duration.ofSeconds(3)) - before;
      if (!client.inProcess() && seen < o.verified()) {
        // An external tool's word is its exit status; the sink's count is the stronger check.
        o = new SmtpClient.Outcome(o.attempted(), (int) seen, o.nanos(), o.note());
      }
    }
    return new Result(
        client.name(),
        mode,
        o,
        seen,
        cpu1 - cpu0,
        sinkCpu0 < 0 || sinkCpu1 < 0 ? -1 : sinkCpu1 - sinkCpu0);
  }

  private static void compare(Settings s, String host, int port, SmtpSinkPeer sink)
      throws Exception {
    System.out.printf(
        Locale.ROOT,
        "SMTP transactions against smtp-sink: %,d per client and mode (swaks %,d), sequential and %d"
            + " sessions at once, %d interleaved round(s), median shown; %d CPUs (load average %s);"
            + " Java %s%n",
        s.transactions(),
        s.swaksTransactions(),
        s.sessions(),
        s.rounds(),
        Runtime.getRuntime().availableProcessors(),
        loadAverage(),
        System.getProperty("java.version"));
    List<SmtpClient> clients = new ArrayList<>();
    for (String name : s.clients()) {
      SmtpClient c = client(name);
      if (!c.available()) {
        System.out.printf("%-14s not installed here, skipped%n", c.name());
        continue;
      }
      clients.add(c);
    }
    for (SmtpClient c : clients) {
      if (c.inProcess() && s.warmup() > 0) {
        long t0 = System.nanoTime();
        // JIT warm-up in both shapes, not counted.
        measure(c, "warm-up", host, port, s.warmup() / 2, 1, null);
        measure(c, "warm-up", host, port, s.warmup() / 2, s.sessions(), null);
        System.out.printf(
            Locale.ROOT,
            "  %-14s warmed up: %,d transactions in %.1f s%n",
            c.name(),
            s.warmup(),
            (System.nanoTime() - t0) / 1e9);
      }
    }
    Map<String, List<Result>> all = new LinkedHashMap<>();
    for (int r = 1; r <= s.rounds(); r++) {
      for (String mode : s.modes()) {
        for (SmtpClient c : clients) {
          boolean profileThis =
              s.profile() != null && c instanceof SmtpMailpathClient && r == s.rounds();
          Recording rec = profileThis ? startProfile() : null;
          Map<String, Long> threadCpu0 = profileThis ? SmtpProfile.threadCpu() : null;
          Result res =
              measure(c, mode, host, port, s.transactionsFor(c), s.sessionsFor(mode), sink);
          if (rec != null) {
            Map<String, Long> threadCpu1 = SmtpProfile.threadCpu();
            rec.stop();
            Path file = profileFile(s.profile(), mode);
            rec.dump(file);
            rec.close();
            SmtpProfile.printThreadCpu(
                threadCpu0, threadCpu1, res.outcome().nanos(), res.clientCpuNanos());
            SmtpProfile.print(file);
          }
          all.computeIfAbsent(c.name() + "\u0000" + mode, k -> new ArrayList<>()).add(res);
          System.out.printf(
              Locale.ROOT, "  round %d %-10s %s  [load %s]%n", r, mode, line(res), loadAverage());
        }
      }
    }
    System.out.println();
    printTable(all, s);
  }

  private static Path profileFile(Path base, String mode) {
    String name = base.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    Path parent = base.toAbsolutePath().getParent();
    return parent.resolve(stem + "-" + mode + ".jfr");
  }

  private static Recording startProfile() throws Exception {
    Recording r = new Recording(Configuration.getConfiguration("profile"));
    r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
    r.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(10));
    r.start();
    return r;
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException | RuntimeException e) {
      return "n/a";
    }
  }

  private static String line(Result r) {
    SmtpClient.Outcome o = r.outcome();
    return String.format(
        Locale.ROOT,
        "%-13s %,8.0f tx/s  %,d/%,d verified (sink saw %s)  %.2f s  client CPU %s  sink CPU %s%s",
        r.client(),
        r.perSecond(),
        o.verified(),
        o.attempted(),
        r.sinkMessages() < 0 ? "n/a" : Long.toString(r.sinkMessages()),
        o.seconds(),
        cpu(r.clientCpuNanos(), o.nanos()),
        cpu(r.sinkCpuNanos(), o.nanos()),
        o.note().isEmpty() ? "" : "  (" + o.note() + ")");
  }

  private static String cpu(long cpuNanos, long wallNanos) {
    return cpuNanos < 0
        ? "n/a"
        : String.format(Locale.ROOT, "%.0f%%", 100.0 * cpuNanos / wallNanos);
  }

  /**
   * The client's CPU per verified transaction, median over the rounds: less sensitive than wall
   * time to other processes on a shared machine, since waiting for a core costs no CPU.
   */
  private static String cpuPerTransaction(List<Result> rounds) {
    double[] us =
        rounds.stream()
            .filter(r -> r.clientCpuNanos() >= 0 && r.outcome().verified() > 0)
            .mapToDouble(r -> r.clientCpuNanos() / 1e3 / r.outcome().verified())
            .sorted()
            .toArray();
    return us.length == 0 ? "n/a" : String.format(Locale.ROOT, "%,.0f us", us[us.length / 2]);
  }

  static Result median(List<Result> rounds) {
    List<Result> sorted = new ArrayList<>(rounds);
    sorted.sort(Comparator.comparingDouble(Result::perSecond));
    return sorted.get(sorted.size() / 2);
  }

  private static void printTable(Map<String, List<Result>> all, Settings s) {
    System.out.println(
        "| client | mode | transactions | seconds | tx/s (median) | spread (min-max) | vs smtp-source"
            + " | verified (sink count) | client CPU | client CPU per tx | sink CPU |");
    System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    Map<String, Double> reference = new LinkedHashMap<>();
    for (List<Result> rs : all.values()) {
      Result m = median(rs);
      if (m.client().equals("smtp-source")) {
        reference.put(m.mode(), m.perSecond());
      }
    }
    Map<String, Double> medians = new LinkedHashMap<>();
    for (String mode : s.modes()) {
      for (List<Result> rs : all.values()) {
        Result m = median(rs);
        if (!m.mode().equals(mode)) {
          continue;
        }
        double min = rs.stream().mapToDouble(Result::perSecond).min().orElse(0);
        double max = rs.stream().mapToDouble(Result::perSecond).max().orElse(0);
        Double ref = reference.get(mode);
        medians.put(m.client() + "\u0000" + mode, m.perSecond());
        System.out.printf(
            Locale.ROOT,
            "| %s | %s | %,d | %.2f | %,.0f | %,.0f-%,.0f | %s | %,d / %,d (%s) | %s | %s | %s |%n",
            m.client(),
            mode.equals("sequential") ? "sequential" : s.sessions() + " at once",
            m.outcome().attempted(),
            m.outcome().seconds(),
            m.perSecond(),
            min,
            max,
            ref == null ? "n/a" : String.format(Locale.ROOT, "%.2fx", m.perSecond() / ref),
            m.outcome().verified(),
            m.outcome().attempted(),
            m.sinkMessages() < 0 ? "n/a" : String.format(Locale.ROOT, "%,d", m.sinkMessages()),
            cpu(m.clientCpuNanos(), m.outcome().nanos()),
            cpuPerTransaction(rs),
            cpu(m.sinkCpuNanos(), m.outcome().nanos()));
      }
    }
    System.out.println(
        "(CPU as a share of one core over the run's wall time, and per transaction, process"
            + " start-up included for smtp-source and swaks, JIT and GC for the Java clients; 200% is"
            + " both cores of a 2-CPU machine. Load average now: "
            + loadAverage()
            + ")");
    System.out.println();
    System.out.println("targets:");
    for (String mode : s.modes()) {
      Double mp = medians.get("mailpath\u0000" + mode);
      Double ref = reference.get(mode);
      if (mp == null) {
        continue;
      }
      if (ref != null) {
        System.out.printf(
            Locale.ROOT,
            "  %-10s mailpath / smtp-source = %.2fx (target >= 0.80x): %s%n",
            mode,
            mp / ref,
            mp / ref >= 0.8 ? "met" : "MISSED");
      }
      for (String peer : List.of("Jakarta Mail", "Commons Net")) {
        Double p = medians.get(peer + "\u0000" + mode);
        if (p != null) {
          System.out.printf(
              Locale.ROOT,
              "  %-10s mailpath / %s = %.2fx (target > 1): %s%n",
              mode,
              peer,
              mp / p,
              mp > p ? "met" : "MISSED");
        }
      }
    }
  }
}
