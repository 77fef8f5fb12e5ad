package dev.mailpath.diag.core;

/**
 * How a client secures a mail connection (SMTP or IMAP): the one TLS mode of every mailpath client.
 *
 * <p>Which failures become findings and which end the session is decided by {@link
 * TlsSettings#failurePolicy()}; the mode only decides whether and when TLS starts.
 */
public enum TlsMode {
  /** Plain text throughout; never sends STARTTLS. Credentials, if any, go in clear. */
  NONE,
  /**
   * STARTTLS when the server advertises it (RFC 3207 for SMTP, RFC 2595 for IMAP), plain text
   * otherwise, with a finding that says TLS was not offered. What an opportunistic MTA does.
   */
  STARTTLS_IF_OFFERED,
  /**
   * STARTTLS, and stop with a finding when the server does not offer it or the upgrade fails.
   * Nothing after the greeting and EHLO/CAPABILITY is sent in clear.
   */
  STARTTLS_REQUIRED,
  /**
   * TLS from the first byte (SMTP submission on 465 per RFC 8314, IMAPS on 993); nothing is ever
   * sent in clear.
   */
  IMPLICIT;

  /**
   * Tells whether this mode may send STARTTLS.
   *
   * @return {@code true} for the two STARTTLS modes
   */
  public boolean usesStartTls() {
    return this == STARTTLS_IF_OFFERED || this == STARTTLS_REQUIRED;
  }
}
