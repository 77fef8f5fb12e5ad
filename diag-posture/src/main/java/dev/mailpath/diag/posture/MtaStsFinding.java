package dev.mailpath.diag.posture;

import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Severity;
import java.util.List;

/**
 * The finding codes of MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) checks ({@code mta-sts.* and
 * tlsrpt.*}). Each constant's {@link #id()} is stable API; the catalog text (title, explanation,
 * next steps) is what {@code docs/findings.md} shows.
 */
public enum MtaStsFinding implements FindingCode.WithText {

  /** RFC 8461 §3.1: no {@code _mta-sts} record and no policy: the domain does not use MTA-STS. */
  ABSENT(
      "mta-sts.absent",
      Severity.INFO,
      "No MTA-STS: senders may deliver to this domain without TLS or to a forged MX",
      "The domain publishes no TXT record at _mta-sts.<domain> and no policy at"
          + " https://mta-sts.<domain>/.well-known/mta-sts.txt. Senders then accept any MX host"
          + " and any certificate, and an attacker on the path can strip STARTTLS.",
      "Publish a policy in mode testing first, with one mx: line per MX host",
      "Then publish the TXT record \"v=STSv1; id=<date-and-counter>\" at _mta-sts.<domain>"),

  /** RFC 8461 §3.1: several records start with v=STSv1; senders treat the domain as without one. */
  MULTIPLE_RECORDS(
      "mta-sts.multiple-records",
      Severity.ERROR,
      "Several MTA-STS records: senders ignore MTA-STS for this domain",
      "More than one TXT record at _mta-sts.<domain> starts with v=STSv1. RFC 8461 tells senders"
          + " to assume the domain has no MTA-STS policy when the number of such records is not"
          + " exactly one, so your policy is not applied.",
      "Keep exactly one TXT record starting with v=STSv1 at _mta-sts.<domain>"),

  /** RFC 8461 §3.1: the TXT record does not follow the grammar. */
  RECORD_SYNTAX(
      "mta-sts.record-syntax",
      Severity.ERROR,
      "MTA-STS record syntax error: senders ignore the policy",
      "The TXT record at _mta-sts.<domain> does not follow RFC 8461: it must read"
          + " \"v=STSv1; id=<1 to 32 letters and digits>\". A syntactically invalid record means"
          + " senders assume the domain has no MTA-STS policy.",
      "Rewrite the record as \"v=STSv1; id=20260101T000000\" (letters and digits only in id)"),

  /** RFC 8461 §3.3: a record is published but no valid policy could be fetched. */
  RECORD_WITHOUT_POLICY(
      "mta-sts.record-without-policy",
      Severity.ERROR,
      "MTA-STS record without a policy: senders cannot fetch the policy",
      "The domain announces MTA-STS in DNS, but the policy host could not be reached (no"
          + " address, connection refused or reset, TLS handshake failed). Senders that find the"
          + " record and no policy treat the domain as without MTA-STS, and report failures to"
          + " your TLS-RPT address.",
      "Check that mta-sts.<domain> resolves and serves HTTPS on port 443",
      "Fetch https://mta-sts.<domain>/.well-known/mta-sts.txt with curl -v"),

  /** RFC 8461 §3.1: a policy is served but no record announces it, so no sender fetches it. */
  POLICY_WITHOUT_RECORD(
      "mta-sts.policy-without-record",
      Severity.WARNING,
      "MTA-STS policy without a record: no sender will use it",
      "A policy is served at https://mta-sts.<domain>/.well-known/mta-sts.txt, but there is no"
          + " valid TXT record at _mta-sts.<domain>. Senders only fetch the policy when the record"
          + " exists, so the policy has no effect.",
      "Publish the TXT record \"v=STSv1; id=<date-and-counter>\" at _mta-sts.<domain>",
      "Or remove the policy if MTA-STS was withdrawn on purpose"),

  /** RFC 8461 §3.2: the policy text does not follow the grammar or lacks a required field. */
  POLICY_SYNTAX(
      "mta-sts.policy-syntax",
      Severity.ERROR,
      "MTA-STS policy syntax error",
      "The policy file does not follow RFC 8461 §3.2: \"key: value\" lines with version: STSv1,"
          + " mode: enforce, testing or none, max_age in seconds (at most 31557600) and one mx:"
          + " line per allowed MX pattern. Senders discard an invalid policy.",
      "Compare the file line by line with the example in RFC 8461 §3.2",
      "Fix or remove the line named in the finding"),

  /** RFC 8461 §4.1: an MX host is not matched by any mx pattern of the policy. */
  MX_NOT_COVERED(
      "mta-sts.mx-not-covered",
      Severity.CRITICAL,
      "An MX host is not listed in the MTA-STS policy: senders will not deliver there",
      "Senders that apply an enforce policy refuse to deliver to an MX host that matches none of"
          + " the policy's mx patterns (a wildcard *.example.net matches exactly one label). Mail"
          + " that would go to that host is deferred and then bounced, often days later. Under"
          + " testing mode senders deliver anyway and only report the failure.",
      "Add an mx: line for the host (or a wildcard covering it), then change the id of the"
          + " _mta-sts record so senders fetch the new policy",
      "Or remove the host from the MX records if it should not receive mail"),

  /** RFC 8461 §5: testing mode: failures are reported, not enforced. */
  MODE_TESTING(
      "mta-sts.mode-testing",
      Severity.WARNING,
      "MTA-STS in testing mode: mail is not protected yet",
      "In testing mode senders deliver even when the MX host or its certificate does not match"
          + " the policy; they only send TLS-RPT reports. This is the right first step, but"
          + " it does not protect mail against downgrade or MX forgery.",
      "Read the TLS-RPT reports for a few weeks",
      "When they show no failures, change mode: to enforce and change the record's id"),

  /** RFC 8461 §5: mode none: the policy is withdrawn. */
  MODE_NONE(
      "mta-sts.mode-none",
      Severity.INFO,
      "MTA-STS mode none: the policy is withdrawn",
      "Mode none tells senders to forget any cached policy for the domain: MTA-STS is switched"
          + " off. This is the documented way to withdraw a policy.",
      "If MTA-STS should protect mail, publish mode testing or enforce and change the id"),

  /** RFC 8461 §3.2: max_age far below the expected range of weeks. */
  MAX_AGE_SHORT(
      "mta-sts.max-age-short",
      Severity.WARNING,
      "MTA-STS max_age is short: the policy protects little between fetches",
      "max_age says how long senders cache the policy. RFC 8461 expects weeks or more: a short"
          + " lifetime lets an attacker who blocks the policy fetch make senders forget the policy"
          + " quickly.",
      "Set max_age to at least 604800 (one week); 31557600 (one year) is the maximum"),

  /** RFC 8461 §3.3: the policy host's certificate does not validate for mta-sts.domain. */
  CERTIFICATE_INVALID(
      "mta-sts.certificate-invalid",
      Severity.ERROR,
      "The MTA-STS policy host's certificate is not valid",
      "Senders fetch the policy over HTTPS and require a certificate valid for"
          + " mta-sts.<domain> that chains to a trusted root. With this certificate the fetch"
          + " fails, so senders treat the domain as without a policy.",
      "Get a certificate whose subjectAltName contains mta-sts.<domain>",
      "Check it with openssl s_client -connect mta-sts.<domain>:443 -servername"
          + " mta-sts.<domain>"),

  /** RFC 8461 §3.3: HTTP redirects must not be followed. */
  REDIRECT(
      "mta-sts.redirect",
      Severity.ERROR,
      "The MTA-STS policy URL redirects: senders do not follow redirects",
      "RFC 8461 §3.3 forbids following HTTP 3xx redirects when fetching the policy. A redirect"
          + " (often to www. or to a provider's page) means senders get no policy.",
      "Serve the file directly at https://mta-sts.<domain>/.well-known/mta-sts.txt with status"
          + " 200"),

  /** RFC 8461 §3.3: the policy fetch returned a status other than 200 (and not a redirect). */
  HTTP_STATUS(
      "mta-sts.http-status",
      Severity.ERROR,
      "The MTA-STS policy URL does not answer 200 OK",
      "Senders accept only a 200 response for the policy. Any other status means no policy.",
      "Place the file at /.well-known/mta-sts.txt on the mta-sts.<domain> web server"),

  /** RFC 8461 §3.2: the media type must be text/plain. */
  CONTENT_TYPE(
      "mta-sts.content-type",
      Severity.ERROR,
      "The MTA-STS policy is not served as text/plain",
      "RFC 8461 §3.2 has senders check that the policy's media type is text/plain (to guard"
          + " against user-uploaded content on the web server); a sender that checks discards a"
          + " policy served as anything else.",
      "Configure the web server to send Content-Type: text/plain for mta-sts.txt"),

  /** A policy larger than the size limit (64 KiB) is not read. */
  TOO_LARGE(
      "mta-sts.too-large",
      Severity.ERROR,
      "The MTA-STS policy is too large: senders stop reading",
      "Senders bound the size of the policy they read (64 KiB is the usual limit, and the"
          + " one mailpath applies); a larger response is discarded, so there is no policy.",
      "Serve only the policy: a few short lines of key: value"),

  /** The policy fetch did not complete within the time limit. */
  TIMEOUT(
      "mta-sts.timeout",
      Severity.ERROR,
      "The MTA-STS policy fetch timed out",
      "The policy host did not answer in time. Senders bound the time of the fetch and treat a"
          + " host that is too slow as one without a policy.",
      "Check the load and the network path of the mta-sts.<domain> web server"),

  /** A DNS question of the check failed temporarily, so a result may be missing. */
  TEMPERROR(
      "mta-sts.temperror",
      Severity.WARNING,
      "DNS error during the MTA-STS check: the result is incomplete",
      "A DNS query (the _mta-sts record, the MX records or the policy host's addresses) timed"
          + " out or failed with SERVFAIL. Senders that meet the same error defer the check.",
      "Repeat the check; if it persists, check the domain's name servers"),

  /** RFC 8461 §3.1: the policy changed but the record's id did not, so caches keep the old one. */
  ID_UNCHANGED(
      "mta-sts.id-unchanged",
      Severity.ERROR,
      "The MTA-STS policy changed but the record's id did not",
      "Senders fetch the policy again only when the id in the _mta-sts record changes. A new"
          + " policy under the old id stays unseen by senders that cached the old one, for up to"
          + " max_age seconds.",
      "Change the id of the _mta-sts record whenever the policy changes"),

  /** RFC 8460 §3: no {@code _smtp._tls} record. */
  TLSRPT_ABSENT(
      "tlsrpt.absent",
      Severity.INFO,
      "No TLS-RPT record: you get no reports of TLS failures",
      "Without a TXT record at _smtp._tls.<domain> senders cannot tell you when they fail to"
          + " deliver securely (MTA-STS or DANE failures, expired certificates).",
      "Publish \"v=TLSRPTv1; rua=mailto:tls-reports@<domain>\" at _smtp._tls.<domain>"),

  /** RFC 8460 §3: several records start with v=TLSRPTv1; senders send no reports. */
  TLSRPT_MULTIPLE_RECORDS(
      "tlsrpt.multiple-records",
      Severity.ERROR,
      "Several TLS-RPT records: senders send no reports",
      "RFC 8460 tells senders to assume the domain does not implement TLS-RPT when more than"
          + " one record at _smtp._tls.<domain> starts with v=TLSRPTv1.",
      "Keep one record; list several destinations in its rua= separated by commas"),

  /** RFC 8460 §3: the record does not follow the grammar (version, rua). */
  TLSRPT_SYNTAX(
      "tlsrpt.syntax",
      Severity.ERROR,
      "TLS-RPT record syntax error",
      "The record does not follow RFC 8460 §3: \"v=TLSRPTv1; rua=<uri>[,<uri>]\" with exactly"
          + " one rua field. Senders ignore an invalid record.",
      "Rewrite the record as \"v=TLSRPTv1; rua=mailto:tls-reports@<domain>\""),

  /** RFC 8460 §3: a rua destination has a scheme other than mailto or https. */
  TLSRPT_RUA_SCHEME(
      "tlsrpt.rua-scheme",
      Severity.ERROR,
      "TLS-RPT destination with an unsupported scheme",
      "RFC 8460 defines two ways to receive reports: mailto: (by mail) and https: (HTTP POST)."
          + " Senders skip any other destination, including plain http:, which would also expose"
          + " the reports on the path.",
      "Use mailto:address or https://url for every destination in rua=");

  private final Text text;

  MtaStsFinding(String id, Severity severity, String title, String explanation, String... steps) {
    this.text = new Text(id, severity, title, explanation, List.of(steps));
  }

  @Override
  public Text text() {
    return text;
  }
}
