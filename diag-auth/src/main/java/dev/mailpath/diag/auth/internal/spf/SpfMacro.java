package dev.mailpath.diag.auth.internal.spf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The macro language of RFC 7208 §7: syntax checks of macro-strings and domain-specs, and
 * expansion. Every method runs in time linear in its input; nothing here asks DNS (the caller
 * resolves {@code %{p}} first, see {@link #usesP}).
 */
public final class SpfMacro {
  private SpfMacro() {}

  /** The values macros expand to; {@code letter} is lower case. */
  public interface Values {
    /**
     * Returns a macro letter's value.
     *
     * @param letter one of {@code slodipvhcrt}
     * @return the value
     */
    String value(char letter);
  }

  /** Most right-hand parts a digit transformer may ask for; larger numbers mean "all". */
  private static final int MAX_PARTS = 128;

  /**
   * Checks a macro-string (RFC 7208 §7.1).
   *
   * @param s the text
   * @param exp whether this is explanation text: {@code c r t} allowed, spaces allowed
   * @return null when valid, else what is wrong
   */
  public static String check(String s, boolean exp) {
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 1 >= n) {
          return "a '%' at the end of \"" + clip(s) + "\"";
        }
        char d = s.charAt(i + 1);
        if (d == '%' || d == '_' || d == '-') {
          i += 2;
          continue;
        }
        if (d != '{') {
          return "'%' followed by '" + d + "' (write %% for a percent sign)";
        }
        int end = macroEnd(s, i);
        if (end < 0) {
          return "unterminated or malformed macro in \"" + clip(s) + "\"";
        }
        char letter = Character.toLowerCase(s.charAt(i + 2));
        if ("slodipvh".indexOf(letter) < 0 && !(exp && "crt".indexOf(letter) >= 0)) {
          return "macro letter '"
              + s.charAt(i + 2)
              + "' is not allowed"
              + ("crt".indexOf(letter) >= 0 ? " outside exp text" : "");
        }
        i = end;
        continue;
      }
      if (c < 0x21 || c > 0x7e) {
        if (!(exp && c == ' ')) {
          return "character "
              + (c < 0x21 || c == 0x7f ? String.format("U+%04X", (int) c) : "'" + c + "'")
              + " is not allowed in \""
              + clip(s)
              + "\"";
        }
      }
      i++;
    }
    return null;
  }

  /**
   * Returns the index after a {@code %{...}} macro starting at {@code i}, or -1 when malformed:
   * letter, digits (non-zero), optional {@code r}, delimiters, closing brace.
   */
  private static int macroEnd(String s, int i) {
    int n = s.length();
    int j = i + 2;
    if (j >= n || !Character.isLetter(s.charAt(j)) || s.charAt(j) > 0x7f) {
      return -1;
    }
    j++;
    int digitsStart = j;
    while (j < n && s.charAt(j) >= '0' && s.charAt(j) <= '9') {
      j++;
    }
    if (j > digitsStart) {
      boolean allZero = true;
      for (int k = digitsStart; k < j; k++) {
        allZero &= s.charAt(k) == '0';
      }
      if (allZero) {
        return -1; // RFC 7208 §7.1: the digit transformer must be nonzero
      }
    }
    if (j < n && (s.charAt(j) == 'r' || s.charAt(j) == 'R')) {
      j++;
    }
    while (j < n && ".-+,/_=".indexOf(s.charAt(j)) >= 0) {
      j++;
    }
    if (j >= n || s.charAt(j) != '}') {
      return -1;
    }
    return j + 1;
  }

  /**
   * Checks a domain-spec (RFC 7208 §7.1: {@code macro-string domain-end}): valid macros, and an
   * ending that is either a macro or a dot and a top label that is not all digits.
   *
   * @param s the text
   * @return null when valid, else what is wrong
   */
  public static String checkDomainSpec(String s) {
    if (s.isEmpty()) {
      return "empty domain-spec";
    }
    String bad = check(s, false);
    if (bad != null) {
      return bad;
    }
    // does it end with a macro-expand?
    int n = s.length();
    int i = 0;
    int lastMacroEnd = -1;
    while (i < n) {
      char c = s.charAt(i);
      if (c == '%') {
        char d = s.charAt(i + 1);
        i = d == '{' ? macroEnd(s, i) : i + 2;
        lastMacroEnd = i;
      } else {
        i++;
      }
    }
    if (lastMacroEnd == n) {
      return null;
    }
    int end = n;
    if (s.charAt(end - 1) == '.') {
      end--;
    }
    int dot = s.lastIndexOf('.', end - 1);
    if (dot < 0 || dot < lastMacroEnd) {
      return "\"" + clip(s) + "\" does not end in a dot and a top-level label";
    }
    String top = s.substring(dot + 1, end);
    if (!topLabel(top)) {
      return "\"" + clip(top) + "\" is not a valid top-level label in \"" + clip(s) + "\"";
    }
    return null;
  }

  /** RFC 7208 §7.1 toplabel: alphanumerics and inner hyphens, not all digits. */
  private static boolean topLabel(String t) {
    if (t.isEmpty() || t.charAt(0) == '-' || t.charAt(t.length() - 1) == '-') {
      return false;
    }
    boolean alpha = false;
    boolean dash = false;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        alpha = true;
      } else if (c == '-') {
        dash = true;
      } else if (c < '0' || c > '9') {
        return false;
      }
    }
    return alpha || dash;
  }

  /**
   * Tells whether a checked macro-string uses {@code %{p}}, whose value needs DNS.
   *
   * @param s the text
   * @return true when a p macro appears
   */
  public static boolean usesP(String s) {
    int n = s.length();
    for (int i = 0; i + 2 < n; i++) {
      if (s.charAt(i) == '%') {
        char d = s.charAt(i + 1);
        if (d == '{' && (s.charAt(i + 2) == 'p' || s.charAt(i + 2) == 'P')) {
          return true;
        }
        if (d == '%') {
          i++;
        }
      }
    }
    return false;
  }

  /**
   * Expands a checked macro-string.
   *
   * @param s the text (valid per {@link #check})
   * @param values the macro values
   * @return the expansion
   */
  public static String expand(String s, Values values) {
    int n = s.length();
    StringBuilder out = new StringBuilder(n + 32);
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c != '%') {
        out.append(c);
        i++;
        continue;
      }
      char d = s.charAt(i + 1);
      if (d == '%') {
        out.append('%');
        i += 2;
        continue;
      }
      if (d == '_') {
        out.append(' ');
        i += 2;
        continue;
      }
      if (d == '-') {
        out.append("%20");
        i += 2;
        continue;
      }
      int end = macroEnd(s, i);
      char letter = s.charAt(i + 2);
      int j = i + 3;
      int digits = 0;
      boolean hasDigits = false;
      while (s.charAt(j) >= '0' && s.charAt(j) <= '9') {
        hasDigits = true;
        digits = Math.min(MAX_PARTS + 1, digits * 10 + (s.charAt(j) - '0'));
        j++;
      }
      boolean reverse = false;
      if (s.charAt(j) == 'r' || s.charAt(j) == 'R') {
        reverse = true;
        j++;
      }
      String delimiters = s.substring(j, end - 1);
      String value = values.value(Character.toLowerCase(letter));
      String transformed = transform(value, delimiters, reverse, hasDigits ? digits : 0);
      out.append(Character.isUpperCase(letter) ? urlEscape(transformed) : transformed);
      i = end;
    }
    return out.toString();
  }

  private static String transform(String value, String delimiters, boolean reverse, int keep) {
    if (!reverse && keep == 0 && (delimiters.isEmpty() || delimiters.equals("."))) {
      return value;
    }
    String delims = delimiters.isEmpty() ? "." : delimiters;
    List<String> parts = new ArrayList<>();
    int start = 0;
    for (int k = 0; k < value.length(); k++) {
      if (delims.indexOf(value.charAt(k)) >= 0) {
        parts.add(value.substring(start, k));
        start = k + 1;
      }
    }
    parts.add(value.substring(start));
    if (reverse) {
      java.util.Collections.reverse(parts);
    }
    if (keep > 0 && keep < parts.size()) {
      parts = parts.subList(parts.size() - keep, parts.size());
    }
    return String.join(".", parts);
  }

  /** URL-escapes everything but RFC 3986 unreserved characters (RFC 7208 §7.3). */
  static String urlEscape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        sb.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  /**
   * Truncates an expanded domain from the left, label by label, to at most 253 characters (RFC 7208
   * §7.3), and drops a final dot.
   *
   * @param name the expanded name
   * @return the name to query
   */
  public static String truncate(String name) {
    String s = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    int start = 0;
    while (s.length() - start > 253) {
      int dot = s.indexOf('.', start);
      if (dot < 0) {
        break;
      }
      start = dot + 1;
    }
    return s.substring(start);
  }

  static String clip(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
