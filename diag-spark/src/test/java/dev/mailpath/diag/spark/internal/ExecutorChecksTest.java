package dev.mailpath.diag.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.dns.MxReport;
import dev.mailpath.diag.posture.MailPostureReport;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The clients an executor builds from one job's settings. */
class ExecutorChecksTest {
  private static final String ROOT =
      "$ORIGIN .\n$TTL 300\n@ SOA ns.test. h.test. 1 3600 600 86400 300\n@ NS ns.test.\n"
          + "test. NS ns.test.\nns.test. A 127.0.0.1\n";

  private static JobSettings settings(LocalDnsZoneServer dns, int maxInFlightPerServer) {
    return new JobSettings(
        "run-1",
        List.of("127.0.0.1:" + dns.port()),
        Duration.ofSeconds(10),
        0,
        false,
        maxInFlightPerServer,
        0,
        Duration.ofSeconds(60),
        25,
        443,
        Duration.ofSeconds(2),
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        Duration.ofSeconds(60),
        2,
        0,
        16,
        4,
        0,
        Duration.ofSeconds(1));
  }

  @Test
  void theMxResolverAndEveryPartOfTheCheck_shareTheDnsLimitPerServer() {
    StringBuilder zone = new StringBuilder("$ORIGIN test.\n$TTL 300\n");
    zone.append("@ SOA ns h 1 3600 600 86400 300\n@ NS ns\nns A 127.0.0.1\n");
    for (int i = 0; i < 4; i++) {
      zone.append("d").append(i).append(" MX 0 .\n"); // null MX: DNS only, no SMTP
    }
    try (LocalDnsZoneServer dns =
        LocalDnsZoneServer.builder()
            .zone(".", ROOT)
            .zone("test.", zone.toString())
            .fault(DnsFault.delay(Duration.ofMillis(20)))
            .start()) {
      ExecutorChecks.Clients clients = ExecutorChecks.build(settings(dns, 1));

      List<CompletableFuture<MailPostureReport>> checks = new ArrayList<>();
      List<CompletableFuture<MxReport>> lookups = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        checks.add(clients.posture().checkAsync("d" + i + ".test"));
        lookups.add(clients.mx().resolveAsync("d" + i + ".test"));
      }
      checks.forEach(c -> assertThat(c.join().incomplete()).isFalse());
      lookups.forEach(l -> assertThat(l.join().nullMx()).isTrue());

      assertThat(dns.queryCount()).isGreaterThan(20);
      assertThat(dns.maxUnansweredQueries())
          .as("one query at the DNS server at a time, from every client of the executor")
          .isEqualTo(1);
    }
  }
}
