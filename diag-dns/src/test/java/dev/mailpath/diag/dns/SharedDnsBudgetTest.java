package dev.mailpath.diag.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.FakeTimeSource;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DnsSettings#maxInFlightPerServer()} and {@link DnsSettings#rateLimit()} bound all the
 * clients built from one settings instance together, counted where it matters: at the DNS server.
 */
class SharedDnsBudgetTest {
  /** Long enough that queries pile up behind the limit, short enough to keep the test quick. */
  private static final Duration REPLY_DELAY = Duration.ofMillis(40);

  private final List<LocalDnsZoneServer> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(LocalDnsZoneServer::close);
  }

  private LocalDnsZoneServer slowServer() {
    LocalDnsZoneServer s =
        LocalDnsZoneServer.builder()
            .zone(TestZones.example())
            .fault(DnsFault.delay(REPLY_DELAY))
            .start();
    servers.add(s);
    return s;
  }

  private static DnsSettings settings(LocalDnsZoneServer server, int maxInFlight) {
    // Timeouts far beyond the test: every query must be answered, none retried.
    return DnsSettings.builder()
        .server(server.address())
        .maxInFlightPerServer(maxInFlight)
        .timeout(Duration.ofSeconds(30))
        .retries(0)
        .deadline(Duration.ofSeconds(120))
        .build();
  }

  /** Fires MX resolutions and single queries at once and waits for all of them. */
  private static void fireAtOnce(MxResolver mx, DnsQuery query) {
    List<CompletableFuture<? extends DiagnosticReport>> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      calls.add(mx.resolveAsync("example.org"));
      calls.add(query.askAsync("mx" + (i % 3 + 1) + ".example.org", RecordType.A));
    }
    for (CompletableFuture<? extends DiagnosticReport> c : calls) {
      assertThat(c.join().findings()).as("every lookup answered in full").isEmpty();
    }
  }

  @Test
  void clientsOfOneSettings_togetherKeepAtMostItsLimitInFlightAtTheServer() {
    LocalDnsZoneServer server = slowServer();
    DnsSettings dns = settings(server, 2);
    MxResolver mx = MxResolver.builder().dns(dns).build();
    DnsQuery query = DnsQuery.builder().dns(dns).build();

    fireAtOnce(mx, query);

    assertThat(server.queryCount()).as("MX, A and AAAA queries of both clients").isGreaterThan(40);
    assertThat(server.maxUnansweredQueries())
        .as("queries the server held at once, from both clients together")
        .isEqualTo(2);
  }

  @Test
  void clientsOfTwoEqualSettings_eachHaveTheirOwnBudget() {
    LocalDnsZoneServer server = slowServer();
    DnsSettings one = settings(server, 2);
    DnsSettings other = settings(server, 2);
    assertThat(other).isEqualTo(one);
    MxResolver mx = MxResolver.builder().dns(one).build();
    DnsQuery query = DnsQuery.builder().dns(other).build();

    fireAtOnce(mx, query);

    assertThat(server.maxUnansweredQueries())
        .as("two budgets of 2: more than 2 at once, never more than 4")
        .isBetween(3, 4);
  }

  @Test
  void variantsOfOneSettings_keepItsBudget_unlessTheyChangeALimit() {
    LocalDnsZoneServer server = slowServer();
    DnsSettings dns = settings(server, 2);
    MxResolver mx = MxResolver.builder().dns(dns).build();

    // What clients do inside a check: a shorter deadline, another timeout, servers spelled out.
    DnsQuery shorter =
        DnsQuery.builder().dns(dns).dns(d -> d.deadline(Duration.ofSeconds(5))).build();
    DnsQuery patient =
        DnsQuery.builder().dns(dns.toBuilder().timeout(Duration.ofSeconds(9)).build()).build();
    DnsQuery wider = DnsQuery.builder().dns(dns).dns(d -> d.maxInFlightPerServer(3)).build();
    DnsQuery faster = DnsQuery.builder().dns(dns).dns(d -> d.rateLimit(100)).build();
    DnsQuery moreThreads = DnsQuery.builder().dns(dns).dns(d -> d.ioThreads(2)).build();

    assertThat(shorter.transport()).isSameAs(mx.transport());
    assertThat(patient.transport()).isSameAs(mx.transport());
    assertThat(wider.transport()).isNotSameAs(mx.transport());
    assertThat(faster.transport()).isNotSameAs(mx.transport());
    assertThat(moreThreads.transport()).isNotSameAs(mx.transport());
    DnsQuery widerAgain = DnsQuery.builder().dns(wider.dns()).dns(d -> d.retries(3)).build();
    assertThat(widerAgain.transport()).isSameAs(wider.transport());
  }

  @Test
  void variantOfOneSettings_staysWithinItsLimitAtTheServer() {
    LocalDnsZoneServer server = slowServer();
    DnsSettings dns = settings(server, 2);
    MxResolver mx = MxResolver.builder().dns(dns).build();
    DnsQuery query =
        DnsQuery.builder().dns(dns.toBuilder().timeout(Duration.ofSeconds(20)).build()).build();

    fireAtOnce(mx, query);

    assertThat(server.maxUnansweredQueries()).isEqualTo(2);
  }

  @Test
  void everyKindOfClient_sharesTheTransportOfItsSettings() {
    LocalDnsZoneServer server = slowServer();
    DnsSettings dns = settings(server, 2);

    MxResolver mx = MxResolver.builder().dns(dns).build();
    DnsQuery query = DnsQuery.builder().dns(dns).build();
    DnssecValidator validator = DnssecValidator.builder().dns(dns).build();
    RootServerQuery roots = RootServerQuery.builder().dns(dns).build();
    DelegationTrace trace = DelegationTrace.builder().dns(dns).build();

    assertThat(query.transport()).isSameAs(mx.transport());
    assertThat(validator.transport()).isSameAs(mx.transport());
    assertThat(roots.transport()).isSameAs(mx.transport());
    assertThat(trace.transport()).isSameAs(mx.transport());
  }

  @Test
  void defaults_areOneBudget_butTheirVariantsStartTheirOwn() {
    assertThat(DnsSettings.system().toBuilder().build().budget())
        .isNotSameAs(DnsSettings.system().budget());
    assertThat(MxResolver.builder().build().dns().budget()).isSameAs(DnsSettings.system().budget());

    // dns(d -> ...) on two builders: two users' own settings, two budgets.
    DnsQuery a = DnsQuery.builder().dns(d -> d.server("127.0.0.1:5353")).build();
    DnsQuery b = DnsQuery.builder().dns(d -> d.server("127.0.0.1:5353")).build();
    assertThat(a.transport()).isNotSameAs(b.transport());
    RootServerQuery r1 = RootServerQuery.builder().build();
    RootServerQuery r2 = RootServerQuery.builder().build();
    assertThat(r1.transport()).isNotSameAs(r2.transport());
  }

  @Test
  void clientsWithOtherClocks_getTransportsOfTheirOwn() {
    LocalDnsZoneServer server = slowServer();
    DnsSettings dns = settings(server, 2);
    FakeTimeSource clock = FakeTimeSource.epoch();
    DiagEnvironment fake = DiagEnvironment.builder().timeSource(clock).build();

    MxResolver real = MxResolver.builder().dns(dns).build();
    MxResolver faked = MxResolver.builder().dns(dns).environment(fake).build();
    DnsQuery fakedToo = DnsQuery.builder().dns(dns).environment(fake).build();

    assertThat(faked.transport()).isNotSameAs(real.transport());
    assertThat(fakedToo.transport()).isSameAs(faked.transport());
  }

  @Test
  void budget_doesNotKeepAFakeClockAliveOnceItsClientsAreGone() throws InterruptedException {
    LocalDnsZoneServer server = slowServer();
    DnsSettings dns = settings(server, 2);
    MxResolver kept = MxResolver.builder().dns(dns).build();
    WeakReference<FakeTimeSource> clock = clientWithFakeClock(dns);
    assertThat(dns.budget().transportCount()).isEqualTo(2);

    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (clock.get() != null && System.nanoTime() - end < 0) {
      System.gc();
      Thread.sleep(20);
    }

    assertThat(clock.get()).as("the fake clock, once its client is gone").isNull();
    assertThat(dns.budget().transportCount()).isEqualTo(1);
    assertThat(kept.transport()).isSameAs(MxResolver.builder().dns(dns).build().transport());
  }

  /** Builds and uses a client with a fake clock, and lets it go. */
  private static WeakReference<FakeTimeSource> clientWithFakeClock(DnsSettings dns) {
    FakeTimeSource clock = FakeTimeSource.of(Instant.parse("2026-01-01T00:00:00Z"));
    MxResolver r =
        MxResolver.builder()
            .dns(dns)
            .environment(DiagEnvironment.builder().timeSource(clock).build())
            .build();
    assertThat(r.resolve("example.org").findings()).isEmpty();
    return new WeakReference<>(clock);
  }

  @Test
  void rateLimit_boundsTheClientsOfOneSettingsTogether() {
    LocalDnsZoneServer server = slowServer();
    DnsSettings dns = settings(server, 64).toBuilder().rateLimit(20).build();
    DnsQuery one = DnsQuery.builder().dns(dns).build();
    DnsQuery two =
        DnsQuery.builder().dns(dns.toBuilder().timeout(Duration.ofSeconds(25)).build()).build();

    List<CompletableFuture<DnsQueryReport>> calls = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      calls.add(one.askAsync("mx1.example.org", RecordType.A));
      calls.add(two.askAsync("mx2.example.org", RecordType.A));
    }
    calls.forEach(c -> assertThat(c.join().findings()).isEmpty());

    // 20 a second and a burst of 2, counted in any one-second window of the server's receive
    // times; two budgets would let about 44 through. Generous for scheduling noise (a stalled
    // server thread reads queued queries in a bunch).
    assertThat(busiestSecond(server)).isBetween(10, 32);
  }

  private static int busiestSecond(LocalDnsZoneServer server) {
    List<Instant> at = server.queries().stream().map(LocalDnsZoneServer.ReceivedQuery::at).toList();
    int most = 0;
    int start = 0;
    for (int i = 0; i < at.size(); i++) {
      while (Duration.between(at.get(start), at.get(i)).compareTo(Duration.ofSeconds(1)) >= 0) {
        start++;
      }
      most = Math.max(most, i - start + 1);
    }
    return most;
  }
}
