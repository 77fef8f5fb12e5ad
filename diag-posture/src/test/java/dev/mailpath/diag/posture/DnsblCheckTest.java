package dev.mailpath.diag.posture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.dns.DnsQueryReport;
import dev.mailpath.diag.dns.DnsRecord;
import dev.mailpath.diag.dns.RecordType;
import dev.mailpath.diag.posture.DnsblResult.Verdict;
import dev.mailpath.diag.posture.internal.DnsblEngine;
import dev.mailpath.diag.posture.internal.DnsblNames;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.LinearTime;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DnsblCheckTest {
  static LocalDnsZoneServer zone;

  /** bl.test reads return codes by the Spamhaus ZEN table. */
  static final DnsblList BL =
      new DnsblList("bl.test", DnsblList.Kind.IP, DnsblList.SPAMHAUS_ZEN.codes());

  static final DnsblList DBL =
      new DnsblList("dbl.test", DnsblList.Kind.DOMAIN, DnsblList.SPAMHAUS_DBL.codes());

  static final String SOA = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A 127.0.0.1\n";

  @BeforeAll
  static void start() {
    zone =
        LocalDnsZoneServer.builder()
            .zone(
                "bl.test.",
                "$TTL 300\n"
                    + SOA
                    + """
                    2.0.0.127   A   127.0.0.2
                    2.0.0.127   TXT "RFC 5782 test entry"
                    10.2.0.192  A   127.0.0.4
                    10.2.0.192  A   127.0.0.2
                    10.2.0.192  TXT "Exploited host 192.0.2.10, see https://lookup.test/192.0.2.10"
                    11.2.0.192  A   127.0.0.10
                    12.2.0.192  A   127.255.255.254
                    13.2.0.192  A   10.0.0.1
                    14.2.0.192  TXT "an A record was expected"
                    16.2.0.192  CNAME loop1
                    loop1       CNAME loop2
                    loop2       CNAME 16.2.0.192
                    17.2.0.192  A   127.0.0.2
                    18.2.0.192  A   127.0.0.2
                    19.2.0.192  A   127.0.0.77
                    20.2.0.192  A   127.0.0.10
                    20.2.0.192  A   127.0.0.11
                    21.2.0.192  A   127.0.0.2
                    21.2.0.192  A   127.255.255.252
                    1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2 A 127.0.0.3
                    """
                    +
"""
15.2.0.192  A 127.0.0.2
15.2.0.192  A 127.0.0.3
15.2.0.192  A 127.0.0.4
15.2.0.192  A 127.0.0.5
15.2.0.192  A 127.0.0.6
15.2.0.192  A 127.0.0.7
15.2.0.192  A 127.0.0.8
15.2.0.192  A 127.0.0.9
15.2.0.192  A 127.0.0.10
15.2.0.192  A 127.0.0.11
15.2.0.192  A 127.0.0.12
15.2.0.192  A 127.0.0.13
15.2.0.192  A 127.0.0.14
15.2.0.192  A 127.0.0.15
15.2.0.192  A 127.0.0.16
15.2.0.192  A 127.0.0.17
15.2.0.192  A 127.0.0.18
15.2.0.192  A 127.0.0.19
15.2.0.192  A 127.0.0.20
15.2.0.192  A 127.0.0.21
""")
            .zone(
                "dbl.test.",
                "$TTL 300\n"
                    + SOA
                    + """
                    test          A   127.0.1.2
                    spam.example  A   127.0.1.2
                    spam.example  TXT "Spam domain spam.example"
                    """)
            .zone(
                "all.test.", "$TTL 300\n" + SOA + "2.0.0.127 A 127.0.0.2\n1.0.0.127 A 127.0.0.2\n")
            .zone("none.test.", "$TTL 300\n" + SOA)
            .fault(DnsFault.drop().forName("17.2.0.192.bl.test"))
            .fault(DnsFault.servfail().forName("18.2.0.192.bl.test"))
            .start();
  }

  @AfterAll
  static void stop() {
    zone.close();
  }

  static DnsblCheck.Builder builder() {
    return DnsblCheck.builder()
        .dns(d -> d.server(zone.address()).timeout(Duration.ofMillis(500)).retries(0))
        .deadline(Duration.ofSeconds(10));
  }

  static DnsblCheck check() {
    return builder().list(BL).list(DBL).build();
  }

  static DnsblReport ip(String address) {
    return check().check(lit(address));
  }

  /** Parses an IP literal (never a name lookup). */
  static InetAddress lit(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  static List<String> codes(List<Finding> findings) {
    return findings.stream().map(Finding::code).toList();
  }

  // ---- verdicts ------------------------------------------------------------------------------

  @Test
  void listed_readsEveryCodeByTheTable_andAsksTheTxtReason() {
    DnsblReport r = ip("192.0.2.10");

    assertThat(r.target()).isEqualTo("192.0.2.10");
    assertThat(r.results()).hasSize(1); // the domain list is not asked about an address
    DnsblResult res = r.results().get(0);
    assertThat(res.queryName()).isEqualTo("10.2.0.192.bl.test");
    assertThat(res.verdict()).isEqualTo(Verdict.LISTED);
    assertThat(res.codes()).containsExactlyInAnyOrder("127.0.0.4", "127.0.0.2");
    assertThat(res.meanings())
        .extracting(DnsblList.Code::meaning)
        .containsExactlyInAnyOrder(
            "XBL: exploited host (CBL)", "SBL: Spamhaus Block List, spam source");
    assertThat(res.reason())
        .contains("Exploited host 192.0.2.10, see https://lookup.test/192.0.2.10");
    assertThat(res.queries()).extracting(q -> q.type()).containsExactly("A", "TXT");
    assertThat(r.listed()).isTrue();
    assertThat(codes(r.findings())).containsExactly("dnsbl.listed");
    assertThat(r.findings().get(0).severity()).isEqualTo(Severity.ERROR);
    assertThat(r.findings().get(0).summary()).contains("192.0.2.10", "bl.test", "XBL");
    assertThat(r.findings().get(0).evidence().toString()).contains("Exploited host");
  }

  @Test
  void notListed_isNxdomain_withoutAFinding_andWithoutATxtQuery() {
    DnsblReport r = ip("192.0.2.99");

    assertThat(r.results().get(0).verdict()).isEqualTo(Verdict.NOT_LISTED);
    assertThat(r.results().get(0).queries()).hasSize(1);
    assertThat(r.results().get(0).queries().get(0).rcode()).isEqualTo("NXDOMAIN");
    assertThat(r.listed()).isFalse();
    assertThat(r.findings()).isEmpty();
  }

  @Test
  void pbl_isAPolicyListing_notSpam() {
    DnsblReport r = ip("192.0.2.11");

    assertThat(r.results().get(0).verdict()).isEqualTo(Verdict.LISTED);
    assertThat(r.results().get(0).policyOnly()).isTrue();
    assertThat(codes(r.findings())).containsExactly("dnsbl.policy-listed");
    assertThat(r.findings().get(0).severity()).isEqualTo(Severity.WARNING);

    DnsblReport both = ip("192.0.2.20"); // 127.0.0.10 and .11: still policy only
    assertThat(codes(both.findings())).containsExactly("dnsbl.policy-listed");
  }

  @Test
  void publicResolverErrorCode_isInconclusive_neverListed() {
    DnsblReport r = ip("192.0.2.12");

    DnsblResult res = r.results().get(0);
    assertThat(res.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(res.inconclusiveReason().orElseThrow())
        .contains("127.255.255.254", "public or anonymous resolver");
    assertThat(r.listed()).isFalse();
    assertThat(codes(r.findings())).containsExactly("dnsbl.inconclusive");
    assertThat(r.findings().get(0).summary()).contains("public or anonymous resolver");
  }

  @Test
  void errorCode_nextToAListingCode_stillMakesItInconclusive() {
    DnsblResult res = ip("192.0.2.21").results().get(0);

    assertThat(res.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(res.inconclusiveReason().orElseThrow()).contains("127.255.255.252");
  }

  @Test
  void errorCode_onAListWithoutATable_isStillAnError() {
    DnsblList bare = DnsblList.ip("bl.test");
    DnsblReport r = builder().list(bare).build().check(lit("192.0.2.12"));

    assertThat(r.results().get(0).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(r.results().get(0).inconclusiveReason().orElseThrow()).contains("error code");
  }

  @Test
  void codeNotInTheTable_isAListingByRfc5782() {
    DnsblResult res = ip("192.0.2.19").results().get(0);

    assertThat(res.verdict()).isEqualTo(Verdict.LISTED);
    assertThat(res.meanings().get(0).meaning()).isEqualTo("return code not in the list's table");
    assertThat(res.reason()).isEmpty(); // no TXT there
  }

  @Test
  void answerOutside127_isInconclusive() {
    DnsblReport r = ip("192.0.2.13");

    assertThat(r.results().get(0).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(r.results().get(0).inconclusiveReason().orElseThrow())
        .contains("10.0.0.1", "outside 127.0.0.0/8");
    assertThat(r.listed()).isFalse();
  }

  @Test
  void txtOnlyName_isNodataForA_soNotListed() {
    DnsblResult res = ip("192.0.2.14").results().get(0);

    // an authoritative server gives NODATA for A here: no A record, no other record either
    assertThat(res.verdict()).isEqualTo(Verdict.NOT_LISTED);
    assertThat(res.queries().get(0).rcode()).isEqualTo("NOERROR");
  }

  @Test
  void txtRecordsInTheAnswerToAnAQuestion_areInconclusive() {
    DnsQueryReport reply =
        DnsQueryReport.builder()
            .server(zone.address())
            .name("14.2.0.192.bl.test.")
            .type(RecordType.A)
            .status(DnsQueryReport.Status.ANSWERED)
            .rcode("NOERROR")
            .addAnswer(
                new DnsRecord(
                    "14.2.0.192.bl.test.", RecordType.TXT, Duration.ofMinutes(5), "\"garbage\""))
            .build();

    DnsblResult res = DnsblEngine.classify(BL, "14.2.0.192.bl.test", reply);

    assertThat(res.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(res.inconclusiveReason().orElseThrow()).contains("no A record", "TXT");
  }

  @Test
  void twentyARecords_areInconclusive_withBoundedCodes() {
    DnsblResult res = ip("192.0.2.15").results().get(0);

    assertThat(res.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(res.codes()).hasSizeLessThanOrEqualTo(16);
    assertThat(res.inconclusiveReason().orElseThrow()).contains("more than 16");
  }

  @Test
  void cnameLoop_isNeverListed() {
    DnsblReport r = ip("192.0.2.16");

    assertThat(r.results().get(0).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(r.results().get(0).inconclusiveReason().orElseThrow()).contains("CNAME");
    assertThat(codes(r.findings())).containsExactly("dnsbl.inconclusive");
  }

  @Test
  void timeout_isInconclusive() {
    DnsblResult res = ip("192.0.2.17").results().get(0);

    assertThat(res.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(res.inconclusiveReason().orElseThrow()).containsIgnoringCase("timeout");
  }

  @Test
  void servfail_isInconclusive() {
    DnsblResult res = ip("192.0.2.18").results().get(0);

    assertThat(res.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(res.inconclusiveReason().orElseThrow()).contains("SERVFAIL");
  }

  @Test
  void silentList_endsAtTheDeadline_asInconclusive() {
    try (LocalDnsZoneServer silent =
        LocalDnsZoneServer.builder()
            .zone("bl.test.", "$TTL 300\n" + SOA)
            .fault(DnsFault.drop())
            .start()) {
      DnsblCheck c =
          DnsblCheck.builder()
              .dns(d -> d.server(silent.address()).timeout(Duration.ofSeconds(5)).retries(3))
              .deadline(Duration.ofMillis(500))
              .list(BL)
              .build();
      long t0 = System.nanoTime();
      DnsblReport r = c.check(lit("192.0.2.10"));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

      assertThat(ms).isLessThan(2500);
      assertThat(r.results().get(0).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
      assertThat(r.results().get(0).inconclusiveReason().orElseThrow()).contains("deadline");
      assertThat(codes(r.findings())).containsExactly("dnsbl.inconclusive");
    }
  }

  // ---- domains, IPv6 ---------------------------------------------------------------------------

  @Test
  void domain_isAskedOnDomainListsOnly() {
    long before = zone.queryCount();
    DnsblReport r = check().check("Spam.Example");

    assertThat(r.target()).isEqualTo("spam.example");
    assertThat(r.results()).hasSize(1);
    assertThat(r.results().get(0).queryName()).isEqualTo("spam.example.dbl.test");
    assertThat(r.results().get(0).verdict()).isEqualTo(Verdict.LISTED);
    assertThat(r.results().get(0).meanings().get(0).meaning()).isEqualTo("DBL: spam domain");
    assertThat(r.results().get(0).reason()).contains("Spam domain spam.example");
    assertThat(zone.queries().subList((int) before, (int) zone.queryCount()))
        .allMatch(q -> q.name().toLowerCase(Locale.ROOT).endsWith("dbl.test."));

    assertThat(check().check("clean.example").results().get(0).verdict())
        .isEqualTo(Verdict.NOT_LISTED);
  }

  @Test
  void ipv6_isAskedByNibbles() {
    DnsblReport r = ip("2001:db8::1");

    assertThat(r.target()).isEqualTo("2001:db8::1");
    assertThat(r.results().get(0).queryName())
        .isEqualTo("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.test");
    assertThat(r.results().get(0).verdict()).isEqualTo(Verdict.LISTED);
    assertThat(r.results().get(0).meanings().get(0).meaning()).contains("CSS");
  }

  @Test
  void ipv4MappedIpv6_isAskedAsIpv4() throws Exception {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 10};
    InetAddress a = Inet6Address.getByAddress(null, mapped, -1);
    assertThat(a).isInstanceOf(Inet6Address.class);

    DnsblReport r = check().check(a);

    assertThat(r.target()).isEqualTo("192.0.2.10");
    assertThat(r.results().get(0).queryName()).isEqualTo("10.2.0.192.bl.test");
    assertThat(r.results().get(0).verdict()).isEqualTo(Verdict.LISTED);
  }

  @Test
  void names_reverseOctetsAndNibbles() {
    assertThat(DnsblNames.reversed(lit("192.0.2.1"))).isEqualTo("1.2.0.192");
    assertThat(DnsblNames.reversed(lit("255.0.10.7"))).isEqualTo("7.10.0.255");
    // RFC 5782 §2.4's example
    assertThat(DnsblNames.reversed(lit("2001:db8:1:2:3:4:567:89ab")))
        .isEqualTo("b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2");
    assertThat(DnsblNames.forAddress(lit("::1"), "x.test"))
        .isEqualTo("1" + ".0".repeat(31) + ".x.test");
  }

  // ---- self-test -------------------------------------------------------------------------------

  @Test
  void selfTest_passesForACorrectList() {
    DnsblReport r = check().selfTest();

    assertThat(r.target()).isEqualTo(DnsblEngine.SELF_TEST_TARGET);
    assertThat(r.results())
        .extracting(DnsblResult::queryName)
        .containsExactly(
            "2.0.0.127.bl.test",
            "1.0.0.127.bl.test",
            "2.0.0.0.0.0.f.7.f.f.f.f" + ".0".repeat(20) + ".bl.test",
            "1.0.0.0.0.0.f.7.f.f.f.f" + ".0".repeat(20) + ".bl.test",
            "test.dbl.test",
            "invalid.dbl.test");
    assertThat(r.results())
        .extracting(DnsblResult::verdict)
        .containsExactly(
            Verdict.LISTED,
            Verdict.NOT_LISTED,
            Verdict.NOT_LISTED, // an IPv4 list need not hold the IPv6 entry
            Verdict.NOT_LISTED,
            Verdict.LISTED,
            Verdict.NOT_LISTED);
    assertThat(r.findings()).isEmpty();
  }

  @Test
  void selfTest_findsAListThatListsEverything_andOneThatListsNothing() {
    DnsblReport r =
        builder().list(DnsblList.ip("all.test")).list(DnsblList.ip("none.test")).build().selfTest();

    assertThat(codes(r.findings()))
        .containsExactly("dnsbl.list-misconfigured", "dnsbl.list-misconfigured");
    assertThat(r.findings().get(0).summary()).contains("all.test", "1.0.0.127.all.test", "never");
    assertThat(r.findings().get(1).summary())
        .contains("none.test", "2.0.0.127.none.test", "nor its IPv6 form");
  }

  // ---- configuration and misuse ---------------------------------------------------------------

  @Test
  void noListConfigured_asksNothing() {
    long before = zone.queryCount();
    DnsblReport r = builder().build().check(lit("192.0.2.10"));

    assertThat(r.results()).isEmpty();
    assertThat(codes(r.findings())).containsExactly("dnsbl.no-lists");
    assertThat(zone.queryCount()).isEqualTo(before);
    assertThat(DnsblCheck.builder().build().lists()).isEmpty();
  }

  @Test
  void badInput_throwsBeforeAnyQuery() {
    DnsblCheck c = check();
    long before = zone.queryCount();

    assertThatThrownBy(() -> c.check("bad..name"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("domain");
    String longDomain = ("a".repeat(60) + ".").repeat(4) + "example";
    assertThatThrownBy(() -> c.check(longDomain))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("domain");
    assertThatThrownBy(() -> builder().deadline(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deadline");
    assertThatThrownBy(() -> builder().maxInFlight(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxInFlight");
    assertThatThrownBy(() -> builder().list(BL).list(BL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bl.test");
    assertThatThrownBy(() -> DnsblList.ip("bl.test").withCode("127.0.0.256", "x", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("code");
    assertThat(zone.queryCount()).isEqualTo(before);
  }

  @Test
  void manyLists_withMaxInFlightOne_areAllAskedInOrder() {
    DnsblCheck.Builder b = builder().maxInFlight(1);
    for (int i = 0; i < 6; i++) {
      b.list(new DnsblList(i + ".bl.test", DnsblList.Kind.IP, BL.codes()));
    }
    b.list(BL);
    DnsblReport r = b.build().check(lit("192.0.2.10"));

    assertThat(r.results()).hasSize(7);
    assertThat(r.results().get(6).verdict()).isEqualTo(Verdict.LISTED);
    // 0.bl.test etc. are names below bl.test that do not exist: NXDOMAIN, not listed
    assertThat(r.results().subList(0, 6)).allMatch(x -> x.verdict() == Verdict.NOT_LISTED);
    assertThat(b.build().toBuilder().build().lists()).hasSize(7);
  }

  @Test
  void asyncTwin_givesTheSameVerdicts() throws Exception {
    DnsblReport r = check().checkAsync(lit("192.0.2.10")).get(5, TimeUnit.SECONDS);

    assertThat(r.results().get(0).verdict()).isEqualTo(Verdict.LISTED);
    assertThat(r.toString()).contains("10.2.0.192", "LISTED", "dnsbl.listed");
  }

  @Test
  void checkAll_streamsInInputOrder_readingTheInputOnlyAsReportsAreTaken() {
    java.util.concurrent.atomic.AtomicInteger pulled =
        new java.util.concurrent.atomic.AtomicInteger();
    Iterable<InetAddress> many =
        () ->
            new java.util.Iterator<>() {
              int i;

              @Override
              public boolean hasNext() {
                return i < 1000;
              }

              @Override
              public InetAddress next() {
                pulled.incrementAndGet();
                return lit(i++ % 2 == 0 ? "192.0.2.10" : "192.0.2.99");
              }
            };
    try (java.util.stream.Stream<DnsblReport> reports = check().checkAll(many, 4)) {
      java.util.Iterator<DnsblReport> it = reports.iterator();
      DnsblReport first = it.next();
      assertThat(first.target()).isEqualTo("192.0.2.10");
      assertThat(first.listed()).isTrue();
      assertThat(pulled.get()).isLessThanOrEqualTo(4);
      DnsblReport second = it.next();
      assertThat(second.target()).isEqualTo("192.0.2.99");
      assertThat(second.listed()).isFalse();
      assertThat(pulled.get()).isLessThanOrEqualTo(5);
      for (int i = 2; i < 40; i++) {
        assertThat(it.next().listed()).isEqualTo(i % 2 == 0);
      }
      assertThat(pulled.get()).isLessThanOrEqualTo(43);
    }
    assertThat(
            check()
                .checkAllDomains(List.of("spam.example", "clean.example"), 2)
                .map(DnsblReport::listed)
                .toList())
        .containsExactly(true, false);
    assertThatThrownBy(() -> check().checkAll(List.of(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxInFlight");
  }

  @Test
  void finishedChecks_leaveNoDeadlineBehind() {
    DnsblCheck c = builder().deadline(Duration.ofMinutes(10)).list(BL).build();
    int before = DnsblEngine.pendingDeadlines();
    try (java.util.stream.Stream<DnsblReport> s =
        c.checkAll(java.util.Collections.nCopies(200, lit("192.0.2.10")), 8)) {
      assertThat(s.filter(DnsblReport::listed).count()).isEqualTo(200);
    }
    // with a 10 minute deadline, every finished call would still be queued if it were retained
    assertThat(DnsblEngine.pendingDeadlines()).isLessThanOrEqualTo(before + 8);
  }

  @Test
  void cancel_stopsAskingFurtherLists() throws Exception {
    try (LocalDnsZoneServer silent =
        LocalDnsZoneServer.builder()
            .zone("bl.test.", "$TTL 300\n" + SOA)
            .fault(DnsFault.drop())
            .start()) {
      DnsblCheck.Builder b =
          DnsblCheck.builder()
              .dns(d -> d.server(silent.address()).timeout(Duration.ofMillis(200)).retries(0))
              .deadline(Duration.ofSeconds(30))
              .maxInFlight(1);
      for (int i = 0; i < 5; i++) {
        b.list(DnsblList.ip(i + ".bl.test"));
      }
      java.util.concurrent.CompletableFuture<DnsblReport> f =
          b.build().checkAsync(lit("192.0.2.10"));
      long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      while (silent.queryCount() < 1 && System.nanoTime() < until) {
        Thread.sleep(10);
      }
      assertThat(f.cancel(true)).isTrue();
      Thread.sleep(1000); // five 200 ms timeouts in a row would have asked every list by now
      assertThat(silent.queryCount()).isEqualTo(1);
    }
  }

  @Test
  void hostileReplies_areInconclusive_neverListed_andNeverThrow() {
    List<DnsFault> faults =
        List.of(
            DnsFault.compressionLoop(),
            DnsFault.lyingRecordCounts(),
            DnsFault.wrongId(),
            DnsFault.echoQuery(),
            DnsFault.wrongQuestion(),
            DnsFault.refused(),
            DnsFault.rawReply(reply -> java.util.Arrays.copyOf(reply, 7)));
    for (DnsFault fault : faults) {
      try (LocalDnsZoneServer bad =
          LocalDnsZoneServer.builder()
              .zone("bl.test.", "$TTL 300\n" + SOA + "10.2.0.192 A 127.0.0.2\n")
              .fault(fault)
              .start()) {
        DnsblReport r =
            DnsblCheck.builder()
                .dns(d -> d.server(bad.address()).timeout(Duration.ofMillis(300)).retries(0))
                .deadline(Duration.ofSeconds(5))
                .list(BL)
                .build()
                .check(lit("192.0.2.10"));
        assertThat(r.results().get(0).verdict())
            .as(fault.toString())
            .isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(codes(r.findings())).as(fault.toString()).containsExactly("dnsbl.inconclusive");
      }
    }
  }

  @Test
  void hugeTxtReason_isClipped_andControlCharactersCannotForgeLines() {
    StringBuilder txt = new StringBuilder();
    txt.append("\"first line\\010dnsbl.listed forged\" ");
    for (int i = 0; i < 240; i++) {
      txt.append('"').append("x".repeat(250)).append("\" ");
    }
    try (LocalDnsZoneServer big =
        LocalDnsZoneServer.builder()
            .zone(
                "bl.test.",
                "$TTL 300\n" + SOA + "10.2.0.192 A 127.0.0.2\n10.2.0.192 TXT " + txt + "\n")
            .start()) {
      DnsblReport r =
          DnsblCheck.builder()
              .dns(d -> d.server(big.address()).timeout(Duration.ofSeconds(2)).retries(0))
              .list(BL)
              .build()
              .check(lit("192.0.2.10"));
      DnsblResult res = r.results().get(0);
      assertThat(res.verdict()).isEqualTo(Verdict.LISTED);
      assertThat(res.reason().orElseThrow()).startsWith("first line dnsbl.listed forged");
      assertThat(res.reason().orElseThrow().length()).isLessThanOrEqualTo(515);
      assertThat(res.reason().orElseThrow()).doesNotContain("\n");
      assertThat(r.toString().lines()).noneMatch(l -> l.strip().startsWith("dnsbl.listed forged"));
    }
  }

  @Test
  void txtParsing_isLinear() {
    LinearTime.assertLinear(
        "AuthDns.txtStrings (used by DnsblEngine) on escaped quoted strings",
        n -> {
          String text = "\"" + "\\\"\\065 x".repeat(n / 8) + "\"";
          return () -> dev.mailpath.diag.auth.internal.AuthDns.txtStrings(text);
        },
        64 * 1024);
  }
}
