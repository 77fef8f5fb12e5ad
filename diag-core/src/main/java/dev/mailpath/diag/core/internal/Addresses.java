package dev.mailpath.diag.core.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Prints addresses the way people write them: IPv6 compressed per RFC 5952. */
public final class Addresses {
  private Addresses() {}

  /**
   * Formats an address: dotted quad for IPv4, RFC 5952 text for IPv6 ({@code ::1}, {@code
   * 2001:db8::1}), never a host name and never a lookup.
   *
   * @param address the address
   * @return the text form
   */
  public static String format(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address.getHostAddress();
    }
    byte[] b = address.getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    // RFC 5952 §4.2: the longest run of two or more zero groups becomes "::", the first if tied.
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
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.toString();
  }

  /**
   * Formats an address and port as {@code 127.0.0.1:53} or {@code [::1]:53}.
   *
   * @param address the socket address
   * @return the text form
   */
  public static String format(InetSocketAddress address) {
    if (address.isUnresolved()) {
      return address.getHostString() + ":" + address.getPort();
    }
    String host = format(address.getAddress());
    return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host)
        + ":"
        + address.getPort();
  }
}
