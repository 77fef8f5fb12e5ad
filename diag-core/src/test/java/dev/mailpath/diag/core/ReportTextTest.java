package dev.mailpath.diag.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.mailpath.diag.core.TestReports.Code;
import dev.mailpath.diag.core.TestReports.Report;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTextTest {

  @Test
  void render_headerBodyOutcomeElapsedAndFindings_inThatOrder() {
    Report report = Report.of(Code.SLOW.finding("took 3 s"));

    String text =
        ReportText.of("MX for example.org")
            .body("example.org  MX 10 mx1.example.org")
            .line("one more line")
            .render(report, Duration.ofMillis(12));

    assertThat(text)
        .isEqualTo(
            "MX for example.org\n"
                + "example.org  MX 10 mx1.example.org\n"
                + "one more line\n"
                + "Outcome: WARN (12 ms)\n"
                + "  WARNING test.slow: took 3 s");
  }

  @Test
  void render_withoutElapsed_leavesItOut() {
    assertThat(ReportText.of("H").render(Report.of())).isEqualTo("H\nOutcome: PASS");
  }

  @Test
  void of_emptyHeader_printsNoHeaderLine() {
    assertThat(ReportText.of("").render(Report.of())).isEqualTo("Outcome: PASS");
  }

  @Test
  void body_withFinalLineBreak_addsNoSecond() {
    assertThat(ReportText.of("").body("a\nb\n").render(Report.of()))
        .isEqualTo("a\nb\nOutcome: PASS");
  }

  @Test
  void body_empty_addsNothing() {
    assertThat(ReportText.of("").body("").render(Report.of())).isEqualTo("Outcome: PASS");
  }

  @Test
  void render_findingWithEvidenceAndNextSteps_indentsEveryLine() {
    Finding f = Code.BROKEN.finding("no banner", Evidence.of("server", "127.0.0.1:2525"));

    String text = ReportText.of("").render(Report.of(f));

    assertThat(text)
        .isEqualTo(
            "Outcome: "
                + Outcome.fromFindings(List.of(f))
                + "\n  ERROR test.broken: no banner"
                + "\n      "
                + Evidence.of("server", "127.0.0.1:2525")
                + "\n      -> Fix it.");
  }

  @Test
  void render_calledTwice_givesSameText() {
    ReportText rt = ReportText.of("H").line("x");
    Report report = Report.of(Code.SLOW.finding("s"));

    assertThat(rt.render(report)).isEqualTo(rt.render(report));
  }

  @Test
  void appendFindings_nestedIndent_isAppliedToEveryLine() {
    StringBuilder sb = new StringBuilder("part");

    ReportText.appendFindings(sb, List.of(Code.BROKEN.finding("b")), "    ");

    assertThat(sb).hasToString("part\n    ERROR test.broken: b\n        -> Fix it.");
  }

  @Test
  void nullArguments_throwNamingParameter() {
    assertThatNullPointerException().isThrownBy(() -> ReportText.of(null)).withMessage("header");
    assertThatNullPointerException()
        .isThrownBy(() -> ReportText.of("").body(null))
        .withMessage("text");
    assertThatNullPointerException()
        .isThrownBy(() -> ReportText.of("").line(null))
        .withMessage("line");
    assertThatNullPointerException()
        .isThrownBy(() -> ReportText.of("").render(null))
        .withMessage("report");
  }
}
