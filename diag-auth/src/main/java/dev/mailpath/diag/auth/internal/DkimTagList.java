package dev.mailpath.diag.auth.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The tag=value lists of RFC 6376 §3.2, used by DKIM-Signature fields and key records. One pass
 * over the text, no regular expressions: linear in the input.
 *
 * @param tags the tags in their order, names as written (case-sensitive), values with surrounding
 *     whitespace removed
 * @param error why the list is not well formed; empty when it is
 */
public record DkimTagList(Map<String, String> tags, Optional<String> error) {

  /** Copies the map, keeping its order. */
  public DkimTagList {
    tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
  }

  /**
   * Returns a tag's value.
   *
   * @param name the tag name
   * @return the value, or empty when the tag is absent
   */
  public Optional<String> get(String name) {
    return Optional.ofNullable(tags.get(name));
  }

  /**
   * Parses a tag list. Duplicate tags, a tag without {@code =}, and a name that is not {@code ALPHA
   * *(ALNUM / "_")} make the list malformed; the tags read until then are kept.
   *
   * @param text the text, possibly folded (CRLF followed by whitespace)
   * @return the parsed list
   */
  public static DkimTagList parse(String text) {
    Map<String, String> tags = new LinkedHashMap<>();
    int n = text.length();
    int start = 0;
    while (start <= n) {
      int end = text.indexOf(';', start);
      if (end < 0) {
        end = n;
      }
      int a = skipWs(text, start, end);
      if (a < end) {
        int eq = text.indexOf('=', a);
        if (eq < 0 || eq > end) {
          return new DkimTagList(
              tags, Optional.of("a tag without '=': \"" + clip(text.substring(a, end)) + "\""));
        }
        int nameEnd = trimEnd(text, a, eq);
        String name = text.substring(a, nameEnd);
        if (!validName(name)) {
          return new DkimTagList(tags, Optional.of("a malformed tag name: \"" + clip(name) + "\""));
        }
        int vs = skipWs(text, eq + 1, end);
        int ve = trimEnd(text, vs, end);
        String value = text.substring(vs, ve);
        if (tags.putIfAbsent(name, value) != null) {
          return new DkimTagList(tags, Optional.of("the tag " + name + "= appears twice"));
        }
      }
      start = end + 1;
    }
    return new DkimTagList(tags, Optional.empty());
  }

  /**
   * Removes all whitespace (SP, HTAB, CR, LF) from a value, as base64 values need.
   *
   * @param value the value
   * @return the value without whitespace
   */
  public static String stripWs(String value) {
    StringBuilder sb = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (isWs(c)) {
        if (sb == null) {
          sb = new StringBuilder(value.length());
          sb.append(value, 0, i);
        }
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? value : sb.toString();
  }

  static boolean isWs(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  private static int skipWs(String s, int from, int to) {
    while (from < to && isWs(s.charAt(from))) {
      from++;
    }
    return from;
  }

  private static int trimEnd(String s, int from, int to) {
    while (to > from && isWs(s.charAt(to - 1))) {
      to--;
    }
    return to;
  }

  private static boolean validName(String name) {
    if (name.isEmpty() || !isAlpha(name.charAt(0))) {
      return false;
    }
    for (int i = 1; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!isAlpha(c) && !(c >= '0' && c <= '9') && c != '_') {
        return false;
      }
    }
    return true;
  }

  private static boolean isAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  static String clip(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "...";
  }
}
