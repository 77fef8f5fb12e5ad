package dev.mailpath.diag.smtp;

import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Severity;
import java.util.List;

/**
 * The finding codes an SMTP conversation can report. Ids are stable API: tools may switch on {@link
 * dev.mailpath.diag.core.Finding#code()}. Every code is registered with {@link
 * dev.mailpath.diag.core.FindingCatalog} and documented in {@code docs/findings.md}.
 */
public enum SmtpFinding implements FindingCode.WithText {

  /** The host name could not be turned into an address (no DNS answer, or no resolver). */
  HOST_UNRESOLVED(
      "smtp.host.unresolved",
      Severity.ERROR,
      "The server's host name could not be resolved",
      "Before a single SMTP byte can flow, the host name must become an IP address. It did not:"
          + " the name does not exist, has no A/AAAA record, or the DNS servers asked did not"
          + " answer.",
      "Look the name up with nslookup against the same DNS server the sending system uses.",
      "If you took the name from an MX record, check that the MX target has an A record (and is"
          + " not a CNAME, RFC 2181 §10.3).",
      "Connect by IP address to rule DNS out."),

  /** The TCP connection was refused: nothing listens, or a firewall rejects. */
  CONNECT_REFUSED(
      "smtp.connect.refused",
      Severity.ERROR,
      "Connection refused",
      "The host answered but refused the TCP connection: no SMTP service listens on that port,"
          + " or a firewall actively rejects it. Sending systems will queue and retry, then bounce.",
      "Check that the SMTP service is running and bound to this address and port.",
      "Check firewalls and port forwarding between you and the server.",
      "Telnet to the port from the server that sends your mail: it sees what your SMTP engine"
          + " sees."),

  /** The TCP connection could not be opened for another reason (unreachable, no route). */
  CONNECT_FAILED(
      "smtp.connect.failed",
      Severity.ERROR,
      "Connection could not be opened",
      "The TCP connection failed before SMTP started: the network or host is unreachable, or the"
          + " local address could not be bound.",
      "Ping or traceroute the address to see where the path breaks.",
      "Check the routing and any outbound port 25 blocking by your provider."),

  /** The server reset the connection (TCP RST). */
  CONNECT_RESET(
      "smtp.connect.reset",
      Severity.ERROR,
      "Connection reset by the server",
      "The server (or something in between: a firewall, an IPS, a load balancer) tore the"
          + " connection down abruptly with a TCP reset. Mail in flight at that moment is not"
          + " delivered.",
      "Check the server's logs for this connection around the time in the transcript.",
      "Look for a firewall or intrusion-prevention device that inspects SMTP and drops sessions.",
      "Repeat the test: a reset at the same step every time points at a policy, not a glitch."),

  /** The server closed the connection when a reply was expected. */
  CONNECT_CLOSED(
      "smtp.connect.closed",
      Severity.ERROR,
      "Connection closed by the server",
      "The server hung up while the client was waiting for a reply. Servers do this when they"
          + " refuse a client silently (blocklists, rate limits, too many connections) or crash.",
      "Read the transcript: the last command before the hang-up is the one the server disliked.",
      "Check the server's logs and any connection limits or blocklists that match your"
          + " address."),

  /** No (complete) reply arrived within the phase's timeout or the overall deadline. */
  TIMEOUT(
      "smtp.timeout",
      Severity.ERROR,
      "Timed out waiting for the server",
      "The server did not complete its reply within the time allowed for this phase (RFC 5321"
          + " §4.5.3.2 gives the minimums: 5 minutes for the banner, MAIL and RCPT, 2 for DATA,"
          + " 10 for the final dot). A slow banner often means a tarpit or a reverse DNS lookup"
          + " timing out on the server; no reply to the final dot risks duplicate deliveries.",
      "Check which phase timed out in the finding and the transcript.",
      "A slow banner: check the server's own DNS resolution (it looks up your address before it"
          + " greets you).",
      "Repeat with longer timeouts to tell a slow server from a dead one."),

  /** The greeting was not 220. */
  BANNER_NOT_220(
      "smtp.banner.not-220",
      Severity.ERROR,
      "The server's greeting is not 220",
      "An SMTP server that will talk greets with 220 (RFC 5321 §4.3.1). A 554 greeting means it"
          + " refuses this client outright (often a blocklist or a policy on the client's"
          + " address); a 421 means it is busy or shutting down.",
      "Read the greeting text: it usually names the blocklist or policy.",
      "Check whether your sending address is on a public blocklist.",
      "Try again later if the code was 4xx."),

  /** The banner host name does not match the reverse DNS of the server's address. */
  BANNER_RDNS_MISMATCH(
      "smtp.banner.rdns-mismatch",
      Severity.WARNING,
      "The banner host name does not match the server's reverse DNS",
      "Receiving systems compare names with the reverse DNS (PTR) of the address a connection"
          + " comes from, to catch spoofing. A server whose banner name, PTR name and forward"
          + " lookup disagree looks suspicious to others when it sends mail.",
      "Look up the PTR record of the server's address with nslookup.",
      "Make the banner (myhostname in Postfix, the FQDN of the SMTP virtual server in Exchange)"
          + " the same name as the PTR record, and give that name an A record back to the"
          + " address."),

  /** The EHLO greeting name does not match the reverse DNS of the server's address. */
  EHLO_RDNS_MISMATCH(
      "smtp.ehlo.rdns-mismatch",
      Severity.WARNING,
      "The EHLO greeting name does not match the server's reverse DNS",
      "The first line of the EHLO reply names the server. When that name is neither the banner"
          + " name nor a forward-confirmed PTR name of the server's address, the server is"
          + " inconsistent about who it is; receivers that compare names may distrust its mail.",
      "Look up the PTR record of the server's address with nslookup.",
      "Make the EHLO greeting, the banner and the PTR record the same fully qualified name."),

  /** EHLO was rejected with 500/502 and HELO was used instead. */
  EHLO_REJECTED_HELO_USED(
      "smtp.ehlo.rejected-helo-used",
      Severity.WARNING,
      "EHLO rejected; fell back to HELO",
      "The server does not understand EHLO, so it speaks plain SMTP without extensions: no"
          + " STARTTLS, no AUTH, no SIZE, no 8BITMIME. Mail still flows, unencrypted.",
      "Check whether a firewall's SMTP 'fixup' or inspection is rewriting EHLO.",
      "Upgrade or reconfigure the server to speak ESMTP."),

  /** The SIZE parameter of EHLO is not a valid number. */
  EHLO_SIZE_INVALID(
      "smtp.ehlo.size-invalid",
      Severity.WARNING,
      "The SIZE limit the server advertises is not a valid number",
      "RFC 1870 makes the SIZE parameter a non-negative number of octets. This server sent"
          + " something else, so clients cannot tell how large a message it accepts.",
      "Check the message size limit in the server's configuration."),

  /** STARTTLS was wanted but not offered. */
  STARTTLS_NOT_OFFERED(
      "smtp.starttls.not-offered",
      Severity.WARNING,
      "EHLO reply does not advertise STARTTLS",
      "Without STARTTLS (RFC 3207) mail to this server travels in clear text. Some firewalls"
          + " strip STARTTLS from the EHLO reply, which looks the same from outside.",
      "Check that TLS is enabled on the server and that it has a certificate.",
      "Test from another network to rule out a firewall stripping STARTTLS."),

  /** Plaintext bytes followed the 220 to STARTTLS (command injection, CVE-2011-0411 class). */
  STARTTLS_PLAINTEXT_INJECTION(
      "smtp.starttls.plaintext-injection",
      Severity.CRITICAL,
      "Plaintext arrived after the 220 to STARTTLS",
      "After answering STARTTLS with 220 the server (or something in the middle) sent more"
          + " clear text before the TLS handshake. A client that read it would treat injected"
          + " lines as protected replies (the CVE-2011-0411 family of attacks). The conversation"
          + " was aborted and nothing after the 220 was trusted.",
      "Check for a man-in-the-middle device on the path.",
      "Upgrade the server software: this is a known class of STARTTLS bugs."),

  /** The TLS handshake failed for a reason other than certificate validation. */
  TLS_HANDSHAKE_FAILED(
      "smtp.tls.handshake-failed",
      Severity.ERROR,
      "The TLS handshake failed",
      "Client and server could not agree on a TLS session: no common protocol version or cipher,"
          + " a broken server, or something that is not TLS at all answered.",
      "Check the TLS protocol versions and ciphers the server allows.",
      "Check the transcript: a clear-text reply where the handshake should be points at a"
          + " misconfigured port (SMTPS versus STARTTLS)."),

  /** The certificate chain did not validate against the trust store. */
  TLS_CERTIFICATE_INVALID(
      "smtp.tls.certificate-invalid",
      Severity.ERROR,
      "The server's TLS certificate is not trusted",
      "The certificate chain does not lead to a trusted root: a self-signed certificate, a"
          + " private CA, or a missing intermediate certificate. Senders that validate (DANE,"
          + " MTA-STS) will not deliver.",
      "Check that the server sends the full chain, including intermediates.",
      "Use a certificate from a public CA, or publish DANE TLSA records for a private one."),

  /** The certificate is expired or not yet valid. */
  TLS_CERTIFICATE_EXPIRED(
      "smtp.tls.certificate-expired",
      Severity.ERROR,
      "The server's TLS certificate has expired (or is not yet valid)",
      "A certificate is only valid between its notBefore and notAfter dates. This one is"
          + " outside them, so validating senders will refuse the session, even if the"
          + " certificate is otherwise trusted.",
      "Renew the certificate and restart (or reload) the SMTP service.",
      "Check the server's clock if the certificate is 'not yet valid'."),

  /** The certificate does not name the host that was expected. */
  TLS_NAME_MISMATCH(
      "smtp.tls.name-mismatch",
      Severity.ERROR,
      "The server's TLS certificate does not match the host name",
      "The certificate's subject alternative names do not include the name the client expected"
          + " (the MX host name). Validating senders treat this as a possible impostor.",
      "Put the MX host name in the certificate's subject alternative names.",
      "If several names share the server, use a certificate that lists them all."),

  /** AUTH was advertised over a connection without TLS. */
  AUTH_OFFERED_WITHOUT_TLS(
      "smtp.auth.offered-without-tls",
      Severity.WARNING,
      "AUTH is offered before TLS",
      "The server advertises AUTH on an unencrypted connection, so a client may send its"
          + " password in clear text (PLAIN and LOGIN are only base64).",
      "Offer AUTH only after STARTTLS (smtpd_tls_auth_only = yes in Postfix).",
      "Use submission on port 587 with STARTTLS, or 465 with implicit TLS, for clients."),

  /** AUTH was requested but the server did not advertise it. */
  AUTH_NOT_OFFERED(
      "smtp.auth.not-offered",
      Severity.WARNING,
      "AUTH was requested but the server does not offer it",
      "The EHLO reply lists no AUTH mechanisms. Many servers offer AUTH only after STARTTLS,"
          + " or only on the submission port.",
      "Add startTls() before auth(), or connect to port 587.",
      "Check the server's SASL configuration."),

  /** The server rejected the credentials or the mechanism. */
  AUTH_REJECTED(
      "smtp.auth.rejected",
      Severity.ERROR,
      "Authentication failed",
      "The server refused the AUTH exchange: wrong user name or password, a mechanism it does"
          + " not support, or an account that may not authenticate here (RFC 4954 §6).",
      "Check the user name and password with a mail client.",
      "Check the mechanisms the server offers in the EHLO reply.",
      "Check the server's authentication log for the reason."),

  /** A step got a 4xx reply. */
  REPLY_TEMPORARY(
      "smtp.reply.temporary",
      Severity.WARNING,
      "The server answered with a temporary failure (4xx)",
      "A 4xx reply means 'not now': the sender should queue and try again later. Greylisting,"
          + " rate limits, a full queue or a DNS problem on the server side are common causes.",
      "Read the reply text and the enhanced status code for the reason.",
      "Try again in a few minutes; if it persists, check the server's logs."),

  /** A step got a 5xx reply. */
  REPLY_PERMANENT(
      "smtp.reply.permanent",
      Severity.ERROR,
      "The server answered with a permanent failure (5xx)",
      "A 5xx reply means 'no': the sender must not retry unchanged and will bounce the message"
          + " with a Non-Delivery Report. For RCPT it often means an unknown user or relaying"
          + " denied; for MAIL a rejected sender.",
      "Read the reply text and the enhanced status code (5.1.1 unknown user, 5.7.1 policy or"
          + " relaying denied).",
      "If relaying was denied, check whether the recipient domain is one this server fields."),

  /** A reply was not valid SMTP (bad code, bad separator, code changed mid-reply, garbage). */
  REPLY_MALFORMED(
      "smtp.reply.malformed",
      Severity.ERROR,
      "The server sent a reply that is not valid SMTP",
      "Every SMTP reply line is a three-digit code from 200 to 599, then a space or a hyphen,"
          + " then text (RFC 5321 §4.2). This one was not, so the client cannot tell what the"
          + " server meant. Something that is not an SMTP server may be listening, or a"
          + " middlebox is mangling the session.",
      "Check what listens on this port (telnet to it and look at the greeting).",
      "Look for a proxy or firewall rewriting SMTP."),

  /** A reply exceeded the line length, line count or byte limits. */
  REPLY_TOO_LARGE(
      "smtp.reply.too-large",
      Severity.ERROR,
      "The server's reply is too large",
      "RFC 5321 §4.5.3.1.5 limits a reply line to 512 octets. This reply went far beyond the"
          + " limits the client accepts (line length, number of lines or total size), which a"
          + " real server never needs: the peer is broken or hostile.",
      "Check what listens on this port.",
      "Check the server software for a misconfiguration that floods replies."),

  /** A reply line ended with a bare LF or CR instead of CRLF. */
  REPLY_BARE_LINE_ENDING(
      "smtp.reply.bare-line-ending",
      Severity.WARNING,
      "The server ends reply lines with a bare LF or CR",
      "SMTP lines end with CRLF (RFC 5321 §2.3.8). Tolerant clients cope; strict ones may hang"
          + " or misread replies, and inconsistent line endings are the raw material of SMTP"
          + " smuggling.",
      "Check the server software or any proxy in front of it."),

  /** Bytes arrived when no reply was expected. */
  REPLY_UNSOLICITED(
      "smtp.reply.unsolicited",
      Severity.WARNING,
      "The server sent a reply nobody asked for",
      "The server sent reply lines before the client's command, or more replies than commands."
          + " Clients pair each reply with a command; extra replies make them misread every"
          + " reply that follows.",
      "Check the transcript for the extra lines.",
      "Check for a proxy or anti-spam device that answers on the server's behalf."),

  /** A reply code does not fit the command (e.g. 354 to MAIL, 250 to STARTTLS). */
  REPLY_UNEXPECTED(
      "smtp.reply.unexpected",
      Severity.ERROR,
      "The reply code does not fit the command",
      "The server answered with a code that makes no sense for the command (RFC 5321 §4.3.2"
          + " lists the possible replies per command), so client and server disagree about the"
          + " state of the conversation.",
      "Read the transcript around the step named in the finding."),

  /** DATA was not answered with 354. */
  DATA_UNEXPECTED_REPLY(
      "smtp.data.unexpected-reply",
      Severity.ERROR,
      "DATA was not answered with 354",
      "After DATA the server must answer 354 before the message is sent (RFC 5321 §4.1.1.4)."
          + " A 250 here means the server (or a proxy) is out of step; the message was not sent.",
      "Check for a proxy or content filter in front of the server.",
      "Read the transcript: an earlier step may have been answered twice."),

  /** PIPELINING was requested but not offered; commands were sent one by one. */
  PIPELINING_NOT_OFFERED(
      "smtp.pipelining.not-offered",
      Severity.INFO,
      "PIPELINING was requested but the server does not offer it",
      "The conversation sent commands one at a time, as RFC 2920 requires when the extension is"
          + " not advertised.",
      "Nothing to fix unless you expected PIPELINING; check the server's configuration."),

  /** SMTPUTF8 was requested but not offered. */
  SMTPUTF8_NOT_OFFERED(
      "smtp.smtputf8.not-offered",
      Severity.WARNING,
      "SMTPUTF8 was requested but the server does not offer it",
      "Addresses with non-ASCII local parts need SMTPUTF8 (RFC 6531); without it the server will"
          + " reject or mangle them.",
      "Use an ASCII address, or a server that supports SMTPUTF8."),

  /** QUIT was not answered with 221. */
  QUIT_NOT_221(
      "smtp.quit.not-221",
      Severity.INFO,
      "QUIT was not answered with 221",
      "RFC 5321 §4.1.1.10 asks the server to answer QUIT with 221 before closing. This one"
          + " closed or answered otherwise; harmless for delivery, but a sign of a sloppy peer.",
      "Nothing to fix for delivery.");

  private final Text text;

  SmtpFinding(String id, Severity severity, String title, String explanation, String... nextSteps) {
    this.text = new Text(id, severity, title, explanation, List.of(nextSteps));
  }

  @Override
  public Text text() {
    return text;
  }
}
