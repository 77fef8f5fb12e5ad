package dev.mailpath.diag.core.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * IPv4 and IPv6 address literals parsed by this library alone: the text is turned into bytes here
 * and handed to {@link InetAddress#getByAddress(byte[])}, so no string ever reaches the JDK's name
 * service (which would treat anything it cannot read as a host name and look it up).
 *
 * <p>IPv4: exactly four decimal octets 0 to 255 without leading zeros ({@code 010.0.0.1} is
 * ambiguous between octal and decimal readings and refused). IPv6: RFC 4291 §2.2 text form, eight
 * groups of one to four hex digits, at most one {@code ::}, an optional trailing dotted IPv4; no
 * zone index ({@code %eth0}: a zone means nothing off the local link).
 *
 * <p>What was written as IPv6 stays IPv6: {@code ::ffff:192.0.2.1} gives an {@link Inet6Address},
 * not the {@link Inet4Address} that {@link InetAddress#getByAddress(byte[])} would make of an
 * IPv4-mapped address, so that an address literal keeps the family its writer chose.
 */
public final class IpLiterals {
  private IpLiterals() {}

  /**
   * Parses an IPv4 or IPv6 literal; IPv6 may stand in brackets.
   *
   * @param text the literal
   * @return the address, or empty when {@code text} is not a literal
   */
  public static Optional<InetAddress> parse(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    String t = text;
    if (t.length() > 2 && t.charAt(0) == '[' && t.charAt(t.length() - 1) == ']') {
      return parseIpv6(t.substring(1, t.length() - 1)).map(a -> a);
    }
    if (t.indexOf(':') >= 0) {
      return parseIpv6(t).map(a -> a);
    }
    return parseIpv4(t).map(a -> a);
  }

  /**
   * Parses a dotted-quad IPv4 literal (no brackets).
   *
   * @param text the literal
   * @return the address, or empty when {@code text} is not an IPv4 literal
   */
  public static Optional<Inet4Address> parseIpv4(String text) {
    byte[] bytes = text == null ? null : parseV4(text);
    return bytes == null ? Optional.empty() : Optional.of((Inet4Address) toAddress(bytes));
  }

  /**
   * Parses an IPv6 literal without brackets, including the forms with a trailing dotted IPv4.
   *
   * @param text the literal
   * @return the address, or empty when {@code text} is not an IPv6 literal
   */
  public static Optional<Inet6Address> parseIpv6(String text) {
    byte[] bytes = text == null ? null : parseV6(text);
    if (bytes == null) {
      return Optional.empty();
    }
    try {
      // Inet6Address.getByAddress keeps an IPv4-mapped address as IPv6 (see the class comment).
      return Optional.of(Inet6Address.getByAddress(null, bytes, -1));
    } catch (UnknownHostException e) {
      // Thrown only for a wrong length, which parseV6 never produces.
      throw new IllegalStateException(e);
    }
  }

  /**
   * Tells whether a text is an IPv4 or IPv6 literal (IPv6 optionally in brackets).
   *
   * @param text the text
   * @return {@code true} for a literal
   */
  public static boolean isLiteral(String text) {
    return parse(text).isPresent();
  }

  private static InetAddress toAddress(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      // getByAddress throws only for a wrong length, which the parsers never produce.
      throw new IllegalStateException(e);
    }
  }

  /** Returns the four bytes of a dotted quad, or null. */
  static byte[] parseV4(String s) {
    if (s.length() < 7 || s.length() > 15) {
      return null;
    }
    byte[] out = new byte[4];
    int part = 0;
    int value = -1;
    int digits = 0;
    for (int i = 0; i <= s.length(); i++) {
      char c = i < s.length() ? s.charAt(i) : '.';
      if (c >= '0' && c <= '9') {
        if (digits > 0 && value == 0) {
          return null; // leading zero
        }
        value = (value < 0 ? 0 : value * 10) + (c - '0');
        if (++digits > 3 || value > 255) {
          return null;
        }
      } else if (c == '.') {
        if (digits == 0 || part == 4) {
          return null;
        }
        out[part++] = (byte) value;
        value = -1;
        digits = 0;
      } else {
        return null;
      }
    }
    return part == 4 ? out : null;
  }

  /** Returns the sixteen bytes of an IPv6 text form, or null. */
  static byte[] parseV6(String s) {
    if (s.length() < 2 || s.length() > 45) {
      return null;
    }
    int[] groups = new int[8];
    int count = 0;
    int gap = -1; // index in groups where "::" stands
    int i = 0;
    int n = s.length();
    if (s.startsWith("::")) {
      gap = 0;
      i = 2;
      if (i == n) {
        return new byte[16];
      }
    } else if (s.charAt(0) == ':') {
      return null;
    }
    while (i < n) {
      int start = i;
      int value = 0;
      while (i < n && Character.digit(s.charAt(i), 16) >= 0 && i - start < 5) {
        value = value * 16 + Character.digit(s.charAt(i), 16);
        i++;
      }
      int len = i - start;
      if (i < n && s.charAt(i) == '.') {
        // A trailing dotted IPv4 fills the last two groups.
        byte[] v4 = parseV4(s.substring(start));
        if (v4 == null || count > 6) {
          return null;
        }
        groups[count++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
        groups[count++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
        i = n;
        break;
      }
      if (len == 0 || len > 4 || count == 8) {
        return null;
      }
      groups[count++] = value;
      if (i == n) {
        break;
      }
      if (s.charAt(i) != ':') {
        return null;
      }
      i++;
      if (i < n && s.charAt(i) == ':') {
        if (gap >= 0) {
          return null; // a second "::"
        }
        gap = count;
        i++;
        if (i == n) {
          break;
        }
      } else if (i == n) {
        return null; // a single trailing colon
      }
    }
    if (gap < 0 ? count != 8 : count > 7) {
      return null;
    }
    byte[] out = new byte[16];
    int zeros = 8 - count;
    int g = 0;
    for (int k = 0; k < 8; k++) {
      int v;
      if (gap >= 0 && k >= gap && k < gap + zeros) {
        v = 0;
      } else {
        v = groups[g++];
      }
      out[2 * k] = (byte) (v >>> 8);
      out[2 * k + 1] = (byte) v;
    }
    return out;
  }
}
