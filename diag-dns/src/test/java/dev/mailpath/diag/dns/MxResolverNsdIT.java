package dev.mailpath.diag.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.testkit.peer.DigClient;
import dev.mailpath.diag.testkit.peer.NsdServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * MxResolver against a real authoritative server: NSD from Debian, started on loopback with
 * response rate limiting off, serving a zone with every MX case; record sets cross-checked with
 * dig. Skipped when NSD is absent, failed with {@code -Dpeers.required=true}.
 */
class MxResolverNsdIT {
  static NsdServer nsd;
  static DigClient dig;

  @BeforeAll
  static void startNsd() {
    NsdServer.requireInstalled();
    dig = DigClient.require();
    nsd =
        NsdServer.builder()
            .zone("example.org", TestZones.example())
            .zone("0.0.127.in-addr.arpa", TestZones.reverse())
            .zone("xn--bcher-kva.example", TestZones.idn())
            .start();
  }

  @AfterAll
  static void stopNsd() {
    if (nsd != null) {
      nsd.close();
    }
  }

  static MxResolver resolver() {
    return MxResolver.builder()
        .dns(d -> d.server(nsd.address()).timeout(Duration.ofSeconds(2)).retries(1))
        .build();
  }

  static List<String> codes(MxReport r) {
    return r.findings().stream().map(Finding::code).toList();
  }

  @Test
  void resolve_healthyDomain_matchesDigAndIsAuthoritative() {
    MxReport r = resolver().resolve("example.org");

    assertThat(r.authoritative()).isTrue();
    assertThat(r.server()).contains(nsd.address());
    assertThat(r.findings()).isEmpty();
    List<String> ours =
        r.exchanges().stream().map(e -> e.preference() + " " + e.host() + ".").sorted().toList();
    List<String> digs =
        dig.query(nsd.address(), "example.org", "MX").stream()
            .map(s -> s.toLowerCase(Locale.ROOT))
            .sorted()
            .toList();
    assertThat(ours).isEqualTo(digs);
    List<String> digA = dig.query(nsd.address(), "mx1.example.org", "A");
    assertThat(r.exchanges().get(0).addresses())
        .map(InetAddress::getHostAddress)
        .contains(digA.toArray(String[]::new));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "nullmx.example.org, dns.mx.null",
    "mixed.example.org, dns.mx.null-mixed",
    "implicit.example.org, dns.mx.implicit",
    "nomail.example.org, dns.mx.none",
    "nosuch.example.org, dns.nxdomain",
    "cnametarget.example.org, dns.mx.cname-target",
    "dangling.example.org, dns.mx.dangling",
    "literal.example.org, dns.mx.ip-literal",
    "literal2.example.org, dns.mx.ip-literal",
    "dup.example.org, dns.mx.duplicate",
    "not-served.example.net, dns.refused"
  })
  void resolve_eachCase_reportsItsCode(String domain, String code) {
    assertThat(codes(resolver().resolve(domain))).containsExactly(code);
  }

  @Test
  void resolve_answerTooBigForUdp_retriesOverTcpAndMatchesDig() {
    MxReport r =
        resolver().toBuilder()
            .dns(d -> d.edns(false))
            .addressFamily(AddressFamily.IPV4)
            .build()
            .resolve("big.example.org");

    assertThat(codes(r)).containsExactly("dns.truncated-tcp-retry");
    assertThat(r.exchanges()).hasSize(60);
    assertThat(dig.query(nsd.address(), "big.example.org", "MX", "+tcp")).hasSize(60);
    assertThat(r.outcome()).isEqualTo(Outcome.PASS);
  }

  @Test
  void resolve_unicodeDomain_findsALabelZone() {
    MxReport r = resolver().resolve("bücher.example");

    assertThat(r.exchanges())
        .extracting(MailExchange::host)
        .containsExactly("mx.xn--bcher-kva.example");
  }

  @Test
  void reverse_realPtr_isForwardConfirmedAndMatchesDig() throws Exception {
    ReverseReport r = resolver().reverse(InetAddress.getByName("127.0.0.1"));

    assertThat(r.forwardConfirmed()).isTrue();
    assertThat(dig.query(nsd.address(), "1.0.0.127.in-addr.arpa", "PTR"))
        .containsExactly(r.names().get(0) + ".");
    assertThat(resolver().reverse(InetAddress.getByName("127.0.0.2")).findings())
        .extracting(Finding::code)
        .containsExactly("dns.ptr.not-confirmed");
  }

  @Test
  void resolveAll_manyDomains_allAnsweredWithoutRateLimiting() {
    List<String> domains = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) {
      domains.add(i % 2 == 0 ? "example.org" : "dup.example.org");
    }
    long failures;
    try (var s = resolver().resolveAll(domains, 50)) {
      failures = s.filter(r -> r.outcome() == Outcome.INCONCLUSIVE).count();
    }
    assertThat(failures).isZero();
  }
}
