package dev.mailpath.diag.posture.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code limit} connections at once to one target host (an IP address), and optionally at
 * most {@code perMinute} connection starts a minute to it, however many checks run: politeness
 * towards a provider whose exchanges serve thousands of the domains being checked. A host's gate
 * exists only while someone holds or waits for it, so the map stays as small as the number of hosts
 * in use; a host's rate entry lasts until its next start is due. The rate is kept by spacing: the
 * starts to one host are at least a minute / {@code perMinute} apart, on the system's monotonic
 * clock (waiting is real time, whatever clock the environment gives). Thread-safe.
 */
public final class HostGates {
  /** Rate entries kept before the first sweep of the due ones. */
  private static final int SWEEP_AT = 4_096;

  private final int limit;
  private final long spacingNanos;
  private final ConcurrentHashMap<String, Gate> gates = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Long> nextStart = new ConcurrentHashMap<>();

  /**
   * The size at which the rate entries are next swept: twice what a sweep left, so that sweeping
   * stays linear in the number of starts however many hosts are waiting.
   */
  private final AtomicInteger sweepAt = new AtomicInteger(SWEEP_AT);

  private static final class Gate {
    final Semaphore permits;
    int users; // guarded by the map's compute for this key

    Gate(int limit) {
      this.permits = new Semaphore(limit, true);
    }
  }

  /**
   * Creates gates.
   *
   * @param limit connections per host, at least 1
   */
  public HostGates(int limit) {
    this(limit, 0);
  }

  /**
   * Creates gates with a rate limit.
   *
   * @param limit connections per host at once, at least 1
   * @param perMinute connection starts per host a minute, 0 for no limit
   */
  public HostGates(int limit, int perMinute) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + limit);
    }
    if (perMinute < 0) {
      throw new IllegalArgumentException("perMinute must not be negative: " + perMinute);
    }
    this.limit = limit;
    this.spacingNanos = perMinute == 0 ? 0 : TimeUnit.MINUTES.toNanos(1) / perMinute;
  }

  /**
   * Returns the limit.
   *
   * @return connections per host
   */
  public int limit() {
    return limit;
  }

  /**
   * Waits for a connection slot to a host.
   *
   * @param host the host key (an address text)
   * @param waitNanos how long to wait at most
   * @return a slot to close when the connection ends, or null when none came in time
   * @throws InterruptedException when interrupted while waiting
   */
  public AutoCloseable acquire(String host, long waitNanos) throws InterruptedException {
    long until = System.nanoTime() + Math.max(0, waitNanos);
    Gate g =
        gates.compute(
            host,
            (k, v) -> {
              Gate gate = v == null ? new Gate(limit) : v;
              gate.users++;
              return gate;
            });
    boolean ok = false;
    try {
      ok = g.permits.tryAcquire(Math.max(0, waitNanos), TimeUnit.NANOSECONDS);
    } finally {
      if (!ok) {
        leave(host);
      }
    }
    if (!ok) {
      return null;
    }
    AutoCloseable slot =
        () -> {
          g.permits.release();
          leave(host);
        };
    boolean started = false;
    try {
      started = awaitStart(host, until);
    } finally {
      if (!started) {
        close(slot);
      }
    }
    return started ? slot : null;
  }

  /**
   * Takes the host's next start time if it comes before {@code until} and waits for it.
   *
   * @return false when the next start would come too late (nothing taken)
   */
  private boolean awaitStart(String host, long until) throws InterruptedException {
    if (spacingNanos == 0) {
      return true;
    }
    long now = System.nanoTime();
    long[] at = {0};
    boolean[] late = {false};
    nextStart.compute(
        host,
        (k, next) -> {
          long start = next == null || next - now < 0 ? now : next;
          if (start != now && start - until > 0) {
            late[0] = true;
            return next;
          }
          at[0] = start;
          return start + spacingNanos;
        });
    int size = nextStart.size();
    int threshold = sweepAt.get();
    if (size > threshold && sweepAt.compareAndSet(threshold, Integer.MAX_VALUE)) {
      nextStart.values().removeIf(next -> next - now <= 0);
      sweepAt.set(Math.max(SWEEP_AT, 2 * nextStart.size()));
    }
    if (late[0]) {
      return false;
    }
    long wait = at[0] - now;
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
    return true;
  }

  private static void close(AutoCloseable slot) {
    try {
      slot.close();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void leave(String host) {
    gates.computeIfPresent(host, (k, v) -> --v.users == 0 ? null : v);
  }

  /**
   * Returns how many hosts have a rate entry now (for tests).
   *
   * @return the number of hosts whose next start is remembered
   */
  public int rateEntries() {
    return nextStart.size();
  }

  /**
   * Returns how many hosts have a gate now (for tests).
   *
   * @return the number of hosts in use
   */
  public int hostsInUse() {
    return gates.size();
  }
}
