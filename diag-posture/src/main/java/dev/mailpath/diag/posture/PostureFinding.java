package dev.mailpath.diag.posture;

import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Severity;
import java.util.List;

/**
 * The finding codes {@link MailPostureCheck} adds of its own ({@code posture.*}), for what no part
 * check reports: IPv6 reachability, STARTTLS and the certificate of every exchange address, DNSSEC
 * of the domain and its exchanges, DKIM keys, and a check cut short by its deadline. The parts' own
 * findings ({@code mta-sts.*}, {@code dane.*}, {@code dnsbl.*}, {@code spf.*}, {@code dmarc.*},
 * {@code dkim.*}, {@code dns.*}) appear in the report unchanged.
 */
public enum PostureFinding implements FindingCode.WithText {

  /** An exchange has no IPv6 address. */
  IPV6_NO_ADDRESS(
      "posture.ipv6.no-address",
      Severity.WARNING,
      "Exchange has no IPv6 address: IPv6-only senders cannot deliver",
      "The exchange's name has no AAAA record, so a sender that has only IPv6 connectivity cannot"
          + " reach it. internet.nl requires an IPv6 address for every mail server; most of the"
          + " large providers publish one.",
      "Give the exchange an IPv6 address and publish it as an AAAA record beside the A record",
      "Check that the firewall lets TCP port 25 in over IPv6 as well"),

  /** An IPv6 address of an exchange does not answer SMTP. */
  IPV6_UNREACHABLE(
      "posture.ipv6.unreachable",
      Severity.ERROR,
      "Exchange's IPv6 address does not answer SMTP",
      "The exchange publishes an AAAA record, but nothing answered SMTP on that address. Senders"
          + " that prefer IPv6 try it first and lose time on every message, and IPv6-only senders"
          + " cannot deliver at all. A published but dead IPv6 address is worse than none.",
      "Test with telnet to the IPv6 address on port 25 from a host with IPv6",
      "Check the firewall's IPv6 rules and that the MTA listens on IPv6 (Postfix:"
          + " inet_protocols = all)",
      "If IPv6 cannot be fixed soon, remove the AAAA record"),

  /** An IPv4 address of an exchange does not answer SMTP. */
  UNREACHABLE(
      "posture.exchange.unreachable",
      Severity.ERROR,
      "Exchange address does not answer SMTP",
      "Nothing answered SMTP on this address of the exchange within the timeout: the connection"
          + " was refused, timed out or closed before a greeting. Senders move on to the next"
          + " address or exchange, or queue the mail and retry for days.",
      "Test with telnet to the address on port 25",
      "Check that the MTA runs and listens on that address, and the firewall in front of it"),

  /** An exchange does not offer STARTTLS. */
  STARTTLS_MISSING(
      "posture.starttls.missing",
      Severity.ERROR,
      "Exchange does not offer STARTTLS: mail to it travels in clear text",
      "The EHLO reply does not list STARTTLS (RFC 3207), so every sender delivers in clear text,"
          + " readable and changeable on the way. Senders that require TLS (MTA-STS enforce, DANE,"
          + " many banks and governments) do not deliver at all.",
      "Configure a certificate and enable STARTTLS on the exchange (Postfix: smtpd_tls_security_level"
          + " = may with smtpd_tls_cert_file and smtpd_tls_key_file)",
      "Check that no firewall or proxy in front of it strips STARTTLS from the EHLO reply"),

  /** STARTTLS was offered but the handshake failed. */
  STARTTLS_FAILED(
      "posture.starttls.failed",
      Severity.ERROR,
      "STARTTLS offered but the TLS handshake failed",
      "The exchange lists STARTTLS, but the handshake did not complete: no common protocol or"
          + " cipher, a broken certificate set-up, or the server closed the connection. Most"
          + " senders then retry in clear text or queue the mail; senders that require TLS do not"
          + " deliver.",
      "Read the handshake error in the finding",
      "Test with openssl s_client -starttls smtp -connect host:25 and check the server's TLS"
          + " protocols and ciphers"),

  /** The negotiated TLS protocol is older than TLS 1.2. */
  OLD_PROTOCOL(
      "posture.starttls.old-protocol",
      Severity.WARNING,
      "Exchange negotiated a TLS version older than 1.2",
      "TLS 1.0 and 1.1 are deprecated (RFC 8996) and internet.nl counts them as insufficient."
          + " The handshake chose one of them, so the exchange offers nothing newer.",
      "Enable TLS 1.2 and 1.3 on the exchange and disable TLS 1.0 and 1.1"),

  /** The certificate chain is not trusted. */
  CERTIFICATE_UNTRUSTED(
      "posture.certificate.untrusted",
      Severity.WARNING,
      "Exchange's certificate is not trusted",
      "The chain the exchange sent does not lead to a trusted root (self-signed, private CA,"
          + " or intermediates missing). Opportunistic senders deliver anyway, but senders that"
          + " enforce MTA-STS do not: RFC 8461 requires a certificate that validates for the MX"
          + " name. DANE senders judge by TLSA records instead.",
      "Install a certificate from a public CA with the full chain (leaf and intermediates)",
      "Test with openssl s_client -starttls smtp -showcerts -connect host:25"),

  /** The certificate does not name the exchange. */
  CERTIFICATE_NAME_MISMATCH(
      "posture.certificate.name-mismatch",
      Severity.WARNING,
      "Exchange's certificate does not name the exchange",
      "The certificate's subject alternative names do not include the MX host name senders"
          + " connect to. MTA-STS senders refuse such a server; opportunistic ones deliver anyway.",
      "Add the MX host name to the certificate, or point the MX record at a name the certificate"
          + " holds"),

  /** The certificate is expired or not yet valid. */
  CERTIFICATE_EXPIRED(
      "posture.certificate.expired",
      Severity.ERROR,
      "Exchange's certificate is expired or not yet valid",
      "The certificate's validity period does not include today. MTA-STS senders refuse the"
          + " server, and DANE-TA senders too when the chain is checked.",
      "Renew the certificate and reload the MTA; automate renewal (ACME) so it does not recur"),

  /** The domain's MX records are not DNSSEC-signed (or not validly). */
  DNSSEC_DOMAIN(
      "posture.dnssec.domain",
      Severity.WARNING,
      "The domain's MX records are not DNSSEC-secure",
      "Validation from the trust anchor did not reach the domain's MX records as secure: the zone"
          + " is unsigned (insecure), or its signatures do not validate (bogus). Without DNSSEC a"
          + " forged MX answer can send mail elsewhere, and DANE cannot apply.",
      "Sign the zone at your DNS provider and publish the DS record at the registrar",
      "For a bogus verdict, read the reason: an expired signature or a DS that no longer matches"
          + " the key"),

  /** An exchange's address records are not DNSSEC-secure. */
  DNSSEC_EXCHANGE(
      "posture.dnssec.exchange",
      Severity.WARNING,
      "An exchange's address records are not DNSSEC-secure",
      "The exchange's A/AAAA records did not validate as secure, so senders cannot trust its"
          + " address, and DANE for it cannot apply (RFC 7672 §2.2.2).",
      "Sign the zone that holds the exchange's name (often the mail provider's zone)"),

  /** No DKIM key was found. */
  DKIM_NOT_FOUND(
      "posture.dkim.not-found",
      Severity.WARNING,
      "No DKIM key found for the domain",
      "Without the selectors a sender uses, a DKIM key cannot be looked up directly; internet.nl"
          + " asks for _domainkey.<domain> instead, which exists (NOERROR) as soon as any key"
          + " below it is published (RFC 8020), and does not (NXDOMAIN) when there is none. The"
          + " answer was NXDOMAIN, or none of the selectors asked for had a usable key. Receivers"
          + " then cannot align DKIM for DMARC, and forwarded mail fails DMARC.",
      "Sign outgoing mail with DKIM and publish the key at <selector>._domainkey.<domain>",
      "Name the selectors your senders use (MailPostureCheck.builder().dkimSelectors(...)) to"
          + " check the keys themselves"),

  /** The deadline passed before every part finished. */
  DEADLINE(
      "posture.deadline",
      Severity.WARNING,
      "The posture check ran out of time: some parts are missing",
      "The check's deadline passed before every part finished; the parts still running were"
          + " cancelled and are missing from the report, and their tests are not scored.",
      "Raise the deadline (MailPostureCheck.builder().deadline(...)) or check the slow part on"
          + " its own",
      "Look for exchanges or DNS servers that do not answer: they use up the time");

  private final Text text;

  PostureFinding(String id, Severity severity, String title, String explanation, String... steps) {
    this.text = new Text(id, severity, title, explanation, List.of(steps));
  }

  @Override
  public Text text() {
    return text;
  }
}
