package dev.mailpath.diag.posture.internal;

import dev.mailpath.diag.posture.TlsaRecord;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

/**
 * Matches a certificate chain (leaf first, as the server sent it) against TLSA records (RFC 6698
 * §2.1, RFC 7671 §5, RFC 7672 §3.1): DANE-EE(3) against the leaf; DANE-TA(2) against a certificate
 * above the leaf, with each certificate from the leaf up to it signed by the next. Stateless.
 */
public final class TlsaMatcher {
  private TlsaMatcher() {}

  /**
   * Tells whether a usable record matches the chain.
   *
   * @param record the record (unusable records never match)
   * @param chain the certificates, leaf first
   * @return {@code true} on a match
   */
  public static boolean matches(TlsaRecord record, List<X509Certificate> chain) {
    if (!record.usable() || chain.isEmpty()) {
      return false;
    }
    if (record.usage() == 3) {
      return matchesCert(record, chain.get(0));
    }
    for (int i = 1; i < chain.size(); i++) {
      if (matchesCert(record, chain.get(i)) && signedUpTo(chain, i)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Tells whether one certificate matches the record's selector, matching type and data.
   *
   * @param record the record
   * @param cert the certificate
   * @return {@code true} on a match
   */
  public static boolean matchesCert(TlsaRecord record, X509Certificate cert) {
    byte[] selected;
    try {
      selected = record.selector() == 0 ? cert.getEncoded() : cert.getPublicKey().getEncoded();
    } catch (CertificateEncodingException | RuntimeException e) {
      return false;
    }
    if (selected == null) {
      return false;
    }
    byte[] want = record.dataBytes();
    return switch (record.matchingType()) {
      case 0 -> Arrays.equals(selected, want);
      case 1 -> MessageDigest.isEqual(digest("SHA-256", selected), want);
      case 2 -> MessageDigest.isEqual(digest("SHA-512", selected), want);
      default -> false;
    };
  }

  /**
   * Computes the association data of a certificate for a selector and matching type (what a TLSA
   * record for it says).
   *
   * @param cert the certificate
   * @param selector 0 or 1
   * @param matchingType 0, 1 or 2
   * @return the data as lower-case hex
   */
  public static String associationData(X509Certificate cert, int selector, int matchingType) {
    byte[] selected;
    try {
      selected = selector == 0 ? cert.getEncoded() : cert.getPublicKey().getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("cert cannot be encoded", e);
    }
    byte[] out =
        switch (matchingType) {
          case 0 -> selected;
          case 1 -> digest("SHA-256", selected);
          case 2 -> digest("SHA-512", selected);
          default -> throw new IllegalArgumentException("matchingType must be 0, 1 or 2");
        };
    return java.util.HexFormat.of().formatHex(out);
  }

  private static boolean signedUpTo(List<X509Certificate> chain, int top) {
    for (int i = 0; i < top; i++) {
      try {
        chain.get(i).verify(chain.get(i + 1).getPublicKey());
      } catch (Exception e) {
        return false;
      }
    }
    return true;
  }

  private static byte[] digest(String alg, byte[] data) {
    try {
      return MessageDigest.getInstance(alg).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(alg + " missing from the JDK", e);
    }
  }
}
