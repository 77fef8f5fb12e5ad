package dev.mailpath.diag.html.internal;

import dev.mailpath.diag.core.IpAddressText;
import dev.mailpath.diag.smtp.AddressCheck;
import dev.mailpath.diag.smtp.DeliveryPathReport;
import dev.mailpath.diag.smtp.ExchangeCheck;
import dev.mailpath.diag.smtp.SmtpReport;
import dev.mailpath.diag.smtp.TlsInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The delivery path as a diagram: the domain on the left, its exchanges in delivery order in the
 * middle, each address on the right with the answer it gave and whether TLS was up. The only place
 * that reads {@link DeliveryPathReport}'s accessors.
 */
final class DeliveryPathView implements View {
  private static final double ROW = 34;
  private static final double WIDTH = 1080;

  private final DeliveryPathReport report;

  DeliveryPathView(DeliveryPathReport report) {
    this.report = report;
  }

  @Override
  public Optional<String> subject() {
    String r = report.recipient();
    return Optional.of(r != null && !r.isBlank() ? r : report.domain());
  }

  @Override
  public void body(Markup m) {
    List<ExchangeCheck> exchanges = report.exchanges();
    m.raw("<p class=\"verdict\"><strong>")
        .text(report.stage().name())
        .raw("</strong>: ")
        .text(report.verdict())
        .raw("</p>");
    int rows = 0;
    for (ExchangeCheck e : exchanges) {
      rows += Math.max(1, e.addresses().size());
    }
    double gap = 12;
    double height = Math.max(1, rows) * ROW + Math.max(0, exchanges.size() - 1) * gap + 30;
    m.raw("<figure class=\"path\">").openSvg(WIDTH, height, "Delivery path diagram");
    double domainY = height / 2;
    m.rect(10, domainY - 24, 220, 48, "box");
    m.svgText(120, domainY - 4, "strong", "middle", Html.shorten(report.domain(), 30));
    m.svgText(120, domainY + 14, "small muted", "middle", exchanges.size() + " exchange(s)");
    if (exchanges.isEmpty()) {
      m.svgText(260, domainY + 4, "muted", "start", "no exchange to try");
    }
    double y = 15;
    for (ExchangeCheck e : exchanges) {
      int n = Math.max(1, e.addresses().size());
      double blockH = n * ROW;
      double cy = y + blockH / 2;
      m.raw("<path class=\"edge\" d=\"M230 ")
          .num(domainY)
          .raw(" C 270 ")
          .num(domainY)
          .raw(" 270 ")
          .num(cy)
          .raw(" 310 ")
          .num(cy)
          .raw("\"/>");
      m.rect(310, cy - 20, 330, 40, "box " + statusClass(e.status()));
      m.svgText(322, cy - 3, "strong", "start", e.position() + ". " + Html.shorten(e.host(), 34));
      m.svgText(322, cy + 13, "small muted", "start", "preference " + e.preference());
      if (e.addresses().isEmpty()) {
        m.svgText(660, cy + 4, "muted", "start", "no address");
      }
      double ay = y + ROW / 2;
      for (AddressCheck a : e.addresses()) {
        m.line(640, cy, 680, ay, "edge");
        m.rect(680, ay - 13, 150, 26, "box");
        m.svgText(690, ay + 4, "mono", "start", Html.shorten(a.addressText(), 18));
        String cls = statusClass(a.status());
        m.rect(840, ay - 13, 170, 26, cls);
        m.svgText(925, ay + 4, "small", "middle", statusText(a.status()));
        Optional<Boolean> tls = tls(a);
        if (tls.isPresent()) {
          boolean up = tls.get();
          m.svgText(
              1020, ay + 4, up ? "small t-ok" : "small t-bad", "start", up ? "TLS" : "TLS failed");
        }
        ay += ROW;
      }
      y += blockH + gap;
    }
    m.raw("</svg><figcaption class=\"legend\">")
        .raw("<span class=\"k-ok\"><i></i>accepted</span>")
        .raw("<span class=\"k-bad\"><i></i>refused</span>")
        .raw("<span class=\"k-warn\"><i></i>deferred / failed session</span>")
        .raw("<span class=\"k-none\"><i></i>unreachable / not tried</span>")
        .raw("<span>Exchanges in delivery order (lowest preference first).</span>")
        .raw("</figcaption></figure>\n");
    table(m, exchanges);
  }

  private static void table(Markup m, List<ExchangeCheck> exchanges) {
    m.raw("<table class=\"addresses\"><thead><tr><th>Exchange</th><th>Address</th>")
        .raw("<th>Answer</th><th>Banner</th><th>TLS</th><th>Summary</th></tr></thead><tbody>");
    for (ExchangeCheck e : exchanges) {
      for (AddressCheck a : e.addresses()) {
        m.raw("<tr>").el("td", "host", e.host());
        m.el("td", "mono", a.addressText());
        m.el("td", null, statusText(a.status()));
        m.el("td", "banner", a.bannerName().orElse(""));
        m.el("td", null, tls(a).map(t -> t ? "yes" : "failed").orElse(""));
        m.el("td", "asummary", a.summary()).raw("</tr>");
      }
    }
    m.raw("</tbody></table>\n");
  }

  @Override
  public List<Labelled> transcripts() {
    List<Labelled> out = new ArrayList<>();
    for (ExchangeCheck e : report.exchanges()) {
      for (AddressCheck a : e.addresses()) {
        a.smtp()
            .filter(s -> !s.transcript().isEmpty())
            .ifPresent(
                s ->
                    out.add(
                        new Labelled(
                            "SMTP " + e.host() + " " + IpAddressText.format(a.address()),
                            s.transcript())));
      }
    }
    return out;
  }

  private static Optional<Boolean> tls(AddressCheck a) {
    return a.smtp().flatMap(SmtpReport::tls).map(TlsInfo::established);
  }

  static String statusClass(AddressCheck.Status s) {
    return switch (s) {
      case ACCEPTED -> "st-ok";
      case RECIPIENT_REFUSED, SENDER_REFUSED, CLIENT_REFUSED -> "st-bad";
      case RECIPIENT_DEFERRED, SENDER_DEFERRED, SESSION_DEFERRED, SESSION_FAILED -> "st-warn";
      case UNREACHABLE, NOT_TRIED -> "st-none";
    };
  }

  static String statusText(AddressCheck.Status s) {
    return switch (s) {
      case ACCEPTED -> "reached, accepted";
      case RECIPIENT_REFUSED -> "reached, recipient refused";
      case RECIPIENT_DEFERRED -> "reached, recipient deferred";
      case SENDER_REFUSED -> "reached, sender refused";
      case SENDER_DEFERRED -> "reached, sender deferred";
      case CLIENT_REFUSED -> "reached, client refused";
      case SESSION_DEFERRED -> "reached, try later";
      case SESSION_FAILED -> "reached, session failed";
      case UNREACHABLE -> "unreachable";
      case NOT_TRIED -> "not tried";
    };
  }
}
