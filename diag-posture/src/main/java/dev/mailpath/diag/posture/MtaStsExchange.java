package dev.mailpath.diag.posture;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One MX host of a domain matched against its MTA-STS policy.
 *
 * @param host the MX host name, lower case, without the final dot
 * @param pattern the policy's {@code mx} pattern that matched it; empty when none did
 */
public record MtaStsExchange(String host, Optional<String> pattern) {

  /**
   * Validates the components.
   *
   * @param host the host
   * @param pattern the matching pattern
   */
  public MtaStsExchange {
    requireNonNull(host, "host");
    requireNonNull(pattern, "pattern");
  }

  /**
   * Tells whether the policy allows this host.
   *
   * @return true when a pattern matched
   */
  public boolean covered() {
    return pattern.isPresent();
  }
}
