package dev.mailpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two exchanges at one address: their per-address findings are printed once, JSON keeps both. */
class RepeatedFindingsTest {
  static LocalDnsZoneServer dns;

  @BeforeAll
  static void start() {
    dns =
        LocalDnsZoneServer.builder()
            .zone(
                """
                $ORIGIN shared.example.
                $TTL 3600
                @    SOA  ns1 hostmaster 1 3600 600 86400 300
                @    NS   ns1
                ns1  A    127.0.0.1
                @    MX   10 mx1
                @    MX   20 mx2
                mx1  A    127.0.0.1
                mx2  A    127.0.0.1
                """)
            .start();
  }

  @AfterAll
  static void stop() {
    dns.close();
  }

  static String run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    MailpathCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), err);
    return out.toString(StandardCharsets.UTF_8);
  }

  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void path_sameAddressForTwoExchanges_findingPrintedOnceWithBothExchanges() throws IOException {
    String[] args = {
      "path",
      "alice@shared.example",
      "--dns",
      "127.0.0.1:" + dns.port(),
      "--port",
      String.valueOf(closedPort()),
      "--from",
      "me@example.net"
    };

    String text = run(args);
    String brief = run(concat(args, "--brief"));
    String json = run(concat(args, "--format", "jsonl"));

    assertThat(text)
        .contains("smtp.connect.refused: mx1.shared.example, mx2.shared.example [127.0.0.1]:")
        .contains("exchange=mx1.shared.example, mx2.shared.example")
        .doesNotContain("smtp.connect.refused: mx2.shared.example [127.0.0.1]");
    assertThat(count(text, "smtp.connect.refused:")).isEqualTo(1);
    assertThat(brief).contains("mx1.shared.example, mx2.shared.example [127.0.0.1]");
    // The report itself is unchanged: one finding per exchange in JSON.
    assertThat(json)
        .contains("mx1.shared.example [127.0.0.1]: Connection to 127.0.0.1:")
        .contains("mx2.shared.example [127.0.0.1]: Connection to 127.0.0.1:");
  }

  static String[] concat(String[] a, String... more) {
    String[] all = java.util.Arrays.copyOf(a, a.length + more.length);
    System.arraycopy(more, 0, all, a.length, more.length);
    return all;
  }

  static int count(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
