package dev.mailpath.diag.smtp;

/**
 * When {@link RelayPolicyTester} uses STARTTLS (RFC 3207).
 *
 * <p>Relaying is a policy question, not an encryption one, so by default the tester talks in clear
 * text as most spam software does, and switches to TLS only when the server demands it.
 */
public enum RelayTlsMode {
  /**
   * Clear text first; STARTTLS when the server answers {@code 530 ... STARTTLS} (the attempt is
   * then repeated inside TLS, and so are the later ones), or when AUTH is only offered after
   * STARTTLS in the authenticated pass. The default.
   */
  WHEN_REQUIRED,
  /** STARTTLS on every connection where the EHLO reply offers it, as a sending MTA does. */
  IF_OFFERED,
  /**
   * Never STARTTLS: a server that demands it leaves the attempts {@link
   * RelayResponse#STARTTLS_REQUIRED} and the verdict {@link RelayVerdict#INCONCLUSIVE}.
   */
  NEVER
}
