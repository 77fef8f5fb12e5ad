package dev.mailpath.diag.smtp;

import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Severity;
import java.util.List;

/**
 * The finding codes a {@link RelayPolicyTester} can report. Ids are stable API: tools may switch on
 * {@link dev.mailpath.diag.core.Finding#code()}. Every {@link RelayReport} carries exactly one
 * verdict finding ({@link #OPEN}, {@link #CLOSED}, {@link #AUTHENTICATED_ONLY}, {@link
 * #REFUSES_ALL} or {@link #INCONCLUSIVE}) and any of the others that apply. Every code is
 * registered with {@link dev.mailpath.diag.core.FindingCatalog} and documented in {@code
 * docs/findings.md}.
 */
public enum RelayFinding implements FindingCode.WithText {

  /**
   * An anonymous client got at least one relay variant accepted at RCPT (RFC 5321 §3.6.2 and §7.1:
   * relaying must be restricted). The worst thing a mail server can be.
   */
  OPEN(
      "relay.open",
      Severity.CRITICAL,
      "Open relay: the server accepts mail from anyone for anyone",
      "A relay is a system that is neither the sender nor the recipient but fields a message and"
          + " passes it along. That is fine for your own users (an ISP's smarthost, a spam filter"
          + " appliance); an open relay does it for everyone and will forward to anyone. Spammers"
          + " love these systems because they can hide behind them to mask the true originating"
          + " system, and the relay's address lands on blocklists, so its own legitimate mail"
          + " starts bouncing. Acceptance at RCPT is enough to count: a server that takes the"
          + " recipient has already agreed to carry the message, even if it bounces it later.",
      "Restrict relaying to your own networks and authenticated users: in Postfix keep"
          + " reject_unauth_destination in smtpd_relay_restrictions and check that mynetworks"
          + " lists only your own hosts.",
      "In Exchange 2003 (Default SMTP Virtual Server, Access tab, Relay) select \"only the list"
          + " below\"; \"all except the list below\" with a blank list forwards messages from"
          + " everywhere.",
      "Check whether the server's address is already on a public blocklist, and watch its queue"
          + " for spam that is waiting to go out.",
      "Run the test again after the change and check that the verdict is CLOSED or"
          + " AUTHENTICATED_ONLY."),

  /** Every relay variant was refused for good, and local delivery was accepted. */
  CLOSED(
      "relay.closed",
      Severity.INFO,
      "Closed: relaying is refused and local mail is accepted",
      "Every way of asking the server to forward mail to another domain was refused with a"
          + " permanent reply, while a message to the local recipient was accepted. That is what a"
          + " receiving server for your domain should do: field mail for its own domains and"
          + " refuse to relay for strangers.",
      "Nothing to fix. Keep the relay restrictions when the server configuration changes, and"
          + " repeat this test after upgrades."),

  /** Anonymous relaying was refused; relaying worked after AUTH. */
  AUTHENTICATED_ONLY(
      "relay.authenticated-only",
      Severity.INFO,
      "Relaying only for authenticated clients",
      "Strangers cannot relay, but a client that authenticates with a valid account can send to"
          + " other domains: the default of Exchange 2000 and later, and of Postfix with"
          + " permit_sasl_authenticated before reject_unauth_destination. Your users can send, and"
          + " spammers cannot, as long as no account's password leaks.",
      "Offer AUTH only inside TLS (smtpd_tls_auth_only = yes in Postfix) so passwords do not"
          + " travel in clear text.",
      "Watch for accounts that suddenly send a lot: a stolen password turns this server into a"
          + " relay for whoever holds it."),

  /** Not even local mail was accepted anonymously. */
  REFUSES_ALL(
      "relay.refuses-all",
      Severity.ERROR,
      "The server refuses even mail for its own domain",
      "The control message, from an outside sender to the real local recipient, was refused for"
          + " good just like the relay attempts. A server that refuses everything is not a"
          + " well-configured receiving server: either this is not the server that receives mail"
          + " for the domain (a submission service that wants AUTH, an outbound-only relay), the"
          + " local recipient does not exist, or a policy refuses this client outright.",
      "Check that the local recipient exists (postmaster must, RFC 5321 §4.5.1).",
      "Check that you tested the server named in the domain's MX records, on port 25.",
      "Read the replies in the evidence: \"Authentication required\" points at a submission"
          + " service; a blocklist name points at the client's address."),

  /** The relay question could not be answered. */
  INCONCLUSIVE(
      "relay.inconclusive",
      Severity.WARNING,
      "The relay test was inconclusive",
      "Not every attempt got a final answer: temporary failures (4xx), greylisting, connections"
          + " that broke or timed out, STARTTLS demanded but impossible, or attempts left untried"
          + " at the deadline or connection cap. A temporary refusal is not proof that the server"
          + " is closed: it may accept the same attempt later.",
      "Read the attempts that are not ACCEPTED or REFUSED in the report.",
      "Repeat the test in a few minutes (greylisting lets the same client through later), with"
          + " longer timeouts, or from another network.",
      "Check the server's logs for the reason it deferred or dropped the connection."),

  /** The made-up local user was accepted at RCPT. */
  ACCEPTS_EVERY_RCPT(
      "relay.accepts-every-rcpt",
      Severity.WARNING,
      "The server accepts every recipient at the dialogue",
      "A made-up user in the local domain was accepted at RCPT, so the server does not check"
          + " recipients while talking to the client. Its acceptance proves neither that it relays"
          + " nor that it is safe: it may take everything now and bounce later, sending"
          + " Non-Delivery Reports to forged senders (backscatter) and filling its queue with"
          + " spam. An acceptance of a relay variant from such a server is still an open relay:"
          + " having taken the recipient, it has already agreed to carry the message.",
      "Turn on recipient validation at SMTP time: local_recipient_maps in Postfix, recipient"
          + " filtering in Exchange.",
      "If a gateway in front of the mailbox server cannot know the users, give it a list of valid"
          + " recipients (relay_recipient_maps) or use recipient verification."),

  /** A relay attempt got a temporary failure (4xx) as its last answer. */
  TEMPORARY_REFUSAL(
      "relay.temporary-refusal",
      Severity.WARNING,
      "A relay attempt was refused only temporarily (4xx)",
      "A 4xx reply means \"not now\": the client may try again later and may then be accepted."
          + " Postfix answers 454 4.7.1 Relay access denied when soft_bounce is on or when it"
          + " cannot read a table it needs; a rate limit or a full queue also answers 4xx. Simpler"
          + " relay checkers count this as closed; it is not proof of anything.",
      "Read the reply text and the enhanced status code for the reason.",
      "In Postfix check soft_bounce and defer_unauth_destination, and look for table lookup"
          + " errors in the log.",
      "Repeat the test later."),

  /** The server greylists: 450/451 with a greylisting text. */
  GREYLISTED(
      "relay.greylisted",
      Severity.INFO,
      "The server greylists new clients",
      "Greylisting answers an unknown client with a temporary failure (450 or 451) and accepts"
          + " the same sender, recipient and address when they come back after a few minutes, as"
          + " a real mail server does and most spam software does not. During the first visit the"
          + " relay question cannot be answered.",
      "Repeat the test after the greylisting delay (often 1 to 5 minutes) from the same address.",
      "Whitelist the address you test from in the greylisting policy."),

  /** 530 "Must issue a STARTTLS command first" was seen. */
  STARTTLS_REQUIRED(
      "relay.starttls-required",
      Severity.INFO,
      "The server demands STARTTLS before mail commands",
      "The server answered 530 Must issue a STARTTLS command first: it accepts mail commands only"
          + " inside TLS (Postfix smtpd_tls_security_level = encrypt). That is not \"authentication"
          + " required\" and says nothing about relaying; the tester repeats such attempts inside"
          + " TLS when it may. A public MX that demands TLS will lose mail from senders that cannot"
          + " do it (RFC 3207 §4 forbids it for publicly-referenced servers).",
      "If this is the domain's MX, use smtpd_tls_security_level = may so that every sender can"
          + " deliver.",
      "If the tester could not use TLS (TlsMode.NONE, or STARTTLS not offered), run it again"
          + " with TLS allowed."),

  /** Anonymous attempts were answered "authentication required". */
  AUTH_REQUIRED(
      "relay.auth-required",
      Severity.INFO,
      "The server asks for authentication",
      "Attempts were refused with a reply that asks the client to authenticate (530 5.7.0"
          + " Authentication required, or 530 5.7.1 Client was not authenticated). Anonymous"
          + " relaying is refused, which is right; relaying for your own users needs AUTH.",
      "Give the tester credentials to check that authenticated users can relay.",
      "If the refusals also hit local delivery, this is a submission service, not the server"
          + " that receives mail for the domain."),

  /** Credentials were given but AUTH failed or was not offered. */
  AUTH_FAILED(
      "relay.auth-failed",
      Severity.WARNING,
      "Authentication failed: the authenticated pass is inconclusive",
      "The credentials were refused, or the server offered no AUTH (even after STARTTLS), so the"
          + " tester could not check what an authenticated user may do. That says nothing about"
          + " relaying either way: the authenticated pass is inconclusive, not closed.",
      "Check the user name and password with a mail client.",
      "Check that the server offers AUTH on this port; many offer it only after STARTTLS or only"
          + " on the submission port 587.",
      "Check the server's authentication log for the reason."),

  /**
   * The tester sent AUTH without TLS, because {@code tlsMode(TlsMode.NONE)} asked for it (RFC 4954
   * §4 and RFC 8314 §5: credentials belong inside TLS).
   */
  CREDENTIALS_IN_CLEAR(
      "relay.credentials-in-clear",
      Severity.WARNING,
      "The password was sent without TLS",
      "The authenticated pass ran with TLS turned off (TlsMode.NONE), so AUTH went over the"
          + " network in clear text: anyone on the path can read the user name and password (PLAIN"
          + " and LOGIN are only base64). A server that accepts that from anyone also lets its"
          + " users leak their passwords.",
      "Change the password of the account used for the test if the path was not trusted.",
      "Run the test without TlsMode.NONE: by default the tester uses STARTTLS before AUTH.",
      "Offer AUTH only inside TLS (smtpd_tls_auth_only = yes in Postfix)."),

  /** Authentication worked, relaying still refused. */
  AUTHENTICATED_REFUSED(
      "relay.authenticated-refused",
      Severity.WARNING,
      "Authenticated users cannot relay either",
      "The client authenticated successfully and the server still refused to forward mail to"
          + " another domain. That keeps spammers out, and your own users and servers too: in"
          + " Exchange 2003, clearing \"Allow all computers which successfully authenticate to"
          + " relay regardless of the list above\" stops your own Exchange servers from sending"
          + " messages to one another.",
      "If your users should send through this server, allow authenticated relaying: Postfix"
          + " permit_sasl_authenticated before reject_unauth_destination; the Exchange checkbox"
          + " above.",
      "If they should use another port (587) or server, nothing to fix here."),

  /** The server dropped or slowed connections after refusals; attempts were spread. */
  THROTTLED(
      "relay.throttled",
      Severity.INFO,
      "The server limits refusals per connection",
      "The server closed the connection, answered 421, or stopped answering after some refused"
          + " commands: error limits such as Postfix's smtpd_soft_error_limit, smtpd_hard_error_limit"
          + " and smtpd_error_sleep_time, or an Exchange tarpit. That is good practice against"
          + " dictionary attacks. The tester moved the remaining attempts to fresh connections with"
          + " fewer attempts each, so the limits did not decide the verdict.",
      "Nothing to fix; if attempts are still NOT_TRIED, raise maxConnections or lower"
          + " attemptsPerConnection."),

  /** Some attempts were never tried. */
  ATTEMPTS_SKIPPED(
      "relay.attempts-skipped",
      Severity.WARNING,
      "Some relay attempts were not tried",
      "The tester stops at its connection cap, at its deadline, or when connections keep failing,"
          + " so that it never hammers a server. The attempts left over were not tried, and the"
          + " verdict cannot rest on them.",
      "Run the test again with a longer deadline or a higher connection cap.",
      "Check the connection problems in the report: the server may refuse repeated connections"
          + " (a connection rate limit)."),

  /** DATA was sent (opt-in) and the message was accepted. */
  MESSAGE_ACCEPTED(
      "relay.message-accepted",
      Severity.CRITICAL,
      "The relayed test message was accepted for delivery",
      "The tester was asked to send a test message after an accepted relay recipient, and the"
          + " server answered the final dot with 250: it has taken responsibility for delivering"
          + " the message to the external recipient (RFC 5321 §6.1). The message is on its way;"
          + " check the external mailbox to see whether it arrives.",
      "Close the relay (see relay.open), then look in the queue for other messages that took the"
          + " same way.",
      "Check the external mailbox: the Received: lines of the test message show the path it"
          + " took.");

  private final Text text;

  RelayFinding(
      String id, Severity severity, String title, String explanation, String... nextSteps) {
    this.text = new Text(id, severity, title, explanation, List.of(nextSteps));
  }

  @Override
  public Text text() {
    return text;
  }
}
