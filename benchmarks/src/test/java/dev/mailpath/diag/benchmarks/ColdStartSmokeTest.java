package dev.mailpath.diag.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the cold-start mode's two sides (the mailpath child's work, in this JVM, and the c-ares
 * script in node) on a few domains against the testkit's local zone server, so that both keep
 * resolving and verifying the timed domains after their warm-up. No timing is asserted.
 */
class ColdStartSmokeTest {
  static final int WARMUP = 20;
  static final int TIMED = 30;
  static LocalDnsZoneServer dns;

  @BeforeAll
  static void start() {
    dns = LocalDnsZoneServer.builder().zone(BenchZone.zoneText(WARMUP + TIMED)).start();
  }

  @AfterAll
  static void stop() {
    dns.close();
  }

  @Test
  void mailpathChild_warmupThenTimedDomains_allVerified() throws Exception {
    long launched = System.currentTimeMillis();

    ColdStart.Run r =
        ColdStart.parse("mailpath", ColdStart.childLine(dns.address(), WARMUP, TIMED, 5), launched);

    assertThat(r.verified()).isEqualTo(TIMED);
    assertThat(r.failed()).isZero();
    assertThat(r.queries()).isEqualTo(3L * TIMED);
    assertThat(r.startToFirstAnswerMillis()).isNotNegative();
  }

  @Test
  void caresScript_warmupThenTimedDomains_allVerified(@TempDir Path dir) throws Exception {
    assumeTrue(CaresClient.node().isPresent(), "node is not installed here");
    Path script = dir.resolve("cold-mx.js");
    Files.writeString(script, ColdStart.CARES_SCRIPT, StandardCharsets.UTF_8);
    Path list = dir.resolve("domains.txt");
    Files.write(list, BenchZone.domains(WARMUP + TIMED), StandardCharsets.UTF_8);
    String server = dns.address().getAddress().getHostAddress() + ":" + dns.address().getPort();

    ColdStart.Run r =
        ColdStart.runOnce(
            new ColdStart.Client(
                "c-ares",
                List.of(
                    CaresClient.node().get().toString(),
                    script.toString(),
                    server,
                    list.toString(),
                    "5",
                    Integer.toString(WARMUP))));

    assertThat(r.verified()).isEqualTo(TIMED);
    assertThat(r.failed()).isZero();
    assertThat(r.queries()).isEqualTo(3L * TIMED);
  }

  @Test
  void cliJvmOptions_sameAsTheLauncherScript() throws Exception {
    Path script = Path.of("..", "bin", "mailpath");
    assumeTrue(Files.isRegularFile(script), "bin/mailpath is not next to this module");

    String text = Files.readString(script, StandardCharsets.UTF_8);

    assertThat(text).contains("opts=\"" + String.join(" ", ColdStart.CLI_JVM_OPTIONS) + " ");
  }
}
