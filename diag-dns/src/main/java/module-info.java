/**
 * mailpath's DNS diagnostics: MX resolution ({@code MxResolver}), one-question queries ({@code
 * DnsQuery}), root servers ({@code RootServerQuery}) and delegation traces ({@code
 * DelegationTrace}), configured by one {@code DnsSettings}. dnsjava and the non-blocking transport
 * stay inside; no public signature uses their types.
 */
module dev.mailpath.diag.dns {
  requires transitive dev.mailpath.diag.core;
  requires org.dnsjava;
  requires org.slf4j;

  exports dev.mailpath.diag.dns;

  provides dev.mailpath.diag.core.FindingCatalog.Provider with
      dev.mailpath.diag.dns.internal.DnsFindingCatalog;
}
