package dev.mailpath.diag.posture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import dev.mailpath.diag.testkit.MtaStsPolicyServer;
import dev.mailpath.diag.testkit.MtaStsPolicyServer.Behaviour;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MtaStsCheck against a {@link LocalDnsZoneServer} serving the "test." zone and an {@link
 * MtaStsPolicyServer} per domain on loopback. Every domain's policy host resolves to 127.0.0.1; the
 * check connects to the policy server's port.
 */
class MtaStsCheckTest {
  static final String ENFORCE =
      "version: STSv1\r\nmode: enforce\r\nmx: mx1.good.test\r\nmx: *.backup.good.test\r\n"
          + "max_age: 1209600\r\n";

  static final String ZONE =
      String.join(
          "\n",
          "$ORIGIN test.",
          "$TTL 300",
          "@ SOA ns1 hostmaster 1 3600 600 86400 300",
          "@ NS ns1",
          "ns1 A 127.0.0.1",
          // good.test: a valid record, two MX hosts, one matched by a wildcard
          "good MX 10 mx1.good",
          "good MX 20 mx2.backup.good",
          "mx1.good A 127.0.0.1",
          "mx2.backup.good A 127.0.0.1",
          "_mta-sts.good TXT \"v=STSv1; id=20260101T000000\"",
          "mta-sts.good A 127.0.0.1",
          // nohost.test: a record whose policy host has no address
          "nohost MX 10 mx1.nohost",
          "mx1.nohost A 127.0.0.1",
          "_mta-sts.nohost TXT \"v=STSv1; id=1\"",
          // norecord.test: a policy host without a record
          "norecord MX 10 mx1.good",
          "mta-sts.norecord A 127.0.0.1",
          // plain.test: neither
          "plain MX 10 mx1.good",
          "_mta-sts.plain TXT \"something else\"",
          // multi.test: two STS records
          "multi MX 10 mx1.good",
          "_mta-sts.multi TXT \"v=STSv1; id=1\"",
          "_mta-sts.multi TXT \"v=STSv1; id=2\"",
          "mta-sts.multi A 127.0.0.1",
          // badid.test: an id with a character outside letters and digits
          "badid MX 10 mx1.good",
          "_mta-sts.badid TXT \"v=STSv1; id=2026-01-01\"",
          "mta-sts.badid A 127.0.0.1",
          // broken.test: the record's name answers SERVFAIL (fault below)
          "broken MX 10 mx1.good",
          "mta-sts.broken A 127.0.0.1",
          // split.test: the record in two strings, joined without a separator
          "split MX 10 mx1.good",
          "_mta-sts.split TXT \"v=STSv1; \" \"id=abc123\"",
          "mta-sts.split A 127.0.0.1",
          // v6.test: the policy host has only an IPv6 address
          "v6 MX 10 mx1.good",
          "_mta-sts.v6 TXT \"v=STSv1; id=6\"",
          "mta-sts.v6 AAAA ::1",
          // mxfail.test: the MX question answers SERVFAIL (fault below)
          "mxfail A 127.0.0.1",
          "_mta-sts.mxfail TXT \"v=STSv1; id=1\"",
          "mta-sts.mxfail A 127.0.0.1",
          "");

  static LocalDnsZoneServer zone;
  MtaStsPolicyServer web;

  @BeforeAll
  static void startDns() {
    zone =
        LocalDnsZoneServer.builder()
            .zone(ZONE)
            .fault(DnsFault.servfail().forName("_mta-sts.broken.test"))
            .fault(DnsFault.servfail().forName("mxfail.test").forType("MX"))
            .start();
  }

  @AfterAll
  static void stopDns() {
    zone.close();
  }

  @AfterEach
  void stopWeb() {
    if (web != null) {
      web.close();
    }
  }

  MtaStsPolicyServer web(String domain, String policy, Behaviour behaviour) {
    web = MtaStsPolicyServer.builder().domain(domain).policy(policy).behaviour(behaviour).start();
    return web;
  }

  static MtaStsCheck check(MtaStsPolicyServer web, Duration deadline) {
    X509TrustManager trust = web.trustManager();
    return MtaStsCheck.builder()
        .dns(d -> d.server(zone.address()).timeout(Duration.ofSeconds(2)).retries(0))
        .tls(t -> t.trustManager(trust))
        .policyPort(web.port())
        .deadline(deadline)
        .build();
  }

  static MtaStsCheck check(MtaStsPolicyServer web) {
    return check(web, Duration.ofSeconds(10));
  }

  static List<String> codes(MtaStsReport r) {
    return r.findings().stream().map(Finding::code).toList();
  }

  static Finding only(MtaStsReport r, MtaStsFinding code) {
    List<Finding> f = r.findings().stream().filter(x -> x.is(code)).toList();
    assertThat(f).as("findings %s", r.findings()).hasSize(1);
    return f.get(0);
  }

  // ---- happy path ---------------------------------------------------------------------------

  @Test
  void enforcePolicy_everyMxCovered_noFindings_andTheFetchUsesSniHostAndPath() {
    MtaStsReport r = check(web("good.test", ENFORCE, Behaviour.NORMAL)).check("good.test");

    assertThat(r.findings()).isEmpty();
    assertThat(r.record()).contains("v=STSv1; id=20260101T000000");
    assertThat(r.id()).contains("20260101T000000");
    assertThat(r.httpStatus()).contains(200);
    assertThat(r.policyAddress()).contains("127.0.0.1");
    assertThat(r.policyText()).contains(ENFORCE);
    assertThat(r.policyHash()).get().asString().hasSize(64);
    MtaStsPolicy p = r.policy().orElseThrow();
    assertThat(p.mode()).isEqualTo(MtaStsMode.ENFORCE);
    assertThat(p.maxAge()).isEqualTo(Duration.ofDays(14));
    assertThat(r.exchanges())
        .containsExactly(
            new MtaStsExchange("mx1.good.test", java.util.Optional.of("mx1.good.test")),
            new MtaStsExchange(
                "mx2.backup.good.test", java.util.Optional.of("*.backup.good.test")));
    assertThat(web.requests())
        .containsExactly(
            new MtaStsPolicyServer.Request(
                "mta-sts.good.test",
                "GET /.well-known/mta-sts.txt HTTP/1.1",
                "mta-sts.good.test:" + web.port()));
    assertThat(r.queries()).isNotEmpty();
    assertThat(r.toString()).contains("mode enforce").contains("mx2.backup.good.test matches");
  }

  @Test
  void chunkedBody_isDecoded() {
    MtaStsReport r = check(web("good.test", ENFORCE, Behaviour.CHUNKED)).check("good.test");

    assertThat(r.findings()).isEmpty();
    assertThat(r.policyText()).contains(ENFORCE);
  }

  @Test
  void recordSplitIntoTwoStrings_isJoined() {
    MtaStsReport r = check(web("split.test", ENFORCE, Behaviour.NORMAL)).check("split.test");

    assertThat(r.id()).contains("abc123");
    assertThat(codes(r)).doesNotContain("mta-sts.record-syntax");
  }

  @Test
  void ipv6OnlyPolicyHost_isFetchedOverIpv6() throws Exception {
    web =
        MtaStsPolicyServer.builder()
            .domain("v6.test")
            .policy(ENFORCE)
            .bindAddress(java.net.InetAddress.getByName("::1"))
            .start();

    MtaStsReport r = check(web).check("v6.test");

    assertThat(r.policyAddress()).contains("::1");
    assertThat(r.findings()).isEmpty();
    assertThat(web.requests())
        .extracting(MtaStsPolicyServer.Request::serverName)
        .containsExactly("mta-sts.v6.test");
  }

  @Test
  void asyncTwin_givesTheSameAnswer() throws Exception {
    MtaStsCheck c = check(web("good.test", ENFORCE, Behaviour.NORMAL));
    MtaStsReport r = c.checkAsync("good.test").get(10, TimeUnit.SECONDS);
    assertThat(r.findings()).isEmpty();
    assertThat(r.policy()).isPresent();
  }

  // ---- MX coverage and modes ------------------------------------------------------------------

  @Test
  void mxNotCovered_underEnforce_isCritical() {
    String policy = "version: STSv1\nmode: enforce\nmx: mx1.good.test\nmax_age: 1209600\n";
    MtaStsReport r = check(web("good.test", policy, Behaviour.NORMAL)).check("good.test");

    Finding f = only(r, MtaStsFinding.MX_NOT_COVERED);
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.summary()).contains("mx2.backup.good.test");
    assertThat(r.exchanges().get(1).covered()).isFalse();
    assertThat(r.outcome()).isEqualTo(dev.mailpath.diag.core.Outcome.FAIL);
  }

  @Test
  void wildcard_matchesExactlyOneLabel_notTheDomainItselfNorTwoLabels() {
    MtaStsPolicy p =
        new MtaStsPolicy(
            MtaStsMode.ENFORCE, List.of("*.Example.net", "mx.example.org"), Duration.ofDays(7));
    assertThat(p.match("mx1.example.net")).contains("*.example.net");
    assertThat(p.match("MX1.EXAMPLE.NET.")).contains("*.example.net");
    assertThat(p.match("example.net")).isEmpty();
    assertThat(p.match("a.b.example.net")).isEmpty();
    assertThat(p.match("mx.example.org")).contains("mx.example.org");
    assertThat(p.match("mx.example.org.evil")).isEmpty();
    assertThat(p.match("xmx.example.org")).isEmpty();
  }

  @Test
  void testingMode_uncoveredMxIsAWarning_andTestingIsReported() {
    String policy = "version: STSv1\nmode: testing\nmx: mx1.good.test\nmax_age: 1209600\n";
    MtaStsReport r = check(web("good.test", policy, Behaviour.NORMAL)).check("good.test");

    assertThat(only(r, MtaStsFinding.MX_NOT_COVERED).severity()).isEqualTo(Severity.WARNING);
    only(r, MtaStsFinding.MODE_TESTING);
  }

  @Test
  void noneMode_isReported_andCoverageIsNotAFinding() {
    String policy = "version: STSv1\nmode: none\nmax_age: 1209600\n";
    MtaStsReport r = check(web("good.test", policy, Behaviour.NORMAL)).check("good.test");

    assertThat(codes(r)).containsExactly("mta-sts.mode-none");
    assertThat(r.exchanges()).extracting(MtaStsExchange::covered).containsOnly(false);
  }

  @Test
  void shortMaxAge_isReported() {
    MtaStsReport r =
        check(web("good.test", ENFORCE.replace("1209600", "86400"), Behaviour.NORMAL))
            .check("good.test");

    assertThat(codes(r)).containsExactly("mta-sts.max-age-short");
  }

  // ---- record and policy presence -------------------------------------------------------------

  @Test
  void recordWithoutPolicy_whenThePolicyHostHasNoAddress() {
    MtaStsReport r = check(web("nohost.test", ENFORCE, Behaviour.NORMAL)).check("nohost.test");

    assertThat(codes(r)).containsExactly("mta-sts.record-without-policy");
    assertThat(r.policy()).isEmpty();
    assertThat(web.requests()).isEmpty();
  }

  @Test
  void recordWithoutPolicy_whenNothingListens() {
    MtaStsPolicyServer w = web("good.test", ENFORCE, Behaviour.NORMAL);
    MtaStsCheck c = check(w);
    w.close();

    MtaStsReport r = c.check("good.test");

    assertThat(codes(r)).containsExactly("mta-sts.record-without-policy");
  }

  @Test
  void policyWithoutRecord() {
    MtaStsReport r = check(web("norecord.test", ENFORCE, Behaviour.NORMAL)).check("norecord.test");

    assertThat(codes(r)).contains("mta-sts.policy-without-record");
    assertThat(r.policy()).isPresent();
    assertThat(r.record()).isEmpty();
  }

  @Test
  void absent_whenNeitherRecordNorPolicyHost() {
    MtaStsReport r = check(web("plain.test", ENFORCE, Behaviour.NORMAL)).check("plain.test");

    assertThat(codes(r)).containsExactly("mta-sts.absent");
    assertThat(only(r, MtaStsFinding.ABSENT).severity()).isEqualTo(Severity.INFO);
  }

  @Test
  void severalRecords_areReported() {
    MtaStsReport r = check(web("multi.test", ENFORCE, Behaviour.NORMAL)).check("multi.test");

    assertThat(only(r, MtaStsFinding.MULTIPLE_RECORDS).evidence()).hasSize(2);
    assertThat(r.record()).isEmpty();
    assertThat(codes(r)).doesNotContain("mta-sts.policy-without-record");
  }

  @Test
  void recordSyntax_idWithHyphens() {
    MtaStsReport r = check(web("badid.test", ENFORCE, Behaviour.NORMAL)).check("badid.test");

    assertThat(only(r, MtaStsFinding.RECORD_SYNTAX).summary()).contains("2026-01-01");
    assertThat(r.id()).isEmpty();
  }

  @Test
  void servfailOnTheRecord_isATemporaryError_notAbsence() {
    MtaStsReport r = check(web("broken.test", ENFORCE, Behaviour.NORMAL)).check("broken.test");

    // the policy is served, but without an answer for the record it is not "without record"
    assertThat(codes(r)).containsExactly("mta-sts.temperror");
    assertThat(r.policy()).isPresent();
  }

  @Test
  void servfailOnTheMx_isATemporaryError_andNoHostIsMatched() {
    MtaStsReport r = check(web("mxfail.test", ENFORCE, Behaviour.NORMAL)).check("mxfail.test");

    assertThat(codes(r)).containsExactly("mta-sts.temperror");
    assertThat(r.findings().get(0).summary()).contains("MX records of mxfail.test");
    assertThat(r.exchanges()).isEmpty();
  }

  // ---- HTTPS rules (RFC 8461 §3.3) ------------------------------------------------------------

  @Test
  void redirect_isNotFollowed() {
    MtaStsReport r = check(web("good.test", ENFORCE, Behaviour.REDIRECT)).check("good.test");

    Finding f = only(r, MtaStsFinding.REDIRECT);
    assertThat(f.summary()).contains("301");
    assertThat(f.evidence().toString()).contains("https://www.good.test/mta-sts.txt");
    assertThat(r.httpStatus()).contains(301);
    assertThat(r.policy()).isEmpty();
    assertThat(web.requests()).hasSize(1);
  }

  @Test
  void notFound_isAnHttpStatusFinding() {
    MtaStsReport r = check(web("good.test", ENFORCE, Behaviour.NOT_FOUND)).check("good.test");

    assertThat(codes(r)).containsExactly("mta-sts.http-status");
    assertThat(r.httpStatus()).contains(404);
  }

  @Test
  void wrongContentType() {
    MtaStsReport r =
        check(web("good.test", ENFORCE, Behaviour.WRONG_CONTENT_TYPE)).check("good.test");

    assertThat(only(r, MtaStsFinding.CONTENT_TYPE).summary()).contains("text/html");
  }

  @Test
  void oversizedBody_isNotReadFurther() {
    MtaStsReport r = check(web("good.test", ENFORCE, Behaviour.OVERSIZED)).check("good.test");

    assertThat(codes(r)).containsExactly("mta-sts.too-large");
    assertThat(r.policyText()).isEmpty();
  }

  @Test
  void certificateForAnotherName_isInvalid() {
    MtaStsReport r =
        check(web("good.test", ENFORCE, Behaviour.WRONG_CERTIFICATE_NAME)).check("good.test");

    assertThat(codes(r)).containsExactly("mta-sts.certificate-invalid");
    assertThat(r.policy()).isEmpty();
  }

  @Test
  void untrustedCertificate_isInvalid_withTheJdkTrustStore() {
    MtaStsPolicyServer w = web("good.test", ENFORCE, Behaviour.NORMAL);
    MtaStsCheck c =
        MtaStsCheck.builder()
            .dns(d -> d.server(zone.address()).timeout(Duration.ofSeconds(2)).retries(0))
            .policyPort(w.port())
            .build();

    assertThat(codes(c.check("good.test"))).containsExactly("mta-sts.certificate-invalid");
  }

  @Test
  void slowBody_endsAtTheDeadline() {
    web =
        MtaStsPolicyServer.builder()
            .domain("good.test")
            .policy(ENFORCE)
            .behaviour(Behaviour.SLOW_BODY)
            .slowInterval(Duration.ofMillis(300))
            .start();
    long t0 = System.nanoTime();
    MtaStsReport r = check(web, Duration.ofMillis(1500)).check("good.test");
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertThat(codes(r)).containsExactly("mta-sts.timeout");
    // a 70-byte body at 300 ms a byte would take 20 s; the check returns within 3 s of the deadline
    assertThat(took).isLessThan(Duration.ofMillis(1500).plusSeconds(3));
  }

  @Test
  void cancellingTheAsyncCall_closesTheSlowFetch() throws Exception {
    web =
        MtaStsPolicyServer.builder()
            .domain("good.test")
            .policy(ENFORCE)
            .behaviour(Behaviour.SLOW_BODY)
            .slowInterval(Duration.ofSeconds(1))
            .start();
    CompletableFuture<MtaStsReport> f = check(web, Duration.ofSeconds(60)).checkAsync("good.test");
    while (web.requests().isEmpty()) {
      Thread.sleep(20);
    }
    assertThat(web.activeConnections()).isEqualTo(1);
    assertThat(f.cancel(true)).isTrue();

    assertThatThrownBy(f::join).isInstanceOf(CancellationException.class);
    // without the cancellation the fetch would run on for a minute (70 bytes, 1 s a byte): the
    // server sees the connection closed at its next write, about a second later
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (web.activeConnections() > 0 && System.nanoTime() < until) {
      Thread.sleep(50);
    }
    assertThat(web.activeConnections()).isZero();
  }

  // ---- policy content ------------------------------------------------------------------------

  @Test
  void garbagePolicy_isASyntaxFinding_neverAnException() {
    String garbage = "\u0000\u00ff<html>\r\n\r\n::::\nversion STSv1\nmode: enforce; mx: *\n";
    MtaStsReport r = check(web("good.test", garbage, Behaviour.NORMAL)).check("good.test");

    assertThat(codes(r)).containsExactly("mta-sts.policy-syntax");
    assertThat(r.policy()).isEmpty();
    assertThat(r.policyHash()).isPresent();
  }

  @Test
  void crlfAndLfPolicies_areTheSamePolicy_withTheSameHash() {
    MtaStsReport crlf = check(web("good.test", ENFORCE, Behaviour.NORMAL)).check("good.test");
    web.policy(ENFORCE.replace("\r\n", "\n"));
    MtaStsReport lf = check(web).check("good.test");

    assertThat(lf.findings()).isEmpty();
    assertThat(lf.policy()).isEqualTo(crlf.policy());
    assertThat(lf.policyHash()).isEqualTo(crlf.policyHash());
    assertThat(lf.changedWithoutNewId(crlf)).isFalse();
  }

  @Test
  void policyChangedUnderTheSameId_isDetectedAcrossRuns() {
    MtaStsReport before = check(web("good.test", ENFORCE, Behaviour.NORMAL)).check("good.test");
    web.policy(ENFORCE.replace("mx1.good.test", "mx9.good.test"));
    MtaStsReport after = check(web).check("good.test");

    assertThat(after.policyHash()).isNotEqualTo(before.policyHash());
    assertThat(after.changedWithoutNewId(before)).isTrue();
    assertThat(after.idFinding(before))
        .get()
        .extracting(Finding::code)
        .isEqualTo("mta-sts.id-unchanged");

    MtaStsReport newId = after.toBuilder().record("v=STSv1; id=2", "2").build();
    assertThat(newId.changedWithoutNewId(before)).isFalse();
    assertThat(newId.idFinding(before)).isEmpty();
    assertThatThrownBy(
            () -> after.changedWithoutNewId(before.toBuilder().domain("other.test").build()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- misuse ----------------------------------------------------------------------------------

  @Test
  void misuse_isRejectedBeforeAnythingIsSent() {
    long before = zone.queryCount();
    MtaStsCheck c = check(web("good.test", ENFORCE, Behaviour.NORMAL));
    assertThatThrownBy(() -> c.check("bad..name")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> c.checkAsync("bad..name"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(zone.queryCount()).isEqualTo(before);
    assertThat(web.requests()).isEmpty();
    assertThatThrownBy(() -> MtaStsCheck.builder().deadline(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deadline");
    assertThatThrownBy(() -> MtaStsCheck.builder().policyPort(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("policyPort");
    assertThat(c.toBuilder().build().policyPort()).isEqualTo(web.port());
  }
}
