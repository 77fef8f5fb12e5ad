package dev.mailpath.diag.posture;

import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Severity;
import java.util.List;

/**
 * The finding codes of DNSSEC validation and DANE for SMTP (RFC 7672) checks ({@code dnssec.* and
 * dane.*}). Each constant's {@link #id()} is stable API; the catalog text (title, explanation, next
 * steps) is what {@code docs/findings.md} shows.
 */
public enum DaneFinding implements FindingCode.WithText {
  /** The TLSA records of an exchange fail DNSSEC validation. */
  TLSA_BOGUS(
      "dane.tlsa.bogus",
      Severity.CRITICAL,
      "The exchange's TLSA records fail DNSSEC validation",
      "The _25._tcp TLSA records of this mail server are in a signed zone, but their signatures"
          + " or chain of trust do not hold. DANE senders (RFC 7672 §2.2) cannot tell whether"
          + " TLSA records exist, so they defer the mail to this server: it waits in their queues"
          + " and bounces after days.",
      "Check the DNSSEC finding of the TLSA name: it names the broken signature or key",
      "Re-sign the zone, or remove the DS at the registrar only as a last resort"),

  /** TLSA records exist but are not protected by DNSSEC. */
  TLSA_INSECURE(
      "dane.tlsa.insecure",
      Severity.WARNING,
      "TLSA records are published in an unsigned zone",
      "The exchange publishes _25._tcp TLSA records, but its zone is not signed (DNSSEC"
          + " insecure), so senders ignore them: without DNSSEC anyone could forge them (RFC 7672"
          + " §2.2). The records protect nothing.",
      "Sign the zone of the exchange's name and publish its DS at the registrar",
      "Or remove the TLSA records if DANE is not wanted"),

  /** The DNSSEC status of the TLSA records could not be determined. */
  TLSA_INDETERMINATE(
      "dane.tlsa.indeterminate",
      Severity.WARNING,
      "The TLSA records could not be checked",
      "A question needed for the exchange's TLSA records got no usable answer (timeout,"
          + " SERVFAIL, deadline). DANE senders that meet the same failure defer the mail.",
      "Repeat the check; check that the name servers answer TLSA and DS questions"),

  /** The exchange publishes no TLSA records (securely denied). */
  NO_TLSA(
      "dane.tlsa.none",
      Severity.INFO,
      "The exchange publishes no TLSA records (no DANE)",
      "DNSSEC proves that the exchange has no _25._tcp TLSA records, so DANE senders use"
          + " opportunistic TLS without authenticating the server. Mail flows; it is just not"
          + " protected against an active attacker.",
      "To protect inbound mail, publish a TLSA record \"3 1 1 <SHA-256 of the server's public"
          + " key>\" at _25._tcp.<exchange>, and a second one for the next key before each"
          + " rollover"),

  /** The MX RRset is not secure, so senders do not use DANE for its exchanges. */
  MX_NOT_SECURE(
      "dane.mx.not-secure",
      Severity.WARNING,
      "The MX records are not DNSSEC-secure, so DANE does not apply",
      "DANE for SMTP starts from a secure MX RRset (RFC 7672 §2.2.1): when the MX records are"
          + " not validated, senders cannot trust the exchange names, and TLSA records of those"
          + " exchanges protect nothing.",
      "Sign the domain's zone and publish its DS at the registrar"),

  /** The address of an exchange is not secure. */
  ADDRESS_NOT_SECURE(
      "dane.address.not-secure",
      Severity.WARNING,
      "The exchange's address records are not DNSSEC-secure",
      "Senders look up TLSA records only when the exchange's own address records validate"
          + " (RFC 7672 §2.2.2); otherwise DANE does not apply to it.",
      "Sign the zone that holds the exchange's A/AAAA records"),

  /** A TLSA record with usage 0 or 1, which SMTP does not use. */
  PKIX_USAGE(
      "dane.tlsa.pkix-usage",
      Severity.WARNING,
      "A TLSA record uses PKIX-TA(0) or PKIX-EE(1), which SMTP ignores",
      "RFC 7672 §3.1.3: SMTP clients treat TLSA records of usage 0 and 1 as unusable, because"
          + " there is no agreed set of certification authorities for SMTP. Such a record does"
          + " not protect the server; when it is the only one, DANE senders still use TLS but"
          + " authenticate nothing.",
      "Use usage 3 (DANE-EE, the server's own key: \"3 1 1 ...\") or 2 (DANE-TA, your CA's"
          + " key)"),

  /** A TLSA record whose parameters or data cannot be used. */
  UNUSABLE_TLSA(
      "dane.tlsa.unusable",
      Severity.WARNING,
      "A TLSA record cannot be used (unknown parameter or bad data)",
      "The record has an unknown certificate usage, selector or matching type, or its"
          + " association data has the wrong length for its matching type. Senders skip it.",
      "Correct the record: usage 2 or 3, selector 0 or 1, matching type 1 (SHA-256, 64 hex"
          + " digits) or 2 (SHA-512, 128 hex digits)"),

  /** No usable TLSA record at all. */
  NO_USABLE_TLSA(
      "dane.tlsa.no-usable",
      Severity.ERROR,
      "None of the exchange's TLSA records is usable",
      "The exchange publishes secure TLSA records, but none is usable for SMTP. DANE senders"
          + " then insist on TLS without authenticating the server (RFC 7672 §2.2), and the"
          + " records protect nothing.",
      "Publish a usable record such as \"3 1 1 <SHA-256 of the server's public key>\""),

  /** The certificate chain matches none of the usable TLSA records. */
  MISMATCH(
      "dane.mismatch",
      Severity.CRITICAL,
      "The server's certificate matches none of its TLSA records",
      "The exchange publishes secure TLSA records, but the certificate chain it presents in"
          + " STARTTLS matches none of them. DANE senders (large providers among them) refuse"
          + " to deliver and hold the mail in their queues, where it bounces after days. This"
          + " usually follows a certificate or key change without a TLSA update.",
      "Compare the TLSA record with the key the server presents (openssl s_client -starttls"
          + " smtp -connect <exchange>:25, then the SHA-256 of its public key)",
      "Publish a record for the current key; keep the old one until the change is done",
      "Before the next renewal, publish the next key's record first (a rollover in place)"),

  /** One record matches the current key and another does not: a rollover in place. */
  ROLLOVER(
      "dane.rollover",
      Severity.INFO,
      "A second TLSA record is ready for the next key (rollover in place)",
      "One TLSA record matches the certificate the server presents and another does not: the"
          + " usual way to change keys without breaking DANE (RFC 7671 §8.1), publishing the"
          + " next key's record before the change.",
      "After the key change, check that the server's new certificate matches the other record,"
          + " then remove the old one"),

  /** STARTTLS failed at an exchange with usable TLSA records. */
  STARTTLS_FAILED(
      "dane.starttls.failed",
      Severity.CRITICAL,
      "No TLS session with an exchange that publishes TLSA records",
      "The exchange has usable TLSA records, so DANE senders require STARTTLS, but the"
          + " connection, the STARTTLS command or the TLS handshake failed. They hold the mail.",
      "Check that the server listens on port 25, offers STARTTLS and completes a handshake"
          + " (openssl s_client -starttls smtp -connect <exchange>:25)"),

  /** Every check passed: the chain matches the TLSA records. */
  MATCH(
      "dane.match",
      Severity.INFO,
      "The server's certificate matches its TLSA records",
      "DANE senders authenticate this exchange: its STARTTLS certificate chain matches a usable"
          + " TLSA record.",
      "Keep the TLSA records in step with each certificate or key change");

  private final Text text;

  DaneFinding(String id, Severity severity, String title, String explanation, String... steps) {
    this.text = new Text(id, severity, title, explanation, List.of(steps));
  }

  @Override
  public Text text() {
    return text;
  }
}
