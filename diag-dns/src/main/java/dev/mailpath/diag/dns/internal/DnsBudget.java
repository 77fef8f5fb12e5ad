package dev.mailpath.diag.dns.internal;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.TimeSource;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The per-server politeness budget of one {@code DnsSettings} (and the settings derived from it
 * with the same limits): the one {@link NioDnsTransport} that every engine built from those
 * settings sends through, so that {@code maxInFlightPerServer} and {@code rateLimit} bound them
 * together instead of each engine alone.
 *
 * <p><b>Why one transport per time source.</b> A transport reads its clock for the elapsed times of
 * its exchanges, and engines hand it the environment's {@link TimeSource}; clients built with
 * different time sources (tests use fake ones) therefore get different transports, hence separate
 * budgets. In production every client uses the system time source, so a budget has one transport.
 *
 * <p><b>Why weak references.</b> The budget lives as long as its settings, which may be a
 * long-lived constant, while a test's fake time source should not. Entries hold their transport
 * weakly: a transport stays while a client holds it or its selector thread runs (a running thread
 * holds its transport, so queries in flight keep their budget), and once it is gone, its time
 * source can be collected too. Cleared entries are dropped on the next lookup. A transport that was
 * collected is simply made again on the next use: nothing was in flight on it.
 *
 * <p>Thread-safe.
 */
public final class DnsBudget {
  private final int maxInFlightPerServer;
  private final int rateLimit;
  private final int ioThreads;

  /** One entry per time source in use; usually one. Guarded by {@code this}. */
  private final List<WeakReference<NioDnsTransport>> transports = new ArrayList<>(1);

  /**
   * Creates a budget; no transport exists until the first {@link #transport} call.
   *
   * @param maxInFlightPerServer queries outstanding at one server at once
   * @param rateLimit queries per second to one server, 0 for none
   * @param ioThreads selector threads of the transport
   */
  public DnsBudget(int maxInFlightPerServer, int rateLimit, int ioThreads) {
    this.maxInFlightPerServer = maxInFlightPerServer;
    this.rateLimit = rateLimit;
    this.ioThreads = ioThreads;
  }

  /**
   * Tells whether settings with these limits can share this budget.
   *
   * @param maxInFlightPerServer queries outstanding at one server at once
   * @param rateLimit queries per second to one server, 0 for none
   * @param ioThreads selector threads of the transport
   * @return {@code true} when all three equal this budget's
   */
  public boolean hasLimits(int maxInFlightPerServer, int rateLimit, int ioThreads) {
    return this.maxInFlightPerServer == maxInFlightPerServer
        && this.rateLimit == rateLimit
        && this.ioThreads == ioThreads;
  }

  /**
   * Returns the transport of this budget for a time source, making it on first use.
   *
   * @param time the environment's time source; compared by identity
   * @return the shared transport
   */
  public synchronized NioDnsTransport transport(TimeSource time) {
    requireNonNull(time, "time");
    for (Iterator<WeakReference<NioDnsTransport>> it = transports.iterator(); it.hasNext(); ) {
      NioDnsTransport t = it.next().get();
      if (t == null) {
        it.remove();
      } else if (t.timeSource() == time) {
        return t;
      }
    }
    NioDnsTransport t =
        NioDnsTransport.builder()
            .maxInFlightPerServer(maxInFlightPerServer)
            .rateLimit(rateLimit)
            .ioThreads(ioThreads)
            .timeSource(time)
            .build();
    transports.add(new WeakReference<>(t));
    return t;
  }

  /**
   * Returns how many transports this budget holds now, for tests that check nothing leaks.
   *
   * @return the number of live transports
   */
  public synchronized int transportCount() {
    transports.removeIf(r -> r.get() == null);
    return transports.size();
  }
}
