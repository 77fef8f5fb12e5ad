package dev.mailpath.diag.posture;

import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Severity;
import java.util.List;

/**
 * The finding codes of DNSBL checks ({@code dnsbl.*}). Each constant's {@link #id()} is stable API;
 * the catalog text (title, explanation, next steps) is what {@code docs/findings.md} shows.
 */
public enum DnsblFinding implements FindingCode.WithText {

  /** The address or domain is on a list for spam, exploited hosts or other abuse. */
  LISTED(
      "dnsbl.listed",
      Severity.ERROR,
      "Listed on a blocklist: receivers that use it refuse or junk your mail",
      "The list answered with a return code that means the address or domain was seen sending"
          + " spam, runs exploited software, or is otherwise abusive. Receivers that consult the"
          + " list reject mail at SMTP time or put it in the junk folder, usually with a bounce"
          + " naming the list.",
      "Read the list's reason (the TXT answer, shown in the finding) and its lookup page",
      "Find and stop the source: an infected host, an open relay, a compromised account, a form"
          + " that sends mail",
      "Then ask the list for removal through its own web form; most delist on request once the"
          + " cause is gone"),

  /** The address is on a policy list (Spamhaus PBL and the like): not a spam listing. */
  POLICY_LISTED(
      "dnsbl.policy-listed",
      Severity.WARNING,
      "On a policy list: receivers refuse direct-to-MX mail from this address",
      "The list's return code is a policy listing, not a spam listing: the range's owner (often"
          + " an ISP) says it holds end-user or dynamic addresses that should not send mail"
          + " straight to other servers. That is fine for a client that submits through a relay,"
          + " and a problem for a mail server.",
      "If this address runs a mail server, use a static address with matching reverse DNS, or"
          + " ask the range owner or the list (Spamhaus PBL has a self-service form) to exclude it",
      "If it is a client, send through your provider's submission server (port 587) instead"),

  /** The list gave no usable verdict: error code, answer outside 127/8, timeout, SERVFAIL. */
  INCONCLUSIVE(
      "dnsbl.inconclusive",
      Severity.WARNING,
      "Blocklist gave no usable answer: listing status unknown",
      "The list did not say listed or not listed: it answered an error code (127.255.255.x,"
          + " for example Spamhaus' \"query refused through a public resolver\"), an address"
          + " outside 127.0.0.0/8, a malformed answer, or nothing in time. Such an answer is never"
          + " read as a listing, but neither is it a clean result.",
      "Read the reason in the finding",
      "For error codes, query the list through your own recursive resolver (not a public one"
          + " such as 8.8.8.8 or 1.1.1.1) and check the list's usage terms; heavy users need a"
          + " data feed or a key",
      "For timeouts and SERVFAIL, try again later or check your resolver"),

  /** The list answered its RFC 5782 test entries wrongly. */
  LIST_MISCONFIGURED(
      "dnsbl.list-misconfigured",
      Severity.ERROR,
      "Blocklist answers its test entries wrongly: its verdicts cannot be trusted",
      "RFC 5782 says every IP list lists 127.0.0.2 and does not list 127.0.0.1, and every domain"
          + " list lists TEST and does not list INVALID. This list (or the resolver in front of"
          + " it) does otherwise: a list that answers everything as listed would block all mail,"
          + " one that answers nothing would block none. Lists that were shut down have been"
          + " known to list the whole internet.",
      "Check the zone name for typos and that the list still exists",
      "Ask the list through another resolver; if the answer stays wrong, remove the list from"
          + " your configuration"),

  /** No list of the kind asked for was configured, so nothing was checked. */
  NO_LISTS(
      "dnsbl.no-lists",
      Severity.INFO,
      "No blocklist configured: nothing was checked",
      "mailpath asks no list unless you name it, because many lists restrict who may query them"
          + " and how. No list of the kind needed (IP lists for an address, domain lists for a"
          + " domain) was configured.",
      "Configure the lists you are allowed to use with DnsblCheck.builder().list(...), for"
          + " example DnsblList.SPAMHAUS_ZEN if your use is within Spamhaus' free-use terms");

  private final Text text;

  DnsblFinding(String id, Severity severity, String title, String explanation, String... steps) {
    this.text = new Text(id, severity, title, explanation, List.of(steps));
  }

  @Override
  public Text text() {
    return text;
  }
}
