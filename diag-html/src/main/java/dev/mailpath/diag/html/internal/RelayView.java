package dev.mailpath.diag.html.internal;

import dev.mailpath.diag.smtp.RelayAttempt;
import dev.mailpath.diag.smtp.RelayPass;
import dev.mailpath.diag.smtp.RelayReport;
import dev.mailpath.diag.smtp.RelayResponse;
import dev.mailpath.diag.smtp.RelayVariant;
import dev.mailpath.diag.smtp.SmtpReport;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The relay test as a grid: one row per variant, one column per pass, each cell the server's
 * answer, coloured by what it means (a relay variant accepted is the danger; a control variant,
 * local delivery, accepted is expected). The only place that reads {@link RelayReport}'s accessors.
 */
final class RelayView implements View {
  private static final double ROW = 26;
  private static final double LABEL = 300;
  private static final double CELL = 200;

  private final RelayReport report;

  RelayView(RelayReport report) {
    this.report = report;
  }

  @Override
  public Optional<String> subject() {
    return Optional.of(report.host() + ":" + report.port());
  }

  @Override
  public void body(Markup m) {
    m.raw("<p class=\"verdict\"><strong>").text(report.verdict().name()).raw("</strong>");
    report
        .passResults()
        .forEach((p, r) -> m.raw(" · ").text(p.toString()).raw(": ").text(r.name()));
    m.raw("</p>");
    Set<RelayVariant> variants = new LinkedHashSet<>();
    Set<RelayPass> passes = new LinkedHashSet<>();
    for (RelayAttempt a : report.attempts()) {
      variants.add(a.variant());
      passes.add(a.pass());
    }
    if (!variants.isEmpty()) {
      grid(m, new ArrayList<>(variants), new ArrayList<>(passes));
    }
    m.raw("<table class=\"attempts\"><thead><tr><th>Pass</th><th>Variant</th>")
        .raw("<th>MAIL FROM</th><th>RCPT TO</th><th>Answer</th><th>Reply</th></tr></thead>")
        .raw("<tbody>");
    for (RelayAttempt a : report.attempts()) {
      m.raw("<tr>").el("td", null, a.pass().toString()).el("td", null, a.variant().id());
      m.el("td", "mono", a.mailFrom()).el("td", "mono", a.rcptTo());
      m.el("td", null, a.response().name()).el("td", "mono reply", a.decidingReply().toString());
      m.raw("</tr>");
    }
    m.raw("</tbody></table>\n");
  }

  private void grid(Markup m, List<RelayVariant> variants, List<RelayPass> passes) {
    double width = LABEL + CELL * passes.size() + 20;
    double height = 36 + ROW * variants.size() + 10;
    m.raw("<figure class=\"relay\">").openSvg(width, height, "Relay test grid");
    for (int c = 0; c < passes.size(); c++) {
      m.svgText(LABEL + CELL * c + CELL / 2, 22, "strong", "middle", passes.get(c).toString());
    }
    for (int r = 0; r < variants.size(); r++) {
      RelayVariant v = variants.get(r);
      double y = 36 + ROW * r;
      m.svgText(LABEL - 10, y + 17, v.isControl() ? "mono muted" : "mono", "end", v.id());
      for (int c = 0; c < passes.size(); c++) {
        Optional<RelayAttempt> a = report.attempt(passes.get(c), v);
        double x = LABEL + CELL * c + 4;
        String cls = a.map(RelayView::cellClass).orElse("st-none");
        m.rect(x, y + 2, CELL - 8, ROW - 4, cls);
        m.svgText(
            x + (CELL - 8) / 2,
            y + 17,
            "small",
            "middle",
            a.map(RelayView::cellText).orElse("not tried"));
      }
    }
    m.raw("</svg><figcaption class=\"legend\">")
        .raw("<span class=\"k-bad\"><i></i>relayed (open)</span>")
        .raw("<span class=\"k-ok\"><i></i>refused, or a control accepted</span>")
        .raw("<span class=\"k-warn\"><i></i>deferred / no answer / control refused</span>")
        .raw("<span class=\"k-none\"><i></i>not tried</span>")
        .raw("<span>Grey names are controls (mail the server should accept).</span>")
        .raw("</figcaption></figure>\n");
  }

  private static String cellClass(RelayAttempt a) {
    boolean control = a.variant().isControl();
    RelayResponse r = a.response();
    return switch (r) {
      case ACCEPTED -> control ? "st-ok" : "st-bad";
      case REFUSED, AUTH_REQUIRED, STARTTLS_REQUIRED -> control ? "st-warn" : "st-ok";
      case DEFERRED, NO_ANSWER -> "st-warn";
      case NOT_TRIED -> "st-none";
    };
  }

  private static String cellText(RelayAttempt a) {
    String code = a.decidingReply().received() ? " " + a.decidingReply().code() : "";
    return switch (a.response()) {
      case ACCEPTED -> "accepted" + code;
      case REFUSED -> "refused" + code;
      case AUTH_REQUIRED -> "auth required" + code;
      case STARTTLS_REQUIRED -> "STARTTLS required" + code;
      case DEFERRED -> "deferred" + code;
      case NO_ANSWER -> "no answer";
      case NOT_TRIED -> "not tried";
    };
  }

  @Override
  public List<Labelled> transcripts() {
    List<Labelled> out = new ArrayList<>();
    List<SmtpReport> connections = report.connections();
    for (int i = 0; i < connections.size(); i++) {
      SmtpReport s = connections.get(i);
      if (!s.transcript().isEmpty()) {
        out.add(new Labelled("Connection " + (i + 1), s.transcript()));
      }
    }
    return out;
  }
}
