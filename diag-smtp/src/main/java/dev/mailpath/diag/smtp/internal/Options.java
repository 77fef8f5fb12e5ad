package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.TlsFailurePolicy;
import dev.mailpath.diag.dns.MxResolver;
import dev.mailpath.diag.smtp.SmtpTimeouts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

/**
 * The settings of a conversation or session. Only {@link dev.mailpath.diag.smtp.SmtpConversation}
 * changes them, always on a {@link #copy()}, so a published instance never changes.
 */
public final class Options {
  /** Creates default settings. */
  public Options() {}

  /** Host as given. */
  public String host;

  /** TCP port. */
  public int port;

  /** SMTPS: TLS before the greeting. */
  public boolean implicitTls;

  /** Per-phase timeouts. */
  public SmtpTimeouts timeouts = SmtpTimeouts.rfc5321();

  /** Overall deadline of a scripted run. */
  public Duration deadline = Duration.ofMinutes(30);

  /** Whether to pipeline MAIL/RCPT/DATA when offered. */
  public boolean pipelining;

  /** Whether to add SMTPUTF8 to MAIL when offered. */
  public boolean smtpUtf8;

  /** Local address to bind, or null. */
  public InetAddress localAddress;

  /** Caller's TLS context, or null. */
  public SSLContext sslContext;

  /** Caller's trust manager, or null. */
  public X509TrustManager trustManager;

  /** SNI and certificate name, or null for the host. */
  public String expectedTlsName;

  /** What a certificate problem does. */
  public TlsFailurePolicy tlsFailure = TlsFailurePolicy.FAIL;

  /** Clock, sockets, executor, listener. */
  public DiagEnvironment environment = DiagEnvironment.system();

  /** Explicit resolver seam (tests), or null. */
  public HostResolver resolver;

  /** Caller's diag-dns resolver, or null. */
  public MxResolver mxResolver;

  /** Caller's DNS servers, possibly empty. */
  public List<InetSocketAddress> dnsServers = List.of();

  /** EHLO name after STARTTLS when none was given, or null. */
  public String defaultEhloName;

  /**
   * Returns a copy to change.
   *
   * @return the copy
   */
  public Options copy() {
    Options o = new Options();
    o.host = host;
    o.port = port;
    o.implicitTls = implicitTls;
    o.timeouts = timeouts;
    o.deadline = deadline;
    o.pipelining = pipelining;
    o.smtpUtf8 = smtpUtf8;
    o.localAddress = localAddress;
    o.sslContext = sslContext;
    o.trustManager = trustManager;
    o.expectedTlsName = expectedTlsName;
    o.tlsFailure = tlsFailure;
    o.environment = environment;
    o.resolver = resolver;
    o.mxResolver = mxResolver;
    o.dnsServers = dnsServers;
    o.defaultEhloName = defaultEhloName;
    return o;
  }

  /**
   * Returns the resolver seam: an explicit one (tests), else diag-dns with the caller's resolver or
   * DNS servers (and reverse DNS checks of the banner), else diag-dns with the system's DNS
   * configuration for host names only, else nothing.
   *
   * @param env the environment for a resolver built here
   * @return the resolver
   */
  public HostResolver resolver(DiagEnvironment env) {
    if (resolver != null) {
      return resolver;
    }
    if (mxResolver != null) {
      return new DnsHostResolver(mxResolver, true);
    }
    if (!dnsServers.isEmpty()) {
      // Built once per script and reused by every run: a resolver owns a transport with its own
      // sockets, far too costly to build for each conversation.
      MxResolver r = builtResolver;
      if (r == null) {
        r = MxResolver.builder().servers(dnsServers).environment(env).build();
        builtResolver = r;
      }
      return new DnsHostResolver(r, true);
    }
    return new SystemDnsResolver(env);
  }

  /** The resolver built from {@link #dnsServers}; a cache, not a setting, so not copied. */
  private volatile MxResolver builtResolver;

  /**
   * No DNS given: host names still go through diag-dns (the system's resolv.conf read by dnsjava),
   * never the JDK's lookup; no reverse checks. The resolver is only built when a host name needs
   * it, so a conversation with an IP literal costs no DNS setup at all.
   */
  private static final class SystemDnsResolver implements HostResolver {
    private final DiagEnvironment env;

    SystemDnsResolver(DiagEnvironment env) {
      this.env = env;
    }

    @Override
    public Resolution resolve(String host) {
      HostResolver delegate;
      try {
        delegate = new DnsHostResolver(MxResolver.builder().environment(env).build(), false);
      } catch (IllegalStateException e) {
        delegate = NoDnsResolver.INSTANCE;
      }
      return delegate.resolve(host);
    }

    @Override
    public java.util.Optional<Reverse> reverse(InetAddress address) {
      return java.util.Optional.empty();
    }
  }
}
