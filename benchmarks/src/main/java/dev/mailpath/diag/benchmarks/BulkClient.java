package dev.mailpath.diag.benchmarks;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * One DNS client in the bulk MX comparison. Each does the same work: for every domain the MX query,
 * then an A query per exchange, at most {@code inFlight} domains at once, and checks every answer
 * against {@link BenchZone#verify}.
 */
public interface BulkClient {

  /**
   * Returns the name shown in the results.
   *
   * @return for example {@code mailpath}
   */
  String name();

  /**
   * Tells whether the client can run here (an external tool may be missing).
   *
   * @return {@code true} when it can run
   */
  default boolean available() {
    return true;
  }

  /**
   * Tells whether the client runs inside this JVM (and so profits from a warm-up round).
   *
   * @return {@code true} for Java clients
   */
  default boolean inProcess() {
    return true;
  }

  /**
   * Resolves every domain and verifies the answers.
   *
   * @param server the DNS server
   * @param domains the domains, {@code d<i>.bench.test}
   * @param inFlight how many domains at once
   * @return what happened; {@link Outcome#nanos()} is the client's own measurement of the work
   * @throws Exception when the client cannot run at all
   */
  Outcome run(InetSocketAddress server, List<String> domains, int inFlight) throws Exception;

  /**
   * What one run did.
   *
   * @param verified domains whose answers matched the key exactly
   * @param queries DNS queries sent (retries included when the client reports them)
   * @param nanos wall time of the work, from the first query to the last answer
   * @param note anything worth printing (failures, tool output)
   */
  record Outcome(int verified, long queries, long nanos, String note) {}
}
