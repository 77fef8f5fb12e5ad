package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.smtp.SmtpFinding;
import dev.mailpath.diag.smtp.SmtpPhase;
import dev.mailpath.diag.smtp.SmtpReport;

/**
 * Turns the state of a finished (or interrupted) conversation into an SmtpReport. State lives in
 * the {@link Engine}; this class holds the algorithm.
 */
final class ReportAssembly {
  private ReportAssembly() {}

  // ---------------------------------------------------------------- report

  /**
   * Builds the report of what happened so far.
   *
   * @param completed whether the script ran to its end
   * @return the report
   */
  static SmtpReport report(Engine eng, boolean completed) {
    SmtpReport.Builder b =
        SmtpReport.builder()
            .target(eng.o.host, eng.o.port)
            .remoteAddress(eng.remote == null ? null : Engine.format(eng.remote))
            .startedAt(eng.startedAt)
            .elapsed(eng.since(eng.startNanos))
            .transcript(eng.rec.snapshot())
            .banner(eng.banner)
            .capabilities(eng.caps)
            .tls(eng.tlsInfo)
            .timings(eng.timings.build());
    eng.steps.forEach(b::addStep);
    eng.findings.forEach(b::addFinding);
    if (eng.wire != null) {
      int lf = eng.wire.reader().bareLfCount();
      int cr = eng.wire.reader().bareCrCount();
      if (lf + cr > 0) {
        b.addFinding(
            SmtpFinding.REPLY_BARE_LINE_ENDING.finding(
                "The server ended "
                    + (lf + cr)
                    + " reply line(s) with a bare "
                    + (lf > 0 ? "LF" : "CR")
                    + (lf > 0 && cr > 0 ? " or CR" : "")
                    + " instead of CRLF",
                Evidence.of("bare-lf", lf),
                Evidence.of("bare-cr", cr)));
      }
    }
    if (completed && eng.endPhase == null) {
      b.completed();
    } else {
      b.endedAt(
          eng.endPhase == null ? SmtpPhase.CONNECT : eng.endPhase,
          eng.endReason == null ? "not completed" : eng.endReason);
    }
    return b.build();
  }
}
