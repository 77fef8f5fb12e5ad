package dev.mailpath.diag.core;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.internal.Addresses;
import dev.mailpath.diag.core.internal.Checks;
import dev.mailpath.diag.core.internal.IpLiterals;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
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

  private final X509TrustManager trustManager;
  private final SSLContext sslContext;
  private final String expectedName;
  private final TlsFailurePolicy failurePolicy;

  private TlsSettings(Builder b) {
    this.trustManager = b.trustManager;
    this.sslContext = b.sslContext;
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
    b.trustManager = trustManager;
    b.sslContext = sslContext;
    b.expectedName = expectedName;
    b.failurePolicy = failurePolicy;
    return b;
  }

  /**
   * Returns the trust manager that validates server certificates, when one was set. Clients
   * validate through it (or, when none was set and no {@link #sslContext()} either, through the
   * JDK's default trust manager), so that the {@link #failurePolicy()} can record a rejected chain
   * and, if asked, go on.
   *
   * @return the trust manager, or empty for the JDK's default
   */
  public Optional<X509TrustManager> trustManager() {
    return Optional.ofNullable(trustManager);
  }

  /**
   * Returns a TLS context to use exactly as it is (for client certificates or a custom provider),
   * when one was set. Its trust managers decide alone: a rejected chain ends the handshake whatever
   * the {@link #failurePolicy()}, because the client cannot see inside the context.
   *
   * @return the context, or empty
   */
  public Optional<SSLContext> sslContext() {
    return Optional.ofNullable(sslContext);
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
        && trustManager == t.trustManager
        && sslContext == t.sslContext
        && Objects.equals(expectedName, t.expectedName)
        && failurePolicy == t.failurePolicy;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        System.identityHashCode(trustManager),
        System.identityHashCode(sslContext),
        expectedName,
        failurePolicy);
  }

  @Override
  public String toString() {
    return "TlsSettings[trust="
        + (sslContext != null ? "custom context" : trustManager != null ? "custom" : "system")
        + ", expectedName="
        + (expectedName == null ? "(host)" : expectedName)
        + ", failurePolicy="
        + failurePolicy
        + "]";
  }

  /** Builds {@link TlsSettings}. Not thread-safe. */
  public static final class Builder {
    private X509TrustManager trustManager;
    private SSLContext sslContext;
    private String expectedName;
    private TlsFailurePolicy failurePolicy = TlsFailurePolicy.FAIL;

    private Builder() {}

    /**
     * Trusts what this trust manager trusts (a private CA, a pinned certificate). Replaces an
     * {@link #sslContext} set before.
     *
     * @param trustManager the trust manager
     * @return this builder
     */
    public Builder trustManager(X509TrustManager trustManager) {
      this.trustManager = requireNonNull(trustManager, "trustManager");
      this.sslContext = null;
      return this;
    }

    /**
     * Uses this TLS context exactly as it is, for what a trust manager cannot express (client
     * certificates, a custom provider). Its trust managers alone decide; a rejected chain then ends
     * the handshake whatever the failure policy. Replaces a {@link #trustManager} set before.
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
     * Sets the name the certificate must match and the SNI name, for connections by IP address or
     * through a name other than the certificate's.
     *
     * @param name a host name, or an IP address for a certificate that names its address
     * @return this builder
     * @throws IllegalArgumentException when the name is malformed
     */
    public Builder expectedName(String name) {
      Checks.noLineBreaks("expectedName", name);
      this.expectedName =
          IpLiterals.parse(name)
              .map(Addresses::format)
              .orElseGet(() -> DomainName.of(name).ascii());
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
