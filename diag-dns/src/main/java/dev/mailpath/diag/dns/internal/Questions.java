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
   * Builds a name from any labels the DNS can carry: 1 to 63 printable ASCII characters each (0x20
   * to 0x7E; a dot only as the separator), 255 octets in all on the wire; a final dot is optional.
   * Case is kept. For SPF's domain-specs, which may hold any visible character (RFC 7208 §7.1).
   *
   * @param name the name
   * @return the name, absolute
   * @throws IllegalArgumentException naming the problem when a label is empty, too long or holds a
   *     character outside printable ASCII, or the name is too long
   */
  public static Name toAnyName(String name) {
    requireNonNull(name, "name");
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    if (n.isEmpty()) {
      return Name.root;
    }
    java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream(n.length() + 2);
    int start = 0;
    for (int i = 0; i <= n.length(); i++) {
      if (i < n.length() && n.charAt(i) != '.') {
        char c = n.charAt(i);
        if (c < 0x20 || c > 0x7e) {
          throw new IllegalArgumentException(
              "name holds a character outside printable ASCII at position " + i + ": " + name);
        }
        continue;
      }
      int len = i - start;
      if (len == 0) {
        throw new IllegalArgumentException("empty label in name: " + name);
      }
      if (len > 63) {
        throw new IllegalArgumentException("label longer than 63 characters in name: " + name);
      }
      wire.write(len);
      for (int j = start; j < i; j++) {
        wire.write(n.charAt(j));
      }
      start = i + 1;
    }
    wire.write(0);
    if (wire.size() > 255) {
      throw new IllegalArgumentException("name longer than 255 octets: " + name);
    }
    try {
      return new Name(new org.xbill.DNS.DNSInput(wire.toByteArray()));
    } catch (org.xbill.DNS.WireParseException e) {
      throw new IllegalStateException("dnsjava rejected a checked name: " + name, e);
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
