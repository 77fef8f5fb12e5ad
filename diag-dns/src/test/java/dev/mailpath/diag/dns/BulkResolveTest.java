package dev.mailpath.diag.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.dns.internal.Futures;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bulk resolution: lazy input, back-pressure, no thread per domain, bounds per server. */
class BulkResolveTest {
  static final int DOMAINS = 2000;
  static LocalDnsZoneServer dns;

  @BeforeAll
  static void start() {
    StringBuilder zone =
        new StringBuilder(
            """
            $ORIGIN bulk.test.
            $TTL 300
            @    SOA ns1 hostmaster 1 3600 600 86400 300
            @    NS  ns1
            ns1  A   127.0.0.1
            """);
    for (int i = 0; i < DOMAINS; i++) {
      zone.append(
          String.format("d%d MX 10 mx.d%d%nmx.d%d A 127.1.%d.%d%n", i, i, i, i / 256, i % 256));
    }
    dns = LocalDnsZoneServer.builder().zone(zone.toString()).start();
  }

  @AfterAll
  static void stop() {
    dns.close();
  }

  static MxResolver.Builder resolver() {
    // The local server reads UDP on one thread: cap what is in flight so its socket buffer holds.
    return MxResolver.builder()
        .dns(d -> d.server(dns.address()).timeout(Duration.ofSeconds(2)).retries(1))
        .addressFamily(AddressFamily.IPV4)
        .dns(d -> d.maxInFlightPerServer(64));
  }

  static boolean verified(MxReport r) throws Exception {
    int i = Integer.parseInt(r.domain().substring(1, r.domain().indexOf('.')));
    return r.exchanges().size() == 1
        && r.exchanges().get(0).host().equals("mx.d" + i + ".bulk.test")
        && r.exchanges()
            .get(0)
            .addresses()
            .equals(List.of(InetAddress.getByName("127.1." + i / 256 + "." + i % 256)));
  }

  /** An endless, lazily generated input that counts how much was read. */
  static Iterable<String> endless(AtomicInteger pulled) {
    return () ->
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return true;
          }

          @Override
          public String next() {
            return "d" + (pulled.getAndIncrement() % DOMAINS) + ".bulk.test";
          }
        };
  }

  @Test
  void resolveAll_manyDomains_allVerifiedWithoutAThreadPerDomain() throws Exception {
    List<String> domains = new ArrayList<>();
    for (int i = 0; i < DOMAINS; i++) {
      domains.add("d" + i + ".bulk.test");
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int before = threads.getThreadCount();
    threads.resetPeakThreadCount();

    int ok = 0;
    try (Stream<MxReport> s = resolver().build().resolveAll(domains, 500)) {
      for (Iterator<MxReport> it = s.iterator(); it.hasNext(); ) {
        if (verified(it.next())) {
          ok++;
        }
      }
    }

    assertThat(ok).isEqualTo(DOMAINS);
    // 500 resolutions in flight ran on the transport's one selector thread (plus the server's
    // own threads and the JVM's), not on 500 threads.
    assertThat(threads.getPeakThreadCount()).isLessThan(before + 20);
  }

  @Test
  void resolveAll_slowConsumer_readsInputOnlyAsReportsAreTaken() {
    AtomicInteger pulled = new AtomicInteger();
    int maxInFlight = 10;
    try (Stream<MxReport> s = resolver().build().resolveAll(endless(pulled), maxInFlight)) {
      Iterator<MxReport> it = s.iterator();
      for (int taken = 1; taken <= 50; taken++) {
        it.next();
        assertThat(pulled.get()).isLessThanOrEqualTo(taken + maxInFlight);
      }
    }
    assertThat(pulled.get()).isLessThanOrEqualTo(50 + maxInFlight);
  }

  @Test
  void resolveAll_limitedStream_stopsReadingTheInput() {
    AtomicInteger pulled = new AtomicInteger();

    List<MxReport> first;
    try (Stream<MxReport> s = resolver().build().resolveAll(endless(pulled), 20)) {
      first = s.limit(100).toList();
    }

    assertThat(first).hasSize(100).allSatisfy(r -> assertThat(r.exchanges()).hasSize(1));
    assertThat(pulled.get()).isLessThanOrEqualTo(120);
  }

  @Test
  void resolveAll_rateLimited_isHeldToTheRate() {
    List<String> domains =
        List.of(
            "d1.bulk.test",
            "d2.bulk.test",
            "d3.bulk.test",
            "d4.bulk.test",
            "d5.bulk.test",
            "d6.bulk.test",
            "d7.bulk.test",
            "d8.bulk.test",
            "d9.bulk.test",
            "d10.bulk.test");
    long start = System.nanoTime();

    List<MxReport> reports;
    try (Stream<MxReport> s =
        resolver().dns(d -> d.rateLimit(40)).build().resolveAll(domains, 10)) {
      reports = s.toList();
    }

    // 20 queries at 40/s with a burst of 4: at least 16 / 40 s.
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(350));
    assertThat(reports).allSatisfy(r -> assertThat(r.exchanges()).hasSize(1));
  }

  @Test
  void resolveAsync_manyAtOnce_completeWithoutBlockingTheCaller() {
    MxResolver resolver = resolver().build();
    List<CompletableFuture<MxReport>> futures = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      futures.add(resolver.resolveAsync("d" + i + ".bulk.test"));
    }

    assertThat(futures).allSatisfy(f -> assertThat(Futures.await(f).exchanges()).hasSize(1));
  }
}
