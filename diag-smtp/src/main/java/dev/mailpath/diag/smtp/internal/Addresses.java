package dev.mailpath.diag.smtp.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** IP literals, parsed without ever asking the system resolver. */
public final class Addresses {
  private static final Pattern V4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]+(%[0-9A-Za-z_.-]+)?");

  private Addresses() {}

  /**
   * Parses an IPv4 or IPv6 literal (IPv6 optionally in brackets).
   *
   * @param host the host as given
   * @return the address, or empty when {@code host} is not a literal
   */
  public static Optional<InetAddress> parseLiteral(String host) {
    String h = host;
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    try {
      if (V4.matcher(h).matches()) {
        String[] p = h.split("\\.");
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
          b[i] = (byte) Integer.parseInt(p[i]);
        }
        return Optional.of(InetAddress.getByAddress(b));
      }
      if (h.indexOf(':') >= 0 && V6.matcher(h).matches()) {
        // A literal: InetAddress parses it without a lookup (only names go to the resolver).
        return Optional.of(InetAddress.getByName(h));
      }
    } catch (UnknownHostException | IllegalArgumentException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * Tells whether a host is an IP literal.
   *
   * @param host the host
   * @return {@code true} for IPv4 and IPv6 literals
   */
  public static boolean isLiteral(String host) {
    return parseLiteral(host).isPresent();
  }
}
