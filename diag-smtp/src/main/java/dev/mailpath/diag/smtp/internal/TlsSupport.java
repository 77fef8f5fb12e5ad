package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.TlsFailurePolicy;
import dev.mailpath.diag.core.internal.IpLiterals;
import dev.mailpath.diag.smtp.TlsInfo;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Runs a client TLS handshake over a connected socket and judges the server certificate in three
 * separate ways (chain, expiry, name), so that each problem becomes its own finding.
 *
 * <p>When the caller gives a trust manager (or none, meaning the JDK's default trust store), the
 * handshake runs with a recording wrapper around it: the chain is captured and its verdict kept,
 * and with {@link TlsFailurePolicy#REPORT_AND_CONTINUE} a rejected chain does not abort the
 * handshake. When the caller gives a whole {@link SSLContext}, that context decides, and a rejected
 * chain always ends the handshake. Expiry and the host name are checked here after the handshake in
 * both cases, because the JDK does not check the validity dates of a trust anchor (a self-signed
 * certificate in the trust store is accepted even when expired).
 */
public final class TlsSupport {

  /** How a handshake ended. */
  public enum Problem {
    /** No problem. */
    NONE,
    /** The handshake itself failed (protocol, cipher, not TLS). */
    HANDSHAKE,
    /** The handshake timed out. */
    TIMEOUT,
    /** The chain is not trusted. */
    CHAIN,
    /** The certificate is expired or not yet valid. */
    EXPIRED,
  }

  /**
   * The outcome of a handshake.
   *
   * @param socket the TLS socket when the handshake completed, else {@code null}
   * @param info what was seen
   * @param handshakeProblem how the handshake itself ended
   * @param chainProblem the chain verdict (NONE, CHAIN or EXPIRED)
   * @param chainDetail the chain error message
   */
  public record Outcome(
      SSLSocket socket,
      TlsInfo info,
      Problem handshakeProblem,
      Problem chainProblem,
      String chainDetail) {}

  private TlsSupport() {}

  /**
   * Returns the JDK's default trust manager (the cacerts trust store).
   *
   * @return the trust manager
   */
  public static X509TrustManager defaultTrustManager() {
    try {
      TrustManagerFactory f =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init((KeyStore) null);
      for (TrustManager tm : f.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no default trust manager", e);
    }
    throw new IllegalStateException("the JDK has no default X.509 trust manager");
  }

  /**
   * Runs the handshake.
   *
   * @param plain the connected plain socket
   * @param peerHost the name to send as SNI and to check, or the address literal
   * @param port the port
   * @param context the caller's context, or {@code null} to build one around {@code trust}
   * @param trust the trust manager when {@code context} is null
   * @param policy what to do with a rejected chain
   * @param now the time to judge expiry by
   * @param timeoutMillis the handshake timeout
   * @return the outcome; never throws for what the peer does
   */
  public static Outcome handshake(
      Socket plain,
      String peerHost,
      int port,
      SSLContext context,
      X509TrustManager trust,
      TlsFailurePolicy policy,
      Instant now,
      int timeoutMillis) {
    Recording recording = null;
    SSLContext ctx = context;
    SSLSocket s = null;
    try {
      if (ctx == null) {
        recording = new Recording(trust, policy == TlsFailurePolicy.REPORT_AND_CONTINUE);
        ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {recording}, null);
      }
      s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, peerHost, port, true);
      SSLParameters p = s.getSSLParameters();
      if (!IpLiterals.isLiteral(peerHost)) {
        p.setServerNames(List.of(new SNIHostName(peerHost)));
      }
      s.setSSLParameters(p);
      s.setUseClientMode(true);
      s.setSoTimeout(Math.max(1, timeoutMillis));
      // SO_TIMEOUT bounds one read, not the handshake: a peer sending one byte just before each
      // read times out would stretch it without end. The watchdog makes the timeout a deadline
      // for the whole handshake by closing the TCP socket under it.
      try (Watchdog w =
          Watchdog.after(Math.max(1, timeoutMillis) * 1_000_000L, () -> abort(plain))) {
        try {
          s.startHandshake();
        } catch (IOException e) {
          if (w.fired()) {
            throw new SocketTimeoutException("handshake deadline passed");
          }
          throw e;
        }
        if (w.fired()) {
          throw new SocketTimeoutException("handshake deadline passed");
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create a TLS context", e);
    } catch (IllegalArgumentException e) {
      // SNIHostName rejects names that are not valid host names; report instead of throwing.
      return failed(
          peerHost, Problem.HANDSHAKE, "invalid TLS server name: " + e.getMessage(), recording);
    } catch (SocketTimeoutException e) {
      closeQuietly(s, plain);
      return failed(
          peerHost,
          Problem.TIMEOUT,
          "TLS handshake not finished within " + Math.max(1, timeoutMillis) + " ms",
          recording);
    } catch (IOException e) {
      closeQuietly(s, plain);
      Problem p = classify(recording != null && recording.error != null ? recording.error : e);
      String detail =
          recording != null && recording.error != null ? message(recording.error) : message(e);
      return failed(peerHost, p, detail, recording);
    }
    SSLSession session = s.getSession();
    X509Certificate[] chain = chainOf(session, recording);
    X509Certificate leaf = chain.length > 0 ? chain[0] : null;
    Problem chainProblem = Problem.NONE;
    String chainDetail = null;
    if (recording != null && recording.error != null) {
      chainProblem = classify(recording.error);
      chainDetail = message(recording.error);
    }
    boolean expired = leaf != null && outsideValidity(leaf, now);
    if (expired && chainProblem == Problem.NONE) {
      chainProblem = Problem.EXPIRED;
      chainDetail =
          "certificate valid from "
              + leaf.getNotBefore().toInstant()
              + " to "
              + leaf.getNotAfter().toInstant()
              + ", checked at "
              + now;
    }
    boolean hostOk = leaf != null && HostnameMatcher.matches(leaf, peerHost);
    TlsInfo info =
        new TlsInfo(
            Optional.of(session.getProtocol()),
            Optional.of(session.getCipherSuite()),
            Optional.of(peerHost),
            Optional.ofNullable(leaf).map(c -> c.getSubjectX500Principal().getName()),
            Optional.ofNullable(leaf).map(c -> c.getIssuerX500Principal().getName()),
            leaf == null ? List.of() : HostnameMatcher.subjectAltNames(leaf),
            Optional.ofNullable(leaf).map(c -> c.getNotAfter().toInstant()),
            chain.length,
            recording == null || recording.error == null,
            hostOk,
            expired || chainProblem == Problem.EXPIRED,
            Optional.ofNullable(chainDetail));
    return new Outcome(s, info, Problem.NONE, chainProblem, chainDetail);
  }

  private static X509Certificate[] chainOf(SSLSession session, Recording recording) {
    try {
      Certificate[] certs = session.getPeerCertificates();
      X509Certificate[] out = new X509Certificate[certs.length];
      for (int i = 0; i < certs.length; i++) {
        out[i] = (X509Certificate) certs[i];
      }
      return out;
    } catch (IOException | ClassCastException e) {
      return recording != null && recording.chain != null
          ? recording.chain
          : new X509Certificate[0];
    }
  }

  private static boolean outsideValidity(X509Certificate c, Instant now) {
    return now.isAfter(c.getNotAfter().toInstant()) || now.isBefore(c.getNotBefore().toInstant());
  }

  private static Outcome failed(String peerHost, Problem p, String detail, Recording recording) {
    X509Certificate leaf =
        recording != null && recording.chain != null && recording.chain.length > 0
            ? recording.chain[0]
            : null;
    TlsInfo info =
        new TlsInfo(
            Optional.empty(),
            Optional.empty(),
            Optional.of(peerHost),
            Optional.ofNullable(leaf).map(c -> c.getSubjectX500Principal().getName()),
            Optional.ofNullable(leaf).map(c -> c.getIssuerX500Principal().getName()),
            leaf == null ? List.of() : HostnameMatcher.subjectAltNames(leaf),
            Optional.ofNullable(leaf).map(c -> c.getNotAfter().toInstant()),
            recording != null && recording.chain != null ? recording.chain.length : 0,
            p != Problem.CHAIN && p != Problem.EXPIRED,
            leaf != null && HostnameMatcher.matches(leaf, peerHost),
            p == Problem.EXPIRED,
            Optional.of(detail));
    return new Outcome(
        null, info, p, p == Problem.CHAIN || p == Problem.EXPIRED ? p : Problem.NONE, detail);
  }

  static Problem classify(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CertificateExpiredException
          || t instanceof CertificateNotYetValidException) {
        return Problem.EXPIRED;
      }
      if (t instanceof CertPathValidatorException cpv
          && cpv.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
        return Problem.EXPIRED;
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CertificateException
          || t instanceof CertPathValidatorException
          || t.getClass().getName().contains("CertPathBuilder")) {
        return Problem.CHAIN;
      }
    }
    return Problem.HANDSHAKE;
  }

  private static String message(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    return m;
  }

  private static void abort(Socket plain) {
    try {
      plain.close();
    } catch (IOException ignored) {
      // the handshake fails on the closed socket; that is what is reported
    }
  }

  private static void closeQuietly(Socket a, Socket b) {
    try {
      if (a != null) {
        a.close();
      }
      b.close();
    } catch (IOException ignored) {
      // closing a failed handshake: nothing more to report
    }
  }

  /** Records the chain and the delegate's verdict; swallows the verdict in report mode. */
  private static final class Recording extends X509ExtendedTrustManager {
    private final X509TrustManager delegate;
    private final boolean swallow;
    volatile X509Certificate[] chain;
    volatile CertificateException error;

    Recording(X509TrustManager delegate, boolean swallow) {
      this.delegate = delegate;
      this.swallow = swallow;
    }

    private void check(X509Certificate[] c, String authType) throws CertificateException {
      chain = c.clone();
      try {
        // The JDK's own endpoint identification is off: the host name is judged separately, so
        // that an untrusted chain and a wrong name are two findings, not one opaque failure.
        delegate.checkServerTrusted(c, authType);
      } catch (CertificateException e) {
        error = e;
        if (!swallow) {
          throw e;
        }
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] c, String authType)
        throws CertificateException {
      check(c, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] c, String authType, Socket socket)
        throws CertificateException {
      check(c, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] c, String authType, SSLEngine engine)
        throws CertificateException {
      check(c, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] c, String authType)
        throws CertificateException {
      throw new CertificateException("client certificates are not checked by an SMTP client");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] c, String authType, Socket socket)
        throws CertificateException {
      checkClientTrusted(c, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] c, String authType, SSLEngine engine)
        throws CertificateException {
      checkClientTrusted(c, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }
}
