package dev.mailpath.diag.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

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
  static void printThreadCpu(Map<String, Long> before, Map<String, Long> after, long wallNanos, long processCpuNanos) {
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
        Locale.ROOT, "%nmailpath CPU by thread over the profiled round (%.2f s wall, %.2f s process CPU):%n",
        wallNanos / 1e9, processCpuNanos / 1e9);
    byName.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(6)
        .forEach(e -> System.out.printf(Locale.ROOT, "  %6.3f s  %s%n", e.getValue() / 1e9, e.getKey()));
    System.out.printf(
        Locale.ROOT, "  %6.3f s  not seen: JIT, GC, and threads that came and went during the round%n",
        Math.max(0, processCpuNanos - sum) / 1e9);
  }

  /** Prints a summary of a JFR file's CPU samples. */
  static void print(Path file) throws Exception {
    Map<String, Integer> top = new HashMap<>();
    Map<String, Integer> caller = new HashMap<>();
    Map<String, Integer> area = new LinkedHashMap<>();
    Map<String, Integer> threads = new HashMap<>();
    int total = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
      String type = e.getEventType().getName();
      boolean nativeSample = type.equals("jdk.NativeMethodSample");
      if (!type.equals("jdk.ExecutionSample") && !nativeSample) {
        continue;
      }
      RecordedStackTrace st = e.getStackTrace();
      if (st == null || st.getFrames().isEmpty()) {
        continue;
      }
      String method = name(st.getFrames().get(0));
      if (nativeSample) {
        continue; // blocked in a system call (a socket read waiting for the reply): not CPU
      }
      total++;
      top.merge(method, 1, Integer::sum);
      area.merge(area(st), 1, Integer::sum);
      String who = "(no mailpath frame)";
      for (RecordedFrame f : st.getFrames()) {
        String n = name(f);
        if (n.startsWith("dev.mailpath.") && !n.startsWith("dev.mailpath.diag.benchmarks.")) {
          who = n;
          break;
        }
      }
      caller.merge(who, 1, Integer::sum);
      Object thread = e.getValue("sampledThread");
      String tn = thread instanceof jdk.jfr.consumer.RecordedThread t ? t.getJavaName() : "?";
      threads.merge(tn == null ? "?" : tn.replaceAll("\\d+", "#"), 1, Integer::sum);
    }
    System.out.printf(Locale.ROOT, "mailpath profile %s (JFR, %d Java CPU samples):%n", file.getFileName(), total);
    printTop("hottest methods (self):", top, total, 12);
    printTop("first mailpath frame on the stack:", caller, total, 14);
    printTop("by area:", area, total, 10);
    printTop("by thread:", threads, total, 5);
  }

  private static String name(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  private static void printTop(String title, Map<String, Integer> counts, int total, int limit) {
    System.out.println(title);
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(limit)
        .forEach(e -> System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, total), e.getKey()));
  }

  private static String area(RecordedStackTrace st) {
    // Classified by the outermost interesting frame below the benchmark's own.
    for (RecordedFrame f : st.getFrames()) {
      String n = name(f);
      if (n.startsWith("dev.mailpath.diag.smtp.internal.Engine.connect")
          || n.startsWith("java.net.Socket.connect") || n.startsWith("sun.nio.ch.NioSocketImpl.connect")) {
        return "connect (socket creation and TCP connect)";
      }
      if (n.startsWith("java.lang.Thread.start") || n.contains("Watchdog")) {
        return "deadline watchdog thread (start/stop per run)";
      }
      if (n.startsWith("dev.mailpath.diag.dns.") || n.startsWith("org.xbill.")
          || n.contains("Options.resolver") || n.contains("Engine.resolver")) {
        return "resolver set-up (diag-dns, dnsjava)";
      }
      if (n.startsWith("dev.mailpath.diag.smtp.internal.Engine.report") || n.startsWith("dev.mailpath.diag.smtp.SmtpReport")) {
        return "report building";
      }
      if (n.startsWith("dev.mailpath.diag.core.Transcript")) {
        return "transcript recording";
      }
      if (n.startsWith("dev.mailpath.diag.smtp.internal.MessageContent")) {
        return "message rendering";
      }
      if (n.startsWith("dev.mailpath.diag.smtp.internal.ReplyReader") || n.startsWith("dev.mailpath.diag.smtp.internal.SmtpWire")) {
        return "wire (reply parsing, socket reads and writes)";
      }
    }
    return "other (engine logic, JDK)";
  }
}
