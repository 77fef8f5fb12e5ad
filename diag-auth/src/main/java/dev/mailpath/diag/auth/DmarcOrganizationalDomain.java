package dev.mailpath.diag.auth;

import static java.util.Objects.requireNonNull;

/**
 * The Organizational Domain of a name and how the DNS Tree Walk found it (RFC 9989, "Organizational
 * Domain Discovery"). Relaxed alignment compares these.
 *
 * @param domain the Organizational Domain, lower case, without a final dot
 * @param basis which selection rule decided
 */
public record DmarcOrganizationalDomain(String domain, Basis basis) {

  /** The selection rules, tried on the walk's records from the longest name to the shortest. */
  public enum Basis {
    /** A record with {@code psd=n}: that domain is its own Organizational Domain. */
    PSD_N,
    /** A record with {@code psd=y} above the start: the domain one label below it. */
    BELOW_PSD_Y,
    /** No psd tag decided: the domain with the fewest labels that has a valid record. */
    FEWEST_LABELS,
    /** No valid record anywhere on the walk: the domain where the walk started. */
    NO_RECORD
  }

  /**
   * Checks the components.
   *
   * @param domain the domain
   * @param basis the rule
   */
  public DmarcOrganizationalDomain {
    requireNonNull(domain, "domain");
    requireNonNull(basis, "basis");
  }

  /**
   * Explains the choice in a sentence.
   *
   * @return for example {@code "example.org: the shortest name on the walk with a DMARC record"}
   */
  public String explanation() {
    return domain
        + switch (basis) {
          case PSD_N -> ": its DMARC record says psd=n (it is its own Organizational Domain)";
          case BELOW_PSD_Y ->
              ": one label below a public suffix domain whose DMARC record says psd=y";
          case FEWEST_LABELS -> ": the shortest name on the tree walk with a DMARC record";
          case NO_RECORD -> ": no DMARC record on the tree walk, so the name itself";
        };
  }
}
