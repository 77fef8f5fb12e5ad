package dev.mailpath.diag.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;

/**
 * Where mailpath's CPU goes in the SMTP benchmark: CPU per thread (by name, numbers folded) and a
 * summary of a JFR recording: hottest methods, the first mailpath frame on each sampled stack (so
 * JDK time is charged to the mailpath code that called it), and shares by area.
 */
final class SmtpProfile {
  private SmtpProfile() {}

  /** CPU time per live Java thread, keyed by id and name. */
  static Map<String, Long> threadCpu() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<String, Long> out = new HashMap<>();
    for (long id : mx.getAllThreadIds()) {
      ThreadInfo info = mx.getThreadInfo(id);
      long cpu = mx.getThreadCpuTime(id);
      if (info != null && cpu > 0) {
        out.merge(id + " " + info.getThreadName(), cpu, Long::sum);
      }
    }
    return out;
  }

  /**
   * Prints CPU by thread name between two snapshots. Threads that started and ended in between
   * (mailpath's per-run deadline watchdogs, for one) are not seen, and fall under "not seen".
   */
  static void printThreadCpu(
      Map<String, Long> before, Map<String, Long> after, long wallNanos, long processCpuNanos) {
    Map<String, Long> byName = new HashMap<>();
    long sum = 0;
    for (Map.Entry<String, Long> e : after.entrySet()) {
      long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      if (d > 0) {
        String name = e.getKey().substring(e.getKey().indexOf(' ') + 1).replaceAll("\\d+", "#");
        byName.merge(name, d, Long::sum);
        sum += d;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%nmailpath CPU by thread over the profiled round (%.2f s wall, %.2f s process CPU):%n",
        wallNanos / 1e9,
        processCpuNanos / 1e9);
    byName.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(6)
        .forEach(
            e -> System.out.printf(Locale.ROOT, "  %6.3f s  %s%n", e.getValue() / 1e9, e.getKey()));
    System.out.printf(
        Locale.ROOT,
        "  %6.3f s  not seen: JIT, GC, and threads that came and went during the round%n",
        Math.max(0, processCpuNanos - sum) / 1e9);
  }

  /** Prints a summary of a JFR file's Java CPU samples (socket waits are not CPU). */
  static void print(Path file) throws Exception {
    JfrSamples.print(
        file,
        "mailpath profile " + file.getFileName(),
        false,
        n -> n.startsWith("dev.mailpath.") && !n.startsWith("dev.mailpath.diag.benchmarks."),
        (st, nativeSample) -> area(st));
  }

  private static String area(RecordedStackTrace st) {
    // Classified by the outermost interesting frame below the benchmark's own.
    for (RecordedFrame f : st.getFrames()) {
      String n = JfrSamples.name(f);
      if (n.startsWith("dev.mailpath.diag.smtp.internal.ConnectPhase.connect")
          || n.startsWith("java.net.Socket.connect")
          || n.startsWith("sun.nio.ch.NioSocketImpl.connect")) {
        return "connect (socket creation and TCP connect)";
      }
      if (n.startsWith("java.lang.Thread.start") || n.contains("Watchdog")) {
        return "deadline watchdog thread (start/stop per run)";
      }
      if (n.startsWith("dev.mailpath.diag.dns.")
          || n.startsWith("org.xbill.")
          || n.contains("Options.resolver")
          || n.contains("ConnectPhase.resolver")
          || n.contains("ClientDns")) {
        return "resolver set-up (diag-dns, dnsjava)";
      }
      if (n.startsWith("dev.mailpath.diag.smtp.internal.ReportAssembly")
          || n.startsWith("dev.mailpath.diag.smtp.SmtpReport")) {
        return "report building";
      }
      if (n.startsWith("dev.mailpath.diag.core.Transcript")) {
        return "transcript recording";
      }
      if (n.startsWith("dev.mailpath.diag.smtp.internal.MessageContent")) {
        return "message rendering";
      }
      if (n.startsWith("dev.mailpath.diag.smtp.internal.ReplyReader")
          || n.startsWith("dev.mailpath.diag.smtp.internal.SmtpWire")) {
        return "wire (reply parsing, socket reads and writes)";
      }
    }
    return "other (engine logic, JDK)";
  }
}
