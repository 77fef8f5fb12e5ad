package dev.mailpath.diag.smtp;

/** The SASL mechanisms an {@link SmtpConversation} can use for AUTH (RFC 4954). */
public enum SmtpAuthMechanism {
  /** PLAIN (RFC 4616): user name and password in one base64 initial response. */
  PLAIN("PLAIN"),
  /** LOGIN (draft-murchison-sasl-login): user name and password as two base64 answers. */
  LOGIN("LOGIN"),
  /**
   * CRAM-MD5 (RFC 2195): an HMAC-MD5 answer to the server's challenge; the password is not sent.
   */
  CRAM_MD5("CRAM-MD5");

  private final String keyword;

  SmtpAuthMechanism(String keyword) {
    this.keyword = keyword;
  }

  /**
   * Returns the mechanism name as it appears on the wire and in the EHLO AUTH line.
   *
   * @return for example {@code CRAM-MD5}
   */
  public String keyword() {
    return keyword;
  }
}
