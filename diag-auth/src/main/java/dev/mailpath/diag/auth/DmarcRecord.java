package dev.mailpath.diag.auth;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One parsed DMARC policy record (RFC 9989, "General Record Format" and "Formal Definition"): the
 * TXT text at {@code _dmarc.<domain>} and its tags. Tags with invalid values are absent here (the
 * defaults apply) and the report that holds the record has a finding for each.
 *
 * @param text the record text, the TXT strings joined
 * @param policy {@code p}; empty when absent or invalid
 * @param subdomainPolicy {@code sp}; empty when absent or invalid
 * @param nonExistentPolicy {@code np}; empty when absent or invalid
 * @param dkimAlignment {@code adkim} (default relaxed)
 * @param spfAlignment {@code aspf} (default relaxed)
 * @param testing {@code t=y}: the owner asks receivers not to apply the policy yet
 * @param publicSuffix {@code psd} (default {@link Psd#UNKNOWN})
 * @param aggregateReports the {@code rua} destinations
 * @param failureReports the {@code ruf} destinations
 * @param failureOptions {@code fo} (default {@code 0})
 */
public record DmarcRecord(
    String text,
    Optional<DmarcPolicy> policy,
    Optional<DmarcPolicy> subdomainPolicy,
    Optional<DmarcPolicy> nonExistentPolicy,
    DmarcAlignment dkimAlignment,
    DmarcAlignment spfAlignment,
    boolean testing,
    Psd publicSuffix,
    List<DmarcReportUri> aggregateReports,
    List<DmarcReportUri> failureReports,
    String failureOptions) {

  /** The {@code psd} tag: whether the record's domain is a Public Suffix Domain. */
  public enum Psd {
    /** {@code psd=y}: a public suffix (its operator publishes policy for names below it). */
    YES,
    /** {@code psd=n}: the domain is its own Organizational Domain. */
    NO,
    /** {@code psd=u} or absent: decided by the tree walk. */
    UNKNOWN
  }

  /**
   * Checks the components and copies the lists.
   *
   * @param text the text
   * @param policy p
   * @param subdomainPolicy sp
   * @param nonExistentPolicy np
   * @param dkimAlignment adkim
   * @param spfAlignment aspf
   * @param testing t=y
   * @param publicSuffix psd
   * @param aggregateReports rua
   * @param failureReports ruf
   * @param failureOptions fo
   */
  public DmarcRecord {
    requireNonNull(text, "text");
    requireNonNull(policy, "policy");
    requireNonNull(subdomainPolicy, "subdomainPolicy");
    requireNonNull(nonExistentPolicy, "nonExistentPolicy");
    requireNonNull(dkimAlignment, "dkimAlignment");
    requireNonNull(spfAlignment, "spfAlignment");
    requireNonNull(publicSuffix, "publicSuffix");
    aggregateReports = List.copyOf(aggregateReports);
    failureReports = List.copyOf(failureReports);
    requireNonNull(failureOptions, "failureOptions");
  }

  /**
   * Returns a copy with other report destinations (after the external destination check).
   *
   * @param aggregateReports rua
   * @param failureReports ruf
   * @return the copy
   */
  public DmarcRecord withReportUris(
      List<DmarcReportUri> aggregateReports, List<DmarcReportUri> failureReports) {
    return new DmarcRecord(
        text,
        policy,
        subdomainPolicy,
        nonExistentPolicy,
        dkimAlignment,
        spfAlignment,
        testing,
        publicSuffix,
        aggregateReports,
        failureReports,
        failureOptions);
  }
}
