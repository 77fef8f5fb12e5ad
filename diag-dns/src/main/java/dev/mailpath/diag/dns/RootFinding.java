package dev.mailpath.diag.dns;

import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Severity;
import java.util.List;

/**
 * The finding codes of {@link RootServerQuery} ({@code dns.root.*}) and {@link DelegationTrace}
 * ({@code dns.trace.*}). Each constant's {@link #id()} is stable API; the catalog text (title,
 * explanation, next steps) is what {@code docs/findings-root.md} shows.
 *
 * <p>Failures that are not specific to roots or traces (a single query's timeout, NXDOMAIN,
 * SERVFAIL) use the {@link DnsFinding} codes.
 */
public enum RootFinding implements FindingCode.WithText {

  /**
   * A root server address gave no reply (timeout or network error); check port 53 filters on the
   * path.
   */
  UNREACHABLE(
      "dns.root.unreachable",
      Severity.WARNING,
      "A root server did not answer",
      "One or more root server addresses gave no reply in time. Resolvers simply use the other"
          + " roots, so mail keeps flowing, but a root that is unreachable from here while the"
          + " others answer usually means a filter or a routing problem on this network's path,"
          + " not a root outage: the roots are anycast from hundreds of sites.",
      "Ask the same root again with nslookup (server set to its address) or dig +norec",
      "Check the firewall for rules on UDP and TCP port 53 towards that address",
      "If the address is an old one (B-root was renumbered in 2023), update the root hints"),

  /** No root server answered at all: outbound DNS is blocked or forced through a proxy. */
  ALL_UNREACHABLE(
      "dns.root.all-unreachable",
      Severity.ERROR,
      "No root server answered",
      "None of the root servers replied. A resolver on this machine could not start resolution"
          + " from the roots, so every name it has not cached fails. Since the thirteen roots are"
          + " run by twelve organisations from hundreds of sites, the cause is almost always"
          + " local: outbound DNS is blocked or forced through a proxy.",
      "Check that this machine may send DNS (UDP and TCP port 53) to the Internet",
      "Ask your network team whether DNS must go through a designated resolver",
      "Test name resolution through the resolver your mail server uses"),

  /**
   * Every root address of one family failed while the other worked: check this machine's routes.
   */
  FAMILY_UNREACHABLE(
      "dns.root.family-unreachable",
      Severity.WARNING,
      "No root server answered over one address family (IPv4 or IPv6)",
      "Every root address of one family failed while the other family answered. This says more"
          + " about this machine than about the roots: usually it has no working IPv6 route (or"
          + " no IPv4 one). A resolver here should be told to use only the family that works, or"
          + " it loses time on every query it sends the broken way.",
      "Check the machine's routes for the failing family (ping a known address of that family)",
      "Limit the diagnosis and the resolver to the family that works until the route is fixed"),

  /**
   * Roots serve different root zone SOA serials (RFC 1035 §3.3.13); RSSAC047 measures publication
   * latency. Check again later, and from another network.
   */
  SERIAL_MISMATCH(
      "dns.root.serial-mismatch",
      Severity.WARNING,
      "Root servers serve different versions of the root zone",
      "The SOA serial of the root zone differs between roots. For a short time after each new"
          + " root zone (published about twice a day) that is normal; a root that stays behind"
          + " hands out old delegations (RSSAC047 measures how fast new zones reach every root)."
          + " A very old serial from a \"root\" can also mean that something on the path answers"
          + " in the root's place with a stale copy.",
      "Ask again in an hour; a lag that persists is worth reporting to the root's operator",
      "Compare the serial with another vantage point (a different network)"),

  /**
   * Roots refer the same name to different NS sets or glue (RFC 1034 §4.3.2); compare the referrals
   * and suspect interception when only some roots differ.
   */
  REFERRAL_MISMATCH(
      "dns.root.referral-mismatch",
      Severity.WARNING,
      "Root servers refer the name to different servers",
      "The roots disagree about who serves the top-level domain: the NS sets or their glue"
          + " addresses differ. During a change of the TLD's servers that can happen for a few"
          + " hours; otherwise some \"roots\" are not what they claim, and a sender could be sent"
          + " to different servers for your domain depending on which root it asked.",
      "Compare the referrals in the report, root by root",
      "Ask the same roots from another network; if only some differ here, suspect interception"),

  /** A root answers much slower than the others; RSSAC047 §4.4 bars: 250 ms UDP, 500 ms TCP. */
  SLOW(
      "dns.root.slow",
      Severity.WARNING,
      "A root server answers much slower than the others",
      "This root took far longer than the others (RSSAC047 expects 250 ms over UDP and 500 ms"
          + " over TCP as the upper bound of normal latency). Resolvers learn to prefer faster"
          + " roots, so one slow root rarely hurts, but it points at a long or congested path to"
          + " that root's nearest anycast site.",
      "Repeat the query to that root a few times; a single slow reply can be a lost packet",
      "Trace the route to the root's address to see where the time goes"),

  /**
   * A "root server" sets RA (RFC 1035 §4.1.1): roots never recurse, so something on the path
   * answers in its place. Check firewalls and security software for DNS redirection.
   */
  RECURSION_OFFERED(
      "dns.root.recursion-offered",
      Severity.ERROR,
      "A \"root server\" offers recursion: something on the path is answering for it",
      "Real root servers never recurse, so they never set the RA flag. A reply with RA set came"
          + " from a resolver: a firewall, hotel or ISP network, or an antivirus product is"
          + " catching DNS packets addressed to the roots and answering itself. Everything this"
          + " machine learns about other domains' mail servers then comes from that interceptor.",
      "Ask the same root from another network and compare",
      "Check the firewall and any security software for DNS redirection or \"DNS protection\"",
      "Ask the network team whether port 53 traffic is transparently redirected"),

  /**
   * A root answered a name below a TLD itself instead of referring it (RFC 1034 §4.3.2 step 3b): a
   * resolver or proxy answered for the root.
   */
  UNEXPECTED_ANSWER(
      "dns.root.unexpected-answer",
      Severity.ERROR,
      "A \"root server\" answered a question it should have referred",
      "The root zone holds only the delegations of top-level domains, so a root answers a"
          + " question about a name such as example.org with a referral to the org servers, never"
          + " with the records themselves. A direct answer means a resolver or a DNS proxy"
          + " answered in the root's place, and its answers may be stale or rewritten.",
      "Ask the same question with nslookup, server set to the root's address, from another"
          + " network",
      "Check the firewall and security software for DNS interception"),

  /** Root zone data came without AA (RFC 1035 §4.1.1): the reply came from a cache, not a root. */
  NOT_AUTHORITATIVE(
      "dns.root.not-authoritative",
      Severity.WARNING,
      "A root server answered for the root zone without the authoritative flag",
      "Answers about the root zone itself (its SOA, its NS set) come from the roots with the AA"
          + " flag set. A reply without it came from a cache, not from a root: often a DNS proxy"
          + " in the path.",
      "Ask the root again with dig +norec and look at the flags",
      "Check for DNS interception on this network"),

  /** A root answered REFUSED, SERVFAIL or another error (RFC 1035 §4.1.1); roots never do. */
  ERROR_RCODE(
      "dns.root.error-rcode",
      Severity.WARNING,
      "A root server answered with an error code",
      "The roots answer every well-formed question with an answer, a referral or NXDOMAIN; they"
          + " do not refuse or fail. REFUSED, SERVFAIL or NOTIMP from a root address means"
          + " something else answered, such as a middlebox that blocks direct DNS.",
      "Check which device answers DNS on the path (the firewall's DNS settings)",
      "Ask the same root from another network"),

  /**
   * The hints differ from the root NS set and glue of the priming answer (RFC 9609 §3); update the
   * hints (B-root was renumbered in 2023).
   */
  HINTS_STALE(
      "dns.root.hints-stale",
      Severity.WARNING,
      "The root hints are out of date",
      "The hints (the list of roots a resolver starts from) differ from what the roots"
          + " themselves say in reply to the priming query (RFC 9609). A resolver primes from"
          + " whichever hint answers and then uses the live list, so it keeps working as long as"
          + " one hint is right; but an old address may one day belong to someone else. B-root's"
          + " addresses changed in 2023, so hints files from before then are stale.",
      "Update the resolver's root hints (for example the dns-root-data package, or IANA's"
          + " named.root)",
      "Check firewall rules that allow DNS to the roots by address"),

  /** No hinted root answered the priming query (RFC 9609 §3): a resolver could not start. */
  PRIMING_FAILED(
      "dns.root.priming-failed",
      Severity.ERROR,
      "The priming query got no usable answer",
      "A resolver starts by asking a root for the list of roots (\". NS\", the priming query of"
          + " RFC 9609). None of the hinted roots returned that list, so a resolver with these"
          + " hints could not start at all.",
      "Check that DNS to the root addresses is allowed",
      "Check the hints for stale or mistyped addresses"),

  /** The priming answer lacked AA or root server addresses (RFC 9609 §4). */
  PRIMING_INCOMPLETE(
      "dns.root.priming-incomplete",
      Severity.WARNING,
      "The priming answer is incomplete",
      "The reply to the priming query should be authoritative and carry the addresses of the"
          + " root servers it names (RFC 9609 §4). Without them a resolver must look the root"
          + " servers up separately, or keeps using its hints.",
      "Repeat the priming query over TCP to rule out truncation",
      "Ask the root from another network to rule out a DNS proxy"),

  /**
   * Lame delegation (RFC 8499 §7): a listed server does not answer authoritatively. Ask it for the
   * zone's SOA directly; fix it or remove it from the NS set.
   */
  LAME_DELEGATION(
      "dns.trace.lame-delegation",
      Severity.ERROR,
      "Lame delegation: a listed name server does not serve the zone",
      "The parent zone names a server as authoritative for the zone, but that server does not"
          + " answer for it authoritatively: it refuses, fails, answers from a cache, or refers"
          + " the question elsewhere (RFC 8499 §7). Resolvers that pick that server waste time"
          + " and retry; if all servers are lame, the domain cannot be resolved and mail to it"
          + " is delayed and then bounces.",
      "Ask the lame server directly for the zone's SOA with nslookup (server set to it)",
      "Fix the server's zone configuration, or remove it from the NS records at the registrar"),

  /**
   * A referral leads sideways or upwards (RFC 1034 §4.3.2 requires progress down the tree), or
   * glueless name servers can only be found through each other.
   */
  REFERRAL_LOOP(
      "dns.trace.referral-loop",
      Severity.ERROR,
      "Referral loop: a server refers back up the tree or to itself",
      "Each referral must lead one step down the tree towards the name. This server referred"
          + " to a zone at the same level or above (or the name servers of two zones can only be"
          + " found through each other), so a resolver following it goes round in circles until"
          + " it gives up with SERVFAIL.",
      "Check the NS records of the zone at the parent and at the child for mistakes",
      "Make sure each listed server actually loads the zone"),

  /** The trace hit its step or query bound (resolvers bound work too, RFC 1035 §7.1). */
  STEP_LIMIT(
      "dns.trace.step-limit",
      Severity.ERROR,
      "The trace needed too many steps",
      "The delegation chain was longer than the trace allows, or too many queries were needed"
          + " to find name server addresses. Real chains are a handful of steps; resolvers give"
          + " up on long ones too.",
      "Look at the steps in the report for a zone that keeps delegating",
      "Give name servers glue, or names in zones that resolve quickly"),

  /**
   * Additional-section addresses outside the referring zone, or for names not referred to, were
   * ignored (RFC 2181 §5.4.1).
   */
  OUT_OF_BAILIWICK_GLUE(
      "dns.trace.out-of-bailiwick-glue",
      Severity.WARNING,
      "Out-of-bailiwick glue was ignored",
      "A referral carried addresses for names the referring server has no authority over, or"
          + " for names that are not among the servers it refers to. Resolvers ignore such"
          + " records (RFC 2181 §5.4.1), because accepting them is how cache poisoning works;"
          + " the trace ignored them as well.",
      "Remove stray address records from the parent zone's delegation",
      "If the records were not in the zone, check what rewrites DNS replies on the path"),

  /** An in-domain name server has no glue at the parent (RFC 9471): ask the registrar for glue. */
  MISSING_GLUE(
      "dns.trace.missing-glue",
      Severity.WARNING,
      "A name server inside the zone has no glue",
      "A name server whose name lies inside the zone it serves (ns1.example.org for"
          + " example.org) can only be found through glue: address records at the parent."
          + " Without them a resolver cannot reach that server (RFC 9471). If every server lacks"
          + " glue, the zone cannot be resolved at all.",
      "Ask the registrar to publish glue (A and AAAA records) for the name server",
      "Check the delegation at the parent with nslookup against a TLD server"),

  /** No address found for any name server of a zone: resolution stops (RFC 1034 §4.3.2). */
  NS_UNRESOLVABLE(
      "dns.trace.ns-unresolvable",
      Severity.ERROR,
      "No address found for any name server of the zone",
      "The referral names the zone's servers but neither gives their addresses nor could they"
          + " be looked up. Resolution stops here: senders cannot find the domain's MX records.",
      "Look up each name server's A and AAAA records with nslookup",
      "Ask the registrar to correct the NS records or add glue"),

  /** No server of a zone answered: check that they run and port 53 is open. */
  ZONE_UNREACHABLE(
      "dns.trace.zone-unreachable",
      Severity.ERROR,
      "No name server of the zone answered",
      "Every server the parent names for this zone was asked and none replied in time."
          + " Resolvers see the same and answer SERVFAIL, so senders queue mail and retry until"
          + " they give up and bounce it.",
      "Check that the name servers are running and reachable on UDP and TCP port 53",
      "Check the firewall in front of the name servers"),

  /**
   * One server of a zone did not answer while another did: check it, or remove it from the NS set.
   */
  SERVER_UNREACHABLE(
      "dns.trace.server-unreachable",
      Severity.WARNING,
      "A name server of the zone did not answer",
      "One of the zone's listed servers gave no reply while another answered. Resolvers retry"
          + " with the others, so names still resolve, but more slowly, and one more failure"
          + " takes the zone down.",
      "Check that the server is running and reachable on UDP and TCP port 53",
      "Remove servers that were retired from the NS records at the registrar"),

  /**
   * A recursive resolver's answer differs from the authoritative one: often a cache holding old
   * records until their TTL expires (RFC 1035 §3.2.1, RFC 2308 for negative caching).
   */
  RECURSIVE_MISMATCH(
      "dns.trace.recursive-mismatch",
      Severity.WARNING,
      "The resolver's answer differs from the authoritative answer",
      "The records your resolver returns are not the ones the domain's own servers hold now."
          + " After a recent change that is the resolver's cache: it keeps the old records until"
          + " their TTL runs out, and mail goes to the old servers meanwhile. Without a recent"
          + " change, the resolver is answering from somewhere else (a forwarder, a filter, a"
          + " split-horizon view).",
      "Compare with nslookup against the domain's authoritative servers and against your"
          + " resolver",
      "Wait for the old records' TTL to run out, or flush the resolver's cache",
      "Check for a forwarder or an internal zone that overrides the public one");

  private final Text text;

  RootFinding(String id, Severity severity, String title, String explanation, String... nextSteps) {
    this.text = new Text(id, severity, title, explanation, List.of(nextSteps));
  }

  @Override
  public Text text() {
    return text;
  }
}
