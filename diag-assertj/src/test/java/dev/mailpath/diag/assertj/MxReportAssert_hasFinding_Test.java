package dev.mailpath.diag.assertj;

import static dev.mailpath.diag.assertj.DiagAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.dns.DnsFinding;
import dev.mailpath.diag.dns.MailExchange;
import dev.mailpath.diag.dns.MxReport;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

class MxReportAssert_hasFinding_Test {

  static MxReport nullMx() {
    return MxReport.builder()
        .domain("example.org")
        .rcode("NOERROR")
        .authoritative(true)
        .nullMx(true)
        .addFinding(DnsFinding.NULL_MX.finding("example.org publishes a null MX"))
        .build();
  }

  static MxReport healthy() {
    return MxReport.builder()
        .domain("example.org")
        .rcode("NOERROR")
        .addExchange(new MailExchange("mx1.example.org", 10, Duration.ofMinutes(5), List.of()))
        .addExchange(new MailExchange("mx2.example.org", 20, Duration.ofMinutes(5), List.of()))
        .build();
  }

  @Test
  void hasFinding_present_passes() {
    assertThat(nullMx())
        .hasFinding("dns.mx.null")
        .hasFinding(DnsFinding.NULL_MX)
        .hasFinding("dns.mx.null", Severity.ERROR)
        .hasOnlyFindings("dns.mx.null")
        .hasOutcome(Outcome.FAIL)
        .isNullMx()
        .isAuthoritative();
  }

  @Test
  void hasFinding_absent_failsPrintingTheReport() {
    assertThatThrownBy(() -> assertThat(healthy()).hasFinding("dns.mx.null"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expecting a finding")
        .hasMessageContaining("dns.mx.null")
        .hasMessageContaining("MX preference = 10, mail exchanger = mx1.example.org");
  }

  @Test
  void hasFinding_wrongSeverity_fails() {
    assertThatThrownBy(() -> assertThat(nullMx()).hasFinding("dns.mx.null", Severity.INFO))
        .hasMessageContaining("with severity INFO");
  }

  @Test
  void hasNoFindingAtOrAbove_errorPresent_fails() {
    assertThatThrownBy(() -> assertThat(nullMx()).hasNoFindingAtOrAbove(Severity.WARNING))
        .hasMessageContaining("no finding at or above WARNING");
    assertThat(healthy()).hasNoFindingAtOrAbove(Severity.INFO).hasNoFindings();
  }

  @Test
  void hasExchanges_order_matters() {
    assertThat(healthy()).hasExchanges("mx1.example.org", "mx2.example.org");
    assertThatThrownBy(
            () -> assertThat(healthy()).hasExchanges("mx2.example.org", "mx1.example.org"))
        .hasMessageContaining("delivery order");
  }

  @Test
  void doesNotHaveFinding_present_fails() {
    assertThatThrownBy(() -> assertThat(nullMx()).doesNotHaveFinding("dns.mx.null"))
        .hasMessageContaining("Expecting no finding");
  }

  @Test
  void softAssertions_collectEveryFailure() {
    SoftAssertions softly = new SoftAssertions();
    softly
        .proxy(MxReportAssert.class, MxReport.class, healthy())
        .hasFinding("dns.mx.null")
        .isNullMx();
    assertThatThrownBy(softly::assertAll).hasMessageContaining("Multiple Failures (2 failures)");
  }
}
