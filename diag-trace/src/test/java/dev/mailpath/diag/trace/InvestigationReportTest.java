package dev.mailpath.diag.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report as a value: defaults, outcome and the narration of the guide's four parts. */
class InvestigationReportTest {
  static final MessageQuery QUESTION =
      MessageQuery.builder()
          .sender("alice@example.org")
          .recipient("bob@example.net")
          .around(Instant.parse("2024-01-02T09:00:00.123456Z"), Duration.ofHours(2))
          .subject("Quarterly numbers")
          .build();

  static InvestigationReport.Builder deferred() {
    return InvestigationReport.builder()
        .question(QUESTION)
        .conclusion(
            Conclusion.REACHED_SERVER_NOT_MAILBOX,
            "The mail server has the message but did not deliver it: 1A2B3C4D5E: deferred.")
        .reason(UndeliveredReason.DEFERRED)
        .addStage(
            new StageResult(
                InvestigationStage.SERVER_LOG,
                StageStatus.PROBLEM,
                "postfix mail.log",
                "1A2B3C4D5E: deferred",
                List.of(Evidence.of("queue-id", "1A2B3C4D5E")),
                List.of(),
                Duration.ofMillis(3)))
        .addServerLog(
            DeliveryLogReport.builder()
                .source("postfix mail.log")
                .query(QUESTION)
                .addRecord(
                    DeliveryRecord.builder()
                        .source("postfix mail.log")
                        .queueId("1A2B3C4D5E")
                        .seen(Instant.parse("2024-01-02T09:00:01Z"))
                        .build())
                .build())
        .addFinding(
            Conclusion.REACHED_SERVER_NOT_MAILBOX.code().finding(Severity.WARNING, "deferred"))
        .addNextStep("Check the queues")
        .addNextStep("Check the queues")
        .addNextStep("Read the deferral reason");
  }

  @Test
  void build_stagesNotGiven_areReportedNotCheckedInFlowOrder() {
    InvestigationReport r = deferred().build();

    assertThat(r.stages())
        .extracting(StageResult::stage)
        .containsExactly(InvestigationStage.values());
    assertThat(r.stage(InvestigationStage.MAILBOX).status()).isEqualTo(StageStatus.NOT_CHECKED);
    assertThat(r.stage(InvestigationStage.MAILBOX).checked()).isFalse();
    assertThat(r.stage(InvestigationStage.SERVER_LOG).checked()).isTrue();
    assertThat(r.nextSteps()).containsExactly("Check the queues", "Read the deferral reason");
    assertThat(r.outcome()).isEqualTo(Outcome.WARN);
    assertThat(r.hasFinding(TraceFinding.INVESTIGATION_NOT_DELIVERED)).isTrue();
  }

  @Test
  void toString_narratesTheFourPartsAndMarksWhereTheMessageIs() {
    String text = deferred().build().toString();

    assertThat(text)
        .startsWith(
            "Missing message from alice@example.org to bob@example.net, sent between 2024-01-02T07:00:00Z and 2024-01-02T11:00:00Z")
        .contains("Conclusion: REACHED_SERVER_NOT_MAILBOX (deferred)")
        .contains("Part 1 - How to start")
        .contains("What was the sending address?             alice@example.org")
        .contains("What was the subject?                     \"Quarterly numbers\"")
        .contains(
            "May I open your mailbox to investigate?   not asked (no mailbox access was given)")
        .contains(
            "Does the server think it was delivered?   no: it has the message but did not deliver it -> rule out #1 and #2, see Part 3")
        .contains("Part 2 - Message tracking does not find the message: where could it be?\n")
        .contains(
            "Part 3 - Message tracking sees the message, but it was not delivered to the mailbox   <== the message is here")
        .contains(
            "  [PROBLEM] Message tracking (postfix mail.log): 1A2B3C4D5E: deferred\n      queue-id=1A2B3C4D5E")
        .contains("  [NOT_CHECKED] Mailbox: no source was given")
        .contains("Next steps:\n  1. Check the queues\n  2. Read the deferral reason");
    assertThat(text.indexOf("Part 1")).isLessThan(text.indexOf("Part 2"));
    assertThat(text.indexOf("Part 3")).isLessThan(text.indexOf("Part 4"));
  }

  @Test
  void outcome_inconclusiveConclusion_isInconclusiveWhateverTheFindings() {
    InvestigationReport r =
        InvestigationReport.builder()
            .question(QUESTION)
            .conclusion(Conclusion.INCONCLUSIVE, "nothing to go on")
            .build();

    assertThat(r.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    assertThat(r.toString()).doesNotContain("<== the message is here");
  }

  @Test
  void conclusions_mapToTheGuidesPossibilitiesAndParts() {
    assertThat(Conclusion.NEVER_REACHED_US.possibility()).isEqualTo(1);
    assertThat(Conclusion.NEVER_REACHED_US.part()).isEqualTo(2);
    assertThat(Conclusion.REACHED_US_NOT_SERVER.possibility()).isEqualTo(2);
    assertThat(Conclusion.REACHED_SERVER_NOT_MAILBOX.part()).isEqualTo(3);
    assertThat(Conclusion.IN_MAILBOX_MOVED.part()).isEqualTo(4);
    assertThat(Conclusion.INCONCLUSIVE.possibility()).isZero();
    for (Conclusion c : Conclusion.values()) {
      assertThat(c.code().id()).startsWith("trace.investigation.");
    }
    for (InvestigationStage s : InvestigationStage.values()) {
      assertThat(s.part()).isBetween(2, 4);
      assertThat(s.question()).endsWith("?");
    }
  }

  @Test
  void build_withoutConclusion_throws() {
    assertThatThrownBy(() -> InvestigationReport.builder().question(QUESTION).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("conclusion");
  }

  @Test
  void stageResult_toString_readsLikeALineOfTheNarration() {
    assertThat(StageResult.notChecked(InvestigationStage.GATEWAY_LOG, "no gateway log was given"))
        .hasToString("[NOT_CHECKED] Gateway logs: no gateway log was given");
  }
}
