package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.TlsMode;
import dev.mailpath.diag.core.TlsSettings;
import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.smtp.SmtpTimeouts;
import java.net.InetAddress;
import java.time.Duration;

/**
 * The settings of one conversation or session: the script's target and TLS mode merged with the
 * connection settings of the {@code SmtpClient} that plays it. Always changed on a {@link #copy()},
 * so a published instance never changes.
 */
public final class Options {
  /** Creates default settings. */
  public Options() {}

  // ---------------------------------------------------------------- the script's part

  /** Host as given (a name, or an IP literal without brackets). */
  public String host;

  /** TCP port. */
  public int port;

  /** When TLS starts. */
  public TlsMode tlsMode = TlsMode.NONE;

  /** SNI and certificate name for this target, or null for the client's or the host. */
  public String expectedTlsName;

  /** Whether to pipeline MAIL/RCPT/DATA when offered. */
  public boolean pipelining;

  /** Whether to add SMTPUTF8 to MAIL when offered. */
  public boolean smtpUtf8;

  /** Resolver seam of one script (reverse DNS already known, tests), or null. */
  public HostResolver resolver;

  // ---------------------------------------------------------------- the client's part

  /** Per-phase timeouts. */
  public SmtpTimeouts timeouts = SmtpTimeouts.rfc5321();

  /** Overall deadline of a scripted run. */
  public Duration deadline = Duration.ofMinutes(30);

  /** Local address to bind, or null. */
  public InetAddress localAddress;

  /** Trust, expected name and failure policy. */
  public TlsSettings tls = TlsSettings.system();

  /** Clock, sockets, executor, listener. */
  public DiagEnvironment environment = DiagEnvironment.system();

  /** The client's resolver (its DNS settings), or null for the system's DNS. */
  public HostResolver clientResolver;

  /** Limits of the transcript. */
  public Transcript.Limits transcript = Transcript.Limits.DEFAULT;

  /** EHLO name when the script gives none (after STARTTLS, implicit EHLO), or null. */
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
    o.tlsMode = tlsMode;
    o.expectedTlsName = expectedTlsName;
    o.pipelining = pipelining;
    o.smtpUtf8 = smtpUtf8;
    o.resolver = resolver;
    o.timeouts = timeouts;
    o.deadline = deadline;
    o.localAddress = localAddress;
    o.tls = tls;
    o.environment = environment;
    o.clientResolver = clientResolver;
    o.defaultEhloName = defaultEhloName;
    o.transcript = transcript;
    return o;
  }

  /**
   * Returns a copy with another TLS mode.
   *
   * @param mode the mode
   * @return the copy
   */
  public Options copyWith(TlsMode mode) {
    Options o = copy();
    o.tlsMode = mode;
    return o;
  }

  /**
   * Returns the name the certificate must match: the script's, else the client's TLS settings',
   * else null for the host connected to.
   *
   * @return the expected name, or null
   */
  public String expectedTlsName() {
    return expectedTlsName != null ? expectedTlsName : tls.expectedName().orElse(null);
  }

  /**
   * Returns the resolver seam: the script's (tests, known reverse DNS), else the client's, else
   * diag-dns with the system's DNS configuration for host names only.
   *
   * @param env the environment for a resolver built here
   * @return the resolver
   */
  public HostResolver resolver(DiagEnvironment env) {
    if (resolver != null) {
      return resolver;
    }
    if (clientResolver != null) {
      return clientResolver;
    }
    return new ClientDns(dev.mailpath.diag.dns.DnsSettings.system(), env);
  }
}
