package dev.mailpath.diag.trace;

/**
 * Whether a hop of a {@link ReceivedChainReport} travelled inside TLS, as far as its {@code
 * Received:} field tells.
 */
public enum TransportSecurity {
  /**
   * The field says TLS: a {@code with} protocol such as ESMTPS, ESMTPSA or LMTPS (RFC 3848), or TLS
   * details in a comment ({@code using TLSv1.3 with cipher ...}, {@code version=TLS1_3}).
   */
  TLS,
  /**
   * The {@code with} protocol is a plain one (SMTP, ESMTP, ESMTPA, LMTP, HTTP) and no TLS detail is
   * recorded.
   */
  PLAINTEXT,
  /**
   * The field does not say (no {@code with} clause, or a protocol such as {@code local} or {@code
   * mapi}).
   */
  UNKNOWN
}
