package dev.mailpath.diag.trace;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code Authentication-Results} field (RFC 8601): which server checked the message (the
 * authserv-id) and the result of each method (spf, dkim, dmarc, arc, ...).
 *
 * <p>Only fields added by your own boundary servers can be trusted: anyone upstream can write an
 * {@code Authentication-Results} field. Compare {@link #authservId()} with the names of your
 * servers (see {@link ReceivedChain.Builder#trustedAuthservId(String)}). Microsoft 365 writes
 * fields without an authserv-id; those have an empty {@link #authservId()}.
 *
 * @param authservId the authentication service identifier, usually the receiving host name
 * @param results the method results in field order
 * @param raw the unfolded field value
 */
public record AuthenticationResults(Optional<String> authservId, List<Result> results, String raw) {

  /**
   * Validates the components and copies the list.
   *
   * @param authservId the authentication service identifier, usually the receiving host name
   * @param results the method results in field order
   * @param raw the unfolded field value
   */
  public AuthenticationResults {
    requireNonNull(authservId, "authservId");
    requireNonNull(raw, "raw");
    results = List.copyOf(results);
  }

  /**
   * Returns the result of the first entry for a method.
   *
   * @param method a method name such as {@code dmarc}, any case
   * @return the result such as {@code pass} or {@code fail}, lower case; empty when the method is
   *     not in the field
   */
  public Optional<String> result(String method) {
    String m = method.toLowerCase(Locale.ROOT);
    return results.stream().filter(r -> r.method().equals(m)).map(Result::result).findFirst();
  }

  /** Returns {@code authserv-id: spf=pass dkim=pass dmarc=fail}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(authservId.orElse("(no authserv-id)")).append(':');
    if (results.isEmpty()) {
      sb.append(" none");
    }
    for (Result r : results) {
      sb.append(' ').append(r.method()).append('=').append(r.result());
    }
    return sb.toString();
  }

  /**
   * One method's result, such as {@code dkim=pass header.d=example.org}.
   *
   * @param method the method, lower case ({@code spf}, {@code dkim}, {@code dmarc}, {@code arc},
   *     {@code auth}, {@code iprev}, ...)
   * @param result the result, lower case ({@code pass}, {@code fail}, {@code softfail}, {@code
   *     neutral}, {@code none}, {@code temperror}, {@code permerror}, ...)
   * @param reason the {@code reason=} text, when given
   * @param properties the properties such as {@code header.d} or {@code smtp.mailfrom}, in order
   * @param comment the first comment, for example Gmail's explanation of an SPF result
   */
  public record Result(
      String method,
      String result,
      Optional<String> reason,
      Map<String, String> properties,
      Optional<String> comment) {

    /**
     * Validates the components and copies the map.
     *
     * @param method the method, lower case ({@code spf}, {@code dkim}, {@code dmarc}, {@code arc},
     *     {@code auth}, {@code iprev}, ...)
     * @param result the result, lower case ({@code pass}, {@code fail}, {@code softfail}, {@code
     *     neutral}, {@code none}, {@code temperror}, {@code permerror}, ...)
     * @param reason the {@code reason=} text, when given
     * @param properties the properties such as {@code header.d} or {@code smtp.mailfrom}, in order
     * @param comment the first comment, for example Gmail's explanation of an SPF result
     */
    public Result {
      requireNonNull(method, "method");
      requireNonNull(result, "result");
      requireNonNull(reason, "reason");
      requireNonNull(comment, "comment");
      properties = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(properties));
    }

    /**
     * Tells whether the result is a failure ({@code fail}).
     *
     * @return {@code true} for {@code fail}
     */
    public boolean failed() {
      return result.equals("fail");
    }

    /**
     * Tells whether the check could not be evaluated ({@code temperror} or {@code permerror}).
     *
     * @return {@code true} for an error result
     */
    public boolean error() {
      return result.equals("temperror") || result.equals("permerror");
    }
  }
}
