package dev.mailpath.diag.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * CPU and heap allocation per SMTP transaction of mailpath's client, in process, against smtp-sink:
 * the steadier figures on a busy machine, where wall-time throughput is noise. Runs a fixed pool of
 * sessions (threads kept across rounds) and prints, per round, process CPU per transaction ({@code
 * OperatingSystemMXBean.getProcessCpuTime}: JIT, GC and the shared timer thread included), the CPU
 * of the session threads alone, and bytes allocated per transaction by the session threads. With
 * {@code --profile}, a JFR recording of the measured rounds (socket events off: they would add a
 * host-name lookup to every read and write) and its summary.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.mailpath.diag.benchmarks.SmtpCpuProbe
 *     [--client mailpath|mailpath-bulk|mailpath-pipelined] [--transactions 5000] [--sessions 50] [--rounds 5]
 *     [--warmup 4000] [--profile cpu.jfr]
 * </pre>
 */
public final class SmtpCpuProbe {
  private SmtpCpuProbe() {}

  /**
   * Runs the probe.
   *
   * @param args see the class comment
   * @throws Exception when smtp-sink does not start
   */
  public static void main(String[] args) throws Exception {
    String client = "mailpath";
    int transactions = 5000;
    int sessions = 50;
    int rounds = 5;
    int warmup = 4000;
    Path profile = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--client" -> client = args[++i];
        case "--transactions" -> transactions = Integer.parseInt(args[++i]);
        case "--sessions" -> sessions = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--profile" -> profile = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    SmtpInProcessClient c = (SmtpInProcessClient) SmtpBenchmark.client(client);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    ConcurrentLinkedQueue<Long> ids = new ConcurrentLinkedQueue<>();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            sessions,
            r -> {
              Thread t = new Thread(r, "probe-session");
              ids.add(t.getId());
              return t;
            });
    try (SmtpSinkPeer sink = SmtpSinkPeer.start()) {
      round(pool, sessions, c, sink, warmup);
      Recording rec = null;
      if (profile != null) {
        rec = new Recording(Configuration.getConfiguration("profile"));
        // The socket events make every read and write look up the peer's host name (an
        // allocation and a lookup each), which is the recording's cost, not mailpath's.
        rec.disable("jdk.SocketRead");
        rec.disable("jdk.SocketWrite");
        rec.start();
      }
      for (int r = 1; r <= rounds; r++) {
        long[] idArray = ids.stream().mapToLong(Long::longValue).toArray();
        long alloc0 = sum(threads.getThreadAllocatedBytes(idArray));
        long sessionCpu0 = sum(threads.getThreadCpuTime(idArray));
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        int ok = round(pool, sessions, c, sink, transactions);
        long wall = System.nanoTime() - t0;
        long cpu = os.getProcessCpuTime() - cpu0;
        long alloc = sum(threads.getThreadAllocatedBytes(idArray)) - alloc0;
        long sessionCpu = sum(threads.getThreadCpuTime(idArray)) - sessionCpu0;
        System.out.printf(
            Locale.ROOT,
            "%s round %d: %d/%d verified, %.0f tx/s, CPU %.1f us/tx (session threads %.1f),"
                + " allocated %.1f KiB/tx, load %.1f%n",
            client,
            r,
            ok,
            transactions,
            transactions / (wall / 1e9),
            cpu / 1e3 / transactions,
            sessionCpu / 1e3 / transactions,
            alloc / 1024.0 / transactions,
            os.getSystemLoadAverage());
      }
      if (rec != null) {
        rec.stop();
        rec.dump(profile);
        rec.close();
        SmtpProfile.print(profile);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static long sum(long[] values) {
    long s = 0;
    for (long v : values) {
      s += Math.max(0, v);
    }
    return s;
  }

  private static int round(
      ExecutorService pool, int sessions, SmtpInProcessClient c, SmtpSinkPeer sink, int n)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger ok = new AtomicInteger();
    List<Future<?>> all = new ArrayList<>();
    for (int i = 0; i < sessions; i++) {
      all.add(
          pool.submit(
              () -> {
                while (next.getAndIncrement() < n) {
                  try {
                    if (c.transaction(sink.host(), sink.port())) {
                      ok.incrementAndGet();
                    }
                  } catch (Exception e) {
                    // counted as not verified
                  }
                }
              }));
    }
    for (Future<?> f : all) {
      f.get();
    }
    return ok.get();
  }
}
