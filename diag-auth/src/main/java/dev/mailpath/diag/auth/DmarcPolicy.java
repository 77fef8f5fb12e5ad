package dev.mailpath.diag.auth;

import java.util.Locale;

/** A Domain Owner Assessment Policy: the value of the {@code p}, {@code sp} and {@code np} tags. */
public enum DmarcPolicy {
  /** {@code none}: no expression of preference; monitoring only. */
  NONE,
  /** {@code quarantine}: failing mail is suspicious (for example, deliver to Junk). */
  QUARANTINE,
  /** {@code reject}: failing mail is not valid use of the domain. */
  REJECT;

  /**
   * Returns the tag value.
   *
   * @return {@code none}, {@code quarantine} or {@code reject}
   */
  public String tagValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
