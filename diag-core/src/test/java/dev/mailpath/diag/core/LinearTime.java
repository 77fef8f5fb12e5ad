package dev.mailpath.diag.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.function.IntFunction;

/**
 * The size-doubling check for parsers: the work on an input of size 2n may take about twice the CPU
 * time of size n, never four times (quadratic) or more. CPU time of this thread, not wall time, and
 * the fastest of several runs after warm-up, so a busy machine or a GC pause does not fail it.
 *
 * <p>The other modules use the test kit's {@code LinearTime}; diag-core's tests cannot, because the
 * kit depends on diag-core.
 */
final class LinearTime {
  /** Twice the input, at most this factor the time; linear gives about 2, quadratic 4. */
  static final double MAX_RATIO = 3.0;

  /**
   * {@code ThreadMXBean.getCurrentThreadCpuTime}, or null when unsupported (wall time is used
   * then). Looked up reflectively: the tests compile inside this module, which does not read {@code
   * java.management}, and run on the class path, where it is readable.
   */
  private static final Object THREADS;

  private static final Method CPU_TIME;

  static {
    Object threads = null;
    Method cpuTime = null;
    try {
      Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
      threads = factory.getMethod("getThreadMXBean").invoke(null);
      Class<?> bean = Class.forName("java.lang.management.ThreadMXBean");
      if ((Boolean) bean.getMethod("isCurrentThreadCpuTimeSupported").invoke(threads)) {
        cpuTime = bean.getMethod("getCurrentThreadCpuTime");
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      threads = null;
    }
    THREADS = threads;
    CPU_TIME = cpuTime;
  }

  private static final long MIN_SAMPLE_NANOS = 5_000_000;
  private static final int WARM_UP = 3;
  private static final int RUNS = 7;

  private LinearTime() {}

  /**
   * Asserts that {@code work} grows linearly from size {@code n} to {@code 2n}.
   *
   * @param what names the parser and the pattern, for the failure message
   * @param work makes the work for an input of the given size (the input is built here, outside the
   *     measured time)
   * @param n the smaller size, for example 64 KiB
   */
  static void assertLinear(String what, IntFunction<Runnable> work, int n) {
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
    assertThat(ratio)
        .as("%s: CPU time for input size %d over size %d (linear ~2, quadratic ~4)", what, 2 * n, n)
        .isLessThan(MAX_RATIO);
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
    if (CPU_TIME == null) {
      return System.nanoTime();
    }
    try {
      return (Long) CPU_TIME.invoke(THREADS);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
