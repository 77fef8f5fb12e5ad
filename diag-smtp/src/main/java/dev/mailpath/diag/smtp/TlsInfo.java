package dev.mailpath.diag.smtp;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.TlsFailurePolicy;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the TLS handshake of a conversation showed: the negotiated protocol and cipher suite, the
 * server certificate, and whether its chain and name validated. Immutable.
 *
 * <p>Validation is judged separately from the handshake, so that with {@link
 * TlsFailurePolicy#REPORT_AND_CONTINUE} a report can say "the handshake worked, the chain is not
 * trusted, the name matches" in one place.
 *
 * @param protocol negotiated protocol such as {@code TLSv1.3}; empty when the handshake failed
 * @param cipherSuite negotiated cipher suite; empty when the handshake failed
 * @param serverName the name the certificate was checked against (and sent as SNI), when there was
 *     one
 * @param subject the leaf certificate's subject DN, when a certificate was seen
 * @param issuer the leaf certificate's issuer DN, when a certificate was seen
 * @param subjectAltNames the leaf's DNS and IP subject alternative names
 * @param notAfter when the leaf certificate expires, when a certificate was seen
 * @param chainLength number of certificates the server sent
 * @param chainValid whether the chain validated against the trust store
 * @param hostnameValid whether the leaf certificate matches {@code serverName} (or the address
 *     connected to, when no name was given)
 * @param expired whether the leaf certificate was outside its validity period at handshake time
 * @param error what went wrong, when validation or the handshake failed
 */
public record TlsInfo(
    Optional<String> protocol,
    Optional<String> cipherSuite,
    Optional<String> serverName,
    Optional<String> subject,
    Optional<String> issuer,
    List<String> subjectAltNames,
    Optional<Instant> notAfter,
    int chainLength,
    boolean chainValid,
    boolean hostnameValid,
    boolean expired,
    Optional<String> error) {

  /**
   * Validates the components and copies the list.
   *
   * @param protocol negotiated protocol such as {@code TLSv1.3}; empty when the handshake failed
   * @param cipherSuite negotiated cipher suite; empty when the handshake failed
   * @param serverName the name the certificate was checked against (and sent as SNI), when there
   *     was one
   * @param subject the leaf certificate's subject DN, when a certificate was seen
   * @param issuer the leaf certificate's issuer DN, when a certificate was seen
   * @param subjectAltNames the leaf's DNS and IP subject alternative names
   * @param notAfter when the leaf certificate expires, when a certificate was seen
   * @param chainLength number of certificates the server sent
   * @param chainValid whether the chain validated against the trust store
   * @param hostnameValid whether the leaf certificate matches {@code serverName} (or the address
   *     connected to, when no name was given)
   * @param expired whether the leaf certificate was outside its validity period at handshake time
   * @param error what went wrong, when validation or the handshake failed
   */
  public TlsInfo {
    requireNonNull(protocol, "protocol");
    requireNonNull(cipherSuite, "cipherSuite");
    requireNonNull(serverName, "serverName");
    requireNonNull(subject, "subject");
    requireNonNull(issuer, "issuer");
    subjectAltNames = List.copyOf(subjectAltNames);
    requireNonNull(notAfter, "notAfter");
    requireNonNull(error, "error");
  }

  /**
   * Tells whether the handshake completed.
   *
   * @return {@code true} when a protocol was negotiated
   */
  public boolean established() {
    return protocol.isPresent();
  }

  /**
   * Tells whether the connection was fully verified: handshake done, chain trusted, name matching,
   * not expired.
   *
   * @return {@code true} when everything validated
   */
  public boolean verified() {
    return established() && chainValid && hostnameValid && !expired;
  }

  /** Returns a two-line summary: protocol and cipher, then certificate and validation. */
  @Override
  public String toString() {
    return protocol.orElse("no TLS session")
        + cipherSuite.map(c -> " " + c).orElse("")
        + "\n  certificate: "
        + subject.orElse("(none)")
        + issuer.map(i -> ", issuer " + i).orElse("")
        + (subjectAltNames.isEmpty() ? "" : ", SANs " + subjectAltNames)
        + notAfter.map(t -> ", expires " + t).orElse("")
        + "\n  chain "
        + (chainValid ? "valid" : "NOT valid")
        + ", name "
        + (hostnameValid ? "matches" : "does NOT match")
        + serverName.map(n -> " " + n).orElse("")
        + (expired ? ", EXPIRED" : "")
        + error.map(e -> "\n  error: " + e).orElse("");
  }
}
