package dev.mailpath.diag.auth.internal.spf;

import java.util.List;
import java.util.Optional;

/**
 * A parsed SPF record: its mechanisms in order, its {@code redirect} and {@code exp} modifiers, or
 * the first syntax error (RFC 7208 §4.6: any syntax error makes the whole record a permerror).
 *
 * @param text the record as published
 * @param mechanisms the mechanisms, in order
 * @param redirect the redirect modifier, or null
 * @param exp the exp modifier, or null
 * @param error the first syntax error, if any
 */
public record SpfRecord(
    String text, List<SpfTerm> mechanisms, SpfTerm redirect, SpfTerm exp, Optional<String> error) {

  /** Copies the list. */
  public SpfRecord {
    mechanisms = List.copyOf(mechanisms);
  }

  /**
   * Tells whether an {@code all} mechanism appears (then {@code redirect} is ignored, §6.1).
   *
   * @return true when there is an all
   */
  public boolean hasAll() {
    for (SpfTerm t : mechanisms) {
      if (t.kind() == SpfTerm.Kind.ALL) {
        return true;
      }
    }
    return false;
  }

  /**
   * Tells whether the text starts with {@code v=spf1} followed by a space or the end, in any case
   * (RFC 7208 §4.5).
   *
   * @param text a TXT record's text
   * @return true for an SPF record
   */
  public static boolean isSpf(String text) {
    return text.length() >= 6
        && text.regionMatches(true, 0, "v=spf1", 0, 6)
        && (text.length() == 6 || text.charAt(6) == ' ');
  }
}
