package dev.mailpath.diag.testkit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SetResponse;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;

/**
 * Builds authoritative replies from a set of dnsjava {@link Zone}s; the DNS logic of {@link
 * LocalDnsZoneServer}, kept apart from its sockets and faults.
 *
 * <p>Immutable and thread-safe: dnsjava's {@code Zone} guards lookups with a read lock, and the
 * zones are never modified after parsing.
 */
final class DnsZoneAnswerer {

  /** RFC 1035 §4.2.1: the UDP payload limit for clients that do not speak EDNS. */
  static final int CLASSIC_UDP_PAYLOAD = 512;

  /**
   * The default EDNS payload cap: 1232 bytes fits an IPv6 minimum MTU without fragmentation, the
   * value the 2020 DNS flag day settled on.
   */
  static final int DEFAULT_EDNS_PAYLOAD = 1232;

  /** RFC 1035 §4.2.2: the two-byte length prefix caps TCP messages at 65535 bytes. */
  static final int MAX_TCP_MESSAGE = 0xFFFF;

  /** How many CNAME/DNAME hops to chase inside a zone before giving up (loops are caught too). */
  private static final int MAX_CHAIN = 16;

  private static final Pattern ORIGIN_DIRECTIVE =
      Pattern.compile("^\\s*\\$ORIGIN\\s+(\\S+)", Pattern.MULTILINE | Pattern.CASE_INSENSITIVE);

  private final List<Zone> zones;
  private final boolean recursionAvailable;
  private final int maxUdpPayload;

  DnsZoneAnswerer(List<Zone> zones, boolean recursionAvailable, int maxUdpPayload) {
    this.zones = List.copyOf(zones);
    this.recursionAvailable = recursionAvailable;
    this.maxUdpPayload = maxUdpPayload;
  }

  List<Zone> zones() {
    return zones;
  }

  // ---------------------------------------------------------------- zone text

  /**
   * Parses master-file text into a zone.
   *
   * @param origin the zone origin, or null to take it from the first {@code $ORIGIN} directive or,
   *     failing that, from the SOA owner name
   * @throws IllegalArgumentException naming {@code masterFileText} when the text does not make a
   *     valid zone
   */
  static Zone parseZone(Name origin, String text) {
    Name effectiveOrigin = origin != null ? origin : originDirective(text);
    List<Record> records = new ArrayList<>();
    try (Master master =
        new Master(
            new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), effectiveOrigin)) {
      // A test zone must never read files from the machine it runs on.
      master.disableIncludes(true);
      Record record;
      while ((record = master.nextRecord()) != null) {
        records.add(record);
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "masterFileText is not a valid zone: " + e.getMessage(), e);
    }
    if (effectiveOrigin == null) {
      effectiveOrigin =
          records.stream()
              .filter(r -> r.getType() == Type.SOA)
              .map(Record::getName)
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "masterFileText has no $ORIGIN directive and no SOA record to take the"
                              + " zone origin from; start it with '$ORIGIN example.org.' or call"
                              + " zone(origin, masterFileText)"));
    }
    for (Record r : records) {
      // dnsjava's Zone silently drops records outside the origin; a test author wants to know.
      if (!r.getName().subdomain(effectiveOrigin)) {
        throw new IllegalArgumentException(
            "masterFileText has a record outside the zone " + effectiveOrigin + ": " + r);
      }
    }
    try {
      return new Zone(effectiveOrigin, records.toArray(new Record[0]));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "masterFileText is not a valid zone for "
              + effectiveOrigin
              + ": "
              + e.getMessage()
              + " (a zone needs one SOA and an NS set at its origin)",
          e);
    }
  }

  private static Name originDirective(String text) {
    Matcher m = ORIGIN_DIRECTIVE.matcher(text);
    if (!m.find()) {
      return null;
    }
    try {
      return Name.fromString(m.group(1), Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException(
          "masterFileText has an invalid $ORIGIN '" + m.group(1) + "': " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- sizes

  /**
   * Returns the largest UDP reply this query may receive: 512 bytes without EDNS (RFC 1035 §4.2.1),
   * otherwise the client's advertised size (never below 512, RFC 6891 §6.2.5) capped by the server.
   */
  int udpLimit(Message query) {
    OPTRecord opt = query.getOPT();
    if (opt == null) {
      return CLASSIC_UDP_PAYLOAD;
    }
    return Math.min(Math.max(CLASSIC_UDP_PAYLOAD, opt.getPayloadSize()), maxUdpPayload);
  }

  // ---------------------------------------------------------------- replies

  /**
   * Returns a reply with the given RCODE, the question, OPT if the query had one and nothing else.
   */
  Message error(Message query, int rcode) {
    return baseReply(query, rcode, true);
  }

  /** Returns the header and question of a reply (QR, AA, RD copied), without OPT. */
  Message headerAndQuestion(Message query) {
    Message reply = baseReply(query, Rcode.NOERROR, false);
    reply.getHeader().setFlag(Flags.AA);
    return reply;
  }

  /**
   * Returns a copy of {@code full} with TC set and only the question and OPT left, the shape of a
   * reply that did not fit (RFC 2181 §9 lets the client discard everything after TC anyway).
   */
  static Message truncatedCopy(Message full) {
    Message reply = new Message(full.getHeader().getID());
    copyHeader(full.getHeader(), reply.getHeader());
    reply.getHeader().setFlag(Flags.TC);
    Record question = full.getQuestion();
    if (question != null) {
      reply.addRecord(question, Section.QUESTION);
    }
    OPTRecord opt = full.getOPT();
    if (opt != null) {
      reply.addRecord(opt, Section.ADDITIONAL);
    }
    return reply;
  }

  /**
   * Returns a copy of {@code full} whose question, and answer records owned by the query name, are
   * renamed to {@code newName}.
   */
  static Message renamedCopy(Message full, Name newName) {
    Message reply = new Message(full.getHeader().getID());
    copyHeader(full.getHeader(), reply.getHeader());
    Record question = full.getQuestion();
    Name oldName = question == null ? null : question.getName();
    if (question != null) {
      reply.addRecord(
          Record.newRecord(newName, question.getType(), question.getDClass()), Section.QUESTION);
    }
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      for (Record r : full.getSection(section)) {
        Record copy =
            section == Section.ANSWER && r.getName().equals(oldName) ? r.withName(newName) : r;
        reply.addRecord(copy, section);
      }
    }
    return reply;
  }

  private static void copyHeader(Header from, Header to) {
    for (int flag :
        new int[] {Flags.QR, Flags.AA, Flags.TC, Flags.RD, Flags.RA, Flags.AD, Flags.CD}) {
      if (from.getFlag(flag)) {
        to.setFlag(flag);
      }
    }
    to.setOpcode(from.getOpcode());
    to.setRcode(from.getRcode());
  }

  /**
   * Returns the full (untruncated) authoritative reply to a parsed query with exactly one question.
   */
  Message answer(Message query) {
    Header qh = query.getHeader();
    if (qh.getOpcode() != Opcode.QUERY) {
      // RFC 1035 §4.1.1: NOTIMP for kinds of query the server does not support (NOTIFY, UPDATE...).
      return error(query, Rcode.NOTIMP);
    }
    OPTRecord opt = query.getOPT();
    if (opt != null && opt.getVersion() > 0) {
      // RFC 6891 §6.1.3: a server that only implements EDNS version 0 answers BADVERS.
      return error(query, Rcode.BADVERS);
    }
    Record question = query.getQuestion();
    Name qname = question.getName();
    int qtype = question.getType();
    if (question.getDClass() != DClass.IN) {
      return error(query, Rcode.REFUSED);
    }
    if (qtype == Type.AXFR || qtype == Type.IXFR) {
      // RFC 5936 §4.2: a server may refuse zone transfers; a test server has no use for them.
      return error(query, Rcode.REFUSED);
    }
    Zone zone = closestZone(qname, qtype);
    if (zone == null) {
      // Not authoritative and not recursive: RFC 1035 §4.1.1 REFUSED, as NSD and Knot answer.
      return error(query, Rcode.REFUSED);
    }
    Message reply = baseReply(query, Rcode.NOERROR, true);
    reply.getHeader().setFlag(Flags.AA);
    resolve(reply, zone, qname, qtype);
    return reply;
  }

  /**
   * Returns the zone with the longest origin that encloses {@code qname}; for DS at a zone apex the
   * parent zone when it is loaded too, because DS lives on the parent side of a cut (RFC 4035
   * §3.1.4.1).
   */
  private Zone closestZone(Name qname, int qtype) {
    Zone best = null;
    for (Zone zone : zones) {
      if (qname.subdomain(zone.getOrigin())
          && (best == null || zone.getOrigin().labels() > best.getOrigin().labels())) {
        best = zone;
      }
    }
    if (best != null && qtype == Type.DS && best.getOrigin().equals(qname)) {
      Zone parent = null;
      for (Zone zone : zones) {
        if (zone != best
            && qname.subdomain(zone.getOrigin())
            && (parent == null || zone.getOrigin().labels() > parent.getOrigin().labels())) {
          parent = zone;
        }
      }
      if (parent != null) {
        best = parent;
      }
    }
    return best;
  }

  private void resolve(Message reply, Zone zone, Name qname, int qtype) {
    Name name = qname;
    Set<Name> seen = new HashSet<>();
    for (int hop = 0; hop < MAX_CHAIN && seen.add(name); hop++) {
      SetResponse sr = zone.findRecords(name, qtype);
      if (qtype == Type.DS && sr.isDelegation() && sr.getNS().getName().equals(name)) {
        // RFC 4035 §3.1.4.1: the parent answers DS at a delegation point authoritatively.
        RRset ds = zone.findExactMatch(name, Type.DS);
        if (ds != null) {
          addRRset(reply, ds, Section.ANSWER);
        } else {
          addNegativeSoa(reply, zone);
        }
        return;
      }
      if (sr.isSuccessful()) {
        for (RRset rrset : sr.answers()) {
          addRRset(reply, rrset, Section.ANSWER);
        }
        addTargetAddresses(reply, zone);
        return;
      }
      if (sr.isCNAME()) {
        CNAMERecord cname = sr.getCNAME();
        addRecord(reply, cname, Section.ANSWER);
        // RFC 1034 §4.3.2 step 3a: restart the lookup at the canonical name if we hold its data.
        name = cname.getTarget();
      } else if (sr.isDNAME()) {
        DNAMERecord dname = sr.getDNAME();
        addRecord(reply, dname, Section.ANSWER);
        Name target;
        try {
          target = name.fromDNAME(dname);
        } catch (NameTooLongException e) {
          // RFC 6672 §2.2: a substitution that would exceed 255 octets is YXDOMAIN.
          reply.getHeader().setRcode(Rcode.YXDOMAIN);
          return;
        }
        // RFC 6672 §3.1: synthesize the CNAME that pre-DNAME resolvers follow.
        addRecord(reply, new CNAMERecord(name, DClass.IN, dname.getTTL(), target), Section.ANSWER);
        name = target;
      } else if (sr.isDelegation()) {
        if (hop == 0) {
          // RFC 1034 §4.3.2 step 3b: a referral is not authoritative data.
          reply.getHeader().unsetFlag(Flags.AA);
        }
        addReferral(reply, zone, sr.getNS());
        return;
      } else if (sr.isNXDOMAIN()) {
        // RFC 6604 §3: after a CNAME chain the RCODE describes the last name looked up.
        reply.getHeader().setRcode(Rcode.NXDOMAIN);
        addNegativeSoa(reply, zone);
        return;
      } else if (sr.isNXRRSET()) {
        addNegativeSoa(reply, zone);
        return;
      } else {
        return;
      }
      if (!name.subdomain(zone.getOrigin())) {
        // The chain leaves the zone: the client follows it (RFC 1034 §4.3.2 stops here too).
        return;
      }
    }
  }

  /** RFC 1034 §4.3.2 step 3b: NS of the cut in authority, in-zone glue in additional. */
  private static void addReferral(Message reply, Zone zone, RRset ns) {
    addRRset(reply, ns, Section.AUTHORITY);
    for (Record r : ns.rrs()) {
      addAddresses(reply, zone, r.getAdditionalName());
    }
  }

  /**
   * RFC 1034 §4.3.2 step 6 / RFC 1035 §3.3.9: MX, NS and SRV answers carry the addresses of their
   * targets when the server holds them, saving the client a round trip.
   */
  private static void addTargetAddresses(Message reply, Zone zone) {
    for (Record r : reply.getSection(Section.ANSWER)) {
      int type = r.getType();
      if (type == Type.MX || type == Type.NS || type == Type.SRV) {
        addAddresses(reply, zone, r.getAdditionalName());
      }
    }
  }

  private static void addAddresses(Message reply, Zone zone, Name target) {
    if (target == null || !target.subdomain(zone.getOrigin())) {
      return;
    }
    for (int type : new int[] {Type.A, Type.AAAA}) {
      // findExactMatch, not findRecords: glue below a cut must be found, not referred.
      RRset rrset = zone.findExactMatch(target, type);
      if (rrset != null && !reply.findRRset(target, type, Section.ANSWER)) {
        addRRset(reply, rrset, Section.ADDITIONAL);
      }
    }
  }

  /**
   * RFC 2308 §3: negative answers carry the zone's SOA in authority, with a TTL of the lesser of
   * the SOA's own TTL and its MINIMUM field.
   */
  private static void addNegativeSoa(Message reply, Zone zone) {
    SOARecord soa = zone.getSOA();
    long ttl = Math.min(soa.getTTL(), soa.getMinimum());
    SOARecord negative =
        new SOARecord(
            soa.getName(),
            soa.getDClass(),
            ttl,
            soa.getHost(),
            soa.getAdmin(),
            soa.getSerial(),
            soa.getRefresh(),
            soa.getRetry(),
            soa.getExpire(),
            soa.getMinimum());
    addRecord(reply, negative, Section.AUTHORITY);
  }

  private static void addRRset(Message reply, RRset rrset, int section) {
    for (Record r : rrset.rrs()) {
      addRecord(reply, r, section);
    }
  }

  private static void addRecord(Message reply, Record record, int section) {
    if (!reply.findRecord(record, section)) {
      reply.addRecord(record, section);
    }
  }

  /**
   * Starts a reply: same ID and opcode, QR set, RD and CD copied (RFC 1035 §4.1.1, RFC 4035
   * §3.1.6), RA as configured, the question echoed, and an OPT record when the query had one (RFC
   * 6891 §7: a server that speaks EDNS answers EDNS queries with OPT), carrying the DO bit back
   * (RFC 3225 §3) and the upper bits of an extended RCODE.
   */
  private Message baseReply(Message query, int rcode, boolean withOpt) {
    Header qh = query.getHeader();
    Message reply = new Message(qh.getID());
    Header h = reply.getHeader();
    h.setFlag(Flags.QR);
    h.setOpcode(qh.getOpcode());
    if (qh.getFlag(Flags.RD)) {
      h.setFlag(Flags.RD);
    }
    if (qh.getFlag(Flags.CD)) {
      h.setFlag(Flags.CD);
    }
    if (recursionAvailable) {
      h.setFlag(Flags.RA);
    }
    h.setRcode(rcode & 0xF);
    Record question = query.getQuestion();
    if (question != null) {
      reply.addRecord(question, Section.QUESTION);
    }
    OPTRecord opt = query.getOPT();
    if (withOpt && opt != null) {
      reply.addRecord(
          new OPTRecord(
              Math.max(CLASSIC_UDP_PAYLOAD, maxUdpPayload),
              rcode >>> 4,
              0,
              opt.getFlags() & ExtendedFlags.DO),
          Section.ADDITIONAL);
    }
    return reply;
  }
}
