package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import java.net.InetAddress;
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
 */
public record AddressReport(
    String host,
    List<InetAddress> addresses,
    Optional<String> canonicalName,
    List<DnsLookup> lookups,
    List<Finding> findings)
    implements DiagnosticReport {

  /**
   * Validates the components and copies the lists.
   *
   * @param host the host as queried (ASCII, lower case, no final dot)
   * @param addresses IPv4 addresses first, then IPv6; empty when there are none
   * @param canonicalName the name at the end of a CNAME chain, when the host is an alias
   * @param lookups every query made
   * @param findings what went wrong (NXDOMAIN, timeouts, SERVFAIL)
   */
  public AddressReport {
    requireNonNull(host, "host");
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
    StringBuilder sb = new StringBuilder(host);
    canonicalName.ifPresent(c -> sb.append(" (alias for ").append(c).append(')'));
    sb.append(" -> ")
        .append(addresses.stream().map(dev.mailpath.diag.core.internal.Addresses::format).toList());
    findings.forEach(f -> sb.append("\n  ").append(f));
    return sb.toString();
  }
}
