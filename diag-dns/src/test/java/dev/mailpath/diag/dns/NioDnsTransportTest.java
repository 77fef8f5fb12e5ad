package dev.mailpath.diag.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.DiagEventListener;
import dev.mailpath.diag.dns.internal.DnsExchange;
import dev.mailpath.diag.dns.internal.NioDnsTransport;
import dev.mailpath.diag.dns.internal.QueryEngine;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The non-blocking transport on its own: validation, socket rotation, bounds, lifecycle. */
class NioDnsTransportTest {
  static final Duration TIMEOUT = Duration.ofSeconds(2);
  static LocalDnsZoneServer dns;

  @BeforeAll
  static void start() {
    dns = LocalDnsZoneServer.builder().zone(TestZones.example()).start();
  }

  @AfterAll
  static void stop() {
    dns.close();
  }

  static Message query(String name, int type) {
    QueryEngine e =
        new QueryEngine(
            NioDnsTransport.builder().build(),
            List.of(dns.address()),
            TIMEOUT,
            0,
            false,
            true,
            true,
            new SecureRandom());
    return e.newQuery(Name.fromConstantString(name), type);
  }

  /** A bare UDP socket playing a server, so that tests see source ports and control replies. */
  static final class RawServer implements AutoCloseable {
    final DatagramSocket socket;

    RawServer() throws IOException {
      socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    InetSocketAddress address() {
      return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Returns the next query and where it came from, or null when none arrives in time. */
    DatagramPacket receive(Duration wait) throws IOException {
      socket.setSoTimeout((int) wait.toMillis());
      DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
      try {
        socket.receive(p);
        return p;
      } catch (SocketTimeoutException e) {
        return null;
      }
    }

    static byte[] answer(DatagramPacket p) throws IOException {
      Message q = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
      Message a = new Message(q.getHeader().getID());
      a.getHeader().setFlag(Flags.QR);
      a.addRecord(q.getQuestion(), Section.QUESTION);
      a.addRecord(
          new ARecord(q.getQuestion().getName(), DClass.IN, 60, InetAddress.getByName("127.0.9.9")),
          Section.ANSWER);
      return a.toWire();
    }

    void answer(DatagramPacket p, DatagramSocket from) throws IOException {
      byte[] b = answer(p);
      from.send(new DatagramPacket(b, b.length, p.getSocketAddress()));
    }

    @Override
    public void close() {
      socket.close();
    }
  }

  @Test
  void exchange_validAnswer_isReturnedWithSize() {
    NioDnsTransport t = NioDnsTransport.builder().build();

    DnsExchange ex = t.exchange(dns.address(), query("example.org.", Type.MX), TIMEOUT, false);

    assertThat(ex.status()).isEqualTo(DnsExchange.Status.ANSWER);
    assertThat(ex.response().getSection(Section.ANSWER)).hasSize(3);
    assertThat(ex.tcp()).isFalse();
    assertThat(ex.responseSize()).isPositive();
    assertThat(ex.oversizeUdp()).isFalse();
    assertThat(t.stats().udpQueries()).isEqualTo(1);
  }

  @Test
  void exchangeAsync_thousandConcurrentQueries_allAnswered() {
    // The local server reads UDP on one thread; a cap keeps its receive buffer from overflowing.
    NioDnsTransport t = NioDnsTransport.builder().maxInFlightPerServer(100).build();
    List<CompletableFuture<DnsExchange>> all = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      all.add(
          t.exchangeAsync(
              dns.address(), query("mx" + (1 + i % 3) + ".example.org.", Type.A), TIMEOUT, false));
    }

    assertThat(all)
        .allSatisfy(f -> assertThat(f.join().status()).isEqualTo(DnsExchange.Status.ANSWER));
    assertThat(t.stats().socketsOpened())
        .isLessThanOrEqualTo(NioDnsTransport.DEFAULT_SOCKETS_PER_SERVER + 1);
  }

  @Test
  void exchangeAsync_twoIoThreads_shareTheWorkAndTheCap() throws Exception {
    NioDnsTransport t =
        NioDnsTransport.builder()
            .ioThreads(2)
            .maxInFlightPerServer(100)
            .idleTimeout(Duration.ofMillis(200))
            .build();
    List<CompletableFuture<DnsExchange>> all = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      all.add(
          t.exchangeAsync(
              dns.address(), query("mx" + (1 + i % 3) + ".example.org.", Type.A), TIMEOUT, false));
    }

    assertThat(all)
        .allSatisfy(f -> assertThat(f.join().status()).isEqualTo(DnsExchange.Status.ANSWER));
    assertThat(t.stats().socketsOpened())
        .isEqualTo(2L * NioDnsTransport.DEFAULT_SOCKETS_PER_SERVER);
    assertThat(t.awaitStopped(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void exchange_replyFromAnotherPort_isNeverAccepted() throws Exception {
    NioDnsTransport t = NioDnsTransport.builder().build();
    try (RawServer server = new RawServer();
        DatagramSocket spoofer = new DatagramSocket()) {
      CompletableFuture<DnsExchange> f =
          t.exchangeAsync(
              server.address(), query("example.org.", Type.A), Duration.ofMillis(400), false);
      DatagramPacket q = server.receive(TIMEOUT);
      server.answer(q, spoofer); // right ID and question, wrong source port

      assertThat(f.join().status()).isEqualTo(DnsExchange.Status.TIMEOUT);
    }
  }

  @Test
  void exchangeAsync_afterQueriesPerSocket_movesToAFreshSourcePort() throws Exception {
    NioDnsTransport t = NioDnsTransport.builder().socketsPerServer(1).queriesPerSocket(5).build();
    Set<Integer> ports = new HashSet<>();
    try (RawServer server = new RawServer()) {
      for (int i = 0; i < 20; i++) {
        CompletableFuture<DnsExchange> f =
            t.exchangeAsync(server.address(), query("example.org.", Type.A), TIMEOUT, false);
        DatagramPacket q = server.receive(TIMEOUT);
        ports.add(q.getPort());
        server.answer(q, server.socket);
        assertThat(f.join().status()).isEqualTo(DnsExchange.Status.ANSWER);
      }
    }
    assertThat(ports).hasSizeGreaterThanOrEqualTo(3);
    assertThat(t.stats().socketsOpened()).isEqualTo(4);
  }

  @Test
  void exchangeAsync_sameIdTwiceOnOneSocket_secondGetsAFreshId() throws Exception {
    NioDnsTransport t = NioDnsTransport.builder().socketsPerServer(1).build();
    Message a = query("example.org.", Type.A);
    Message b = a.clone();
    try (RawServer server = new RawServer()) {
      CompletableFuture<DnsExchange> fa = t.exchangeAsync(server.address(), a, TIMEOUT, false);
      CompletableFuture<DnsExchange> fb = t.exchangeAsync(server.address(), b, TIMEOUT, false);
      DatagramPacket q1 = server.receive(TIMEOUT);
      byte[] r1 = RawServer.answer(q1);
      DatagramPacket q2 = server.receive(TIMEOUT);
      byte[] r2 = RawServer.answer(q2);
      server.socket.send(new DatagramPacket(r2, r2.length, q2.getSocketAddress()));
      server.socket.send(new DatagramPacket(r1, r1.length, q1.getSocketAddress()));

      assertThat(fa.join().status()).isEqualTo(DnsExchange.Status.ANSWER);
      assertThat(fb.join().status()).isEqualTo(DnsExchange.Status.ANSWER);
      assertThat(fa.join().response().getHeader().getID())
          .isNotEqualTo(fb.join().response().getHeader().getID());
    }
  }

  @Test
  void exchangeAsync_maxInFlightPerServer_holdsTheRestBack() throws Exception {
    NioDnsTransport t = NioDnsTransport.builder().maxInFlightPerServer(3).build();
    try (RawServer server = new RawServer()) {
      List<CompletableFuture<DnsExchange>> all = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        all.add(
            t.exchangeAsync(
                server.address(), query("q" + i + ".example.", Type.A), TIMEOUT, false));
      }
      List<DatagramPacket> received = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        received.add(server.receive(TIMEOUT));
      }
      assertThat(received).doesNotContainNull();
      assertThat(server.receive(Duration.ofMillis(300)))
          .as("a fourth query while three are in flight")
          .isNull();

      server.answer(received.get(0), server.socket);

      assertThat(server.receive(TIMEOUT)).as("the fourth query, once one was answered").isNotNull();
      assertThat(all.get(0).join().status()).isEqualTo(DnsExchange.Status.ANSWER);
    }
  }

  @Test
  void exchangeAsync_rateLimit_spacesQueriesOut() {
    NioDnsTransport t = NioDnsTransport.builder().rateLimit(50).build();
    long start = System.nanoTime();
    List<CompletableFuture<DnsExchange>> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      all.add(t.exchangeAsync(dns.address(), query("example.org.", Type.MX), TIMEOUT, false));
    }
    all.forEach(CompletableFuture::join);

    // 50/s with a burst of 5: the last 15 need at least 300 ms.
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(250));
    assertThat(all)
        .allSatisfy(f -> assertThat(f.join().status()).isEqualTo(DnsExchange.Status.ANSWER));
  }

  @Test
  void exchange_closedPort_isNetworkErrorWithoutWaiting() throws Exception {
    InetSocketAddress closed;
    try (DatagramSocket s =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      closed = (InetSocketAddress) s.getLocalSocketAddress();
    }
    NioDnsTransport t = NioDnsTransport.builder().build();

    DnsExchange ex =
        t.exchange(closed, query("example.org.", Type.A), Duration.ofSeconds(10), false);

    assertThat(ex.status()).isEqualTo(DnsExchange.Status.NETWORK_ERROR);
    assertThat(ex.error()).contains("unreachable");
    assertThat(ex.elapsed()).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void exchange_onTheSelectorThread_isRefused() {
    NioDnsTransport t = NioDnsTransport.builder().build();
    // The first answer is delayed so that the dependent stage is attached before it completes and
    // therefore runs on the selector thread (a stage attached to a completed future would run on
    // this test thread instead).
    dns.setFaults(List.of(DnsFault.delay(Duration.ofMillis(200)).times(1)));
    try {
      CompletableFuture<DnsExchange> nested =
          t.exchangeAsync(dns.address(), query("example.org.", Type.MX), TIMEOUT, false)
              .thenApply(
                  ex -> t.exchange(dns.address(), query("example.org.", Type.MX), TIMEOUT, false));

      assertThatThrownBy(nested::join)
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(IllegalStateException.class);
    } finally {
      dns.clearFaults();
    }
  }

  @Test
  void transport_idle_stopsItsThreadAndStartsAgainOnDemand() throws Exception {
    NioDnsTransport t = NioDnsTransport.builder().idleTimeout(Duration.ofMillis(100)).build();
    assertThat(t.exchange(dns.address(), query("example.org.", Type.MX), TIMEOUT, false).status())
        .isEqualTo(DnsExchange.Status.ANSWER);

    assertThat(t.awaitStopped(Duration.ofSeconds(5))).isTrue();
    assertThat(t.running()).isFalse();

    assertThat(t.exchange(dns.address(), query("example.org.", Type.MX), TIMEOUT, false).status())
        .isEqualTo(DnsExchange.Status.ANSWER);
  }

  @Test
  void exchange_ipv6Server_isAskedOverIpv6() throws Exception {
    LocalDnsZoneServer v6;
    try {
      v6 =
          LocalDnsZoneServer.builder()
              .zone(TestZones.example())
              .bindAddress(InetAddress.getByName("::1"))
              .start();
    } catch (java.io.UncheckedIOException e) {
      org.junit.jupiter.api.Assumptions.assumeTrue(false, "no IPv6 loopback here");
      return;
    }
    try (v6) {
      NioDnsTransport t = NioDnsTransport.builder().build();

      DnsExchange udp = t.exchange(v6.address(), query("example.org.", Type.MX), TIMEOUT, false);
      DnsExchange tcp = t.exchange(v6.address(), query("example.org.", Type.MX), TIMEOUT, true);

      assertThat(udp.status()).isEqualTo(DnsExchange.Status.ANSWER);
      assertThat(tcp.status()).isEqualTo(DnsExchange.Status.ANSWER);
      assertThat(tcp.tcp()).isTrue();
    }
  }

  @Test
  void queryEngine_newQuery_usesRandomIds() {
    Set<Integer> ids = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      ids.add(query("example.org.", Type.MX).getHeader().getID());
    }
    assertThat(ids).hasSizeGreaterThan(190);
  }

  @Test
  void queryEngine_askAsync_triesTheNextServerAndSumsIgnoredReplies() throws Exception {
    NioDnsTransport t = NioDnsTransport.builder().build();
    try (RawServer silent = new RawServer()) {
      QueryEngine e =
          new QueryEngine(
              t,
              List.of(silent.address(), dns.address()),
              Duration.ofMillis(300),
              0,
              false,
              true,
              true,
              new SecureRandom());
      List<DnsLookup> lookups = new ArrayList<>();

      DnsExchange ex =
          e.askAsync(
                  Name.fromConstantString("example.org."),
                  Type.MX,
                  lookups::add,
                  DiagEventListener.NONE)
              .join();

      assertThat(ex.status()).isEqualTo(DnsExchange.Status.ANSWER);
      assertThat(ex.server()).isEqualTo(dns.address());
      assertThat(lookups).extracting(DnsLookup::rcode).containsExactly("TIMEOUT", "NOERROR");
    }
  }
}
