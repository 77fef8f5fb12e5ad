package dev.mailpath.diag.html.internal;

import dev.mailpath.diag.core.IpAddressText;
import dev.mailpath.diag.dns.RootServerReport;
import dev.mailpath.diag.dns.RootServerResult;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The root servers as bars: the round-trip time of each root's answer, the SOA serial it gave, and
 * the serial that differs from the consensus marked. The only place that reads {@link
 * RootServerReport}'s accessors.
 */
final class RootServerView implements View {
  private static final double ROW = 24;
  private static final double LABEL = 190;
  private static final double BARS = 560;

  private final RootServerReport report;

  RootServerView(RootServerReport report) {
    this.report = report;
  }

  @Override
  public Optional<String> subject() {
    return Optional.of(report.name() + " " + report.type());
  }

  @Override
  public void body(Markup m) {
    List<RootServerResult> results = report.results();
    Optional<Long> consensus = report.consensusSerial();
    long maxNanos = 1;
    for (RootServerResult r : results) {
      if (r.answered()) {
        maxNanos = Math.max(maxNanos, r.rtt().toNanos());
      }
    }
    double height = 30 + ROW * results.size() + 10;
    m.raw("<figure class=\"roots\">").openSvg(1080, height, "Root server round-trip times");
    m.svgText(LABEL, 16, "small muted", "start", "0");
    m.svgText(LABEL + BARS, 16, "small muted", "end", Page.duration(Duration.ofNanos(maxNanos)));
    m.svgText(LABEL + BARS + 20, 16, "small muted", "start", "SOA serial");
    m.line(LABEL, 22, LABEL, height - 6, "axis");
    for (int i = 0; i < results.size(); i++) {
      RootServerResult r = results.get(i);
      double y = 30 + ROW * i;
      m.svgText(
          LABEL - 8,
          y + 14,
          "mono",
          "end",
          Html.shorten(r.letter() + " " + IpAddressText.format(r.address()), 26));
      Optional<Long> serial = r.soaSerial();
      boolean odd = serial.isPresent() && consensus.isPresent() && !serial.equals(consensus);
      if (r.answered()) {
        double w = Math.max(2, BARS * r.rtt().toNanos() / (double) maxNanos);
        m.rect(LABEL, y + 3, w, ROW - 8, odd ? "bar-bad" : "bar-ok");
        m.svgText(LABEL + w + 6, y + 14, "small", "start", Page.duration(r.rtt()));
      } else {
        m.svgText(LABEL + 6, y + 14, "small t-bad", "start", "no answer " + r.error().orElse(""));
      }
      serial.ifPresent(
          s ->
              m.svgText(
                  LABEL + BARS + 20,
                  y + 14,
                  odd ? "mono t-bad strong" : "mono",
                  "start",
                  s + (odd ? "  odd serial" : "")));
    }
    m.raw("</svg><figcaption>Round-trip time per root; red: a serial that differs from ")
        .text(consensus.map(c -> "the consensus " + c).orElse("the others"))
        .raw(".</figcaption></figure>\n");
    m.raw("<table class=\"roots\"><thead><tr><th>Root</th><th>Address</th><th>RCODE</th>")
        .raw("<th>RTT</th><th>Serial</th><th>Identity</th><th>Error</th></tr></thead><tbody>");
    for (RootServerResult r : results) {
      m.raw("<tr>").el("td", null, r.letter()).el("td", "mono", IpAddressText.format(r.address()));
      m.el("td", null, r.rcode()).el("td", null, r.answered() ? Page.duration(r.rtt()) : "");
      m.el("td", "mono", r.soaSerial().map(String::valueOf).orElse(""));
      m.el("td", "identity", r.identity().orElse("")).el("td", null, r.error().orElse(""));
      m.raw("</tr>");
    }
    m.raw("</tbody></table>\n");
  }
}
