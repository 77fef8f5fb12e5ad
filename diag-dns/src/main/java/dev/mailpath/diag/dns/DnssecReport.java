package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.ReportText;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The DNSSEC validation of one name and type by {@link DnssecValidator}: the status, why it is not
 * secure, and the chain that was checked (which DS, DNSKEY and RRSIG records, in the order the
 * validator checked them).
 *
 * @param name the name validated (ASCII, absolute, with the final dot)
 * @param type the record type validated
 * @param status the verdict
 * @param reason why the answer is bogus, insecure or indeterminate; empty when secure
 * @param chain the checks made, one line each ({@code DNSKEY example. key 12345 alg 13 matches the
 *     DS ...}, {@code RRSIG A www.example. by example. key 12345 alg 13: valid until ...})
 * @param records the answer records (without their signatures); empty for a denial
 * @param findings {@link DnsFinding#DNSSEC_BOGUS}, {@link DnsFinding#DNSSEC_INSECURE} or {@link
 *     DnsFinding#DNSSEC_INDETERMINATE}; none when secure
 * @param startedAt when the validation started
 * @param elapsed how long it took
 */
public record DnssecReport(
    String name,
    RecordType type,
    DnssecStatus status,
    Optional<String> reason,
    List<String> chain,
    List<DnsRecord> records,
    List<Finding> findings,
    Instant startedAt,
    Duration elapsed)
    implements DiagnosticReport {

  /**
   * Checks the components and copies the lists.
   *
   * @param name the name validated
   * @param type the record type
   * @param status the verdict
   * @param reason why it is not secure
   * @param chain the checks made
   * @param records the answer records
   * @param findings the findings
   * @param startedAt when it started
   * @param elapsed how long it took
   */
  public DnssecReport {
    requireNonNull(name, "name");
    requireNonNull(type, "type");
    requireNonNull(status, "status");
    requireNonNull(reason, "reason");
    requireNonNull(startedAt, "startedAt");
    requireNonNull(elapsed, "elapsed");
    chain = List.copyOf(chain);
    records = List.copyOf(records);
    findings = List.copyOf(findings);
  }

  /**
   * Tells whether the answer validated.
   *
   * @return {@code true} when {@link #status()} is {@link DnssecStatus#SECURE}
   */
  public boolean secure() {
    return status == DnssecStatus.SECURE;
  }

  /**
   * Returns the outcome, from the worst finding: PASS when secure.
   *
   * @return the outcome
   */
  @Override
  public Outcome outcome() {
    return Outcome.fromFindings(findings);
  }

  /** Returns {@code DNSSEC A www.example.test.: SECURE}, the chain and the findings. */
  @Override
  public String toString() {
    StringBuilder sb =
        new StringBuilder("DNSSEC ").append(type).append(' ').append(name).append(": ");
    sb.append(status);
    reason.ifPresent(r -> sb.append(" (").append(r).append(')'));
    for (String step : chain) {
      sb.append("\n  ").append(step);
    }
    return ReportText.of(sb.toString()).render(this, elapsed);
  }
}
