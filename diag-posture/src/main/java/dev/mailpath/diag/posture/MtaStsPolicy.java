package dev.mailpath.diag.posture;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A parsed MTA-STS policy (RFC 8461 §3.2): its mode, the MX patterns it allows and how long senders
 * cache it. The version is always {@code STSv1}: a policy with another version is not a policy.
 *
 * @param mode the mode
 * @param mx the {@code mx} patterns in file order, lower case: host names, or {@code *.} followed
 *     by a domain for a wildcard matching exactly one label
 * @param maxAge the {@code max_age} value
 */
public record MtaStsPolicy(MtaStsMode mode, List<String> mx, Duration maxAge) {

  /**
   * Validates the components and copies the list.
   *
   * @param mode the mode
   * @param mx the patterns
   * @param maxAge the cache lifetime
   */
  public MtaStsPolicy {
    requireNonNull(mode, "mode");
    requireNonNull(maxAge, "maxAge");
    mx = mx.stream().map(p -> p.toLowerCase(Locale.ROOT)).toList();
  }

  /**
   * Returns the first pattern that matches a host by RFC 8461 §4.1: equal names, or a wildcard
   * {@code *.example.net} matching a name with exactly one more label ({@code mx1.example.net}, not
   * {@code example.net} nor {@code a.b.example.net}). Case is ignored and a final dot dropped.
   *
   * @param host an MX host name
   * @return the matching pattern; empty when none matches
   */
  public Optional<String> match(String host) {
    requireNonNull(host, "host");
    String h = host.toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    for (String p : mx) {
      if (p.startsWith("*.")) {
        int dot = h.indexOf('.');
        if (dot > 0 && h.substring(dot + 1).equals(p.substring(2))) {
          return Optional.of(p);
        }
      } else if (p.equals(h)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * Returns the policy in its canonical text: {@code version}, {@code mode}, one {@code mx} line
   * per pattern in file order, {@code max_age}, lines ended by CRLF.
   *
   * @return the text
   */
  public String canonicalText() {
    StringBuilder sb = new StringBuilder("version: STSv1\r\nmode: ").append(mode.value());
    sb.append("\r\n");
    for (String p : mx) {
      sb.append("mx: ").append(p).append("\r\n");
    }
    return sb.append("max_age: ").append(maxAge.toSeconds()).append("\r\n").toString();
  }
}
