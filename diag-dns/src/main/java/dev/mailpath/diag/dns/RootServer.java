package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DomainName;
import dev.mailpath.diag.core.internal.Addresses;
import dev.mailpath.diag.core.internal.Checks;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One root name server as the root hints list it: its letter, its name and its IPv4 and IPv6
 * addresses, plus the port it answers on (53 for the real roots; another for a test lab).
 *
 * <pre>{@code
 * RootServer b = RootServer.of("B", "b.root-servers.net", "170.247.170.2", "2801:1b8:10::b");
 * b.addresses(AddressFamily.BOTH);   // [170.247.170.2:53, [2801:1b8:10::b]:53]
 * }</pre>
 *
 * @param letter the letter, upper case ({@code A} to {@code M} for the real roots; a short label
 *     for a private root)
 * @param name the server's name, lower case, absolute with the final dot ({@code
 *     b.root-servers.net.})
 * @param ipv4 the IPv4 address, when it has one
 * @param ipv6 the IPv6 address, when it has one
 * @param port the port for UDP and TCP, 53 for the real roots
 */
public record RootServer(
    String letter, String name, Optional<InetAddress> ipv4, Optional<InetAddress> ipv6, int port) {

  /**
   * Validates the components and normalises letter and name case.
   *
   * @param letter the letter, upper case ({@code A} to {@code M} for the real roots; a short label
   *     for a private root)
   * @param name the server's name, lower case, absolute with the final dot ({@code
   *     b.root-servers.net.})
   * @param ipv4 the IPv4 address, when it has one
   * @param ipv6 the IPv6 address, when it has one
   * @param port the port for UDP and TCP, 53 for the real roots
   * @throws IllegalArgumentException when the letter is blank or longer than 8 characters, the name
   *     is malformed, an address is of the wrong family, neither address is given, or the port is
   *     outside 1 to 65535
   */
  public RootServer {
    requireNonNull(letter, "letter");
    requireNonNull(name, "name");
    requireNonNull(ipv4, "ipv4");
    requireNonNull(ipv6, "ipv6");
    letter = letter.trim().toUpperCase(Locale.ROOT);
    if (letter.isEmpty()
        || letter.length() > 8
        || !letter.chars().allMatch(Character::isLetterOrDigit)) {
      throw new IllegalArgumentException(
          "letter must be 1 to 8 letters or digits, such as B: \"" + letter + "\"");
    }
    name = DomainName.of(name).ascii() + ".";
    if (ipv4.isPresent() && !(ipv4.get() instanceof Inet4Address)) {
      throw new IllegalArgumentException("ipv4 must be an IPv4 address: " + ipv4.get());
    }
    if (ipv6.isPresent() && !(ipv6.get() instanceof Inet6Address)) {
      throw new IllegalArgumentException("ipv6 must be an IPv6 address: " + ipv6.get());
    }
    if (ipv4.isEmpty() && ipv6.isEmpty()) {
      throw new IllegalArgumentException("a root server needs an IPv4 or an IPv6 address: " + name);
    }
    Checks.port("port", port);
  }

  /**
   * Creates a root server on port 53 from address literals (never looked up).
   *
   * @param letter the letter
   * @param name the name
   * @param ipv4 an IPv4 literal, or {@code null} for none
   * @param ipv6 an IPv6 literal, or {@code null} for none
   * @return the server
   * @throws IllegalArgumentException when a literal is not an address of its family
   */
  public static RootServer of(String letter, String name, String ipv4, String ipv6) {
    return new RootServer(
        letter,
        name,
        Optional.ofNullable(literal("ipv4", ipv4, false)),
        Optional.ofNullable(literal("ipv6", ipv6, true)),
        53);
  }

  /**
   * Returns a copy listening on another port, for a lab whose roots do not use port 53.
   *
   * @param newPort the port, 1 to 65535
   * @return the copy
   */
  public RootServer withPort(int newPort) {
    return new RootServer(letter, name, ipv4, ipv6, newPort);
  }

  /**
   * Returns the socket addresses of the given families, IPv4 first.
   *
   * @param family which families
   * @return the addresses with this server's port; empty when it has none of that family
   */
  public List<InetSocketAddress> addresses(AddressFamily family) {
    requireNonNull(family, "family");
    List<InetSocketAddress> out = new ArrayList<>(2);
    if (family.includesIpv4()) {
      ipv4.ifPresent(a -> out.add(new InetSocketAddress(a, port)));
    }
    if (family.includesIpv6()) {
      ipv6.ifPresent(a -> out.add(new InetSocketAddress(a, port)));
    }
    return List.copyOf(out);
  }

  /**
   * Returns {@code B b.root-servers.net. 170.247.170.2 2801:1b8:10::b}, with {@code #port} unless
   * 53.
   */
  @Override
  public String toString() {
    return letter
        + " "
        + name
        + ipv4.map(a -> " " + Addresses.format(a)).orElse("")
        + ipv6.map(a -> " " + Addresses.format(a)).orElse("")
        + (port == 53 ? "" : " #" + port);
  }

  static InetAddress literal(String parameter, String text, boolean v6) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    // Only a literal of the expected shape reaches getByName, so no name lookup can happen.
    boolean shape =
        v6
            ? t.indexOf(':') >= 0 && t.matches("[0-9A-Fa-f:.]+")
            : t.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    try {
      if (shape) {
        InetAddress a = InetAddress.getByName(t);
        if (v6 == (a instanceof Inet6Address)) {
          return a;
        }
      }
    } catch (UnknownHostException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(
        parameter + " must be an " + (v6 ? "IPv6" : "IPv4") + " address literal: \"" + text + "\"");
  }
}
