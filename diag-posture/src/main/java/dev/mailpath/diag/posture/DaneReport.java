package dev.mailpath.diag.posture;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.ReportText;
import dev.mailpath.diag.dns.DnssecStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * DANE for SMTP (RFC 7672) of one domain, from {@link DaneCheck}: the DNSSEC status of its MX RRset
 * and a result per exchange.
 *
 * @param domain the domain (absolute, with the final dot)
 * @param mxStatus DNSSEC status of the MX RRset
 * @param exchanges one result per exchange, in MX order (the domain itself when it has no MX)
 * @param findings every finding: the domain's and each exchange's
 * @param startedAt when the check started
 * @param elapsed how long it took
 */
public record DaneReport(
    String domain,
    DnssecStatus mxStatus,
    List<DaneExchangeResult> exchanges,
    List<Finding> findings,
    Instant startedAt,
    Duration elapsed)
    implements DiagnosticReport {

  /**
   * Checks the components and copies the lists.
   *
   * @param domain the domain
   * @param mxStatus the MX RRset's status
   * @param exchanges the exchanges
   * @param findings the findings
   * @param startedAt when it started
   * @param elapsed how long it took
   */
  public DaneReport {
    requireNonNull(domain, "domain");
    requireNonNull(mxStatus, "mxStatus");
    requireNonNull(startedAt, "startedAt");
    requireNonNull(elapsed, "elapsed");
    exchanges = List.copyOf(exchanges);
    findings = List.copyOf(findings);
  }

  /**
   * Returns the outcome, from the worst finding.
   *
   * @return the outcome
   */
  @Override
  public Outcome outcome() {
    return Outcome.fromFindings(findings);
  }

  /** Returns one line per exchange and the findings. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("DANE of ").append(domain).append(" (MX ");
    sb.append(mxStatus).append(')');
    for (DaneExchangeResult e : exchanges) {
      sb.append("\n  ")
          .append(e.exchange())
          .append(": TLSA ")
          .append(e.tlsaStatus())
          .append(' ')
          .append(e.tlsaRecords())
          .append(e.daneApplies() ? ", DANE applies" : ", DANE does not apply")
          .append(", matched ")
          .append(e.matched());
    }
    return ReportText.of(sb.toString()).render(this, elapsed);
  }
}
