package dev.mailpath.diag.dns;

import java.util.Locale;

/**
 * The header flags of a DNS message (RFC 1035 §4.1.1, RFC 4035 §3.2), as dig prints them in its
 * {@code flags:} line.
 */
public enum DnsFlag {
  /** Query response: set in every reply. A "reply" without it is an echoed query. */
  QR,
  /** Authoritative answer: the server holds the zone. Clear on referrals and cached answers. */
  AA,
  /** Truncated: the reply did not fit in UDP; ask again over TCP (RFC 7766). */
  TC,
  /** Recursion desired: set by the asker; root and authoritative probes clear it. */
  RD,
  /**
   * Recursion available: the server is a resolver. Root and authoritative servers leave it clear; a
   * "root server" that sets it is probably something on the path answering in its place.
   */
  RA,
  /** Authentic data: a validating resolver checked the DNSSEC signatures (RFC 4035). */
  AD,
  /** Checking disabled: the asker wants answers without DNSSEC validation (RFC 4035). */
  CD;

  /**
   * Returns the flag as dig prints it, in lower case ({@code qr}, {@code aa}, ...).
   *
   * @return the lower-case mnemonic
   */
  public String mnemonic() {
    return name().toLowerCase(Locale.ROOT);
  }
}
