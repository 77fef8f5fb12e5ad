package dev.mailpath.diag.dns;

import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Severity;
import java.util.List;

/**
 * The finding codes of diag-dns. Each constant's {@link #id()} is stable API; the catalog text
 * (title, explanation, next steps) is what {@code docs/findings.md} shows.
 */
public enum DnsFinding implements FindingCode.WithText {

  /** RFC 7505: a single MX with preference 0 and target "." says the domain accepts no mail. */
  NULL_MX(
      "dns.mx.null",
      Severity.ERROR,
      "Null MX: the domain accepts no mail",
      "The domain publishes a null MX record (RFC 7505: preference 0, exchange \".\"), which"
          + " declares that it receives no mail at all. Senders must not try its A/AAAA"
          + " records; mail to it bounces at once.",
      "If the domain should receive mail, replace the null MX with MX records naming your mail"
          + " servers",
      "If it should not, nothing is wrong: the null MX saves senders from retrying"),

  /** RFC 7505 §3: a null MX must be the only MX record. */
  NULL_MX_MIXED(
      "dns.mx.null-mixed",
      Severity.ERROR,
      "Null MX mixed with other MX records",
      "A null MX (exchange \".\") must be the only MX record of a domain (RFC 7505 §3). Mixed"
          + " with real exchanges, senders behave unpredictably: some bounce, some deliver.",
      "Remove either the null MX or the other MX records"),

  /** RFC 5321 §5.1: no MX, so the domain's own address is the implicit exchange. */
  IMPLICIT_MX(
      "dns.mx.implicit",
      Severity.WARNING,
      "No MX records: mail goes to the domain's own address (implicit MX)",
      "The domain has no MX records, so senders fall back to its A/AAAA records and treat the"
          + " domain itself as the only exchange, with preference 0 (RFC 5321 §5.1). It works,"
          + " but is fragile: the web server now receives mail, and there is no backup exchange.",
      "Publish MX records naming the servers that should receive mail",
      "Test with telnet to port 25 of the domain's address"),

  /** No MX and no address records: undeliverable. */
  NO_MX(
      "dns.mx.none",
      Severity.ERROR,
      "No MX records and no address: mail cannot be delivered",
      "The domain exists but has neither MX records nor an A/AAAA record to fall back on, so"
          + " no sender can find a server to deliver to (RFC 5321 §5.1). Mail bounces as"
          + " undeliverable.",
      "Check the MX records with nslookup (set type=mx) against the domain's authoritative"
          + " servers",
      "Add MX records naming your mail servers"),

  /** The name does not exist. */
  NXDOMAIN(
      "dns.nxdomain",
      Severity.ERROR,
      "The domain does not exist (NXDOMAIN)",
      "The DNS says the name does not exist at all. Mail to it bounces at once. Often a typing"
          + " mistake in the address, a lapsed registration, or a delegation that was removed.",
      "Check the spelling of the recipient's domain",
      "Check the registration and delegation: ask a root server and follow the referrals"),

  /** RFC 2181 §10.3: the MX target must not be an alias. */
  MX_CNAME_TARGET(
      "dns.mx.cname-target",
      Severity.WARNING,
      "An MX record points to an alias (CNAME)",
      "An MX exchange must be a name with A/AAAA records, not an alias (RFC 2181 §10.3, RFC"
          + " 5321 §5.1). Many senders follow the alias anyway, but some refuse, and mail from"
          + " those bounces or is delayed.",
      "Point the MX record at the canonical name the CNAME refers to"),

  /** The exchange name has no A/AAAA record. */
  MX_DANGLING(
      "dns.mx.dangling",
      Severity.ERROR,
      "An MX exchange has no address",
      "The MX record names a host that has no A or AAAA record, so senders cannot connect to"
          + " it. If it is the only or the preferred exchange, mail is delayed or bounces.",
      "Add an A/AAAA record for the exchange, or fix the MX record to name an existing host",
      "Check the exchange name for typing mistakes (a missing or extra domain suffix)"),

  /** The exchange name is an address written as a name. */
  MX_IP_LITERAL(
      "dns.mx.ip-literal",
      Severity.ERROR,
      "An MX record names an IP address instead of a host name",
      "MX targets must be host names (RFC 5321 §5.1, RFC 1035). A target such as 192.0.2.1 is"
          + " looked up as a name, which normally fails, so senders cannot use it.",
      "Create an A record for a host name (mail.example.org) and point the MX at that name"),

  /** The same exchange appears more than once. */
  MX_DUPLICATE(
      "dns.mx.duplicate",
      Severity.WARNING,
      "The same exchange is listed more than once",
      "Several MX records name the same host. Only the lowest preference matters, so the"
          + " duplicates add nothing; often they are left over from an edit.",
      "Remove the duplicate MX records"),

  /** The answer did not fit UDP, TCP was used. */
  TRUNCATED_TCP_RETRY(
      "dns.truncated-tcp-retry",
      Severity.INFO,
      "The UDP answer was truncated; the query was repeated over TCP",
      "The answer did not fit in a UDP reply, so the server set the TC flag and the query was"
          + " repeated over TCP (RFC 7766). Senders behind firewalls that block DNS over TCP will"
          + " not see this answer.",
      "Make sure TCP port 53 is open to the authoritative servers",
      "Consider a smaller record set"),

  /** The server failed to answer (SERVFAIL). */
  SERVFAIL(
      "dns.servfail",
      Severity.ERROR,
      "The DNS server failed (SERVFAIL)",
      "The resolver could not get an answer: typically a broken or unreachable authoritative"
          + " server, a lame delegation, or a DNSSEC validation failure. Senders see a"
          + " temporary failure and retry, so mail is delayed.",
      "Ask the domain's authoritative servers directly (nslookup with server set to each one)",
      "Trace the delegation from the root servers"),

  /** The server refused the query. */
  REFUSED(
      "dns.refused",
      Severity.ERROR,
      "The DNS server refused the query (REFUSED)",
      "The server asked will not answer this question: it is not a resolver for this client,"
          + " or not authoritative for the name. The answer says nothing about the domain.",
      "Ask a resolver that serves you, or one of the domain's authoritative servers"),

  /** Another error rcode. */
  RCODE_ERROR(
      "dns.rcode-error",
      Severity.ERROR,
      "The DNS server answered with an error code",
      "The server returned an error such as FORMERR or NOTIMP, so the question got no answer.",
      "Try another server; check the server's logs"),

  /** No answer within the timeout. */
  TIMEOUT(
      "dns.timeout",
      Severity.ERROR,
      "No answer from the DNS server within the timeout",
      "The query got no valid reply in time from any server asked, after the configured"
          + " retries. The server may be down, firewalled, or overloaded; the answer about the"
          + " domain is unknown.",
      "Check that the server is reachable on port 53 (UDP and TCP)",
      "Try another resolver, or the domain's authoritative servers"),

  /** Sockets failed. */
  NETWORK_ERROR(
      "dns.network-error",
      Severity.ERROR,
      "The DNS query failed on the network",
      "Sending the query or reading the reply failed (for example the port was unreachable or"
          + " the TCP connection was refused), so the question got no answer.",
      "Check that the server address and port are right and reachable"),

  /** The reply could not be parsed. */
  MALFORMED_RESPONSE(
      "dns.malformed-response",
      Severity.ERROR,
      "The DNS reply could not be read",
      "The server sent bytes that are not a valid DNS message. The reply was not used.",
      "Check what sits between you and the server (a middlebox that rewrites DNS)",
      "Try another server"),

  /** Nslookup's "Non-authoritative answer". */
  NON_AUTHORITATIVE(
      "dns.non-authoritative",
      Severity.INFO,
      "The answer came from a cache, not from the domain's own servers",
      "The AA flag was clear: a recursive resolver answered from its cache (nslookup's"
          + " \"Non-authoritative answer\"). After a recent change it may be stale until the"
          + " records' TTL runs out.",
      "Ask one of the domain's authoritative servers directly to see the current records"),

  /** Malformed name in a bulk run. */
  INVALID_NAME(
      "dns.invalid-name",
      Severity.ERROR,
      "The name is not a valid domain name",
      "The input is not a syntactically valid domain name (empty labels, labels over 63"
          + " octets, names over 253, spaces or control characters), so no query was sent.",
      "Correct the name; pass internationalised names as Unicode or as A-labels (xn--...)"),

  /** Address lookups for an exchange failed (as opposed to being empty). */
  ADDRESS_LOOKUP_FAILED(
      "dns.mx.address-lookup-failed",
      Severity.WARNING,
      "The address of an exchange could not be looked up",
      "The A/AAAA query for an exchange timed out or failed, so it is unknown whether the"
          + " exchange has an address. Senders will see the same failure as a temporary error.",
      "Ask the exchange domain's authoritative servers directly"),

  /** Reverse DNS: no PTR. */
  PTR_NONE(
      "dns.ptr.none",
      Severity.WARNING,
      "The address has no reverse DNS (PTR) name",
      "No PTR record maps this address back to a name. Many receiving servers reject or"
          + " score mail from addresses without reverse DNS.",
      "Ask whoever controls the address block (often the hosting or network provider) to set"
          + " a PTR record naming the mail server"),

  /** Reverse DNS: PTR name does not resolve back. */
  PTR_NOT_CONFIRMED(
      "dns.ptr.not-confirmed",
      Severity.WARNING,
      "The reverse DNS name does not resolve back to the address",
      "Forward-confirmed reverse DNS fails: the PTR name's A/AAAA records do not include this"
          + " address. Receivers that check FCrDNS treat the sender as unverified.",
      "Add an A/AAAA record for the PTR name pointing at this address, or change the PTR"),

  /**
   * RFC 5452 §9.1: replies that did not match the query (wrong ID or question, QR clear, an echoed
   * query) were dropped before a valid answer came. Check for a middlebox rewriting DNS, or
   * spoofing attempts.
   */
  RESPONSE_MISMATCHED_IGNORED(
      "dns.response.mismatched-ignored",
      Severity.WARNING,
      "Replies that did not match the query were ignored",
      "Before the answer that was used, the server (or something pretending to be it) sent"
          + " replies that did not answer the question asked: a wrong message ID, a different"
          + " question, or the query echoed back with the QR flag clear. Such replies are"
          + " dropped, as RFC 5452 §9.1 requires; a resolver that took them would report a wrong"
          + " or empty answer. The answer shown is the valid one, but a server or middlebox that"
          + " mangles replies, or someone spraying forged replies, is on the path.",
      "Repeat the query with dig and compare the ID and question of the reply with the query",
      "Check for a NAT, firewall or DNS proxy that rewrites DNS between you and the server",
      "If no device rewrites DNS, treat it as a spoofing attempt and alert the network team"),

  /** RFC 1035 §4.1.4: a compression pointer that does not point to earlier data. */
  RESPONSE_COMPRESSION_LOOP(
      "dns.response.compression-loop",
      Severity.ERROR,
      "The DNS reply contains a compression-pointer loop",
      "Names in DNS messages may be shortened with pointers to an earlier occurrence (RFC 1035"
          + " §4.1.4). This reply has a pointer to itself or to later data, which makes a naive"
          + " parser loop forever. The reply was not used; the answer is unknown. It is a broken"
          + " server or a deliberate attack on resolvers.",
      "Capture the reply (dig +qr, or tcpdump port 53) and report it to the server's operator",
      "Ask another of the domain's servers"),

  /** RFC 1035 §4.1.1: header record counts larger than the message. */
  RESPONSE_COUNT_MISMATCH(
      "dns.response.count-mismatch",
      Severity.ERROR,
      "The DNS reply's record counts do not match its contents",
      "The header of the reply counts more records than the message holds (RFC 1035 §4.1.1),"
          + " so it ends in the middle of a record. Reading by the header would run past the"
          + " end or take garbage as records. The reply was not used; the answer is unknown.",
      "Capture the reply (dig +qr, or tcpdump port 53) and report it to the server's operator",
      "Check for a middlebox that truncates UDP packets without setting the TC flag"),

  /** RFC 1035 §4.2.1, RFC 6891 §6.2.5: a UDP reply larger than the query allowed, TC clear. */
  RESPONSE_OVERSIZE_UDP(
      "dns.response.oversize-udp",
      Severity.WARNING,
      "The server sent a UDP reply larger than the query allowed",
      "A UDP reply may be at most 512 bytes without EDNS (RFC 1035 §4.2.1), or the size the"
          + " query advertised with EDNS (RFC 6891 §6.2.5); a bigger answer must be truncated"
          + " with the TC flag so the client retries over TCP. This server sent the whole answer"
          + " over UDP instead. It was read here, but on real networks such datagrams are"
          + " fragmented or dropped, so many senders see a timeout.",
      "Check the server's EDNS buffer-size setting, or upgrade it",
      "Test with dig +noedns and dig +bufsize=1232 against the server"),

  /** RFC 7766 §5: a truncated UDP answer whose TCP retry failed. */
  TCP_FALLBACK_FAILED(
      "dns.tcp-fallback-failed",
      Severity.ERROR,
      "The answer was truncated over UDP, and the TCP retry failed",
      "The answer did not fit in UDP, so the server set the TC flag, but the retry over TCP"
          + " (RFC 7766 §5) was refused, reset or never answered. The truncated UDP reply was not"
          + " used as the answer, since it is incomplete by definition; the answer is unknown."
          + " Senders that need TCP for this answer fail the same way.",
      "Make sure TCP port 53 is open to the server (firewalls often allow UDP only)",
      "Test with dig +tcp against the server",
      "Consider a smaller record set, so the answer fits in UDP"),

  /** RFC 1035 §4.2.2: a TCP length prefix that promises more than the server sends. */
  TCP_LENGTH_MISMATCH(
      "dns.tcp.length-mismatch",
      Severity.ERROR,
      "The TCP reply was shorter than its length prefix",
      "Over TCP, each DNS message is preceded by its two-byte length (RFC 1035 §4.2.2). The"
          + " server announced more bytes than it sent before closing the connection, so the"
          + " reply is incomplete and was not used; the answer is unknown.",
      "Test with dig +tcp against the server",
      "Check for a middlebox or load balancer that cuts TCP connections to the DNS server"),

  /** RFC 2181 §5.4.1: additional records for names the answer did not point at. */
  ADDITIONAL_OUT_OF_BAILIWICK(
      "dns.additional.out-of-bailiwick",
      Severity.WARNING,
      "The reply carried records for names outside its business (out of bailiwick)",
      "The additional section of a reply may only hold data for names the answer points at,"
          + " such as the addresses of MX exchanges, and an authoritative server only for names"
          + " in its own zone (RFC 2181 §5.4.1). This reply added records for other names: the"
          + " classic cache-poisoning move, or a misconfigured server. They were ignored;"
          + " addresses here always come from their own queries.",
      "Look at the records listed in the evidence: do they belong to a domain you know?",
      "Report the server to its operator; a resolver that caches such records can be poisoned"),

  /** A CNAME chain that comes back to a name it already passed. */
  CNAME_LOOP(
      "dns.cname-loop",
      Severity.ERROR,
      "A CNAME chain loops",
      "Following the aliases (CNAME records) comes back to a name already visited, so the name"
          + " never resolves to an address. Senders give up on it: if it is an MX exchange, mail"
          + " to it cannot be delivered; if it is the domain, nothing about it resolves.",
      "List the chain with nslookup (set type=cname) and break the loop",
      "Point the MX record at a host name with A/AAAA records, not at an alias"),

  /** A CNAME chain longer than the resolver follows. */
  CNAME_CHAIN_TOO_LONG(
      "dns.cname-chain-too-long",
      Severity.ERROR,
      "A CNAME chain is too long to follow",
      "The aliases (CNAME records) go on for more than 8 hops. Resolvers stop following such"
          + " chains (the limit varies), so the name may not resolve for some senders; long"
          + " chains are almost always a mistake.",
      "List the chain with nslookup (set type=cname) and shorten it to at most one alias"),

  /** An answer with more records than the resolver uses. */
  RESPONSE_TOO_LARGE(
      "dns.response.too-large",
      Severity.WARNING,
      "The answer has more records than are checked",
      "The answer holds more records than this diagnosis uses (100 MX exchanges, or 100"
          + " addresses per host); the rest were left out. Real senders also try only a few"
          + " exchanges, and an answer this large is either a mistake or an attempt to make"
          + " resolvers do a lot of work.",
      "Check the record set with dig; keep MX records to the few exchanges that receive mail"),

  /** DNSSEC: the signatures or the chain of trust of an answer do not hold. */
  DNSSEC_BOGUS(
      "dnssec.bogus",
      Severity.CRITICAL,
      "DNSSEC validation fails (bogus)",
      "The name is in a signed zone, but its signatures or the chain of trust from the root to"
          + " it do not hold: a signature expired or does not verify, a record is not signed, or"
          + " no DNSKEY matches the DS its parent publishes. Validating resolvers (most large"
          + " mail providers use one) answer SERVFAIL for it, so senders cannot find your"
          + " servers and queue or bounce the mail.",
      "Read the reason in the finding: it names the record and the key",
      "Re-sign the zone (or check that automatic signing runs) and compare the DS at the"
          + " registrar with the zone's DNSKEYs (dig +dnssec DNSKEY, dig DS at the parent)",
      "After a key rollover, keep the old key published until the DS and caches have moved"),

  /** DNSSEC: the answer is provably unsigned. */
  DNSSEC_INSECURE(
      "dnssec.insecure",
      Severity.INFO,
      "The name is not protected by DNSSEC (insecure)",
      "A signed parent zone proves that the zone of this name has no DS record, so its answers"
          + " are not signed and anyone on the path can forge them. Mail still flows, but DANE"
          + " (TLSA records) is ignored by senders without DNSSEC.",
      "Sign the zone at your DNS provider and publish its DS record at the registrar"),

  /** DNSSEC: no verdict, because a question failed. */
  DNSSEC_INDETERMINATE(
      "dnssec.indeterminate",
      Severity.WARNING,
      "DNSSEC status could not be determined",
      "A question needed to follow the chain of trust got no usable answer (a timeout,"
          + " SERVFAIL, or the deadline passed), so the status is unknown. This is not a verdict"
          + " about the zone.",
      "Repeat the check; if it persists, check that the DNS servers answer DNSKEY and DS"
          + " questions with the DO bit set");

  private final Text text;

  DnsFinding(String id, Severity severity, String title, String explanation, String... nextSteps) {
    this.text = new Text(id, severity, title, explanation, List.of(nextSteps));
  }

  @Override
  public Text text() {
    return text;
  }
}
