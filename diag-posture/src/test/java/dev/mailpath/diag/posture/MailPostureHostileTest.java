package dev.mailpath.diag.posture;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.posture.internal.HostGates;
import dev.mailpath.diag.smtp.SmtpTimeouts;
import dev.mailpath.diag.testkit.DnssecTestSigner;
import dev.mailpath.diag.testkit.HostileSmtpServer;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Exchanges that misbehave, and the per-host connection limit. */
class MailPostureHostileTest {
  static final String ANCHOR = DnssecTestSigner.create(".").ds();

  static LocalDnsZoneServer zone(int exchanges) {
    StringBuilder z =
        new StringBuilder(
            "$ORIGIN test.\n$TTL 300\n@ SOA ns h 1 3600 600 86400 300\n@ NS ns\nns A 127.0.0.1\n");
    for (int i = 0; i < exchanges; i++) {
      z.append("d").append(i).append(" MX 10 mx").append(i).append('\n');
      z.append("mx").append(i).append(" A 127.0.0.1\n");
    }
    return LocalDnsZoneServer.builder()
        .zone(".", MailPostureCheckTest.ROOT)
        .zone("test.", z.toString())
        .start();
  }

  static MailPostureCheck.Builder check(LocalDnsZoneServer dns, int port) {
    return MailPostureCheck.builder()
        .dns(d -> d.server(dns.address()).timeout(Duration.ofSeconds(2)))
        .trustAnchors(List.of(ANCHOR))
        .timeouts(SmtpTimeouts.all(Duration.ofSeconds(1)))
        .smtpPort(port)
        .policyPort(1)
        .deadline(Duration.ofSeconds(20));
  }

  @Test
  void anExchangeThatNeverGreetsIsUnreachableWithinTheTimeout() throws IOException {
    try (LocalDnsZoneServer dns = zone(1);
        ServerSocket silent = new ServerSocket()) {
      // Bound and listening, never accepting: the TCP handshake succeeds, no greeting ever comes.
      silent.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 5);
      MailPostureReport r = check(dns, silent.getLocalPort()).build().check("d0.test");
      assertThat(r.incomplete()).as(r.toString()).isFalse();
      AddressPosture a = r.exchanges().get(0).addresses().get(0);
      assertThat(a.reachable()).isFalse();
      assertThat(a.error()).isPresent();
      assertThat(r.hasFinding(PostureFinding.UNREACHABLE)).isTrue();
    }
  }

  @Test
  void aHandshakeThatNeverEndsIsAFailedStartTls() throws IOException {
    try (LocalDnsZoneServer dns = zone(1);
        HostileSmtpServer drip = HostileSmtpServer.start(HostileSmtpServer.Fault.HANDSHAKE_DRIP)) {
      MailPostureReport r = check(dns, drip.port()).build().check("d0.test");
      assertThat(r.incomplete()).as(r.toString()).isFalse();
      AddressPosture a = r.exchanges().get(0).addresses().get(0);
      assertThat(a.reachable()).isTrue();
      assertThat(a.startTls()).isTrue();
      assertThat(a.tlsEstablished()).isFalse();
      assertThat(r.hasFinding(PostureFinding.STARTTLS_FAILED)).as(r.toString()).isTrue();
    }
  }

  /** Counts connections at once; answers EHLO slowly (without STARTTLS) so sessions overlap. */
  static final class CountingSmtp implements AutoCloseable {
    final ServerSocket socket;
    final AtomicInteger active = new AtomicInteger();
    final AtomicInteger max = new AtomicInteger();
    final AtomicInteger total = new AtomicInteger();
    final List<Long> acceptedAt = new CopyOnWriteArrayList<>();
    final Thread acceptor;

    CountingSmtp() throws IOException {
      socket = new ServerSocket();
      socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
      acceptor = new Thread(this::accept, "counting-smtp");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    private void accept() {
      while (!socket.isClosed()) {
        try {
          Socket s = socket.accept();
          acceptedAt.add(System.nanoTime());
          Thread t = new Thread(() -> serve(s), "counting-smtp-session");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    private void serve(Socket s) {
      // Counted down when QUIT arrives (before 221 lets the client go) or when the client leaves.
      AtomicInteger mine = new AtomicInteger(1);
      int now = active.incrementAndGet();
      total.incrementAndGet();
      max.accumulateAndGet(now, Math::max);
      try (s) {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), US_ASCII));
        OutputStream out = s.getOutputStream();
        out.write("220 counting ESMTP\r\n".getBytes(US_ASCII));
        String line;
        while ((line = in.readLine()) != null) {
          String cmd = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line;
          if (cmd.equals("EHLO") || cmd.equals("HELO")) {
            TimeUnit.MILLISECONDS.sleep(300);
            out.write("250 counting\r\n".getBytes(US_ASCII));
          } else if (cmd.equals("QUIT")) {
            if (mine.getAndSet(0) == 1) {
              active.decrementAndGet();
            }
            out.write("221 bye\r\n".getBytes(US_ASCII));
            break;
          } else {
            out.write("502 no\r\n".getBytes(US_ASCII));
          }
        }
      } catch (IOException | InterruptedException e) {
        // the client went away
      } finally {
        if (mine.getAndSet(0) == 1) {
          active.decrementAndGet();
        }
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void noMoreThanTheLimitOfConnectionsGoToOneAddressAtOnce() throws IOException {
    try (LocalDnsZoneServer dns = zone(6);
        CountingSmtp smtp = new CountingSmtp()) {
      List<String> domains =
          IntStream.range(0, 6).mapToObj(i -> "d" + i + ".test").collect(Collectors.toList());
      MailPostureCheck c = check(dns, smtp.socket.getLocalPort()).maxConnectionsPerHost(2).build();
      List<MailPostureReport> reports;
      try (Stream<MailPostureReport> s = c.checkAll(domains, 6)) {
        reports = s.toList();
      }
      assertThat(reports).hasSize(6);
      // Six exchange names, one address: six sessions, never more than two at once.
      assertThat(smtp.total.get()).isEqualTo(6);
      assertThat(smtp.max.get()).isBetween(1, 2);
      assertThat(reports)
          .allSatisfy(r -> assertThat(r.hasFinding(PostureFinding.STARTTLS_MISSING)).isTrue());
    }
  }

  @Test
  void connectionStartsToOneAddressAreSpacedByTheRateLimit() throws IOException {
    try (LocalDnsZoneServer dns = zone(3);
        CountingSmtp smtp = new CountingSmtp()) {
      List<String> domains =
          IntStream.range(0, 3).mapToObj(i -> "d" + i + ".test").collect(Collectors.toList());
      MailPostureCheck c =
          check(dns, smtp.socket.getLocalPort())
              .maxConnectionsPerHost(3)
              .maxConnectionsPerMinutePerHost(60)
              .build();
      List<MailPostureReport> reports;
      try (Stream<MailPostureReport> s = c.checkAll(domains, 3)) {
        reports = s.toList();
      }
      assertThat(reports).allSatisfy(r -> assertThat(r.incomplete()).isFalse());
      // Three sessions that could all start at once, but 60 a minute means one a second: the
      // third starts two seconds after the first (a little less if the first was slow to arrive).
      assertThat(smtp.acceptedAt).hasSize(3);
      long span = smtp.acceptedAt.get(2) - smtp.acceptedAt.get(0);
      assertThat(TimeUnit.NANOSECONDS.toMillis(span)).isGreaterThanOrEqualTo(1_500);
      assertThat(c.maxConnectionsPerMinutePerHost()).isEqualTo(60);
      assertThat(c.toBuilder().build().maxConnectionsPerMinutePerHost()).isEqualTo(60);
    }
  }

  @Test
  void aStartTheRateCannotFitBeforeTheDeadlineIsRefusedAndFreesItsSlot() throws Exception {
    HostGates gates = new HostGates(2, 1);
    AutoCloseable first = gates.acquire("192.0.2.1", 0);
    assertThat(first).isNotNull();
    // The next start to this host is a minute away: not within 50 ms.
    assertThat(gates.acquire("192.0.2.1", TimeUnit.MILLISECONDS.toNanos(50))).isNull();
    assertThat(gates.acquire("192.0.2.2", 0)).as("another host has its own rate").isNotNull();
    first.close();
    assertThat(gates.hostsInUse()).isEqualTo(1);
  }

  @Test
  void rateEntriesOfHostsWhoseNextStartIsDueAreForgotten() throws Exception {
    // 1,000,000 a minute: starts 60 µs apart, so an entry is due almost at once.
    HostGates gates = new HostGates(1, 1_000_000);
    for (int i = 0; i < 20_000; i++) {
      AutoCloseable slot = gates.acquire("127.1." + (i / 256) + "." + (i % 256), 0);
      assertThat(slot).isNotNull();
      slot.close();
    }
    // Swept whenever the map doubles past 4,096: never all 20,000 remembered.
    assertThat(gates.rateEntries()).isLessThanOrEqualTo(8_192);
    assertThat(gates.hostsInUse()).isZero();
  }

  @Test
  void aRateLimitOutOfRangeIsRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> MailPostureCheck.builder().maxConnectionsPerMinutePerHost(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxConnectionsPerMinutePerHost");
  }

  @Test
  void hostGatesForgetHostsNobodyUses() throws Exception {
    HostGates gates = new HostGates(1);
    AutoCloseable first = gates.acquire("192.0.2.1", 0);
    assertThat(first).isNotNull();
    assertThat(gates.acquire("192.0.2.1", TimeUnit.MILLISECONDS.toNanos(10))).isNull();
    AutoCloseable other = gates.acquire("192.0.2.2", 0);
    assertThat(other).isNotNull();
    assertThat(gates.hostsInUse()).isEqualTo(2);
    first.close();
    other.close();
    assertThat(gates.hostsInUse()).isZero();
    AutoCloseable again = gates.acquire("192.0.2.1", 0);
    assertThat(again).isNotNull();
    again.close();
  }
}
