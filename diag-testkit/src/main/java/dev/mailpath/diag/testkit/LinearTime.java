package dev.mailpath.diag.testkit;

import static java.util.Objects.requireNonNull;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * The size-doubling check for parsers: the work on an input of size 2n may take about twice the CPU
 * time of size n, never four times (quadratic) or more. It measures the CPU time of the calling
 * thread, not wall time, and takes the fastest of several runs after a warm-up, so a busy machine
 * or a GC pause does not fail it. Use it for anything that reads untrusted text:
 *
 * <pre>{@code
 * LinearTime.assertLinear(
 *     "my header parser on repeated '(' ",
 *     n -> { String input = "X: " + "(".repeat(n); return () -> MyParser.parse(input); },
 *     64 * 1024);
 * }</pre>
 *
 * <p>Stateless; no JUnit types, so it works in any test framework and in JShell.
 */
public final class LinearTime {
  /** Twice the input, at most this factor the time; linear gives about 2, quadratic 4. */
  public static final double MAX_RATIO = 3.0;

  private static final long MIN_SAMPLE_NANOS = 5_000_000;
  private static final int WARM_UP = 3;
  private static final int RUNS = 7;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private LinearTime() {}

  /**
   * Asserts that {@code work} grows linearly from size {@code n} to {@code 2n}.
   *
   * @param what names the parser and the pattern, for the failure message
   * @param work makes the work for an input of the given size (the input is built here, outside the
   *     measured time)
   * @param n the smaller size, for example 64 KiB
   * @throws AssertionError when the time for {@code 2n} is {@link #MAX_RATIO} times that for {@code
   *     n} or more, twice in a row
   */
  public static void assertLinear(String what, IntFunction<Runnable> work, int n) {
    requireNonNull(what, "what");
    requireNonNull(work, "work");
    if (n < 1) {
      throw new IllegalArgumentException("n must be positive: " + n);
    }
    Runnable small = work.apply(n);
    Runnable big = work.apply(2 * n);
    for (int i = 0; i < WARM_UP; i++) {
      small.run();
      big.run();
    }
    // Repeat each sample until the small one takes a few milliseconds, above timer noise.
    int repeat = 1;
    while (cpu(small, repeat) < MIN_SAMPLE_NANOS && repeat < 1 << 16) {
      repeat *= 2;
    }
    double ratio = ratio(small, big, repeat);
    if (ratio >= MAX_RATIO) {
      ratio = Math.min(ratio, ratio(small, big, repeat)); // one more try before calling it a bug
    }
    if (ratio >= MAX_RATIO) {
      throw new AssertionError(
          String.format(
              Locale.ROOT,
              "%s: CPU time for input size %d is %.2f times that for size %d (linear ~2,"
                  + " quadratic ~4, limit %.1f)",
              what,
              2 * n,
              ratio,
              n,
              MAX_RATIO));
    }
  }

  private static double ratio(Runnable small, Runnable big, int repeat) {
    long bestSmall = Long.MAX_VALUE;
    long bestBig = Long.MAX_VALUE;
    for (int i = 0; i < RUNS; i++) {
      bestSmall = Math.min(bestSmall, cpu(small, repeat));
      bestBig = Math.min(bestBig, cpu(big, repeat));
    }
    return (double) bestBig / Math.max(1, bestSmall);
  }

  private static long cpu(Runnable task, int repeat) {
    long start = now();
    for (int i = 0; i < repeat; i++) {
      task.run();
    }
    return now() - start;
  }

  private static long now() {
    return THREADS.isCurrentThreadCpuTimeSupported()
        ? THREADS.getCurrentThreadCpuTime()
        : System.nanoTime();
  }
}
