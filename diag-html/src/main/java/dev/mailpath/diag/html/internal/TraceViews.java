package dev.mailpath.diag.html.internal;

import dev.mailpath.diag.trace.InvestigationReport;
import dev.mailpath.diag.trace.RoundTripReport;
import dev.mailpath.diag.trace.StageResult;
import java.util.List;
import java.util.Optional;

/**
 * Views of the trace reports that contain a Received chain: the round trip and the missing-message
 * investigation. The only place that reads their accessors.
 */
final class TraceViews {
  private TraceViews() {}

  static View roundTrip(RoundTripReport r) {
    return new View() {
      @Override
      public Optional<String> subject() {
        return Optional.of(r.from() + " → " + r.to());
      }

      @Override
      public void body(Markup m) {
        m.raw("<p class=\"verdict\">")
            .text(
                (r.accepted() ? "accepted" : "not accepted")
                    + ", "
                    + (r.arrived() ? "arrived" : "not arrived")
                    + r.delay().map(d -> " after " + Page.duration(d)).orElse("")
                    + r.folder().map(f -> " in " + f).orElse(""))
            .raw("</p>");
        r.receivedChain()
            .ifPresent(
                c -> {
                  m.raw("<h3>Received chain</h3>");
                  ReceivedChainView.timeline(m, c);
                });
      }

      @Override
      public List<Labelled> transcripts() {
        return r.smtp().transcript().isEmpty()
            ? List.of()
            : List.of(new Labelled("SMTP transcript", r.smtp().transcript()));
      }
    };
  }

  static View investigation(InvestigationReport r) {
    return new View() {
      @Override
      public Optional<String> subject() {
        return Optional.of(r.question().toString());
      }

      @Override
      public void body(Markup m) {
        m.raw("<p class=\"verdict\"><strong>")
            .text(r.conclusion().name())
            .raw("</strong>: ")
            .text(r.summary())
            .raw("</p>");
        m.raw("<table class=\"stages\"><thead><tr><th>Stage</th><th>Status</th>")
            .raw("<th>Source</th><th>Summary</th></tr></thead><tbody>");
        for (StageResult s : r.stages()) {
          m.raw("<tr>").el("td", null, s.stage().name()).el("td", null, s.status().name());
          m.el("td", "mono", s.source()).el("td", null, s.summary()).raw("</tr>");
        }
        m.raw("</tbody></table>\n");
        if (!r.nextSteps().isEmpty()) {
          m.raw("<h3>Next steps</h3><ol>");
          r.nextSteps().forEach(s -> m.el("li", null, s));
          m.raw("</ol>");
        }
        r.testMessage()
            .flatMap(RoundTripReport::receivedChain)
            .ifPresent(
                c -> {
                  m.raw("<h3>Received chain of the test message</h3>");
                  ReceivedChainView.timeline(m, c);
                });
      }
    };
  }
}
