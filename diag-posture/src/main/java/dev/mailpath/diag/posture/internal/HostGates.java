package dev.mailpath.diag.posture.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * At most {@code limit} connections at once to one target host (an IP address), however many checks
 * run: politeness towards a provider whose exchanges serve thousands of the domains being checked.
 * A host's gate exists only while someone holds or waits for it, so the map stays as small as the
 * number of hosts in use. Thread-safe.
 */
public final class HostGates {
  private final int limit;
  private final ConcurrentHashMap<String, Gate> gates = new ConcurrentHashMap<>();

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
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + limit);
    }
    this.limit = limit;
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
    return () -> {
      g.permits.release();
      leave(host);
    };
  }

  private void leave(String host) {
    gates.computeIfPresent(host, (k, v) -> --v.users == 0 ? null : v);
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
