package dev.mailpath.diag.posture;

/**
 * The categories a {@link MailPostureReport} scores, after internet.nl's mail test (IPv6, DNSSEC,
 * authentication, STARTTLS and DANE), plus two it does not have (MTA-STS with TLS-RPT, and
 * blocklists). The rules are in {@code docs/posture.md}.
 */
public enum PostureCategory {
  /** Every exchange has an IPv6 address that answers SMTP. */
  IPV6("IPv6"),
  /** The domain's MX records and the exchanges' addresses validate as DNSSEC-secure. */
  DNSSEC("DNSSEC"),
  /** SPF, DKIM and DMARC are published and strict enough. */
  AUTHENTICATION("SPF, DKIM and DMARC"),
  /** Every exchange offers STARTTLS with current TLS, and DANE TLSA records match. */
  STARTTLS_DANE("STARTTLS and DANE"),
  /** An enforced MTA-STS policy covers every exchange, and TLS-RPT is published. */
  MTA_STS("MTA-STS and TLS-RPT"),
  /** No exchange address (and not the domain) is on a configured blocklist. */
  DNSBL("Blocklists");

  private final String title;

  PostureCategory(String title) {
    this.title = title;
  }

  /**
   * Returns the category's name for people.
   *
   * @return such as {@code "STARTTLS and DANE"}
   */
  public String title() {
    return title;
  }
}
