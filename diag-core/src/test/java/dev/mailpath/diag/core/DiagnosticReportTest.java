package dev.mailpath.diag.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.mailpath.diag.core.TestReports.Code;
import dev.mailpath.diag.core.TestReports.Report;
import org.junit.jupiter.api.Test;

class DiagnosticReportTest {

  @Test
  void findings_code_returnsMatchingFindingsInReportOrder() {
    Finding slow1 = Code.SLOW.finding("first");
    Finding broken = Code.BROKEN.finding("broken");
    Finding slow2 = Code.SLOW.finding("second");
    Report report = Report.of(slow1, broken, slow2);

    assertThat(report.findings(Code.SLOW)).containsExactly(slow1, slow2);
    assertThat(report.findings(Code.BROKEN)).containsExactly(broken);
  }

  @Test
  void findings_codeNotPresent_isEmpty() {
    assertThat(Report.of(Code.SLOW.finding("x")).findings(Code.UNUSED)).isEmpty();
    assertThat(Report.of().findings(Code.SLOW)).isEmpty();
  }

  @Test
  void findings_code_isUnmodifiable() {
    Report report = Report.of(Code.SLOW.finding("x"));

    assertThat(report.findings(Code.SLOW)).isUnmodifiable();
  }

  @Test
  void findings_nullCode_throwsNamingParameter() {
    assertThatNullPointerException()
        .isThrownBy(() -> Report.of().findings((FindingCode) null))
        .withMessage("code");
  }

  @Test
  void hasFinding_codeOrDottedId_agree() {
    Report report = Report.of(Code.BROKEN.finding("x"));

    assertThat(report.hasFinding(Code.BROKEN)).isTrue();
    assertThat(report.hasFinding("test.broken")).isTrue();
    assertThat(report.hasFinding(Code.SLOW)).isFalse();
    assertThat(report.hasFinding("test.slow")).isFalse();
  }

  @Test
  void worstSeverity_isHighestOrEmpty() {
    assertThat(Report.of(Code.SLOW.finding("a"), Code.BROKEN.finding("b")).worstSeverity())
        .contains(Severity.ERROR);
    assertThat(Report.of().worstSeverity()).isEmpty();
  }
}
