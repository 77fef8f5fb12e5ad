package dev.mailpath.diag.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Broken and hostile servers: none of their replies is taken as an answer or as "no MX" unless it
 * is one, and each ends as a finding with its own code, within the timeout.
 */
class HostileServerTest {
  static LocalDnsZoneServer dns;

  static String hostileZone() {
    StringBuilder sb =
        new StringBuilder(
            """
            $ORIGIN hostile.test.
            $TTL 300
            @         SOA  ns1 hostmaster 1 3600 600 86400 300
            @         NS   ns1
            ns1       A    127.0.0.1
            ok        MX   10 mx
            mx        A    127.0.4.1
            loopmx    MX   10 loop1
            loop1     CNAME loop2
            loop2     CNAME loop1
            selfloop  CNAME selfloop
            crossmx   MX   10 cross.other.test.
            longmx    MX   10 c0
            manyaddr  MX   10 wide
            """);
    for (int i = 0; i < 10; i++) {
      sb.append(String.format("c%d CNAME c%d%n", i, i + 1));
    }
    sb.append("c10 A 127.0.4.10\n");
    for (int i = 1; i <= 150; i++) {
      sb.append(String.format("huge MX %d h%03d%nh%03d A 127.0.5.%d%n", i, i, i, i % 250 + 1));
    }
    for (int i = 1; i <= 150; i++) {
      sb.append(String.format("wide A 127.0.6.%d%n", i));
    }
    return sb.toString();
  }

  static String otherZone() {
    return """
        $ORIGIN other.test.
        $TTL 300
        @      SOA  ns1.hostile.test. hostmaster.hostile.test. 1 3600 600 86400 300
        @      NS   ns1.hostile.test.
        cross  CNAME crossback.hostile.test.
        """;
  }

  @BeforeAll
  static void start() {
    dns =
        LocalDnsZoneServer.builder()
            .zone(hostileZone() + "crossback CNAME cross.other.test.\n")
            .zone(otherZone())
            .zone(TestZones.example())
            .start();
  }

  @AfterAll
  static void stop() {
    dns.close();
  }

  @AfterEach
  void clearFaults() {
    dns.clearFaults();
  }

  static MxResolver.Builder resolver() {
    return MxResolver.builder()
        .dns(d -> d.server(dns.address()).timeout(Duration.ofMillis(400)).retries(0))
        .addressFamily(AddressFamily.IPV4);
  }

  static List<String> codes(MxReport r) {
    return r.findings().stream().map(Finding::code).toList();
  }

  static Finding finding(MxReport r, String code) {
    return r.findings().stream().filter(f -> f.code().equals(code)).findFirst().orElseThrow();
  }

  static String evidence(Finding f, String label) {
    return f.evidence().stream()
        .filter(e -> e.label().equals(label))
        .map(Evidence::value)
        .findFirst()
        .orElse("");
  }

  // ------------------------------------------------------------ replies that are not answers

  @Test
  void resolve_echoedQuery_timesOutNamingTheEchoNeverNoMx() {
    dns.setFaults(List.of(DnsFault.echoQuery().forType("MX")));

    MxReport r = resolver().build().resolve("example.org");

    assertThat(codes(r))
        .containsExactlyInAnyOrder("dns.timeout", "dns.response.mismatched-ignored")
        .doesNotContain("dns.mx.none", "dns.mx.implicit");
    assertThat(evidence(finding(r, "dns.timeout"), "first-ignored")).contains("QR clear");
    assertThat(evidence(finding(r, "dns.response.mismatched-ignored"), "first-ignored"))
        .contains("QR clear");
    assertThat(r.exchanges()).isEmpty();
    assertThat(r.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
  }

  @Test
  void resolve_echoedQueryThenRealAnswer_usesAnswerAndReportsMismatchIgnored() {
    dns.setFaults(List.of(DnsFault.echoQuery().forType("MX").times(1)));

    MxReport r = resolver().dns(d -> d.retries(1)).build().resolve("example.org");

    assertThat(r.exchanges()).hasSize(3);
    assertThat(codes(r)).containsExactly("dns.response.mismatched-ignored");
    assertThat(evidence(finding(r, "dns.response.mismatched-ignored"), "first-ignored"))
        .contains("QR clear");
    assertThat(r.lookups()).extracting(DnsLookup::rcode).startsWith("TIMEOUT", "NOERROR");
  }

  @Test
  void resolve_wrongIdThenRealAnswer_reportsMismatchIgnored() {
    dns.setFaults(List.of(DnsFault.wrongId().forType("MX").times(1)));

    MxReport r = resolver().dns(d -> d.retries(1)).build().resolve("example.org");

    assertThat(r.exchanges()).hasSize(3);
    assertThat(codes(r)).containsExactly("dns.response.mismatched-ignored");
    assertThat(evidence(finding(r, "dns.response.mismatched-ignored"), "first-ignored"))
        .contains("wrong ID");
  }

  @Test
  void resolve_wrongQuestionThenRealAnswer_reportsMismatchIgnored() {
    dns.setFaults(List.of(DnsFault.wrongQuestion().forType("MX").times(1)));

    MxReport r = resolver().dns(d -> d.retries(1)).build().resolve("example.org");

    assertThat(r.exchanges()).hasSize(3);
    assertThat(codes(r)).containsExactly("dns.response.mismatched-ignored");
    assertThat(evidence(finding(r, "dns.response.mismatched-ignored"), "first-ignored"))
        .contains("question differs");
  }

  @Test
  void resolve_wrongQuestionOnly_isATimeoutNotAnEmptyAnswer() {
    dns.setFaults(List.of(DnsFault.wrongQuestion().forType("MX")));

    MxReport r = resolver().build().resolve("example.org");

    assertThat(codes(r))
        .containsExactlyInAnyOrder("dns.timeout", "dns.response.mismatched-ignored");
    assertThat(evidence(finding(r, "dns.timeout"), "ignored-replies")).isEqualTo("1");
    assertThat(r.exchanges()).isEmpty();
  }

  // ------------------------------------------------------------ unreadable replies

  @Test
  void resolve_compressionLoop_reportsCompressionLoop() {
    dns.setFaults(List.of(DnsFault.compressionLoop().forType("MX")));

    MxReport r = resolver().build().resolve("example.org");

    assertThat(codes(r)).containsExactly("dns.response.compression-loop");
    assertThat(r.exchanges()).isEmpty();
    assertThat(r.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    assertThat(r.lookups()).extracting(DnsLookup::rcode).containsExactly("MALFORMED");
  }

  @Test
  void resolve_lyingRecordCounts_reportsCountMismatch() {
    dns.setFaults(List.of(DnsFault.lyingRecordCounts().forType("MX")));

    MxReport r = resolver().build().resolve("example.org");

    assertThat(codes(r)).containsExactly("dns.response.count-mismatch");
    assertThat(finding(r, "dns.response.count-mismatch").summary()).contains("ends inside");
    assertThat(r.exchanges()).isEmpty();
  }

  @Test
  void resolve_garbageWithoutOurQuestion_doesNotEndTheQueryEarly() {
    // Bytes with our ID but nothing else: could be a spoofer, so the query waits for the
    // deadline (a real answer could still come) and only then reports the unreadable reply.
    dns.setFaults(List.of(DnsFault.rawReply(b -> java.util.Arrays.copyOf(b, 14)).forType("MX")));

    MxReport r = resolver().build().resolve("example.org");

    assertThat(codes(r)).containsExactly("dns.response.count-mismatch");
    assertThat(r.lookups().get(0).elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(350));
  }

  @Test
  void resolve_compressionLoopInAddressAnswer_reportsItForTheExchange() {
    dns.setFaults(List.of(DnsFault.compressionLoop().forType("A")));

    MxReport r = resolver().build().resolve("ok.hostile.test");

    assertThat(codes(r))
        .containsExactly("dns.mx.address-lookup-failed", "dns.response.compression-loop")
        .doesNotContain("dns.mx.dangling");
  }

  // ------------------------------------------------------------ truncation and TCP

  @Test
  void resolve_truncatedAndTcpRefused_reportsTcpFallbackFailed() {
    try (LocalDnsZoneServer udpOnly =
        LocalDnsZoneServer.builder()
            .zone(TestZones.example())
            .tcp(false)
            .fault(DnsFault.truncate())
            .start()) {
      MxReport r = resolver().dns(d -> d.server(udpOnly.address())).build().resolve("example.org");

      assertThat(codes(r)).containsExactly("dns.tcp-fallback-failed");
      assertThat(r.exchanges()).isEmpty();
      assertThat(r.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
      assertThat(r.lookups().get(0).truncatedRetry()).isTrue();
    }
  }

  @Test
  void resolve_truncatedAndTcpSilent_reportsTcpFallbackFailedWithinTimeout() {
    dns.setFaults(List.of(DnsFault.truncate().forType("MX"), DnsFault.drop().onlyTcp()));

    MxReport r = resolver().build().resolve("example.org");

    assertThat(codes(r)).containsExactly("dns.tcp-fallback-failed");
    assertThat(r.lookups()).extracting(DnsLookup::rcode).containsExactly("TIMEOUT");
    assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void resolve_truncatedAndTcpLengthLie_reportsLengthMismatch() {
    dns.setFaults(List.of(DnsFault.truncate().forType("MX"), DnsFault.tcpLengthLie()));

    MxReport r = resolver().build().resolve("example.org");

    assertThat(codes(r)).containsExactly("dns.tcp.length-mismatch");
    assertThat(finding(r, "dns.tcp.length-mismatch").summary()).contains("promised");
    assertThat(r.exchanges()).isEmpty();
  }

  @Test
  void resolve_tcpOnlyWithLengthLie_reportsLengthMismatch() {
    dns.setFaults(List.of(DnsFault.tcpLengthLie().forType("MX")));

    MxReport r = resolver().dns(d -> d.tcpOnly(true)).build().resolve("example.org");

    assertThat(codes(r)).containsExactly("dns.tcp.length-mismatch");
  }

  @Test
  void resolve_oversizeUdpWithoutTc_isAcceptedWithAWarning() {
    dns.setFaults(List.of(DnsFault.oversizeUdpWithoutTc().forType("MX")));

    MxReport r = resolver().dns(d -> d.edns(false)).build().resolve("big.example.org");

    assertThat(r.exchanges()).hasSize(60);
    assertThat(codes(r)).containsExactly("dns.response.oversize-udp");
    assertThat(r.lookups().get(0).tcp()).isFalse();
    assertThat(evidence(finding(r, "dns.response.oversize-udp"), "allowed-bytes")).isEqualTo("512");
  }

  // ------------------------------------------------------------ records that must not be used

  @Test
  void resolve_outOfBailiwickAdditional_isReportedAndNeverUsed() throws Exception {
    dns.setFaults(
        List.of(
            DnsFault.outOfBailiwickAdditional("mx1.victim.example", "192.0.2.66").forType("MX")));

    MxReport r = resolver().build().resolve("example.org");

    assertThat(r.exchanges()).hasSize(3);
    assertThat(r.addresses()).doesNotContain(InetAddress.getByName("192.0.2.66"));
    assertThat(codes(r)).containsExactly("dns.additional.out-of-bailiwick");
    assertThat(evidence(finding(r, "dns.additional.out-of-bailiwick"), "ignored-record"))
        .contains("mx1.victim.example");
  }

  @Test
  void bailiwick_authoritativeAnswerAddingDataOutsideItsZone_isFlaggedButReferralGlueIsNot()
      throws Exception {
    org.xbill.DNS.Name qname = org.xbill.DNS.Name.fromConstantString("example.org.");
    org.xbill.DNS.Name zone = qname;
    org.xbill.DNS.Name mx = org.xbill.DNS.Name.fromConstantString("mx.other.test.");
    org.xbill.DNS.Message m = new org.xbill.DNS.Message(1);
    m.getHeader().setFlag(org.xbill.DNS.Flags.QR);
    m.getHeader().setFlag(org.xbill.DNS.Flags.AA);
    m.addRecord(
        new org.xbill.DNS.MXRecord(qname, org.xbill.DNS.DClass.IN, 300, 10, mx),
        org.xbill.DNS.Section.ANSWER);
    m.addRecord(
        new org.xbill.DNS.NSRecord(
            zone,
            org.xbill.DNS.DClass.IN,
            300,
            org.xbill.DNS.Name.fromConstantString("ns1.example.org.")),
        org.xbill.DNS.Section.AUTHORITY);
    m.addRecord(
        new org.xbill.DNS.ARecord(
            mx, org.xbill.DNS.DClass.IN, 300, InetAddress.getByName("192.0.2.7")),
        org.xbill.DNS.Section.ADDITIONAL);

    assertThat(dev.mailpath.diag.dns.internal.Bailiwick.outOfBailiwick(m, qname))
        .extracting(org.xbill.DNS.Record::getName)
        .containsExactly(mx);

    m.getHeader().unsetFlag(org.xbill.DNS.Flags.AA); // the same data from a resolver's cache
    assertThat(dev.mailpath.diag.dns.internal.Bailiwick.outOfBailiwick(m, qname)).isEmpty();
  }

  @Test
  void resolve_cnameLoopAtMxTarget_reportsLoopNotDangling() {
    MxReport r = resolver().build().resolve("loopmx.hostile.test");

    assertThat(codes(r)).containsExactly("dns.cname-loop");
    assertThat(finding(r, "dns.cname-loop").summary())
        .contains("loop1.hostile.test -> loop2.hostile.test -> loop1");
    assertThat(r.exchanges()).singleElement().satisfies(e -> assertThat(e.addresses()).isEmpty());
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void resolve_domainIsCnameLoop_reportsLoop() {
    MxReport r = resolver().build().resolve("selfloop.hostile.test");

    assertThat(codes(r)).containsExactly("dns.cname-loop");
    assertThat(r.exchanges()).isEmpty();
  }

  @Test
  void resolve_cnameLoopAcrossZones_endsAsLoop() {
    MxReport r = resolver().build().resolve("crossmx.hostile.test");

    assertThat(codes(r)).containsExactly("dns.cname-loop");
    assertThat(r.lookups().size()).isLessThanOrEqualTo(4);
  }

  @Test
  void resolve_overlongCnameChain_reportsTooLong() {
    MxReport r = resolver().build().resolve("longmx.hostile.test");

    assertThat(codes(r)).containsExactly("dns.cname-chain-too-long");
  }

  @Test
  void resolve_hugeMxSet_resolvesTheCapAndSaysSo() {
    MxReport r =
        resolver().dns(d -> d.timeout(Duration.ofSeconds(2))).build().resolve("huge.hostile.test");

    assertThat(r.exchanges()).hasSize(MxResolver.MAX_EXCHANGES);
    assertThat(r.exchanges()).extracting(MailExchange::preference).startsWith(1, 2, 3).isSorted();
    assertThat(r.exchanges()).allSatisfy(e -> assertThat(e.addresses()).hasSize(1));
    assertThat(codes(r)).containsExactly("dns.truncated-tcp-retry", "dns.response.too-large");
    assertThat(r.lookups()).hasSize(1 + MxResolver.MAX_EXCHANGES);
  }

  @Test
  void resolve_hugeAddressSet_keepsTheCapAndSaysSo() {
    MxReport r =
        resolver()
            .dns(d -> d.timeout(Duration.ofSeconds(2)))
            .build()
            .resolve("manyaddr.hostile.test");

    assertThat(r.exchanges().get(0).addresses()).hasSize(MxResolver.MAX_ADDRESSES);
    assertThat(codes(r)).contains("dns.response.too-large");
  }

  @Test
  void resolveAll_hostileAndHealthyMixed_eachReportStandsAlone() {
    dns.setFaults(List.of(DnsFault.compressionLoop().forName("example.org").forType("MX")));

    List<MxReport> reports;
    try (var s =
        resolver()
            .build()
            .resolveAll(List.of("example.org", "ok.hostile.test", "loopmx.hostile.test"), 3)) {
      reports = s.toList();
    }

    assertThat(reports).hasSize(3);
    assertThat(reports)
        .filteredOn(r -> r.domain().equals("ok.hostile.test"))
        .singleElement()
        .satisfies(r -> assertThat(r.findings()).isEmpty());
    assertThat(reports)
        .filteredOn(r -> r.domain().equals("example.org"))
        .singleElement()
        .satisfies(r -> assertThat(codes(r)).containsExactly("dns.response.compression-loop"));
  }

  @Test
  void resolve_answersOfClassChaos_areNotUsed() {
    dns.setFaults(List.of(DnsFault.rawReply(HostileServerTest::answersInClassChaos)));

    MxReport r = resolver().build().resolve("example.org");

    assertThat(r.exchanges()).extracting(MailExchange::host).doesNotContain("mx1.example.org");
    assertThat(r.exchanges()).allSatisfy(e -> assertThat(e.addresses()).isEmpty());
  }

  @Test
  void resolve_nxdomainWithoutQuestion_isIgnoredNotTakenAsNxdomain() {
    dns.setFaults(List.of(DnsFault.rawReply(HostileServerTest::bareNxdomainHeader)));

    MxReport r = resolver().build().resolve("example.org");

    assertThat(codes(r)).doesNotContain("dns.nxdomain").contains("dns.timeout");
  }

  /** Rewrites every answer record as class CH (3) with the same name, type and data. */
  static byte[] answersInClassChaos(byte[] reply) {
    try {
      org.xbill.DNS.Message m = new org.xbill.DNS.Message(reply);
      org.xbill.DNS.Message out = new org.xbill.DNS.Message(m.getHeader().getID());
      out.getHeader().setFlag(org.xbill.DNS.Flags.QR);
      out.getHeader().setFlag(org.xbill.DNS.Flags.AA);
      out.addRecord(m.getQuestion(), org.xbill.DNS.Section.QUESTION);
      for (org.xbill.DNS.Record r : m.getSection(org.xbill.DNS.Section.ANSWER)) {
        out.addRecord(
            org.xbill.DNS.Record.newRecord(
                r.getName(),
                r.getType(),
                org.xbill.DNS.DClass.CH,
                r.getTTL(),
                r.rdataToWireCanonical()),
            org.xbill.DNS.Section.ANSWER);
      }
      return out.toWire();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The 12-byte header of the reply, with RCODE 3 (NXDOMAIN) and every count zero. */
  static byte[] bareNxdomainHeader(byte[] reply) {
    byte[] h = java.util.Arrays.copyOf(reply, 12);
    h[3] = (byte) ((h[3] & 0xF0) | 3);
    for (int i = 4; i < 12; i++) {
      h[i] = 0;
    }
    return h;
  }
}
