package dev.mailpath.diag.core;

import java.util.List;

/**
 * A stable, documented finding code such as {@code dns.mx.null} or {@code relay.open}.
 *
 * <p>Each module keeps its codes as an enum implementing this interface ({@code DnsFinding.NULL_MX}
 * has the id {@code dns.mx.null}). The enum constant carries the catalog text: a default severity,
 * a one-line title, an explanation that teaches what the finding means, and next steps in the voice
 * of a mail administrator's field guide. Reports expose the dotted {@link #id()} string through
 * {@link Finding#code()}, which tools may switch on: ids never change once released.
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
    return new Finding(
        id(), defaultSeverity(), summary, explanation(), nextSteps(), List.of(evidence));
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

  /**
   * The catalog text of a code: what every {@code FindingCode} enum constant carries.
   *
   * @param id the stable dotted id
   * @param severity the default severity
   * @param title the one-line title
   * @param explanation what the finding means and why it matters
   * @param nextSteps what to check next, in order
   */
  record Text(
      String id, Severity severity, String title, String explanation, List<String> nextSteps) {

    /**
     * Validates the components and copies the list.
     *
     * @param id the stable dotted id
     * @param severity the default severity
     * @param title the one-line title
     * @param explanation what the finding means and why it matters
     * @param nextSteps what to check next, in order
     */
    public Text {
      java.util.Objects.requireNonNull(id, "id");
      java.util.Objects.requireNonNull(severity, "severity");
      java.util.Objects.requireNonNull(title, "title");
      java.util.Objects.requireNonNull(explanation, "explanation");
      nextSteps = List.copyOf(nextSteps);
    }
  }

  /**
   * A {@link FindingCode} whose catalog text is one {@link Text} value, so that a module's code
   * enum holds a single field instead of five, and implements one method:
   *
   * <pre>{@code
   * public enum MyFinding implements FindingCode.WithText {
   *   BROKEN("my.broken", Severity.ERROR, "It broke", "What it means...", "What to check");
   *
   *   private final Text text;
   *
   *   MyFinding(String id, Severity severity, String title, String explanation, String... steps) {
   *     this.text = new Text(id, severity, title, explanation, List.of(steps));
   *   }
   *
   *   @Override
   *   public Text text() {
   *     return text;
   *   }
   * }
   * }</pre>
   */
  interface WithText extends FindingCode {

    /**
     * Returns the catalog text.
     *
     * @return the text
     */
    Text text();

    @Override
    default String id() {
      return text().id();
    }

    @Override
    default Severity defaultSeverity() {
      return text().severity();
    }

    @Override
    default String title() {
      return text().title();
    }

    @Override
    default String explanation() {
      return text().explanation();
    }

    @Override
    default List<String> nextSteps() {
      return text().nextSteps();
    }
  }
}
