package dev.mailpath.diag.posture.internal;

import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.X509TrustManager;

/**
 * A trust manager that accepts any server chain and keeps the last one it saw: DANE decides trust
 * by matching the chain against TLSA records, not against a PKIX trust store. One instance per
 * connection. Thread-safe.
 */
public final class CapturingTrustManager implements X509TrustManager {
  private volatile List<X509Certificate> chain = List.of();

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) {
    throw new UnsupportedOperationException("client certificates are not checked here");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) {
    this.chain = chain == null ? List.of() : List.of(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
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
