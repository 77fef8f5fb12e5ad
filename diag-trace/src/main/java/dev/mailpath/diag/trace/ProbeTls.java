package dev.mailpath.diag.trace;

/**
 * How a {@link RoundTripProbe} protects its SMTP submission.
 *
 * <p>Certificate checks follow {@link dev.mailpath.diag.smtp.SmtpConversation}: a certificate that
 * does not validate ends the submission with a finding unless the probe's SMTP options say
 * otherwise ({@code .tlsFailure(TlsFailurePolicy.REPORT_AND_CONTINUE)}).
 */
public enum ProbeTls {
  /** Plain SMTP, no TLS (loopback and tests). */
  NONE,
  /** STARTTLS when the server offers it, as a sending MTA does (RFC 3207); the default. */
  STARTTLS_IF_OFFERED,
  /** STARTTLS, required: the submission stops when the server does not offer it. */
  STARTTLS,
  /** Implicit TLS from the first byte (SMTPS / submissions, RFC 8314, usually port 465). */
  IMPLICIT
}
