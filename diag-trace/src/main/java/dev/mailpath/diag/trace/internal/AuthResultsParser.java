package dev.mailpath.diag.trace.internal;

import dev.mailpath.diag.trace.AuthenticationResults;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an {@code Authentication-Results} value (RFC 8601 §2.2): {@code authserv-id [version] *(";"
 * resinfo)} or {@code authserv-id; none}. Lenient about the Microsoft 365 form that has no
 * authserv-id, comments anywhere, and quoted reasons.
 */
public final class AuthResultsParser {
  private AuthResultsParser() {}

  /**
   * Parses one unfolded field value.
   *
   * @param raw the value
   * @return the results, or empty when the value is not an Authentication-Results value
   */
  public static Optional<AuthenticationResults> parse(String raw) {
    String value = raw.strip();
    List<String> parts = splitTopLevel(value);
    if (parts.isEmpty() || parts.get(0).isBlank()) {
      return Optional.empty();
    }
    String first = MailDates.stripComments(parts.get(0)).strip();
    String authserv = null;
    int start = 0;
    if (!first.contains("=")) {
      String[] words = first.split("\\s+");
      // authserv-id, then an optional version number (RFC 8601 §2.2).
      if (words.length > 2 || (words.length == 2 && !words[1].matches("\\d+"))) {
        return Optional.empty();
      }
      authserv = words[0];
      start = 1;
    }
    List<AuthenticationResults.Result> results = new ArrayList<>();
    for (int i = start; i < parts.size(); i++) {
      String part = parts.get(i).strip();
      if (part.isEmpty()) {
        continue;
      }
      String comment = firstComment(part);
      List<String> words = words(MailDates.stripComments(part));
      if (words.isEmpty()) {
        continue;
      }
      if (words.size() == 1 && words.get(0).equalsIgnoreCase("none")) {
        continue; // "no-result": nothing was checked
      }
      String head = words.get(0);
      int eq = head.indexOf('=');
      if (eq <= 0 || eq == head.length() - 1) {
        return Optional.empty();
      }
      String method = head.substring(0, eq).toLowerCase(Locale.ROOT);
      int slash = method.indexOf('/');
      if (slash > 0) {
        method = method.substring(0, slash); // method version, RFC 8601 §2.2
      }
      String result = head.substring(eq + 1).toLowerCase(Locale.ROOT);
      String reason = null;
      Map<String, String> props = new LinkedHashMap<>();
      for (int w = 1; w < words.size(); w++) {
        String word = words.get(w);
        int e = word.indexOf('=');
        if (e <= 0) {
          continue;
        }
        String k = word.substring(0, e).toLowerCase(Locale.ROOT);
        String v = unquote(word.substring(e + 1));
        if (k.equals("reason")) {
          reason = v;
        } else {
          props.putIfAbsent(k, v);
        }
      }
      results.add(
          new AuthenticationResults.Result(
              method, result, Optional.ofNullable(reason), props, Optional.ofNullable(comment)));
    }
    return Optional.of(new AuthenticationResults(Optional.ofNullable(authserv), results, value));
  }

  private static String unquote(String v) {
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      return v.substring(1, v.length() - 1);
    }
    return v;
  }

  private static String firstComment(String s) {
    int open = -1;
    int depth = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(') {
        if (depth == 0) {
          open = i;
        }
        depth++;
      } else if (c == ')' && depth > 0) {
        depth--;
        if (depth == 0) {
          return s.substring(open + 1, i).strip();
        }
      }
    }
    return null;
  }

  /** Splits on whitespace, keeping quoted strings (which may hold blanks) in one word. */
  private static List<String> words(String s) {
    List<String> out = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        quoted = !quoted;
        sb.append(c);
      } else if (!quoted && Character.isWhitespace(c)) {
        if (sb.length() > 0) {
          out.add(sb.toString());
          sb.setLength(0);
        }
      } else {
        sb.append(c);
      }
    }
    if (sb.length() > 0) {
      out.add(sb.toString());
    }
    return out;
  }

  private static List<String> splitTopLevel(String s) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        i++;
      } else if (c == '"' && depth == 0) {
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        depth++;
      } else if (!quoted && c == ')' && depth > 0) {
        depth--;
      } else if (!quoted && depth == 0 && c == ';') {
        out.add(s.substring(start, i));
        start = i + 1;
      }
    }
    out.add(s.substring(start));
    return out;
  }
}
