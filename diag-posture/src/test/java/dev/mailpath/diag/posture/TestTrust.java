package dev.mailpath.diag.posture;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.X509TrustManager;

/** A trust manager for labs with several test CAs: a chain passes when any of them trusts it. */
final class TestTrust {
  private TestTrust() {}

  static X509TrustManager anyOf(X509TrustManager... managers) {
    List<X509TrustManager> all = List.of(managers);
    return new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType)
          throws CertificateException {
        throw new CertificateException("client certificates are not used here");
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType)
          throws CertificateException {
        CertificateException last = new CertificateException("no trust manager");
        for (X509TrustManager m : all) {
          try {
            m.checkServerTrusted(chain, authType);
            return;
          } catch (CertificateException e) {
            last = e;
          }
        }
        throw last;
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
  }
}
