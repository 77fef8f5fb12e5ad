package dev.mailpath.diag.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Running external tools and reading CPU time from /proc, for the whole-process comparisons. */
final class Tools {
  private static final long TICKS_PER_SECOND = clockTicks();

  private Tools() {}

  /**
   * Runs a command, waits for it and returns its standard output and error.
   *
   * @param command the command
   * @param timeoutSeconds how long it may take
   * @return the output
   * @throws IOException when it cannot start, times out or fails
   */
  static String run(List<String> command, long timeoutSeconds) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out;
    try {
      out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out: " + command);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + command, e);
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException("exit " + p.exitValue() + " from " + command + ":\n" + text);
    }
    return text;
  }

  static Optional<Path> which(String name) {
    for (String dir :
        (System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/sbin:/usr/local/bin")
            .split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  static void deleteRecursively(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** CPU time of this JVM (all threads), in nanoseconds; -1 when unknown. */
  static long selfCpuNanos() {
    long[] f = stat("self");
    return f == null ? -1 : ticksToNanos(f[14] + f[15]);
  }

  /**
   * CPU time of this JVM's children that have exited and been waited for (node, dnsperf), in
   * nanoseconds; -1 when unknown.
   */
  static long reapedChildrenCpuNanos() {
    long[] f = stat("self");
    return f == null ? -1 : ticksToNanos(f[16] + f[17]);
  }

  /** CPU time of a live process and all its live descendants, in nanoseconds; -1 when unknown. */
  static long treeCpuNanos(long pid) {
    if (pid <= 0) {
      return -1;
    }
    long ticks = 0;
    boolean any = false;
    for (long p :
        ProcessHandle.of(pid)
            .map(h -> Stream.concat(Stream.of(h), h.descendants()).map(ProcessHandle::pid).toList())
            .orElse(List.of())) {
      long[] f = stat(Long.toString(p));
      if (f != null) {
        ticks += f[14] + f[15];
        any = true;
      }
    }
    return any ? ticksToNanos(ticks) : -1;
  }

  /** Returns /proc/PID/stat fields, indexed 1-based as in proc(5); null when unreadable. */
  private static long[] stat(String pid) {
    try {
      String s = Files.readString(Path.of("/proc", pid, "stat"));
      String rest = s.substring(s.lastIndexOf(')') + 2);
      String[] parts = rest.trim().split(" ");
      long[] fields = new long[parts.length + 3];
      for (int i = 1; i < parts.length; i++) {
        try {
          fields[i + 3] = Long.parseLong(parts[i]);
        } catch (NumberFormatException e) {
          fields[i + 3] = 0;
        }
      }
      return fields;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static long ticksToNanos(long ticks) {
    return ticks * 1_000_000_000L / TICKS_PER_SECOND;
  }

  private static long clockTicks() {
    try {
      return Long.parseLong(run(List.of("getconf", "CLK_TCK"), 10).strip());
    } catch (IOException | RuntimeException e) {
      return 100;
    }
  }
}
