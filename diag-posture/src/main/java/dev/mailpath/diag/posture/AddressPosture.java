package dev.mailpath.diag.posture;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.smtp.TlsInfo;
import java.util.List;
import java.util.Optional;

/**
 * What one address of an exchange showed in a {@link MailPostureCheck}: whether it answered SMTP,
 * offered STARTTLS, and the TLS session (protocol, cipher, certificate and how it validated against
 * the configured trust).
 *
 * @param address the address (RFC 5952 text for IPv6)
 * @param ipv6 whether it is an IPv6 address
 * @param reachable whether an SMTP greeting came from it
 * @param startTls whether its EHLO reply offered STARTTLS
 * @param tls the TLS session, when a handshake was tried
 * @param error why the session ended early, when it did
 * @param findings what this address showed ({@code posture.*} codes)
 */
public record AddressPosture(
    String address,
    boolean ipv6,
    boolean reachable,
    boolean startTls,
    Optional<TlsInfo> tls,
    Optional<String> error,
    List<Finding> findings) {

  /**
   * Checks and copies the components.
   *
   * @param address the address
   * @param ipv6 whether it is IPv6
   * @param reachable whether it greeted
   * @param startTls whether STARTTLS was offered
   * @param tls the TLS session
   * @param error why the session ended early
   * @param findings the findings
   * @throws NullPointerException when one is null
   */
  public AddressPosture {
    requireNonNull(address, "address");
    requireNonNull(tls, "tls");
    requireNonNull(error, "error");
    findings = List.copyOf(findings);
  }

  /**
   * Tells whether a TLS session was established (whatever the certificate's verdict).
   *
   * @return true after a completed handshake
   */
  public boolean tlsEstablished() {
    return tls.map(TlsInfo::established).orElse(false);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(address).append(": ");
    if (!reachable) {
      return sb.append("no SMTP answer")
          .append(error.map(e -> " (" + e + ")").orElse(""))
          .toString();
    }
    if (!startTls) {
      return sb.append("SMTP, no STARTTLS").toString();
    }
    if (tls.isEmpty() || !tls.get().established()) {
      return sb.append("STARTTLS failed")
          .append(error.map(e -> " (" + e + ")").orElse(""))
          .toString();
    }
    TlsInfo t = tls.get();
    sb.append("STARTTLS ").append(t.protocol().orElse("?"));
    sb.append(t.verified() ? ", certificate valid" : ", certificate not valid");
    if (!t.chainValid()) {
      sb.append(" (untrusted chain)");
    }
    if (!t.hostnameValid()) {
      sb.append(" (name mismatch)");
    }
    if (t.expired()) {
      sb.append(" (expired)");
    }
    return sb.toString();
  }
}
