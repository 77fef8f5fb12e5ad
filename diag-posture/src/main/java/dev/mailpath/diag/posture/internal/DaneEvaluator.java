package dev.mailpath.diag.posture.internal;

import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.dns.DnsRecord;
import dev.mailpath.diag.dns.DnssecReport;
import dev.mailpath.diag.dns.DnssecStatus;
import dev.mailpath.diag.dns.RecordType;
import dev.mailpath.diag.posture.DaneExchangeResult;
import dev.mailpath.diag.posture.DaneFinding;
import dev.mailpath.diag.posture.TlsaRecord;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The DANE rules of RFC 7672 for one exchange, given the DNSSEC reports of its MX, address and TLSA
 * questions and (only when DANE applies) the certificate chain of a STARTTLS session. Stateless;
 * never throws for what the DNS or the server sent.
 */
public final class DaneEvaluator {
  /** TLSA records looked at per exchange; more are reported as unusable. */
  static final int MAX_TLSA = 32;

  private DaneEvaluator() {}

  /**
   * What a STARTTLS session showed.
   *
   * @param chain the certificates presented, leaf first; empty without a session
   * @param error why there was no session, or empty
   */
  public record TlsOutcome(List<X509Certificate> chain, Optional<String> error) {
    /** Copies the list. */
    public TlsOutcome {
      chain = List.copyOf(chain);
    }
  }

  /**
   * Evaluates one exchange.
   *
   * @param exchange the exchange name
   * @param mxStatus the DNSSEC status of the domain's MX RRset
   * @param address the validation of the exchange's address records
   * @param tlsa the validation of its TLSA records
   * @param tls makes the STARTTLS session; called only when DANE applies
   * @return the result
   */
  public static DaneExchangeResult evaluate(
      String exchange,
      DnssecStatus mxStatus,
      DnssecReport address,
      DnssecReport tlsa,
      Supplier<TlsOutcome> tls) {
    List<Finding> findings = new ArrayList<>();
    Evidence ex = Evidence.of("exchange", exchange);
    List<TlsaRecord> records = new ArrayList<>();
    int unreadable = 0;
    for (DnsRecord r : tlsa.records()) {
      if (r.type() != RecordType.TLSA) {
        continue;
      }
      if (records.size() >= MAX_TLSA) {
        unreadable++;
        continue;
      }
      Optional<TlsaRecord> t = TlsaRecord.parse(r.data());
      if (t.isPresent()) {
        records.add(t.get());
      } else {
        unreadable++;
      }
    }
    if (unreadable > 0) {
      findings.add(
          DaneFinding.UNUSABLE_TLSA.finding(
              unreadable + " TLSA record(s) of " + exchange + " could not be read or were too many",
              ex));
    }
    boolean hasTlsa = !records.isEmpty() || unreadable > 0;
    switch (tlsa.status()) {
      case BOGUS ->
          findings.add(
              DaneFinding.TLSA_BOGUS.finding(
                  "TLSA of " + exchange + " is bogus: " + tlsa.reason().orElse("?"), ex));
      case INDETERMINATE ->
          findings.add(
              DaneFinding.TLSA_INDETERMINATE.finding(
                  "TLSA of " + exchange + ": " + tlsa.reason().orElse("?"), ex));
      case INSECURE -> {
        if (hasTlsa) {
          findings.add(
              DaneFinding.TLSA_INSECURE.finding(
                  exchange + " publishes TLSA records in an unsigned zone", ex));
        }
      }
      case SECURE -> {
        if (!hasTlsa) {
          findings.add(DaneFinding.NO_TLSA.finding(exchange + " publishes no TLSA records", ex));
        }
      }
    }
    List<TlsaRecord> usable = new ArrayList<>();
    for (TlsaRecord r : records) {
      Optional<String> problem = r.problem();
      if (problem.isEmpty()) {
        usable.add(r);
      } else if (r.usage() == 0 || r.usage() == 1) {
        findings.add(
            DaneFinding.PKIX_USAGE.finding(
                "TLSA " + r + " of " + exchange + ": " + problem.get(), ex));
      } else {
        findings.add(
            DaneFinding.UNUSABLE_TLSA.finding(
                "TLSA " + r + " of " + exchange + ": " + problem.get(), ex));
      }
    }
    boolean secureTlsa = tlsa.status() == DnssecStatus.SECURE && hasTlsa;
    if (secureTlsa && mxStatus != DnssecStatus.SECURE) {
      findings.add(
          DaneFinding.MX_NOT_SECURE.finding(
              exchange + " has TLSA records, but the MX RRset is " + mxStatus, ex));
    }
    if (secureTlsa && address.status() != DnssecStatus.SECURE) {
      findings.add(
          DaneFinding.ADDRESS_NOT_SECURE.finding(
              exchange + " has TLSA records, but its address records are " + address.status(), ex));
    }
    if (secureTlsa && usable.isEmpty()) {
      findings.add(
          DaneFinding.NO_USABLE_TLSA.finding(
              "none of the " + records.size() + " TLSA records of " + exchange + " is usable", ex));
    }
    boolean applies =
        secureTlsa
            && !usable.isEmpty()
            && mxStatus == DnssecStatus.SECURE
            && address.status() == DnssecStatus.SECURE;
    int certificates = 0;
    Optional<String> tlsError = Optional.empty();
    List<TlsaRecord> matched = new ArrayList<>();
    if (applies) {
      TlsOutcome outcome = tls.get();
      certificates = outcome.chain().size();
      tlsError = outcome.error();
      if (outcome.chain().isEmpty()) {
        findings.add(
            DaneFinding.STARTTLS_FAILED.finding(
                "no TLS session with "
                    + exchange
                    + ": "
                    + outcome.error().orElse("no certificate presented"),
                ex));
      } else {
        for (TlsaRecord r : usable) {
          if (TlsaMatcher.matches(r, outcome.chain())) {
            matched.add(r);
          }
        }
        String presented =
            "the leaf key's SHA-256 is "
                + TlsaMatcher.associationData(outcome.chain().get(0), 1, 1)
                + " (\"3 1 1\")";
        if (matched.isEmpty()) {
          findings.add(
              DaneFinding.MISMATCH.finding(
                  "the chain of " + exchange + " matches none of " + usable + "; " + presented,
                  ex));
        } else if (matched.size() < usable.size()) {
          findings.add(
              DaneFinding.ROLLOVER.finding(
                  exchange + ": " + matched + " match(es); the other usable record(s) do not", ex));
        } else {
          findings.add(DaneFinding.MATCH.finding(exchange + " matches " + matched, ex));
        }
      }
    }
    return new DaneExchangeResult(
        exchange,
        address.status(),
        tlsa.status(),
        records,
        applies,
        certificates,
        tlsError,
        matched,
        findings);
  }
}
