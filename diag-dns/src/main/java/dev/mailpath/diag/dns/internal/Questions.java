package dev.mailpath.diag.dns.internal;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DomainName;
import dev.mailpath.diag.core.internal.Addresses;
import dev.mailpath.diag.dns.AddressFamily;
import dev.mailpath.diag.dns.RecordType;
import java.net.InetSocketAddress;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/** Argument checks and text shared by the DNS clients and their engines. */
public final class Questions {
  private Questions() {}

  /**
   * Parses a name for the wire: {@code .} (or the empty string) is the root; anything else goes
   * through {@link DomainName#of} (checked syntax, A-labels for Unicode).
   *
   * @param name the name as given
   * @return the absolute name
   * @throws IllegalArgumentException when the name is malformed
   */
  public static Name toName(String name) {
    requireNonNull(name, "name");
    if (name.equals(".") || name.isEmpty()) {
      return Name.root;
    }
    String ascii = DomainName.of(name).ascii();
    try {
      return Name.fromString(ascii, Name.root);
    } catch (TextParseException e) {
      // DomainName already checked the syntax; dnsjava disagreeing is our bug.
      throw new IllegalStateException("dnsjava rejected a checked name: " + ascii, e);
    }
  }

  /**
   * Checks that a type can be asked with one query.
   *
   * @param type the type
   * @throws IllegalArgumentException when it cannot
   */
  public static void checkType(RecordType type) {
    requireNonNull(type, "type");
    if (!type.askable()) {
      throw new IllegalArgumentException(
          "type "
              + type
              + " cannot be asked with a single query; ask for MX, A, AAAA, NS, SOA, TXT, ...");
    }
  }

  /**
   * Formats a server the way dig does: {@code 127.0.0.1#5353}, {@code ::1#53}.
   *
   * @param a the server
   * @return the text
   */
  public static String hostPort(InetSocketAddress a) {
    return (a.isUnresolved() ? a.getHostString() : Addresses.format(a.getAddress()))
        + "#"
        + a.getPort();
  }

  /**
   * Names an address family for people.
   *
   * @param f the family
   * @return {@code IPv4}, {@code IPv6} or {@code IPv4 and IPv6}
   */
  public static String familyText(AddressFamily f) {
    return f == AddressFamily.BOTH ? "IPv4 and IPv6" : f == AddressFamily.IPV4 ? "IPv4" : "IPv6";
  }
}
