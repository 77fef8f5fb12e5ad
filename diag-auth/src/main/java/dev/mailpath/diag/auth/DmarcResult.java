package dev.mailpath.diag.auth;

/** The result of a DMARC evaluation, RFC 8601 §2.7.4 with the rules of RFC 9989. */
public enum DmarcResult {
  /** An authenticated identifier (SPF MAIL FROM or a DKIM d=) aligned with the From domain. */
  PASS,
  /** A policy record applies and no authenticated identifier aligned. */
  FAIL,
  /** No DMARC policy record applies to the From domain; DMARC does not apply (RFC 9989). */
  NONE,
  /**
   * A transient DNS error (timeout, SERVFAIL) in policy discovery, in an Organizational Domain walk
   * or in SPF/DKIM: no conclusion can be drawn, and the policy must not be applied.
   */
  TEMPERROR,
  /**
   * The policy record found is unusable: no valid {@code p}/{@code sp}/{@code np} and no valid
   * {@code rua} to fall back on, so no DMARC processing applies.
   */
  PERMERROR
}
