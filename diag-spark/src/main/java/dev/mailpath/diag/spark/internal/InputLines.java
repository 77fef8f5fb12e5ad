package dev.mailpath.diag.spark.internal;

import dev.mailpath.diag.core.DomainName;
import java.util.Locale;

/** How an input line becomes a domain, and whether it is one. */
public final class InputLines {
  private InputLines() {}

  /**
   * Reads the domain of a line: the first comma-separated field, without quotes, surrounding blanks
   * or a final dot, in lower case. A blank line, a {@code #} comment and a {@code domain} header
   * give the empty string.
   *
   * @param line a line of a text or CSV file
   * @return the domain text, or empty to skip the line
   */
  public static String domain(String line) {
    if (line == null) {
      return "";
    }
    String s = line.strip();
    int comma = s.indexOf(',');
    if (comma >= 0) {
      s = s.substring(0, comma).strip();
    }
    if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
      s = s.substring(1, s.length() - 1).strip();
    }
    if (s.startsWith("#") || s.equalsIgnoreCase("domain")) {
      return "";
    }
    if (s.endsWith(".")) {
      s = s.substring(0, s.length() - 1);
    }
    return s.toLowerCase(Locale.ROOT);
  }

  /**
   * Tells whether a text is a domain name the check accepts.
   *
   * @param domain the text
   * @return true when {@link DomainName#of} takes it
   */
  public static boolean valid(String domain) {
    try {
      DomainName.of(domain);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
