package dev.mailpath.diag.examples;

import dev.mailpath.diag.dns.MxReport;
import dev.mailpath.diag.dns.MxResolver;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The field guide's first move, {@code nslookup} with {@code set type=mx}, as a program.
 *
 * <p>Without arguments it starts an embedded DNS server with a demo zone on loopback and looks up a
 * healthy domain and four broken ones, so it runs without a network. With arguments it asks a real
 * server:
 *
 * <pre>
 * MxLookup                                  # the embedded demo
 * MxLookup --server 127.0.0.1:5353 example.org example.net
 * </pre>
 */
public final class MxLookup {
  private MxLookup() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--server ip:port] domain...}; none for the embedded demo
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
    InetSocketAddress server = null;
    List<String> domains = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--server") && i + 1 < args.length) {
        server = parseServer(args[++i]);
      } else {
        domains.add(args[i]);
      }
    }
    if (domains.isEmpty()) {
      try (LocalDnsZoneServer dns =
          LocalDnsZoneServer.builder().zone(DemoZones.exampleCom()).start()) {
        out.println("Embedded demo zone example.com served on " + hostPort(dns.address()));
        lookup(
            dns.address(),
            List.of(
                "example.com",
                "nomail.example.com",
                "web.example.com",
                "broken.example.com",
                "aliased.example.com"),
            out);
      }
    } else {
      lookup(server, domains, out);
    }
  }

  private static void lookup(InetSocketAddress server, List<String> domains, PrintStream out) {
    MxResolver resolver =
        MxResolver.builder()
            .dns(
                d -> {
                  d.timeout(Duration.ofSeconds(2));
                  if (server != null) {
                    d.server(server);
                  }
                })
            .build();
    for (String domain : domains) {
      out.println();
      out.println("> set type=mx");
      out.println("> " + domain);
      MxReport report = resolver.resolve(domain);
      out.println(report);
    }
  }

  private static InetSocketAddress parseServer(String s) {
    int colon = s.lastIndexOf(':');
    String host = colon > 0 && !s.endsWith("]") ? s.substring(0, colon) : s;
    int port = colon > 0 && !s.endsWith("]") ? Integer.parseInt(s.substring(colon + 1)) : 53;
    host = host.replace("[", "").replace("]", "");
    try {
      // An IP literal is parsed without any lookup.
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(
          "--server must be an IP address with an optional port: " + s, e);
    }
  }

  private static String hostPort(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }
}
