package dev.mailpath.diag.testkit;

import static java.util.Objects.requireNonNull;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * GreenMail as a real in-process SMTP peer on loopback: plain SMTP and SMTPS (implicit TLS) on
 * ephemeral ports of 127.0.0.1, with users for AUTH PLAIN and LOGIN.
 *
 * <pre>{@code
 * try (GreenMailSmtp mail = GreenMailSmtp.builder().user("alice@mail.test", "alice", "secret").start()) {
 *   // SMTP on mail.host():mail.smtpPort(), SMTPS on mail.host():mail.smtpsPort()
 *   mail.receivedMessages();
 * }
 * }</pre>
 *
 * <p>Know GreenMail's limits: no STARTTLS, AUTH never required, every RCPT accepted (it can only
 * play an open relay). Its SMTPS certificate is GreenMail's own bundled self-signed one; {@link
 * #smtpsTrustManager()} trusts it. Thread-safe.
 */
public final class GreenMailSmtp implements AutoCloseable {

  private final GreenMail greenMail;

  private GreenMailSmtp(GreenMail greenMail) {
    this.greenMail = greenMail;
  }

  /**
   * Starts describing the server.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the address to connect to.
   *
   * @return {@code 127.0.0.1}
   */
  public String host() {
    return "127.0.0.1";
  }

  /**
   * Returns the plain SMTP port.
   *
   * @return the port
   */
  public int smtpPort() {
    return greenMail.getSmtp().getPort();
  }

  /**
   * Returns the SMTPS (implicit TLS) port.
   *
   * @return the port
   */
  public int smtpsPort() {
    return greenMail.getSmtps().getPort();
  }

  /**
   * Returns the messages received so far.
   *
   * @return the messages
   */
  public List<MimeMessage> receivedMessages() {
    return List.of(greenMail.getReceivedMessages());
  }

  /**
   * Waits until at least {@code count} messages arrived.
   *
   * @param timeoutMillis how long to wait
   * @param count how many messages
   * @return {@code true} when they arrived in time
   */
  public boolean awaitMessages(long timeoutMillis, int count) {
    return greenMail.waitForIncomingEmail(timeoutMillis, count);
  }

  /**
   * Returns the underlying GreenMail for anything else.
   *
   * @return the GreenMail instance
   */
  public GreenMail greenMail() {
    return greenMail;
  }

  /**
   * Returns a trust manager that trusts GreenMail's bundled SMTPS certificate.
   *
   * @return the trust manager
   */
  public X509TrustManager smtpsTrustManager() {
    try (InputStream in = GreenMail.class.getClassLoader().getResourceAsStream("greenmail.p12")) {
      if (in == null) {
        throw new IllegalStateException("greenmail.p12 is not on the class path");
      }
      KeyStore p12 = KeyStore.getInstance("PKCS12");
      p12.load(in, "changeit".toCharArray());
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      Enumeration<String> aliases = p12.aliases();
      int i = 0;
      while (aliases.hasMoreElements()) {
        Certificate c = p12.getCertificate(aliases.nextElement());
        if (c != null) {
          trust.setCertificateEntry("greenmail-" + i++, c);
        }
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("no X.509 trust manager");
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot read GreenMail's key store", e);
    }
  }

  /** Stops GreenMail. */
  @Override
  public void close() {
    greenMail.stop();
  }

  /** Describes the server; not thread-safe. */
  public static final class Builder {
    private final List<String[]> users = new ArrayList<>();

    private Builder() {}

    /**
     * Adds a user for AUTH and delivery.
     *
     * @param email the mailbox address
     * @param login the AUTH user name
     * @param password the password
     * @return this builder
     */
    public Builder user(String email, String login, String password) {
      users.add(
          new String[] {requireNonNull(email), requireNonNull(login), requireNonNull(password)});
      return this;
    }

    /**
     * Starts SMTP and SMTPS on 127.0.0.1, ephemeral ports.
     *
     * @return the running server
     */
    public GreenMailSmtp start() {
      ServerSetup smtp = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort();
      ServerSetup smtps = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS).dynamicPort();
      GreenMailConfiguration config = GreenMailConfiguration.aConfig();
      for (String[] u : users) {
        config = config.withUser(u[0], u[1], u[2]);
      }
      GreenMail gm = new GreenMail(new ServerSetup[] {smtp, smtps});
      gm.withConfiguration(config);
      gm.start();
      return new GreenMailSmtp(gm);
    }
  }
}
