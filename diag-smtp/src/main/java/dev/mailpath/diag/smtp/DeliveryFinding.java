package dev.mailpath.diag.smtp;

import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Severity;
import java.util.List;

/**
 * The finding codes of {@link DeliveryPathCheck}: where delivery stops (one verdict finding per
 * report), how the path fell back from one address or exchange to the next, and what the exchanges
 * disagree on. Ids ({@code path.*}) are stable API: tools may switch on {@link
 * dev.mailpath.diag.core.Finding#code()}.
 *
 * <p>A delivery-path report also carries the findings of the checks it made: {@code dns.*} from
 * {@link dev.mailpath.diag.dns.MxResolver}, and {@code smtp.*} from each {@link SmtpConversation},
 * tagged with the exchange and address they concern.
 */
public enum DeliveryFinding implements FindingCode.WithText {

  /** RFC 5321 §3.3: an exchange answered RCPT TO with 250 or 251; a delivery would go there. */
  ACCEPTED(
      "path.accepted",
      Severity.INFO,
      "An exchange accepts the recipient",
      "Following the MX records in preference order, as a sending MTA does, an exchange answered"
          + " RCPT TO with a positive reply. The check stopped before DATA, so no message was sent;"
          + " a real delivery would be handed to this exchange.",
      "If mail still does not arrive, it reached this server: follow it in the server's message"
          + " tracking or logs.",
      "Then look in the recipient's mailbox: the Junk E-mail folder, rules and forwarding."),

  /** The recipient domain does not exist (NXDOMAIN). */
  NO_SUCH_DOMAIN(
      "path.no-such-domain",
      Severity.ERROR,
      "The recipient domain does not exist",
      "The DNS says the domain does not exist (NXDOMAIN), so there is no mail exchange to try."
          + " A sending MTA bounces the message at once.",
      "Check the spelling of the address.",
      "Look the domain up with nslookup, forcing the domain's own name server with the server"
          + " command, to see what other mail systems see."),

  /** RFC 7505: the domain publishes a null MX. */
  NULL_MX(
      "path.null-mx",
      Severity.ERROR,
      "The domain declares that it accepts no mail (null MX)",
      "The domain publishes a null MX record (RFC 7505), which tells senders not to try at all."
          + " Mail to it bounces at once, without a single connection.",
      "Check the MX records with nslookup (set type=mx).",
      "If the domain should receive mail, replace the null MX with MX records naming its mail"
          + " servers."),

  /** RFC 5321 §5.1: no MX records and no address to fall back on. */
  NO_MX(
      "path.no-mx",
      Severity.ERROR,
      "No MX records and no address: there is nowhere to deliver",
      "The domain has neither MX records nor an A/AAAA record for the implicit MX (RFC 5321"
          + " §5.1), so a sending MTA finds no server to connect to.",
      "Check the MX records with nslookup (set type=mx, then the domain).",
      "Publish MX records naming the servers that receive the domain's mail."),

  /** MX records exist, but no exchange has an address (of the families tried). */
  NO_ADDRESS(
      "path.no-address",
      Severity.ERROR,
      "No exchange has an address to connect to",
      "The MX records name exchanges, but none of them has an A or AAAA record a sender could"
          + " use (dangling MX, an IP address or alias as MX target, or only addresses of a family"
          + " this check does not use). A sending MTA defers, then bounces.",
      "Look up each exchange's A record with nslookup.",
      "Make every MX target a host name with its own A (and AAAA) records, not a CNAME or an IP"
          + " address (RFC 2181 §10.3)."),

  /** The DNS servers did not answer the MX question usefully. */
  DNS_FAILED(
      "path.dns-failed",
      Severity.ERROR,
      "The DNS servers did not answer the MX question",
      "The MX lookup timed out or failed (SERVFAIL, REFUSED, a broken reply), so it is unknown"
          + " where mail for the domain goes. A sending MTA treats this as a temporary failure and"
          + " retries.",
      "Run nslookup with set type=mx on the server that sends your mail: it uses the same DNS as"
          + " your SMTP engine.",
      "Ask another DNS server (server ip_address in nslookup) to tell a local resolver problem"
          + " from a problem with the domain's own servers."),

  /** No address of any exchange could be reached. */
  UNREACHABLE(
      "path.unreachable",
      Severity.ERROR,
      "No exchange could be reached",
      "Every address of every exchange tried either refused the connection, timed out, or broke"
          + " the session before answering the recipient. A sending MTA queues the message,"
          + " retries for days, then bounces it.",
      "Test with telnet to port 25 of the lowest-preference exchange (telnet mx1.example.org 25)"
          + " from the server that sends your mail.",
      "Check the MX records: do they name the servers that should receive mail?",
      "Check firewalls and any outbound port 25 blocking between the sender and the exchanges."),

  /** Every reachable exchange refused the client at the greeting or EHLO (5xx). */
  CLIENT_REFUSED(
      "path.client-refused",
      Severity.ERROR,
      "The exchanges refuse this client before any address is given",
      "The exchanges that could be reached greeted with 5xx or rejected EHLO: they refuse the"
          + " connecting client itself, usually because of its address (a blocklist) or its EHLO"
          + " name. A sending MTA bounces once every exchange did so.",
      "Read the greeting text: it usually names the blocklist or policy.",
      "Check whether the sending address is on a public blocklist.",
      "Use your server's fully qualified name as EHLO name, with matching reverse DNS."),

  /** The deciding exchange refused MAIL FROM with 5xx. */
  SENDER_REFUSED(
      "path.sender-refused",
      Severity.ERROR,
      "The exchange refuses the sender (MAIL FROM)",
      "The first exchange that answered rejected the reverse path with a permanent 5xx reply."
          + " A sending MTA does not try the other exchanges after a permanent answer: it bounces"
          + " the message with a Non-Delivery Report.",
      "Read the reply text and the enhanced status code (5.7.1 policy, 5.1.8 bad sender"
          + " domain).",
      "Use your actual domain name in MAIL FROM: some receiving systems compare it with the"
          + " reverse DNS of the connecting address.",
      "Check the SPF record of the sender domain."),

  /** The deciding exchange refused RCPT TO with 5xx. */
  RECIPIENT_REFUSED(
      "path.recipient-refused",
      Severity.ERROR,
      "The exchange refuses the recipient (RCPT TO)",
      "The first exchange that answered rejected the recipient with a permanent 5xx reply. A"
          + " sending MTA bounces the message with a Non-Delivery Report and does not try the"
          + " other exchanges.",
      "Check the spelling of the recipient address.",
      "Read the reply: 5.1.1 means an unknown user; 5.7.1 relaying denied means the exchange does"
          + " not consider itself responsible for the domain.",
      "If relaying was denied, check that the MX records point at servers that field this"
          + " domain."),

  /** Only temporary failures (4xx, RFC 5321 §4.2.1): the mail would be queued and retried. */
  TEMPORARY_FAILURE(
      "path.temporary-failure",
      Severity.WARNING,
      "Only temporary failures: the mail would be queued and retried",
      "No exchange accepted or permanently refused the recipient; the answers were 4xx (try"
          + " again later) or broken sessions. A sending MTA keeps the message in its queue and"
          + " retries; if the failures persist for days it bounces.",
      "Read the reply text: greylisting, rate limits and full queues are common causes.",
      "Repeat the check in a few minutes; greylisting lets the second attempt through.",
      "If it persists, check the exchange's logs."),

  /** An IPv6 address of an exchange failed and its IPv4 address was used. */
  FALLBACK_IPV4(
      "path.fallback.ipv4",
      Severity.WARNING,
      "An IPv6 address failed; delivery fell back to IPv4",
      "Sending MTAs that prefer IPv6 try an exchange's AAAA addresses first and fall back to IPv4"
          + " only after the IPv6 attempt failed. Mail still flows, but every delivery waits for"
          + " the failed attempt (a connect timeout costs tens of seconds), and IPv6-only senders"
          + " cannot deliver at all.",
      "Check that the SMTP service listens on the IPv6 address and that firewalls let IPv6 port"
          + " 25 through.",
      "Or remove the AAAA record of the exchange until IPv6 works."),

  /** One address of an exchange failed and another address of the same family was used. */
  FALLBACK_ADDRESS(
      "path.fallback.address",
      Severity.WARNING,
      "An address of an exchange failed; another of its addresses was used",
      "The exchange's host name has several addresses and one of them did not answer. Sending"
          + " MTAs try the next address, so mail flows, but slower.",
      "Telnet to port 25 of the failed address.",
      "Remove addresses that no longer serve mail from the exchange's DNS records."),

  /** The most preferred exchange(s) failed and a less preferred one would take the mail. */
  FALLBACK_EXCHANGE(
      "path.fallback.exchange",
      Severity.WARNING,
      "The preferred exchange failed; a less preferred exchange would take the mail",
      "Sending MTAs try the exchanges in MX preference order and move on when one cannot be"
          + " reached or answers with a temporary session failure (RFC 5321 §5.1). Mail still"
          + " flows through a backup, but later, and often by an extra hop.",
      "Test with telnet to port 25 of the lowest-preference exchange to see why it fails.",
      "Check that the backup exchange relays onward: mail waits there until it does."),

  /** Exchanges gave different final answers for the same recipient. */
  EXCHANGES_DISAGREE(
      "path.exchanges-disagree",
      Severity.WARNING,
      "The exchanges give different answers for the same recipient",
      "Mail may reach any of a domain's exchanges (when the primary is busy, down or slow), so"
          + " all of them should answer alike. A backup that accepts what the primary refuses"
          + " makes bounces later (backscatter); one that refuses what the primary accepts loses"
          + " mail whenever the primary is down.",
      "Compare the recipient lists and relay settings of the exchanges.",
      "Make backup exchanges check recipients the way the primary does."),

  /** A less preferred exchange failed while a more preferred one accepts. */
  BACKUP_FAILED(
      "path.backup-failed",
      Severity.WARNING,
      "A backup exchange would not take the mail",
      "The exchange that accepts works, but a less preferred exchange could not be reached or"
          + " refused. When the primary is down, mail queues at the senders instead of reaching"
          + " the backup.",
      "Telnet to port 25 of the backup exchange.",
      "Remove MX records of exchanges that no longer receive mail."),

  /** The accepting exchange's certificate does not validate (chain, expiry or name). */
  TLS_UNVERIFIED(
      "path.tls.unverified",
      Severity.WARNING,
      "The accepting exchange's TLS certificate does not validate",
      "Senders with opportunistic TLS deliver anyway, as this check did, but senders that"
          + " require verified TLS (MTA-STS in enforce mode, DANE) will not deliver to this"
          + " exchange, and nothing protects the session from an impostor.",
      "Renew or replace the certificate so that it names the MX host and chains to a trusted"
          + " root.",
      "Check it from the sending server: openssl s_client -starttls smtp -connect host:25."),

  /** The overall deadline passed before every planned step ran. */
  DEADLINE_EXCEEDED(
      "path.deadline-exceeded",
      Severity.WARNING,
      "The overall deadline passed before every address was checked",
      "The check has an overall deadline besides its per-step timeouts. It passed, so some"
          + " addresses were not tried and the verdict may be incomplete.",
      "Repeat with a longer deadline.",
      "Read the transcripts to find the exchange that was slow."),

  /** More exchanges than the configured limit; the rest were not tried. */
  EXCHANGE_LIMIT(
      "path.exchange-limit",
      Severity.INFO,
      "Only the most preferred exchanges were checked",
      "The domain has more exchanges than the check was allowed to try; the least preferred were"
          + " left out. Sending MTAs have similar limits (Postfix's smtp_mx_address_limit).",
      "Raise maxExchanges to check them all.");

  private final Text text;

  DeliveryFinding(
      String id, Severity severity, String title, String explanation, String... nextSteps) {
    this.text = new Text(id, severity, title, explanation, List.of(nextSteps));
  }

  @Override
  public Text text() {
    return text;
  }
}
