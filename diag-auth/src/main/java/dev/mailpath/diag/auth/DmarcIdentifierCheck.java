package dev.mailpath.diag.auth;

import static java.util.Objects.requireNonNull;

/**
 * Whether one authenticated identifier counts for DMARC: the SPF MAIL FROM domain or one DKIM
 * signature's {@code d=} domain, compared with the From domain (RFC 9989, "Identifier Alignment
 * Explained").
 *
 * @param kind SPF or DKIM
 * @param domain the identifier's domain (MAIL FROM domain, or {@code d=}); may be empty text
 * @param authenticated whether SPF or the signature gave PASS for it
 * @param aligned whether it passed and aligned: this alone makes DMARC pass
 * @param reason a sentence, for example {@code "DKIM d=mailer.example.net does not align with From:
 *     example.org (relaxed: different organizational domains)"}
 */
public record DmarcIdentifierCheck(
    Kind kind, String domain, boolean authenticated, boolean aligned, String reason) {

  /** Which mechanism produced the identifier. */
  public enum Kind {
    /** SPF, for the MAIL FROM identity. */
    SPF,
    /** One DKIM signature. */
    DKIM
  }

  /**
   * Checks that no component is null.
   *
   * @param kind the mechanism
   * @param domain the domain
   * @param authenticated whether it authenticated
   * @param aligned whether it aligned
   * @param reason the sentence
   */
  public DmarcIdentifierCheck {
    requireNonNull(kind, "kind");
    requireNonNull(domain, "domain");
    requireNonNull(reason, "reason");
  }
}
