/**
 * mailpath's sender authentication: SPF ({@code SpfCheck}, RFC 7208), DKIM verification ({@code
 * DkimVerifier}, RFC 6376 and 8463) and DMARC ({@code DmarcCheck}, RFC 9989), all on diag-dns's
 * engine and configured by one {@code DnsSettings}.
 */
module dev.mailpath.diag.auth {
  requires transitive dev.mailpath.diag.core;
  requires transitive dev.mailpath.diag.dns;
  requires org.slf4j;

  exports dev.mailpath.diag.auth;
  // The DNS helper of the policy checks (TXT answers classified, strings decoded), shared with the
  // posture checks (MTA-STS, TLS-RPT); not API.
  exports dev.mailpath.diag.auth.internal to
      dev.mailpath.diag.posture;

  provides dev.mailpath.diag.core.FindingCatalog.Provider with
      dev.mailpath.diag.auth.internal.AuthFindingCatalog;
}
