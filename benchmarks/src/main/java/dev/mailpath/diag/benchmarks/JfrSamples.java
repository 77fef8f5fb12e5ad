package dev.mailpath.diag.benchmarks;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises the CPU samples of a JFR recording, for the benchmarks' {@code --profile}: the hottest
 * methods (self time), the first frame of our own code on each stack (so JDK time is charged to
 * whoever called it), shares by code area and by thread.
 */
final class JfrSamples {
  private JfrSamples() {}

  /**
   * Prints the summary.
   *
   * @param file the recording
   * @param heading the first line
   * @param keepSystemCalls count native samples that are busy in a system call (waits for work,
   *     such as epoll or park, are always left out); when false, every native sample is left out
   * @param ourFrame which frames count as "our code" for the caller table
   * @param area names the code area of a sample: its stack, and whether it is a native sample
   * @throws Exception when the recording cannot be read
   */
  static void print(
      Path file,
      String heading,
      boolean keepSystemCalls,
      Predicate<String> ourFrame,
      BiFunction<RecordedStackTrace, Boolean, String> area)
      throws Exception {
    Map<String, Integer> top = new HashMap<>();
    Map<String, Integer> caller = new HashMap<>();
    Map<String, Integer> areas = new LinkedHashMap<>();
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
      if (nativeSample && (!keepSystemCalls || waiting(method))) {
        continue; // blocked waiting for work or for a reply: not CPU
      }
      total++;
      top.merge((nativeSample ? "[native] " : "") + method, 1, Integer::sum);
      areas.merge(area.apply(st, nativeSample), 1, Integer::sum);
      String who = "(no frame of ours)";
      for (RecordedFrame f : st.getFrames()) {
        String n = name(f);
        if (ourFrame.test(n)) {
          who = n;
          break;
        }
      }
      caller.merge(who, 1, Integer::sum);
      Object thread = e.getValue("sampledThread");
      String tn = thread instanceof jdk.jfr.consumer.RecordedThread t ? t.getJavaName() : "?";
      threads.merge(tn == null ? "?" : tn.replaceAll("[0-9a-f]{6,}|\\d+", "#"), 1, Integer::sum);
    }
    System.out.printf(Locale.ROOT, "%n%s (JFR, %d CPU samples):%n", heading, total);
    printTop("hottest methods (self):", top, total, 12);
    printTop("first frame of our code on the stack:", caller, total, 14);
    printTop("by area:", areas, total, 10);
    printTop("by thread:", threads, total, 6);
  }

  private static boolean waiting(String method) {
    return method.contains("EPoll.wait")
        || method.contains("Unsafe.park")
        || method.contains("Object.wait")
        || method.contains("Thread.sleep")
        || method.contains("socketAccept")
        || method.contains("readBytes")
        || method.contains("waitForProcessExit");
  }

  /**
   * Returns {@code class.method} of a frame.
   *
   * @param f the frame
   * @return the name
   */
  static String name(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  private static void printTop(String title, Map<String, Integer> counts, int total, int limit) {
    System.out.println(title);
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(limit)
        .forEach(
            e ->
                System.out.printf(
                    Locale.ROOT,
                    "  %5.1f%%  %s%n",
                    100.0 * e.getValue() / Math.max(1, total),
                    e.getKey()));
  }
}
