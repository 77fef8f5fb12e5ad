package dev.mailpath.diag.auth;

import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Severity;
import java.util.List;

/**
 * The finding codes of DMARC checks ({@code dmarc.*}). Each constant's {@link #id()} is stable API;
 * the catalog text (title, explanation, next steps) is what {@code docs/findings.md} shows.
 */
public enum DmarcFinding implements FindingCode.WithText {

  /** RFC 9989 policy discovery: no valid record on the whole DNS Tree Walk. */
  NONE(
      "dmarc.none",
      Severity.WARNING,
      "No DMARC record: receivers apply no DMARC policy to this domain",
      "Neither the domain nor any parent on the DNS Tree Walk publishes a DMARC record (a TXT"
          + " record at _dmarc.<domain> starting with v=DMARC1). Receivers then cannot tell"
          + " forged mail from real mail using this domain in From:, and you get no reports.",
      "Publish a TXT record at _dmarc.<your domain>, for example \"v=DMARC1; p=none;"
          + " rua=mailto:dmarc@<your domain>\"",
      "Check it with nslookup -type=txt _dmarc.<your domain>"),

  /** RFC 9989 tree walk: several DMARC records at one name are all discarded. */
  MULTIPLE_RECORDS(
      "dmarc.multiple-records",
      Severity.ERROR,
      "Several DMARC records at one name: all of them are ignored",
      "More than one TXT record at this _dmarc name starts with v=DMARC1. RFC 9989 tells"
          + " receivers to discard them all and go on as if there were none, so the policy you"
          + " meant to publish is not applied.",
      "Keep exactly one TXT record starting with v=DMARC1 at the name",
      "Merge the tags you need into that one record"),

  /** RFC 9989 General Record Format: a tag has an invalid value, or a tag cannot be read. */
  SYNTAX(
      "dmarc.syntax",
      Severity.WARNING,
      "DMARC record syntax error: a tag is ignored",
      "A tag of the DMARC record cannot be read or has a value outside its syntax. Receivers"
          + " ignore it and use the default (RFC 9989), which may not be what you meant.",
      "Compare each tag with RFC 9989's table of tags: tag=value pairs separated by \";\"",
      "Fix or remove the tag named in the finding"),

  /** RFC 9989 policy discovery: invalid p/sp/np and no usable rua, so the record is unusable. */
  POLICY_INVALID(
      "dmarc.policy-invalid",
      Severity.ERROR,
      "DMARC policy tag invalid: receivers apply no DMARC processing",
      "The record's p, sp or np tag has a value other than none, quarantine or reject. With a"
          + " valid rua tag receivers act as if p=none were published; without one they apply"
          + " no DMARC processing at all (RFC 9989, policy discovery).",
      "Set p= (and sp=/np= if used) to none, quarantine or reject"),

  /** RFC 9989: no p tag, so the record is read as p=none. */
  POLICY_MISSING(
      "dmarc.policy-missing",
      Severity.WARNING,
      "DMARC record without p=: read as p=none",
      "The record has no p tag. RFC 9989 treats it as p=none (monitoring only); receivers that"
          + " follow RFC 7489 may ignore the record entirely, as p was required there.",
      "Add p=none, p=quarantine or p=reject right after v=DMARC1"),

  /** p=none (or the applicable sp/np is none): monitoring only. */
  POLICY_NONE(
      "dmarc.policy-none",
      Severity.WARNING,
      "DMARC policy is none: monitoring only, forged mail is not stopped",
      "The policy that applies is none. Receivers send reports but handle failing mail as if"
          + " DMARC did not exist, so mail forging the domain is still delivered.",
      "Read the aggregate reports until every legitimate source passes SPF or DKIM aligned",
      "Then move to p=quarantine and later p=reject"),

  /** t=y: the owner asks receivers not to apply the policy. */
  TESTING(
      "dmarc.testing",
      Severity.WARNING,
      "DMARC policy in test mode (t=y): not applied",
      "The record says t=y: the Domain Owner is testing the policy and asks receivers not to"
          + " apply it (RFC 9989; this replaces pct=). Failing mail is delivered as usual,"
          + " possibly with the From: rewritten.",
      "Remove t=y (or set t=n) once the reports show all legitimate mail passing"),

  /** A rua/ruf URI is not a valid URI. */
  RUA_INVALID(
      "dmarc.rua-invalid",
      Severity.WARNING,
      "Invalid report address in rua/ruf: no reports go there",
      "A rua or ruf entry is not a valid URI (for example a bare address without mailto:)."
          + " Receivers ignore it, so the reports you expect do not arrive.",
      "Write each destination as a URI: rua=mailto:dmarc@example.org",
      "Separate several destinations with commas"),

  /** External destination check (RFC 7489 §7.1) failed: reports are not sent there. */
  RUA_EXTERNAL_UNAUTHORIZED(
      "dmarc.rua-external-unauthorized",
      Severity.WARNING,
      "External report destination has not authorized your reports",
      "A rua or ruf destination is outside your Organizational Domain and does not publish a TXT"
          + " record starting with v=DMARC1 at <your organizational domain>._report._dmarc."
          + "<destination domain>. Report generators check this and send it nothing.",
      "Ask the destination's operator (your DMARC report provider) to publish the record",
      "Or send reports to an address in your own domain"),

  /** Neither SPF nor DKIM passed for an identifier aligned with From. */
  ALIGNMENT_FAILED(
      "dmarc.alignment-failed",
      Severity.ERROR,
      "DMARC fails: neither SPF nor DKIM passed for a domain aligned with From:",
      "DMARC passes only when SPF passes for the MAIL FROM domain or a DKIM signature verifies,"
          + " and that domain aligns with the From: domain (identical in strict mode, same"
          + " Organizational Domain in relaxed mode). Neither happened, so the policy applies.",
      "Sign with DKIM using d= your From: domain (or a subdomain, with relaxed adkim)",
      "Use a MAIL FROM (Return-Path) domain in your own organization and list the sending"
          + " servers in its SPF record"),

  /** A transient DNS error: no conclusion; timeouts and SERVFAIL are never "no record". */
  TEMPERROR(
      "dmarc.temperror",
      Severity.ERROR,
      "DNS failed during the DMARC check: no conclusion",
      "A DNS query needed for DMARC timed out or failed (SERVFAIL, REFUSED, an unreadable reply),"
          + " or the check ran out of time. That is not the same as \"no record\": receivers"
          + " usually defer or accept such mail, and the result may differ on retry.",
      "Query the name with nslookup -type=txt against the domain's authoritative servers",
      "Check that all of them answer, over UDP and TCP"),

  /** pct= was removed by RFC 9989 and is ignored. */
  PCT_IGNORED(
      "dmarc.pct-ignored",
      Severity.INFO,
      "pct= is ignored (removed by RFC 9989)",
      "RFC 9989 removed the pct tag; receivers following it apply the policy to all failing"
          + " mail, whatever pct says. Only pct=0 had a widely used meaning, now expressed by"
          + " t=y.",
      "Remove pct=; use t=y while testing a policy"),

  /** rf= and ri= were removed by RFC 9989. */
  REMOVED_TAG(
      "dmarc.removed-tag",
      Severity.INFO,
      "Tag removed by RFC 9989 is ignored",
      "The record uses rf or ri, which RFC 9989 removed. Receivers ignore them.",
      "Remove the tag"),

  /** An unknown tag; RFC 9989 says unknown tags are ignored. */
  UNKNOWN_TAG(
      "dmarc.unknown-tag",
      Severity.INFO,
      "Unknown tag in the DMARC record is ignored",
      "The record has a tag that is not in the IANA DMARC tag registry. RFC 9989 says receivers"
          + " must ignore it; check it is not a typo for a real tag (sp, np, adkim, aspf, rua).",
      "Fix the tag name or remove it"),

  /** The domain has no record of its own and inherits its parent's sp/np/p. */
  INHERITED_POLICY(
      "dmarc.inherited-policy",
      Severity.INFO,
      "No record of its own: the policy comes from a parent domain",
      "The domain publishes no DMARC record, so the DNS Tree Walk found a parent's record, and"
          + " its sp tag (np for a name that does not exist; p when those are absent) applies.",
      "If this subdomain needs its own policy, publish _dmarc.<subdomain>");

  private final Text text;

  DmarcFinding(String id, Severity severity, String title, String explanation, String... steps) {
    this.text = new Text(id, severity, title, explanation, List.of(steps));
  }

  @Override
  public Text text() {
    return text;
  }
}
