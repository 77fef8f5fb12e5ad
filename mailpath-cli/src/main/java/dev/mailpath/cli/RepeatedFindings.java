package dev.mailpath.cli;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.ReportText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints once the findings that repeat per exchange at the same address, with the list of
 * exchanges: when {@code mx1} and {@code mx2} both resolve to 192.0.2.25, the path check reports
 * the refused connection and the missing PTR record for each exchange, and the text output gives
 * them as one finding, {@code mx1.example.com, mx2.example.com [192.0.2.25]: ...}.
 *
 * <p>Only the command line's text output ({@code --format text} and {@code --brief}) changes; the
 * reports, their API and their JSON and HTML keep one finding per exchange. Two findings are the
 * same when everything but the exchange's name is: code, severity, address, the summary after its
 * {@code "exchange [address]: "} prefix, explanation, next steps and the other evidence.
 */
final class RepeatedFindings {
  private RepeatedFindings() {}

  /**
   * Merges the findings that differ only in the exchange, keeping the order of first appearance.
   *
   * @param findings a report's findings
   * @return the findings, each repeat merged into its first appearance
   */
  static List<Finding> merge(List<Finding> findings) {
    Map<Object, List<Finding>> groups = new LinkedHashMap<>();
    for (Finding f : findings) {
      groups.computeIfAbsent(key(f), k -> new ArrayList<>()).add(f);
    }
    List<Finding> merged = new ArrayList<>();
    for (List<Finding> g : groups.values()) {
      merged.add(g.size() == 1 ? g.get(0) : combine(g));
    }
    return merged;
  }

  /**
   * Renders a report as its {@code toString()} does, with repeated findings printed once.
   *
   * @param report the report
   * @return the text; the report's own text when nothing repeats or the findings cannot be found in
   *     it as {@link ReportText} lays them out
   */
  static String text(DiagnosticReport report) {
    String text = report.toString();
    List<Finding> findings = report.findings();
    List<Finding> merged = merge(findings);
    if (merged.size() == findings.size()) {
      return text;
    }
    Map<Object, List<Finding>> groups = new LinkedHashMap<>();
    for (Finding f : findings) {
      groups.computeIfAbsent(key(f), k -> new ArrayList<>()).add(f);
    }
    String result = text;
    for (List<Finding> g : groups.values()) {
      if (g.size() == 1) {
        continue;
      }
      String first = block(g.get(0));
      int at = result.indexOf(first);
      if (at < 0) {
        return text; // not laid out as expected: print the report as it is
      }
      result = result.substring(0, at) + block(combine(g)) + result.substring(at + first.length());
      for (Finding f : g.subList(1, g.size())) {
        String b = block(f);
        int i = result.indexOf(b);
        if (i < 0) {
          return text;
        }
        result = result.substring(0, i) + result.substring(i + b.length());
      }
    }
    return result;
  }

  /** A finding as {@link ReportText} lays out a report's findings. */
  private static String block(Finding f) {
    StringBuilder sb = new StringBuilder();
    ReportText.appendFindings(sb, List.of(f), "  ");
    return sb.toString();
  }

  private record Key(
      String code,
      Object severity,
      String address,
      String rest,
      String explanation,
      List<String> nextSteps,
      List<Evidence> evidence) {}

  /** What a finding says apart from its exchange; the finding itself when it names none. */
  private static Object key(Finding f) {
    String exchange = value(f, "exchange");
    String address = value(f, "exchange-address");
    if (exchange == null || address == null) {
      return f;
    }
    String prefix = exchange + " [" + address + "]: ";
    String rest = f.summary().startsWith(prefix) ? f.summary().substring(prefix.length()) : null;
    if (rest == null) {
      return f;
    }
    List<Evidence> others = new ArrayList<>();
    for (Evidence e : f.evidence()) {
      if (!e.label().equals("exchange")) {
        others.add(e);
      }
    }
    return new Key(f.code(), f.severity(), address, rest, f.explanation(), f.nextSteps(), others);
  }

  private static Finding combine(List<Finding> group) {
    List<String> exchanges = new ArrayList<>();
    for (Finding f : group) {
      String e = value(f, "exchange");
      if (!exchanges.contains(e)) {
        exchanges.add(e);
      }
    }
    Finding first = group.get(0);
    String names = String.join(", ", exchanges);
    String exchange = value(first, "exchange");
    String address = value(first, "exchange-address");
    String prefix = exchange + " [" + address + "]: ";
    String merged = names + " [" + address + "]: ";
    // A copy with the same code (findings are only made from finding codes): the summary's prefix
    // and the exchange's evidence name every exchange.
    return first.mapText(
        t ->
            t.equals(exchange)
                ? names
                : t.startsWith(prefix) ? merged + t.substring(prefix.length()) : t);
  }

  private static String value(Finding f, String label) {
    for (Evidence e : f.evidence()) {
      if (e.label().equals(label)) {
        return e.value();
      }
    }
    return null;
  }
}
