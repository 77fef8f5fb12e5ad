package dev.mailpath.diag.dns.internal;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Finds additional-section records a response had no business carrying, the way a resolver's
 * scrubber does before anything is cached (RFC 2181 §5.4.1 ranks such data lowest; dnsjava hands it
 * through unchecked). Stateless.
 *
 * <p>Two rules. <em>Relevance</em>: RFC 1035 §3.3 and §4.1 only put records in the additional
 * section for names the answer or authority section points at (an MX exchange, an NS host, an SRV
 * target); an address for any other name is unsolicited, the classic cache-poisoning move.
 * <em>Zone</em>: an authoritative answer (AA set) whose authority section names its zone (an SOA,
 * or NS at or above the query name) may only add data inside that zone. A referral (AA clear) comes
 * from the parent, whose own zone is unknown here, so only relevance applies to it: sibling glue is
 * legitimate there.
 */
public final class Bailiwick {
  private Bailiwick() {}

  /**
   * Returns the additional records of a response that fail the relevance or zone rule.
   *
   * @param response a validated response
   * @param qname the query name
   * @return the offending records, in order; OPT, TSIG and SIG(0) records are never listed
   */
  public static List<org.xbill.DNS.Record> outOfBailiwick(Message response, Name qname) {
    List<org.xbill.DNS.Record> additional = response.getSection(Section.ADDITIONAL);
    List<org.xbill.DNS.Record> out = null;
    // Plain loops, no sets: answers carry a handful of records, and this runs for every reply.
    List<org.xbill.DNS.Record> answer = null;
    List<org.xbill.DNS.Record> authority = null;
    Name zone = null;
    boolean zoneKnown = false;
    boolean authoritative = response.getHeader().getFlag(Flags.AA);
    for (org.xbill.DNS.Record r : additional) {
      int type = r.getType();
      if (type == Type.OPT || type == Type.TSIG || type == Type.SIG) {
        continue;
      }
      if (answer == null) {
        answer = response.getSection(Section.ANSWER);
        authority = response.getSection(Section.AUTHORITY);
      }
      boolean relevant = pointsAt(answer, r.getName()) || pointsAt(authority, r.getName());
      boolean inZone = true;
      if (relevant && authoritative) {
        if (!zoneKnown) {
          zone = zone(authority, qname);
          zoneKnown = true;
        }
        inZone = zone == null || r.getName().subdomain(zone);
      }
      if (!relevant || !inZone) {
        if (out == null) {
          out = new ArrayList<>();
        }
        out.add(r);
      }
    }
    return out == null ? List.of() : out;
  }

  /** Tells whether a record of the section names {@code name} as the target of its data. */
  private static boolean pointsAt(List<org.xbill.DNS.Record> section, Name name) {
    for (org.xbill.DNS.Record r : section) {
      Name target =
          r instanceof CNAMERecord c
              ? c.getTarget()
              : r instanceof DNAMERecord d ? d.getTarget() : r.getAdditionalName();
      if (name.equals(target)) {
        return true;
      }
    }
    return false;
  }

  /** The zone an authoritative reply speaks for: its SOA, or NS at or above the query name. */
  private static Name zone(List<org.xbill.DNS.Record> authority, Name qname) {
    for (org.xbill.DNS.Record r : authority) {
      if ((r.getType() == Type.SOA || r.getType() == Type.NS) && qname.subdomain(r.getName())) {
        return r.getName();
      }
    }
    return null;
  }
}
