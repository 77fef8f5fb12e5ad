package dev.mailpath.diag.posture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.dns.DnssecStatus;
import dev.mailpath.diag.posture.internal.TlsaMatcher;
import dev.mailpath.diag.testkit.DnssecTestSigner;
import dev.mailpath.diag.testkit.TestCertificates;
import dev.mailpath.diag.testkit.peer.NsdServer;
import dev.mailpath.diag.testkit.peer.PostfixServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DaneCheck against a real Postfix offering STARTTLS with a test certificate, found through a
 * DNSSEC lab on NSD: one exchange's TLSA records match Postfix's certificate (one by SPKI SHA-256,
 * DANE-EE; one by the full certificate, SHA-512), the other's name a different key.
 */
class DanePostfixIT {
  static NsdServer nsd;
  static PostfixServer postfix;
  static DnssecTestSigner root;

  @BeforeAll
  static void start() {
    NsdServer.requireInstalled();
    TestCertificates.ServerCertificate cert =
        TestCertificates.selfSigned("mx1.pf.test", "mx2.pf.test");
    postfix = PostfixServer.builder().myHostname("mx1.pf.test").domain("pf.test").tls(cert).start();
    String spki = "3 1 1 " + TlsaMatcher.associationData(cert.certificate(), 1, 1);
    String full = "3 0 2 " + TlsaMatcher.associationData(cert.certificate(), 0, 2);
    String other =
        "3 1 1 "
            + TlsaMatcher.associationData(
                TestCertificates.selfSigned("mx2.pf.test").certificate(), 1, 1);
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
                    "$ORIGIN pf.test.\n"
                        + soa
                        + "@ NS ns\nns A 127.0.0.1\n"
                        + "@ MX 10 mx1\n@ MX 20 mx2\n"
                        + "mx1 A "
                        + postfix.host()
                        + "\nmx2 A "
                        + postfix.host()
                        + "\n_25._tcp.mx1 TLSA "
                        + spki
                        + "\n_25._tcp.mx1 TLSA "
                        + full
                        + "\n_25._tcp.mx2 TLSA "
                        + other
                        + "\n"))
            .start();
  }

  @AfterAll
  static void stop() {
    if (nsd != null) {
      nsd.close();
    }
    if (postfix != null) {
      postfix.close();
    }
  }

  @Test
  void postfixCertificateMatchesOneExchangeAndNotTheOther() {
    DaneReport r =
        DaneCheck.builder()
            .dns(d -> d.server(nsd.address()).timeout(Duration.ofSeconds(2)))
            .trustAnchors(List.of(root.ds()))
            .port(postfix.port())
            .deadline(Duration.ofSeconds(30))
            .build()
            .check("pf.test");
    assertThat(r.mxStatus()).as(r.toString()).isEqualTo(DnssecStatus.SECURE);
    DaneExchangeResult mx1 = r.exchanges().get(0);
    DaneExchangeResult mx2 = r.exchanges().get(1);
    assertThat(mx1.exchange()).isEqualTo("mx1.pf.test.");
    assertThat(mx1.matched()).as(r.toString()).hasSize(2);
    assertThat(mx1.findings()).extracting(f -> f.code()).containsExactly("dane.match");
    assertThat(mx2.matched()).isEmpty();
    assertThat(mx2.certificates()).isPositive();
    assertThat(mx2.findings()).extracting(f -> f.code()).containsExactly("dane.mismatch");
  }
}
