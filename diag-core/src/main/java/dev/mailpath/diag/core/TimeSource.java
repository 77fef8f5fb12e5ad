package dev.mailpath.diag.core;

import java.time.Instant;

/**
 * Where a diagnosis reads time: {@link #instant()} for timestamps in reports and {@link
 * #nanoTime()} for durations and deadlines. Tests inject a fake one for logic that reads time;
 * socket timeouts always use real time.
 */
public interface TimeSource {

  /**
   * Returns the current wall-clock time.
   *
   * @return now
   */
  Instant instant();

  /**
   * Returns a monotonic reading in nanoseconds, only meaningful as a difference.
   *
   * @return the reading
   */
  long nanoTime();

  /**
   * Returns the system clock: {@link Instant#now()} and {@link System#nanoTime()}.
   *
   * @return the system time source
   */
  static TimeSource system() {
    return SystemTimeSource.INSTANCE;
  }
}

/** The system clock. */
enum SystemTimeSource implements TimeSource {
  INSTANCE;

  @Override
  public Instant instant() {
    return Instant.now();
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }
}
