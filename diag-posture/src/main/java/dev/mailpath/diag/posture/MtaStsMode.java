package dev.mailpath.diag.posture;

/** The {@code mode} of an MTA-STS policy (RFC 8461 §5). */
public enum MtaStsMode {
  /** Senders refuse to deliver to an MX host that fails the policy. */
  ENFORCE("enforce"),
  /** Senders deliver anyway and report failures through TLS-RPT. */
  TESTING("testing"),
  /** The policy is withdrawn: senders forget any cached policy. */
  NONE("none");

  private final String value;

  MtaStsMode(String value) {
    this.value = value;
  }

  /**
   * Returns the value as the policy spells it.
   *
   * @return {@code enforce}, {@code testing} or {@code none}
   */
  public String value() {
    return value;
  }
}
