package dev.mailpath.diag.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SpfCheck's behaviour beyond the suite cases: DNS faults, deadline, tree, bad input, API. */
class SpfCheckTest {
  static LocalDnsZoneServer dns;
  static SpfCheck spf;

  static final String EXTRA =
      String.join(
          "\n",
          "$ORIGIN fault.example.",
          "$TTL 300",
          "@ SOA ns.fault.example. admin.fault.example. 1 3600 600 86400 300",
          "@ NS ns.fault.example.",
          "inc-servfail TXT \"v=spf1 include:servfail.fault.example -all\"",
          "servfail TXT \"v=spf1 +all\"",
          "inc-drop TXT \"v=spf1 include:drop.fault.example -all\"",
          "drop TXT \"v=spf1 +all\"",
          "a-servfail TXT \"v=spf1 a:servfail.fault.example -all\"",
          "exp-drop TXT \"v=spf1 exp=drop.fault.example -all\"",
          "slow TXT \"v=spf1 -all\"",
          "long TXT " + longRecord(),
          "garbage TXT \"v=spf1 \\001\\002\\255 -all\"",
          "nonascii TXT \"v=spf1 a:b\\195\\188cher.example -all\"",
          "ptr-servfail TXT \"v=spf1 ptr -all\"",
          "exp-r TXT \"v=spf1 -all exp=why.fault.example\"",
          "why TXT \"rejected by %{r} for %{c}\"",
          "");

  /** A record of about 10,000 characters in 255-byte strings, with a syntax error at the end. */
  static String longRecord() {
    String text = "v=spf1 " + "ip4:192.0.2.1 ".repeat(714) + "bogus";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < text.length(); i += 250) {
      sb.append('"').append(text, i, Math.min(text.length(), i + 250)).append("\" ");
    }
    return sb.toString().strip();
  }

  @BeforeAll
  static void start() {
    LocalDnsZoneServer.Builder b = LocalDnsZoneServer.builder();
    for (String[] z : SpfZones.all()) {
      b.zone(z[0], z[1]);
    }
    dns =
        b.zone("fault.example", EXTRA)
            .fault(DnsFault.servfail().forName("servfail.fault.example"))
            .fault(DnsFault.drop().forName("drop.fault.example"))
            .fault(DnsFault.delay(Duration.ofSeconds(3)).forName("slow.fault.example"))
            .fault(DnsFault.servfail().forName("4.3.2.1.in-addr.arpa"))
            .start();
    spf =
        SpfCheck.builder()
            .dns(d -> d.server(dns.address()).timeout(Duration.ofMillis(300)).retries(0))
            .timeout(Duration.ofSeconds(5))
            .build();
  }

  @AfterAll
  static void stop() {
    dns.close();
  }

  static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  static List<String> codes(SpfReport r) {
    return r.findings().stream().map(Finding::code).toList();
  }

  static List<String> codes(SpfRecordReport r) {
    return r.findings().stream().map(Finding::code).toList();
  }

  @Test
  void check_includeTargetServfail_temperror() throws Exception {
    SpfReport r = spf.check(ip("1.2.3.4"), "a@inc-servfail.fault.example", "h.example.com");

    assertThat(r.result()).isEqualTo(SpfResult.TEMPERROR);
    assertThat(codes(r)).contains("spf.temperror");
    assertThat(r.outcome()).isEqualTo(Outcome.WARN);
  }

  @Test
  void check_aTargetServfail_temperror() throws Exception {
    SpfReport r = spf.check(ip("1.2.3.4"), "a@a-servfail.fault.example", "h.example.com");

    assertThat(r.result()).isEqualTo(SpfResult.TEMPERROR);
  }

  @Test
  void check_includeTargetTimesOut_temperrorWithTimeoutFinding() throws Exception {
    SpfReport r = spf.check(ip("1.2.3.4"), "a@inc-drop.fault.example", "h.example.com");

    assertThat(r.result()).isEqualTo(SpfResult.TEMPERROR);
    assertThat(codes(r)).contains("spf.dns-timeout");
  }

  @Test
  void check_explanationTimesOut_stillFailWithoutExplanation() throws Exception {
    SpfReport r = spf.check(ip("1.2.3.4"), "a@exp-drop.fault.example", "h.example.com");

    assertThat(r.result()).isEqualTo(SpfResult.FAIL);
    assertThat(r.explanation()).isEmpty();
    assertThat(codes(r)).contains("spf.fail", "spf.exp-unusable");
  }

  @Test
  void check_ptrLookupServfail_ptrDoesNotMatch() throws Exception {
    SpfReport r = spf.check(ip("1.2.3.4"), "a@ptr-servfail.fault.example", "h.example.com");

    assertThat(r.result()).isEqualTo(SpfResult.FAIL); // §5.5: a PTR error is no match
  }

  @Test
  void check_serverSlowerThanDeadline_temperrorAtDeadlineNotLater() throws Exception {
    SpfCheck quick =
        spf.toBuilder()
            .dns(d -> d.timeout(Duration.ofSeconds(10)))
            .timeout(Duration.ofMillis(300))
            .build();
    long t0 = System.nanoTime();
    SpfReport r = quick.check(ip("1.2.3.4"), "a@slow.fault.example", "h.example.com");
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

    assertThat(r.result()).isEqualTo(SpfResult.TEMPERROR);
    assertThat(codes(r)).containsExactly("spf.deadline");
    assertThat(ms).isLessThan(2_500);
  }

  @Test
  void check_tenThousandCharacterRecord_permerrorQuickly() throws Exception {
    SpfReport r = spf.check(ip("192.0.2.1"), "a@long.fault.example", "h.example.com");

    assertThat(r.result()).isEqualTo(SpfResult.PERMERROR); // the error at the end wins (§4.6)
    assertThat(r.record().orElseThrow().length()).isGreaterThan(9_900);
    assertThat(codes(r)).containsExactly("spf.syntax");
    assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void check_controlAndNonAsciiBytes_permerror() throws Exception {
    assertThat(spf.check(ip("1.2.3.4"), "a@garbage.fault.example", "h").result())
        .isEqualTo(SpfResult.PERMERROR);
    assertThat(spf.check(ip("1.2.3.4"), "a@nonascii.fault.example", "h").result())
        .isEqualTo(SpfResult.PERMERROR);
  }

  @Test
  void check_includeLoop_permerrorWithinLimit() throws Exception {
    SpfReport r = spf.check(ip("1.2.3.4"), "a@include-loop.example.com", "h");

    assertThat(r.result()).isEqualTo(SpfResult.PERMERROR);
    assertThat(codes(r)).contains("spf.too-many-lookups");
    assertThat(r.dnsLookups()).isEqualTo(11);
    assertThat(r.lookups()).hasSize(11); // the root record plus 10 includes
  }

  @Test
  void check_twentyNestedIncludes_permerrorAfterTen() throws Exception {
    SpfReport r = spf.check(ip("1.2.3.4"), "a@deep0.example.com", "h");

    assertThat(r.result()).isEqualTo(SpfResult.PERMERROR);
    assertThat(codes(r)).contains("spf.too-many-lookups");
    int depth = 0;
    SpfEvaluation e = r.evaluation().orElseThrow();
    while (!e.children().isEmpty()) {
      e = e.children().get(0);
      depth++;
    }
    assertThat(depth).isEqualTo(10);
  }

  @Test
  void check_lowerLookupLimit_isApplied() throws Exception {
    SpfCheck strict = spf.toBuilder().maxDnsLookups(2).build();

    assertThat(strict.check(ip("1.2.3.4"), "a@include-at-limit.example.com", "h").result())
        .isEqualTo(SpfResult.PERMERROR);
    assertThat(spf.check(ip("1.2.3.4"), "a@include-at-limit.example.com", "h").result())
        .isEqualTo(SpfResult.PASS);
  }

  @Test
  void check_voidLimit_findingAndCounts() throws Exception {
    SpfReport r = spf.check(ip("1.2.3.4"), "a@void-over.example.com", "h");

    assertThat(r.result()).isEqualTo(SpfResult.PERMERROR);
    assertThat(codes(r)).contains("spf.void-lookups");
    assertThat(r.voidLookups()).isEqualTo(3);
    SpfReport at = spf.check(ip("1.2.3.4"), "a@void-at.example.com", "h");
    assertThat(at.voidLookups()).isEqualTo(2);
    assertThat(at.dnsLookups()).isEqualTo(2);
  }

  @Test
  void check_include_treeShowsChildRecordAndQueries() throws Exception {
    SpfReport r = spf.check(ip("1.2.3.5"), "someone@inc-pass.example.com", "h");

    assertThat(r.result()).isEqualTo(SpfResult.PASS);
    assertThat(r.matchedTerm()).contains("include:ip5.example.com");
    assertThat(r.record()).contains("v=spf1 include:ip5.example.com -all");
    SpfEvaluation root = r.evaluation().orElseThrow();
    assertThat(root.children()).hasSize(1);
    SpfEvaluation child = root.children().get(0);
    assertThat(child.domain()).isEqualTo("ip5.example.com");
    assertThat(child.via()).isEqualTo("include:ip5.example.com");
    assertThat(child.result()).isEqualTo(SpfResult.PASS);
    assertThat(child.matchedTerm()).contains("ip4:1.2.3.5");
    assertThat(child.lookups()).hasSize(1);
    assertThat(child.lookups().get(0).name()).isEqualTo("ip5.example.com");
    assertThat(r.lookups()).hasSize(2);
    assertThat(r.dnsLookups()).isEqualTo(1);
    assertThat(r.findings()).isEmpty();
    assertThat(r.toString()).contains("include:ip5.example.com -> ip5.example.com: PASS");
  }

  @Test
  void check_redirect_matchedTermAndExplanationOfTarget() throws Exception {
    SpfReport r = spf.check(ip("1.2.3.4"), "x@exp-redir.example.com", "h");

    assertThat(r.result()).isEqualTo(SpfResult.FAIL);
    assertThat(r.matchedTerm()).contains("-all");
    assertThat(r.explanation()).contains("See me.");
    assertThat(r.evaluation().orElseThrow().children().get(0).via())
        .isEqualTo("redirect=fail-exp.example.com");
    assertThat(codes(r)).containsExactly("spf.fail");
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void check_emptyMailFrom_checksHeloIdentity() throws Exception {
    for (String bounce : List.of("", "<>", " <> ")) {
      SpfReport r = spf.check(ip("1.2.3.4"), bounce, "helo-spf.example.com");
      assertThat(r.identity()).isEqualTo(SpfIdentity.HELO);
      assertThat(r.domain()).isEqualTo("helo-spf.example.com");
      assertThat(r.sender()).isEqualTo("postmaster@helo-spf.example.com");
      assertThat(r.result()).isEqualTo(SpfResult.PASS);
    }
  }

  @Test
  void check_mailFromInAngleBracketsWithoutLocalPart_postmaster() throws Exception {
    SpfReport r = spf.check(ip("1.2.3.4"), "<@macro-l.example.com>", "h");

    assertThat(r.identity()).isEqualTo(SpfIdentity.MAIL_FROM);
    assertThat(r.sender()).isEqualTo("postmaster@macro-l.example.com");
    assertThat(r.explanation()).contains("postmaster in implementation");
  }

  @Test
  void check_malformedDomain_noneWithoutQuery() throws Exception {
    long before = dns.queryCount();
    SpfReport r = spf.check(ip("1.2.3.4"), "x@[192.0.2.1]", "h");

    assertThat(r.result()).isEqualTo(SpfResult.NONE);
    assertThat(codes(r)).containsExactly("spf.invalid-domain");
    assertThat(r.evaluation()).isEmpty();
    assertThat(dns.queryCount()).isEqualTo(before);
  }

  @Test
  void check_noRecord_noneWithFinding() throws Exception {
    SpfReport r = spf.check(ip("1.2.3.4"), "x@nospf.example.com", "h");

    assertThat(r.result()).isEqualTo(SpfResult.NONE);
    assertThat(codes(r)).containsExactly("spf.none");
  }

  @Test
  void check_plusAll_passWithRiskFinding() throws Exception {
    SpfReport r = spf.check(ip("203.0.113.9"), "x@pass.example.com", "h");

    assertThat(r.result()).isEqualTo(SpfResult.PASS);
    assertThat(codes(r)).containsExactly("spf.pass-all");
  }

  @Test
  void checkAsync_sameReportAsBlocking() throws Exception {
    SpfReport async =
        spf.checkAsync(ip("1.2.3.4"), "x@mx-pass.example.com", "h").get(5, TimeUnit.SECONDS);

    assertThat(async.result()).isEqualTo(SpfResult.PASS);
    assertThat(async.matchedTerm()).contains("mx");
  }

  @Test
  void checkAsync_cancelled_completesCancelledAndClientStillWorks() throws Exception {
    SpfCheck patient = spf.toBuilder().dns(d -> d.timeout(Duration.ofSeconds(10))).build();
    java.util.concurrent.CompletableFuture<SpfReport> f =
        patient.checkAsync(ip("1.2.3.4"), "a@slow.fault.example", "h");

    assertThat(f.cancel(true)).isTrue();
    assertThat(f).isCancelled();
    assertThat(patient.check(ip("1.2.3.4"), "a@fail.example.com", "h").result())
        .isEqualTo(SpfResult.FAIL);
  }

  @Test
  void check_interrupted_throwsCancellationAndKeepsFlag() throws Exception {
    SpfCheck patient = spf.toBuilder().dns(d -> d.timeout(Duration.ofSeconds(10))).build();
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> patient.check(ip("1.2.3.4"), "a@slow.fault.example", "h"))
          .isInstanceOf(java.util.concurrent.CancellationException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void check_manyConcurrentChecks_allAnswered() throws Exception {
    // 200 checks of 11 queries each hit the embedded server at once: on a loaded machine a UDP
    // answer can come late, so this client waits longer and retries (the point is concurrency).
    SpfCheck patient =
        spf.toBuilder()
            .dns(d -> d.server(dns.address()).timeout(Duration.ofSeconds(2)).retries(2))
            .timeout(Duration.ofSeconds(20))
            .build();
    List<java.util.concurrent.CompletableFuture<SpfReport>> fs = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      fs.add(patient.checkAsync(ip("1.2.3.4"), "x@include-at-limit.example.com", "h"));
    }
    for (var f : fs) {
      assertThat(f.get(60, TimeUnit.SECONDS).result()).isEqualTo(SpfResult.PASS);
    }
  }

  @Test
  void check_nullArguments_throwNpeNamingThem() {
    assertThatThrownBy(() -> spf.check(null, "a@b.example", "h"))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("ip");
    assertThatThrownBy(() -> spf.check(ip("1.2.3.4"), null, "h"))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("mailFrom");
    assertThatThrownBy(() -> spf.check(ip("1.2.3.4"), "a@b.example", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("helo");
  }

  @Test
  void builder_defaultsAndToBuilder_keepSettings() {
    SpfCheck d = SpfCheck.builder().dns(x -> x.server(dns.address())).build();
    assertThat(d.maxDnsLookups()).isEqualTo(10);
    assertThat(d.maxVoidLookups()).isEqualTo(2);
    assertThat(d.receiver()).isEqualTo("unknown");
    assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(20));
    SpfCheck v = d.toBuilder().maxDnsLookups(20).maxVoidLookups(5).receiver("mx.example").build();
    assertThat(v.maxDnsLookups()).isEqualTo(20);
    assertThat(v.maxVoidLookups()).isEqualTo(5);
    assertThat(v.receiver()).isEqualTo("mx.example");
    assertThat(v.dns()).isEqualTo(d.dns());
    assertThat(v.environment()).isSameAs(d.environment());
  }

  @Test
  void builder_badSettings_throwIae() {
    assertThatThrownBy(() -> SpfCheck.builder().timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpfCheck.builder().maxDnsLookups(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpfCheck.builder().maxVoidLookups(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpfCheck.builder().receiver("two words"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void receiver_expandsInExplanation() throws Exception {
    SpfCheck named = spf.toBuilder().receiver("mx.receiver.example").build();
    SpfReport r = named.check(ip("1.2.3.4"), "x@exp-r.fault.example", "h");

    assertThat(r.explanation()).contains("rejected by mx.receiver.example for 1.2.3.4");
    assertThat(spf.check(ip("1.2.3.4"), "x@exp-r.fault.example", "h").explanation())
        .contains("rejected by unknown for 1.2.3.4");
  }

  // ------------------------------------------------------------------ record analysis

  @Test
  void record_setup_countsLookupsVoidsAndFlagsIncludeWithoutRecord() {
    SpfRecordReport r = spf.record("setup.example.com");

    assertThat(r.record())
        .contains(
            "v=spf1 include:ip5.example.com include:erehwon.example.com mx a:nx1.example.com ~all");
    assertThat(r.dnsLookups()).isEqualTo(4);
    assertThat(r.voidLookups()).isEqualTo(1);
    assertThat(codes(r)).containsExactly("spf.include-none");
    assertThat(r.evaluation().orElseThrow().children())
        .extracting(SpfEvaluation::domain)
        .containsExactly("ip5.example.com", "erehwon.example.com");
  }

  @Test
  void record_nestedIncludesOverLimit_tooManyLookups() {
    SpfRecordReport r = spf.record("deep0.example.com");

    assertThat(r.dnsLookups()).isEqualTo(20);
    assertThat(codes(r)).containsExactly("spf.too-many-lookups");
  }

  @Test
  void record_loop_reportedOnce() {
    SpfRecordReport r = spf.record("include-loop.example.com");

    assertThat(codes(r)).contains("spf.include-loop", "spf.too-many-lookups");
  }

  @Test
  void record_serverSlowerThanDeadline_deadlineFinding() {
    SpfCheck quick =
        spf.toBuilder()
            .dns(d -> d.timeout(Duration.ofSeconds(10)))
            .timeout(Duration.ofMillis(300))
            .build();
    long t0 = System.nanoTime();
    SpfRecordReport r = quick.record("slow.fault.example");

    assertThat(codes(r)).containsExactly("spf.deadline");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(2_500);
  }

  @Test
  void record_riskyTerms_reported() {
    SpfRecordReport r = spf.record("risky.example.com");

    assertThat(codes(r)).containsExactlyInAnyOrder("spf.ptr-used", "spf.neutral-all");
    assertThat(r.outcome()).isEqualTo(Outcome.WARN);
  }

  @Test
  void record_errors_reported() {
    assertThat(codes(spf.record("multi.example.com"))).containsExactly("spf.multiple-records");
    assertThat(codes(spf.record("detect.example.com"))).containsExactly("spf.syntax");
    assertThat(codes(spf.record("nospf.example.com"))).containsExactly("spf.none");
    assertThat(codes(spf.record("default.example.com"))).containsExactly("spf.no-all");
    assertThat(codes(spf.record("pass.example.com"))).containsExactly("spf.pass-all");
    assertThat(codes(spf.record("not a domain"))).containsExactly("spf.invalid-domain");
    assertThat(spf.record("fail.example.com").findings()).isEmpty();
  }

  @Test
  void report_toBuilder_roundTripsAndEquals() throws Exception {
    SpfReport r = spf.check(ip("1.2.3.5"), "someone@inc-pass.example.com", "h");
    assertThat(r.toBuilder().build()).isEqualTo(r).hasSameHashCodeAs(r);
    SpfRecordReport rr = spf.record("setup.example.com");
    assertThat(rr.toBuilder().build()).isEqualTo(rr).hasSameHashCodeAs(rr);
  }
}
