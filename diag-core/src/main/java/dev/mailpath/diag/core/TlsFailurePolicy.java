package dev.mailpath.diag.core;

/**
 * What a conversation does when the server's TLS certificate does not validate (untrusted chain,
 * expired, wrong name).
 *
 * <p>Either way the problem is reported as a finding; the policy only decides whether the
 * conversation goes on inside a TLS session it could not verify.
 */
public enum TlsFailurePolicy {
  /** Ends the conversation at the failed validation (the default, and what an MTA should do). */
  FAIL,
  /**
   * Records the validation failure as a finding and continues, so that the rest of the server can
   * still be diagnosed. Never silent: the finding is always in the report.
   */
  REPORT_AND_CONTINUE
}
