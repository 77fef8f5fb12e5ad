package dev.mailpath.diag.dns.internal;

import dev.mailpath.diag.dns.DnsFlag;
import dev.mailpath.diag.dns.DnsRecord;
import dev.mailpath.diag.dns.Edns;
import dev.mailpath.diag.dns.RecordType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Type;

/**
 * Turns dnsjava messages into this library's value types, so public signatures never show dnsjava.
 */
public final class Replies {
  private Replies() {}

  /**
   * Converts the records of one section; the OPT pseudo-record is left out (see {@link #edns}).
   *
   * @param m the message
   * @param section a {@link org.xbill.DNS.Section} constant
   * @return the records, in the order the server sent them
   */
  public static List<DnsRecord> section(Message m, int section) {
    List<DnsRecord> out = new ArrayList<>();
    for (org.xbill.DNS.Record r : m.getSection(section)) {
      if (r.getType() == Type.OPT) {
        continue;
      }
      out.add(record(r));
    }
    return out;
  }

  /**
   * Converts one record.
   *
   * @param r the dnsjava record
   * @return our record
   */
  public static DnsRecord record(org.xbill.DNS.Record r) {
    Optional<RecordType> type = RecordType.fromCode(r.getType());
    String data = r.rdataToString();
    if (type.isEmpty()) {
      // Keep what the server sent: the type's mnemonic (or TYPEnnn, RFC 3597) before its data.
      data = Type.string(r.getType()) + " " + data;
    }
    return new DnsRecord(
        r.getName().toString(),
        type.orElse(RecordType.UNKNOWN),
        Duration.ofSeconds(r.getTTL()),
        data);
  }

  /**
   * Returns the header flags that are set.
   *
   * @param h the header
   * @return the flags
   */
  public static Set<DnsFlag> flags(Header h) {
    Set<DnsFlag> s = EnumSet.noneOf(DnsFlag.class);
    if (h.getFlag(Flags.QR)) {
      s.add(DnsFlag.QR);
    }
    if (h.getFlag(Flags.AA)) {
      s.add(DnsFlag.AA);
    }
    if (h.getFlag(Flags.TC)) {
      s.add(DnsFlag.TC);
    }
    if (h.getFlag(Flags.RD)) {
      s.add(DnsFlag.RD);
    }
    if (h.getFlag(Flags.RA)) {
      s.add(DnsFlag.RA);
    }
    if (h.getFlag(Flags.AD)) {
      s.add(DnsFlag.AD);
    }
    if (h.getFlag(Flags.CD)) {
      s.add(DnsFlag.CD);
    }
    return s;
  }

  /**
   * Reads the OPT record of a reply.
   *
   * @param m the reply
   * @return the EDNS data, or empty when the reply has no OPT record
   */
  public static Optional<Edns> edns(Message m) {
    OPTRecord opt = m.getOPT();
    if (opt == null) {
      return Optional.empty();
    }
    Optional<String> nsid = Optional.empty();
    List<String> errors = new ArrayList<>();
    for (EDNSOption o : opt.getOptions()) {
      if (o.getCode() == EDNSOption.Code.NSID) {
        nsid = Optional.of(nsidText(optionData(o)));
      } else if (o instanceof ExtendedErrorCodeOption e) {
        String text = e.getText();
        errors.add(
            e.getErrorCode()
                + " ("
                + ExtendedErrorCodeOption.text(e.getErrorCode())
                + ")"
                + (text == null || text.isEmpty()
                    ? ""
                    : ": " + dev.mailpath.diag.core.internal.Printable.escape(text)));
      }
    }
    return Optional.of(
        new Edns(
            opt.getVersion(),
            opt.getPayloadSize(),
            (opt.getFlags() & ExtendedFlags.DO) != 0,
            nsid,
            errors));
  }

  /**
   * The option's data: its wire form without the 2-byte code and 2-byte length (RFC 6891 §6.1.2).
   */
  private static byte[] optionData(EDNSOption o) {
    byte[] wire = o.toWire();
    byte[] data = new byte[Math.max(0, wire.length - 4)];
    System.arraycopy(wire, 4, data, 0, data.length);
    return data;
  }

  /**
   * Shows an NSID payload: as text when it is printable ASCII (most servers send a host name),
   * otherwise as hex, as dig does.
   *
   * @param data the payload
   * @return the text
   */
  static String nsidText(byte[] data) {
    boolean printable = true;
    for (byte b : data) {
      if (b < 0x20 || b > 0x7e || b == '"' || b == '\\') {
        printable = false;
        break;
      }
    }
    return printable
        ? new String(data, java.nio.charset.StandardCharsets.US_ASCII)
        : "0x" + HexFormat.of().formatHex(data);
  }
}
