package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.smtp.SmtpFinding;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * The resolver used when no DNS is configured: it resolves nothing (IP literals and {@code
 * localhost} never reach a resolver), so that a host name never silently goes to the JDK's system
 * lookup.
 */
public enum NoDnsResolver implements HostResolver {
  /** The one instance. */
  INSTANCE;

  @Override
  public Resolution resolve(String host) {
    return new Resolution(
        List.of(),
        List.of(
            SmtpFinding.HOST_UNRESOLVED.finding(
                "Cannot resolve "
                    + host
                    + ": no DNS resolver configured; connect by IP address"
                    + " or name DNS servers with SmtpClient.builder().dns(...)",
                Evidence.of("host", host))));
  }

  @Override
  public Optional<Reverse> reverse(InetAddress address) {
    return Optional.empty();
  }
}
