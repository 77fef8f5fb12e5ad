package dev.mailpath.diag.auth;

/** An identifier alignment mode, the value of {@code adkim} and {@code aspf} (RFC 9989). */
public enum DmarcAlignment {
  /** {@code r} (the default): the two domains have the same Organizational Domain. */
  RELAXED,
  /** {@code s}: the two domains are identical (case-insensitive). */
  STRICT
}
