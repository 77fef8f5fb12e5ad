package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * What a server said in the OPT record of its reply (RFC 6891): the EDNS version, the UDP payload
 * size it accepts, the DNSSEC OK bit, its identity (NSID, RFC 5001) when asked for and offered, and
 * any Extended DNS Errors (RFC 8914).
 *
 * <p>dig prints the same data in its {@code OPT PSEUDOSECTION}. Root servers answer NSID with the
 * name of the instance that answered ({@code b1-lax} or similar), which tells anycast sites apart.
 *
 * @param version the EDNS version, 0 today
 * @param udpPayloadSize the largest UDP reply the server accepts
 * @param dnssecOk the DO bit
 * @param nsid the server's identity: its NSID as text when printable, otherwise as hex ({@code
 *     0x6231}); empty when not asked for or not offered
 * @param extendedErrors Extended DNS Errors as {@code code (meaning): text}, for example {@code 18
 *     (Prohibited)}
 */
public record Edns(
    int version,
    int udpPayloadSize,
    boolean dnssecOk,
    Optional<String> nsid,
    List<String> extendedErrors) {

  /**
   * Validates the components and copies the list.
   *
   * @param version the EDNS version, 0 today
   * @param udpPayloadSize the largest UDP reply the server accepts
   * @param dnssecOk the DO bit
   * @param nsid the server's identity: its NSID as text when printable, otherwise as hex ({@code
   *     0x6231}); empty when not asked for or not offered
   * @param extendedErrors Extended DNS Errors as {@code code (meaning): text}, for example {@code
   *     18 (Prohibited)}
   */
  public Edns {
    requireNonNull(nsid, "nsid");
    extendedErrors = List.copyOf(extendedErrors);
  }

  /**
   * Returns dig's pseudo-section lines: {@code EDNS: version: 0, flags: do; udp: 1232}, NSID, EDE.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append("; EDNS: version: ")
        .append(version)
        .append(", flags:")
        .append(dnssecOk ? " do" : "")
        .append("; udp: ")
        .append(udpPayloadSize);
    nsid.ifPresent(n -> sb.append("\n; NSID: \"").append(n).append('"'));
    for (String e : extendedErrors) {
      sb.append("\n; EDE: ").append(e);
    }
    return sb.toString();
  }
}
