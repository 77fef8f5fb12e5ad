package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.dns.DnsFinding;
import dev.mailpath.diag.dns.ReverseReport;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Hands a conversation the reverse DNS that a delivery-path check looked up for the address from
 * DNS, so that the banner and EHLO names are compared with the PTR of the exchange's real address
 * even when a lab maps it to another one. The lookup runs beside the connection; the conversation
 * waits for it only when it reads the banner. Never resolves host names: the check connects to
 * address literals.
 */
public final class DeliveryPathReverse implements HostResolver {
  private final CompletableFuture<ReverseReport> lookup;

  /**
   * Wraps a reverse lookup in progress.
   *
   * @param lookup the lookup; a {@code null} result means reverse DNS is off
   */
  public DeliveryPathReverse(CompletableFuture<ReverseReport> lookup) {
    this.lookup = lookup;
  }

  @Override
  public Resolution resolve(String host) {
    return new Resolution(List.of(), List.of());
  }

  @Override
  public Optional<Reverse> reverse(InetAddress address) {
    ReverseReport r = lookup.join();
    if (r == null || !usable(r)) {
      return Optional.empty();
    }
    return Optional.of(new Reverse(r.names(), r.confirmedNames(), r.findings()));
  }

  /**
   * Tells whether a reverse lookup says something about the PTR records: names were found, or the
   * answer was that there are none. A lookup that failed (timeout, SERVFAIL, REFUSED) must not be
   * read as "no PTR", or every banner would be reported as a mismatch.
   *
   * @param r the reverse report
   * @return {@code true} when it can be compared with names
   */
  public static boolean usable(ReverseReport r) {
    return !r.names().isEmpty() || r.findings().stream().anyMatch(f -> f.is(DnsFinding.PTR_NONE));
  }
}
