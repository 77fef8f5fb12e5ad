package dev.mailpath.diag.testkit;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Throwaway TLS certificates made at test time (as okhttp-tls does), so that no certificate that
 * can expire is ever committed: valid, expired, not-yet-valid and wrong-name server certificates,
 * each with a server {@link SSLContext} and a client trust manager that trusts exactly it.
 *
 * <pre>{@code
 * TestCertificates.ServerCertificate cert = TestCertificates.selfSigned("mail.test");
 * SSLContext server = cert.serverContext();           // for ScriptedSmtpServer.startTls(...)
 * X509TrustManager clientTrust = cert.trustManager(); // trusts this certificate only
 * TestCertificates.ServerCertificate old = TestCertificates.builder().dnsNames("mail.test").expired().build();
 * }</pre>
 *
 * <p>Keys are EC P-256 (fast to make). Thread-safe; every call makes a new key pair.
 */
public final class TestCertificates {

  private TestCertificates() {}

  /**
   * Makes a self-signed certificate valid from a day ago to a day from now for the given names.
   *
   * @param dnsNames DNS subject alternative names; the first is also the subject CN
   * @return the certificate with its key
   */
  public static ServerCertificate selfSigned(String... dnsNames) {
    return builder().dnsNames(dnsNames).build();
  }

  /**
   * Starts a certificate description.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Describes a certificate to make; not thread-safe. */
  public static final class Builder {
    private final List<String> dnsNames = new ArrayList<>();
    private final List<String> ipAddresses = new ArrayList<>();
    private String commonName;
    private Instant notBefore = Instant.now().minus(Duration.ofDays(1));
    private Instant notAfter = Instant.now().plus(Duration.ofDays(1));

    private Builder() {}

    /**
     * Adds DNS subject alternative names.
     *
     * @param names the names
     * @return this builder
     */
    public Builder dnsNames(String... names) {
      for (String n : names) {
        dnsNames.add(requireNonNull(n, "name"));
      }
      return this;
    }

    /**
     * Adds IP subject alternative names.
     *
     * @param addresses IP literals such as {@code 127.0.0.1}
     * @return this builder
     */
    public Builder ipAddresses(String... addresses) {
      for (String a : addresses) {
        ipAddresses.add(requireNonNull(a, "address"));
      }
      return this;
    }

    /**
     * Sets the subject CN (by default the first DNS name, or {@code localhost}).
     *
     * @param cn the common name
     * @return this builder
     */
    public Builder commonName(String cn) {
      this.commonName = requireNonNull(cn, "cn");
      return this;
    }

    /**
     * Sets the validity period.
     *
     * @param notBefore start
     * @param notAfter end
     * @return this builder
     */
    public Builder validity(Instant notBefore, Instant notAfter) {
      this.notBefore = requireNonNull(notBefore, "notBefore");
      this.notAfter = requireNonNull(notAfter, "notAfter");
      return this;
    }

    /**
     * Makes the certificate expired: valid from ten days ago until yesterday.
     *
     * @return this builder
     */
    public Builder expired() {
      Instant now = Instant.now();
      return validity(now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)));
    }

    /**
     * Makes the certificate not yet valid: valid from tomorrow.
     *
     * @return this builder
     */
    public Builder notYetValid() {
      Instant now = Instant.now();
      return validity(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(10)));
    }

    /**
     * Makes the key pair and the self-signed certificate.
     *
     * @return the certificate with its key
     */
    public ServerCertificate build() {
      try {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        KeyPair kp = g.generateKeyPair();
        String cn =
            commonName != null ? commonName : dnsNames.isEmpty() ? "localhost" : dnsNames.get(0);
        X500Name name = new X500Name("CN=" + cn + ",O=mailpath test");
        X509v3CertificateBuilder b =
            new JcaX509v3CertificateBuilder(
                name,
                new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
                Date.from(notBefore),
                Date.from(notAfter),
                name,
                kp.getPublic());
        List<GeneralName> sans = new ArrayList<>();
        dnsNames.forEach(n -> sans.add(new GeneralName(GeneralName.dNSName, n)));
        ipAddresses.forEach(a -> sans.add(new GeneralName(GeneralName.iPAddress, a)));
        if (!sans.isEmpty()) {
          b.addExtension(
              Extension.subjectAlternativeName,
              false,
              new GeneralNames(sans.toArray(new GeneralName[0])));
        }
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        X509Certificate cert =
            new JcaX509CertificateConverter()
                .getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
        return new ServerCertificate(cert, kp);
      } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
        throw new IllegalStateException("cannot make a test certificate", e);
      }
    }
  }

  /** A certificate with its private key, and the TLS objects built from them. Immutable. */
  public static final class ServerCertificate {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private final X509Certificate certificate;
    private final KeyPair keyPair;

    private ServerCertificate(X509Certificate certificate, KeyPair keyPair) {
      this.certificate = certificate;
      this.keyPair = keyPair;
    }

    /**
     * Returns the certificate.
     *
     * @return the X.509 certificate
     */
    public X509Certificate certificate() {
      return certificate;
    }

    /**
     * Returns the private key.
     *
     * @return the key
     */
    public PrivateKey privateKey() {
      return keyPair.getPrivate();
    }

    /**
     * Returns a PKCS#12 key store holding the key and certificate under the alias {@code server}.
     *
     * @param password the store and key password
     * @return the key store
     */
    public KeyStore keyStore(char[] password) {
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(
            "server", keyPair.getPrivate(), password, new X509Certificate[] {certificate});
        return ks;
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("cannot build a key store", e);
      }
    }

    /**
     * Returns the key store as PKCS#12 bytes (for servers configured by file, such as GreenMail).
     *
     * @param password the store password
     * @return the bytes
     */
    public byte[] pkcs12(char[] password) {
      try {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        keyStore(password).store(bos, password);
        return bos.toByteArray();
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("cannot write a key store", e);
      }
    }

    /**
     * Returns the certificate in PEM (for servers configured by file, such as Postfix).
     *
     * @return PEM text
     */
    public String certificatePem() {
      try {
        return pem("CERTIFICATE", certificate.getEncoded());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    /**
     * Returns the private key in PKCS#8 PEM.
     *
     * @return PEM text
     */
    public String privateKeyPem() {
      return pem("PRIVATE KEY", keyPair.getPrivate().getEncoded());
    }

    private static String pem(String type, byte[] der) {
      String b64 =
          Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
      return "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n";
    }

    /**
     * Returns a server-side TLS context presenting this certificate.
     *
     * @return the context
     */
    public SSLContext serverContext() {
      try {
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore(PASSWORD), PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
        return ctx;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot build a server TLS context", e);
      }
    }

    /**
     * Returns a trust manager that trusts exactly this certificate (PKIX, as the JDK default).
     *
     * @return the trust manager
     */
    public X509TrustManager trustManager() {
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("trusted", certificate);
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        for (TrustManager tm : tmf.getTrustManagers()) {
          if (tm instanceof X509TrustManager x) {
            return x;
          }
        }
        throw new IllegalStateException("no X.509 trust manager");
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("cannot build a trust manager", e);
      }
    }

    /**
     * Returns a client TLS context that trusts exactly this certificate.
     *
     * @return the context
     */
    public SSLContext clientContext() {
      try {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {trustManager()}, new SecureRandom());
        return ctx;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot build a client TLS context", e);
      }
    }

    /** Returns the subject and validity. */
    @Override
    public String toString() {
      return certificate.getSubjectX500Principal().getName()
          + " valid "
          + certificate.getNotBefore().toInstant()
          + " to "
          + certificate.getNotAfter().toInstant();
    }
  }
}
