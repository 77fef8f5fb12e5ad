package dev.mailpath.diag.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.dns.internal.NioDnsTransport;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Async calls that complete off the I/O thread, cancel what they have on the wire, and end by the
 * deadline of the call.
 */
class AsyncCancelTest {
  /** Far longer than any test waits: a slot freed in time was freed by the cancel. */
  static final Duration LONG = Duration.ofSeconds(30);

  static LocalDnsZoneServer dns;
  static LocalDnsZoneServer silent;

  @BeforeAll
  static void start() {
    dns = LocalDnsZoneServer.builder().zone(TestZones.example()).zone(TestZones.reverse()).start();
    silent = LocalDnsZoneServer.builder().zone(TestZones.example()).fault(DnsFault.drop()).start();
  }

  @AfterAll
  static void stop() {
    dns.close();
    silent.close();
  }

  @AfterEach
  void clearFaults() {
    dns.clearFaults();
  }

  static void await(String what, BooleanSupplier condition) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        fail("not within 5 s: " + what);
      }
      Thread.yield();
    }
  }

  static void cancelAndExpectSlotsFreed(NioDnsTransport t, CompletableFuture<?> f, int inFlight) {
    await(inFlight + " queries on the wire", () -> t.inFlight() == inFlight);

    assertThat(f.cancel(true)).isTrue();

    await("the cancelled queries' slots freed", () -> t.inFlight() == 0);
    assertThat(f).isCancelled();
  }

  static RootHints silentRoot() {
    return RootHints.of(
        List.of(
            RootServer.of("a", "a.root-servers.lab", "127.0.0.1", null).withPort(silent.port())));
  }

  @Test
  void resolveAsync_cancelled_freesItsQuerySlot() {
    MxResolver r =
        MxResolver.builder().dns(d -> d.server(silent.address()).timeout(LONG).retries(0)).build();

    cancelAndExpectSlotsFreed(r.transport(), r.resolveAsync("example.org"), 1);
  }

  @Test
  void addressesAsync_cancelled_freesItsQuerySlots() {
    MxResolver r =
        MxResolver.builder().dns(d -> d.server(silent.address()).timeout(LONG).retries(0)).build();

    cancelAndExpectSlotsFreed(r.transport(), r.addressesAsync("mx1.example.org"), 2);
  }

  @Test
  void askAsync_cancelled_freesItsQuerySlot() {
    DnsQuery q =
        DnsQuery.builder().dns(d -> d.server(silent.address()).timeout(LONG).retries(0)).build();

    cancelAndExpectSlotsFreed(q.transport(), q.askAsync("example.org", RecordType.MX), 1);
  }

  @Test
  void rootAskAsync_cancelled_freesItsQuerySlots() {
    RootServerQuery q =
        RootServerQuery.builder()
            .hints(silentRoot())
            .addressFamily(AddressFamily.IPV4)
            .dns(d -> d.timeout(LONG).retries(0))
            .build();

    // The question and the root zone's SOA.
    cancelAndExpectSlotsFreed(q.transport(), q.askAsync("example.org", RecordType.MX), 2);
  }

  @Test
  void primeAsync_cancelled_freesItsQuerySlots() {
    RootServerQuery q =
        RootServerQuery.builder()
            .hints(silentRoot())
            .addressFamily(AddressFamily.IPV4)
            .dns(d -> d.timeout(LONG).retries(0))
            .build();

    cancelAndExpectSlotsFreed(q.transport(), q.primeAsync(), 2);
  }

  @Test
  void traceAsync_cancelled_freesItsQuerySlot() {
    DelegationTrace t =
        DelegationTrace.builder()
            .hints(silentRoot())
            .addressFamily(AddressFamily.IPV4)
            .dns(d -> d.timeout(LONG).retries(0))
            .build();

    cancelAndExpectSlotsFreed(t.transport(), t.traceAsync("example.org", RecordType.MX), 1);
  }

  @Test
  void addressesAsync_blockingCallChainedOn_doesNotDeadlock() throws Exception {
    MxResolver r =
        MxResolver.builder()
            .dns(d -> d.server(dns.address()).timeout(Duration.ofSeconds(2)))
            .build();
    AtomicReference<String> thread = new AtomicReference<>();

    MxReport nested =
        r.addressesAsync("mx1.example.org")
            .thenApply(
                a -> {
                  thread.set(Thread.currentThread().getName());
                  return r.resolve("example.org");
                })
            .get(10, TimeUnit.SECONDS);

    assertThat(nested.exchanges()).isNotEmpty();
    assertThat(thread.get()).doesNotStartWith("mailpath-dns-io");
  }

  @Test
  void reverseAsync_blockingCallChainedOn_doesNotDeadlock() throws Exception {
    MxResolver r =
        MxResolver.builder()
            .dns(d -> d.server(dns.address()).timeout(Duration.ofSeconds(2)))
            .build();

    AddressReport nested =
        r.reverseAsync(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))
            .thenApply(x -> r.addresses("mx1.example.org"))
            .get(10, TimeUnit.SECONDS);

    assertThat(nested.addresses()).isNotEmpty();
  }

  @Test
  void resolve_silentServerWithRetries_endsByTheDeadlineWithATimeoutFinding() {
    MxResolver r =
        MxResolver.builder()
            .dns(
                d ->
                    d.server(silent.address())
                        .timeout(Duration.ofSeconds(2))
                        .retries(5)
                        .deadline(Duration.ofMillis(300)))
            .build();
    long start = System.nanoTime();

    MxReport report = r.resolve("example.org");

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
    assertThat(report.findings()).extracting(Finding::code).containsExactly("dns.timeout");
  }

  @Test
  void ask_silentServerWithRetries_endsByTheDeadlineWithATimeoutFinding() {
    DnsQuery q =
        DnsQuery.builder()
            .dns(
                d ->
                    d.server(silent.address())
                        .timeout(Duration.ofSeconds(2))
                        .retries(5)
                        .deadline(Duration.ofMillis(300)))
            .build();
    long start = System.nanoTime();

    DnsQueryReport report = q.ask("example.org", RecordType.MX);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
    assertThat(report.findings()).extracting(Finding::code).containsExactly("dns.timeout");
  }

  @Test
  void resolve_blockingCallOnTheIoThread_failsFastInsteadOfDeadlocking() {
    AtomicReference<MxResolver> self = new AtomicReference<>();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    // A listener's DNS events run on the I/O thread; a blocking call from there would wait for
    // the thread it runs on.
    dev.mailpath.diag.core.DiagEventListener blocking =
        new dev.mailpath.diag.core.DiagEventListener() {
          @Override
          public void dnsQueryEnd(
              java.net.InetSocketAddress server,
              String name,
              String type,
              String rcode,
              Duration elapsed) {
            if (type.equals("MX") && thrown.get() == null) {
              try {
                self.get().resolve("example.org");
              } catch (RuntimeException e) {
                thrown.set(e);
              }
            }
          }
        };
    MxResolver r =
        MxResolver.builder()
            .dns(d -> d.server(dns.address()).timeout(Duration.ofSeconds(2)))
            .environment(e -> e.eventListenerFactory(what -> blocking))
            .build();
    self.set(r);

    MxReport report = r.resolve("example.org");

    assertThat(report.exchanges()).isNotEmpty();
    assertThat(thrown.get()).isInstanceOf(IllegalStateException.class);
  }
}
