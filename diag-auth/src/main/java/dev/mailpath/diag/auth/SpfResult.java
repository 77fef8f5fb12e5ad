package dev.mailpath.diag.auth;

/** The result of an SPF check, RFC 7208 §2.6. */
public enum SpfResult {
  /** No syntactically valid domain, or no SPF record at it (§2.6.1). */
  NONE,
  /** The record says nothing about the address: {@code ?all} or no term matched (§2.6.2). */
  NEUTRAL,
  /** The address is authorized to send for the domain (§2.6.3). */
  PASS,
  /** The address is explicitly not authorized (§2.6.4). */
  FAIL,
  /** Probably not authorized; a weak statement, {@code ~all} (§2.6.5). */
  SOFTFAIL,
  /** A transient DNS error (timeout, SERVFAIL); a later retry may succeed (§2.6.6). */
  TEMPERROR,
  /** The record could not be interpreted: syntax, limits, several records (§2.6.7). */
  PERMERROR
}
