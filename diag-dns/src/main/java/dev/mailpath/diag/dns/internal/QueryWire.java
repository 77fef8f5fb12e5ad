package dev.mailpath.diag.dns.internal;

import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Encodes the transport's plain queries (one question, optionally one EDNS OPT record without
 * options) straight into bytes. {@link Message#toWire()} gives the same bytes, but it goes through
 * a name compression table, an output buffer and a loop over the sections: code that the JIT
 * compiles at great cost in the first seconds of a process and that allocates several objects per
 * query. Anything else (more records, EDNS options) is left to dnsjava. The transport never signs
 * its queries (no TSIG), which this encoder relies on.
 */
final class QueryWire {
  private QueryWire() {}

  /**
   * Returns the wire form of a plain query, byte for byte what {@link Message#toWire()} returns.
   *
   * @param query the query
   * @return its wire form
   */
  static byte[] encode(Message query) {
    byte[] header = query.getHeader().toWire(); // 12 bytes, counts included
    if (u16(header, 4) != 1 || u16(header, 6) != 0 || u16(header, 8) != 0) {
      return query.toWire();
    }
    int additional = u16(header, 10);
    OPTRecord opt = null;
    if (additional == 1) {
      Record[] ar = query.getSectionArray(Section.ADDITIONAL);
      if (ar.length != 1 || !(ar[0] instanceof OPTRecord o) || !o.getOptions().isEmpty()) {
        return query.toWire();
      }
      opt = o;
    } else if (additional != 0) {
      return query.toWire();
    }
    Record question = query.getQuestion();
    byte[] name = question.getName().toWire();
    byte[] out = new byte[12 + name.length + 4 + (opt == null ? 0 : 11)];
    System.arraycopy(header, 0, out, 0, 12);
    System.arraycopy(name, 0, out, 12, name.length);
    int i = 12 + name.length;
    i = put16(out, i, question.getType());
    i = put16(out, i, question.getDClass());
    if (opt != null) {
      out[i++] = 0; // the root name
      i = put16(out, i, opt.getType());
      i = put16(out, i, opt.getDClass()); // the UDP payload size
      long ttl = opt.getTTL(); // extended RCODE, version, flags
      i = put16(out, i, (int) (ttl >>> 16));
      i = put16(out, i, (int) ttl);
      put16(out, i, 0); // no options
    }
    return out;
  }

  private static int u16(byte[] b, int i) {
    return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
  }

  private static int put16(byte[] b, int i, int v) {
    b[i] = (byte) (v >>> 8);
    b[i + 1] = (byte) v;
    return i + 2;
  }
}
