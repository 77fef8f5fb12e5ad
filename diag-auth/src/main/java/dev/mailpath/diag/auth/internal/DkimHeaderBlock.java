package dev.mailpath.diag.auth.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The header block of a message, split into header fields (RFC 5322 §2.2): each field's name and
 * its raw text, folding kept, line ends made CRLF. Bytes are kept one to one as ISO-8859-1
 * characters, so canonicalization sees exactly the octets of the message.
 *
 * @param fields the fields, top to bottom
 * @param malformedLines lines that neither start a field (no colon) nor continue one
 * @param separatorFound whether an empty line ended the block (false: the message has no body)
 */
public record DkimHeaderBlock(List<Field> fields, int malformedLines, boolean separatorFound) {

  /** The most header bytes read before giving up: 1 MiB. */
  public static final int MAX_HEADER_BYTES = 1 << 20;

  /** Copies the list. */
  public DkimHeaderBlock {
    fields = List.copyOf(fields);
  }

  /**
   * One header field.
   *
   * @param name the field name as written (without trailing whitespace)
   * @param raw the whole field, name to final CRLF, folding kept
   */
  public record Field(String name, String raw) {

    /**
     * Returns the field's value: everything after the first colon, without the final CRLF.
     *
     * @return the value
     */
    public String value() {
      int colon = raw.indexOf(':');
      return raw.substring(colon + 1, raw.length() - 2);
    }
  }

  /**
   * Finds the end of the header block: the index just after the empty line (CRLF or bare LF) that
   * ends it.
   *
   * @param buf the bytes
   * @param from a line start to scan from (0, or a value returned by {@link #lastLineStart})
   * @param len how many bytes of {@code buf} are valid
   * @return the index after the separator, or -1 when none is in {@code buf[from, len)}
   */
  public static int findEnd(byte[] buf, int from, int len) {
    int lineStart = from;
    while (true) {
      if (lineStart < len && buf[lineStart] == '\n') {
        return lineStart + 1;
      }
      if (lineStart + 1 < len && buf[lineStart] == '\r' && buf[lineStart + 1] == '\n') {
        return lineStart + 2;
      }
      int lf = indexOf(buf, (byte) '\n', lineStart, len);
      if (lf < 0) {
        return -1;
      }
      lineStart = lf + 1;
    }
  }

  /**
   * Returns the start of the last (possibly incomplete) line in {@code buf[0, len)}, where a scan
   * resumes after more bytes arrive.
   *
   * @param buf the bytes
   * @param len how many are valid
   * @return the index
   */
  public static int lastLineStart(byte[] buf, int len) {
    for (int i = len - 1; i >= 0; i--) {
      if (buf[i] == '\n') {
        return i + 1;
      }
    }
    return 0;
  }

  private static int indexOf(byte[] buf, byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (buf[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Splits {@code buf[0, end)} into header fields.
   *
   * @param buf the bytes
   * @param end where the header block ends (the separator excluded)
   * @param separatorFound whether an empty line ended the block
   * @return the block
   */
  public static DkimHeaderBlock parse(byte[] buf, int end, boolean separatorFound) {
    List<Field> fields = new ArrayList<>();
    int malformed = 0;
    StringBuilder cur = null;
    String curName = null;
    int pos = 0;
    while (pos < end) {
      int lf = indexOf(buf, (byte) '\n', pos, end);
      int lineEnd = lf < 0 ? end : lf;
      int next = lf < 0 ? end : lf + 1;
      int contentEnd = lineEnd > pos && buf[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
      String line = new String(buf, pos, contentEnd - pos, StandardCharsets.ISO_8859_1);
      pos = next;
      if (line.isEmpty()) {
        continue;
      }
      char first = line.charAt(0);
      if (first == ' ' || first == '\t') {
        if (cur == null) {
          malformed++;
        } else {
          cur.append(line).append("\r\n");
        }
        continue;
      }
      if (cur != null) {
        fields.add(new Field(curName, cur.toString()));
        cur = null;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        malformed++;
        continue;
      }
      int ne = colon;
      while (ne > 0 && (line.charAt(ne - 1) == ' ' || line.charAt(ne - 1) == '\t')) {
        ne--;
      }
      curName = line.substring(0, ne);
      if (curName.indexOf(' ') >= 0 || curName.indexOf('\t') >= 0) {
        malformed++; // not a field name (RFC 5322 §3.6.8), e.g. an mbox "From " line
        curName = null;
        continue;
      }
      cur = new StringBuilder(line.length() + 2).append(line).append("\r\n");
    }
    if (cur != null) {
      fields.add(new Field(curName, cur.toString()));
    }
    return new DkimHeaderBlock(fields, malformed, separatorFound);
  }
}
