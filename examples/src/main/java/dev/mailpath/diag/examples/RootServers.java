package dev.mailpath.diag.examples;

import dev.mailpath.diag.dns.AddressFamily;
import dev.mailpath.diag.dns.DelegationTrace;
import dev.mailpath.diag.dns.RecordType;
import dev.mailpath.diag.dns.RootHints;
import dev.mailpath.diag.dns.RootServer;
import dev.mailpath.diag.dns.RootServerQuery;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The field guide's "ask a root server" move, as a program: what do the roots tell every sender
 * about a domain, are this machine's root hints current, and which servers does the delegation lead
 * to?
 *
 * <p>Without arguments it builds a lab on loopback (thirteen roots on 127.0.1.1 to 127.0.1.13, a
 * TLD server and the domain's server, all on one unprivileged port; C-root serves an older root
 * zone and K-root answers slowly) and runs the priming query, asks every root for {@code
 * example.org MX}, and traces the delegation. With {@code --internet} it asks the real roots:
 *
 * <pre>
 * RootServers                                   # the loopback lab
 * RootServers --internet example.org MX         # the thirteen IANA roots, IPv4 and IPv6
 * RootServers --internet --ipv4 example.org MX
 * </pre>
 */
public final class RootServers {
  private static final String[] LETTERS = {
    "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m"
  };

  private RootServers() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--internet [--ipv4|--ipv6] [name [type]]]}; none for the lab
   */
  public static void main(String[] args) {
    run(args, System.out);
  }

  /**
   * Runs the example, printing to {@code out}.
   *
   * @param args as for {@link #main}
   * @param out where to print
   */
  public static void run(String[] args, PrintStream out) {
    boolean internet = false;
    AddressFamily family = AddressFamily.BOTH;
    List<String> rest = new ArrayList<>();
    for (String a : args) {
      switch (a) {
        case "--internet" -> internet = true;
        case "--ipv4" -> family = AddressFamily.IPV4;
        case "--ipv6" -> family = AddressFamily.IPV6;
        default -> rest.add(a);
      }
    }
    String name = rest.isEmpty() ? "example.org" : rest.get(0);
    RecordType type = rest.size() > 1 ? RecordType.of(rest.get(1)) : RecordType.MX;
    if (internet) {
      RootServerQuery roots = RootServerQuery.builder().addressFamily(family).tcp(true).build();
      show(roots, DelegationTrace.builder().addressFamily(family).build(), name, type, out);
    } else {
      lab(name, type, out);
    }
  }

  private static void show(
      RootServerQuery roots, DelegationTrace trace, String name, RecordType type, PrintStream out) {
    out.println("> priming: are the root hints current?");
    out.println(roots.prime());
    out.println();
    out.println("> every root, " + name + " " + type + ", without recursion");
    out.println(roots.ask(name, type));
    out.println();
    out.println("> the delegation, root to authoritative server");
    out.println(trace.trace(name, type));
  }

  private static void lab(String name, RecordType type, PrintStream out) {
    List<LocalDnsZoneServer> servers = new ArrayList<>();
    try {
      int port = 0;
      for (int i = 1; i <= 13; i++) {
        LocalDnsZoneServer.Builder b =
            LocalDnsZoneServer.builder()
                .zone(rootZone(i == 3 ? 2026112700L : 2026112800L))
                .bindAddress(address("127.0.1." + i))
                .port(port);
        if (i == 11) {
          b.fault(DnsFault.delay(Duration.ofMillis(300)));
        }
        LocalDnsZoneServer s = b.start();
        servers.add(s);
        port = s.port();
      }
      servers.add(
          LocalDnsZoneServer.builder()
              .zone(ORG)
              .bindAddress(address("127.0.7.1"))
              .port(port)
              .start());
      servers.add(
          LocalDnsZoneServer.builder()
              .zone(EXAMPLE_ORG)
              .bindAddress(address("127.0.7.2"))
              .port(port)
              .start());
      List<RootServer> hints = new ArrayList<>();
      for (int i = 1; i <= 13; i++) {
        hints.add(
            RootServer.of(
                    LETTERS[i - 1], LETTERS[i - 1] + ".root-servers.lab", "127.0.1." + i, null)
                .withPort(port));
      }
      out.println(
          "Loopback lab: 13 roots on 127.0.1.1-13, org. on 127.0.7.1, example.org. on 127.0.7.2,"
              + " port "
              + port);
      out.println();
      RootHints labHints = RootHints.of(hints);
      RootServerQuery roots =
          RootServerQuery.builder()
              .hints(labHints)
              .addressFamily(AddressFamily.IPV4)
              .timeout(Duration.ofSeconds(1))
              .build();
      DelegationTrace trace =
          DelegationTrace.builder()
              .hints(labHints)
              .addressFamily(AddressFamily.IPV4)
              .port(port) // delegations carry no port: send every referral to the lab's port
              .timeout(Duration.ofSeconds(1))
              .build();
      show(roots, trace, name, type, out);
    } catch (UncheckedIOException e) {
      out.println(
          "Could not start the loopback lab (" + e.getMessage() + "); 127.0.1.x must be usable.");
    } finally {
      servers.forEach(LocalDnsZoneServer::close);
    }
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal); // an IP literal: parsed, never looked up
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static String rootZone(long serial) {
    StringBuilder sb = new StringBuilder("$ORIGIN .\n$TTL 86400\n");
    sb.append("@ SOA a.root-servers.lab. nstld.lab. ")
        .append(serial)
        .append(" 1800 900 604800 86400\n");
    for (String l : LETTERS) {
      sb.append("@ 518400 NS ").append(l).append(".root-servers.lab.\n");
    }
    for (int i = 1; i <= 13; i++) {
      sb.append(LETTERS[i - 1])
          .append(".root-servers.lab. 518400 A 127.0.1.")
          .append(i)
          .append('\n');
    }
    sb.append("org. 172800 NS ns1.nic.org.\nns1.nic.org. 172800 A 127.0.7.1\n");
    return sb.toString();
  }

  private static final String ORG =
      """
      $ORIGIN org.
      $TTL 86400
      @            SOA ns1.nic.org. hostmaster.nic.org. 1 3600 600 86400 300
      @            NS  ns1.nic.org.
      ns1.nic      A   127.0.7.1
      example      NS  ns1.example.org.
      ns1.example  A   127.0.7.2
      """;

  private static final String EXAMPLE_ORG =
      """
      $ORIGIN example.org.
      $TTL 300
      @     SOA ns1 hostmaster 2026112801 3600 600 86400 300
      @     NS  ns1
      ns1   A   127.0.7.2
      @     MX  10 mail1
      @     MX  20 mail2
      mail1 A   127.0.0.1
      mail2 A   127.0.0.2
      """;
}
