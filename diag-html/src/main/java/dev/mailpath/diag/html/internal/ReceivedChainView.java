package dev.mailpath.diag.html.internal;

import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.trace.ReceivedChainReport;
import dev.mailpath.diag.trace.ReceivedHop;
import dev.mailpath.diag.trace.TransportSecurity;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Received chain on a time axis: one row per hop in transit order, a dot at the time the hop
 * dated its field and a bar for the delay since the previous hop; a hop dated before its
 * predecessor (clock skew), a slow hop and hops of a routing loop are marked. The only place that
 * reads {@link ReceivedChainReport}'s and {@link ReceivedHop}'s accessors.
 */
final class ReceivedChainView implements View {
  private static final double ROW = 34;
  private static final double LABEL = 380;
  private static final double AXIS = 560;
  private static final String SLOW_HOP = "trace.received.slow-hop";
  private static final String LOOP = "trace.received.loop";
  private static final String REPEATED = "trace.received.repeated-host";

  private final ReceivedChainReport report;

  ReceivedChainView(ReceivedChainReport report) {
    this.report = report;
  }

  @Override
  public Optional<String> subject() {
    return report.messageId().or(() -> Optional.of(report.hops().size() + " hops"));
  }

  @Override
  public void body(Markup m) {
    timeline(m, report);
  }

  /**
   * Writes the timeline and the hop table of a chain.
   *
   * @param m the page
   * @param report the chain
   */
  static void timeline(Markup m, ReceivedChainReport report) {
    List<ReceivedHop> hops = report.hops();
    m.raw("<p class=\"verdict\">")
        .text(
            hops.size()
                + " hop(s)"
                + report.totalDelay().map(d -> ", total delay " + Page.duration(d)).orElse(""))
        .raw("</p>");
    if (hops.isEmpty()) {
      return;
    }
    OffsetDateTime min = null;
    OffsetDateTime max = null;
    for (ReceivedHop h : hops) {
      OffsetDateTime d = h.date().orElse(null);
      if (d != null) {
        min = min == null || d.isBefore(min) ? d : min;
        max = max == null || d.isAfter(max) ? d : max;
      }
    }
    Set<String> slowDelays = new HashSet<>();
    for (Finding f : report.findings()) {
      if (f.code().equals(SLOW_HOP)) {
        for (Evidence e : f.evidence()) {
          if (e.label().equals("delay")) {
            slowDelays.add(e.value());
          }
        }
      }
    }
    boolean loop = report.hasFinding(LOOP);
    boolean repeated = loop || report.hasFinding(REPEATED);
    Map<String, Integer> byCount = new HashMap<>();
    for (ReceivedHop h : hops) {
      h.by().ifPresent(b -> byCount.merge(b.toLowerCase(Locale.ROOT), 1, Integer::sum));
    }
    long span = min == null ? 0 : Duration.between(min, max).toMillis();
    double height = 44 + ROW * hops.size() + 8;
    m.raw("<figure class=\"chain\">").openSvg(1080, height, "Received chain timeline");
    if (min != null) {
      m.svgText(LABEL, 16, "small muted", "start", min.toString());
      m.svgText(
          LABEL + AXIS, 16, "small muted", "end", "+" + Page.duration(Duration.ofMillis(span)));
      m.line(LABEL, 24, LABEL + AXIS, 24, "axis");
      for (int t = 1; t < 4; t++) {
        m.line(LABEL + AXIS * t / 4, 24, LABEL + AXIS * t / 4, height - 6, "grid");
      }
    }
    double prevX = -1;
    for (int i = 0; i < hops.size(); i++) {
      ReceivedHop h = hops.get(i);
      double y = 44 + ROW * i;
      String route =
          Html.shorten(h.describeFrom().isBlank() ? "?" : h.describeFrom(), 24)
              + " → "
              + Html.shorten(h.by().orElse("?"), 24);
      m.svgText(LABEL - 10, y + 4, "mono", "end", h.index() + ". " + route);
      String with =
          h.with().orElse("")
              + (h.security() == TransportSecurity.TLS ? " TLS" : "")
              + (h.authenticated() ? " auth" : "");
      m.svgText(LABEL - 10, y + 18, "small muted", "end", with.strip());
      Optional<OffsetDateTime> date = h.date();
      if (date.isEmpty() || min == null) {
        m.svgText(LABEL + 6, y + 8, "small t-warn", "start", "no date");
        prevX = -1;
        continue;
      }
      double x =
          LABEL + (span == 0 ? 0 : AXIS * Duration.between(min, date.get()).toMillis() / span);
      Optional<Duration> delay = h.delay();
      boolean skew = delay.map(Duration::isNegative).orElse(false);
      boolean slow = delay.map(d -> slowDelays.contains(d.toString())).orElse(false);
      if (prevX >= 0 && delay.isPresent()) {
        double from = Math.min(prevX, x);
        double w = Math.max(2, Math.abs(x - prevX));
        m.rect(from, y - 6, w, 12, skew ? "bar-bad" : slow ? "bar-warn" : "bar-ok");
      }
      m.raw("<circle cx=\"").num(x).raw("\" cy=\"").num(y).raw("\" r=\"4\" class=\"dot\"/>");
      StringBuilder label = new StringBuilder();
      delay.ifPresent(d -> label.append(d.isNegative() ? "" : "+").append(Page.duration(d)));
      if (skew) {
        label.append("  clock skew");
      } else if (slow) {
        label.append("  slow");
      }
      if (repeated && byCount.getOrDefault(h.by().orElse("").toLowerCase(Locale.ROOT), 0) > 1) {
        label.append(loop ? "  loop" : "  repeated");
      }
      if (label.length() > 0) {
        String cls = skew || loop && label.indexOf("loop") >= 0 ? "small t-bad strong" : "small";
        boolean right = x < LABEL + AXIS * 0.7;
        m.svgText(right ? x + 10 : x - 10, y + 18, cls, right ? "start" : "end", label.toString());
      }
      prevX = x;
    }
    m.raw("</svg><figcaption class=\"legend\">")
        .raw("<span class=\"k-ok\"><i></i>delay since the previous hop</span>")
        .raw("<span class=\"k-warn\"><i></i>slow hop</span>")
        .raw("<span class=\"k-bad\"><i></i>clock skew (dated before the previous hop)</span>")
        .raw("<span>Hop 1 is the first server (the bottom Received field).</span>")
        .raw("</figcaption></figure>\n");
    m.raw("<table class=\"hops\"><thead><tr><th>#</th><th>From</th><th>By</th><th>With</th>")
        .raw("<th>Date</th><th>Delay</th></tr></thead><tbody>");
    for (ReceivedHop h : hops) {
      m.raw("<tr>").el("td", null, Integer.toString(h.index()));
      m.el("td", "from", h.describeFrom()).el("td", "by", h.by().orElse(""));
      m.el(
          "td",
          null,
          h.with().orElse("") + (h.security() == TransportSecurity.TLS ? " (TLS)" : ""));
      m.el("td", "mono", h.date().map(OffsetDateTime::toString).orElse(""));
      m.el("td", null, h.delay().map(Page::duration).orElse("")).raw("</tr>");
    }
    m.raw("</tbody></table>\n");
    m.raw("<details class=\"raw\"><summary>Received fields as written</summary><pre>");
    for (ReceivedHop h : hops) {
      m.raw(Integer.toString(h.index())).raw(". ").el("span", "raw", h.raw()).raw("\n");
    }
    m.raw("</pre></details>\n");
  }
}
