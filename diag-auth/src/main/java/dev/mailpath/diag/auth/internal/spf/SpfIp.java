package dev.mailpath.diag.auth.internal.spf;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * IP literal parsing and CIDR matching for SPF, without ever asking a resolver: {@code ip4:} and
 * {@code ip6:} networks (RFC 7208 §5.6) and the A/AAAA answers of {@code a} and {@code mx}. Parsing
 * is strict: a dotted quad has four decimal octets without leading zeros; IPv6 is RFC 4291 §2.2
 * text with at most one {@code ::} and an optional dotted quad at the end.
 */
public final class SpfIp {
  private SpfIp() {}

  /**
   * Parses a dotted quad.
   *
   * @param s the text
   * @return the four bytes, or null when it is not a strict dotted quad
   */
  public static byte[] parse4(CharSequence s) {
    return parse4(s, 0, s.length());
  }

  private static byte[] parse4(CharSequence s, int from, int to) {
    byte[] out = new byte[4];
    int part = 0;
    int i = from;
    while (part < 4) {
      int start = i;
      int v = 0;
      while (i < to && i - start < 4 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        v = v * 10 + (s.charAt(i) - '0');
        i++;
      }
      int len = i - start;
      if (len == 0 || len > 3 || v > 255 || (len > 1 && s.charAt(start) == '0')) {
        return null;
      }
      out[part++] = (byte) v;
      if (part < 4) {
        if (i >= to || s.charAt(i) != '.') {
          return null;
        }
        i++;
      }
    }
    return i == to ? out : null;
  }

  /**
   * Parses IPv6 text.
   *
   * @param s the text
   * @return the sixteen bytes, or null when it is not IPv6 text
   */
  public static byte[] parse6(CharSequence s) {
    int n = s.length();
    if (n < 2 || n > 45) {
      return null;
    }
    int[] groups = new int[8];
    int count = 0;
    int gap = -1;
    int i = 0;
    if (s.charAt(0) == ':') {
      if (s.charAt(1) != ':') {
        return null;
      }
      gap = 0;
      i = 2;
      if (i == n) {
        return new byte[16];
      }
    }
    byte[] tail4 = null;
    while (i < n) {
      int start = i;
      int v = 0;
      while (i < n && i - start < 5 && Character.digit(s.charAt(i), 16) >= 0) {
        v = (v << 4) | Character.digit(s.charAt(i), 16);
        i++;
      }
      if (i < n && s.charAt(i) == '.') {
        // an embedded dotted quad ends the address
        if (count > 6) {
          return null;
        }
        tail4 = parse4(s, start, n);
        if (tail4 == null) {
          return null;
        }
        i = n;
        break;
      }
      int len = i - start;
      if (len == 0 || len > 4 || count >= 8) {
        return null;
      }
      groups[count++] = v;
      if (i == n) {
        break;
      }
      if (s.charAt(i) != ':') {
        return null;
      }
      i++;
      if (i < n && s.charAt(i) == ':') {
        if (gap >= 0) {
          return null;
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
    int total = count + (tail4 != null ? 2 : 0);
    if (gap < 0 ? total != 8 : total > 7) {
      return null;
    }
    byte[] out = new byte[16];
    int fill = 0;
    int before = gap < 0 ? count : gap;
    for (int g = 0; g < before; g++) {
      out[fill++] = (byte) (groups[g] >> 8);
      out[fill++] = (byte) groups[g];
    }
    if (gap >= 0) {
      fill += 2 * (8 - total);
    }
    for (int g = before; g < count; g++) {
      out[fill++] = (byte) (groups[g] >> 8);
      out[fill++] = (byte) groups[g];
    }
    if (tail4 != null) {
      System.arraycopy(tail4, 0, out, fill, 4);
    }
    return out;
  }

  /**
   * Returns the address bytes SPF compares, with an IPv4-mapped IPv6 address taken as IPv4 (RFC
   * 7208 §5).
   *
   * @param address the address
   * @return 4 or 16 bytes
   */
  public static byte[] spfBytes(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 16 && isMapped(b)) {
      byte[] v4 = new byte[4];
      System.arraycopy(b, 12, v4, 0, 4);
      return v4;
    }
    return b;
  }

  /**
   * Returns the SPF view of an address: IPv4 for an IPv4-mapped IPv6 address.
   *
   * @param address the address
   * @return the address to evaluate
   */
  public static InetAddress normalize(InetAddress address) {
    if (address instanceof Inet4Address) {
      return address;
    }
    byte[] b = address.getAddress();
    if (isMapped(b)) {
      try {
        return InetAddress.getByAddress(spfBytes(address));
      } catch (java.net.UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
    return address;
  }

  private static boolean isMapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  /**
   * Tells whether the first {@code bits} bits of two addresses of the same family agree.
   *
   * @param a one address
   * @param b the other
   * @param bits the prefix length
   * @return true when they are in the same network; false for different families
   */
  public static boolean matches(byte[] a, byte[] b, int bits) {
    if (a == null || b == null || a.length != b.length) {
      return false;
    }
    int full = bits / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != b[i]) {
        return false;
      }
    }
    int rest = bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[full] & mask) == (b[full] & mask);
  }

  /**
   * Writes an address the way {@code %{i}} expands (RFC 7208 §7.3): a dotted quad, or 32 dotted
   * lower-case nibbles for IPv6.
   *
   * @param b 4 or 16 bytes
   * @return the text
   */
  public static String macroText(byte[] b) {
    StringBuilder sb = new StringBuilder(64);
    if (b.length == 4) {
      for (int i = 0; i < 4; i++) {
        if (i > 0) {
          sb.append('.');
        }
        sb.append(b[i] & 0xff);
      }
      return sb.toString();
    }
    // Upper-case nibbles, as the RFC 7208 test suite's v-macro-ip6 explanation has them (RFC 7208
    // §7.4's example is lower case; DNS names compare case-insensitively, so only exp= text can
    // tell the two apart, and there the suite is what receivers are tested against).
    String hex = "0123456789ABCDEF";
    for (int i = 0; i < 16; i++) {
      if (i > 0) {
        sb.append('.');
      }
      sb.append(hex.charAt((b[i] >> 4) & 0xf)).append('.').append(hex.charAt(b[i] & 0xf));
    }
    return sb.toString();
  }

  /**
   * Returns the reverse-DNS name of an address, without the final dot.
   *
   * @param b 4 or 16 bytes
   * @return {@code 4.3.2.1.in-addr.arpa} or the nibble form under {@code ip6.arpa}
   */
  public static String reverseName(byte[] b) {
    String[] parts = macroText(b).split("\\.");
    StringBuilder sb = new StringBuilder(80);
    for (int i = parts.length - 1; i >= 0; i--) {
      sb.append(parts[i]).append('.');
    }
    return sb.append(b.length == 4 ? "in-addr.arpa" : "ip6.arpa").toString();
  }
}
