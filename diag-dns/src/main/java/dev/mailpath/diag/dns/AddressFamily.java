package dev.mailpath.diag.dns;

/** Which address records to look up for a host: A, AAAA or both. */
public enum AddressFamily {
  /** A records only. */
  IPV4,
  /** AAAA records only. */
  IPV6,
  /** A and AAAA records, looked up in parallel. */
  BOTH;

  /**
   * Tells whether A records are looked up.
   *
   * @return {@code true} for IPV4 and BOTH
   */
  public boolean includesIpv4() {
    return this != IPV6;
  }

  /**
   * Tells whether AAAA records are looked up.
   *
   * @return {@code true} for IPV6 and BOTH
   */
  public boolean includesIpv6() {
    return this != IPV4;
  }
}
