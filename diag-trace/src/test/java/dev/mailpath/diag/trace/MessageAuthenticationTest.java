package dev.mailpath.diag.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.auth.DkimResult;
import dev.mailpath.diag.auth.DmarcResult;
import dev.mailpath.diag.auth.SpfResult;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link MessageAuthentication} on an embedded DNS server: where the connection comes from, SPF and
 * DMARC through the real checks, the comparison with the receiver's Authentication-Results.
 */
class MessageAuthenticationTest {

  /** example.org: SPF allows 127.0.0.20 only, DMARC p=reject; example.net: no DMARC. */
  static final String ZONE =
      """
      $ORIGIN example.org.
      $TTL 300
      @ IN SOA ns1 hostmaster 1 3600 600 86400 300
      @ IN NS ns1
      ns1 IN A 127.0.0.1
      @ IN TXT "v=spf1 ip4:127.0.0.20 -all"
      _dmarc IN TXT "v=DMARC1; p=reject; aspf=r"
      bounces IN TXT "v=spf1 ip4:127.0.0.20 -all"
      """;

  static final String ZONE_NET =
      """
      $ORIGIN example.net.
      $TTL 300
      @ IN SOA ns1 hostmaster 1 3600 600 86400 300
      @ IN NS ns1
      ns1 IN A 127.0.0.1
      @ IN TXT "v=spf1 ip4:127.0.0.30 -all"
      """;

  /** An empty root zone, so that the DMARC tree walk's questions about "org" get NXDOMAIN. */
  static final String ROOT =
      """
      $ORIGIN .
      $TTL 300
      @ IN SOA ns1.example.org. hostmaster.example.org. 1 3600 600 86400 300
      @ IN NS ns1.example.org.
      """;

  static LocalDnsZoneServer dns;
  static MessageAuthentication auth;

  @BeforeAll
  static void start() {
    dns = LocalDnsZoneServer.builder().zone(ROOT).zone(ZONE).zone(ZONE_NET).start();
    auth =
        MessageAuthentication.builder()
            .dns(d -> d.server(dns.address()).timeout(Duration.ofSeconds(2)))
            .build();
  }

  @AfterAll
  static void stop() {
    dns.close();
  }

  static byte[] message(String headers) {
    return (headers.replace("\n", "\r\n") + "\r\nHello.\r\n").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void receivedSpf_givesTheConnection_andAnAlignedSpfPassPassesDmarc() {
    MessageAuthenticationReport r =
        auth.verify(
            message(
                """
                Received-SPF: pass (mx.example.net: domain of alice@example.org designates 127.0.0.20 as permitted sender) client-ip=127.0.0.20; envelope-from="alice@example.org"; helo=out.example.org;
                Received: from out.example.org (out.example.org [127.0.0.20]) by mx.example.net with ESMTPS id 1; Mon, 7 Dec 2026 10:00:00 +0000
                From: Alice <alice@example.org>
                To: bob@example.net
                Subject: hi
                """));

    assertThat(r.connectionSource()).isEqualTo(MessageAuthenticationReport.Source.RECEIVED_SPF);
    assertThat(r.clientIp()).contains(ip("127.0.0.20"));
    assertThat(r.helo()).contains("out.example.org");
    assertThat(r.mailFrom()).isEqualTo("alice@example.org");
    assertThat(r.fromDomain()).contains("example.org");
    assertThat(r.spf().orElseThrow().result()).isEqualTo(SpfResult.PASS);
    assertThat(r.dkim().result()).isEqualTo(DkimResult.NONE);
    assertThat(r.dmarc().orElseThrow().result()).isEqualTo(DmarcResult.PASS);
    assertThat(r.findings()).noneMatch(f -> f.code().equals("trace.auth.dmarc-fail"));
  }

  @Test
  void receivedHop_andReturnPath_whenNoReceivedSpf_andAWrongIpFailsDmarcWithTheReason() {
    MessageAuthenticationReport r =
        auth.verify(
            message(
                """
                Return-Path: <alice@example.org>
                Received: from mx.example.net (localhost [127.0.0.1]) by store.example.net with LMTP id 2; Mon, 7 Dec 2026 10:00:01 +0000
                Received: from spoofer.example.com (spoofer.example.com [127.0.0.66]) by mx.example.net with ESMTP id 1; Mon, 7 Dec 2026 10:00:00 +0000
                From: alice@example.org
                Subject: urgent
                """));

    assertThat(r.connectionSource()).isEqualTo(MessageAuthenticationReport.Source.RECEIVED);
    assertThat(r.clientIp()).contains(ip("127.0.0.66")); // the LMTP hand-over is skipped
    assertThat(r.helo()).contains("spoofer.example.com");
    assertThat(r.spf().orElseThrow().result()).isEqualTo(SpfResult.FAIL);
    assertThat(r.dmarc().orElseThrow().result()).isEqualTo(DmarcResult.FAIL);
    assertThat(r.findings(TraceFinding.AUTH_DMARC_FAIL)).hasSize(1);
    assertThat(r.verdict())
        .contains("DMARC fail for From: example.org")
        .contains("SPF fail for 127.0.0.66 at example.org")
        .contains("No DKIM signature")
        .contains("asks receivers to reject it");
    assertThat(r.fixes())
        .containsExactly(
            "Add 127.0.0.66 (or the sending provider's include:) to the SPF record of example.org:"
                + " it says -all and does not list it",
            "Sign the messages with DKIM, d=example.org",
            "The DMARC policy p=reject of example.org applied");
    assertThat(r.toString()).contains("DMARC: FAIL");
  }

  @Test
  void receiverResults_thatAgree_areConfirmed_andThatDiffer_areFlagged() {
    String common =
        """
        Received: from spoofer.example.com (spoofer.example.com [127.0.0.66]) by mx.example.net with ESMTP id 1; Mon, 7 Dec 2026 10:00:00 +0000
        Return-Path: <alice@example.org>
        From: alice@example.org
        """;
    MessageAuthenticationReport agree =
        auth.verify(
            message(
                "Authentication-Results: mx.example.net; spf=fail smtp.mailfrom=example.org;"
                    + " dkim=none; dmarc=fail header.from=example.org\n"
                    + common));
    assertThat(agree.comparisons())
        .extracting(MessageAuthenticationReport.Comparison::method)
        .containsExactly("spf", "dkim", "dmarc");
    assertThat(agree.comparisons()).allMatch(MessageAuthenticationReport.Comparison::agrees);
    assertThat(agree.findings(TraceFinding.AUTH_RECEIVER_AGREES)).hasSize(1);
    assertThat(agree.findings(TraceFinding.AUTH_RECEIVER_AGREES).get(0).summary())
        .contains("The receiver says dmarc=fail and a fresh check agrees");

    MessageAuthenticationReport differ =
        auth.verify(
            message(
                "Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=example.org;"
                    + " dmarc=pass header.from=example.org\n"
                    + common));
    assertThat(differ.findings(TraceFinding.AUTH_RECEIVER_DISAGREES)).hasSize(1);
    assertThat(differ.findings(TraceFinding.AUTH_RECEIVER_DISAGREES).get(0).summary())
        .contains("spf=pass where mailpath finds fail")
        .contains("dmarc=pass where mailpath finds fail");
  }

  @Test
  void untrustedAuthservIds_areNotCompared() {
    MessageAuthentication trusting = auth.toBuilder().trustedAuthservId("mx.example.net").build();
    MessageAuthenticationReport r =
        trusting.verify(
            message(
                """
                Authentication-Results: forged.example.com; spf=pass; dmarc=pass
                Received: from spoofer.example.com (spoofer.example.com [127.0.0.66]) by mx.example.net with ESMTP id 1; Mon, 7 Dec 2026 10:00:00 +0000
                Return-Path: <alice@example.org>
                From: alice@example.org
                """));
    assertThat(r.comparisons()).isEmpty();
    assertThat(r.findings(TraceFinding.AUTH_RECEIVER_DISAGREES)).isEmpty();
  }

  @Test
  void explicitConnection_overridesTheHeader_andBadHeloIsRefusedBeforeAnyQuery() {
    long before = dns.queryCount();
    assertThatThrownBy(
            () -> auth.verify(message("From: a@example.org\n"), ip("127.0.0.20"), "bad..name", ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(dns.queryCount()).isEqualTo(before);

    MessageAuthenticationReport r =
        auth.verify(
            message(
                """
                Received-SPF: fail client-ip=127.0.0.66; helo=x.example.com;
                From: alice@example.org
                """),
            ip("127.0.0.20"),
            "out.example.org",
            "bounce@bounces.example.org");
    assertThat(r.connectionSource()).isEqualTo(MessageAuthenticationReport.Source.CALLER);
    assertThat(r.spf().orElseThrow().result()).isEqualTo(SpfResult.PASS);
    assertThat(r.spf().orElseThrow().domain()).isEqualTo("bounces.example.org");
    // relaxed SPF alignment: bounces.example.org and example.org share the organizational domain
    assertThat(r.dmarc().orElseThrow().result()).isEqualTo(DmarcResult.PASS);
  }

  @Test
  void noConnection_noFrom_andArc_areFindings_notExceptions() {
    MessageAuthenticationReport r =
        auth.verify(
            message(
                """
                ARC-Seal: i=1; a=rsa-sha256; cv=none; d=list.example.com; s=arc; b=AAAA
                ARC-Seal: i=2; a=rsa-sha256; cv=pass; d=fwd.example.com; s=arc; b=BBBB
                Subject: no from
                """));
    assertThat(r.connectionSource()).isEqualTo(MessageAuthenticationReport.Source.UNKNOWN);
    assertThat(r.spf()).isEmpty();
    assertThat(r.dmarc()).isEmpty();
    assertThat(r.arcSets()).isEqualTo(2);
    assertThat(r.findings(TraceFinding.AUTH_NO_CONNECTION)).hasSize(1);
    assertThat(r.findings(TraceFinding.AUTH_NO_FROM)).hasSize(1);
    assertThat(r.findings(TraceFinding.AUTH_ARC_PRESENT)).hasSize(1);

    MessageAuthenticationReport garbage =
        auth.verify("\u0000\u0001 no header at all".getBytes(StandardCharsets.ISO_8859_1));
    assertThat(garbage.findings(TraceFinding.AUTH_NO_FROM)).hasSize(1);
  }

  @Test
  void noDmarcRecord_andNothingAligned_isUnauthenticated() {
    MessageAuthenticationReport r =
        auth.verify(
            message(
                """
                Received: from out.example.org (out.example.org [127.0.0.20]) by mx.example.net with ESMTP id 1; Mon, 7 Dec 2026 10:00:00 +0000
                Return-Path: <alice@example.org>
                From: carol@example.net
                """));
    assertThat(r.fromDomain()).contains("example.net");
    assertThat(r.dmarc().orElseThrow().result()).isEqualTo(DmarcResult.NONE);
    assertThat(r.findings(TraceFinding.AUTH_UNAUTHENTICATED)).hasSize(1);
  }

  @Test
  void dnsTimeout_isATemporaryError_withinTheTimeout() {
    try (LocalDnsZoneServer silent =
        LocalDnsZoneServer.builder().zone(ZONE).fault(DnsFault.drop()).start()) {
      MessageAuthentication slow =
          MessageAuthentication.builder()
              .dns(d -> d.server(silent.address()).timeout(Duration.ofMillis(200)).retries(0))
              .timeout(Duration.ofSeconds(2))
              .build();
      long t0 = System.nanoTime();
      MessageAuthenticationReport r =
          slow.verify(
              message(
                  """
                  Received-SPF: pass client-ip=127.0.0.20; helo=out.example.org; envelope-from=alice@example.org;
                  From: alice@example.org
                  """));
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
      assertThat(r.spf().orElseThrow().result()).isEqualTo(SpfResult.TEMPERROR);
      assertThat(r.dmarc().orElseThrow().result()).isEqualTo(DmarcResult.TEMPERROR);
    }
  }

  @Test
  void verifyConnection_refusedConnection_spfFailAndDmarcForTheMailFromDomain_dkimNone() {
    MessageAuthenticationReport r =
        auth.verifyConnection(ip("127.0.0.66"), "spoofer.example.com", "alice@example.org");

    assertThat(r.connectionSource()).isEqualTo(MessageAuthenticationReport.Source.CALLER);
    assertThat(r.clientIp()).contains(ip("127.0.0.66"));
    assertThat(r.helo()).contains("spoofer.example.com");
    assertThat(r.mailFrom()).isEqualTo("alice@example.org");
    assertThat(r.fromDomain()).as("From: is unknown without the message").isEmpty();
    assertThat(r.spf().orElseThrow().result()).isEqualTo(SpfResult.FAIL);
    assertThat(r.dkim().result()).isEqualTo(DkimResult.NONE);
    assertThat(r.dkim().signatures()).isEmpty();
    assertThat(r.dmarc().orElseThrow().fromDomain()).isEqualTo("example.org");
    assertThat(r.dmarc().orElseThrow().result()).isEqualTo(DmarcResult.FAIL);
    assertThat(r.verdict())
        .startsWith("No message: From: and DKIM were not available")
        .contains("DMARC is evaluated for the MAIL FROM domain example.org")
        .contains("SPF fail for 127.0.0.66 at example.org")
        .contains("asks receivers to reject it")
        .doesNotContain("No DKIM signature");
    assertThat(r.findings(TraceFinding.AUTH_CONNECTION_ONLY)).hasSize(1);
    assertThat(r.findings(TraceFinding.AUTH_DMARC_FAIL)).hasSize(1);
    assertThat(r.toString())
        .startsWith("Authentication of a connection from 127.0.0.66 (no message)")
        .contains("DKIM:  NONE", "DMARC: FAIL");
  }

  @Test
  void verifyConnection_allowedIp_passes_andAnUnknownHeloUsesTheAddressLiteral() {
    MessageAuthenticationReport r =
        auth.verifyConnection(ip("127.0.0.20"), "", "alice@example.org");

    assertThat(r.helo()).isEmpty();
    assertThat(r.spf().orElseThrow().result()).isEqualTo(SpfResult.PASS);
    assertThat(r.spf().orElseThrow().helo()).isEqualTo("[127.0.0.20]");
    assertThat(r.dmarc().orElseThrow().result()).isEqualTo(DmarcResult.PASS);
    assertThat(r.findings(TraceFinding.AUTH_DMARC_FAIL)).isEmpty();
  }

  @Test
  void verifyConnection_bounce_evaluatesTheHeloDomain() {
    MessageAuthenticationReport r = auth.verifyConnection(ip("127.0.0.66"), "example.net", "");

    assertThat(r.spf().orElseThrow().domain()).isEqualTo("example.net");
    assertThat(r.spf().orElseThrow().result()).isEqualTo(SpfResult.FAIL);
    assertThat(r.dmarc().orElseThrow().fromDomain()).isEqualTo("example.net");
    assertThat(r.verdict()).contains("DMARC is evaluated for the HELO domain example.net");
  }

  @Test
  void verifyConnection_badArguments_throwBeforeAnyQuery() throws Exception {
    assertThatThrownBy(() -> auth.verifyConnection(ip("127.0.0.66"), "bad host", "a@example.org"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> auth.verifyConnection(null, "", "a@example.org"))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("clientIp");
    assertThatThrownBy(() -> auth.verifyConnection(ip("127.0.0.66"), null, "a@example.org"))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("helo");
    assertThat(
            auth.verifyConnectionAsync(ip("127.0.0.66"), "spoofer.example.com", "alice@example.org")
                .get(10, java.util.concurrent.TimeUnit.SECONDS)
                .dmarc()
                .orElseThrow()
                .result())
        .isEqualTo(DmarcResult.FAIL);
  }

  @Test
  void fromDomains_areReadFromDisplayNamesCommentsAndLists() {
    assertThat(MessageAuthenticationRun.addressDomains("\"Alice (work)\" <alice@Example.ORG>"))
        .containsExactly("example.org");
    assertThat(MessageAuthenticationRun.addressDomains("a@one.example, (c) b@two.example"))
        .containsExactly("one.example", "two.example");
    assertThat(MessageAuthenticationRun.addressDomains("undisclosed-recipients:;")).isEmpty();
  }

  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
