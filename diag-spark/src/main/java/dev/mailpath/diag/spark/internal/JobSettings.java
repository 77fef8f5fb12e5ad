package dev.mailpath.diag.spark.internal;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * Everything an executor needs to build its checks, as plain serializable values: Spark ships this
 * with every task, and each executor JVM builds one {@code MailPostureCheck} per distinct value
 * ({@link ExecutorChecks}).
 *
 * @param runId a fresh id per job run, so that an executor's exchange cache lives for one run only
 * @param dnsServers DNS servers as {@code address:port}; empty for the executor's system resolvers
 * @param dnsTimeout per-query timeout
 * @param dnsRetries retries per query
 * @param dnsTcpOnly whether DNS goes over TCP only
 * @param dnsMaxInFlightPerServer queries outstanding at one DNS server at once, per executor
 * @param dnsQueriesPerSecondPerServer queries per second to one DNS server, per executor; 0 for no
 *     limit
 * @param dnsDeadline bound of one DNS lookup
 * @param smtpPort the SMTP port of the exchanges
 * @param policyPort the HTTPS port of MTA-STS policy hosts
 * @param smtpTimeout every SMTP phase's timeout
 * @param trustAnchors DNSSEC trust anchors (DS or DNSKEY text); empty for the IANA root
 * @param trustedCertificates PEM certificates trusted instead of the JDK's trust store; empty for
 *     the JDK's store
 * @param dkimSelectors DKIM selectors to look up
 * @param dnsblLists blocklists as {@code ip:zone} or {@code domain:zone}
 * @param deadline bound of one domain's check
 * @param maxConnectionsPerHost connections (SMTP, MTA-STS) at once to one address, per executor
 * @param maxConnectionsPerMinutePerHost connections (SMTP, MTA-STS) a minute to one address, per
 *     executor; 0 for no limit
 * @param exchangeCacheSize exchange hosts an executor remembers for the run
 * @param maxInFlightPerPartition domains checked at once by one task
 * @param retries further attempts for a domain whose result was a temporary failure
 * @param retryBackoff wait before the first retry; doubled for each further one
 */
public record JobSettings(
    String runId,
    List<String> dnsServers,
    Duration dnsTimeout,
    int dnsRetries,
    boolean dnsTcpOnly,
    int dnsMaxInFlightPerServer,
    int dnsQueriesPerSecondPerServer,
    Duration dnsDeadline,
    int smtpPort,
    int policyPort,
    Duration smtpTimeout,
    List<String> trustAnchors,
    List<String> trustedCertificates,
    List<String> dkimSelectors,
    List<String> dnsblLists,
    Duration deadline,
    int maxConnectionsPerHost,
    int maxConnectionsPerMinutePerHost,
    int exchangeCacheSize,
    int maxInFlightPerPartition,
    int retries,
    Duration retryBackoff)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /**
   * Copies the lists into serializable unmodifiable lists.
   *
   * @param runId see the record component
   * @param dnsServers see the record component
   * @param dnsTimeout see the record component
   * @param dnsRetries see the record component
   * @param dnsTcpOnly see the record component
   * @param dnsMaxInFlightPerServer see the record component
   * @param dnsQueriesPerSecondPerServer see the record component
   * @param dnsDeadline see the record component
   * @param smtpPort see the record component
   * @param policyPort see the record component
   * @param smtpTimeout see the record component
   * @param trustAnchors see the record component
   * @param trustedCertificates see the record component
   * @param dkimSelectors see the record component
   * @param dnsblLists see the record component
   * @param deadline see the record component
   * @param maxConnectionsPerHost see the record component
   * @param maxConnectionsPerMinutePerHost see the record component
   * @param exchangeCacheSize see the record component
   * @param maxInFlightPerPartition see the record component
   * @param retries see the record component
   * @param retryBackoff see the record component
   */
  public JobSettings {
    dnsServers = List.copyOf(dnsServers);
    trustAnchors = List.copyOf(trustAnchors);
    trustedCertificates = List.copyOf(trustedCertificates);
    dkimSelectors = List.copyOf(dkimSelectors);
    dnsblLists = List.copyOf(dnsblLists);
  }

  /**
   * Returns these settings for another run.
   *
   * @param id the new run's id
   * @return a copy with that id
   */
  public JobSettings withRunId(String id) {
    return new JobSettings(
        id,
        dnsServers,
        dnsTimeout,
        dnsRetries,
        dnsTcpOnly,
        dnsMaxInFlightPerServer,
        dnsQueriesPerSecondPerServer,
        dnsDeadline,
        smtpPort,
        policyPort,
        smtpTimeout,
        trustAnchors,
        trustedCertificates,
        dkimSelectors,
        dnsblLists,
        deadline,
        maxConnectionsPerHost,
        maxConnectionsPerMinutePerHost,
        exchangeCacheSize,
        maxInFlightPerPartition,
        retries,
        retryBackoff);
  }
}
