package dev.mailpath.diag.auth;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One report destination of a {@code rua} or {@code ruf} tag and whether it may receive the
 * domain's reports.
 *
 * <p>A destination outside the Organizational Domain of the record's domain is "external": it must
 * publish a TXT record starting with {@code v=DMARC1} at {@code
 * <organizational-domain>._report._dmarc.<destination-domain>} (the external destination check of
 * RFC 7489 §7.1, kept by the DMARC reporting documents that go with RFC 9989), or report generators
 * send it nothing.
 *
 * @param uri the URI as written in the record (without an obsolete {@code !size} suffix)
 * @param domain the destination's domain (the part after {@code @} of a {@code mailto:} URI, the
 *     host of other URIs), lower case; empty when the URI is invalid
 * @param destination what the check found
 */
public record DmarcReportUri(String uri, Optional<String> domain, Destination destination) {

  /** The result of the external destination check. */
  public enum Destination {
    /** The destination is inside the record domain's Organizational Domain: no check needed. */
    SAME_ORGANIZATION,
    /** External, and the destination publishes the authorization record. */
    AUTHORIZED,
    /** External, and the destination publishes no authorization record: no reports go there. */
    NOT_AUTHORIZED,
    /** Not checked: the URI is invalid, or DNS failed (see the findings). */
    NOT_CHECKED
  }

  /**
   * Checks that no component is null.
   *
   * @param uri the URI text
   * @param domain the destination domain
   * @param destination the check result
   */
  public DmarcReportUri {
    requireNonNull(uri, "uri");
    requireNonNull(domain, "domain");
    requireNonNull(destination, "destination");
  }

  /**
   * Returns a copy with another check result.
   *
   * @param destination the check result
   * @return the copy
   */
  public DmarcReportUri withDestination(Destination destination) {
    return new DmarcReportUri(uri, domain, destination);
  }
}
