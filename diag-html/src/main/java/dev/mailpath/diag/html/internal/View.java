package dev.mailpath.diag.html.internal;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Transcript;
import java.util.List;
import java.util.Optional;

/**
 * What a page shows of one report kind beyond the generic part (header, findings, transcript, text
 * form). One implementation per report kind with a picture; each is the only place that reads that
 * kind's accessors.
 */
interface View {

  /** A transcript with a caption such as "mx1.example.org 127.0.0.1". */
  record Labelled(String label, Transcript transcript) {}

  /** The generic view: nothing beyond the common part. */
  View NONE =
      new View() {
        @Override
        public void body(Markup m) {}
      };

  /**
   * Returns the report's subject (domain, server) for the heading, when the view knows it better
   * than the generic lookup.
   */
  default Optional<String> subject() {
    return Optional.empty();
  }

  /** Writes the pictures and tables, shown before the findings. */
  void body(Markup m);

  /** Returns transcripts nested in the report (the report's own one is found generically). */
  default List<Labelled> transcripts() {
    return List.of();
  }

  /** Returns the view of a report: a picture for the kinds that have one, else {@link #NONE}. */
  static View of(DiagnosticReport r) {
    if (r instanceof dev.mailpath.diag.smtp.DeliveryPathReport d) {
      return new DeliveryPathView(d);
    }
    if (r instanceof dev.mailpath.diag.smtp.RelayReport rr) {
      return new RelayView(rr);
    }
    if (r instanceof dev.mailpath.diag.dns.RootServerReport rs) {
      return new RootServerView(rs);
    }
    if (r instanceof dev.mailpath.diag.trace.ReceivedChainReport c) {
      return new ReceivedChainView(c);
    }
    if (r instanceof dev.mailpath.diag.trace.RoundTripReport t) {
      return TraceViews.roundTrip(t);
    }
    if (r instanceof dev.mailpath.diag.trace.InvestigationReport i) {
      return TraceViews.investigation(i);
    }
    return NONE;
  }
}
