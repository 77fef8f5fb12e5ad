package dev.mailpath.diag.core;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.internal.Checks;
import dev.mailpath.diag.core.internal.IpLiterals;
import dev.mailpath.diag.core.internal.Printable;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * A server to connect to: a host (a domain name or an IP address literal) and a port. The one
 * parser of "host and port" text in mailpath, so the same string gets the same answer in every
 * entry point, the API and the command line alike.
 *
 * <pre>{@code
 * HostAndPort.parse("mx.example.org", 25);        // mx.example.org:25
 * HostAndPort.parse("mx.example.org:2525", 25);   // mx.example.org:2525
 * HostAndPort.parse("192.0.2.7:587", 25);         // 192.0.2.7:587
 * HostAndPort.parse("[2001:db8::1]:2525", 25);    // [2001:db8::1]:2525
 * HostAndPort.parse("2001:db8::1", 25);           // [2001:db8::1]:25 (no port: all of it is the address)
 * HostAndPort.of("mx.example.org", 25);           // host and port given apart
 * }</pre>
 *
 * <p>IP literals are read by this library without the JDK's name service, so a literal never causes
 * a DNS lookup. Host names are checked and converted to A-labels by {@link DomainName}. Surrounding
 * white space is an error, not trimmed: a stray space usually means a copy-and-paste slip the
 * caller wants to hear about. Immutable; equal when host and port are equal.
 */
public final class HostAndPort {
  private final String host;
  private final int port;
  private final InetAddress address;
  private final DomainName name;

  private HostAndPort(String host, int port, InetAddress address, DomainName name) {
    this.host = host;
    this.port = port;
    this.address = address;
    this.name = name;
  }

  /**
   * Checks a host and a port given apart.
   *
   * @param host a host name, an IPv4 literal, or an IPv6 literal with or without brackets
   * @param port the port, 1 to 65535
   * @return the checked value
   * @throws IllegalArgumentException naming the problem
   * @throws NullPointerException when {@code host} is null
   */
  public static HostAndPort of(String host, int port) {
    requireNonNull(host, "host");
    Checks.port("port", port);
    Optional<InetAddress> literal = IpLiterals.parse(host);
    if (literal.isPresent()) {
      return new HostAndPort(IpAddressText.format(literal.get()), port, literal.get(), null);
    }
    if (host.startsWith("[")) {
      throw new IllegalArgumentException(
          "host \""
              + Printable.escape(host)
              + "\" is in brackets but is not an IPv6 address (only IPv6 literals take brackets)");
    }
    if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException(
          "host \""
              + Printable.escape(host)
              + "\" contains ':' but is not an IPv6 address; give the port apart or use"
              + " host:port with HostAndPort.parse");
    }
    DomainName name = hostName(host);
    return new HostAndPort(name.ascii(), port, null, name);
  }

  /**
   * Parses {@code host}, {@code host:port}, {@code [ipv6]} or {@code [ipv6]:port}; a bare IPv6
   * address is taken whole as the host.
   *
   * @param text the text
   * @param defaultPort the port when the text names none
   * @return the checked value
   * @throws IllegalArgumentException naming the problem: empty, white space, a port that is not a
   *     number from 1 to 65535, a malformed host
   * @throws NullPointerException when {@code text} is null
   */
  public static HostAndPort parse(String text, int defaultPort) {
    requireNonNull(text, "text");
    Checks.port("defaultPort", defaultPort);
    if (text.isEmpty()) {
      throw new IllegalArgumentException("host is empty");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            "host \""
                + Printable.escape(text)
                + "\" contains white space or a control character at index "
                + i);
      }
    }
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException(
            "host \"" + Printable.escape(text) + "\" opens '[' without closing ']'");
      }
      String inside = text.substring(0, close + 1);
      String rest = text.substring(close + 1);
      if (rest.isEmpty()) {
        return of(inside, defaultPort);
      }
      if (!rest.startsWith(":")) {
        throw new IllegalArgumentException(
            "expected ':port' after ']' in \"" + Printable.escape(text) + "\"");
      }
      return of(inside, port(rest.substring(1), text));
    }
    int first = text.indexOf(':');
    if (first < 0) {
      return of(text, defaultPort);
    }
    if (first != text.lastIndexOf(':')) {
      // Two or more colons: only an IPv6 address can be meant; a port needs brackets.
      if (IpLiterals.isLiteral(text)) {
        return of(text, defaultPort);
      }
      throw new IllegalArgumentException(
          "\""
              + Printable.escape(text)
              + "\" is not an IPv6 address; write an IPv6 address with a port as [address]:port");
    }
    return of(text.substring(0, first), port(text.substring(first + 1), text));
  }

  private static int port(String digits, String text) {
    // ASCII digits only: Character.isDigit and Integer.parseInt also take other scripts' digits.
    if (digits.isEmpty()
        || digits.length() > 5
        || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(
          "port \""
              + Printable.escape(digits)
              + "\" in \""
              + Printable.escape(text)
              + "\" is not a number from 1 to 65535");
    }
    return Checks.port("port", Integer.parseInt(digits));
  }

  private static DomainName hostName(String host) {
    try {
      return DomainName.of(host);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("host " + e.getMessage(), e);
    }
  }

  /**
   * Returns the host as sent on the wire: the A-label form of a name, or an IP address in its
   * canonical text form (RFC 5952 for IPv6), without brackets.
   *
   * @return the host
   */
  public String host() {
    return host;
  }

  /**
   * Returns the port.
   *
   * @return 1 to 65535
   */
  public int port() {
    return port;
  }

  /**
   * Returns the address when the host is an IP literal.
   *
   * @return the address, or empty for a host name
   */
  public Optional<InetAddress> address() {
    return Optional.ofNullable(address);
  }

  /**
   * Returns the host name when the host is not an IP literal.
   *
   * @return the name, or empty for a literal
   */
  public Optional<DomainName> name() {
    return Optional.ofNullable(name);
  }

  /**
   * Tells whether the host is an IP address literal (which never needs DNS).
   *
   * @return {@code true} for a literal
   */
  public boolean isLiteral() {
    return address != null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HostAndPort h && h.port == port && h.host.equals(host);
  }

  @Override
  public int hashCode() {
    return Objects.hash(host, port);
  }

  /**
   * Returns {@code host:port}, with IPv6 literals in brackets ({@code [::1]:2525}), the form {@link
   * #parse} reads back.
   *
   * @return the text form
   */
  @Override
  public String toString() {
    return (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port;
  }
}
