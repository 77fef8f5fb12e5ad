package dev.mailpath.diag.html.internal;

import java.util.Locale;

/**
 * The one way untrusted text enters a page: every string that came from a report goes through
 * {@link #text(String)} (element content) before it is appended. Markup is only ever written from
 * constants and from enum names chosen by this module, and untrusted text is never put into an
 * attribute, so the escaping rule stays small enough to check by reading.
 */
public final class Html {
  private Html() {}

  /**
   * Escapes text for element content (HTML or inline SVG).
   *
   * <p>{@code & < > " '} become character references. Characters a reader could not see or that
   * would change what the text appears to say are shown as escapes instead: C0 and C1 control
   * characters other than tab and line feed ({@code \x00}, {@code \r}, {@code \x1b}, {@code \x85}),
   * lone surrogates ({@code \ud800}), bidirectional overrides ({@code \u202e}) and noncharacters
   * ({@code \uffff}). Everything else, including a backslash, stays as it is.
   *
   * @param s the untrusted text
   * @return markup-free text, safe as element content
   */
  public static String text(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = s.codePointAt(i);
        if ((cp & 0xFFFE) == 0xFFFE) {
          sb.append(String.format(Locale.ROOT, "\\U%08x", cp));
        } else {
          sb.appendCodePoint(cp);
        }
        i += 2;
        continue;
      }
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        case '\n', '\t' -> sb.append(c);
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
            sb.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
          } else if (Character.isSurrogate(c) || invisibleOrSpoofing(c)) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
      i++;
    }
    return sb.toString();
  }

  /**
   * Shortens text for a label inside a picture, by code points, ending it with an ellipsis; the
   * full text is always shown elsewhere on the page.
   *
   * @param s the text
   * @param max the most code points to keep, at least 2
   * @return the text, or its first {@code max - 1} code points and "…"
   */
  public static String shorten(String s, int max) {
    if (s.codePointCount(0, s.length()) <= max) {
      return s;
    }
    return s.substring(0, s.offsetByCodePoints(0, max - 1)) + "…";
  }

  private static boolean invisibleOrSpoofing(char c) {
    // Bidirectional embeddings, overrides and isolates (Unicode TR 9) reorder the text around
    // them, so a hostile header could make "evil.example" read as something else; noncharacters
    // are parse errors in HTML.
    return c == '\u200E'
        || c == '\u200F'
        || (c >= '\u202A' && c <= '\u202E')
        || (c >= '\u2066' && c <= '\u2069')
        || (c >= '\uFDD0' && c <= '\uFDEF')
        || c == '\uFFFE'
        || c == '\uFFFF';
  }
}
