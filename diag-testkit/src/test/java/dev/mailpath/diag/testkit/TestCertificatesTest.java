package dev.mailpath.diag.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestCertificatesTest {

  @Test
  void selfSigned_isValidNowForItsNames() throws Exception {
    X509Certificate c = TestCertificates.selfSigned("mail.test", "mx.test").certificate();

    c.checkValidity();
    assertThat(c.getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))).toList())
        .containsExactly("mail.test", "mx.test");
    assertThat(c.getSubjectX500Principal().getName()).contains("CN=mail.test");
  }

  @Test
  void expired_isOutsideItsValidity() {
    X509Certificate c =
        TestCertificates.builder().dnsNames("mail.test").expired().build().certificate();

    assertThatThrownBy(c::checkValidity).isInstanceOf(CertificateExpiredException.class);
    assertThat(c.getNotAfter().toInstant()).isBefore(Instant.now());
  }

  @Test
  void trustManager_trustsOnlyItsCertificate() throws Exception {
    TestCertificates.ServerCertificate a = TestCertificates.selfSigned("a.test");
    TestCertificates.ServerCertificate b = TestCertificates.selfSigned("b.test");

    a.trustManager().checkServerTrusted(new X509Certificate[] {a.certificate()}, "ECDHE_ECDSA");
    assertThatThrownBy(
            () ->
                a.trustManager()
                    .checkServerTrusted(new X509Certificate[] {b.certificate()}, "ECDHE_ECDSA"))
        .isInstanceOf(java.security.cert.CertificateException.class);
  }

  @Test
  void pem_hasBeginAndEndLines() {
    TestCertificates.ServerCertificate c =
        TestCertificates.builder().ipAddresses("127.0.0.1").build();

    assertThat(c.certificatePem())
        .startsWith("-----BEGIN CERTIFICATE-----\n")
        .endsWith("-----END CERTIFICATE-----\n");
    assertThat(c.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(List.of(c.pkcs12("pw".toCharArray()))).isNotEmpty();
  }
}
