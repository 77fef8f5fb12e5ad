package dev.mailpath.diag.smtp.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits message bytes into lines at CRLF, bare LF or bare CR, so that the wire always gets CRLF
 * (RFC 5321 §2.3.8 forbids bare CR and LF in SMTP data; sending them is how SMTP smuggling starts).
 */
public final class MessageLines {
  private MessageLines() {}

  /**
   * Returns {offset, length} of each line, without terminators; a final line without a terminator
   * is included, a trailing terminator adds no empty line.
   *
   * @param m the message bytes
   * @return the line ranges
   */
  public static List<int[]> split(byte[] m) {
    List<int[]> lines = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < m.length) {
      byte b = m[i];
      if (b == '\r' || b == '\n') {
        lines.add(new int[] {start, i - start});
        if (b == '\r' && i + 1 < m.length && m[i + 1] == '\n') {
          i++;
        }
        i++;
        start = i;
      } else {
        i++;
      }
    }
    if (start < m.length) {
      lines.add(new int[] {start, m.length - start});
    }
    return lines;
  }
}
