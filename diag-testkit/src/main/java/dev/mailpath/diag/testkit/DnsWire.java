package dev.mailpath.diag.testkit;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Byte-level helpers for replies that dnsjava's {@code Message} cannot or will not produce:
 * header-only FORMERR for unparseable queries and the deliberately malformed replies of {@link
 * DnsFault}.
 *
 * <p>Offsets follow the header layout of RFC 1035 §4.1.1: ID (0-1), flags (2-3), QDCOUNT (4-5),
 * ANCOUNT (6-7), NSCOUNT (8-9), ARCOUNT (10-11).
 */
final class DnsWire {

  static final int HEADER_LENGTH = 12;
  private static final int QR_BIT = 0x80;
  private static final int OPCODE_BITS = 0x78;
  private static final int RD_BIT = 0x01;
  private static final int ANCOUNT_OFFSET = 6;

  /** How much {@link #withInflatedAnswerCount} adds to ANCOUNT. */
  static final int COUNT_LIE = 3;

  /** How many bytes {@link #lyingLengthPrefix} claims beyond the real length. */
  static final int LENGTH_LIE = 100;

  private DnsWire() {}

  /** Returns whether the message's QR bit says it is a response. */
  static boolean isResponse(byte[] message) {
    return message.length >= 3 && (message[2] & QR_BIT) != 0;
  }

  /**
   * Returns a header-only FORMERR reply to a query dnsjava could not parse, or null when not even
   * the header can be read or the message is itself a response.
   *
   * <p>RFC 1035 §4.1.1 defines FORMERR for "unable to interpret the query"; the reply echoes ID,
   * opcode and RD but no sections, since the question could not be read. Never answering responses
   * keeps two misconfigured servers from bouncing errors at each other forever.
   */
  static byte[] formErr(byte[] query, boolean recursionAvailable) {
    if (query.length < HEADER_LENGTH || isResponse(query)) {
      return null;
    }
    byte[] reply = new byte[HEADER_LENGTH];
    reply[0] = query[0];
    reply[1] = query[1];
    reply[2] = (byte) (QR_BIT | (query[2] & OPCODE_BITS) | (query[2] & RD_BIT));
    reply[3] = (byte) ((recursionAvailable ? 0x80 : 0) | Rcode.FORMERR);
    return reply;
  }

  /** Returns a copy of {@code reply} whose ANCOUNT claims {@link #COUNT_LIE} more records. */
  static byte[] withInflatedAnswerCount(byte[] reply) {
    byte[] copy = reply.clone();
    if (copy.length >= HEADER_LENGTH) {
      int count = readU16(copy, ANCOUNT_OFFSET);
      writeU16(copy, ANCOUNT_OFFSET, Math.min(0xFFFF, count + COUNT_LIE));
    }
    return copy;
  }

  /**
   * Appends one A record to {@code headerAndQuestion} (a reply with only a question) whose owner
   * name is a compression pointer to its own offset: RFC 1035 §4.1.4 pointers must point backwards
   * to earlier data, and a pointer to itself makes a naive decompressor spin.
   */
  static byte[] compressionLoop(Message headerAndQuestion) {
    byte[] head = headerAndQuestion.toWire();
    int self = head.length; // always < 0x3FFF: a header plus one question is at most 271 bytes
    ByteBuffer out = ByteBuffer.allocate(head.length + 2 + 10 + 4);
    out.put(head);
    out.putShort((short) (0xC000 | self));
    out.putShort((short) Type.A);
    out.putShort((short) DClass.IN);
    out.putInt(300);
    out.putShort((short) 4);
    out.put(new byte[] {127, 0, 0, 1});
    byte[] reply = out.array();
    writeU16(reply, ANCOUNT_OFFSET, 1);
    return reply;
  }

  /**
   * Returns a bare 12-byte reply header to {@code query}: its ID and RD bit, QR set, the given
   * RCODE (low four bits) and every section count zero, so the reply has no question section.
   */
  static byte[] headerOnly(byte[] query, int rcode) {
    byte[] h = new byte[HEADER_LENGTH];
    h[0] = query[0];
    h[1] = query[1];
    h[2] = (byte) (QR_BIT | (query[2] & (OPCODE_BITS | RD_BIT)));
    h[3] = (byte) (rcode & 0x0F);
    return h;
  }

  /** Returns {@code message} preceded by its two-byte length (RFC 1035 §4.2.2). */
  static byte[] framed(byte[] message) {
    byte[] out = new byte[message.length + 2];
    writeU16(out, 0, message.length);
    System.arraycopy(message, 0, out, 2, message.length);
    return out;
  }

  /**
   * Returns a length prefix that promises {@link #LENGTH_LIE} more bytes than follow, and the body
   * to send after it (shortened when the real length leaves no room to lie within 16 bits).
   */
  static byte[] lyingLengthPrefix(byte[] message) {
    int claimed = Math.min(0xFFFF, message.length + LENGTH_LIE);
    byte[] body = claimed > message.length ? message : Arrays.copyOf(message, claimed - 1);
    byte[] out = new byte[body.length + 2];
    writeU16(out, 0, claimed);
    System.arraycopy(body, 0, out, 2, body.length);
    return out;
  }

  static int readU16(byte[] b, int offset) {
    return ((b[offset] & 0xFF) << 8) | (b[offset + 1] & 0xFF);
  }

  static void writeU16(byte[] b, int offset, int value) {
    b[offset] = (byte) (value >>> 8);
    b[offset + 1] = (byte) value;
  }
}
