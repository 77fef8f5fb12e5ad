package dev.mailpath.diag.auth.internal.spf;

/**
 * One parsed term of an SPF record: a mechanism with its qualifier, or a modifier.
 *
 * @param kind what the term is
 * @param qualifier {@code + - ~ ?} for mechanisms; {@code 0} for modifiers
 * @param text the term as written
 * @param domainSpec the domain-spec or macro-string argument, or null (the current domain)
 * @param network the ip4/ip6 network bytes, or null
 * @param cidr4 the IPv4 prefix length (32 when absent)
 * @param cidr6 the IPv6 prefix length (128 when absent)
 */
public record SpfTerm(
    Kind kind,
    char qualifier,
    String text,
    String domainSpec,
    byte[] network,
    int cidr4,
    int cidr6) {

  /** The kinds of term, RFC 7208 §5 and §6. */
  public enum Kind {
    /** {@code all}. */
    ALL,
    /** {@code include:}. */
    INCLUDE,
    /** {@code a}. */
    A,
    /** {@code mx}. */
    MX,
    /** {@code ptr}. */
    PTR,
    /** {@code ip4:}. */
    IP4,
    /** {@code ip6:}. */
    IP6,
    /** {@code exists:}. */
    EXISTS,
    /** {@code redirect=}. */
    REDIRECT,
    /** {@code exp=}. */
    EXP,
    /** Any other modifier, ignored. */
    UNKNOWN_MODIFIER;

    /**
     * Tells whether evaluating this term counts against the limit of 10 DNS-querying terms (RFC
     * 7208 §4.6.4).
     *
     * @return true for include, a, mx, ptr, exists and redirect
     */
    public boolean countsLookup() {
      return this == INCLUDE
          || this == A
          || this == MX
          || this == PTR
          || this == EXISTS
          || this == REDIRECT;
    }
  }

  /**
   * Tells whether this term is a mechanism.
   *
   * @return true for mechanisms, false for modifiers
   */
  public boolean mechanism() {
    return qualifier != 0;
  }
}
