package dev.mailpath.diag.smtp;

/**
 * The phases of an SMTP conversation, in the order a delivery goes through them; used to name where
 * a conversation ended, which timeout applied, and where {@link
 * SmtpConversation#quitAfter(SmtpPhase)} stops (like swaks' {@code --quit-after}).
 */
public enum SmtpPhase {
  /** Resolving the host and opening the TCP connection. */
  CONNECT,
  /** Waiting for the server's greeting, the 220 banner (RFC 5321 §4.3.1). */
  BANNER,
  /** EHLO, or HELO when EHLO is not understood (RFC 5321 §4.1.1.1). */
  EHLO,
  /**
   * STARTTLS, the TLS handshake and the EHLO that follows it (RFC 3207); also the handshake of
   * implicit TLS (SMTPS, RFC 8314).
   */
  TLS,
  /** AUTH (RFC 4954). */
  AUTH,
  /** MAIL FROM (RFC 5321 §4.1.1.2). */
  MAIL,
  /** RCPT TO (RFC 5321 §4.1.1.3). */
  RCPT,
  /** DATA, the message and the final dot (RFC 5321 §4.1.1.4). */
  DATA,
  /** Commands outside a mail transaction: RSET, NOOP, VRFY, EXPN and raw commands. */
  OTHER,
  /** QUIT and the 221 that should answer it (RFC 5321 §4.1.1.10). */
  QUIT
}
