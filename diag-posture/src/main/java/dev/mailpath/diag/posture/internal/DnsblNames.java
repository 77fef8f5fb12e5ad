package dev.mailpath.diag.posture.internal;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DomainName;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The query names of RFC 5782: reversed IPv4 octets (§2.1), reversed IPv6 nibbles (§2.4), or the
 * domain itself (§3), followed by the list's zone. An IPv4-mapped IPv6 address ({@code
 * ::ffff:192.0.2.1}) is asked as the IPv4 address it carries.
 */
public final class DnsblNames {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private DnsblNames() {}

  /**
   * Returns the address to ask about: an IPv4-mapped IPv6 address becomes its IPv4 address, any
   * other address is returned as it is.
   *
   * @param address the address
   * @return the address lists are asked about
   */
  public static InetAddress normalize(InetAddress address) {
    requireNonNull(address, "address");
    if (address instanceof Inet6Address) {
      byte[] b = address.getAddress();
      boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = b[i] == 0;
      }
      if (mapped) {
        try {
          return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
          throw new IllegalStateException(e); // four bytes are always an address
        }
      }
    }
    return address;
  }

  /**
   * Returns the reversed form of an address, without the zone: {@code 2.0.0.127} for {@code
   * 127.0.0.2}, 32 nibbles for IPv6.
   *
   * @param address the address (normalized first)
   * @return the reversed labels, without a final dot
   */
  public static String reversed(InetAddress address) {
    InetAddress a = normalize(address);
    byte[] b = a.getAddress();
    StringBuilder sb = new StringBuilder(a instanceof Inet4Address ? 16 : 64);
    if (a instanceof Inet4Address) {
      for (int i = 3; i >= 0; i--) {
        sb.append(b[i] & 0xff);
        if (i > 0) {
          sb.append('.');
        }
      }
    } else {
      sb.append(nibbles(b));
    }
    return sb.toString();
  }

  /**
   * Returns the 32 reversed nibbles of an IPv6 address's bytes, as they are, without the mapping of
   * IPv4-mapped addresses to IPv4.
   *
   * @param b the 16 bytes
   * @return the nibbles, dot-separated, without a final dot
   */
  public static String nibbles(byte[] b) {
    if (b.length != 16) {
      throw new IllegalArgumentException("an IPv6 address has 16 bytes, not " + b.length);
    }
    StringBuilder sb = new StringBuilder(64);
    for (int i = 15; i >= 0; i--) {
      sb.append(HEX[b[i] & 0x0f]).append('.').append(HEX[(b[i] >> 4) & 0x0f]);
      if (i > 0) {
        sb.append('.');
      }
    }
    return sb.toString();
  }

  /**
   * Returns the query name of an address on an IP list.
   *
   * @param address the address
   * @param zone the list's zone
   * @return the name, checked, without a final dot
   * @throws IllegalArgumentException when the name would be too long
   */
  public static String forAddress(InetAddress address, String zone) {
    return check(reversed(address) + "." + zone, "address");
  }

  /**
   * Returns the query name of a domain on a domain list.
   *
   * @param domain the domain in A-label form
   * @param zone the list's zone
   * @return the name, checked, without a final dot
   * @throws IllegalArgumentException when the name would be too long (over 253 characters)
   */
  public static String forDomain(String domain, String zone) {
    return check(domain + "." + zone, "domain");
  }

  private static String check(String name, String parameter) {
    try {
      return DomainName.of(name).ascii();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          parameter + ": the query name " + name + " is not a valid domain name: " + e.getMessage(),
          e);
    }
  }
}
