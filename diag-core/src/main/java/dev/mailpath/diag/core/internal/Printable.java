package dev.mailpath.diag.core.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns untrusted bytes and strings into one printable line: valid UTF-8 is kept, control
 * characters become {@code \r}, {@code \n}, {@code \t} or {@code \xNN}, bytes that are not UTF-8
 * become {@code \xNN}, and a backslash is doubled so that escapes stay unambiguous.
 */
public final class Printable {
  private Printable() {}

  /**
   * Escapes a byte range decoded as UTF-8.
   *
   * @param bytes the bytes
   * @param offset first byte
   * @param length number of bytes
   * @return printable text
   */
  public static String escape(byte[] bytes, int offset, int length) {
    if (isPlainAscii(bytes, offset, length)) {
      // Almost every protocol line is printable ASCII: skip the decoder and the escaping pass.
      return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
    CharBuffer out = CharBuffer.allocate(Math.max(16, length));
    StringBuilder sb = new StringBuilder(length + 8);
    while (true) {
      CoderResult r = decoder.decode(in, out, true);
      out.flip();
      appendEscaped(sb, out);
      out.clear();
      if (r.isError()) {
        // Each byte the decoder could not read is shown as \xNN, then decoding resumes.
        for (int i = 0; i < r.length(); i++) {
          hex(sb, in.get() & 0xff);
        }
      } else if (r.isUnderflow()) {
        break;
      }
    }
    return sb.toString();
  }

  /**
   * Escapes control characters in a string.
   *
   * @param text any text
   * @return printable text
   */
  public static String escape(CharSequence text) {
    if (isPlainAscii(text)) {
      return text.toString();
    }
    StringBuilder sb = new StringBuilder(text.length() + 8);
    appendEscaped(sb, text);
    return sb.toString();
  }

  private static boolean isPlainAscii(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      byte b = bytes[i];
      if (b < 0x20 || b > 0x7e || b == '\\') {
        return false;
      }
    }
    return true;
  }

  private static boolean isPlainAscii(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '\\') {
        return false;
      }
    }
    return true;
  }

  private static void appendEscaped(StringBuilder sb, CharSequence cs) {
    for (int i = 0; i < cs.length(); i++) {
      char c = cs.charAt(i);
      switch (c) {
        case '\r':
          sb.append("\\r");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\t':
          sb.append("\\t");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        default:
          if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
            hex(sb, c);
          } else {
            sb.append(c);
          }
      }
    }
  }

  private static void hex(StringBuilder sb, int b) {
    sb.append("\\x")
        .append(Character.forDigit((b >> 4) & 0xf, 16))
        .append(Character.forDigit(b & 0xf, 16));
  }
}
