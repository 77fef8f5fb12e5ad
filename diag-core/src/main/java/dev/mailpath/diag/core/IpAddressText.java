package dev.mailpath.diag.core;

import static java.util.Objects.requireNonNull;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Writes IP addresses the way people and mail servers write them: dotted quads for IPv4 and the
 * canonical text form of RFC 5952 for IPv6 (lower case, leading zeros dropped, the longest run of
 * zero groups as {@code ::}), never a host name and never a DNS lookup. Every mailpath report,
 * transcript and JSON document prints addresses through it, so one address always reads the same.
 *
 * <pre>{@code
 * IpAddressText.format(InetAddress.getByName("2001:db8:0:0:0:0:0:1"));      // "2001:db8::1"
 * IpAddressText.format(new InetSocketAddress(InetAddress.getLoopbackAddress(), 2525));
 *                                                                            // "127.0.0.1:2525"
 * IpAddressText.format(new InetSocketAddress("::1", 53));                    // "[::1]:53"
 * }</pre>
 *
 * <p>An IPv6 address that maps an IPv4 address ({@code ::ffff:0:0/96}) ends in the dotted form
 * ({@code ::ffff:192.0.2.1}), as RFC 5952 §5 recommends. A scope (zone) of an IPv6 address is left
 * out: it means nothing off the local link. Stateless and thread-safe.
 */
public final class IpAddressText {
  private IpAddressText() {}

  /**
   * Formats an address: a dotted quad for IPv4, RFC 5952 text for IPv6 ({@code ::1}, {@code
   * 2001:db8::1}). Never looks up a name, even when the address was created with one.
   *
   * @param address the address
   * @return the text form, without brackets
   * @throws NullPointerException when {@code address} is null
   */
  public static String format(InetAddress address) {
    requireNonNull(address, "address");
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address || b.length == 4) {
      return dottedQuad(b, 0);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    if (isIpv4Mapped(groups)) {
      return "::ffff:" + dottedQuad(b, 12);
    }
    // RFC 5952 §4.2.2 and §4.2.3: the longest run of two or more zero groups becomes "::", the
    // first one when two runs are equally long; a single zero group stays "0".
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      // RFC 5952 §4.1 and §4.3: no leading zeros, lower-case hex digits.
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.toString();
  }

  /**
   * Formats an address and port as {@code 127.0.0.1:53} or {@code [::1]:53}, the form {@link
   * HostAndPort#parse} reads back. An unresolved socket address prints its host name as given.
   *
   * @param address the socket address
   * @return the text form
   * @throws NullPointerException when {@code address} is null
   */
  public static String format(InetSocketAddress address) {
    requireNonNull(address, "address");
    if (address.isUnresolved()) {
      // Never resolve here: printing must not cause a lookup.
      String host = address.getHostString();
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
    InetAddress a = address.getAddress();
    String host = format(a);
    return (a instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  private static boolean isIpv4Mapped(int[] groups) {
    for (int i = 0; i < 5; i++) {
      if (groups[i] != 0) {
        return false;
      }
    }
    return groups[5] == 0xffff;
  }

  private static String dottedQuad(byte[] b, int from) {
    return (b[from] & 0xff)
        + "."
        + (b[from + 1] & 0xff)
        + "."
        + (b[from + 2] & 0xff)
        + "."
        + (b[from + 3] & 0xff);
  }
}
