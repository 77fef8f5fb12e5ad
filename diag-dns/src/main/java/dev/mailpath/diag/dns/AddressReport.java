package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.ReportText;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The addresses of one host name, as {@link MxResolver#addresses(String)} found them.
 *
 * @param host the host as queried (ASCII, lower case, no final dot)
 * @param addresses IPv4 addresses first, then IPv6; empty when there are none
 * @param canonicalName the name at the end of a CNAME chain, when the host is an alias
 * @param lookups every query made
 * @param findings what went wrong (NXDOMAIN, timeouts, SERVFAIL)
 * @param startedAt when the lookup started
 * @param elapsed how long it took
 */
public record AddressReport(
    String host,
    List<InetAddress> addresses,
    Optional<String> canonicalName,
    List<DnsLookup> lookups,
    List<Finding> findings,
    Instant startedAt,
    Duration elapsed)
    implements DiagnosticReport {

  /**
   * Validates the components and copies the lists.
   *
   * @param host the host as queried (ASCII, lower case, no final dot)
   * @param addresses IPv4 addresses first, then IPv6; empty when there are none
   * @param canonicalName the name at the end of a CNAME chain, when the host is an alias
   * @param lookups every query made
   * @param findings what went wrong (NXDOMAIN, timeouts, SERVFAIL)
   * @param startedAt when the lookup started
   * @param elapsed how long it took
   */
  public AddressReport {
    requireNonNull(host, "host");
    requireNonNull(startedAt, "startedAt");
    requireNonNull(elapsed, "elapsed");
    requireNonNull(canonicalName, "canonicalName");
    addresses = List.copyOf(addresses);
    lookups = List.copyOf(lookups);
    findings = List.copyOf(findings);
  }

  /**
   * Returns the outcome, from the worst finding: PASS when nothing is wrong.
   *
   * @return PASS, WARN or FAIL
   */
  @Override
  public Outcome outcome() {
    return Outcome.fromFindings(findings);
  }

  /** Returns {@code host -> [addresses]} and the findings. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Addresses of ").append(host);
    canonicalName.ifPresent(c -> sb.append(" (alias for ").append(c).append(')'));
    sb.append(" -> ")
        .append(addresses.stream().map(dev.mailpath.diag.core.internal.Addresses::format).toList());
    return ReportText.of(sb.toString()).render(this, elapsed);
  }
}
