package dev.mailpath.diag.core;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One thing a diagnosis found: a stable {@link #code()}, a {@link Severity}, a one-line summary of
 * what was observed, an explanation of what it means, the next steps to take, and the evidence.
 *
 * <p>Library code creates findings from a {@link FindingCode} ({@code
 * DnsFinding.NXDOMAIN.finding("...")}) so that every emitted code is in the catalog; the public
 * constructor exists so that users can build findings in their own tests. Immutable.
 *
 * @param code the stable dotted code, for example {@code dns.mx.null}
 * @param severity how much it matters
 * @param summary what was observed, in one line
 * @param explanation what this means and why it matters
 * @param nextSteps what to check next, in order
 * @param evidence supporting facts
 */
public record Finding(
    String code,
    Severity severity,
    String summary,
    String explanation,
    List<String> nextSteps,
    List<Evidence> evidence) {

  /**
   * Validates the components and copies the lists.
   *
   * @param code the stable dotted code, for example {@code dns.mx.null}
   * @param severity how much it matters
   * @param summary what was observed, in one line
   * @param explanation what this means and why it matters
   * @param nextSteps what to check next, in order
   * @param evidence supporting facts
   */
  public Finding {
    requireNonNull(code, "code");
    requireNonNull(severity, "severity");
    requireNonNull(summary, "summary");
    requireNonNull(explanation, "explanation");
    nextSteps = List.copyOf(nextSteps);
    evidence = List.copyOf(evidence);
  }

  /**
   * Tells whether this finding has the given code.
   *
   * @param findingCode the code to compare with
   * @return {@code true} when {@code code().equals(findingCode.id())}
   */
  public boolean is(FindingCode findingCode) {
    return code.equals(findingCode.id());
  }

  /**
   * Returns this finding with every text (summary, explanation, next steps, evidence values) passed
   * through a function, code and severity kept: for example to scrub a secret a server echoed.
   *
   * @param text the function applied to each text
   * @return the finding itself when nothing changed, else the changed copy
   */
  public Finding mapText(UnaryOperator<String> text) {
    requireNonNull(text, "text");
    List<String> steps = nextSteps.stream().map(text).toList();
    List<Evidence> ev =
        evidence.stream().map(e -> new Evidence(e.label(), text.apply(e.value()))).toList();
    Finding g =
        new Finding(code, severity, text.apply(summary), text.apply(explanation), steps, ev);
    return g.equals(this) ? this : g;
  }

  /**
   * Returns this finding with another severity, everything else kept: for example a failing DKIM
   * signature lowered to a warning because another signature of the message passed.
   *
   * @param newSeverity the severity
   * @return the finding itself when the severity is the same, else the changed copy
   */
  public Finding withSeverity(Severity newSeverity) {
    requireNonNull(newSeverity, "newSeverity");
    return newSeverity == severity
        ? this
        : new Finding(code, newSeverity, summary, explanation, nextSteps, evidence);
  }

  /**
   * Returns this finding with another summary, everything else kept: for example with the name of
   * the place it was found put in front.
   *
   * @param newSummary the summary
   * @return the changed copy
   */
  public Finding withSummary(String newSummary) {
    requireNonNull(newSummary, "newSummary");
    return new Finding(code, severity, newSummary, explanation, nextSteps, evidence);
  }

  /**
   * Renders the finding over several lines: code, severity and summary, then the evidence and the
   * next steps, indented.
   *
   * @return the long form, as reports print it
   */
  public String render() {
    StringBuilder sb = new StringBuilder();
    sb.append(severity).append(' ').append(code).append(": ").append(summary);
    for (Evidence e : evidence) {
      sb.append("\n    ").append(e);
    }
    for (String step : nextSteps) {
      sb.append("\n    -> ").append(step);
    }
    return sb.toString();
  }

  /** Returns the short form {@code [code SEVERITY] summary}. */
  @Override
  public String toString() {
    return "[" + code + " " + severity + "] " + summary;
  }
}
