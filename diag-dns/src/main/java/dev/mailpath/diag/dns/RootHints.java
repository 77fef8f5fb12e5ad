package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.internal.Addresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The list of root name servers a diagnosis starts from: the thirteen IANA roots by default, or any
 * other list (a private root, or a test lab whose roots listen on loopback addresses and other
 * ports).
 *
 * <pre>{@code
 * RootHints.iana().servers().size();               // 13
 * RootHints.iana().find("B").orElseThrow().ipv4(); // Optional[/170.247.170.2]
 * RootHints lab = RootHints.of(List.of(
 *     RootServer.of("A", "a.root.lab", "127.0.1.1", null).withPort(5353)));
 * RootHints fromFile = RootHints.fromHintsFile(Files.readString(Path.of("/usr/share/dns/root.hints")));
 * }</pre>
 *
 * <p>The built-in list follows IANA's root hints file ({@code named.root}) for root zone version
 * 2024041801: B-root was renumbered on 27 November 2023 to 170.247.170.2 and 2801:1b8:10::b; a
 * resolver still primed with its old addresses depends on them staying in service. {@link
 * RootServerQuery#prime()} compares hints with what the roots say now.
 *
 * <p>Immutable and thread-safe.
 */
public final class RootHints {

  /** The IANA root zone version the built-in list matches. */
  public static final String IANA_ROOT_ZONE_VERSION = "2024041801";

  private static final RootHints IANA =
      new RootHints(
          List.of(
              RootServer.of("A", "a.root-servers.net", "198.41.0.4", "2001:503:ba3e::2:30"),
              RootServer.of("B", "b.root-servers.net", "170.247.170.2", "2801:1b8:10::b"),
              RootServer.of("C", "c.root-servers.net", "192.33.4.12", "2001:500:2::c"),
              RootServer.of("D", "d.root-servers.net", "199.7.91.13", "2001:500:2d::d"),
              RootServer.of("E", "e.root-servers.net", "192.203.230.10", "2001:500:a8::e"),
              RootServer.of("F", "f.root-servers.net", "192.5.5.241", "2001:500:2f::f"),
              RootServer.of("G", "g.root-servers.net", "192.112.36.4", "2001:500:12::d0d"),
              RootServer.of("H", "h.root-servers.net", "198.97.190.53", "2001:500:1::53"),
              RootServer.of("I", "i.root-servers.net", "192.36.148.17", "2001:7fe::53"),
              RootServer.of("J", "j.root-servers.net", "192.58.128.30", "2001:503:c27::2:30"),
              RootServer.of("K", "k.root-servers.net", "193.0.14.129", "2001:7fd::1"),
              RootServer.of("L", "l.root-servers.net", "199.7.83.42", "2001:500:9f::42"),
              RootServer.of("M", "m.root-servers.net", "202.12.27.33", "2001:dc3::35")),
          "IANA root hints, root zone " + IANA_ROOT_ZONE_VERSION);

  /**
   * Addresses the real roots used before they were renumbered: still found in old hints files and
   * firewall rules. Only for explaining a difference; never asked.
   */
  private static final Map<String, String> FORMER_ADDRESSES = formerAddresses();

  private final List<RootServer> servers;
  private final String source;

  private RootHints(List<RootServer> servers, String source) {
    this.servers = List.copyOf(servers);
    this.source = source;
  }

  private static Map<String, String> formerAddresses() {
    Map<String, String> m = new HashMap<>();
    m.put("199.9.14.201", "B");
    m.put("2001:500:200::b", "B");
    m.put("192.228.79.201", "B");
    m.put("2001:500:84::b", "B");
    m.put("128.9.0.107", "B");
    m.put("128.8.10.90", "D");
    m.put("128.63.2.53", "H");
    m.put("2001:500:1::803f:235", "H");
    m.put("198.41.0.10", "J");
    m.put("198.32.64.12", "L");
    m.put("2001:500:3::42", "L");
    return Map.copyOf(m);
  }

  /**
   * Returns the thirteen IANA root servers, A to M, with their current IPv4 and IPv6 addresses on
   * port 53.
   *
   * @return the built-in hints
   */
  public static RootHints iana() {
    return IANA;
  }

  /**
   * Creates hints from a list of servers (a private root or a test lab).
   *
   * @param servers the servers, in the order to list them
   * @return the hints
   * @throws IllegalArgumentException when the list is empty or two servers share a letter or name
   */
  public static RootHints of(List<RootServer> servers) {
    requireNonNull(servers, "servers");
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("servers must name at least one root server");
    }
    List<String> letters = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (RootServer s : servers) {
      requireNonNull(s, "servers element");
      if (letters.contains(s.letter()) || names.contains(s.name())) {
        throw new IllegalArgumentException(
            "servers lists " + s.letter() + " / " + s.name() + " twice");
      }
      letters.add(s.letter());
      names.add(s.name());
    }
    return new RootHints(servers, "custom root hints");
  }

  /**
   * Reads a root hints file in zone-file form, such as IANA's {@code named.root} or Debian's {@code
   * /usr/share/dns/root.hints}: {@code . NS} records naming the roots and their {@code A} and
   * {@code AAAA} records. Comments ({@code ;}) and blank lines are skipped; letters come from a
   * one-character first label ({@code B.ROOT-SERVERS.NET.} is B), else from the order of the NS
   * records.
   *
   * @param text the file's text
   * @return the hints, in the order of the NS records
   * @throws IllegalArgumentException naming the line when a record cannot be read, a root has no
   *     address, or there are no NS records
   */
  public static RootHints fromHintsFile(String text) {
    requireNonNull(text, "text");
    Map<String, String[]> byName = new LinkedHashMap<>(); // name -> [ipv4, ipv6]
    String[] lines = text.split("\r?\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int semi = line.indexOf(';');
      if (semi >= 0) {
        line = line.substring(0, semi);
      }
      line = line.trim();
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\\s+");
      // owner [ttl] [class] type data
      int t = 1;
      if (t < f.length && f[t].chars().allMatch(Character::isDigit)) {
        t++;
      }
      if (t < f.length && f[t].equalsIgnoreCase("IN")) {
        t++;
      }
      if (t + 1 >= f.length) {
        throw new IllegalArgumentException(
            "text line " + (i + 1) + " is not a record: \"" + lines[i].trim() + "\"");
      }
      String owner = f[0].toLowerCase(Locale.ROOT);
      String type = f[t].toUpperCase(Locale.ROOT);
      String data = f[t + 1];
      switch (type) {
        case "NS":
          if (!owner.equals(".")) {
            throw new IllegalArgumentException(
                "text line " + (i + 1) + ": NS records must belong to \".\"");
          }
          byName.putIfAbsent(absolute(data), new String[2]);
          break;
        case "A":
          addresses(byName, owner, i)[0] = data;
          break;
        case "AAAA":
          addresses(byName, owner, i)[1] = data;
          break;
        default:
          throw new IllegalArgumentException(
              "text line "
                  + (i + 1)
                  + " has type "
                  + type
                  + "; a hints file holds only NS, A and AAAA");
      }
    }
    if (byName.isEmpty()) {
      throw new IllegalArgumentException("text holds no \". NS\" records");
    }
    List<RootServer> servers = new ArrayList<>();
    int index = 0;
    for (Map.Entry<String, String[]> e : byName.entrySet()) {
      String name = e.getKey();
      String first = name.substring(0, name.indexOf('.'));
      String letter =
          first.length() == 1 ? first : String.valueOf((char) ('A' + Math.min(index, 25)));
      String[] addr = e.getValue();
      if (addr[0] == null && addr[1] == null) {
        throw new IllegalArgumentException(
            "text names root " + name + " but gives no A or AAAA record for it");
      }
      servers.add(RootServer.of(letter, name, addr[0], addr[1]));
      index++;
    }
    return new RootHints(servers, "root hints file");
  }

  private static String[] addresses(Map<String, String[]> byName, String owner, int line) {
    // A hints file lists NS before the addresses; tolerate the reverse order as well.
    return byName.computeIfAbsent(absolute(owner), k -> new String[2]);
  }

  private static String absolute(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n : n + ".";
  }

  /**
   * Returns the servers, in hint order.
   *
   * @return the servers
   */
  public List<RootServer> servers() {
    return servers;
  }

  /**
   * Finds a server by letter ({@code B}) or name ({@code b.root-servers.net}), case-insensitively.
   *
   * @param letterOrName the letter or name
   * @return the server, or empty
   */
  public Optional<RootServer> find(String letterOrName) {
    requireNonNull(letterOrName, "letterOrName");
    String key = letterOrName.trim().toLowerCase(Locale.ROOT);
    String abs = key.endsWith(".") ? key : key + ".";
    return servers.stream()
        .filter(s -> s.letter().equalsIgnoreCase(key) || s.name().equals(abs))
        .findFirst();
  }

  /**
   * Returns every address of the given families, server by server, IPv4 first.
   *
   * @param family which families
   * @return the socket addresses
   */
  public List<InetSocketAddress> addresses(AddressFamily family) {
    List<InetSocketAddress> out = new ArrayList<>();
    servers.forEach(s -> out.addAll(s.addresses(family)));
    return List.copyOf(out);
  }

  /**
   * Returns a copy whose servers all listen on another port, for a lab of roots on one port.
   *
   * @param port the port, 1 to 65535
   * @return the copy
   */
  public RootHints withPort(int port) {
    return new RootHints(servers.stream().map(s -> s.withPort(port)).toList(), source);
  }

  /**
   * Describes where these hints came from: the IANA list, a hints file, or a custom list.
   *
   * @return the source
   */
  public String source() {
    return source;
  }

  /**
   * Tells which root server used an address before being renumbered (for example {@code
   * 199.9.14.201}, B-root until 2023).
   *
   * @param address an address
   * @return the letter of the root that used it, or empty when it is not a known former address
   */
  public static Optional<String> formerRootAddress(InetAddress address) {
    requireNonNull(address, "address");
    return Optional.ofNullable(FORMER_ADDRESSES.get(Addresses.format(address)));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RootHints h && h.servers.equals(servers);
  }

  @Override
  public int hashCode() {
    return servers.hashCode();
  }

  /**
   * Returns one line per server, as a hints file would list them, after a line naming the source.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("; root hints (").append(source).append(")");
    for (RootServer s : servers) {
      sb.append('\n').append(s);
    }
    return sb.toString();
  }
}
