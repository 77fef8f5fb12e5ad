package dev.mailpath.diag.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DmarcCheckTest {
  static LocalDnsZoneServer zone;

  @BeforeAll
  static void start() {
    zone = LocalDnsZoneServer.builder().zone(DmarcZones.lab()).start();
  }

  @AfterAll
  static void stop() {
    zone.close();
  }

  static DmarcCheck check() {
    return DmarcCheck.builder()
        .dns(d -> d.server(zone.address()).timeout(Duration.ofSeconds(2)).retries(0))
        .timeout(Duration.ofSeconds(10))
        .build();
  }

  static List<String> codes(List<Finding> findings) {
    return findings.stream().map(Finding::code).toList();
  }

  /** The names the server received since {@code from}, lower case, without the final dot. */
  static List<String> received(long from) {
    List<LocalDnsZoneServer.ReceivedQuery> all = zone.queries();
    return all.subList((int) from, all.size()).stream()
        .map(q -> q.name().toLowerCase(Locale.ROOT).replaceAll("\\.$", "") + " " + q.type())
        .toList();
  }

  static SpfReport spf(SpfResult result, SpfIdentity identity, String domain) {
    return SpfReport.builder().result(result).identity(identity).domain(domain).build();
  }

  static SpfReport spfNone() {
    return spf(SpfResult.NONE, SpfIdentity.MAIL_FROM, "elsewhere.example");
  }

  static DkimReport dkim(DkimResult result, String d) {
    return DkimReport.builder()
        .addSignature(new DkimSignatureResult(result, d, "s1", "rsa-sha256", Optional.empty()))
        .build();
  }

  static DkimReport noDkim() {
    return DkimReport.builder().build();
  }

  // ---- tree walk and policy discovery -----------------------------------------------------

  @Test
  void record_atAuthorDomain_usesPAndWalksToTheTopForTheOrganizationalDomain() {
    long before = zone.queryCount();

    DmarcRecordReport r = check().record("example.org");

    assertThat(r.policyDomain()).contains("example.org");
    assertThat(r.appliedTag()).contains("p");
    assertThat(r.appliedPolicy()).contains(DmarcPolicy.REJECT);
    assertThat(r.organizationalDomain())
        .isEqualTo(
            new DmarcOrganizationalDomain(
                "example.org", DmarcOrganizationalDomain.Basis.FEWEST_LABELS));
    assertThat(received(before)).containsExactly("_dmarc.example.org 16", "_dmarc.org 16");
    assertThat(r.queries()).hasSize(2);
    assertThat(r.findings()).isEmpty();
    assertThat(r.record().orElseThrow().aggregateReports())
        .extracting(DmarcReportUri::destination)
        .containsExactly(DmarcReportUri.Destination.SAME_ORGANIZATION);
  }

  @Test
  void record_existingSubdomain_inheritsSpFromTheParent() {
    long before = zone.queryCount();

    DmarcRecordReport r = check().record("news.example.org");

    assertThat(r.policyDomain()).contains("example.org");
    assertThat(r.appliedTag()).contains("sp");
    assertThat(r.appliedPolicy()).contains(DmarcPolicy.QUARANTINE);
    assertThat(r.domainExists()).contains(true);
    assertThat(r.organizationalDomain().domain()).isEqualTo("example.org");
    assertThat(codes(r.findings())).containsExactly("dmarc.inherited-policy");
    assertThat(received(before))
        .containsExactly(
            "_dmarc.news.example.org 16",
            "_dmarc.example.org 16",
            "_dmarc.org 16",
            "news.example.org 1");
  }

  @Test
  void record_nonExistentSubdomain_usesNp() {
    DmarcRecordReport r = check().record("gone.np.test");

    assertThat(r.domainExists()).contains(false);
    assertThat(r.appliedTag()).contains("np");
    assertThat(r.appliedPolicy()).contains(DmarcPolicy.REJECT);
    assertThat(r.findings()).anySatisfy(f -> assertThat(f.summary()).contains("NXDOMAIN"));
  }

  @Test
  void record_existingSubdomainUnderNpRecord_usesSpNotNp() {
    DmarcRecordReport r = check().record("here.np.test");

    assertThat(r.appliedTag()).contains("sp");
    assertThat(r.appliedPolicy()).contains(DmarcPolicy.NONE);
    assertThat(codes(r.findings())).contains("dmarc.policy-none");
  }

  @Test
  void record_nonExistentSubdomainWithoutNp_fallsBackToSp() {
    DmarcRecordReport r = check().record("gone.nonp.test");

    assertThat(r.appliedTag()).contains("np");
    assertThat(r.appliedPolicy()).contains(DmarcPolicy.QUARANTINE);
    assertThat(r.findings())
        .anySatisfy(f -> assertThat(f.summary()).contains("np is absent, sp is used"));
  }

  @Test
  void record_belowPsdY_organizationalDomainIsOneLabelBelowThePublicSuffix() {
    long before = zone.queryCount();

    DmarcRecordReport r = check().record("mail.foo.bank");

    assertThat(r.organizationalDomain())
        .isEqualTo(
            new DmarcOrganizationalDomain("foo.bank", DmarcOrganizationalDomain.Basis.BELOW_PSD_Y));
    assertThat(r.policyDomain()).contains("bank");
    assertThat(r.appliedTag()).contains("sp");
    assertThat(r.appliedPolicy()).contains(DmarcPolicy.REJECT);
    assertThat(received(before))
        .containsExactly(
            "_dmarc.mail.foo.bank 16", "_dmarc.foo.bank 16", "_dmarc.bank 16", "mail.foo.bank 1");
  }

  @Test
  void record_psdYAtTheStart_isItsOwnOrganizationalDomain() {
    DmarcRecordReport r = check().record("bank");

    assertThat(r.organizationalDomain())
        .isEqualTo(
            new DmarcOrganizationalDomain("bank", DmarcOrganizationalDomain.Basis.FEWEST_LABELS));
    assertThat(r.appliedTag()).contains("p");
  }

  @Test
  void record_psdN_stopsTheWalkAtOnce() {
    long before = zone.queryCount();

    DmarcRecordReport r = check().record("sub.psdn.test");

    assertThat(r.organizationalDomain())
        .isEqualTo(
            new DmarcOrganizationalDomain("sub.psdn.test", DmarcOrganizationalDomain.Basis.PSD_N));
    assertThat(received(before)).containsExactly("_dmarc.sub.psdn.test 16");
  }

  @Test
  void record_nineLabels_jumpsToTheSevenRightmostAndAsksAtMostEightTimes() {
    long before = zone.queryCount();

    DmarcRecordReport r = check().record("a.b.c.d.e.f.g.example.org");

    assertThat(received(before))
        .containsExactly(
            "_dmarc.a.b.c.d.e.f.g.example.org 16",
            "_dmarc.c.d.e.f.g.example.org 16",
            "_dmarc.d.e.f.g.example.org 16",
            "_dmarc.e.f.g.example.org 16",
            "_dmarc.f.g.example.org 16",
            "_dmarc.g.example.org 16",
            "_dmarc.example.org 16",
            "_dmarc.org 16",
            "a.b.c.d.e.f.g.example.org 1");
    assertThat(r.policyDomain()).contains("example.org");
    assertThat(r.domainExists()).contains(false);
    assertThat(r.appliedTag()).contains("np");
    assertThat(r.appliedPolicy()).contains(DmarcPolicy.QUARANTINE); // np absent: sp
  }

  @Test
  void record_noRecordAnywhere_reportsNoneAfterWalkingEveryLabel() {
    long before = zone.queryCount();

    DmarcRecordReport r = check().record("x.y.nowhere.example");

    assertThat(r.record()).isEmpty();
    assertThat(codes(r.findings())).containsExactly("dmarc.none");
    assertThat(r.organizationalDomain())
        .isEqualTo(
            new DmarcOrganizationalDomain(
                "x.y.nowhere.example", DmarcOrganizationalDomain.Basis.NO_RECORD));
    assertThat(received(before))
        .containsExactly(
            "_dmarc.x.y.nowhere.example 16",
            "_dmarc.y.nowhere.example 16",
            "_dmarc.nowhere.example 16",
            "_dmarc.example 16");
  }

  @Test
  void record_twoRecordsAtOneName_discardsBothAndUsesTheParent() {
    DmarcRecordReport r = check().record("multi.example.org");

    assertThat(codes(r.findings())).contains("dmarc.multiple-records", "dmarc.inherited-policy");
    assertThat(r.policyDomain()).contains("example.org");
    assertThat(r.appliedPolicy()).contains(DmarcPolicy.QUARANTINE);
  }

  @Test
  void record_textsThatAreNotDmarc_areIgnored() {
    assertThat(codes(check().record("notdmarc.test").findings())).containsExactly("dmarc.none");
    assertThat(codes(check().record("garbage.test").findings())).containsExactly("dmarc.none");
  }

  // ---- record syntax ----------------------------------------------------------------------

  @Test
  void record_invalidPolicyWithoutRua_isUnusableAndEveryBadTagIsReported() {
    DmarcRecordReport r = check().record("syntax.test");

    assertThat(r.record()).isPresent();
    assertThat(r.appliedPolicy()).isEmpty();
    assertThat(codes(r.findings()))
        .containsExactlyInAnyOrder(
            "dmarc.syntax", // p=bogus
            "dmarc.syntax", // adkim=x
            "dmarc.pct-ignored",
            "dmarc.removed-tag",
            "dmarc.removed-tag",
            "dmarc.unknown-tag",
            "dmarc.policy-invalid");
    assertThat(r.record().orElseThrow().dkimAlignment()).isEqualTo(DmarcAlignment.RELAXED);
  }

  @Test
  void record_invalidPolicyWithValidRua_actsAsPNone() {
    DmarcRecordReport r = check().record("syntaxrua.test");

    assertThat(r.appliedPolicy()).contains(DmarcPolicy.NONE);
    assertThat(r.findings())
        .filteredOn(f -> f.is(DmarcFinding.POLICY_INVALID))
        .singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.WARNING));
  }

  @Test
  void record_withoutP_readsAsNone() {
    DmarcRecordReport r = check().record("nop.test");

    assertThat(r.appliedPolicy()).contains(DmarcPolicy.NONE);
    assertThat(codes(r.findings())).contains("dmarc.policy-missing", "dmarc.policy-none");
  }

  @Test
  void record_tenThousandCharacterRecord_parsesWithoutTrouble() {
    DmarcRecordReport r = check().record("long.test");

    assertThat(r.appliedPolicy()).contains(DmarcPolicy.REJECT);
    assertThat(r.record().orElseThrow().text()).hasSizeGreaterThan(10_000);
    assertThat(codes(r.findings())).containsExactly("dmarc.unknown-tag");
    assertThat(r.findings().get(0).summary()).hasSizeLessThan(200);
  }

  @Test
  void record_testing_reportsT() {
    DmarcRecordReport r = check().record("testing.test");

    assertThat(r.record().orElseThrow().testing()).isTrue();
    assertThat(codes(r.findings())).containsExactly("dmarc.testing");
  }

  // ---- external report destinations ---------------------------------------------------------

  @Test
  void record_externalDestinations_checksEachOne() {
    long before = zone.queryCount();

    DmarcRecordReport r = check().record("reports.test");

    DmarcRecord rec = r.record().orElseThrow();
    assertThat(rec.aggregateReports())
        .extracting(DmarcReportUri::domain, DmarcReportUri::destination)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                Optional.of("reports.test"), DmarcReportUri.Destination.SAME_ORGANIZATION),
            org.assertj.core.groups.Tuple.tuple(
                Optional.of("agg.example.net"), DmarcReportUri.Destination.AUTHORIZED),
            org.assertj.core.groups.Tuple.tuple(
                Optional.of("nobody.example.com"), DmarcReportUri.Destination.NOT_AUTHORIZED));
    assertThat(rec.failureReports())
        .extracting(DmarcReportUri::destination)
        .containsExactly(DmarcReportUri.Destination.NOT_CHECKED);
    assertThat(codes(r.findings()))
        .containsExactlyInAnyOrder(
            "dmarc.rua-invalid", "dmarc.rua-external-unauthorized", "dmarc.policy-none");
    assertThat(received(before))
        .contains(
            "reports.test._report._dmarc.agg.example.net 16",
            "reports.test._report._dmarc.nobody.example.com 16");
  }

  // ---- evaluation ---------------------------------------------------------------------------

  @Test
  void evaluate_spfPassForAlignedMailFrom_passesRelaxed() {
    DmarcReport r =
        check()
            .evaluate(
                "example.org",
                spf(SpfResult.PASS, SpfIdentity.MAIL_FROM, "bounces.example.org"),
                noDkim());

    assertThat(r.result()).isEqualTo(DmarcResult.PASS);
    assertThat(r.disposition()).isEqualTo(DmarcDisposition.NONE);
    assertThat(r.alignedIdentifier().orElseThrow().kind()).isEqualTo(DmarcIdentifierCheck.Kind.SPF);
    assertThat(r.alignedIdentifier().orElseThrow().reason())
        .contains("same organizational domain example.org");
    assertThat(r.organizationalDomain().domain()).isEqualTo("example.org");
    assertThat(r.queries()).extracting(q -> q.name()).contains("_dmarc.bounces.example.org");
  }

  @Test
  void evaluate_spfPassForSubdomainUnderStrictAspf_fails() {
    DmarcReport r =
        check()
            .evaluate(
                "strict.test",
                spf(SpfResult.PASS, SpfIdentity.MAIL_FROM, "bounces.strict.test"),
                noDkim());

    assertThat(r.result()).isEqualTo(DmarcResult.FAIL);
    assertThat(r.disposition()).isEqualTo(DmarcDisposition.REJECT);
    assertThat(r.identifiers().get(0).reason()).contains("strict: the domains differ");
    assertThat(codes(r.findings())).containsExactly("dmarc.alignment-failed");
  }

  @Test
  void evaluate_spfPassForIdenticalDomainUnderStrictAspf_passes() {
    DmarcReport r =
        check()
            .evaluate(
                "strict.test", spf(SpfResult.PASS, SpfIdentity.MAIL_FROM, "Strict.Test"), noDkim());

    assertThat(r.result()).isEqualTo(DmarcResult.PASS);
  }

  @Test
  void evaluate_dkimPassWithSubdomainD_passesRelaxedAndFailsStrict() {
    DmarcReport relaxed =
        check().evaluate("example.org", spfNone(), dkim(DkimResult.PASS, "mail.example.org"));
    DmarcReport strict =
        check().evaluate("strict.test", spfNone(), dkim(DkimResult.PASS, "mail.strict.test"));

    assertThat(relaxed.result()).isEqualTo(DmarcResult.PASS);
    assertThat(relaxed.alignedIdentifier().orElseThrow().kind())
        .isEqualTo(DmarcIdentifierCheck.Kind.DKIM);
    assertThat(strict.result()).isEqualTo(DmarcResult.FAIL);
    assertThat(strict.identifiers().get(1).reason())
        .isEqualTo(
            "DKIM d=mail.strict.test does not align with From: strict.test (strict: the domains"
                + " differ)");
  }

  @Test
  void evaluate_dkimPassForAnotherOrganization_failsWithTheReason() {
    DmarcReport r =
        check().evaluate("example.org", spfNone(), dkim(DkimResult.PASS, "mailer.example.net"));

    assertThat(r.result()).isEqualTo(DmarcResult.FAIL);
    assertThat(r.appliedTag()).contains("p");
    assertThat(r.disposition()).isEqualTo(DmarcDisposition.REJECT);
    assertThat(r.identifiers())
        .extracting(DmarcIdentifierCheck::reason)
        .contains(
            "DKIM d=mailer.example.net does not align with From: example.org (relaxed: different"
                + " organizational domains)");
  }

  @Test
  void evaluate_dkimFailForAlignedDomain_doesNotCount() {
    DmarcReport r =
        check().evaluate("example.org", spfNone(), dkim(DkimResult.FAIL, "example.org"));

    assertThat(r.result()).isEqualTo(DmarcResult.FAIL);
    assertThat(r.identifiers().get(1).authenticated()).isFalse();
  }

  @Test
  void evaluate_spfPassForHeloIdentity_doesNotCount() {
    DmarcReport r =
        check()
            .evaluate(
                "example.org", spf(SpfResult.PASS, SpfIdentity.HELO, "example.org"), noDkim());

    assertThat(r.result()).isEqualTo(DmarcResult.FAIL);
    assertThat(r.identifiers().get(0).reason()).contains("HELO").contains("RFC 7208 §2.4");
  }

  @Test
  void evaluate_subdomainWithoutRecord_usesSpForDisposition() {
    DmarcReport r = check().evaluate("news.example.org", spfNone(), noDkim());

    assertThat(r.result()).isEqualTo(DmarcResult.FAIL);
    assertThat(r.appliedTag()).contains("sp");
    assertThat(r.disposition()).isEqualTo(DmarcDisposition.QUARANTINE);
  }

  @Test
  void evaluate_nonExistentSubdomain_usesNpForDisposition() {
    DmarcReport r = check().evaluate("gone.np.test", spfNone(), noDkim());

    assertThat(r.appliedTag()).contains("np");
    assertThat(r.disposition()).isEqualTo(DmarcDisposition.REJECT);
  }

  @Test
  void evaluate_testingRecord_failsButAsksForNoAction() {
    DmarcReport r = check().evaluate("testing.test", spfNone(), noDkim());

    assertThat(r.result()).isEqualTo(DmarcResult.FAIL);
    assertThat(r.testing()).isTrue();
    assertThat(r.policy().appliedPolicy()).contains(DmarcPolicy.REJECT);
    assertThat(r.disposition()).isEqualTo(DmarcDisposition.NONE);
  }

  @Test
  void evaluate_sharedOrganizationalDomainBelowPsd_alignsRelaxed() {
    DmarcReport same =
        check().evaluate("a.foo.bank", spfNone(), dkim(DkimResult.PASS, "mail.foo.bank"));
    DmarcReport suffix = check().evaluate("foo.bank", spfNone(), dkim(DkimResult.PASS, "bank"));

    assertThat(same.result()).isEqualTo(DmarcResult.PASS);
    assertThat(same.organizationalDomain().domain()).isEqualTo("foo.bank");
    // d=bank: "bank" is a public suffix; its own walk makes it its own organizational domain
    assertThat(suffix.result()).isEqualTo(DmarcResult.FAIL);
    assertThat(suffix.identifiers().get(1).reason())
        .isEqualTo(
            "DKIM d=bank does not align with From: foo.bank (relaxed: different organizational"
                + " domains)");
  }

  @Test
  void evaluate_subdomainWithPsdN_isItsOwnOrganizationAndDoesNotAlignWithTheParent() {
    long before = zone.queryCount();

    DmarcReport r =
        check().evaluate("psdn.test", spfNone(), dkim(DkimResult.PASS, "sub.psdn.test"));

    assertThat(r.result()).isEqualTo(DmarcResult.FAIL);
    assertThat(r.identifiers().get(1).reason())
        .contains("different organizational domains sub.psdn.test and psdn.test");
    assertThat(received(before)).contains("_dmarc.sub.psdn.test 16");
  }

  @Test
  void evaluate_noRecord_isNone() {
    DmarcReport r =
        check().evaluate("nowhere.example", spfNone(), dkim(DkimResult.PASS, "nowhere.example"));

    assertThat(r.result()).isEqualTo(DmarcResult.NONE);
    assertThat(r.identifiers()).isEmpty();
    assertThat(codes(r.findings())).containsExactly("dmarc.none");
  }

  @Test
  void evaluate_unusableRecord_isPermerror() {
    DmarcReport r = check().evaluate("syntax.test", spfNone(), noDkim());

    assertThat(r.result()).isEqualTo(DmarcResult.PERMERROR);
    assertThat(r.disposition()).isEqualTo(DmarcDisposition.NONE);
  }

  @Test
  void evaluate_spfTemperrorAndNothingAligned_isTemperrorNotFail() {
    DmarcReport r =
        check()
            .evaluate(
                "example.org",
                spf(SpfResult.TEMPERROR, SpfIdentity.MAIL_FROM, "example.org"),
                noDkim());

    assertThat(r.result()).isEqualTo(DmarcResult.TEMPERROR);
    assertThat(r.disposition()).isEqualTo(DmarcDisposition.NONE);
    assertThat(codes(r.findings())).contains("dmarc.temperror");
  }

  @Test
  void evaluate_malformedFromDomain_throwsBeforeAnyQuery() {
    long before = zone.queryCount();

    assertThatThrownBy(() -> check().evaluate("not a domain", spfNone(), noDkim()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fromDomain");
    assertThatThrownBy(() -> check().recordAsync("a..b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(zone.queryCount()).isEqualTo(before);
  }

  @Test
  void recordAsync_givesTheSameReportAsTheBlockingForm() throws Exception {
    DmarcRecordReport async = check().recordAsync("news.example.org").get();
    DmarcRecordReport blocking = check().record("news.example.org");

    assertThat(async.appliedPolicy()).isEqualTo(blocking.appliedPolicy());
    assertThat(async.findings()).isEqualTo(blocking.findings());
    assertThat(async.queries()).hasSameSizeAs(blocking.queries());
  }

  // ---- DNS failures -------------------------------------------------------------------------

  @Test
  void record_servfailAtTheAuthorDomain_isTemperrorNeverNoRecord() {
    try (LocalDnsZoneServer broken =
        LocalDnsZoneServer.builder()
            .zone(DmarcZones.lab())
            .fault(DnsFault.servfail().forName("_dmarc.news.example.org"))
            .start()) {
      DmarcCheck c = DmarcCheck.builder().dns(d -> d.server(broken.address()).retries(0)).build();

      DmarcRecordReport r = c.record("news.example.org");
      DmarcReport e = c.evaluate("news.example.org", spfNone(), noDkim());

      assertThat(codes(r.findings())).containsExactly("dmarc.temperror");
      assertThat(r.record()).isEmpty();
      assertThat(e.result()).isEqualTo(DmarcResult.TEMPERROR);
      assertThat(broken.queries()).hasSize(2); // the walk stopped at the failure, each time
    }
  }

  @Test
  void evaluate_dnsThatNeverAnswers_givesTemperrorWithinTheTimeout() {
    try (LocalDnsZoneServer silent =
        LocalDnsZoneServer.builder().zone(DmarcZones.lab()).fault(DnsFault.drop()).start()) {
      DmarcCheck c =
          DmarcCheck.builder()
              .dns(d -> d.server(silent.address()).timeout(Duration.ofSeconds(5)).retries(2))
              .timeout(Duration.ofMillis(400))
              .build();
      long t0 = System.nanoTime();

      DmarcReport r = c.evaluate("example.org", spfNone(), noDkim());
      DmarcRecordReport rec = c.record("example.org");

      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(took).isLessThan(Duration.ofSeconds(3));
      assertThat(r.result()).isEqualTo(DmarcResult.TEMPERROR);
      assertThat(codes(r.findings())).containsExactly("dmarc.temperror");
      assertThat(codes(rec.findings())).containsExactly("dmarc.temperror");
    }
  }

  @Test
  void recordAsync_cancelled_sendsNoFurtherQueries() throws Exception {
    try (LocalDnsZoneServer silent =
        LocalDnsZoneServer.builder().zone(DmarcZones.lab()).fault(DnsFault.drop()).start()) {
      DmarcCheck c =
          DmarcCheck.builder()
              .dns(d -> d.server(silent.address()).timeout(Duration.ofSeconds(1)).retries(0))
              .timeout(Duration.ofSeconds(20))
              .build();

      java.util.concurrent.CompletableFuture<DmarcRecordReport> f =
          c.recordAsync("a.b.c.example.org");
      long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
      while (silent.queryCount() < 1 && System.nanoTime() < until) {
        Thread.sleep(1); // wait until the first query is on the wire, however loaded the machine
      }
      f.cancel(true);
      Thread.sleep(2500); // uncancelled, the walk would have sent two more queries by now

      assertThat(f).isCancelled();
      assertThat(silent.queryCount()).isEqualTo(1);
    }
  }

  @Test
  void evaluateAsync_completesOnTheEnvironmentsExecutor() throws Exception {
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newSingleThreadExecutor(r -> new Thread(r, "dmarc-test"));
    try {
      DmarcCheck c = check().toBuilder().environment(e -> e.executor(pool)).build();

      String thread =
          c.evaluateAsync("example.org", spfNone(), noDkim())
              .thenApply(r -> Thread.currentThread().getName())
              .get();

      assertThat(thread).isEqualTo("dmarc-test");
    } finally {
      pool.shutdownNow();
    }
  }

  static java.util.stream.Stream<DnsFault> hostileFaults() {
    return java.util.stream.Stream.of(
        DnsFault.servfail(),
        DnsFault.refused(),
        DnsFault.compressionLoop(),
        DnsFault.lyingRecordCounts(),
        DnsFault.wrongId(),
        DnsFault.wrongQuestion(),
        DnsFault.echoQuery(),
        DnsFault.rcode(5));
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("hostileFaults")
  void record_hostileReplyAtThePolicyName_isTemperrorNeverAnExceptionOrNoRecord(DnsFault fault) {
    try (LocalDnsZoneServer hostile =
        LocalDnsZoneServer.builder()
            .zone(DmarcZones.lab())
            .fault(fault.forName("_dmarc.example.org"))
            .start()) {
      DmarcCheck c =
          DmarcCheck.builder()
              .dns(d -> d.server(hostile.address()).timeout(Duration.ofMillis(300)).retries(0))
              .timeout(Duration.ofSeconds(5))
              .build();

      DmarcRecordReport r = c.record("news.example.org");
      DmarcReport e =
          c.evaluate("news.example.org", spfNone(), dkim(DkimResult.PASS, "example.org"));

      assertThat(r.record()).isEmpty();
      assertThat(codes(r.findings())).containsExactly("dmarc.temperror");
      assertThat(e.result()).isEqualTo(DmarcResult.TEMPERROR);
    }
  }

  @Test
  void record_truncatedUdpAnswer_isReadOverTcp() {
    try (LocalDnsZoneServer truncating =
        LocalDnsZoneServer.builder()
            .zone(DmarcZones.lab())
            .fault(DnsFault.truncate().onlyUdp().forName("_dmarc.example.org"))
            .start()) {
      DmarcCheck c = DmarcCheck.builder().dns(d -> d.server(truncating.address())).build();

      DmarcRecordReport r = c.record("example.org");

      assertThat(r.appliedPolicy()).contains(DmarcPolicy.REJECT);
      assertThat(r.queries().get(0).tcp()).isTrue();
    }
  }

  @Test
  void record_unicodeDomain_isAskedAsALabels() {
    long before = zone.queryCount();

    DmarcRecordReport r = check().record("bücher.example");

    assertThat(r.domain()).isEqualTo("xn--bcher-kva.example");
    assertThat(received(before)).first().isEqualTo("_dmarc.xn--bcher-kva.example 16");
  }

  @Test
  void builder_rejectsNonPositiveTimeout() {
    assertThatThrownBy(() -> DmarcCheck.builder().timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
  }
}
