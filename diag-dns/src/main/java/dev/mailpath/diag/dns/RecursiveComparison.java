package dev.mailpath.diag.dns;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * The authoritative answer a trace found, side by side with what a recursive resolver answers for
 * the same question. A difference usually means the resolver still serves a cached copy from before
 * a change (it keeps it until the TTL runs out).
 *
 * @param resolver the resolver that answered, when known
 * @param authoritative the authoritative data, normalised and sorted ({@code 10 mx1.example.org}
 *     for MX, address literals for A and AAAA, {@code 0 .} for a null MX)
 * @param recursive the resolver's data, normalised the same way
 */
public record RecursiveComparison(
    Optional<InetSocketAddress> resolver, List<String> authoritative, List<String> recursive) {

  /**
   * Validates the components and copies the lists.
   *
   * @param resolver the resolver that answered, when known
   * @param authoritative the authoritative data, normalised and sorted ({@code 10 mx1.example.org}
   *     for MX, address literals for A and AAAA, {@code 0 .} for a null MX)
   * @param recursive the resolver's data, normalised the same way
   */
  public RecursiveComparison {
    requireNonNull(resolver, "resolver");
    authoritative = List.copyOf(authoritative);
    recursive = List.copyOf(recursive);
  }

  /**
   * Tells whether both sides hold the same data.
   *
   * @return {@code true} when the sorted lists are equal
   */
  public boolean matches() {
    return authoritative.equals(recursive);
  }

  /** Returns {@code authoritative [..] / resolver 127.0.0.1#53 [..]: match|DIFFERENT}. */
  @Override
  public String toString() {
    return "authoritative "
        + authoritative
        + " / resolver "
        + resolver.map(DnsQueryReport::hostPort).orElse("?")
        + " "
        + recursive
        + (matches() ? ": match" : ": DIFFERENT");
  }
}
