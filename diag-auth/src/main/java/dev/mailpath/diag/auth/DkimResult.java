package dev.mailpath.diag.auth;

/** The result of verifying one DKIM signature, RFC 8601 §2.7.1 (and RFC 6376 §6.1). */
public enum DkimResult {
  /** The message carries no DKIM-Signature header field. */
  NONE,
  /** The signature verified. */
  PASS,
  /** The signature did not verify: the body or the signed header fields changed, or the key. */
  FAIL,
  /** The signature could not be processed in a way that says anything (e.g. unknown version). */
  NEUTRAL,
  /** The signature verified but the verifier's policy rejects it (e.g. rsa-sha1, a short key). */
  POLICY,
  /** The key could not be fetched for a transient reason (timeout, SERVFAIL). */
  TEMPERROR,
  /** The signature or key record is unusable: syntax, missing required tags, revoked key. */
  PERMERROR
}
