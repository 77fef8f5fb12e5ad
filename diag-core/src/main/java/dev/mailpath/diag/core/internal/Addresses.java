package dev.mailpath.diag.core.internal;

import dev.mailpath.diag.core.IpAddressText;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Former home of the address formatting that is now public as {@link IpAddressText}; kept as a
 * delegate so that the modules still calling it need not change in the same commit. New code calls
 * {@link IpAddressText}.
 */
public final class Addresses {
  private Addresses() {}

  /**
   * Formats an address; see {@link IpAddressText#format(InetAddress)}.
   *
   * @param address the address
   * @return the text form
   */
  public static String format(InetAddress address) {
    return IpAddressText.format(address);
  }

  /**
   * Formats an address and port; see {@link IpAddressText#format(InetSocketAddress)}.
   *
   * @param address the socket address
   * @return the text form
   */
  public static String format(InetSocketAddress address) {
    return IpAddressText.format(address);
  }
}
