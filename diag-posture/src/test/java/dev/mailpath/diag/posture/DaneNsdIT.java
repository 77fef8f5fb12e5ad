package dev.mailpath.diag.posture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.dns.DnssecStatus;
import dev.mailpath.diag.posture.internal.TlsaMatcher;
import dev.mailpath.diag.testkit.DnssecTestSigner;
import dev.mailpath.diag.testkit.PolicySmtpServer;
import dev.mailpath.diag.testkit.TestCertificates;
import dev.mailpath.diag.testkit.peer.NsdServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DaneCheck against a real NSD serving a DNSSEC lab signed with keys the test makes (lab root as
 * the trust anchor) and a STARTTLS server on loopback with a test certificate: TLSA records that
 * match, that do not, and a rollover in place.
 */
class DaneNsdIT {
  static NsdServer nsd;
  static PolicySmtpServer smtp;
  static DnssecTestSigner root;
  static TestCertificates.ServerCertificate cert;

  static String soa(String origin) {
    return "$ORIGIN "
        + origin
        + "\n$TTL 300\n@ SOA ns.test. hostmaster.test. 1 3600 600 86400 300\n@ NS ns.test.\n";
  }

  @BeforeAll
  static void start() throws Exception {
    NsdServer.requireInstalled();
    cert = TestCertificates.selfSigned("mx1.example.test", "mx2.example.test", "mx3.example.test");
    TestCertificates.ServerCertificate other = TestCertificates.selfSigned("mx1.example.test");
    String match = "3 1 1 " + TlsaMatcher.associationData(cert.certificate(), 1, 1);
    String noMatch = "3 1 1 " + TlsaMatcher.associationData(other.certificate(), 1, 1);
    root = DnssecTestSigner.create(".");
    DnssecTestSigner test = DnssecTestSigner.create("test.");
    DnssecTestSigner example = DnssecTestSigner.create("example.test.");
    smtp =
        PolicySmtpServer.builder()
            .hostname("mx1.example.test")
            .localDomain("example.test")
            .startTls(cert.serverContext())
            .bindAddress(InetAddress.getByName("127.0.0.1"))
            .start();
    nsd =
        NsdServer.builder()
            .zone(
                ".", root.sign(soa(".") + "test. NS ns.test.\nns.test. A 127.0.0.1\n" + test.ds()))
            .zone(
                "test.",
                test.sign(
                    soa("test.")
                        + "ns A 127.0.0.1\nexample NS ns.example\nns.example A 127.0.0.1\n"
                        + example.ds()))
            .zone(
                "example.test.",
                example.sign(
                    soa("example.test.")
                        + "ns A 127.0.0.1\n"
                        + "@ MX 10 mx1\n@ MX 20 mx2\n"
                        + "roll MX 10 mx3\n"
                        + "nodane MX 10 mx4\n"
                        + "mx1 A 127.0.0.1\nmx2 A 127.0.0.1\nmx3 A 127.0.0.1\nmx4 A 127.0.0.1\n"
                        + "_25._tcp.mx1 TLSA "
                        + match
                        + "\n_25._tcp.mx2 TLSA "
                        + noMatch
                        + "\n_25._tcp.mx3 TLSA "
                        + match
                        + "\n_25._tcp.mx3 TLSA "
                        + noMatch
                        + "\n"))
            .start();
  }

  @AfterAll
  static void stop() {
    if (nsd != null) {
      nsd.close();
    }
    if (smtp != null) {
      smtp.close();
    }
  }

  static DaneCheck check() {
    return DaneCheck.builder()
        .dns(d -> d.server(nsd.address()).timeout(Duration.ofSeconds(2)).retries(1))
        .trustAnchors(List.of(root.ds()))
        .port(smtp.address().getPort())
        .deadline(Duration.ofSeconds(30))
        .build();
  }

  @Test
  void matchingAndMismatchingExchangesOfOneDomain() {
    DaneReport r = check().check("example.test");
    assertThat(r.mxStatus()).as(r.toString()).isEqualTo(DnssecStatus.SECURE);
    assertThat(r.exchanges())
        .extracting(DaneExchangeResult::exchange)
        .containsExactly("mx1.example.test.", "mx2.example.test.");
    DaneExchangeResult mx1 = r.exchanges().get(0);
    DaneExchangeResult mx2 = r.exchanges().get(1);
    assertThat(mx1.daneApplies()).as(r.toString()).isTrue();
    assertThat(mx1.certificates()).isEqualTo(1);
    assertThat(mx1.matched()).hasSize(1);
    assertThat(mx1.findings()).extracting(f -> f.code()).containsExactly("dane.match");
    assertThat(mx2.deliverable()).isFalse();
    assertThat(mx2.findings()).extracting(f -> f.code()).containsExactly("dane.mismatch");
    assertThat(r.hasFinding(DaneFinding.MISMATCH)).isTrue();
  }

  @Test
  void aServerThatNeverGreetsIsAStarttlsFailureWithinTheDeadline() throws Exception {
    try (java.net.ServerSocket silent =
        new java.net.ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      Thread acceptor =
          new Thread(
              () -> {
                List<java.net.Socket> held = new java.util.ArrayList<>();
                try {
                  while (true) {
                    held.add(silent.accept()); // accept, then say nothing
                  }
                } catch (java.io.IOException e) {
                  held.forEach(
                      s -> {
                        try {
                          s.close();
                        } catch (java.io.IOException ignored) {
                          // closing
                        }
                      });
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      DaneCheck slow =
          check().toBuilder().port(silent.getLocalPort()).deadline(Duration.ofSeconds(3)).build();
      long start = System.nanoTime();
      DaneReport r = slow.check("example.test");
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took).isLessThan(Duration.ofSeconds(8));
      assertThat(r.exchanges()).isNotEmpty();
      assertThat(r.exchanges().get(0).findings())
          .as(r.toString())
          .extracting(f -> f.code())
          .containsExactly("dane.starttls.failed");
    }
  }

  @Test
  void rolloverInPlace() {
    DaneReport r = check().check("roll.example.test");
    assertThat(r.exchanges()).hasSize(1);
    assertThat(r.exchanges().get(0).findings())
        .as(r.toString())
        .extracting(f -> f.code())
        .containsExactly("dane.rollover");
  }

  @Test
  void exchangeWithoutTlsaIsSecurelyDenied() {
    DaneReport r = check().check("nodane.example.test");
    assertThat(r.exchanges().get(0).tlsaStatus()).as(r.toString()).isEqualTo(DnssecStatus.SECURE);
    assertThat(r.exchanges().get(0).daneApplies()).isFalse();
    assertThat(r.hasFinding(DaneFinding.NO_TLSA)).isTrue();
  }

  @Test
  void wrongTrustAnchorMakesTheMxBogusAndNoSessionIsTried() {
    DaneReport r =
        check().toBuilder()
            .trustAnchors(List.of(DnssecTestSigner.create(".").ds()))
            .build()
            .check("example.test");
    assertThat(r.mxStatus()).isEqualTo(DnssecStatus.BOGUS);
    assertThat(r.exchanges()).allSatisfy(e -> assertThat(e.certificates()).isZero());
    assertThat(r.hasFinding(DaneFinding.TLSA_BOGUS)).isTrue();
  }
}
