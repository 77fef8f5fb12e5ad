package dev.mailpath.diag.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.TlsMode;
import dev.mailpath.diag.core.TranscriptLine;
import dev.mailpath.diag.smtp.SmtpCredentials;
import dev.mailpath.diag.testkit.ScriptedSmtpServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ring 2: the probe against GreenMail's SMTP and IMAP on loopback, with a scripted delivery agent
 * that files the message in the Inbox, in Junk, in Trash marked deleted, nowhere, or late. Each
 * case also asks a {@link MissingMessageInvestigation} with the same mailbox where the message is,
 * and checks its conclusion.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RoundTripProbeTest {
  static final String ALICE = "alice@example.org";
  static LocalMailbox mail;

  @BeforeAll
  static void start() throws Exception {
    mail = LocalMailbox.start();
  }

  @AfterAll
  static void stop() {
    mail.close();
  }

  @BeforeEach
  void reset() throws Exception {
    mail.clear();
    mail.next(LocalMailbox.Delivery.INBOX);
  }

  static RoundTripProbe.Builder probe() {
    return mail.probe();
  }

  /** What the investigation concludes for the probe's message, from the mailbox alone. */
  static InvestigationReport investigate(RoundTripReport r) {
    return MissingMessageInvestigation.builder()
        .mailbox(mail.search().build())
        .build()
        .investigate(
            MessageQuery.builder()
                .sender(ALICE)
                .recipient(LocalMailbox.EMAIL)
                .around(r.sentAt().orElseThrow(), Duration.ofMinutes(30))
                .build());
  }

  static List<String> codes(List<Finding> findings) {
    return findings.stream().map(Finding::code).toList();
  }

  @Test
  void run_deliveredToInbox_reportsArrivalFolderAndReceivedChain() {
    RoundTripReport r = probe().build().run();

    assertThat(r.accepted()).as("%s", r).isTrue();
    assertThat(r.arrived()).isTrue();
    assertThat(r.folder()).contains("INBOX");
    assertThat(r.folderRole()).contains(FolderRole.INBOX);
    assertThat(r.delay())
        .hasValueSatisfying(d -> assertThat(d).isPositive().isLessThan(Duration.ofSeconds(5)));
    assertThat(r.polls()).isGreaterThanOrEqualTo(1);
    assertThat(r.messageId()).startsWith("<mailpath-probe.").endsWith("@example.org>");
    assertThat(r.hit().orElseThrow().messageId()).contains(r.messageId());
    assertThat(r.receivedChain().orElseThrow().hops()).isNotEmpty();
    assertThat(r.smtp().completed()).isTrue();
    assertThat(codes(r.findings())).first().isEqualTo("trace.roundtrip.arrived");
    assertThat(codes(r.findings())).doesNotContain("trace.mailbox.found", "trace.roundtrip.slow");
    assertThat(r.toString())
        .contains(
            "Round trip alice@example.org -> bob@example.net", "arrived after", "in INBOX (inbox)");

    InvestigationReport inv = investigate(r);
    assertThat(inv.conclusion()).as("%s", inv).isEqualTo(Conclusion.IN_INBOX);
    assertThat(inv.stage(InvestigationStage.MAILBOX).status()).isEqualTo(StageStatus.CHECKED_OK);
  }

  @Test
  void run_filedAsJunk_reportsLandedInJunk() {
    mail.next(LocalMailbox.Delivery.JUNK);

    RoundTripReport r = probe().build().run();

    assertThat(r.folder()).as("%s", r).contains("Junk");
    assertThat(r.folderRole()).contains(FolderRole.JUNK);
    assertThat(r.hasFinding(TraceFinding.ROUNDTRIP_IN_JUNK)).isTrue();
    assertThat(r.outcome()).isIn(Outcome.WARN, Outcome.FAIL);

    InvestigationReport inv = investigate(r);
    assertThat(inv.conclusion()).as("%s", inv).isEqualTo(Conclusion.IN_MAILBOX_MOVED);
    assertThat(inv.location().orElseThrow().role()).isEqualTo(FolderRole.JUNK);
    assertThat(inv.nextSteps()).first().asString().startsWith("Check the Junk E-mail folder");
  }

  @Test
  void run_movedToTrashMarkedDeleted_reportsFolderAndDeletedFlag() {
    mail.next(LocalMailbox.Delivery.TRASH_DELETED);

    RoundTripReport r = probe().build().run();

    assertThat(r.folder()).as("%s", r).contains("Trash");
    assertThat(r.hit().orElseThrow().deleted()).isTrue();
    assertThat(codes(r.findings()))
        .contains("trace.roundtrip.in-folder", "trace.mailbox.deleted-flag");

    InvestigationReport inv = investigate(r);
    assertThat(inv.conclusion()).as("%s", inv).isEqualTo(Conclusion.IN_MAILBOX_MOVED);
    assertThat(inv.location().orElseThrow().deleted()).isTrue();
    assertThat(inv.summary()).contains("Trash (trash), marked \\Deleted");
    assertThat(inv.nextSteps())
        .contains("Clear the \\Deleted flag to restore the message before the folder is expunged");
  }

  @Test
  void run_neverDelivered_pollsUntilTheDeadlineAndReportsNeverArrived() {
    mail.next(LocalMailbox.Delivery.DROP);

    RoundTripReport r = probe().deadline(Duration.ofMillis(800)).build().run();

    assertThat(r.accepted()).isTrue();
    assertThat(r.arrived()).isFalse();
    assertThat(r.hasFinding(TraceFinding.ROUNDTRIP_NEVER_ARRIVED)).as("%s", r).isTrue();
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    // At least one poll after the first; how many more fit in 800 ms depends on the machine.
    assertThat(r.polls()).isGreaterThanOrEqualTo(2);
    assertThat(r.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(800));
    assertThat(r.toString()).contains("not there after 0.8 s");

    InvestigationReport mailboxOnly = investigate(r);
    assertThat(mailboxOnly.conclusion()).as("%s", mailboxOnly).isEqualTo(Conclusion.INCONCLUSIVE);
    assertThat(mailboxOnly.stage(InvestigationStage.SERVER_LOG).status())
        .isEqualTo(StageStatus.NOT_CHECKED);
    assertThat(mailboxOnly.nextSteps())
        .contains(
            "Check message tracking (the mail server's delivery log) for the sender, recipient and time");

    InvestigationReport withEmptyLog =
        MissingMessageInvestigation.builder()
            .mailbox(mail.search().build())
            .serverLog(PostfixLogSource.builder().name("postfix (empty)").lines(List.of()).build())
            .build()
            .investigate(
                MessageQuery.builder()
                    .sender(ALICE)
                    .recipient(LocalMailbox.EMAIL)
                    .around(r.sentAt().orElseThrow(), Duration.ofMinutes(30))
                    .build());
    assertThat(withEmptyLog.conclusion())
        .as("%s", withEmptyLog)
        .isEqualTo(Conclusion.NEVER_REACHED_US);
  }

  @Test
  void run_deliveredLate_waitsAndReportsTheDelay() {
    Duration late = Duration.ofMillis(1200);
    mail.nextLate(late);

    RoundTripReport r = probe().slowAfter(Duration.ofMillis(500)).build().run();

    assertThat(r.arrived()).as("%s", r).isTrue();
    assertThat(r.folder()).contains("INBOX");
    assertThat(r.delay())
        .hasValueSatisfying(
            d -> assertThat(d).isGreaterThanOrEqualTo(late).isLessThan(Duration.ofSeconds(5)));
    assertThat(r.polls()).isGreaterThan(2);
    assertThat(codes(r.findings())).contains("trace.roundtrip.arrived", "trace.roundtrip.slow");

    InvestigationReport inv = investigate(r);
    assertThat(inv.conclusion()).as("%s", inv).isEqualTo(Conclusion.IN_INBOX);
  }

  @Test
  void run_withCredentials_authenticatesAndRedactsThePassword() {
    RoundTripReport r =
        probe()
            .credentials(SmtpCredentials.of(LocalMailbox.LOGIN, LocalMailbox.PASSWORD))
            .build()
            .run();

    assertThat(r.arrived()).as("%s", r).isTrue();
    assertThat(r.smtp().transcript().sent())
        .extracting(TranscriptLine::text)
        .anyMatch(t -> t.startsWith("AUTH ") && t.endsWith("[redacted]"));
    assertThat(r.toString()).doesNotContain(LocalMailbox.PASSWORD);
    assertThat(r.smtp().transcript().toString()).doesNotContain(LocalMailbox.PASSWORD);
  }

  @Test
  void run_recipientRefused_reportsSmtpRefusedWithoutPolling() throws Exception {
    try (ScriptedSmtpServer server =
        ScriptedSmtpServer.builder()
            .reply(220, "mx.test ESMTP scripted")
            .expect("EHLO")
            .reply(250, "mx.test")
            .expect("MAIL")
            .reply(250, "2.1.0 Ok")
            .expect("RCPT")
            .reply(554, "5.7.1 <bob@example.net>: Relay access denied")
            .start()) {
      RoundTripReport r = probe().smtpServer(server.host(), server.port()).build().run();

      assertThat(r.accepted()).isFalse();
      assertThat(r.polls()).isZero();
      assertThat(r.lastSearch()).isEmpty();
      assertThat(r.findings(TraceFinding.ROUNDTRIP_SMTP_REFUSED))
          .singleElement()
          .satisfies(f -> assertThat(f.summary()).contains("RCPT TO:<bob@example.net>", "554"));
      assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
      assertThat(r.toString()).contains("not accepted", "Relay access denied");
    }
  }

  @Test
  void run_smtpServerDown_isInconclusive() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closed = s.getLocalPort();
    }
    RoundTripReport r = probe().smtpServer("127.0.0.1", closed).build().run();

    assertThat(r.hasFinding(TraceFinding.ROUNDTRIP_SMTP_REFUSED)).isTrue();
    assertThat(r.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
  }

  @Test
  void run_startTlsRequiredButNotOffered_refusesToSendInClear() {
    RoundTripReport r = probe().tlsMode(TlsMode.STARTTLS_REQUIRED).build().run();

    assertThat(r.accepted()).isFalse();
    assertThat(codes(r.findings()))
        .contains("trace.roundtrip.smtp-refused", "smtp.starttls.not-offered");
    assertThat(mail.search().build().search(MessageQuery.byMessageId(r.messageId())).hits())
        .isEmpty();
  }

  @Test
  void run_imapLoginRefused_stopsPollingAndIsInconclusive() {
    RoundTripReport r =
        probe()
            .mailbox(mail.search().credentials(LocalMailbox.LOGIN, "wrong").build())
            .build()
            .run();

    assertThat(r.accepted()).isTrue();
    assertThat(r.polls()).isEqualTo(1);
    assertThat(codes(r.findings()))
        .contains("trace.roundtrip.not-verified", "trace.imap.auth-failed");
    assertThat(r.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
  }

  @Test
  void runAsync_completesWithTheReport() throws Exception {
    RoundTripReport r = probe().build().runAsync().get(20, TimeUnit.SECONDS);

    assertThat(r.arrived()).isTrue();
  }

  @Test
  void run_twice_sendsTwoDifferentMessages() {
    RoundTripProbe p = probe().build();

    assertThat(p.run().messageId()).isNotEqualTo(p.run().messageId());
  }

  @Test
  void build_missingOrBadSettings_throwsAndSaysWhatToSet() {
    assertThatThrownBy(() -> RoundTripProbe.builder().from(ALICE).to(LocalMailbox.EMAIL).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("smtpServer(host, port)");
    assertThatThrownBy(() -> probe().mailbox(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(
            () ->
                RoundTripProbe.builder()
                    .smtpServer("127.0.0.1", 25)
                    .from(ALICE)
                    .to(LocalMailbox.EMAIL)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("mailbox(MailboxSearch)");
    assertThatThrownBy(() -> probe().to("bob at example.net"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> probe().from("alice@example.org\r\nRCPT TO:<x@y>"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> probe().smtpServer("127.0.0.1", 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> probe().pollInterval(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> probe().deadline(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(probe().credentials(SmtpCredentials.of("alice", "pw-secret")).build().toString())
        .doesNotContain("pw-secret");
  }
}
