package dev.mailpath.diag.posture;

import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Severity;
import java.util.List;

/**
 * The finding codes of DNSBL checks ({@code dnsbl.*}). Each constant's {@link #id()} is stable API;
 * the catalog text (title, explanation, next steps) is what {@code docs/findings.md} shows.
 */
public enum DnsblFinding implements FindingCode.WithText {
  ;

  private final Text text;

  DnsblFinding(String id, Severity severity, String title, String explanation, String... steps) {
    this.text = new Text(id, severity, title, explanation, List.of(steps));
  }

  @Override
  public Text text() {
    return text;
  }
}
