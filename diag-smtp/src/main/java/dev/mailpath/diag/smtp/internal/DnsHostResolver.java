package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.dns.AddressReport;
import dev.mailpath.diag.dns.MxResolver;
import dev.mailpath.diag.dns.ReverseReport;
import dev.mailpath.diag.smtp.SmtpFinding;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * The {@link HostResolver} backed by diag-dns: host names and reverse DNS through an {@link
 * MxResolver}, that is through the caller's DNS servers, never the JDK's system lookup.
 */
public final class DnsHostResolver implements HostResolver {
  private final MxResolver resolver;
  private final boolean reverseChecks;

  /**
   * Wraps a resolver.
   *
   * @param resolver the diag-dns resolver
   * @param reverseChecks whether to look up reverse DNS for the banner check
   */
  public DnsHostResolver(MxResolver resolver, boolean reverseChecks) {
    this.resolver = resolver;
    this.reverseChecks = reverseChecks;
  }

  @Override
  public Resolution resolve(String host) {
    try {
      AddressReport r = resolver.addresses(host);
      return new Resolution(r.addresses(), r.findings());
    } catch (IllegalArgumentException e) {
      return new Resolution(
          List.of(),
          List.of(
              SmtpFinding.HOST_UNRESOLVED.finding(
                  "Cannot resolve " + host + ": " + e.getMessage(), Evidence.of("host", host))));
    }
  }

  @Override
  public Optional<Reverse> reverse(InetAddress address) {
    if (!reverseChecks) {
      return Optional.empty();
    }
    ReverseReport r = resolver.reverse(address);
    return Optional.of(new Reverse(r.names(), r.confirmedNames(), r.findings()));
  }
}
