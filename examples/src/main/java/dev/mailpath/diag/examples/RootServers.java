package dev.mailpath.diag.examples;

import dev.mailpath.diag.dns.AddressFamily;
import dev.mailpath.diag.dns.DelegationTrace;
import dev.mailpath.diag.dns.RecordType;
import dev.mailpath.diag.dns.RootServerQuery;
import java.io.PrintStream;
import java.io.UncheckedIOException;
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
 * example.com MX}, and traces the delegation. With {@code --internet} it asks the real roots:
 *
 * <pre>
 * RootServers                                   # the loopback lab
 * RootServers --internet example.org MX         # the thirteen IANA roots, IPv4 and IPv6
 * RootServers --internet --ipv4 example.org MX
 * </pre>
 */
public final class RootServers {
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
    String name = rest.isEmpty() ? (internet ? "example.org" : "example.com") : rest.get(0);
    RecordType type = rest.size() > 1 ? RecordType.of(rest.get(1)) : RecordType.MX;
    if (internet) {
      RootServerQuery roots = RootServerQuery.builder().addressFamily(family).alsoTcp(true).build();
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
    try (DemoLab lab = DemoLab.start()) {
      out.println(
          "Loopback lab: 13 roots on 127.0.1.1-13, com. on 127.0.7.1, example.com. on 127.0.7.2,"
              + " port "
              + lab.dnsPort());
      out.println();
      RootServerQuery roots =
          RootServerQuery.builder()
              .hints(lab.rootHints())
              .addressFamily(AddressFamily.IPV4)
              .dns(d -> d.timeout(Duration.ofSeconds(1)))
              .build();
      DelegationTrace trace =
          DelegationTrace.builder()
              .hints(lab.rootHints())
              .addressFamily(AddressFamily.IPV4)
              .port(
                  lab.dnsPort()) // delegations carry no port: send every referral to the lab's port
              .dns(d -> d.timeout(Duration.ofSeconds(1)))
              .build();
      show(roots, trace, name, type, out);
    } catch (UncheckedIOException e) {
      out.println(
          "Could not start the loopback lab (" + e.getMessage() + "); 127.0.1.x must be usable.");
    }
  }
}
