package dev.mailpath.diag.trace;

/** How {@link MailboxSearch} protects its IMAP connection. */
public enum ImapSecurity {
  /** Implicit TLS from the first byte (IMAPS, port 993, RFC 8314). The default. */
  IMPLICIT_TLS,
  /**
   * Plain IMAP upgraded with STARTTLS (RFC 3501 §6.2.1); the search fails if the server does not
   * offer it.
   */
  STARTTLS,
  /**
   * Plain IMAP without TLS (port 143): the password crosses the network in clear; for tests and
   * loopback.
   */
  NONE
}
