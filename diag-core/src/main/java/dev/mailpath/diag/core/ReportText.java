package dev.mailpath.diag.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The one text layout of every mailpath report's {@code toString()}: a header, the report's own
 * body, an outcome line, then each finding indented under it. Reports of every module print through
 * it, so a person reading a JShell session or a log sees one shape whatever the diagnosis.
 *
 * <pre>{@code
 * @Override public String toString() {
 *   return ReportText.of("MX for example.org").body(nslookupLines).render(this, elapsed);
 * }
 * // MX for example.org
 * // example.org  MX preference = 10, mail exchanger = mx1.example.org
 * // Outcome: PASS (12 ms)
 * //   [WARNING] dns.mx.single: ...
 * }</pre>
 *
 * <p>Not thread-safe; cheap to create per rendering.
 */
public final class ReportText {
  private final StringBuilder sb = new StringBuilder(256);

  private ReportText(String header) {
    if (!header.isEmpty()) {
      sb.append(header).append('\n');
    }
  }

  /**
   * Starts a rendering with a header line.
   *
   * @param header the first line; empty for none
   * @return a new rendering
   */
  public static ReportText of(String header) {
    return new ReportText(requireNonNull(header, "header"));
  }

  /**
   * Appends the report's own lines.
   *
   * @param text one or more lines; a final line break is added when missing
   * @return this rendering
   */
  public ReportText body(CharSequence text) {
    requireNonNull(text, "text");
    if (text.length() > 0) {
      sb.append(text);
      if (text.charAt(text.length() - 1) != '\n') {
        sb.append('\n');
      }
    }
    return this;
  }

  /**
   * Appends one line.
   *
   * @param line the line, without a line break
   * @return this rendering
   */
  public ReportText line(String line) {
    sb.append(requireNonNull(line, "line")).append('\n');
    return this;
  }

  /**
   * Finishes the rendering with the outcome, the elapsed time and every finding of the report.
   *
   * @param report the report
   * @return the text
   */
  public String render(DiagnosticReport report) {
    return render(report, null);
  }

  /**
   * Finishes the rendering with the outcome, the given elapsed time and every finding.
   *
   * @param report the report
   * @param elapsed how long the diagnosis took, or null to leave it out
   * @return the text
   */
  public String render(DiagnosticReport report, Duration elapsed) {
    requireNonNull(report, "report");
    // On a copy, so that rendering twice gives the same text rather than a doubled outcome.
    StringBuilder sb = new StringBuilder(this.sb);
    sb.append("Outcome: ").append(report.outcome());
    if (elapsed != null) {
      sb.append(" (").append(elapsed.toMillis()).append(" ms)");
    }
    appendFindings(sb, report.findings(), "  ");
    return sb.toString();
  }

  /**
   * Appends findings, one per block, each line indented, each block on a new line: the findings
   * layout of every report, also for findings nested under a part of a report.
   *
   * @param sb where to append
   * @param findings the findings
   * @param indent the indent of every line
   */
  public static void appendFindings(StringBuilder sb, Iterable<Finding> findings, String indent) {
    for (Finding f : findings) {
      sb.append('\n').append(indent).append(f.render().replace("\n", "\n" + indent));
    }
  }
}
