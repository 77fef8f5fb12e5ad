package dev.mailpath.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.examples.DemoZones;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The picocli-free path for plain {@code mx} runs behaves exactly as picocli's. */
class FastMxTest {
  static LocalDnsZoneServer dns;

  @BeforeAll
  static void start() {
    dns = LocalDnsZoneServer.builder().zone(DemoZones.exampleCom()).start();
  }

  @AfterAll
  static void stop() {
    dns.close();
  }

  record Run(Integer code, String out, String err) {}

  interface Cli {
    Integer run(String[] args, PrintStream out, PrintStream err);
  }

  static Run run(Cli cli, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Integer code =
        cli.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, normalise(out), normalise(err));
  }

  /**
   * Timings and the order in which concurrent lookups finished differ from run to run; everything
   * else must not.
   */
  static String normalise(ByteArrayOutputStream s) {
    return s.toString(StandardCharsets.UTF_8)
        .replaceAll("\\d+ ms", "N ms")
        .replaceAll("\"startedAt\" ?: ?\"[^\"]*\"", "\"startedAt\":\"T\"")
        .replaceAll("\"elapsed\" ?: ?[0-9.]+", "\"elapsed\":T")
        .replaceAll("(?s)\"lookups\" ?: ?\\[.*?\\]", "\"lookups\":[...]");
  }

  @Test
  void plainMxCommandLines_printTheSameAsPicocli() {
    String server = "127.0.0.1:" + dns.port();
    List<String[]> lines = new ArrayList<>();
    lines.add(new String[] {"mx", "example.com", "--dns", server});
    lines.add(new String[] {"mx", "--dns=" + server, "example.com", "nomail.example.com"});
    lines.add(new String[] {"mx", "example.com", "web.example.com", "--dns", server, "--brief"});
    lines.add(new String[] {"mx", "example.com", "--dns", server, "--format", "jsonl"});
    lines.add(new String[] {"mx", "example.com", "--dns", server, "--json", "--ipv4"});
    lines.add(new String[] {"mx", "example.com", "--dns", server, "--timeout", "2s"});
    lines.add(new String[] {"mx", "bad..name", "--dns", server});
    lines.add(new String[] {"mx", "example.com", "--dns", "not-an-ip"});
    lines.add(new String[] {"mx", "example.com", "--dns", server, "--format", "yaml"});
    lines.add(new String[] {"mx", "example.com", "--dns", server, "--timeout", "soon"});
    for (String[] args : lines) {
      Run fast = run(FastMx::run, args);
      Run picocli = run(MailpathCli::runPicocli, args);

      assertThat(fast.code()).as(String.join(" ", args)).isNotNull();
      assertThat(fast).as(String.join(" ", args)).isEqualTo(picocli);
    }
  }

  @Test
  void anythingElse_isLeftToPicocli() {
    for (String line :
        List.of(
            "mx",
            "mx --help",
            "mx -h example.com",
            "mx --version",
            "mx --input domains.txt",
            "mx example.com --format json --format text",
            "mx example.com --json --json",
            "mx example.com --dns",
            "mx example.com --dns --json",
            "mx @args.txt",
            "mx example.com --json=true",
            "mx example.com --unknown",
            "mx example.com -- --dns",
            "smtp 127.0.0.1",
            "--help")) {
      assertThat(FastMx.parse(line.split(" "))).as(line).isNull();
    }
  }
}
