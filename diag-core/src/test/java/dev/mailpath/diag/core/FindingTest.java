package dev.mailpath.diag.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FindingTest {

  enum TestCode implements FindingCode {
    BROKEN("test.broken", Severity.ERROR);

    private final String id;
    private final Severity severity;

    TestCode(String id, Severity severity) {
      this.id = id;
      this.severity = severity;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public Severity defaultSeverity() {
      return severity;
    }

    @Override
    public String title() {
      return "Broken";
    }

    @Override
    public String explanation() {
      return "Something broke.";
    }

    @Override
    public List<String> nextSteps() {
      return List.of("Fix it");
    }
  }

  @Test
  void finding_fromCode_carriesCatalogText() {
    Finding f = TestCode.BROKEN.finding("it broke", Evidence.of("server", "127.0.0.1:53"));

    assertThat(f.code()).isEqualTo("test.broken");
    assertThat(f.severity()).isEqualTo(Severity.ERROR);
    assertThat(f.explanation()).isEqualTo("Something broke.");
    assertThat(f.nextSteps()).containsExactly("Fix it");
    assertThat(f.is(TestCode.BROKEN)).isTrue();
    assertThat(f).hasToString("[test.broken ERROR] it broke");
    assertThat(f.render()).contains("server=127.0.0.1:53").contains("-> Fix it");
  }

  @Test
  void constructor_copiesLists() {
    List<String> steps = new ArrayList<>(List.of("a"));
    Finding f = new Finding("x.y", Severity.INFO, "s", "e", steps, List.of());
    steps.add("b");

    assertThat(f.nextSteps()).containsExactly("a");
    assertThatThrownBy(() -> new Finding(null, Severity.INFO, "s", "e", List.of(), List.of()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("code");
  }

  @Test
  void outcome_fromFindings_followsWorstSeverity() {
    Finding info = TestCode.BROKEN.finding(Severity.INFO, "i");
    Finding warn = TestCode.BROKEN.finding(Severity.WARNING, "w");
    Finding crit = TestCode.BROKEN.finding(Severity.CRITICAL, "c");

    assertThat(Outcome.fromFindings(List.of())).isEqualTo(Outcome.PASS);
    assertThat(Outcome.fromFindings(List.of(info))).isEqualTo(Outcome.PASS);
    assertThat(Outcome.fromFindings(List.of(info, warn))).isEqualTo(Outcome.WARN);
    assertThat(Outcome.fromFindings(List.of(warn, crit))).isEqualTo(Outcome.FAIL);
    assertThat(Severity.ERROR.isAtLeast(Severity.WARNING)).isTrue();
  }

  @Test
  void withSeverity_andWithSummary_keepTheCodeAndEverythingElse() {
    Finding f =
        new Finding(
            "dkim.body-hash",
            Severity.ERROR,
            "body changed",
            "why",
            List.of("step"),
            List.of(Evidence.of("d", "example.org")));
    Finding lowered = f.withSeverity(Severity.WARNING);
    assertThat(lowered.severity()).isEqualTo(Severity.WARNING);
    assertThat(lowered.code()).isEqualTo(f.code());
    assertThat(lowered.summary()).isEqualTo(f.summary());
    assertThat(lowered.evidence()).isEqualTo(f.evidence());
    assertThat(f.withSeverity(Severity.ERROR)).isSameAs(f);
    Finding prefixed = f.withSummary("at _dmarc.example.org: " + f.summary());
    assertThat(prefixed.summary()).isEqualTo("at _dmarc.example.org: body changed");
    assertThat(prefixed.severity()).isEqualTo(Severity.ERROR);
    assertThat(prefixed.nextSteps()).isEqualTo(f.nextSteps());
  }
}
