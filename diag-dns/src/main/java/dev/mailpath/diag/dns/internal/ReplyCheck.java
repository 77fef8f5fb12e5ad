package dev.mailpath.diag.dns.internal;

import java.io.IOException;
import java.util.List;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Decides what a reply's bytes are to the query they claim to answer, before anything in them is
 * used: an answer, a truncation signal, something to ignore and keep waiting past, or a broken
 * reply that ends the attempt. Shared by every transport so they judge replies alike.
 *
 * <p>The order of the checks is the point. Header checks come first because they are cheap and a
 * spoofer cannot pass them without guessing the ID (RFC 5452 §9.1: ID, QR, question, source). Then
 * a bounded structural walk of the message (RFC 1035 §4.1), so that a compression-pointer loop or
 * record counts that lie are named as such instead of surfacing as a generic parse error from
 * dnsjava, and so that no parser ever follows a pointer forward. Only then does dnsjava parse the
 * message. Stateless and thread-safe.
 */
public final class ReplyCheck {
  /** The DNS header is 12 bytes (RFC 1035 §4.1.1). */
  static final int HEADER = 12;

  /** RFC 1035 §3.1: a name is at most 255 octets on the wire. */
  private static final int MAX_NAME = 255;

  private ReplyCheck() {}

  /** What to do with a reply. */
  public enum Kind {
    /** A valid answer to the query. */
    ANSWER,
    /** A valid reply with TC set: ask again over TCP (RFC 7766 §5). */
    TRUNCATED,
    /** Not a reply to this query (wrong ID or question, QR clear): drop it and keep waiting. */
    IGNORE,
    /** A reply to this query that cannot be read: it ends the attempt. */
    MALFORMED,
    /** Unreadable bytes that cannot be tied to this query: drop them, remember, keep waiting. */
    GARBLED
  }

  /**
   * The verdict on one reply.
   *
   * @param kind what to do
   * @param message the parsed reply for {@code ANSWER} (and {@code TRUNCATED} when parseable)
   * @param problem for {@code MALFORMED} and {@code GARBLED}, what is wrong
   * @param detail a short description for logs and findings
   */
  public record Verdict(Kind kind, Message message, DnsExchange.Problem problem, String detail) {}

  /**
   * Judges a reply.
   *
   * @param query the query that was sent
   * @param reply the reply's bytes (for TCP without the length prefix)
   * @param tcp whether it came over TCP (TC is then ignored, as RFC 7766 §6.2.1 has no use for it)
   * @return the verdict
   */
  public static Verdict check(Message query, byte[] reply, boolean tcp) {
    if (reply.length < HEADER) {
      return new Verdict(
          Kind.GARBLED,
          null,
          DnsExchange.Problem.UNPARSEABLE,
          "a " + reply.length + "-byte reply is shorter than a DNS header");
    }
    Header qh = query.getHeader();
    if (u16(reply, 0) != qh.getID()) {
      return new Verdict(Kind.IGNORE, null, null, "wrong ID " + u16(reply, 0));
    }
    int flags = u16(reply, 2);
    if ((flags & 0x8000) == 0) {
      // Plain dnsjava takes an echoed query for an empty answer; it is not a response at all.
      return new Verdict(Kind.IGNORE, null, null, "QR clear (an echoed query, not a response)");
    }
    int opcode = (flags >>> 11) & 0xF;
    if (opcode != qh.getOpcode()) {
      return new Verdict(Kind.IGNORE, null, null, "opcode " + opcode + " differs from the query's");
    }
    boolean truncated = !tcp && (flags & 0x0200) != 0;
    Scan scan = scan(reply);
    if (scan != null) {
      if (truncated) {
        // Some servers cut a truncated reply mid-record; TC is the signal that matters.
        return new Verdict(Kind.TRUNCATED, null, null, "TC set");
      }
      return unreadable(query, reply, scan.problem, scan.detail);
    }
    Message response;
    try {
      response = new Message(reply);
    } catch (IOException | RuntimeException e) {
      if (truncated) {
        return new Verdict(Kind.TRUNCATED, null, null, "TC set");
      }
      String why = String.valueOf(e.getMessage());
      DnsExchange.Problem p =
          why.contains("compression")
              ? DnsExchange.Problem.COMPRESSION_LOOP
              : DnsExchange.Problem.UNPARSEABLE;
      return unreadable(query, reply, p, why);
    }
    String mismatch = mismatch(query, response);
    if (mismatch != null) {
      return new Verdict(Kind.IGNORE, null, null, mismatch);
    }
    if (truncated) {
      return new Verdict(Kind.TRUNCATED, response, null, "TC set");
    }
    return new Verdict(Kind.ANSWER, response, null, null);
  }

  /**
   * A reply we cannot read ends the attempt only when it provably answers our question (ID and
   * question both match): forging that is no easier than forging a valid answer. Anything less
   * could be an off-path spoofer trying to abort the query, so it is dropped and waiting goes on.
   */
  private static Verdict unreadable(
      Message query, byte[] reply, DnsExchange.Problem p, String detail) {
    if (questionMatches(query, reply)) {
      return new Verdict(Kind.MALFORMED, null, p, detail);
    }
    return new Verdict(Kind.GARBLED, null, p, detail);
  }

  /**
   * Tells whether the reply's first question, read from the raw bytes, is the query's; used for
   * replies that dnsjava cannot parse and for replies with an unknown ID.
   *
   * @param query the query
   * @param reply the reply bytes
   * @return {@code true} when QDCOUNT is 1 and name, type and class match
   */
  public static boolean questionMatches(Message query, byte[] reply) {
    if (reply.length < HEADER || u16(reply, 4) != 1) {
      return false;
    }
    byte[] q = query.toWire();
    // Our queries never compress their single question, so compare it label by label with the
    // reply's, reading the reply's name with pointer checks and ASCII case folding (RFC 4343).
    try {
      StringBuilder replyName = new StringBuilder();
      int end = readName(reply, HEADER, replyName);
      StringBuilder queryName = new StringBuilder();
      int qend = readName(q, HEADER, queryName);
      if (end < 0 || qend < 0 || end + 4 > reply.length || qend + 4 > q.length) {
        return false;
      }
      return replyName.toString().equalsIgnoreCase(queryName.toString())
          && u16(reply, end) == u16(q, qend)
          && u16(reply, end + 2) == u16(q, qend + 2);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Reads a name into {@code out} (labels joined by dots); returns the end offset or -1. */
  private static int readName(byte[] m, int start, StringBuilder out) {
    int p = start;
    int end = -1;
    int total = 0;
    for (int hops = 0; hops < 128; hops++) {
      if (p >= m.length) {
        return -1;
      }
      int len = m[p] & 0xFF;
      if (len == 0) {
        return end < 0 ? p + 1 : end;
      }
      if ((len & 0xC0) == 0xC0) {
        if (p + 1 >= m.length) {
          return -1;
        }
        int target = ((len & 0x3F) << 8) | (m[p + 1] & 0xFF);
        if (target >= p) {
          return -1;
        }
        if (end < 0) {
          end = p + 2;
        }
        p = target;
        continue;
      }
      if ((len & 0xC0) != 0 || p + 1 + len > m.length) {
        return -1;
      }
      total += len + 1;
      if (total > MAX_NAME) {
        return -1;
      }
      out.append(new String(m, p + 1, len, java.nio.charset.StandardCharsets.ISO_8859_1))
          .append('.');
      p += 1 + len;
    }
    return -1;
  }

  /** What a structural walk found wrong. */
  record Scan(DnsExchange.Problem problem, String detail) {}

  /**
   * Walks the message the way RFC 1035 §4.1 lays it out, without building anything: the question
   * entries and resource records the header counts, each name with its compression pointers, and
   * each RDLENGTH. Pointers must point strictly backwards (RFC 1035 §4.1.4 calls them pointers to a
   * "prior occurrence"), which rules out loops however they are built.
   *
   * @param m the message
   * @return {@code null} when the structure holds, else what is wrong
   */
  static Scan scan(byte[] m) {
    int[] counts = {u16(m, 4), u16(m, 6), u16(m, 8), u16(m, 10)};
    String[] names = {"question", "answer", "authority", "additional"};
    int pos = HEADER;
    for (int s = 0; s < 4; s++) {
      for (int i = 0; i < counts[s]; i++) {
        int after = skipName(m, pos);
        if (after == LOOP) {
          return new Scan(
              DnsExchange.Problem.COMPRESSION_LOOP,
              "a compression pointer in "
                  + names[s]
                  + " record "
                  + (i + 1)
                  + " does not point to earlier data");
        }
        if (after == BAD) {
          return new Scan(
              DnsExchange.Problem.UNPARSEABLE,
              "an unreadable name in " + names[s] + " record " + (i + 1));
        }
        int fixed = s == 0 ? 4 : 10;
        if (after == SHORT || after + fixed > m.length) {
          return countMismatch(counts, names, s, i, m.length);
        }
        pos = after + fixed;
        if (s > 0) {
          int rdlength = u16(m, after + 8);
          if (pos + rdlength > m.length) {
            return countMismatch(counts, names, s, i, m.length);
          }
          pos += rdlength;
        }
      }
    }
    return null;
  }

  private static Scan countMismatch(
      int[] counts, String[] names, int section, int index, int length) {
    return new Scan(
        DnsExchange.Problem.COUNT_MISMATCH,
        "the header counts "
            + counts[0]
            + "/"
            + counts[1]
            + "/"
            + counts[2]
            + "/"
            + counts[3]
            + " records, but the "
            + length
            + "-byte message ends inside "
            + names[section]
            + " record "
            + (index + 1));
  }

  private static final int SHORT = -1;
  private static final int LOOP = -2;
  private static final int BAD = -3;

  /** Returns the offset after the name at {@code start}, or SHORT, LOOP or BAD. */
  private static int skipName(byte[] m, int start) {
    int p = start;
    int end = -1;
    int total = 0;
    while (true) {
      if (p >= m.length) {
        return SHORT;
      }
      int len = m[p] & 0xFF;
      if (len == 0) {
        return end < 0 ? p + 1 : end;
      }
      int kind = len & 0xC0;
      if (kind == 0xC0) {
        if (p + 1 >= m.length) {
          return SHORT;
        }
        int target = ((len & 0x3F) << 8) | (m[p + 1] & 0xFF);
        // Strictly backwards: every hop lowers p, so the walk ends in at most p steps.
        if (target >= p) {
          return LOOP;
        }
        if (end < 0) {
          end = p + 2;
        }
        p = target;
      } else if (kind != 0) {
        return BAD; // 0x40 and 0x80 label types (RFC 6891 §5 retired extended labels)
      } else {
        total += len + 1;
        if (total > MAX_NAME) {
          return BAD;
        }
        p += 1 + len;
      }
    }
  }

  /**
   * Returns why a parsed response does not answer the query, or {@code null} when it does.
   *
   * @param query the query sent
   * @param response the response received
   * @return a reason, or null
   */
  public static String mismatch(Message query, Message response) {
    Header h = response.getHeader();
    if (h.getID() != query.getHeader().getID()) {
      return "wrong ID " + h.getID();
    }
    if (!h.getFlag(Flags.QR)) {
      return "QR clear (an echoed query, not a response)";
    }
    List<org.xbill.DNS.Record> q = query.getSection(Section.QUESTION);
    List<org.xbill.DNS.Record> r = response.getSection(Section.QUESTION);
    // RFC 1035 leaves it open whether an error response repeats the question, but without it
    // nothing ties the reply to our query beyond the 16-bit ID: a forged NXDOMAIN would need only
    // the ID (RFC 5452 §9.1). So every rcode needs the question; a different one never answers.
    if (r.isEmpty()) {
      return "no question section";
    }
    org.xbill.DNS.Record a = q.get(0);
    org.xbill.DNS.Record b = r.get(0);
    if (r.size() != 1
        || !a.getName().equals(b.getName())
        || a.getType() != b.getType()
        || a.getDClass() != b.getDClass()) {
      return "question differs: " + b.getName() + " " + Type.string(b.getType());
    }
    return null;
  }

  /**
   * Returns the UDP payload size the query allows a response (RFC 1035 §4.2.1: 512 bytes; RFC 6891
   * §6.2.5: the OPT record's size, never below 512).
   *
   * @param query the query
   * @return the limit in bytes
   */
  public static int udpLimit(Message query) {
    org.xbill.DNS.OPTRecord opt = query.getOPT();
    return opt == null ? 512 : Math.max(512, opt.getPayloadSize());
  }

  static int u16(byte[] b, int off) {
    return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
  }
}
