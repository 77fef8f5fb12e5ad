package dev.mailpath.diag.posture;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.dns.DnssecStatus;
import java.util.List;
import java.util.Optional;

/**
 * DANE for one exchange of a domain: the DNSSEC status of its address and of its {@code _25._tcp}
 * TLSA records, the records, and how the certificate chain it presented in STARTTLS matched them.
 *
 * @param exchange the exchange's host name (absolute, with the final dot)
 * @param addressStatus DNSSEC status of its address records
 * @param tlsaStatus DNSSEC status of its TLSA RRset (or of the proof that there is none)
 * @param tlsaRecords the TLSA records, as published (usable or not)
 * @param daneApplies whether DANE senders authenticate this exchange: secure MX, address and TLSA
 *     records with at least one usable record
 * @param certificates the number of certificates the server presented; 0 when no TLS session was
 *     made (or none was attempted)
 * @param tlsError why STARTTLS or the handshake failed, when it did
 * @param matched the usable records that matched the presented chain
 * @param findings the findings for this exchange (also in the domain's report)
 */
public record DaneExchangeResult(
    String exchange,
    DnssecStatus addressStatus,
    DnssecStatus tlsaStatus,
    List<TlsaRecord> tlsaRecords,
    boolean daneApplies,
    int certificates,
    Optional<String> tlsError,
    List<TlsaRecord> matched,
    List<Finding> findings) {

  /**
   * Checks the components and copies the lists.
   *
   * @param exchange the exchange
   * @param addressStatus address status
   * @param tlsaStatus TLSA status
   * @param tlsaRecords the records
   * @param daneApplies whether DANE applies
   * @param certificates certificates presented
   * @param tlsError TLS failure
   * @param matched matching records
   * @param findings findings
   */
  public DaneExchangeResult {
    requireNonNull(exchange, "exchange");
    requireNonNull(addressStatus, "addressStatus");
    requireNonNull(tlsaStatus, "tlsaStatus");
    requireNonNull(tlsError, "tlsError");
    tlsaRecords = List.copyOf(tlsaRecords);
    matched = List.copyOf(matched);
    findings = List.copyOf(findings);
  }

  /**
   * Tells whether DANE senders would deliver to this exchange: DANE applies and the chain matched a
   * usable record, or DANE does not apply.
   *
   * @return {@code false} when DANE applies and no record matched
   */
  public boolean deliverable() {
    return !daneApplies || !matched.isEmpty();
  }
}
