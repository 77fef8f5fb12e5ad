package dev.mailpath.diag.core;

import static java.util.Objects.requireNonNull;

import java.net.IDN;
import java.util.Locale;

/**
 * A syntactically valid domain name, checked before any query is sent, in both its Unicode form (as
 * given) and its ASCII form (A-labels, RFC 5890) for the wire.
 *
 * <pre>{@code
 * DomainName d = DomainName.of("bücher.example");
 * d.ascii();    // "xn--bcher-kva.example"
 * }</pre>
 *
 * <p><b>IDN policy.</b> The JDK's {@link IDN} implements IDNA2003, while registries apply IDNA2008
 * (RFC 5891). The two agree on almost every name; they disagree on four "deviation" characters
 * ({@code ß}, final sigma {@code ς}, ZERO WIDTH JOINER and NON-JOINER), which IDNA2003 maps away
 * and IDNA2008 keeps. Rather than silently query a different name than a registry would, names with
 * those characters are rejected; pass the A-label ({@code xn--...}) instead. Labels that are
 * already ASCII are only lower-cased.
 *
 * <p>Rules: at most 253 octets without the final dot, labels of 1 to 63 octets, letters, digits,
 * hyphens and underscores (underscores appear in SRV and DKIM owner names), no hyphen at either end
 * of a label, no spaces or control characters, and not an IP address. Immutable.
 */
public final class DomainName {
  private static final int MAX_NAME = 253;
  private static final int MAX_LABEL = 63;

  private final String given;
  private final String ascii;

  private DomainName(String given, String ascii) {
    this.given = given;
    this.ascii = ascii;
  }

  /**
   * Checks and converts a domain name.
   *
   * @param name a name such as {@code example.org}, {@code Example.ORG.} or {@code bücher.example}
   * @return the checked name
   * @throws IllegalArgumentException naming the problem: empty, a space or control character, an
   *     empty label, a label over 63 octets, a name over 253 octets, a character not allowed in a
   *     host name, an IP address, or an IDNA2003/2008 deviation character
   * @throws NullPointerException when {@code name} is null
   */
  public static DomainName of(String name) {
    requireNonNull(name, "name");
    String trimmed =
        name.endsWith(".") && name.length() > 1 ? name.substring(0, name.length() - 1) : name;
    if (trimmed.isEmpty() || trimmed.equals(".")) {
      throw new IllegalArgumentException("domain name is empty: \"" + name + "\"");
    }
    for (int i = 0; i < trimmed.length(); i++) {
      char c = trimmed.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            "domain name contains "
                + describe(c)
                + " at index "
                + i
                + ": \""
                + escape(name)
                + "\"");
      }
      if (c == '\u00df' || c == '\u03c2' || c == '\u200c' || c == '\u200d') {
        throw new IllegalArgumentException(
            "domain name contains "
                + describe(c)
                + ", which IDNA2003 and IDNA2008 convert differently; pass the A-label (xn--...)"
                + " form instead: \""
                + name
                + "\"");
      }
    }
    String[] labels = trimmed.split("\\.", -1);
    StringBuilder out = new StringBuilder(trimmed.length() + 8);
    for (int i = 0; i < labels.length; i++) {
      String label = labels[i];
      if (label.isEmpty()) {
        throw new IllegalArgumentException(
            "domain name has an empty label (\"..\" or a leading dot): \"" + name + "\"");
      }
      String a = toAsciiLabel(label, name);
      if (a.length() > MAX_LABEL) {
        throw new IllegalArgumentException(
            "label \""
                + shorten(a)
                + "\" is "
                + a.length()
                + " octets; at most 63 are allowed: \""
                + shorten(name)
                + "\"");
      }
      if (a.startsWith("-") || a.endsWith("-")) {
        throw new IllegalArgumentException(
            "label \"" + a + "\" starts or ends with a hyphen: \"" + name + "\"");
      }
      if (i > 0) {
        out.append('.');
      }
      out.append(a);
    }
    String ascii = out.toString();
    if (ascii.length() > MAX_NAME) {
      throw new IllegalArgumentException(
          "domain name is "
              + ascii.length()
              + " octets; at most 253 are allowed: \""
              + shorten(name)
              + "\"");
    }
    if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException(
          "\""
              + name
              + "\" looks like an IP address, not a domain name; its last label is all digits");
    }
    return new DomainName(name, ascii);
  }

  private static String toAsciiLabel(String label, String name) {
    boolean asciiOnly = label.chars().allMatch(c -> c < 0x80);
    String a;
    if (asciiOnly) {
      a = label.toLowerCase(Locale.ROOT);
    } else {
      try {
        a = IDN.toASCII(label, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "label \""
                + label
                + "\" is not a valid internationalised label ("
                + e.getMessage()
                + "): \""
                + name
                + "\"",
            e);
      }
    }
    for (int i = 0; i < a.length(); i++) {
      char c = a.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!ok) {
        throw new IllegalArgumentException(
            "domain name contains "
                + describe(c)
                + ", which is not allowed in a host name: \""
                + escape(name)
                + "\"");
      }
    }
    return a;
  }

  private static String describe(char c) {
    if (c == '\r') {
      return "CR";
    }
    if (c == '\n') {
      return "LF";
    }
    if (c == ' ') {
      return "a space";
    }
    if (c == 0) {
      return "NUL";
    }
    return String.format(
        "'%s' (U+%04X)", Character.isISOControl(c) ? "?" : String.valueOf(c), (int) c);
  }

  private static String escape(String s) {
    return s.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
  }

  private static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  /**
   * Returns the name as given (without a final dot).
   *
   * @return the name as the caller wrote it
   */
  public String given() {
    return given.endsWith(".") && given.length() > 1
        ? given.substring(0, given.length() - 1)
        : given;
  }

  /**
   * Returns the ASCII (A-label) form, lower case, without a final dot: what goes on the wire.
   *
   * @return the ASCII form
   */
  public String ascii() {
    return ascii;
  }

  /**
   * Returns the Unicode form (U-labels) of the ASCII name.
   *
   * @return the Unicode form, lower case
   */
  public String unicode() {
    return IDN.toUnicode(ascii, IDN.ALLOW_UNASSIGNED);
  }

  /**
   * Tells whether the name has internationalised labels.
   *
   * @return {@code true} when any label is an A-label
   */
  public boolean isInternationalized() {
    for (String label : ascii.split("\\.")) {
      if (label.startsWith("xn--")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DomainName d && d.ascii.equals(ascii);
  }

  @Override
  public int hashCode() {
    return ascii.hashCode();
  }

  /** Returns the ASCII form. */
  @Override
  public String toString() {
    return ascii;
  }
}
