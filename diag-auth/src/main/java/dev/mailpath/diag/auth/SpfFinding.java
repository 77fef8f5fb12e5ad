package dev.mailpath.diag.auth;

import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Severity;
import java.util.List;

/**
 * The finding codes of SPF checks ({@code spf.*}). Each constant's {@link #id()} is stable API; the
 * catalog text (title, explanation, next steps) is what {@code docs/findings.md} shows.
 */
public enum SpfFinding implements FindingCode.WithText {
  /** The checked address is not authorized: the record ends in {@code -all} (RFC 7208 §2.6.4). */
  FAIL(
      "spf.fail",
      Severity.ERROR,
      "SPF fail: the sending address is not authorized",
      "The domain's SPF record lists the servers allowed to send its mail, and the checked address"
          + " is not among them; the record says such mail should be rejected. Receivers that"
          + " enforce SPF, and DMARC without an aligned DKIM signature, will reject or junk it.",
      "If the address is a legitimate sender (a new mail server, a mailing service), add it to"
          + " the SPF record: ip4:/ip6: for your own servers, include: for a provider.",
      "If mail is forwarded, expect SPF to fail at the final hop and rely on DKIM instead."),
  /** The address is probably not authorized ({@code ~all}, RFC 7208 §2.6.5). */
  SOFTFAIL(
      "spf.softfail",
      Severity.WARNING,
      "SPF softfail: the sending address is probably not authorized",
      "The checked address is not listed in the domain's SPF record, which ends in ~all: receivers"
          + " usually accept the message but count it against the sender, and it may land in"
          + " Junk.",
      "Add the sending server to the record if it is legitimate.",
      "Check the Junk E-mail folder of a test recipient."),
  /** The record says nothing about the address ({@code ?all} or no match, RFC 7208 §2.6.2). */
  NEUTRAL(
      "spf.neutral",
      Severity.INFO,
      "SPF neutral: the record makes no statement about this address",
      "No mechanism matched and the record ends in ?all or without an all: receivers treat the"
          + " message as if there were no SPF record.",
      "List every server that sends for the domain and end the record in ~all or -all."),
  /** The domain publishes no SPF record (RFC 7208 §2.6.1). */
  NO_RECORD(
      "spf.none",
      Severity.WARNING,
      "No SPF record",
      "The domain has no TXT record starting with v=spf1, so receivers cannot tell which servers"
          + " may send its mail; many providers junk or reject unauthenticated mail.",
      "Publish a TXT record such as \"v=spf1 mx -all\" at the domain.",
      "Check the record with an external lookup (nslookup -type=TXT domain)."),
  /** The identity's domain is not a valid fully qualified domain name (RFC 7208 §4.3). */
  INVALID_DOMAIN(
      "spf.invalid-domain",
      Severity.WARNING,
      "The checked identity is not a valid domain name",
      "SPF can only be checked for a fully qualified domain name with labels of 1 to 63"
          + " characters; an address literal, a single label or an empty label gives the result"
          + " none without any DNS query.",
      "Check the HELO name the server announces and the MAIL FROM address it uses."),
  /** More than one {@code v=spf1} record at one name (RFC 7208 §4.5). */
  MULTIPLE_RECORDS(
      "spf.multiple-records",
      Severity.ERROR,
      "Several SPF records at one name",
      "A domain must publish exactly one TXT record starting with v=spf1; with two or more every"
          + " SPF check ends in permerror, and receivers treat the domain's mail as failing.",
      "Merge the records into one: combine their mechanisms and keep a single all at the end."),
  /** The record has a syntax error (RFC 7208 §4.6). */
  SYNTAX(
      "spf.syntax",
      Severity.ERROR,
      "Syntax error in the SPF record",
      "Any syntax error anywhere in an SPF record makes the whole check a permerror, even when an"
          + " earlier mechanism would have matched: unknown mechanisms, a prefix length over /32"
          + " or /128, a malformed address, a bad macro, a domain without a valid top-level label.",
      "Fix the term named in the finding; the grammar is in RFC 7208 §12.",
      "Watch for typos such as ip4:1.2.3.4:25, include without a colon, or redirect: instead of"
          + " redirect="),
  /** More than 10 terms that cause DNS lookups (RFC 7208 §4.6.4). */
  TOO_MANY_LOOKUPS(
      "spf.too-many-lookups",
      Severity.ERROR,
      "More than 10 DNS lookups",
      "An SPF check may evaluate at most 10 terms that query DNS (include, a, mx, ptr, exists and"
          + " redirect, nested includes counted); past that the result is permerror, which most"
          + " receivers treat like a fail.",
      "Flatten rarely changing includes into ip4:/ip6: ranges, remove unused includes, and"
          + " replace a and mx by the addresses they stand for."),
  /** More than 2 lookups that found nothing (RFC 7208 §4.6.4). */
  VOID_LOOKUPS(
      "spf.void-lookups",
      Severity.ERROR,
      "More than 2 void DNS lookups",
      "Lookups that return no records or a non-existent name are limited to 2 per check; a"
          + " record that points at names that no longer exist ends in permerror.",
      "Remove includes and a:/mx:/exists: terms that point at names without records."),
  /** An include target has no SPF record (RFC 7208 §5.2). */
  INCLUDE_NONE(
      "spf.include-none",
      Severity.ERROR,
      "An included domain has no SPF record",
      "include: of a domain without an SPF record is a permerror, not a non-match: the whole check"
          + " fails whatever else the record says.",
      "Check the include's spelling against the provider's documentation, or remove it."),
  /** A redirect target has no SPF record (RFC 7208 §6.1). */
  REDIRECT_NONE(
      "spf.redirect-none",
      Severity.ERROR,
      "The redirect target has no SPF record",
      "redirect= to a domain without an SPF record (or a malformed name) ends the check in"
          + " permerror.",
      "Point redirect= at a domain that publishes an SPF record."),
  /** An include or redirect chain returns to a domain already being evaluated. */
  INCLUDE_LOOP(
      "spf.include-loop",
      Severity.ERROR,
      "SPF include or redirect loop",
      "The record includes or redirects back to itself, directly or through other domains; every"
          + " check runs into the limit of 10 lookups and ends in permerror.",
      "Remove the include or redirect that closes the loop."),
  /** An mx mechanism found more than 10 MX records (RFC 7208 §4.6.4). */
  TOO_MANY_MX(
      "spf.too-many-mx",
      Severity.ERROR,
      "More than 10 MX records for an mx mechanism",
      "An mx mechanism may look up at most 10 mail exchangers; with more the check ends in"
          + " permerror.",
      "Replace mx by ip4:/ip6: ranges of the servers that really send mail."),
  /** A DNS server failed or answered with an error (RFC 7208 §2.6.6). */
  TEMPERROR(
      "spf.temperror",
      Severity.WARNING,
      "Temporary DNS error during the SPF check",
      "A DNS query needed by the check failed (SERVFAIL, REFUSED, an unreadable reply); the result"
          + " is temperror and receivers usually defer the message and try again later.",
      "Query the name with dig against the domain's authoritative servers.",
      "Check that every authoritative server answers for TXT, A, AAAA and MX."),
  /** A DNS query timed out (RFC 7208 §2.6.6). */
  DNS_TIMEOUT(
      "spf.dns-timeout",
      Severity.WARNING,
      "DNS timeout during the SPF check",
      "A DNS server did not answer a query the check needed in time; the result is temperror.",
      "Check that the domain's name servers answer (dig +norec @server name TXT)."),
  /** The whole check ran past its deadline. */
  DEADLINE(
      "spf.deadline",
      Severity.WARNING,
      "The SPF check ran out of time",
      "The check did not finish within its deadline (RFC 7208 §4.6.4 suggests at least 20"
          + " seconds); the result is temperror.",
      "Look for slow or unreachable name servers among the domains the record includes."),
  /** The record authorizes every address ({@code +all}). */
  PASS_ALL(
      "spf.pass-all",
      Severity.ERROR,
      "The SPF record authorizes the whole Internet (+all)",
      "A record that ends in +all (or a bare all) lets any server send mail as the domain: SPF"
          + " protects nothing and spammers can pass it.",
      "End the record in ~all or -all after listing your real senders."),
  /** The record ends in {@code ?all}. */
  NEUTRAL_ALL(
      "spf.neutral-all",
      Severity.WARNING,
      "The SPF record ends in ?all",
      "?all makes no statement about unlisted servers, so receivers cannot use SPF against"
          + " forgeries of the domain.",
      "Once every sender is listed, change ?all to ~all, then to -all."),
  /** The record uses {@code ptr} (RFC 7208 §5.5: SHOULD NOT). */
  PTR_USED(
      "spf.ptr-used",
      Severity.WARNING,
      "The SPF record uses the ptr mechanism",
      "ptr is slow, unreliable and deprecated (RFC 7208 §5.5 says it SHOULD NOT be used); some"
          + " receivers skip it or treat it as an error.",
      "Replace ptr by ip4:/ip6: ranges or a: terms."),
  /** The record has neither an {@code all} nor a {@code redirect}. */
  NO_ALL(
      "spf.no-all",
      Severity.INFO,
      "The SPF record has no all mechanism",
      "Without an all or redirect= at the end, unlisted senders get neutral, the same as ?all.",
      "End the record in ~all or -all."),
  /** A mechanism's target is not a name DNS can be asked about. */
  INVALID_TARGET(
      "spf.invalid-target",
      Severity.INFO,
      "A mechanism points at a name that cannot be looked up",
      "After macro expansion the target of a mechanism was not a valid host name (an empty or"
          + " over-long label, characters DNS host names do not use); the mechanism does not"
          + " match.",
      "Check the macros and the literal domain of the mechanism."),
  /** The exp= explanation could not be used (RFC 7208 §6.2). */
  EXP_UNUSABLE(
      "spf.exp-unusable",
      Severity.INFO,
      "The explanation (exp=) could not be used",
      "The exp= name had no single TXT record, a DNS error, or a syntax error in its text; the"
          + " result is unchanged but receivers show no explanation.",
      "Publish exactly one TXT record at the exp= name.");

  private final Text text;

  SpfFinding(String id, Severity severity, String title, String explanation, String... steps) {
    this.text = new Text(id, severity, title, explanation, List.of(steps));
  }

  @Override
  public Text text() {
    return text;
  }
}
