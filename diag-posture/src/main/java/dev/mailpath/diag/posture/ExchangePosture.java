package dev.mailpath.diag.posture;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.dns.DnssecStatus;
import java.util.List;

/**
 * One exchange of a {@link MailPostureReport}: its DNSSEC status, and what each of its addresses
 * showed (at most two IPv4 and two IPv6 addresses are connected to).
 *
 * @param host the exchange's name, without the trailing dot
 * @param preference the MX preference (0 for an implicit MX)
 * @param addressStatus the DNSSEC status of its A records
 * @param addresses one entry per address connected to, IPv4 first
 * @param ipv6Addresses how many IPv6 addresses it has in DNS
 * @param findings what the exchange showed ({@code posture.*} codes; the addresses' findings
 *     included)
 */
public record ExchangePosture(
    String host,
    int preference,
    DnssecStatus addressStatus,
    List<AddressPosture> addresses,
    int ipv6Addresses,
    List<Finding> findings) {

  /**
   * Checks and copies the components.
   *
   * @param host the exchange
   * @param preference its MX preference
   * @param addressStatus DNSSEC status of its address records
   * @param addresses the addresses checked
   * @param ipv6Addresses how many IPv6 addresses it has
   * @param findings the findings
   * @throws NullPointerException when one is null
   */
  public ExchangePosture {
    requireNonNull(host, "host");
    requireNonNull(addressStatus, "addressStatus");
    addresses = List.copyOf(addresses);
    findings = List.copyOf(findings);
  }

  /**
   * Tells whether at least one IPv6 address answered SMTP.
   *
   * @return true when reachable over IPv6
   */
  public boolean reachableOverIpv6() {
    return addresses.stream().anyMatch(a -> a.ipv6() && a.reachable());
  }

  @Override
  public String toString() {
    StringBuilder sb =
        new StringBuilder(host)
            .append(" (preference ")
            .append(preference)
            .append(", DNSSEC ")
            .append(addressStatus)
            .append(")");
    if (addresses.isEmpty()) {
      sb.append(": no address");
    }
    for (AddressPosture a : addresses) {
      sb.append("\n      ").append(a);
    }
    return sb.toString();
  }
}
