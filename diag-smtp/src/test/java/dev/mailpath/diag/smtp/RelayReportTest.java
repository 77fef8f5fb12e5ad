package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.FindingCatalog;
import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.core.Transcript;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The report as a value users can fake, and the relay codes in the catalog. */
class RelayReportTest {

  private static RelayAttempt attempt(
      RelayVariant v, RelayResponse response, int code, String text) {
    return new RelayAttempt(
        RelayPass.ANONYMOUS,
        v,
        "<probe@ext.test>",
        "<relaytest@ext.test>",
        response,
        SmtpReply.of(250, "2.1.0 Ok"),
        Optional.of(SmtpReply.of(code, text)),
        Optional.empty(),
        OptionalInt.of(0),
        1,
        Transcript.empty());
  }

  private static RelayReport fake() {
    return RelayReport.builder()
        .target("mx.example.org", 25)
        .domains("example.org", "ext.test")
        .verdict(RelayVerdict.OPEN_RELAY)
        .passResult(RelayPass.ANONYMOUS, RelayPassResult.RELAYED)
        .addAttempt(attempt(RelayVariant.LOCAL_DELIVERY, RelayResponse.ACCEPTED, 250, "2.1.5 Ok"))
        .addAttempt(attempt(RelayVariant.EXTERNAL_SENDER, RelayResponse.ACCEPTED, 250, "2.1.5 Ok"))
        .addAttempt(
            attempt(
                RelayVariant.BANG_PATH, RelayResponse.REFUSED, 554, "5.7.1 Relay access denied"))
        .addFinding(
            RelayFinding.OPEN.finding(
                "Accepted 1 of 2 relay variants without authentication: external-sender"))
        .build();
  }

  @Test
  void builder_fakesAReportForUsersTests() {
    RelayReport r = fake();

    assertThat(r.verdict()).isEqualTo(RelayVerdict.OPEN_RELAY);
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.acceptedVariants()).containsExactly(RelayVariant.EXTERNAL_SENDER);
    assertThat(r.hasFinding(RelayFinding.OPEN)).isTrue();
    assertThat(r.hasFinding("relay.open")).isTrue();
    assertThat(r.passResult(RelayPass.AUTHENTICATED)).isEmpty();
    assertThat(r.toBuilder().build()).isEqualTo(r).hasSameHashCodeAs(r);
    assertThat(r.toBuilder().verdict(RelayVerdict.INCONCLUSIVE).build().outcome())
        .isEqualTo(Outcome.INCONCLUSIVE);
  }

  @Test
  void toString_printsVerdictAndTable() {
    assertThat(fake().toString())
        .startsWith(
            "Relay test of mx.example.org:25 (local domain example.org, external domain ext.test)\n"
                + "Verdict: OPEN_RELAY (FAIL) in 0 ms over 0 connections\n"
                + "  anonymous pass: RELAYED, 1 of 2 relay variants accepted\n"
                + "  authenticated pass: not run (no credentials)\n")
        .containsPattern(
            "anonymous +bang-path +<probe@ext.test> +<relaytest@ext.test> +REFUSED +554 5.7.1 Relay access denied")
        .contains("CRITICAL relay.open: Accepted 1 of 2");
  }

  @Test
  void build_withoutVerdict_throws() {
    assertThatThrownBy(
            () -> RelayReport.builder().target("h", 25).domains("a.test", "b.test").build())
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("verdict");
  }

  @Test
  void attempt_validatesAndPrintsItself() {
    RelayAttempt a = attempt(RelayVariant.EXTERNAL_SENDER, RelayResponse.ACCEPTED, 250, "2.1.5 Ok");

    assertThat(a.toString())
        .isEqualTo(
            "anonymous external-sender: MAIL FROM:<probe@ext.test> RCPT TO:<relaytest@ext.test> -> ACCEPTED (250 2.1.5 Ok)");
    assertThat(a.decidingReply().code()).isEqualTo(250);
    assertThatThrownBy(
            () ->
                new RelayAttempt(
                    RelayPass.ANONYMOUS,
                    RelayVariant.BANG_PATH,
                    "<>",
                    "<x>",
                    RelayResponse.NOT_TRIED,
                    SmtpReply.none("not tried"),
                    Optional.empty(),
                    Optional.empty(),
                    OptionalInt.empty(),
                    -1,
                    Transcript.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tries");
  }

  @Test
  void catalog_listsEveryRelayCodeWithNextSteps() {
    Set<String> ids =
        FindingCatalog.all().stream().map(FindingCode::id).collect(Collectors.toSet());

    for (RelayFinding f : RelayFinding.values()) {
      assertThat(ids).contains(f.id());
      assertThat(f.id()).matches("relay\\.[a-z0-9]+(-[a-z0-9]+)*");
      assertThat(f.nextSteps()).as(f.id()).isNotEmpty();
      assertThat(f.explanation()).as(f.id()).isNotBlank();
    }
    assertThat(RelayFinding.OPEN.defaultSeverity()).isEqualTo(Severity.CRITICAL);
    assertThat(RelayFinding.CLOSED.defaultSeverity()).isEqualTo(Severity.INFO);
  }

  @Test
  void variants_haveUniqueIdsAndTwoControls() {
    assertThat(RelayVariant.values()).extracting(RelayVariant::id).doesNotHaveDuplicates();
    assertThat(RelayVariant.values())
        .filteredOn(RelayVariant::isControl)
        .containsExactly(RelayVariant.LOCAL_DELIVERY, RelayVariant.UNKNOWN_LOCAL_USER);
    assertThat(RelayVariant.relayVariants()).hasSize(18);
    assertThat(RelayVariant.byId("bang-path")).contains(RelayVariant.BANG_PATH);
    assertThat(RelayVariant.byId("nope")).isEmpty();
  }
}
