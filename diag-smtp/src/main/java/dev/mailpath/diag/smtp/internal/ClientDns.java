package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.dns.DnsSettings;
import dev.mailpath.diag.dns.MxResolver;
import java.net.InetAddress;
import java.util.Optional;

/**
 * The resolver of one {@code SmtpClient}: host names (and, when DNS servers were named, the reverse
 * DNS of the banner check) through diag-dns with the client's DNS settings, never the JDK's lookup.
 * The diag-dns resolver is built on first use and then shared by every conversation of the client:
 * a resolver owns a transport, far too costly to build per conversation, and a client that only
 * ever talks to IP literals never builds one.
 */
public final class ClientDns implements HostResolver {
  private final DnsSettings dns;
  private final DiagEnvironment environment;
  private final boolean reverseChecks;
  private volatile HostResolver delegate;

  /**
   * Prepares a resolver; nothing is built yet.
   *
   * @param dns the DNS settings
   * @param environment the environment of the diag-dns resolver
   */
  public ClientDns(DnsSettings dns, DiagEnvironment environment) {
    this.dns = dns;
    this.environment = environment;
    // Reverse checks of the banner only with DNS servers the caller chose: the system's resolver
    // may be a stub that answers PTR queries poorly, which would make every report noisy.
    this.reverseChecks = !dns.servers().isEmpty();
  }

  /**
   * Returns the diag-dns resolver, building it on first use.
   *
   * @return the resolver
   * @throws IllegalStateException when no DNS server was named and the system has none
   */
  public MxResolver mxResolver() {
    return MxResolver.builder().dns(dns).environment(environment).build();
  }

  private HostResolver delegate() {
    HostResolver d = delegate;
    if (d == null) {
      synchronized (this) {
        d = delegate;
        if (d == null) {
          try {
            d = new DnsHostResolver(mxResolver(), reverseChecks);
          } catch (IllegalStateException e) {
            // No DNS servers anywhere: host names become HOST_UNRESOLVED findings.
            d = NoDnsResolver.INSTANCE;
          }
          delegate = d;
        }
      }
    }
    return d;
  }

  @Override
  public Resolution resolve(String host) {
    return delegate().resolve(host);
  }

  @Override
  public Optional<Reverse> reverse(InetAddress address) {
    return reverseChecks ? delegate().reverse(address) : Optional.empty();
  }
}
