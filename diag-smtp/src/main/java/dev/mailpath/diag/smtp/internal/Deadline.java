package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.TimeSource;
import java.time.Duration;

/**
 * A point in time by which a phase must be done, with the budget it came from, so that a timeout
 * finding can say "no reply to MAIL within 5 min" or "overall deadline of 30 s exceeded".
 */
public final class Deadline {
  private final TimeSource time;
  private final long endNanos;
  private final Duration budget;
  private final boolean overall;

  private Deadline(TimeSource time, long endNanos, Duration budget, boolean overall) {
    this.time = time;
    this.endNanos = endNanos;
    this.budget = budget;
    this.overall = overall;
  }

  /**
   * Starts a deadline now.
   *
   * @param time the clock
   * @param budget how long from now
   * @param overall whether this is the conversation's overall deadline
   * @return the deadline
   */
  public static Deadline after(TimeSource time, Duration budget, boolean overall) {
    long now = time.nanoTime();
    long nanos;
    try {
      nanos = budget.toNanos();
    } catch (ArithmeticException e) {
      nanos = Long.MAX_VALUE / 4;
    }
    return new Deadline(time, now + Math.min(nanos, Long.MAX_VALUE / 4), budget, overall);
  }

  /**
   * Returns whichever of this deadline and another comes first.
   *
   * @param other the other deadline
   * @return the earlier one
   */
  public Deadline min(Deadline other) {
    return other.endNanos - endNanos < 0 ? other : this;
  }

  /**
   * Returns the time left.
   *
   * @return nanoseconds left; zero or negative when expired
   */
  public long remainingNanos() {
    return endNanos - time.nanoTime();
  }

  /**
   * Returns the time left in whole milliseconds, rounded up so that 0 means expired.
   *
   * @return milliseconds left, at least 0
   */
  public long remainingMillis() {
    long n = remainingNanos();
    return n <= 0 ? 0 : (n + 999_999) / 1_000_000;
  }

  /**
   * Tells whether the deadline has passed.
   *
   * @return {@code true} when no time is left
   */
  public boolean expired() {
    return remainingNanos() <= 0;
  }

  /**
   * Returns the budget this deadline was made from.
   *
   * @return the budget
   */
  public Duration budget() {
    return budget;
  }

  /**
   * Tells whether this is the overall deadline rather than a phase timeout.
   *
   * @return {@code true} for the overall deadline
   */
  public boolean overall() {
    return overall;
  }

  /**
   * Describes the deadline for messages.
   *
   * @return for example {@code "timeout of 300 ms"} or {@code "overall deadline of 30 s"}
   */
  public String describe() {
    return (overall ? "overall deadline of " : "timeout of ") + Durations.format(budget);
  }
}
