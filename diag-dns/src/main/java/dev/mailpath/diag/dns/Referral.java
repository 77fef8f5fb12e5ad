package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A referral: "I do not hold this name; ask these servers". A server that is not authoritative for
 * a name but knows the zone cut above it answers with the child zone's NS set in the authority
 * section (AA clear, no answer) and the addresses of those servers, the glue, in the additional
 * section (RFC 1034 §4.3.2 step 3b, RFC 9471). Root servers answer every question about a name
 * below a top-level domain with a referral to that TLD's servers.
 *
 * <p>The lists are sorted (servers rotate record order between answers), so two referrals are
 * {@linkplain #equals equal} exactly when they name the same servers with the same glue.
 *
 * @param zone the delegated zone (the owner of the NS set), absolute with the final dot, lower
 *     case, for example {@code org.}
 * @param nameServers the NS targets, lower case, absolute, sorted
 * @param glue the A and AAAA records of the additional section that belong to a listed name server,
 *     sorted by name, type and data; records for other names are not glue and are left out (they
 *     remain in {@link DnsQueryReport#additional()})
 */
public record Referral(String zone, List<String> nameServers, List<DnsRecord> glue) {

  /**
   * Validates the components, normalises case and sorts the lists.
   *
   * @param zone the delegated zone (the owner of the NS set), absolute with the final dot, lower
   *     case, for example {@code org.}
   * @param nameServers the NS targets, lower case, absolute, sorted
   * @param glue the A and AAAA records of the additional section that belong to a listed name
   *     server, sorted by name, type and data; records for other names are not glue and are left
   *     out (they remain in {@link DnsQueryReport#additional()})
   */
  public Referral {
    requireNonNull(zone, "zone");
    zone = zone.toLowerCase(Locale.ROOT);
    List<String> ns = new ArrayList<>();
    for (String n : nameServers) {
      String lower = n.toLowerCase(Locale.ROOT);
      if (!ns.contains(lower)) {
        ns.add(lower);
      }
    }
    ns.sort(Comparator.naturalOrder());
    nameServers = List.copyOf(ns);
    List<DnsRecord> g = new ArrayList<>(glue);
    g.sort(
        Comparator.comparing((DnsRecord r) -> r.name().toLowerCase(Locale.ROOT))
            .thenComparing(DnsRecord::type)
            .thenComparing(DnsRecord::data));
    glue = List.copyOf(g);
  }

  /**
   * Returns the glue addresses of one name server.
   *
   * @param nameServer an NS target, for example {@code a0.org.afilias-nst.info.}
   * @return its addresses from the glue, IPv4 first; empty when the referral carries none
   */
  public List<InetAddress> addresses(String nameServer) {
    String ns = nameServer.toLowerCase(Locale.ROOT);
    String abs = ns.endsWith(".") ? ns : ns + ".";
    List<InetAddress> out = new ArrayList<>();
    for (RecordType t : new RecordType[] {RecordType.A, RecordType.AAAA}) {
      for (DnsRecord r : glue) {
        if (r.type() == t && r.name().toLowerCase(Locale.ROOT).equals(abs)) {
          r.address().ifPresent(out::add);
        }
      }
    }
    return List.copyOf(out);
  }

  /**
   * Returns the name servers the referral gives no address for; a resolver must look them up first
   * (and cannot, if they lie inside the delegated zone itself).
   *
   * @return the glueless name servers, sorted
   */
  public List<String> glueless() {
    return nameServers.stream().filter(n -> addresses(n).isEmpty()).toList();
  }

  /** Returns {@code org. NS [a0.org.afilias-nst.info., ...] (6 glue)}. */
  @Override
  public String toString() {
    return zone + " NS " + nameServers + " (" + glue.size() + " glue)";
  }
}
