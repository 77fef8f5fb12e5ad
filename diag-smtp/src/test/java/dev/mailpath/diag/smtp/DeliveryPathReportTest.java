package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.FindingCatalog;
import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.dns.MailExchange;
import dev.mailpath.diag.dns.MxReport;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reports users fake in their own tests, the outcome rules, and the finding catalog. */
class DeliveryPathReportTest {

  private static final MxReport MX =
      MxReport.builder().domain("example.test").rcode("NOERROR").build();

  private static DeliveryPathReport.Builder report(DeliveryStage stage) {
    return DeliveryPathReport.builder()
        .target("alice@example.test", "alice@example.test", "example.test")
        .mx(MX)
        .verdict(stage, "faked");
  }

  @Test
  void outcome_acceptedWithoutWarnings_isPass() {
    DeliveryPathReport r =
        report(DeliveryStage.ACCEPTED)
            .addFinding(DeliveryFinding.ACCEPTED.finding("mx.example.test would take the mail"))
            .build();

    assertThat(r.outcome()).isEqualTo(Outcome.PASS);
    assertThat(r.delivered()).isTrue();
  }

  @Test
  void outcome_acceptedWithErrorsOnTheWay_isWarnNotFail() {
    DeliveryPathReport r =
        report(DeliveryStage.ACCEPTED)
            .addFinding(SmtpFinding.TLS_CERTIFICATE_EXPIRED.finding("expired"))
            .build();

    assertThat(r.outcome()).isEqualTo(Outcome.WARN);
  }

  @Test
  void outcome_acceptedWithCriticalFinding_isFail() {
    DeliveryPathReport r =
        report(DeliveryStage.ACCEPTED)
            .addFinding(SmtpFinding.STARTTLS_PLAINTEXT_INJECTION.finding("injected"))
            .build();

    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void outcome_followsTheStage() {
    assertThat(report(DeliveryStage.TEMPORARY_FAILURE).build().outcome()).isEqualTo(Outcome.WARN);
    assertThat(report(DeliveryStage.DNS_FAILED).build().outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    assertThat(report(DeliveryStage.UNREACHABLE).build().outcome()).isEqualTo(Outcome.FAIL);
    assertThat(report(DeliveryStage.UNREACHABLE).incomplete(true).build().outcome())
        .isEqualTo(Outcome.INCONCLUSIVE);
    assertThat(report(DeliveryStage.RECIPIENT_REFUSED).build().outcome()).isEqualTo(Outcome.FAIL);
    assertThat(report(DeliveryStage.NULL_MX).outcome(Outcome.PASS).build().outcome())
        .as("an explicit outcome wins")
        .isEqualTo(Outcome.PASS);
  }

  @Test
  void toBuilder_roundTripsAndEqualsHolds() throws Exception {
    InetAddress a = InetAddress.getByName("192.0.2.1");
    MailExchange mx = new MailExchange("mx.example.test", 10, Duration.ofMinutes(5), List.of(a));
    AddressCheck check =
        new AddressCheck(
            "mx.example.test",
            a,
            Optional.empty(),
            AddressCheck.Status.NOT_TRIED,
            "not tried",
            Optional.empty(),
            Optional.empty(),
            List.of());
    DeliveryPathReport r =
        report(DeliveryStage.UNREACHABLE)
            .addExchange(new ExchangeCheck(1, mx, List.of(check)))
            .build();

    assertThat(r.toBuilder().build()).isEqualTo(r).hasSameHashCodeAs(r);
    assertThat(r.toString())
        .contains("> telnet mx.example.test 25", "192.0.2.1", "=> NOT_TRIED: not tried");
  }

  @Test
  void exchangeCheck_answer_prefersDecisiveThenMostTellingFailure() throws Exception {
    InetAddress v6 = InetAddress.getByName("2001:db8::1");
    InetAddress v4 = InetAddress.getByName("192.0.2.1");
    MailExchange mx = new MailExchange("mx.example.test", 10, Duration.ZERO, List.of(v4, v6));
    AddressCheck down =
        new AddressCheck(
            "mx.example.test",
            v6,
            Optional.empty(),
            AddressCheck.Status.UNREACHABLE,
            "refused",
            Optional.empty(),
            Optional.empty(),
            List.of());
    AddressCheck busy =
        new AddressCheck(
            "mx.example.test",
            v4,
            Optional.empty(),
            AddressCheck.Status.SESSION_DEFERRED,
            "421",
            Optional.empty(),
            Optional.empty(),
            List.of());

    ExchangeCheck e = new ExchangeCheck(1, mx, List.of(down, busy));

    assertThat(e.answer()).contains(busy);
    assertThat(e.status()).isEqualTo(AddressCheck.Status.SESSION_DEFERRED);
    assertThat(e.tried()).isTrue();
  }

  @Test
  void catalog_listsEveryPathCode_withExplanationAndNextSteps() {
    List<String> ids = FindingCatalog.all().stream().map(FindingCode::id).toList();

    for (DeliveryFinding f : DeliveryFinding.values()) {
      assertThat(ids).contains(f.id());
      assertThat(f.id()).startsWith("path.").matches("[a-z0-9]+(\\.[a-z0-9]+(-[a-z0-9]+)*)+");
      assertThat(f.explanation()).isNotBlank();
      assertThat(f.nextSteps()).isNotEmpty();
    }
    for (DeliveryStage s : DeliveryStage.values()) {
      assertThat(s.finding().id()).startsWith("path.");
    }
    assertThat(DeliveryFinding.ACCEPTED.defaultSeverity()).isEqualTo(Severity.INFO);
  }
}
