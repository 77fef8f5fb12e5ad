package dev.mailpath.diag.posture;

import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Severity;
import java.util.List;

/**
 * The finding codes of DNSSEC validation and DANE for SMTP (RFC 7672) checks ({@code dnssec.* and
 * dane.*}). Each constant's {@link #id()} is stable API; the catalog text (title, explanation, next
 * steps) is what {@code docs/findings.md} shows.
 */
public enum DaneFinding implements FindingCode.WithText {
  ;

  private final Text text;

  DaneFinding(String id, Severity severity, String title, String explanation, String... steps) {
    this.text = new Text(id, severity, title, explanation, List.of(steps));
  }

  @Override
  public Text text() {
    return text;
  }
}
