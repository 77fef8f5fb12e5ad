package dev.mailpath.diag.core;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.internal.Checks;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The one TLS setting of every mailpath client that speaks TLS (SMTP and IMAP alike): which
 * certificates to trust, which name the certificate must carry, and what happens when validation
 * fails. Whether and when TLS starts is the {@link TlsMode}, set next to it.
 *
 * <pre>{@code
 * TlsSettings tls = TlsSettings.builder()
 *     .trustManager(myPrivateCaTrustManager)   // a private CA
 *     .expectedName("mail.example.org")        // when connecting by IP address
 *     .build();
 * }</pre>
 *
 * <p><b>Safe default.</b> {@link #system()} trusts the JDK's default trust store, checks the
 * certificate against the host name (or the expected name), and ends the session when validation
 * fails ({@link TlsFailurePolicy#FAIL}). {@link TlsFailurePolicy#REPORT_AND_CONTINUE} keeps going
 * inside an unverified session, and the report always says so in a finding.
 *
 * <p>Immutable and thread-safe; {@code equals} compares the trust by identity of the context.
 */
public final class TlsSettings {
  private static final TlsSettings SYSTEM = new Builder().build();

  private final SSLContext sslContext;
  private final X509TrustManager trustManager;
  private final String expectedName;
  private final TlsFailurePolicy failurePolicy;

  private TlsSettings(Builder b) {
    this.sslContext = b.sslContext;
    this.trustManager = b.trustManager;
    this.expectedName = b.expectedName;
    this.failurePolicy = b.failurePolicy;
  }

  /**
   * Returns the defaults: the JDK's trust store, the connected host name as the expected name,
   * validation failures end the session.
   *
   * @return the default settings
   */
  public static TlsSettings system() {
    return SYSTEM;
  }

  /**
   * Starts building settings from the defaults of {@link #system()}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised from these settings, to derive a variant.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.sslContext = sslContext;
    b.trustManager = trustManager;
    b.expectedName = expectedName;
    b.failurePolicy = failurePolicy;
    return b;
  }

  /**
   * Returns the TLS context whose trust managers validate the server: the one set on the builder,
   * or the JDK's default.
   *
   * @return the context
   * @throws IllegalStateException when the JDK has no default TLS context (a broken JDK)
   */
  public SSLContext sslContext() {
    if (sslContext != null) {
      return sslContext;
    }
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no default TLS context", e);
    }
  }

  /**
   * Tells whether a trust other than the JDK's default was configured.
   *
   * @return {@code true} when {@link Builder#sslContext} or {@link Builder#trustManager} was set
   */
  public boolean customTrust() {
    return sslContext != null;
  }

  /**
   * Returns the trust manager set with {@link Builder#trustManager}, so that a client can judge the
   * chain itself and report a rejected chain as a finding under {@link
   * TlsFailurePolicy#REPORT_AND_CONTINUE}; a whole {@link Builder#sslContext} decides alone.
   *
   * @return the trust manager, or empty when none was set (or a whole context replaced it)
   */
  public Optional<X509TrustManager> trustManager() {
    return Optional.ofNullable(trustManager);
  }

  /**
   * Returns the name the server certificate must match (and the SNI name sent) when it differs from
   * the host connected to, for example when connecting by IP address.
   *
   * @return the expected name, or empty to use the host connected to
   */
  public Optional<String> expectedName() {
    return Optional.ofNullable(expectedName);
  }

  /**
   * Returns what happens when the certificate does not validate.
   *
   * @return the policy; {@link TlsFailurePolicy#FAIL} by default
   */
  public TlsFailurePolicy failurePolicy() {
    return failurePolicy;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TlsSettings t
        && sslContext == t.sslContext
        && Objects.equals(expectedName, t.expectedName)
        && failurePolicy == t.failurePolicy;
  }

  @Override
  public int hashCode() {
    return Objects.hash(System.identityHashCode(sslContext), expectedName, failurePolicy);
  }

  @Override
  public String toString() {
    return "TlsSettings[trust="
        + (sslContext == null ? "system" : "custom")
        + ", expectedName="
        + (expectedName == null ? "(host)" : expectedName)
        + ", failurePolicy="
        + failurePolicy
        + "]";
  }

  /** Builds {@link TlsSettings}. Not thread-safe. */
  public static final class Builder {
    private SSLContext sslContext;
    private X509TrustManager trustManager;
    private String expectedName;
    private TlsFailurePolicy failurePolicy = TlsFailurePolicy.FAIL;

    private Builder() {}

    /**
     * Trusts what this context's trust managers trust (a private CA, a pinned certificate).
     *
     * @param sslContext an initialised context
     * @return this builder
     */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = requireNonNull(sslContext, "sslContext");
      this.trustManager = null;
      return this;
    }

    /**
     * Trusts what this trust manager trusts; shorthand for a TLS context built on it.
     *
     * @param trustManager the trust manager
     * @return this builder
     */
    public Builder trustManager(X509TrustManager trustManager) {
      requireNonNull(trustManager, "trustManager");
      try {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {trustManager}, null);
        this.sslContext = context;
        this.trustManager = trustManager;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK cannot create a TLS context", e);
      }
      return this;
    }

    /**
     * Sets the name the certificate must match and the SNI name, for connections by IP address or
     * through a name other than the certificate's.
     *
     * @param name a host name
     * @return this builder
     * @throws IllegalArgumentException when the name is malformed
     */
    public Builder expectedName(String name) {
      this.expectedName = DomainName.of(Checks.noLineBreaks("expectedName", name)).ascii();
      return this;
    }

    /**
     * Sets what happens when the certificate does not validate.
     *
     * @param policy {@link TlsFailurePolicy#FAIL} (default) or {@link
     *     TlsFailurePolicy#REPORT_AND_CONTINUE}
     * @return this builder
     */
    public Builder failurePolicy(TlsFailurePolicy policy) {
      this.failurePolicy = requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return immutable settings
     */
    public TlsSettings build() {
      return new TlsSettings(this);
    }
  }
}
