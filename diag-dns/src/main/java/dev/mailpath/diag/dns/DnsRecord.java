package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * One resource record from a DNS reply, in zone-file terms: owner name, type, TTL and the data as
 * it would be written in a zone file (class IN is implied).
 *
 * <pre>{@code
 * DnsRecord mx = report.answer().get(0);
 * mx.name();      // "example.org."
 * mx.type();      // MX
 * mx.data();      // "10 mx1.example.org."
 * mx.target();    // Optional["mx1.example.org."]
 * }</pre>
 *
 * @param name the owner name, absolute with the final dot ({@code example.org.}; the root is {@code
 *     .}), as the server sent it
 * @param type the record type; {@link RecordType#UNKNOWN} for types this library does not list,
 *     whose {@code data} then starts with the type's mnemonic, or its generic name for types nobody
 *     names ({@code TYPE65280 \# 2 abcd}, RFC 3597)
 * @param ttl the time to live the server gave
 * @param data the record data in zone-file presentation ({@code 10 mx1.example.org.}, {@code
 *     192.0.2.1})
 */
public record DnsRecord(String name, RecordType type, Duration ttl, String data) {

  /**
   * Validates the components.
   *
   * @param name the owner name, absolute with the final dot ({@code example.org.}; the root is
   *     {@code .}), as the server sent it
   * @param type the record type; {@link RecordType#UNKNOWN} for types this library does not list,
   *     whose {@code data} then starts with the type's mnemonic, or its generic name for types
   *     nobody names ({@code TYPE65280 \# 2 abcd}, RFC 3597)
   * @param ttl the time to live the server gave
   * @param data the record data in zone-file presentation ({@code 10 mx1.example.org.}, {@code
   *     192.0.2.1})
   */
  public DnsRecord {
    requireNonNull(name, "name");
    requireNonNull(type, "type");
    requireNonNull(ttl, "ttl");
    requireNonNull(data, "data");
    if (!name.endsWith(".")) {
      throw new IllegalArgumentException("name must be absolute, ending with a dot: " + name);
    }
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("ttl must not be negative: " + ttl);
    }
  }

  /**
   * Returns the address of an A or AAAA record, parsed from its data without any lookup.
   *
   * @return the address, or empty for other types
   */
  public Optional<InetAddress> address() {
    if (type != RecordType.A && type != RecordType.AAAA) {
      return Optional.empty();
    }
    String literal = data.trim();
    // Only a well-formed literal reaches getByName (a dotted quad, or text with a colon, which
    // the JDK parses as IPv6), so it never turns into a name lookup.
    boolean ok =
        type == RecordType.A
            ? literal.matches("\\d{1,3}(\\.\\d{1,3}){3}")
            : literal.indexOf(':') >= 0 && literal.matches("[0-9A-Fa-f:.]+");
    if (!ok) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(literal));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /**
   * Returns the host name a record points to: the target of NS, CNAME, DNAME and PTR records, the
   * exchange of an MX record, the target of an SRV record.
   *
   * @return the target, lower case, absolute with the final dot; empty for other types
   */
  public Optional<String> target() {
    String[] f = data.trim().split("\\s+");
    String t;
    switch (type) {
      case NS:
      case CNAME:
      case DNAME:
      case PTR:
        t = f[0];
        break;
      case MX:
        t = f.length >= 2 ? f[1] : null;
        break;
      case SRV:
        t = f.length >= 4 ? f[3] : null;
        break;
      default:
        t = null;
    }
    return Optional.ofNullable(t).map(s -> s.toLowerCase(Locale.ROOT));
  }

  /**
   * Returns the serial number of an SOA record.
   *
   * @return the serial, or empty for other types
   */
  public Optional<Long> soaSerial() {
    if (type != RecordType.SOA) {
      return Optional.empty();
    }
    String[] f = data.trim().split("\\s+");
    try {
      return f.length >= 3 ? Optional.of(Long.parseLong(f[2])) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Returns the zone-file line, as dig prints it: {@code example.org. 300 IN MX 10
   * mx1.example.org.}.
   */
  @Override
  public String toString() {
    String typeText = type == RecordType.UNKNOWN ? "" : type.name() + "\t";
    return name + "\t" + ttl.getSeconds() + "\tIN\t" + typeText + data;
  }
}
