package dev.mailpath.diag.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.Direction;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.core.TranscriptLine;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import nl.jqno.equalsverifier.EqualsVerifier;
import nl.jqno.equalsverifier.Warning;
import nl.jqno.equalsverifier.api.ConfiguredEqualsVerifier;
import org.junit.jupiter.api.Test;

/**
 * Every report of diag-trace is a value: equal when its parts are, with a matching hash code, and
 * {@code toBuilder()} gives back an equal report.
 */
class ReportEqualityTest {
  static final Finding F1 = TraceFinding.LOG_NOT_FOUND.finding("no record");
  static final Finding F2 = TraceFinding.IMAP_TIMEOUT.finding("no answer");
  static final MessageQuery Q1 = MessageQuery.byMessageId("a@example.org");
  static final MessageQuery Q2 = MessageQuery.byMessageId("b@example.org");

  static ConfiguredEqualsVerifier config() {
    return EqualsVerifier.configure()
        .withPrefabValues(Finding.class, F1, F2)
        .withPrefabValues(MessageQuery.class, Q1, Q2)
        .withPrefabValues(Transcript.class, Transcript.empty(), transcriptWithOneNote())
        // Builders reject nulls where a report needs a value; fields are final.
        .suppress(Warning.NULL_FIELDS, Warning.STRICT_HASHCODE);
  }

  static Transcript transcriptWithOneNote() {
    return Transcript.of(
        List.of(new TranscriptLine(0, Direction.SERVER, Duration.ZERO, "* OK IMAP ready")));
  }

  @Test
  void deliveryLogReport_equalsAndHashCode_followTheContract() {
    // The own findings and the outcome as given are kept for toBuilder(); equality is over what
    // the report shows (all findings, the outcome in force).
    config()
        .forClass(DeliveryLogReport.class)
        .withIgnoredFields("ownFindings", "givenOutcome")
        .verify();
  }

  @Test
  void mailboxSearchReport_equalsAndHashCode_followTheContract() {
    config().forClass(MailboxSearchReport.class).withIgnoredFields("givenOutcome").verify();
  }

  @Test
  void receivedChainReport_equalsAndHashCode_followTheContract() {
    config().forClass(ReceivedChainReport.class).verify();
  }

  @Test
  void roundTripReport_equalsAndHashCode_followTheContract() {
    config().forClass(RoundTripReport.class).withIgnoredFields("givenOutcome").verify();
  }

  @Test
  void investigationReport_equalsAndHashCode_followTheContract() {
    config().forClass(InvestigationReport.class).verify();
  }

  @Test
  void messageSourceReport_equalsAndHashCode_compareTheBytes() {
    config().forClass(MessageSourceReport.class).verify();
  }

  @Test
  void toBuilder_givesAnEqualReport() {
    Instant t = Instant.parse("2026-12-07T10:00:00Z");
    DeliveryLogReport log =
        DeliveryLogReport.builder()
            .source("maillog")
            .query(Q1)
            .addFinding(F1)
            .startedAt(t)
            .elapsed(Duration.ofMillis(12))
            .build();
    assertThat(log.toBuilder().build()).isEqualTo(log).hasSameHashCodeAs(log);
    assertThat(log.toBuilder().source("other").build()).isNotEqualTo(log);

    ReceivedChainReport chain =
        ReceivedChain.parse(
            "Received: from a.example.org ([192.0.2.1]) by b.example.org with ESMTP;"
                + " Mon, 7 Dec 2026 10:00:00 +0000\r\n\r\n");
    assertThat(chain.toBuilder().build()).isEqualTo(chain).hasSameHashCodeAs(chain);

    MailboxSearchReport box =
        MailboxSearchReport.builder()
            .server("imaps://bob@127.0.0.1:993")
            .user("bob")
            .query(Q1)
            .startedAt(t)
            .build();
    assertThat(box.toBuilder().build()).isEqualTo(box);
    assertThat(List.of(box.startedAt(), box.elapsed())).containsExactly(t, Duration.ZERO);
  }
}
