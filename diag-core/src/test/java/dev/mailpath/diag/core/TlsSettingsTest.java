package dev.mailpath.diag.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

class TlsSettingsTest {

  /** Trusts nothing; only its identity matters here. */
  private static final X509TrustManager TRUST_NOTHING =
      new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
          throw new UnsupportedOperationException();
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
          throw new UnsupportedOperationException();
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      };

  @Test
  void system_isSafeDefault() throws Exception {
    TlsSettings tls = TlsSettings.system();

    assertThat(tls.trustManager()).isEmpty();
    assertThat(tls.sslContext()).isEmpty();
    assertThat(tls.expectedName()).isEmpty();
    assertThat(tls.failurePolicy()).isEqualTo(TlsFailurePolicy.FAIL);
    assertThat(tls)
        .isEqualTo(TlsSettings.builder().build())
        .hasSameHashCodeAs(TlsSettings.system());
  }

  @Test
  void builder_sslContext_isUsedAsIs() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new javax.net.ssl.TrustManager[] {TRUST_NOTHING}, null);

    TlsSettings tls = TlsSettings.builder().sslContext(context).build();

    assertThat(tls.sslContext()).containsSame(context);
    assertThat(tls.trustManager()).isEmpty();
  }

  @Test
  void builder_trustManager_isKeptForTheFailurePolicy() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, null, null);

    TlsSettings tls = TlsSettings.builder().sslContext(context).trustManager(TRUST_NOTHING).build();

    assertThat(tls.trustManager()).containsSame(TRUST_NOTHING);
    assertThat(tls.sslContext()).isEmpty();
  }

  @Test
  void builder_expectedName_isCheckedAndInAsciiForm() {
    TlsSettings tls = TlsSettings.builder().expectedName("Mail.Bücher.example.").build();

    assertThat(tls.expectedName()).contains("mail.xn--bcher-kva.example");
  }

  @Test
  void builder_expectedNameWithLineBreak_throwsNamingParameter() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TlsSettings.builder().expectedName("mail.example.org\r\n"))
        .withMessageContaining("expectedName must not contain CR");
  }

  @Test
  void builder_expectedNameIpAddress_isKeptInCanonicalForm() {
    assertThat(TlsSettings.builder().expectedName("2001:DB8:0::1").build().expectedName())
        .contains("2001:db8::1");
  }

  @Test
  void builder_expectedNameMalformed_throws() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TlsSettings.builder().expectedName("mail..example.org"))
        .withMessageContaining("empty label");
  }

  @Test
  void builder_nulls_throwNamingParameter() {
    TlsSettings.Builder b = TlsSettings.builder();

    assertThatNullPointerException().isThrownBy(() -> b.sslContext(null)).withMessage("sslContext");
    assertThatNullPointerException()
        .isThrownBy(() -> b.trustManager(null))
        .withMessage("trustManager");
    assertThatNullPointerException()
        .isThrownBy(() -> b.expectedName(null))
        .withMessage("expectedName");
    assertThatNullPointerException().isThrownBy(() -> b.failurePolicy(null)).withMessage("policy");
  }

  @Test
  void toBuilder_derivesVariantAndKeepsOriginal() {
    TlsSettings original =
        TlsSettings.builder().trustManager(TRUST_NOTHING).expectedName("mx.example.org").build();

    TlsSettings variant =
        original.toBuilder().failurePolicy(TlsFailurePolicy.REPORT_AND_CONTINUE).build();

    assertThat(variant.failurePolicy()).isEqualTo(TlsFailurePolicy.REPORT_AND_CONTINUE);
    assertThat(variant.trustManager()).isEqualTo(original.trustManager());
    assertThat(variant.expectedName()).contains("mx.example.org");
    assertThat(original.failurePolicy()).isEqualTo(TlsFailurePolicy.FAIL);
    assertThat(variant).isNotEqualTo(original);
    assertThat(original.toBuilder().build()).isEqualTo(original).hasSameHashCodeAs(original);
  }

  @Test
  void equals_comparesTrustByIdentity() throws Exception {
    TlsSettings a = TlsSettings.builder().trustManager(TRUST_NOTHING).build();
    TlsSettings b = TlsSettings.builder().trustManager(TRUST_NOTHING).build();
    TrustManagerFactory f =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init((java.security.KeyStore) null);
    X509TrustManager other = (X509TrustManager) f.getTrustManagers()[0];

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(TlsSettings.system());
    assertThat(a).isNotEqualTo(TlsSettings.builder().trustManager(other).build());
  }

  @Test
  void toString_namesTrustKindNotSecrets() {
    assertThat(TlsSettings.system())
        .hasToString("TlsSettings[trust=system, expectedName=(host), failurePolicy=FAIL]");
    assertThat(TlsSettings.builder().trustManager(TRUST_NOTHING).expectedName("a.example").build())
        .hasToString("TlsSettings[trust=custom, expectedName=a.example, failurePolicy=FAIL]");
  }
}
