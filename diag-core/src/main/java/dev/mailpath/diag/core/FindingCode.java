package dev.mailpath.diag.core;

import java.util.List;

/**
 * A stable, documented finding code such as {@code dns.mx.null} or {@code relay.open}.
 *
 * <p>Each module keeps its codes as an enum implementing this interface ({@code
 * DnsFinding.NULL_MX} has the id {@code dns.mx.null}). The enum constant carries the catalog
 * text: a default severity, a one-line title, an explanation that teaches what the finding
 * means, and next steps in the voice of a mail administrator's field guide. Reports expose the
 * dotted {@link #id()} string through {@link Finding#code()}, which tools may switch on: ids
 * never change once released.
 *
 * <p>Every code is listed in the findings catalog ({@code docs/findings.md}), and {@link
 * FindingCatalog#all()} lists the codes of every module on the class path.
 */
public interface FindingCode {

  /**
   * Returns the stable dotted id, for example {@code dns.mx.null}.
   *
   * @return the id; lower case, dot-separated, hyphens inside words
   */
  String id();

  /**
   * Returns the severity a finding with this code has unless the reporter chooses another.
   *
   * @return the default severity
   */
  Severity defaultSeverity();

  /**
   * Returns a one-line title for the catalog, for example "Null MX: the domain accepts no mail".
   *
   * @return the title
   */
  String title();

  /**
   * Returns what this finding means and why it matters.
   *
   * @return the explanation
   */
  String explanation();

  /**
   * Returns what to check or do next, in order.
   *
   * @return the next steps, possibly empty
   */
  List<String> nextSteps();

  /**
   * Creates a finding with this code, its default severity, explanation and next steps.
   *
   * <pre>{@code
   * Finding f = DnsFinding.NXDOMAIN.finding("example.invalid does not exist",
   *     Evidence.of("server", "127.0.0.1:5353"));
   * }</pre>
   *
   * @param summary what was observed in this diagnosis, in one line
   * @param evidence supporting facts (server asked, reply text, transcript line)
   * @return a new finding
   */
  default Finding finding(String summary, Evidence... evidence) {
    return new Finding(id(), defaultSeverity(), summary, explanation(), nextSteps(), List.of(evidence));
  }

  /**
   * Creates a finding with this code and an explicit severity.
   *
   * @param severity the severity to report instead of the default
   * @param summary what was observed, in one line
   * @param evidence supporting facts
   * @return a new finding
   */
  default Finding finding(Severity severity, String summary, Evidence... evidence) {
    return new Finding(id(), severity, summary, explanation(), nextSteps(), List.of(evidence));
  }
}
