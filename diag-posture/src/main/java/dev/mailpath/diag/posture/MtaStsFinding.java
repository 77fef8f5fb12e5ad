package dev.mailpath.diag.posture;

import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Severity;
import java.util.List;

/**
 * The finding codes of MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) checks ({@code mta-sts.* and
 * tlsrpt.*}). Each constant's {@link #id()} is stable API; the catalog text (title, explanation,
 * next steps) is what {@code docs/findings.md} shows.
 */
public enum MtaStsFinding implements FindingCode.WithText {
  ;

  private final Text text;

  MtaStsFinding(String id, Severity severity, String title, String explanation, String... steps) {
    this.text = new Text(id, severity, title, explanation, List.of(steps));
  }

  @Override
  public Text text() {
    return text;
  }
}
