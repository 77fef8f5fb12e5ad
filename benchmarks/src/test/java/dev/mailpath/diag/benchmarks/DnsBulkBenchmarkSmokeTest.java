package dev.mailpath.diag.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the DNS bulk benchmark's harness on 50 domains against the testkit's local zone server, so
 * that the clients and their verification keep working. No timing is asserted: the figures come
 * from whole-process runs against NSD (docs/benchmarks.md).
 */
class DnsBulkBenchmarkSmokeTest {
  static final int DOMAINS = 50;
  static LocalDnsZoneServer dns;

  @BeforeAll
  static void start() {
    dns = LocalDnsZoneServer.builder().zone(BenchZone.zoneText(DOMAINS)).start();
  }

  @AfterAll
  static void stop() {
    dns.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"mailpath", "dnsjava", "dnsjava-executor", "jndi", "cares", "dnsperf"})
  void harness_everyClient_verifiesEveryAnswer(String name) throws Exception {
    BulkClient client = DnsBulkBenchmark.client(name);
    assumeTrue(client.available(), name + " is not installed here");

    DnsBulkBenchmark.Result r = DnsBulkBenchmark.measure(client, dns.address(), DOMAINS, 10, -1);

    assertThat(r.outcome().verified()).as(r.outcome().note()).isEqualTo(DOMAINS);
    assertThat(r.outcome().queries()).isEqualTo(3L * DOMAINS);
    assertThat(r.outcome().nanos()).isPositive();
  }

  @org.junit.jupiter.api.Test
  void verify_wrongAddressOrMissingExchange_isNotVerified() {
    List<BenchZone.Seen> right =
        List.of(
            new BenchZone.Seen(10, "mx1.d7.bench.test.", List.of(BenchZone.address(7, 1))),
            new BenchZone.Seen(20, "MX2.d7.bench.test", List.of(BenchZone.address(7, 2))));

    assertThat(BenchZone.verify("d7.bench.test", right)).isTrue();
    assertThat(BenchZone.verify("d8.bench.test", right)).isFalse();
    assertThat(BenchZone.verify("d7.bench.test", right.subList(0, 1))).isFalse();
    assertThat(
            BenchZone.verify(
                "d7.bench.test",
                List.of(
                    right.get(0),
                    new BenchZone.Seen(20, "mx2.d7.bench.test", List.of("192.0.2.66")))))
        .isFalse();
  }
}
