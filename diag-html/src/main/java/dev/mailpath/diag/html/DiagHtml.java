package dev.mailpath.diag.html;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.html.internal.Page;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Renders mailpath reports as self-contained HTML5 pages, to share a diagnosis with someone who
 * does not run mailpath: the customer whose exchange refuses, the colleague who runs the backup MX.
 *
 * <pre>{@code
 * DeliveryPathReport path = check.check("alice@example.org");
 * DiagHtml.write(path, Path.of("delivery-path.html"));
 * // or the doctor's whole run on one page:
 * String page = DiagHtml.renderAll("mailpath doctor: example.org", List.of(mx, smtp, path));
 * }</pre>
 *
 * <p>A page is one file: inline CSS and inline SVG pictures, no JavaScript, no fonts, scripts or
 * images from elsewhere (a {@code Content-Security-Policy} meta tag forbids them), readable in the
 * browser's dark mode and when printed. Every report shows its outcome, when it started and how
 * long it took, every finding with its code, severity, summary, explanation, next steps and
 * evidence, its transcripts in collapsible blocks and its plain-text form. Some kinds also get a
 * picture computed from their data:
 *
 * <ul>
 *   <li>{@code DeliveryPathReport}: the domain, its exchanges in delivery order and each address
 *       with the answer it gave and whether TLS was up;
 *   <li>{@code ReceivedChainReport} (also inside {@code RoundTripReport} and {@code
 *       InvestigationReport}): the hops on a time axis with the delay of each, clock skew, slow
 *       hops and loops marked;
 *   <li>{@code RootServerReport}: the round-trip time of each root as a bar, the odd serial marked;
 *   <li>{@code RelayReport}: the variants as a grid, accepted or refused per pass.
 * </ul>
 *
 * <p>Every string from a report is untrusted (it came from a server, a header or a log) and is
 * written as text, never as markup or inside an attribute: {@code <}, {@code >}, {@code &} and
 * quotes become character references, and control characters, lone surrogates and bidirectional
 * overrides are shown as escapes ({@code \x1b}, {@code \u202e}) so that the page shows what was
 * received. See {@code docs/html.md}.
 *
 * <p>Thread-safe; no state. Rendering never throws for any report content; only null arguments
 * ({@link NullPointerException}) and failed writes ({@link UncheckedIOException}) do.
 */
public final class DiagHtml {
  private DiagHtml() {}

  /**
   * Renders one report as a self-contained HTML5 document.
   *
   * @param report any mailpath report; kinds without a picture get the generic view
   * @return the document, UTF-8 text starting with {@code <!DOCTYPE html>}
   * @throws NullPointerException if {@code report} is null
   */
  public static String render(DiagnosticReport report) {
    requireNonNull(report, "report");
    return Page.single(report);
  }

  /**
   * Renders several reports, for example a whole doctor run, as one document: a summary table
   * linking to one section per report.
   *
   * @param title the page title and heading; shown as text like everything else
   * @param reports the reports, in the order to show them; may be empty
   * @return the document
   * @throws NullPointerException if {@code title}, {@code reports} or one of the reports is null
   */
  public static String renderAll(String title, List<? extends DiagnosticReport> reports) {
    requireNonNull(title, "title");
    return Page.all(title, List.copyOf(requireNonNull(reports, "reports")));
  }

  /**
   * Renders one report and writes it to a file in UTF-8, replacing the file if it exists.
   *
   * @param report any mailpath report
   * @param file where to write; its directory must exist
   * @throws NullPointerException if an argument is null
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void write(DiagnosticReport report, Path file) {
    requireNonNull(file, "file");
    String html = render(report);
    try {
      Files.writeString(file, html, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
