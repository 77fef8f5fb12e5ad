package dev.mailpath.diag.dns;

/**
 * The DNSSEC validation status of an answer (RFC 4035 §4.3), as {@link DnssecValidator} decides it
 * from its own trust anchor.
 */
public enum DnssecStatus {
  /** A chain of valid signatures leads from the trust anchor to the answer (or to its denial). */
  SECURE,
  /** A signed parent proves that the zone is not signed: the answer cannot be validated. */
  INSECURE,
  /** The answer should be signed, and its signatures or chain of trust do not hold. */
  BOGUS,
  /** A question failed (timeout, SERVFAIL, deadline): no verdict either way. */
  INDETERMINATE
}
