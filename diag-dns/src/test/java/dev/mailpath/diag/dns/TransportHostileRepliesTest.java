package dev.mailpath.diag.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.DiagEventListener;
import dev.mailpath.diag.dns.internal.DnsExchange;
import dev.mailpath.diag.dns.internal.DnsTransport;
import dev.mailpath.diag.dns.internal.NioDnsTransport;
import dev.mailpath.diag.dns.internal.QueryEngine;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * Both transports judge hostile replies alike (they share {@code ReplyCheck}), so a diagnosis reads
 * the same whichever one carried it.
 */
class TransportHostileRepliesTest {
  static LocalDnsZoneServer dns;

  @BeforeAll
  static void start() {
    dns = LocalDnsZoneServer.builder().zone(TestZones.example()).start();
  }

  @AfterAll
  static void stop() {
    dns.close();
  }

  @AfterEach
  void clearFaults() {
    dns.clearFaults();
  }

  static Stream<DnsTransport> transports() {
    return Stream.of(NioDnsTransport.builder().build());
  }

  static DnsExchange ask(
      DnsTransport t,
      InetSocketAddress server,
      String name,
      int type,
      boolean edns,
      boolean tcpOnly) {
    QueryEngine e =
        new QueryEngine(
            t, List.of(server), Duration.ofMillis(400), 0, tcpOnly, edns, true, new SecureRandom());
    return e.ask(Name.fromConstantString(name), type, l -> {}, DiagEventListener.NONE);
  }

  static DnsExchange ask(DnsTransport t, String name, int type) {
    return ask(t, dns.address(), name, type, true, false);
  }

  @ParameterizedTest
  @MethodSource("transports")
  void compressionLoop_isMalformedWithItsProblem(DnsTransport t) {
    dns.setFaults(List.of(DnsFault.compressionLoop()));

    DnsExchange ex = ask(t, "example.org.", Type.MX);

    assertThat(ex.status()).isEqualTo(DnsExchange.Status.MALFORMED);
    assertThat(ex.problem()).isEqualTo(DnsExchange.Problem.COMPRESSION_LOOP);
    assertThat(ex.response()).isNull();
  }

  @ParameterizedTest
  @MethodSource("transports")
  void lyingRecordCounts_isMalformedWithItsProblem(DnsTransport t) {
    dns.setFaults(List.of(DnsFault.lyingRecordCounts()));

    DnsExchange ex = ask(t, "example.org.", Type.MX);

    assertThat(ex.status()).isEqualTo(DnsExchange.Status.MALFORMED);
    assertThat(ex.problem()).isEqualTo(DnsExchange.Problem.COUNT_MISMATCH);
  }

  @ParameterizedTest
  @MethodSource("transports")
  void echoedQuery_isIgnoredNotAnAnswer(DnsTransport t) {
    dns.setFaults(List.of(DnsFault.echoQuery()));

    DnsExchange ex = ask(t, "example.org.", Type.MX);

    assertThat(ex.status()).isEqualTo(DnsExchange.Status.TIMEOUT);
    assertThat(ex.ignoredReplies()).isEqualTo(1);
    assertThat(ex.ignoredReason()).contains("QR clear");
  }

  @ParameterizedTest
  @MethodSource("transports")
  void truncatedWithTcpRefused_isTcpFallbackFailed(DnsTransport t) {
    try (LocalDnsZoneServer udpOnly =
        LocalDnsZoneServer.builder()
            .zone(TestZones.example())
            .tcp(false)
            .fault(DnsFault.truncate())
            .start()) {
      DnsExchange ex = ask(t, udpOnly.address(), "example.org.", Type.MX, true, false);

      assertThat(ex.status()).isEqualTo(DnsExchange.Status.NETWORK_ERROR);
      assertThat(ex.truncatedRetry()).isTrue();
      assertThat(ex.problem()).isEqualTo(DnsExchange.Problem.TCP_FALLBACK_FAILED);
    }
  }

  @ParameterizedTest
  @MethodSource("transports")
  void tcpLengthLie_isLengthMismatch(DnsTransport t) {
    dns.setFaults(List.of(DnsFault.tcpLengthLie()));

    DnsExchange ex = ask(t, dns.address(), "example.org.", Type.MX, true, true);

    assertThat(ex.status()).isEqualTo(DnsExchange.Status.MALFORMED);
    assertThat(ex.problem()).isEqualTo(DnsExchange.Problem.TCP_LENGTH_MISMATCH);
    assertThat(ex.tcp()).isTrue();
  }

  @ParameterizedTest
  @MethodSource("transports")
  void oversizeUdp_isAnAnswerMarkedOversize(DnsTransport t) {
    dns.setFaults(List.of(DnsFault.oversizeUdpWithoutTc()));

    DnsExchange ex = ask(t, dns.address(), "big.example.org.", Type.MX, false, false);

    assertThat(ex.status()).isEqualTo(DnsExchange.Status.ANSWER);
    assertThat(ex.oversizeUdp()).isTrue();
    assertThat(ex.responseSize()).isGreaterThan(512);
    assertThat(ex.tcp()).isFalse();
  }

  @ParameterizedTest
  @MethodSource("transports")
  void truncated_isAnsweredOverTcp(DnsTransport t) {
    dns.setFaults(List.of(DnsFault.truncate()));

    DnsExchange ex = ask(t, "example.org.", Type.MX);

    assertThat(ex.status()).isEqualTo(DnsExchange.Status.ANSWER);
    assertThat(ex.tcp()).isTrue();
    assertThat(ex.truncatedRetry()).isTrue();
  }
}
