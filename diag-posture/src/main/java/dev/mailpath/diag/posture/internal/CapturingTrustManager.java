package dev.mailpath.diag.posture.internal;

import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A trust manager that keeps the last server chain it saw and then judges it: by nothing (DANE
 * decides trust by matching the chain against TLSA records, not against a PKIX trust store) or by a
 * delegate (the posture check wants the PKIX verdict and the chain from one session). One instance
 * per connection. Thread-safe.
 */
public final class CapturingTrustManager implements X509TrustManager {
  private final X509TrustManager delegate;
  private volatile List<X509Certificate> chain = List.of();

  /** Creates one that accepts any chain. */
  public CapturingTrustManager() {
    this(null);
  }

  /**
   * Creates one that captures the chain, then asks a delegate.
   *
   * @param delegate the trust manager that judges, or null to accept any chain
   */
  public CapturingTrustManager(X509TrustManager delegate) {
    this.delegate = delegate;
  }

  /**
   * Returns the JDK's default PKIX trust manager (the {@code cacerts} trust store).
   *
   * @return the trust manager
   */
  public static X509TrustManager systemDefault() {
    try {
      TrustManagerFactory f =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init((KeyStore) null);
      for (TrustManager t : f.getTrustManagers()) {
        if (t instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("the JDK has no X509TrustManager");
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the JDK's trust store", e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) {
    throw new UnsupportedOperationException("client certificates are not checked here");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    this.chain = chain == null ? List.of() : List.of(chain);
    if (delegate != null) {
      delegate.checkServerTrusted(chain, authType);
    }
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate == null ? new X509Certificate[0] : delegate.getAcceptedIssuers();
  }

  /**
   * Returns the chain the server presented, leaf first.
   *
   * @return the certificates; empty before a handshake
   */
  public List<X509Certificate> chain() {
    return chain;
  }
}
