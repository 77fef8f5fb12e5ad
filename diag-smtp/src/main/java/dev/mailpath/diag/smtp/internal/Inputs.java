package dev.mailpath.diag.smtp.internal;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.MailAddress;
import dev.mailpath.diag.core.internal.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The argument checks every diag-smtp entry point shares, so that the same input gets the same
 * answer everywhere: addresses through {@link MailAddress#of}, names and command arguments free of
 * line breaks (nothing from a bad argument ever reaches the wire).
 */
public final class Inputs {
  private Inputs() {}

  /**
   * Checks a mail address strictly.
   *
   * @param name the parameter name, for the message
   * @param value the address text
   * @return the address
   * @throws IllegalArgumentException naming the parameter and the problem
   */
  public static MailAddress mailAddress(String name, String value) {
    requireNonNull(value, name);
    // Line breaks first: they are the injection risk, and the message must say so plainly.
    Checks.noLineBreaks(name, value);
    try {
      return MailAddress.of(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Tells whether a sender text means the null reverse-path (RFC 5321 §4.5.5).
   *
   * @param address the text
   * @return {@code true} for {@code ""} and {@code <>}
   */
  public static boolean nullSender(String address) {
    return address.isEmpty() || address.equals("<>");
  }

  /**
   * Checks a host name or address literal argument (EHLO name, expected TLS name).
   *
   * @param name the parameter name
   * @param value the value
   * @return the value, stripped
   * @throws IllegalArgumentException when blank, with spaces, over 255 characters, or holding CR,
   *     LF or NUL
   */
  public static String domainArg(String name, String value) {
    Checks.noLineBreaks(name, value);
    String v = value.strip();
    if (v.isEmpty() || v.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          name + " must be a non-blank name without spaces: '" + value + "'");
    }
    if (v.length() > 255) {
      throw new IllegalArgumentException(name + " is longer than 255 characters");
    }
    return v;
  }

  /**
   * Checks a command argument.
   *
   * @param name the parameter name
   * @param value the value
   * @return the value
   * @throws IllegalArgumentException when blank or holding CR, LF or NUL
   */
  public static String nonBlank(String name, String value) {
    Checks.noLineBreaks(name, value);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }

  /**
   * Splits header lines of the form {@code Name: value}.
   *
   * @param headerLines the lines
   * @return names and values, in order
   * @throws IllegalArgumentException on a line without a colon or with CR, LF or NUL
   */
  public static List<Map.Entry<String, String>> headerEntries(List<String> headerLines) {
    requireNonNull(headerLines, "headerLines");
    List<Map.Entry<String, String>> entries = new ArrayList<>();
    for (String line : headerLines) {
      Checks.noLineBreaks("header line", line);
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("header line must look like 'Name: value': " + line);
      }
      entries.add(Map.entry(line.substring(0, colon).strip(), line.substring(colon + 1).strip()));
    }
    return entries;
  }

  /** RFC 5321 §4.5.3.1.4: a command line is at most 512 octets, CRLF included. */
  public static final int MAX_COMMAND_LINE = 512;

  /** RFC 5321 §4.5.3.1.6 and RFC 5322 §2.1.1: a text line is at most 1,000 octets with CRLF. */
  public static final int MAX_TEXT_LINE = 1000;

  /** RFC 4954 §4: a server accepts SASL lines (AUTH and responses) of 12,288 octets with CRLF. */
  public static final int MAX_SASL_LINE = 12288;

  /**
   * Checks that a command line fits the 512-octet limit before anything is sent.
   *
   * @param name the parameter that made the line
   * @param line the command line, without CRLF
   * @return the line
   * @throws IllegalArgumentException naming the parameter and the limit when it does not fit
   */
  public static String commandLine(String name, String line) {
    int octets = octets(line) + 2;
    if (octets > MAX_COMMAND_LINE) {
      throw new IllegalArgumentException(
          name
              + " makes a command line of "
              + octets
              + " octets; RFC 5321 §4.5.3.1.4 allows "
              + MAX_COMMAND_LINE
              + " octets, CRLF included");
    }
    return line;
  }

  /**
   * Builds the MAIL FROM line as {@code TransactionPhase} sends it (before an SMTPUTF8 parameter)
   * and checks its length.
   *
   * @param path the reverse path, in angle brackets
   * @param params the ESMTP parameters
   * @throws IllegalArgumentException naming {@code params} (or {@code address}) and the limit
   */
  public static void mailLine(String path, List<String> params) {
    String line = "MAIL FROM:" + path + (params.isEmpty() ? "" : " " + String.join(" ", params));
    // Room for " SMTPUTF8", which the conversation may add.
    commandLine(params.isEmpty() ? "address" : "params", line + " SMTPUTF8");
  }

  /**
   * Returns the length of a text in UTF-8 octets.
   *
   * @param s the text
   * @return the octets
   */
  public static int octets(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
