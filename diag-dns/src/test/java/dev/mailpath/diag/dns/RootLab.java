package dev.mailpath.diag.dns;

import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A fake DNS hierarchy on loopback, all on one port: thirteen roots on 127.0.1.1 to 127.0.1.13, a
 * TLD server for org. and net. on 127.0.7.1, a server for the mail domains on 127.0.7.2, a server
 * that refuses everything (lame) on 127.0.7.3, and one that refers back to the root zone (an upward
 * referral) on 127.0.7.4. 127.0.7.9 never listens. Every address in every zone is a loopback
 * address, so nothing ever leaves the machine.
 */
final class RootLab implements AutoCloseable {
  static final long SERIAL = 2026112800L;
  static final String[] LETTERS = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m"};

  final List<LocalDnsZoneServer> roots = new ArrayList<>();
  final List<LocalDnsZoneServer> others = new ArrayList<>();
  LocalDnsZoneServer tld;
  LocalDnsZoneServer domains;
  int port;

  private RootLab() {}

  /** Starts a lab with the same root zone on every root. */
  static RootLab start() {
    return start(Map.of(), Map.of());
  }

  /**
   * Starts a lab.
   *
   * @param rootZones root zone text by root index (1 to 13) for roots that serve a different one
   * @param customize extra builder settings by root index
   */
  static RootLab start(
      Map<Integer, String> rootZones,
      Map<Integer, Consumer<LocalDnsZoneServer.Builder>> customize) {
    UncheckedIOException last = null;
    // Bind the first root on an ephemeral port, the rest on the same port; if another process
    // holds that port on one of the addresses, start over with a new one.
    for (int attempt = 0; attempt < 5; attempt++) {
      RootLab lab = new RootLab();
      try {
        for (int i = 1; i <= 13; i++) {
          LocalDnsZoneServer.Builder b =
              LocalDnsZoneServer.builder()
                  .zone(rootZones.getOrDefault(i, rootZone(SERIAL)))
                  .bindAddress(address("127.0.1." + i))
                  .port(lab.port);
          customize.getOrDefault(i, x -> {}).accept(b);
          LocalDnsZoneServer s = b.start();
          lab.roots.add(s);
          lab.port = s.port();
        }
        lab.tld =
            lab.other(LocalDnsZoneServer.builder().zone(orgZone()).zone(netZone()), "127.0.7.1");
        lab.domains =
            lab.other(
                LocalDnsZoneServer.builder()
                    .zone(exampleOrg("mx1", "mx2"))
                    .zone(exampleNet())
                    .zone(gluelessOrg())
                    .zone(lameOrg()),
                "127.0.7.2");
        lab.other(LocalDnsZoneServer.builder(), "127.0.7.3");
        lab.other(LocalDnsZoneServer.builder().zone(rootZone(SERIAL)), "127.0.7.4");
        return lab;
      } catch (UncheckedIOException e) {
        last = e;
        lab.close();
      }
    }
    throw last;
  }

  private LocalDnsZoneServer other(LocalDnsZoneServer.Builder b, String address) {
    LocalDnsZoneServer s = b.bindAddress(address(address)).port(port).start();
    others.add(s);
    return s;
  }

  /** The lab's roots as hints (port included). */
  RootHints hints() {
    List<RootServer> list = new ArrayList<>();
    for (int i = 1; i <= 13; i++) {
      list.add(
          RootServer.of(LETTERS[i - 1], LETTERS[i - 1] + ".root-servers.lab", "127.0.1." + i, null)
              .withPort(port));
    }
    return RootHints.of(list);
  }

  /** Hints for some roots only, by index (1 to 13). */
  RootHints hints(int... indexes) {
    List<RootServer> list = new ArrayList<>();
    for (int i : indexes) {
      list.add(hints().servers().get(i - 1));
    }
    return RootHints.of(list);
  }

  LocalDnsZoneServer root(int index) {
    return roots.get(index - 1);
  }

  InetSocketAddress at(String address) {
    return new InetSocketAddress(address(address), port);
  }

  @Override
  public void close() {
    roots.forEach(LocalDnsZoneServer::close);
    others.forEach(LocalDnsZoneServer::close);
  }

  static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal); // an IP literal: parsed, never looked up
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  // ------------------------------------------------------------------ zones

  static String rootZone(long serial) {
    return rootZone(serial, "ns1.nic.org.", "127.0.7.1", "");
  }

  static String rootZone(long serial, String orgServer, String orgAddress, String extra) {
    StringBuilder sb = new StringBuilder();
    sb.append("$ORIGIN .\n$TTL 86400\n");
    sb.append("@ SOA a.root-servers.lab. nstld.lab. ")
        .append(serial)
        .append(" 1800 900 604800 86400\n");
    for (int i = 1; i <= 13; i++) {
      sb.append("@ 518400 NS ").append(LETTERS[i - 1]).append(".root-servers.lab.\n");
    }
    for (int i = 1; i <= 13; i++) {
      sb.append(LETTERS[i - 1])
          .append(".root-servers.lab. 518400 A 127.0.1.")
          .append(i)
          .append('\n');
    }
    sb.append("org. 172800 NS ").append(orgServer).append('\n');
    sb.append(orgServer).append(" 172800 A ").append(orgAddress).append('\n');
    sb.append("net. 172800 NS ns1.nic.org.\n");
    sb.append(extra);
    return sb.toString();
  }

  static String orgZone() {
    return """
    $ORIGIN org.
    $TTL 86400
    @            SOA ns1.nic.org. hostmaster.nic.org. 1 3600 600 86400 300
    @            NS  ns1.nic.org.
    ns1.nic      A   127.0.7.1
    example      NS  ns1.example.org.
    ns1.example  A   127.0.7.2
    lame         NS  ns1.lame.org.
    lame         NS  ns2.lame.org.
    ns1.lame     A   127.0.7.3
    ns2.lame     A   127.0.7.2
    alllame      NS  ns1.alllame.org.
    ns1.alllame  A   127.0.7.3
    loop         NS  ns1.loop.org.
    ns1.loop     A   127.0.7.4
    glueless     NS  ns1.example.net.
    dead         NS  ns1.dead.org.
    ns1.dead     A   127.0.7.9
    noglue       NS  ns1.noglue.org.
    cyc-a        NS  ns1.cyc-b.org.
    cyc-b        NS  ns1.cyc-a.org.
    """;
  }

  static String netZone() {
    return """
    $ORIGIN net.
    $TTL 86400
    @            SOA ns1.nic.org. hostmaster.nic.org. 1 3600 600 86400 300
    @            NS  ns1.nic.org.
    example      NS  ns1.example.net.
    ns1.example  A   127.0.7.2
    """;
  }

  static String exampleOrg(String first, String second) {
    return """
    $ORIGIN example.org.
    $TTL 300
    @     SOA ns1 hostmaster 2026112801 3600 600 86400 300
    @     NS  ns1
    ns1   A   127.0.7.2
    @     MX  10 %s
    @     MX  20 %s
    %s    A   127.0.8.1
    %s    A   127.0.8.2
    www   CNAME web.example.net.
    oob   MX  10 mx1
    """
        .formatted(first, second, first, second);
  }

  static String exampleNet() {
    return """
    $ORIGIN example.net.
    $TTL 300
    @     SOA ns1 hostmaster 1 3600 600 86400 300
    @     NS  ns1
    ns1   A   127.0.7.2
    web   A   127.0.8.3
    """;
  }

  static String gluelessOrg() {
    return """
    $ORIGIN glueless.org.
    $TTL 300
    @     SOA ns1.example.net. hostmaster.example.net. 1 3600 600 86400 300
    @     NS  ns1.example.net.
    @     MX  10 mail
    mail  A   127.0.8.4
    """;
  }

  static String lameOrg() {
    return """
    $ORIGIN lame.org.
    $TTL 300
    @     SOA ns2 hostmaster 1 3600 600 86400 300
    @     NS  ns1
    @     NS  ns2
    ns1   A   127.0.7.3
    ns2   A   127.0.7.2
    @     MX  10 mail
    mail  A   127.0.8.5
    """;
  }
}
