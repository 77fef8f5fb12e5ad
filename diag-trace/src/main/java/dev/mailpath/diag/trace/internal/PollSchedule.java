package dev.mailpath.diag.trace.internal;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

/**
 * When to look again: an interval that starts short and doubles up to a ceiling (exponential
 * backoff), never past a deadline. Short first intervals catch fast deliveries with a precise
 * delay; the doubling keeps a slow delivery from costing hundreds of IMAP logins.
 *
 * <p>Pure arithmetic on the caller's monotonic readings ({@code TimeSource.nanoTime()}), so the
 * logic is testable with a fake clock; {@link #pause(long)} is the only part that waits. Not
 * thread-safe: one schedule per probe run.
 */
public final class PollSchedule {
  private final long maxNanos;
  private long nextNanos;

  /**
   * Creates a schedule.
   *
   * @param first the first interval, positive
   * @param max the ceiling, at least {@code first}
   */
  public PollSchedule(Duration first, Duration max) {
    if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
      throw new IllegalArgumentException("need 0 < first <= max: first=" + first + ", max=" + max);
    }
    this.nextNanos = first.toNanos();
    this.maxNanos = max.toNanos();
  }

  /**
   * Returns how long to wait before the next poll and advances the backoff.
   *
   * @param nowNanos the current monotonic reading
   * @param deadlineNanos the monotonic reading of the deadline
   * @return nanoseconds to wait: the current interval, cut short at the deadline; 0 when the
   *     deadline has passed
   */
  public long nextWait(long nowNanos, long deadlineNanos) {
    long left = deadlineNanos - nowNanos;
    if (left <= 0) {
      return 0;
    }
    long wait = Math.min(nextNanos, left);
    // Doubling, saturating at the ceiling (and never overflowing).
    nextNanos = nextNanos > maxNanos / 2 ? maxNanos : Math.min(maxNanos, nextNanos * 2);
    return wait;
  }

  /**
   * Waits, without spinning, for the given time.
   *
   * @param nanos how long; nothing happens for 0 or less
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public static void pause(long nanos) {
    if (nanos <= 0) {
      return;
    }
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for the next poll");
    }
  }
}
