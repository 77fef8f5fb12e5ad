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

/**
 * Reverse DNS of an address: its PTR names and which of them resolve back to it (forward-confirmed
 * reverse DNS, FCrDNS). Receiving mail servers check this for every client; diag-smtp compares
 * banner and EHLO names against it.
 *
 * @param address the address looked up
 * @param names the PTR names (ASCII, lower case, no final dot), in the order received
 * @param confirmedNames the PTR names whose A/AAAA records include the address
 * @param lookups every query made
 * @param findings no PTR, not confirmed, lookup failures
 * @param startedAt when the lookup started
 * @param elapsed how long it took
 */
public record ReverseReport(
    InetAddress address,
    List<String> names,
    List<String> confirmedNames,
    List<DnsLookup> lookups,
    List<Finding> findings,
    Instant startedAt,
    Duration elapsed)
    implements DiagnosticReport {

  /**
   * Validates the components and copies the lists.
   *
   * @param address the address looked up
   * @param names the PTR names (ASCII, lower case, no final dot), in the order received
   * @param confirmedNames the PTR names whose A/AAAA records include the address
   * @param lookups every query made
   * @param findings no PTR, not confirmed, lookup failures
   * @param startedAt when the lookup started
   * @param elapsed how long it took
   */
  public ReverseReport {
    requireNonNull(address, "address");
    requireNonNull(startedAt, "startedAt");
    requireNonNull(elapsed, "elapsed");
    names = List.copyOf(names);
    confirmedNames = List.copyOf(confirmedNames);
    lookups = List.copyOf(lookups);
    findings = List.copyOf(findings);
  }

  /**
   * Tells whether at least one PTR name resolves back to the address.
   *
   * @return {@code true} when forward-confirmed
   */
  public boolean forwardConfirmed() {
    return !confirmedNames.isEmpty();
  }

  /**
   * Tells whether a host name matches one of the confirmed PTR names (case-insensitive, a final dot
   * ignored).
   *
   * @param hostName a banner or EHLO name
   * @return {@code true} when it matches
   */
  public boolean confirms(String hostName) {
    String h = hostName.toLowerCase(java.util.Locale.ROOT);
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return confirmedNames.contains(h);
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

  /** Returns {@code 192.0.2.1 -> mx.example.org (confirmed)} and the findings. */
  @Override
  public String toString() {
    StringBuilder sb =
        new StringBuilder("PTR of ")
            .append(dev.mailpath.diag.core.internal.Addresses.format(address))
            .append(" -> ");
    if (names.isEmpty()) {
      sb.append("(no PTR)");
    }
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(names.get(i))
          .append(confirmedNames.contains(names.get(i)) ? " (confirmed)" : " (not confirmed)");
    }
    return ReportText.of(sb.toString()).render(this, elapsed);
  }
}
