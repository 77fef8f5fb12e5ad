package dev.mailpath.diag.posture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.dns.DnsFlag;
import dev.mailpath.diag.dns.DnsQuery;
import dev.mailpath.diag.dns.DnsQueryReport;
import dev.mailpath.diag.dns.DnssecStatus;
import dev.mailpath.diag.dns.RecordType;
import dev.mailpath.diag.posture.internal.TlsaMatcher;
import dev.mailpath.diag.testkit.DkimTestSigner;
import dev.mailpath.diag.testkit.DnssecTestSigner;
import dev.mailpath.diag.testkit.MtaStsPolicyServer;
import dev.mailpath.diag.testkit.PolicySmtpServer;
import dev.mailpath.diag.testkit.TestCertificates;
import dev.mailpath.diag.testkit.peer.NsdServer;
import dev.mailpath.diag.testkit.peer.Peers;
import dev.mailpath.diag.testkit.peer.PostfixServer;
import dev.mailpath.diag.testkit.peer.RbldnsdServer;
import dev.mailpath.diag.testkit.peer.UnboundServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole posture check against real peers on loopback, wired as the internet is: Unbound is the
 * validating recursive resolver mailpath asks; behind it NSD serves a DNSSEC-signed lab (a lab root
 * whose key is the trust anchor, and {@code pf.test.} with MX, TLSA, SPF, DMARC, DKIM, MTA-STS and
 * TLS-RPT records) and rbldnsd a blocklist; Postfix is the exchange on 127.0.0.1 with STARTTLS and
 * a certificate the TLSA records name (the test kit's SMTP server answers on ::1 for IPv6); the
 * test kit's HTTPS server serves the MTA-STS policy. Skipped without the peers unless {@code
 * -Dpeers.required=true}.
 */
class MailPostureIT {
  static NsdServer nsd;
  static RbldnsdServer rbl;
  static UnboundServer unbound;
  static PostfixServer postfix;
  static PolicySmtpServer smtp6;
  static PolicySmtpServer other;
  static MtaStsPolicyServer web;
  static DnssecTestSigner root;
  static TestCertificates.ServerCertificate cert;
  static DkimTestSigner dkim = DkimTestSigner.rsa("pf.test", "s2026");

  @BeforeAll
  static void start() throws Exception {
    NsdServer.requireInstalled();
    UnboundServer.requireInstalled();
    Peers.requirePeer(
        "rbldnsd", RbldnsdServer.INSTALL_HINT, RbldnsdServer.findExecutable().isPresent());
    cert = TestCertificates.selfSigned("mx1.pf.test");
    postfix = PostfixServer.builder().myHostname("mx1.pf.test").domain("pf.test").tls(cert).start();
    smtp6 =
        PolicySmtpServer.builder()
            .hostname("mx1.pf.test")
            .localDomain("pf.test")
            .startTls(cert.serverContext())
            .bindAddress(InetAddress.getByName("::1"))
            .port(postfix.port())
            .start();
    // A second address of mx2 with a certificate the TLSA records do not name.
    other =
        PolicySmtpServer.builder()
            .hostname("mx2.pf.test")
            .localDomain("pf.test")
            .startTls(TestCertificates.selfSigned("mx2.pf.test").serverContext())
            .bindAddress(InetAddress.getByName("127.0.0.2"))
            .port(postfix.port())
            .start();
    web =
        MtaStsPolicyServer.builder()
            .domain("pf.test")
            .policy("version: STSv1\nmode: enforce\nmx: *.pf.test\nmax_age: 1209600\n")
            .start();
    String current = "3 1 1 " + TlsaMatcher.associationData(cert.certificate(), 1, 1);
    String next =
        "3 1 1 "
            + TlsaMatcher.associationData(
                TestCertificates.selfSigned("mx1.pf.test").certificate(), 1, 1);
    root = DnssecTestSigner.create(".");
    DnssecTestSigner pf = DnssecTestSigner.create("pf.test.");
    String soa = "$TTL 300\n@ SOA ns.pf.test. hostmaster.pf.test. 1 3600 600 86400 300\n";
    nsd =
        NsdServer.builder()
            .zone(
                ".",
                root.sign(
                    "$ORIGIN .\n"
                        + soa
                        + "@ NS ns.pf.test.\npf.test. NS ns.pf.test.\nns.pf.test. A 127.0.0.1\n"
                        + pf.ds()))
            .zone(
                "pf.test.",
                pf.sign(
                    String.join(
                        "\n",
                        "$ORIGIN pf.test.",
                        soa,
                        "@ NS ns",
                        "ns A 127.0.0.1",
                        "@ MX 10 mx1",
                        "mx1 A " + postfix.host(),
                        "mx1 AAAA ::1",
                        "_25._tcp.mx1 TLSA " + current,
                        "_25._tcp.mx1 TLSA " + next,
                        "@ TXT \"v=spf1 mx -all\"",
                        "_dmarc TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@pf.test\"",
                        dkim.zoneRecord(),
                        "_mta-sts TXT \"v=STSv1; id=20261208\"",
                        "mta-sts A 127.0.0.1",
                        "_smtp._tls TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@pf.test\"",
                        "split MX 10 mx2",
                        "mx2 A " + postfix.host(),
                        "mx2 A 127.0.0.2",
                        "_25._tcp.mx2 TLSA " + current,
                        "")))
            .start();
    rbl =
        RbldnsdServer.builder()
            .zone(
                "bl.test",
                "ip4set",
                ":127.0.0.2:Listed for testing\n127.0.0.2\n127.0.0.1 :127.0.0.4:Exploited host\n")
            .zone("clean.test", "ip4set", ":127.0.0.2:Listed for testing\n127.0.0.2\n")
            .start();
    unbound =
        UnboundServer.builder()
            .stub(nsd.address(), List.of(".", "pf.test."))
            .insecureStub(rbl.address(), "bl.test.")
            .insecureStub(rbl.address(), "clean.test.")
            .trustAnchor(root.ds())
            // test. is an RFC 6761 name Unbound answers itself unless told not to.
            .serverOption("local-zone: \"test.\" nodefault")
            .start();
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {unbound, rbl, nsd, web, other, smtp6, postfix}) {
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
        .dns(d -> d.server(unbound.address()).timeout(Duration.ofSeconds(3)))
        .tls(t -> t.trustManager(TestTrust.anyOf(cert.trustManager(), web.trustManager())))
        .trustAnchors(List.of(root.ds()))
        .smtpPort(postfix.port())
        .policyPort(web.port())
        .dkimSelectors(List.of("s2026"))
        .deadline(Duration.ofSeconds(60));
  }

  @Test
  void aDomainDoneRightScoresFullMarksInEveryCategory() {
    MailPostureReport r =
        check().dnsblLists(List.of(DnsblList.ip("clean.test"))).build().check("pf.test");
    String text = r.toString();
    assertThat(r.incomplete()).as(text).isFalse();
    assertThat(r.dane().orElseThrow().mxStatus()).as(text).isEqualTo(DnssecStatus.SECURE);
    ExchangePosture mx1 = r.exchanges().get(0);
    assertThat(mx1.host()).isEqualTo("mx1.pf.test");
    assertThat(mx1.addressStatus()).isEqualTo(DnssecStatus.SECURE);
    // Postfix on IPv4 and the test kit's server on ::1 both did STARTTLS with a valid certificate.
    assertThat(mx1.addresses())
        .extracting(AddressPosture::address, AddressPosture::tlsEstablished)
        .containsExactly(tuple("127.0.0.1", true), tuple("::1", true));
    assertThat(mx1.addresses().get(0).tls().orElseThrow().verified()).as(text).isTrue();
    assertThat(r.dane().orElseThrow().exchanges().get(0).matched()).hasSize(1);
    for (PostureScore s : r.scores()) {
      assertThat(s.score()).as(s.category() + "\n" + text).hasValue(100);
    }
    assertThat(r.score()).hasValue(100);
    assertThat(r.tests())
        .filteredOn(t -> !t.required())
        .extracting(PostureTest::id, PostureTest::result)
        .containsExactlyInAnyOrder(
            tuple("starttls.certificate", Outcome.PASS),
            tuple("dane.rollover", Outcome.PASS),
            tuple("tls-rpt.record", Outcome.PASS));
    assertThat(r.dnsServers()).containsExactly("127.0.0.1:" + unbound.address().getPort());
    assertThat(r.dkim()).singleElement().matches(k -> k.usable(), text);
  }

  @Test
  void anAddressWhoseCertificateTheTlsaRecordsDoNotNameIsADaneMismatch() {
    MailPostureReport r = check().build().check("split.pf.test");
    DaneExchangeResult mx2 = r.dane().orElseThrow().exchanges().get(0);
    assertThat(mx2.daneApplies()).as(r.toString()).isTrue();
    assertThat(mx2.matched()).isEmpty();
    assertThat(r.hasFinding(DaneFinding.MISMATCH)).isTrue();
    assertThat(r.score(PostureCategory.STARTTLS_DANE).orElseThrow().tests())
        .extracting(PostureTest::id, PostureTest::result)
        .contains(tuple("dane.valid", Outcome.FAIL));
    assertThat(r.exchanges().get(0).addresses())
        .extracting(AddressPosture::address)
        .containsExactlyInAnyOrder("127.0.0.1", "127.0.0.2");
  }

  @Test
  void mailpathsDnssecVerdictAgreesWithUnboundsAdBit() {
    MailPostureReport r = check().build().check("pf.test");
    DnsQueryReport q =
        DnsQuery.builder()
            .dns(d -> d.server(unbound.address()))
            .dnssecOk(true)
            .build()
            .ask("pf.test", RecordType.MX);
    assertThat(q.hasFlag(DnsFlag.AD)).isTrue();
    assertThat(r.dane().orElseThrow().mxStatus()).isEqualTo(DnssecStatus.SECURE);
  }

  @Test
  void aListedExchangeFailsTheBlocklistCategoryAndNothingElse() {
    MailPostureReport r =
        check().dnsblLists(List.of(DnsblList.ip("bl.test"))).build().check("pf.test");
    assertThat(r.dnsbl()).isNotEmpty();
    assertThat(r.dnsbl().get(0).target()).isEqualTo("127.0.0.1");
    assertThat(r.dnsbl().get(0).listed()).as(r.toString()).isTrue();
    assertThat(r.score(PostureCategory.DNSBL).orElseThrow().score()).hasValue(0);
    assertThat(r.score(PostureCategory.STARTTLS_DANE).orElseThrow().score()).hasValue(100);
    assertThat(r.hasFinding(DnsblFinding.LISTED)).isTrue();
  }
}
