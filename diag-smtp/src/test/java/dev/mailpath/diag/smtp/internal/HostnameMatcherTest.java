package dev.mailpath.diag.smtp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.testkit.TestCertificates;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

class HostnameMatcherTest {

  private static final X509Certificate CERT =
      TestCertificates.builder()
          .dnsNames("mail.test", "*.mx.test")
          .ipAddresses("127.0.0.1")
          .build()
          .certificate();

  @Test
  void matches_exactDnsName_true() {
    assertThat(HostnameMatcher.matches(CERT, "MAIL.test.")).isTrue();
  }

  @Test
  void matches_wildcardOneLabel_true() {
    assertThat(HostnameMatcher.matches(CERT, "a.mx.test")).isTrue();
  }

  @Test
  void matches_wildcardTwoLabels_false() {
    assertThat(HostnameMatcher.matches(CERT, "a.b.mx.test")).isFalse();
  }

  @Test
  void matches_ipSan_true() {
    assertThat(HostnameMatcher.matches(CERT, "127.0.0.1")).isTrue();
  }

  @Test
  void matches_otherName_false() {
    assertThat(HostnameMatcher.matches(CERT, "other.test")).isFalse();
    assertThat(HostnameMatcher.matches(CERT, "127.0.0.2")).isFalse();
  }

  @Test
  void matches_commonNameIgnoredWhenDnsSansExist_false() {
    X509Certificate c =
        TestCertificates.builder().commonName("cn.test").dnsNames("san.test").build().certificate();

    assertThat(HostnameMatcher.matches(c, "cn.test")).isFalse();
  }
}
