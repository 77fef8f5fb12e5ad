package dev.mailpath.diag.smtp.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs an action (closing a socket) when a bound passes, unless cancelled first. Java sockets have
 * no write or handshake timeout: {@code SO_TIMEOUT} bounds one read only, so a peer that stops
 * reading blocks a write forever, and a peer that drips its TLS handshake one byte at a time
 * stretches it without limit. Closing the socket from this timer is what ends such a wait.
 *
 * <p>One shared daemon thread serves every conversation, session and handshake: a thread per run
 * cost more than the whole SMTP transaction on loopback. Thread-safe.
 */
final class Watchdog implements AutoCloseable {
  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private final AtomicBoolean fired = new AtomicBoolean();
  private final ScheduledFuture<?> task;

  private Watchdog(long nanos, Runnable action) {
    this.task =
        TIMER.schedule(
            () -> {
              fired.set(true);
              action.run();
            },
            Math.max(0, nanos),
            TimeUnit.NANOSECONDS);
  }

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread th = new Thread(r, "mailpath-smtp-deadline");
              th.setDaemon(true);
              return th;
            });
    // Cancelled watchdogs are the normal case; drop them at once instead of at their due time.
    t.setRemoveOnCancelPolicy(true);
    return t;
  }

  /**
   * Arms a watchdog.
   *
   * @param nanos when to run the action, from now
   * @param action what to run then (must be quick and never throw)
   * @return the armed watchdog; close it when the guarded wait ended
   */
  static Watchdog after(long nanos, Runnable action) {
    return new Watchdog(nanos, action);
  }

  /**
   * Arms a watchdog for the time left of a deadline.
   *
   * @param deadline the deadline
   * @param action what to run when it passes
   * @return the armed watchdog
   */
  static Watchdog at(Deadline deadline, Runnable action) {
    return new Watchdog(deadline.remainingNanos(), action);
  }

  /**
   * Schedules a bare task on the shared timer, for guards that manage their own state.
   *
   * @param nanos when to run it, from now
   * @param task what to run (must be quick and never throw)
   * @return the scheduled task
   */
  static ScheduledFuture<?> schedule(long nanos, Runnable task) {
    return TIMER.schedule(task, Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }

  /**
   * Tells whether the action ran.
   *
   * @return {@code true} once the bound passed before {@link #close()}
   */
  boolean fired() {
    return fired.get();
  }

  /** Disarms the watchdog; the action does not run after this returns unless it already began. */
  @Override
  public void close() {
    task.cancel(false);
  }
}
