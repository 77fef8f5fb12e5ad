package dev.mailpath.diag.posture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.DnssecTestSigner;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import dev.mailpath.diag.testkit.MtaStsPolicyServer;
import dev.mailpath.diag.testkit.PolicySmtpServer;
import dev.mailpath.diag.testkit.TestCertificates;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MailPostureCheck against the test kit's servers on loopback: a DNS zone, SMTP servers with
 * STARTTLS on 127.0.0.1 and ::1, and an MTA-STS policy host. DNSSEC here is unsigned under a signed
 * lab anchor (bogus); the signed path runs against NSD in {@code MailPostureNsdIT}.
 */
class MailPostureCheckTest {
  static final String ROOT =
      "$ORIGIN .\n$TTL 300\n@ SOA ns.test. h.test. 1 3600 600 86400 300\n@ NS ns.test.\n"
          + "test. NS ns.test.\nns.test. A 127.0.0.1\n";

  static TestCertificates.ServerCertificate cert;
  static PolicySmtpServer smtp4;
  static PolicySmtpServer smtp6;
  static MtaStsPolicyServer web;
  static LocalDnsZoneServer dns;
  static String testZone;
  static String anchor = DnssecTestSigner.create(".").ds();

  @BeforeAll
  static void start() throws Exception {
    cert = TestCertificates.selfSigned("mx.good.test", "mx.shared.test");
    smtp4 =
        PolicySmtpServer.builder()
            .hostname("mx.good.test")
            .localDomain("good.test")
            .startTls(cert.serverContext())
            .bindAddress(InetAddress.getByName("127.0.0.1"))
            .start();
    smtp6 =
        PolicySmtpServer.builder()
            .hostname("mx.good.test")
            .localDomain("good.test")
            .startTls(cert.serverContext())
            .bindAddress(InetAddress.getByName("::1"))
            .port(smtp4.port())
            .start();
    web =
        MtaStsPolicyServer.builder()
            .domain("good.test")
            .policy("version: STSv1\nmode: enforce\nmx: mx.good.test\nmax_age: 1209600\n")
            .start();
    StringBuilder zone =
        new StringBuilder(
            String.join(
                "\n",
                "$ORIGIN test.",
                "$TTL 300",
                "@ SOA ns h 1 3600 600 86400 300",
                "@ NS ns",
                "ns A 127.0.0.1",
                "good MX 10 mx.good",
                "mx.good A 127.0.0.1",
                "mx.good AAAA ::1",
                "good TXT \"v=spf1 ip4:127.0.0.1 -all\"",
                "_dmarc.good TXT \"v=DMARC1; p=reject; rua=mailto:d@good.test\"",
                "_mta-sts.good TXT \"v=STSv1; id=2026120801\"",
                "mta-sts.good A 127.0.0.1",
                "_smtp._tls.good TXT \"v=TLSRPTv1; rua=mailto:tls@good.test\"",
                "s1._domainkey.good TXT \"v=DKIM1; p=\"",
                "bad MX 10 mx.bad",
                "mx.bad A 127.0.0.9",
                "bad TXT \"v=spf1 +all\"",
                "null MX 0 .",
                ""));
    for (int i = 0; i < 40; i++) {
      zone.append("d").append(i).append(" MX 10 mx.shared\n");
    }
    zone.append("mx.shared A 127.0.0.1\n");
    testZone = zone.toString();
    dns = LocalDnsZoneServer.builder().zone(".", ROOT).zone("test.", testZone).start();
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {dns, web, smtp6, smtp4}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // best effort
      }
    }
  }

  static MailPostureCheck.Builder check() {
    return MailPostureCheck.builder()
        .dns(d -> d.server(dns.address()).timeout(Duration.ofSeconds(2)))
        .tls(t -> t.trustManager(TestTrust.anyOf(cert.trustManager(), web.trustManager())))
        .trustAnchors(List.of(anchor))
        .smtpPort(smtp4.port())
        .policyPort(web.port())
        .deadline(Duration.ofSeconds(30));
  }

  @Test
  void aWellConfiguredDomainScoresWhereItShouldAndShowsEveryPart() {
    MailPostureReport r = check().build().check("good.test");
    String text = r.toString();
    assertThat(r.domain()).isEqualTo("good.test");
    assertThat(r.dnsServers()).containsExactly("127.0.0.1:" + dns.address().getPort());
    assertThat(r.incomplete()).as(text).isFalse();
    assertThat(r.exchanges()).hasSize(1);
    ExchangePosture mx = r.exchanges().get(0);
    assertThat(mx.host()).isEqualTo("mx.good.test");
    assertThat(mx.addresses())
        .extracting(AddressPosture::address)
        .containsExactly("127.0.0.1", "::1");
    assertThat(mx.addresses())
        .allMatch(a -> a.reachable() && a.startTls() && a.tlsEstablished(), text);
    assertThat(mx.addresses().get(0).tls().orElseThrow().verified()).as(text).isTrue();
    assertThat(mx.reachableOverIpv6()).isTrue();

    assertThat(r.score(PostureCategory.IPV6).orElseThrow().score()).hasValue(100);
    assertThat(r.score(PostureCategory.AUTHENTICATION).orElseThrow().score())
        .as(text)
        .hasValue(100);
    assertThat(r.score(PostureCategory.MTA_STS).orElseThrow().score()).as(text).hasValue(100);
    // Unsigned zone under a signed anchor: DNSSEC fails, DANE records cannot exist.
    assertThat(r.score(PostureCategory.DNSSEC).orElseThrow().score()).hasValue(0);
    PostureScore tls = r.score(PostureCategory.STARTTLS_DANE).orElseThrow();
    assertThat(tls.tests())
        .extracting(PostureTest::id, PostureTest::result)
        .contains(
            org.assertj.core.groups.Tuple.tuple("starttls.offered", Outcome.PASS),
            org.assertj.core.groups.Tuple.tuple("starttls.protocol", Outcome.PASS),
            org.assertj.core.groups.Tuple.tuple("starttls.certificate", Outcome.PASS),
            org.assertj.core.groups.Tuple.tuple("dane.exists", Outcome.FAIL));
    assertThat(tls.score()).hasValue(66);
    // No list configured: nothing asked, nothing scored.
    assertThat(r.score(PostureCategory.DNSBL).orElseThrow().score()).isEmpty();
    assertThat(r.dnsbl()).isEmpty();
    assertThat(r.score()).hasValue((100 + 0 + 100 + 66 + 100) / 5);
    assertThat(r.mtaSts().orElseThrow().policy()).isPresent();
    assertThat(r.spf().orElseThrow().record()).hasValue("v=spf1 ip4:127.0.0.1 -all");
    assertThat(r.hasFinding(PostureFinding.DNSSEC_DOMAIN)).isTrue();
    assertThat(r.hasFinding(PostureFinding.STARTTLS_MISSING)).isFalse();
    assertThat(text).contains("IPv6: 100%", "mx.good.test", "STARTTLS TLSv1.3");
  }

  @Test
  void allPartsTogether_keepAtMostMaxInFlightPerServerQueriesAtTheDnsServer() {
    assertThat(heldAtOnce(1)).as("every part shares the one query allowed").isEqualTo(1);
  }

  @Test
  void thePartsAskTheDnsServerAtOnce_whenTheLimitAllows() {
    // Shows the test above can fail: without a shared budget each part would have its own slot.
    assertThat(heldAtOnce(1024)).isGreaterThan(1);
  }

  /** Checks good.test against a DNS server that delays every reply; the most it held at once. */
  private static int heldAtOnce(int maxInFlightPerServer) {
    try (LocalDnsZoneServer slow =
        LocalDnsZoneServer.builder()
            .zone(".", ROOT)
            .zone("test.", testZone)
            .fault(DnsFault.delay(Duration.ofMillis(20)))
            .start()) {
      MailPostureReport r =
          check()
              .dns(
                  d ->
                      d.server(slow.address())
                          .timeout(Duration.ofSeconds(10))
                          .maxInFlightPerServer(maxInFlightPerServer))
              .build()
              .check("good.test");
      assertThat(r.incomplete()).as(r.toString()).isFalse();
      assertThat(r.mtaSts().orElseThrow().policy()).as(r.toString()).isPresent();
      assertThat(slow.queryCount()).isGreaterThan(10);
      return slow.maxUnansweredQueries();
    }
  }

  @Test
  void aBrokenDomainFailsItsTestsWithFindingsNotExceptions() {
    MailPostureReport r =
        check()
            .timeouts(dev.mailpath.diag.smtp.SmtpTimeouts.all(Duration.ofSeconds(2)))
            .build()
            .check("bad.test");
    String text = r.toString();
    ExchangePosture mx = r.exchanges().get(0);
    assertThat(mx.addresses()).singleElement().matches(a -> !a.reachable(), text);
    assertThat(r.hasFinding(PostureFinding.UNREACHABLE)).as(text).isTrue();
    assertThat(r.hasFinding(PostureFinding.IPV6_NO_ADDRESS)).isTrue();
    assertThat(r.hasFinding(PostureFinding.DKIM_NOT_FOUND)).isTrue();
    assertThat(r.score(PostureCategory.IPV6).orElseThrow().score()).hasValue(0);
    assertThat(r.score(PostureCategory.AUTHENTICATION).orElseThrow().tests())
        .extracting(PostureTest::id, PostureTest::result)
        .contains(
            org.assertj.core.groups.Tuple.tuple("spf.policy", Outcome.FAIL),
            org.assertj.core.groups.Tuple.tuple("dmarc.record", Outcome.FAIL),
            org.assertj.core.groups.Tuple.tuple("dkim.keys", Outcome.FAIL));
    // Nothing answered SMTP: STARTTLS cannot be judged from here, so it is not scored as failed.
    assertThat(r.score(PostureCategory.STARTTLS_DANE).orElseThrow().tests())
        .extracting(PostureTest::id, PostureTest::result)
        .contains(org.assertj.core.groups.Tuple.tuple("starttls.offered", Outcome.INCONCLUSIVE));
    assertThat(r.score(PostureCategory.MTA_STS).orElseThrow().score()).hasValue(0);
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void aNullMxLeavesTheExchangeTestsUndecided() {
    MailPostureReport r = check().build().check("null.test");
    assertThat(r.exchanges()).isEmpty();
    assertThat(r.hasFinding("dns.mx.null")).as(r.toString()).isTrue();
    assertThat(r.score(PostureCategory.IPV6).orElseThrow().score()).isEmpty();
  }

  @Test
  void selectorsNamedAreLookedUpThemselves() {
    MailPostureReport r = check().dkimSelectors(List.of("s1", "s2")).build().check("good.test");
    assertThat(r.dkim()).extracting(k -> k.selector()).containsExactly("s1", "s2");
    assertThat(r.score(PostureCategory.AUTHENTICATION).orElseThrow().tests())
        .filteredOn(t -> t.id().equals("dkim.keys"))
        .singleElement()
        .satisfies(t -> assertThat(t.result()).isEqualTo(Outcome.FAIL))
        .satisfies(t -> assertThat(t.detail()).contains("s1", "s2"));
  }

  @Test
  void checkAllProbesASharedExchangeOnceAndStreamsInOrder() {
    int before = smtp4.connectionCount();
    List<String> domains =
        IntStream.range(0, 40).mapToObj(i -> "d" + i + ".test").collect(Collectors.toList());
    List<String> seen = new ArrayList<>();
    try (Stream<MailPostureReport> all = check().build().checkAll(domains, 8)) {
      all.forEach(
          r -> {
            seen.add(r.domain());
            assertThat(r.exchanges())
                .singleElement()
                .matches(e -> e.host().equals("mx.shared.test"));
            assertThat(r.exchanges().get(0).addresses().get(0).tlsEstablished()).isTrue();
          });
    }
    assertThat(seen).isEqualTo(domains);
    assertThat(smtp4.connectionCount() - before).isEqualTo(1);
  }

  @Test
  void anInstanceCacheRemembersExchangesAcrossCalls() {
    MailPostureCheck c = check().exchangeCacheSize(16).build();
    int before = smtp4.connectionCount();
    c.check("d0.test");
    c.check("d1.test");
    try (Stream<MailPostureReport> all = c.checkAll(List.of("d2.test", "d3.test"), 2)) {
      assertThat(all.count()).isEqualTo(2);
    }
    assertThat(smtp4.connectionCount() - before).isEqualTo(1);
    assertThat(c.toBuilder().build().exchangeCacheSize()).isEqualTo(16);
    assertThatThrownBy(() -> MailPostureCheck.builder().exchangeCacheSize(-1))
        .hasMessageContaining("exchangeCacheSize");
  }

  @Test
  void badInputThrowsBeforeAnyQuery() {
    MailPostureCheck c = check().build();
    assertThatThrownBy(() -> c.check("bad..domain")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> c.checkAll(List.of("a.test"), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxInFlight");
    assertThatThrownBy(() -> MailPostureCheck.builder().smtpPort(0)).hasMessageContaining("port");
    assertThatThrownBy(() -> MailPostureCheck.builder().maxConnectionsPerHost(0))
        .hasMessageContaining("maxConnectionsPerHost");
    assertThatThrownBy(() -> MailPostureCheck.builder().dkimSelectors(List.of("a b")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("selectors");
    assertThatThrownBy(() -> MailPostureCheck.builder().deadline(Duration.ZERO))
        .hasMessageContaining("deadline");
    try (Stream<MailPostureReport> s = c.checkAll(List.of("bad..x"), 1)) {
      assertThatThrownBy(() -> s.findFirst()).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void dnsThatNeverAnswersEndsAtTheDeadlineWithTheMissingPartsSaid() {
    try (LocalDnsZoneServer silent =
        LocalDnsZoneServer.builder().zone(".", ROOT).fault(DnsFault.drop()).start()) {
      MailPostureReport r =
          MailPostureCheck.builder()
              .dns(
                  d ->
                      d.server(silent.address())
                          .timeout(Duration.ofMillis(300))
                          .retries(10)
                          .deadline(Duration.ofSeconds(20)))
              .trustAnchors(List.of(anchor))
              .deadline(Duration.ofSeconds(2))
              .build()
              .check("good.test");
      assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(4));
      assertThat(r.incomplete()).isTrue();
      assertThat(r.hasFinding(PostureFinding.DEADLINE)).isTrue();
      assertThat(r.score()).isEmpty();
      assertThat(r.outcome()).isNotEqualTo(Outcome.PASS);
    }
  }

  @Test
  void cancellingTheFutureStopsTheCheck() throws Exception {
    try (LocalDnsZoneServer silent =
        LocalDnsZoneServer.builder().zone(".", ROOT).fault(DnsFault.drop()).start()) {
      CompletableFuture<MailPostureReport> f =
          MailPostureCheck.builder()
              .dns(d -> d.server(silent.address()).timeout(Duration.ofSeconds(5)))
              .trustAnchors(List.of(anchor))
              .build()
              .checkAsync("good.test");
      f.cancel(true);
      assertThat(f).isCancelled();
      assertThatThrownBy(f::join).isInstanceOf(CancellationException.class);
    }
  }

  @Test
  void reportsAreValuesWithBuilders() {
    MailPostureReport r = check().build().check("null.test");
    assertThat(r.toBuilder().build()).isEqualTo(r).hasSameHashCodeAs(r);
    assertThat(r.toBuilder().incomplete(true).build()).isNotEqualTo(r);
    MailPostureReport fake =
        MailPostureReport.builder()
            .domain("x.test")
            .addScore(
                PostureScore.of(
                    PostureCategory.IPV6,
                    List.of(
                        new PostureTest(
                            "ipv6.addresses", PostureCategory.IPV6, true, Outcome.PASS, "ok"),
                        new PostureTest(
                            "ipv6.reachable", PostureCategory.IPV6, true, Outcome.FAIL, "no"),
                        new PostureTest("x", PostureCategory.IPV6, false, Outcome.WARN, "rec"),
                        new PostureTest(
                            "y", PostureCategory.IPV6, true, Outcome.INCONCLUSIVE, "?"))))
            .build();
    assertThat(fake.score()).hasValue(50);
    assertThat(fake.tests()).hasSize(4);
  }
}
