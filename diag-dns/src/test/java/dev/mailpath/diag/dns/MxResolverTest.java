package dev.mailpath.diag.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MxResolverTest {
  static LocalDnsZoneServer dns;

  @BeforeAll
  static void startDns() {
    dns =
        LocalDnsZoneServer.builder()
            .zone(TestZones.example())
            .zone(TestZones.reverse())
            .zone(TestZones.idn())
            .start();
  }

  @AfterAll
  static void stopDns() {
    dns.close();
  }

  @AfterEach
  void clearFaults() {
    dns.clearFaults();
  }

  static MxResolver.Builder resolver() {
    return MxResolver.builder()
        .dns(d -> d.server(dns.address()).timeout(Duration.ofMillis(500)).retries(0));
  }

  static List<String> codes(MxReport r) {
    return r.findings().stream().map(Finding::code).toList();
  }

  @Test
  void resolve_twoPreferences_ordersByPreferenceWithAddresses() throws Exception {
    MxReport r = resolver().build().resolve("example.org");

    assertThat(r.rcode()).contains("NOERROR");
    assertThat(r.authoritative()).isTrue();
    assertThat(r.server()).contains(dns.address());
    assertThat(r.exchanges()).extracting(MailExchange::preference).containsExactly(10, 20, 20);
    MailExchange first = r.exchanges().get(0);
    assertThat(first.host()).isEqualTo("mx1.example.org");
    assertThat(first.ttl()).isEqualTo(Duration.ofSeconds(300));
    assertThat(first.addresses())
        .containsExactlyInAnyOrder(
            InetAddress.getByName("127.0.2.1"), InetAddress.getByName("::1"));
    assertThat(r.exchanges().subList(1, 3))
        .extracting(MailExchange::host)
        .containsExactlyInAnyOrder("mx2.example.org", "mx3.example.org");
    assertThat(r.findings()).isEmpty();
    assertThat(r.outcome()).isEqualTo(Outcome.PASS);
    assertThat(r.nullMx()).isFalse();
    assertThat(r.implicitMx()).isFalse();
  }

  @Test
  void resolve_equalPreferences_orderIsRandomButSeedable() {
    Set<String> orders = new HashSet<>();
    for (int seed = 0; seed < 20; seed++) {
      MxReport r = resolver().random(new Random(seed)).build().resolve("example.org");
      orders.add(r.exchanges().get(1).host());
    }
    assertThat(orders).containsExactlyInAnyOrder("mx2.example.org", "mx3.example.org");

    MxReport a = resolver().random(new Random(7)).build().resolve("example.org");
    MxReport b = resolver().random(new Random(7)).build().resolve("example.org");
    assertThat(a.exchanges()).isEqualTo(b.exchanges());
  }

  @Test
  void resolve_ipv4Only_asksNoAaaa() {
    long before = dns.queries().stream().filter(q -> q.typeName().equals("AAAA")).count();
    MxReport r = resolver().addressFamily(AddressFamily.IPV4).build().resolve("example.org");

    assertThat(r.exchanges().get(0).addresses())
        .extracting(a -> a.getAddress().length)
        .containsOnly(4);
    assertThat(r.lookups()).extracting(DnsLookup::type).containsOnly("MX", "A");
    assertThat(dns.queries().stream().filter(q -> q.typeName().equals("AAAA")).count())
        .isEqualTo(before);
  }

  @Test
  void resolve_nullMx_reportsNullMxAndNoExchanges() {
    MxReport r = resolver().build().resolve("nullmx.example.org");

    assertThat(r.nullMx()).isTrue();
    assertThat(r.exchanges()).isEmpty();
    assertThat(codes(r)).containsExactly("dns.mx.null");
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.toString()).contains("null MX");
  }

  @Test
  void resolve_nullMxWithOthers_reportsMixed() {
    MxReport r = resolver().build().resolve("mixed.example.org");

    assertThat(r.nullMx()).isFalse();
    assertThat(codes(r)).containsExactly("dns.mx.null-mixed");
    assertThat(r.exchanges()).extracting(MailExchange::host).containsExactly("mx1.example.org");
  }

  @Test
  void resolve_noMxButAddress_isImplicitMx() throws Exception {
    MxReport r = resolver().build().resolve("implicit.example.org");

    assertThat(r.implicitMx()).isTrue();
    assertThat(r.exchanges()).hasSize(1);
    MailExchange e = r.exchanges().get(0);
    assertThat(e.host()).isEqualTo("implicit.example.org");
    assertThat(e.preference()).isZero();
    assertThat(e.addresses()).containsExactly(InetAddress.getByName("127.0.2.10"));
    assertThat(codes(r)).containsExactly("dns.mx.implicit");
    assertThat(r.outcome()).isEqualTo(Outcome.WARN);
  }

  @Test
  void resolve_noMxNoAddress_isUndeliverable() {
    MxReport r = resolver().build().resolve("nomail.example.org");

    assertThat(r.exchanges()).isEmpty();
    assertThat(codes(r)).containsExactly("dns.mx.none");
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void resolve_unknownName_isNxdomain() {
    MxReport r = resolver().build().resolve("nosuch.example.org");

    assertThat(r.rcode()).contains("NXDOMAIN");
    assertThat(codes(r)).containsExactly("dns.nxdomain");
    assertThat(r.findings().get(0).nextSteps()).isNotEmpty();
  }

  @Test
  void resolve_mxPointsToCname_reportsCnameTargetButKeepsAddresses() throws Exception {
    MxReport r =
        resolver().addressFamily(AddressFamily.IPV4).build().resolve("cnametarget.example.org");

    assertThat(codes(r)).containsExactly("dns.mx.cname-target");
    assertThat(r.exchanges().get(0).host()).isEqualTo("alias.example.org");
    assertThat(r.exchanges().get(0).addresses())
        .containsExactly(InetAddress.getByName("127.0.2.1"));
  }

  @Test
  void resolve_exchangeWithoutAddress_isDangling() {
    MxReport r = resolver().build().resolve("dangling.example.org");

    assertThat(codes(r)).containsExactly("dns.mx.dangling");
    assertThat(r.exchanges().get(0).addresses()).isEmpty();
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
  }

  @ParameterizedTest
  @ValueSource(strings = {"literal.example.org", "literal2.example.org"})
  void resolve_exchangeIsAnAddress_reportsIpLiteral(String domain) {
    MxReport r = resolver().build().resolve(domain);

    assertThat(codes(r)).containsExactly("dns.mx.ip-literal");
  }

  @Test
  void resolve_sameExchangeTwice_reportsDuplicateAndKeepsLowestPreference() {
    MxReport r = resolver().build().resolve("dup.example.org");

    assertThat(codes(r)).containsExactly("dns.mx.duplicate");
    assertThat(r.exchanges()).extracting(MailExchange::preference).containsExactly(10);
  }

  @Test
  void resolve_answerTooBigForUdp_retriesOverTcp() {
    MxReport r =
        resolver()
            .dns(d -> d.edns(false))
            .addressFamily(AddressFamily.IPV4)
            .build()
            .resolve("big.example.org");

    assertThat(r.exchanges()).hasSize(60);
    assertThat(r.exchanges()).extracting(MailExchange::preference).isSorted();
    assertThat(codes(r)).containsExactly("dns.truncated-tcp-retry");
    assertThat(r.lookups().get(0).tcp()).isTrue();
    assertThat(r.lookups().get(0).truncatedRetry()).isTrue();
  }

  @Test
  void resolve_truncateFault_usesTcpAnswer() {
    dns.setFaults(List.of(DnsFault.truncate().forType("MX")));

    MxReport r = resolver().build().resolve("example.org");

    assertThat(r.exchanges()).hasSize(3);
    assertThat(codes(r)).containsExactly("dns.truncated-tcp-retry");
  }

  @Test
  void resolve_servfail_reportsServfail() {
    dns.setFaults(List.of(DnsFault.servfail().forName("example.org")));

    MxReport r = resolver().build().resolve("example.org");

    assertThat(r.rcode()).contains("SERVFAIL");
    assertThat(codes(r)).containsExactly("dns.servfail");
    assertThat(r.exchanges()).isEmpty();
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void resolve_refused_isInconclusive() {
    dns.setFaults(List.of(DnsFault.refused().forName("example.org")));

    MxReport r = resolver().build().resolve("example.org");

    assertThat(codes(r)).containsExactly("dns.refused");
    assertThat(r.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
  }

  @Test
  void resolve_noReply_timesOutWithinBudget() {
    dns.setFaults(List.of(DnsFault.drop()));
    long start = System.nanoTime();

    MxReport r =
        resolver()
            .dns(d -> d.timeout(Duration.ofMillis(200)).retries(1))
            .build()
            .resolve("example.org");

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(codes(r)).containsExactly("dns.timeout");
    assertThat(r.rcode()).isEmpty();
    assertThat(r.server()).isEmpty();
    assertThat(r.lookups()).hasSize(2).extracting(DnsLookup::rcode).containsOnly("TIMEOUT");
    assertThat(r.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
  }

  @Test
  void resolve_firstServerSilent_secondServerAnswers() {
    try (LocalDnsZoneServer silent =
        LocalDnsZoneServer.builder().zone(TestZones.example()).fault(DnsFault.drop()).start()) {
      MxReport r =
          MxResolver.builder()
              .dns(
                  d ->
                      d.servers(List.of(silent.address(), dns.address()))
                          .timeout(Duration.ofMillis(200))
                          .retries(0))
              .build()
              .resolve("example.org");

      assertThat(r.server()).contains(dns.address());
      assertThat(r.exchanges()).hasSize(3);
      assertThat(r.lookups().get(0).server()).isEqualTo(silent.address());
      assertThat(r.lookups().get(0).rcode()).isEqualTo("TIMEOUT");
    }
  }

  @Test
  void resolve_cachedAnswer_reportsNonAuthoritative() {
    dns.setFaults(List.of(DnsFault.notAuthoritative()));

    MxReport r = resolver().build().resolve("example.org");

    assertThat(r.authoritative()).isFalse();
    assertThat(codes(r)).containsExactly("dns.non-authoritative");
    assertThat(r.toString()).contains("Non-authoritative answer:");
    assertThat(r.outcome()).isEqualTo(Outcome.PASS);
  }

  @Test
  void resolve_echoedQuery_isNotTakenAsEmptyAnswer() {
    dns.setFaults(List.of(DnsFault.echoQuery().forType("MX")));

    MxReport r =
        resolver().dns(d -> d.timeout(Duration.ofMillis(300))).build().resolve("example.org");

    assertThat(codes(r))
        .containsExactlyInAnyOrder("dns.timeout", "dns.response.mismatched-ignored");
    assertThat(codes(r)).doesNotContain("dns.mx.none", "dns.mx.implicit");
  }

  @Test
  void resolve_wrongIdOrQuestion_isIgnored() {
    dns.setFaults(List.of(DnsFault.wrongId().forType("MX")));
    assertThat(
            codes(
                resolver()
                    .dns(d -> d.timeout(Duration.ofMillis(300)))
                    .build()
                    .resolve("example.org")))
        .containsExactlyInAnyOrder("dns.timeout", "dns.response.mismatched-ignored");

    dns.setFaults(List.of(DnsFault.wrongQuestion().forType("MX")));
    assertThat(
            codes(
                resolver()
                    .dns(d -> d.timeout(Duration.ofMillis(300)))
                    .build()
                    .resolve("example.org")))
        .containsExactlyInAnyOrder("dns.timeout", "dns.response.mismatched-ignored");
  }

  @Test
  void resolve_domainIsAlias_followsCname() {
    MxReport r = resolver().build().resolve("aliasdomain.example.org");

    assertThat(r.exchanges()).extracting(MailExchange::host).startsWith("mx1.example.org");
  }

  @Test
  void resolve_unicodeDomain_queriesALabel() {
    MxReport r = resolver().build().resolve("Bücher.example.");

    assertThat(r.domain()).isEqualTo("Bücher.example");
    assertThat(r.asciiDomain()).isEqualTo("xn--bcher-kva.example");
    assertThat(r.exchanges())
        .extracting(MailExchange::host)
        .containsExactly("mx.xn--bcher-kva.example");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        ".",
        "exa mple.org",
        "a..example.org",
        ".example.org",
        "example.org\r\nMAIL FROM:<x>",
        "exa\0mple.org",
        "-bad.example.org",
        "under/score.example.org",
        "192.0.2.1",
        "straße.example"
      })
  void resolve_malformedDomain_throwsBeforeAnyQuery(String domain) {
    long before = dns.queryCount();
    MxResolver resolver = resolver().build();

    assertThatThrownBy(() -> resolver.resolve(domain)).isInstanceOf(IllegalArgumentException.class);
    assertThat(dns.queryCount()).isEqualTo(before);
  }

  @Test
  void resolve_overlongLabelOrName_namesTheLimit() {
    MxResolver resolver = resolver().build();
    assertThatThrownBy(() -> resolver.resolve("a".repeat(64) + ".org"))
        .hasMessageContaining("64 octets")
        .hasMessageContaining("63");
    String longName =
        Stream.generate(() -> "a".repeat(60)).limit(5).collect(Collectors.joining("."));
    assertThatThrownBy(() -> resolver.resolve(longName)).hasMessageContaining("253");
  }

  @Test
  void resolveAsync_completesWithReport() throws Exception {
    MxReport r = resolver().build().resolveAsync("example.org").get();

    assertThat(r.exchanges()).hasSize(3);
    assertThatThrownBy(() -> resolver().build().resolveAsync("bad..name"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void resolveAll_mixedInput_streamsEveryReportAndFlagsInvalidNames() {
    List<String> input =
        List.of(
            "example.org",
            "bad..name",
            "nullmx.example.org",
            "nosuch.example.org",
            "implicit.example.org");
    List<MxReport> reports;
    try (Stream<MxReport> s = resolver().build().resolveAll(input, 2)) {
      reports = s.toList();
    }

    assertThat(reports).hasSize(5);
    assertThat(reports)
        .filteredOn(r -> r.domain().equals("bad..name"))
        .singleElement()
        .satisfies(r -> assertThat(codes(r)).containsExactly("dns.invalid-name"));
    assertThat(reports).extracting(MxReport::domain).containsExactlyInAnyOrderElementsOf(input);
  }

  @Test
  void resolveAll_callback_receivesAll() {
    List<MxReport> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    resolver().build().resolveAll(List.of("example.org", "dup.example.org"), 10, seen::add);

    assertThat(seen).hasSize(2);
  }

  @Test
  void addresses_cnameChain_followsToAddresses() throws Exception {
    AddressReport r =
        resolver().addressFamily(AddressFamily.IPV4).build().addresses("chain1.example.org");

    assertThat(r.addresses()).containsExactly(InetAddress.getByName("127.0.2.2"));
    assertThat(r.canonicalName()).contains("mx2.example.org");
    assertThat(r.findings()).isEmpty();
  }

  @Test
  void asyncTwins_addressesAndReverse_completeWithTheSameReports() throws Exception {
    MxResolver resolver = resolver().addressFamily(AddressFamily.IPV4).build();

    AddressReport a = resolver.addressesAsync("chain1.example.org").get();
    ReverseReport r = resolver.reverseAsync(InetAddress.getByName("127.0.0.1")).get();

    assertThat(a.addresses()).containsExactly(InetAddress.getByName("127.0.2.2"));
    assertThat(a.outcome()).isEqualTo(Outcome.PASS);
    assertThat(r.forwardConfirmed()).isTrue();
    assertThatThrownBy(() -> resolver.addressesAsync("bad..name"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void addresses_unknownHost_isNxdomain() {
    AddressReport r = resolver().build().addresses("nosuch.example.org");

    assertThat(r.addresses()).isEmpty();
    assertThat(r.findings()).extracting(Finding::code).containsExactly("dns.nxdomain");
  }

  @Test
  void reverse_ptrResolvesBack_isForwardConfirmed() throws Exception {
    ReverseReport r = resolver().build().reverse(InetAddress.getByName("127.0.0.1"));

    assertThat(r.names()).containsExactly("mailhost.example.org");
    assertThat(r.forwardConfirmed()).isTrue();
    assertThat(r.confirms("MAILHOST.example.org.")).isTrue();
    assertThat(r.findings()).isEmpty();
  }

  @Test
  void reverse_ptrPointsElsewhere_isNotConfirmed() throws Exception {
    ReverseReport r = resolver().build().reverse(InetAddress.getByName("127.0.0.2"));

    assertThat(r.names()).containsExactly("wrong.example.org");
    assertThat(r.forwardConfirmed()).isFalse();
    assertThat(r.findings()).extracting(Finding::code).containsExactly("dns.ptr.not-confirmed");
  }

  @Test
  void reverse_noPtr_reportsNone() throws Exception {
    ReverseReport r = resolver().build().reverse(InetAddress.getByName("127.0.0.3"));

    assertThat(r.names()).isEmpty();
    assertThat(r.findings()).extracting(Finding::code).containsExactly("dns.ptr.none");
  }

  @Test
  void builder_badSettings_areRejected() {
    assertThatThrownBy(() -> MxResolver.builder().dns(d -> d.timeout(Duration.ZERO)))
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> MxResolver.builder().dns(d -> d.retries(-1)))
        .hasMessageContaining("retries");
    assertThatThrownBy(
            () ->
                MxResolver.builder()
                    .dns(d -> d.server(InetSocketAddress.createUnresolved("dns", 53))))
        .hasMessageContaining("server");
    assertThatThrownBy(() -> resolver().build().resolveAll(List.of(), 0))
        .hasMessageContaining("maxInFlight");
  }

  @Test
  void toString_printsNslookupView() {
    String text = resolver().build().resolve("example.org").toString();

    assertThat(text)
        .contains("Server:  127.0.0.1#" + dns.port())
        .contains("example.org\tMX preference = 10, mail exchanger = mx1.example.org")
        .contains("mx1.example.org\tinternet address = 127.0.2.1")
        .doesNotContain("Non-authoritative");
  }
}
