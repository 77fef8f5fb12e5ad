package dev.mailpath.diag.core;

import java.util.List;

/** Small report and finding codes for the core tests. */
final class TestReports {
  private TestReports() {}

  enum Code implements FindingCode.WithText {
    SLOW(new FindingCode.Text("test.slow", Severity.WARNING, "Slow", "It was slow.", List.of())),
    BROKEN(
        new FindingCode.Text(
            "test.broken", Severity.ERROR, "Broken", "It broke.", List.of("Fix it."))),
    UNUSED(new FindingCode.Text("test.unused", Severity.INFO, "Unused", "Never found.", List.of()));

    private final FindingCode.Text text;

    Code(FindingCode.Text text) {
      this.text = text;
    }

    @Override
    public FindingCode.Text text() {
      return text;
    }
  }

  record Report(Outcome outcome, List<Finding> findings) implements DiagnosticReport {
    Report {
      findings = List.copyOf(findings);
    }

    static Report of(Finding... findings) {
      return new Report(Outcome.fromFindings(List.of(findings)), List.of(findings));
    }

    @Override
    public java.time.Instant startedAt() {
      return java.time.Instant.EPOCH;
    }

    @Override
    public java.time.Duration elapsed() {
      return java.time.Duration.ZERO;
    }
  }
}
