/**
 * The mail posture of a domain: will other servers deliver to it securely, and is it blocklisted?
 * MTA-STS and TLS-RPT, DNSSEC and DANE for SMTP, DNSBL listings, on mailpath's DNS, SMTP and
 * authentication checks.
 */
module dev.mailpath.diag.posture {
  requires transitive dev.mailpath.diag.core;
  requires transitive dev.mailpath.diag.dns;
  requires transitive dev.mailpath.diag.smtp;
  requires transitive dev.mailpath.diag.auth;
  requires org.slf4j;

  exports dev.mailpath.diag.posture;

  provides dev.mailpath.diag.core.FindingCatalog.Provider with
      dev.mailpath.diag.posture.internal.PostureFindingCatalog;
}
