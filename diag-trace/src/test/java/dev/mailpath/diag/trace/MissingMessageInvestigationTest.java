package dev.mailpath.diag.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.Severity;
import jakarta.mail.Flags;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The investigation's conclusions from Postfix log samples (message tracking), gateway logs, an
 * inbound route check and a GreenMail mailbox: one test per place a message can end up.
 */
class MissingMessageInvestigationTest {
  static final String BOB = "bob@example.net";
  static final Instant NINE = Instant.parse("2024-01-02T09:00:00Z");

  /** The mail server's log: one message per sender, each ending somewhere else. */
  static final List<String> SERVER_LOG =
      List.of(
          // carol: deferred, the mailbox is over quota
          "Jan  2 09:00:01 mx postfix/smtpd[100]: 1A2B3C4D5E: client=mail.deferred.example[198.51.100.10]",
          "Jan  2 09:00:01 mx postfix/cleanup[101]: 1A2B3C4D5E: message-id=<deferred-1@deferred.example>",
          "Jan  2 09:00:01 mx postfix/qmgr[102]: 1A2B3C4D5E: from=<carol@deferred.example>, size=1200, nrcpt=1 (queue active)",
          "Jan  2 09:00:02 mx postfix/lmtp[103]: 1A2B3C4D5E: to=<bob@example.net>, relay=mail.example.net[private/dovecot-lmtp], delay=1.1, delays=0.1/0/0/1, dsn=4.2.2, status=deferred (host mail.example.net[private/dovecot-lmtp] said: 452 4.2.2 <bob@example.net> Quota exceeded (mailbox for user is full) (in reply to end of DATA command))",
          // dave: bounced
          "Jan  2 09:10:01 mx postfix/smtpd[110]: 2B3C4D5E6F: client=mail.bounced.example[198.51.100.20]",
          "Jan  2 09:10:01 mx postfix/cleanup[101]: 2B3C4D5E6F: message-id=<bounced-1@bounced.example>",
          "Jan  2 09:10:01 mx postfix/qmgr[102]: 2B3C4D5E6F: from=<dave@bounced.example>, size=1300, nrcpt=1 (queue active)",
          "Jan  2 09:10:02 mx postfix/lmtp[103]: 2B3C4D5E6F: to=<bob@example.net>, relay=mail.example.net[private/dovecot-lmtp], delay=0.5, delays=0.1/0/0/0.4, dsn=5.2.2, status=bounced (host mail.example.net[private/dovecot-lmtp] said: 552 5.2.2 <bob@example.net> Quota exceeded (in reply to end of DATA command))",
          "Jan  2 09:10:02 mx postfix/bounce[104]: 2B3C4D5E6F: sender non-delivery notification: 3C4D5E6F70",
          "Jan  2 09:10:02 mx postfix/qmgr[102]: 2B3C4D5E6F: removed",
          // erin: still in the queue, no attempt yet (so no recipient logged)
          "Jan  2 09:20:01 mx postfix/smtpd[120]: 4D5E6F7081: client=mail.queued.example[198.51.100.30]",
          "Jan  2 09:20:01 mx postfix/cleanup[101]: 4D5E6F7081: message-id=<queued-1@queued.example>",
          "Jan  2 09:20:01 mx postfix/qmgr[102]: 4D5E6F7081: from=<erin@queued.example>, size=1400, nrcpt=1 (queue active)",
          // frank: deferred for days, then expired
          "Jan  2 09:30:00 mx postfix/smtpd[130]: 5E6F708192: client=relay.expired.example[198.51.100.40]",
          "Jan  2 09:30:00 mx postfix/cleanup[101]: 5E6F708192: message-id=<expired-1@expired.example>",
          "Jan  2 09:30:00 mx postfix/qmgr[102]: 5E6F708192: from=<frank@expired.example>, size=700, nrcpt=1 (queue active)",
          "Jan  2 09:30:30 mx postfix/smtp[131]: 5E6F708192: to=<bob@example.net>, relay=none, delay=30, delays=0.1/0/30/0, dsn=4.4.1, status=deferred (connect to store.example.net[192.0.2.40]:25: Connection refused)",
          "Jan  7 09:30:01 mx postfix/qmgr[102]: 5E6F708192: from=<frank@expired.example>, status=expired, returned to sender",
          "Jan  7 09:30:01 mx postfix/qmgr[102]: 5E6F708192: removed",
          // grace: a routing loop
          "Jan  2 09:40:00 mx postfix/smtpd[140]: 6F708192A3: client=mail.loop.example[198.51.100.50]",
          "Jan  2 09:40:00 mx postfix/cleanup[101]: 6F708192A3: message-id=<loop-1@loop.example>",
          "Jan  2 09:40:00 mx postfix/qmgr[102]: 6F708192A3: from=<grace@loop.example>, size=900, nrcpt=1 (queue active)",
          "Jan  2 09:40:00 mx postfix/smtp[141]: 6F708192A3: to=<bob@example.net>, relay=none, delay=0.1, delays=0.1/0/0/0, dsn=5.4.6, status=bounced (mail for example.net loops back to myself)",
          "Jan  2 09:40:00 mx postfix/qmgr[102]: 6F708192A3: removed",
          // heidi: put on hold by a milter (anti-spam)
          "Jan  2 09:50:00 mx postfix/smtpd[150]: 708192A3B4: client=relay.held.example[198.51.100.60]",
          "Jan  2 09:50:00 mx postfix/cleanup[101]: 708192A3B4: message-id=<held-1@held.example>",
          "Jan  2 09:50:01 mx postfix/cleanup[101]: 708192A3B4: milter-hold: END-OF-MESSAGE from relay.held.example[198.51.100.60]: milter triggers HOLD action; from=<heidi@held.example> to=<bob@example.net> proto=ESMTP helo=<relay.held.example>",
          "Jan  2 09:50:01 mx postfix/qmgr[102]: 708192A3B4: from=<heidi@held.example>, size=5120, nrcpt=1 (queue active)",
          // ivan: rejected at RCPT (no queue id, no Message-ID)
          "Jan  2 10:00:00 mx postfix/smtpd[160]: NOQUEUE: reject: RCPT from unknown[203.0.113.9]: 554 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org; from=<ivan@rejected.example> to=<bob@example.net> proto=ESMTP helo=<mail.rejected.example>",
          // judy: through the content filter (new queue id), then delivered over LMTP
          "Jan  2 10:10:00 mx postfix/smtpd[170]: 8192A3B4C5: client=mail.delivered.example[198.51.100.70]",
          "Jan  2 10:10:00 mx postfix/cleanup[101]: 8192A3B4C5: message-id=<delivered-1@delivered.example>",
          "Jan  2 10:10:00 mx postfix/qmgr[102]: 8192A3B4C5: from=<judy@delivered.example>, size=2400, nrcpt=1 (queue active)",
          "Jan  2 10:10:05 mx postfix/smtpd[171]: 92A3B4C5D6: client=localhost[127.0.0.1]",
          "Jan  2 10:10:05 mx postfix/cleanup[101]: 92A3B4C5D6: message-id=<delivered-1@delivered.example>",
          "Jan  2 10:10:05 mx postfix/qmgr[102]: 92A3B4C5D6: from=<judy@delivered.example>, size=3100, nrcpt=1 (queue active)",
          "Jan  2 10:10:05 mx postfix/smtp[172]: 8192A3B4C5: to=<bob@example.net>, relay=127.0.0.1[127.0.0.1]:10024, delay=5, delays=0/0/0/5, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 92A3B4C5D6)",
          "Jan  2 10:10:05 mx postfix/qmgr[102]: 8192A3B4C5: removed",
          "Jan  2 10:10:06 mx postfix/lmtp[173]: 92A3B4C5D6: to=<bob@example.net>, relay=mail.example.net[private/dovecot-lmtp], delay=0.5, delays=0.1/0/0/0.4, dsn=2.0.0, status=sent (250 2.0.0 <bob@example.net> Saved)",
          "Jan  2 10:10:06 mx postfix/qmgr[102]: 92A3B4C5D6: removed",
          // kim: handed to another server that said only "Queued mail for delivery"
          "Jan  2 10:20:00 mx postfix/smtpd[180]: A3B4C5D6E7: client=mail.relayed.example[198.51.100.80]",
          "Jan  2 10:20:00 mx postfix/cleanup[101]: A3B4C5D6E7: message-id=<relayed-1@relayed.example>",
          "Jan  2 10:20:00 mx postfix/qmgr[102]: A3B4C5D6E7: from=<kim@relayed.example>, size=1000, nrcpt=1 (queue active)",
          "Jan  2 10:20:01 mx postfix/smtp[181]: A3B4C5D6E7: to=<bob@example.net>, relay=exchange.example.net[192.0.2.60]:25, delay=1, delays=0/0/0.5/0.5, dsn=2.0.0, status=sent (250 2.6.0 <relayed-1@relayed.example> [InternalId=1234] Queued mail for delivery)",
          "Jan  2 10:20:01 mx postfix/qmgr[102]: A3B4C5D6E7: removed");

  /** A gateway in front of the mail server: leo passed on, mallory held. */
  static final List<String> GATEWAY_LOG =
      List.of(
          "Jan  2 09:00:00 gw postfix/smtpd[10]: B4C5D6E7F8: client=mail.gateway.example[198.51.100.90]",
          "Jan  2 09:00:00 gw postfix/cleanup[11]: B4C5D6E7F8: message-id=<gw-1@gateway.example>",
          "Jan  2 09:00:00 gw postfix/qmgr[12]: B4C5D6E7F8: from=<leo@gateway.example>, size=1000, nrcpt=1 (queue active)",
          "Jan  2 09:00:01 gw postfix/smtp[13]: B4C5D6E7F8: to=<bob@example.net>, relay=mx.example.net[192.0.2.25]:25, delay=1, delays=0/0/0.5/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 4T4ZzZ1XkLz9sZ)",
          "Jan  2 09:00:01 gw postfix/qmgr[12]: B4C5D6E7F8: removed",
          "Jan  2 09:05:00 gw postfix/smtpd[14]: C5D6E7F809: client=mail.spammy.example[203.0.113.50]",
          "Jan  2 09:05:00 gw postfix/cleanup[11]: C5D6E7F809: message-id=<gw-2@spammy.example>",
          "Jan  2 09:05:01 gw postfix/cleanup[11]: C5D6E7F809: milter-hold: END-OF-MESSAGE from mail.spammy.example[203.0.113.50]: milter triggers HOLD action; from=<mallory@spammy.example> to=<bob@example.net> proto=ESMTP helo=<mail.spammy.example>",
          "Jan  2 09:05:01 gw postfix/qmgr[12]: C5D6E7F809: from=<mallory@spammy.example>, size=4000, nrcpt=1 (queue active)");

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
  void clear() throws Exception {
    mail.clear();
  }

  static PostfixLogSource serverLog() {
    return PostfixLogSource.builder()
        .name("postfix mx mail.log")
        .year(2024)
        .lines(SERVER_LOG)
        .build();
  }

  static PostfixLogSource gatewayLog() {
    return PostfixLogSource.builder()
        .name("postfix gw mail.log")
        .year(2024)
        .lines(GATEWAY_LOG)
        .build();
  }

  static MessageQuery from(String sender) {
    return MessageQuery.builder()
        .sender(sender)
        .recipient(BOB)
        .around(NINE.plus(Duration.ofHours(1)), Duration.ofHours(2))
        .build();
  }

  static InvestigationReport withServerLog(String sender) {
    return MissingMessageInvestigation.builder()
        .serverLog(serverLog())
        .build()
        .investigate(from(sender));
  }

  static List<String> codes(InvestigationReport r) {
    return r.findings().stream().map(Finding::code).toList();
  }

  static MimeMessage message(String id, String from, String subject) throws Exception {
    String raw =
        "Received: from mail.example.org ([198.51.100.7]) by mx.example.net with ESMTPS id 92A3B4C5D6;"
            + " Tue, 2 Jan 2024 10:10:05 +0000\r\n"
            + "Message-ID: <"
            + id
            + ">\r\nFrom: "
            + from
            + "\r\nTo: "
            + BOB
            + "\r\nSubject: "
            + subject
            + "\r\nDate: Tue, 2 Jan 2024 10:10:00 +0000\r\n\r\nBody\r\n";
    return new MimeMessage(
        Session.getInstance(new Properties()),
        new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
  }

  // ------------------------------------------------------------------ Part 3: message tracking
  // sees it

  @Test
  void investigate_deferredInTheLog_reachedServerNotMailboxDeferred() {
    InvestigationReport r = withServerLog("carol@deferred.example");

    assertThat(r.conclusion()).as("%s", r).isEqualTo(Conclusion.REACHED_SERVER_NOT_MAILBOX);
    assertThat(r.reason()).contains(UndeliveredReason.DEFERRED);
    assertThat(r.summary()).contains("1A2B3C4D5E", "Quota exceeded");
    assertThat(r.stage(InvestigationStage.SERVER_LOG).status()).isEqualTo(StageStatus.PROBLEM);
    assertThat(r.stage(InvestigationStage.MAILBOX).status()).isEqualTo(StageStatus.NOT_CHECKED);
    assertThat(r.stage(InvestigationStage.INBOUND_ROUTE).status())
        .isEqualTo(StageStatus.NOT_CHECKED);
    assertThat(r.findings(TraceFinding.INVESTIGATION_NOT_DELIVERED))
        .singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.WARNING));
    assertThat(codes(r)).contains("trace.log.deferred");
    assertThat(r.nextSteps())
        .first()
        .asString()
        .startsWith("Check the queues: mailq (postqueue -p) lists the message as 1A2B3C4D5E");
    assertThat(r.nextSteps())
        .anyMatch(s -> s.startsWith("Read the deferral reason: host mail.example.net"));
  }

  @Test
  void investigate_bouncedInTheLog_reachedServerNotMailboxBounced() {
    InvestigationReport r = withServerLog("dave@bounced.example");

    assertThat(r.conclusion()).isEqualTo(Conclusion.REACHED_SERVER_NOT_MAILBOX);
    assertThat(r.reason()).contains(UndeliveredReason.BOUNCED);
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(r.nextSteps())
        .first()
        .isEqualTo("Ask the sender for the bounce message (NDR) they received, and its exact time");
  }

  @Test
  void investigate_stillQueuedWithoutAnAttempt_reachedServerNotMailboxQueued() {
    InvestigationReport r = withServerLog("erin@queued.example");

    assertThat(r.conclusion()).as("%s", r).isEqualTo(Conclusion.REACHED_SERVER_NOT_MAILBOX);
    assertThat(r.reason()).contains(UndeliveredReason.QUEUED);
    assertThat(r.summary()).contains("4D5E6F7081", "still queued", "no delivery attempt logged");
  }

  @Test
  void investigate_expiredAfterDays_reachedServerNotMailboxExpired() {
    InvestigationReport r = withServerLog("frank@expired.example");

    assertThat(r.conclusion()).isEqualTo(Conclusion.REACHED_SERVER_NOT_MAILBOX);
    assertThat(r.reason()).contains(UndeliveredReason.EXPIRED);
    assertThat(codes(r)).contains("trace.log.expired");
  }

  @Test
  void investigate_loopBounce_reachedServerNotMailboxLooping() {
    InvestigationReport r = withServerLog("grace@loop.example");

    assertThat(r.reason()).contains(UndeliveredReason.LOOPING);
    assertThat(r.nextSteps()).anyMatch(s -> s.contains("went round in a loop"));
  }

  @Test
  void investigate_heldByMilter_reachedServerNotMailboxFiltered() {
    InvestigationReport r = withServerLog("heidi@held.example");

    assertThat(r.conclusion()).as("%s", r).isEqualTo(Conclusion.REACHED_SERVER_NOT_MAILBOX);
    assertThat(r.reason()).contains(UndeliveredReason.FILTERED);
    assertThat(r.nextSteps())
        .contains(
            "Look at the hold queue (postqueue -p, marked '!'); release it with postsuper -H 708192A3B4 if it is wanted");
  }

  @Test
  void investigate_rejectedAtRcptWithMessageIdGiven_stillFindsTheNoQueueRecord() {
    MessageQuery q =
        from("ivan@rejected.example").toBuilder()
            .messageId("<never-logged@rejected.example>")
            .build();

    InvestigationReport r =
        MissingMessageInvestigation.builder().serverLog(serverLog()).build().investigate(q);

    assertThat(r.conclusion()).as("%s", r).isEqualTo(Conclusion.REACHED_SERVER_NOT_MAILBOX);
    assertThat(r.reason()).contains(UndeliveredReason.REJECTED);
    assertThat(r.summary()).contains("NOQUEUE", "zen.spamhaus.org");
  }

  @Test
  void investigate_relayedToAnotherServer_reachedServerNotMailboxRelayed() {
    InvestigationReport r = withServerLog("kim@relayed.example");

    assertThat(r.reason()).contains(UndeliveredReason.RELAYED);
    assertThat(r.nextSteps())
        .first()
        .isEqualTo(
            "Search the next server's log (exchange.example.net[192.0.2.60]:25) for the message");
  }

  // ------------------------------------------------------------------ Part 4: delivered

  @Test
  void investigate_deliveredThroughContentFilterNoMailbox_reachedMailboxNotSearched() {
    InvestigationReport r = withServerLog("judy@delivered.example");

    assertThat(r.conclusion()).as("%s", r).isEqualTo(Conclusion.REACHED_MAILBOX);
    assertThat(r.summary()).contains("92A3B4C5D6", "by lmtp", "the mailbox was not searched");
    assertThat(r.stage(InvestigationStage.SERVER_LOG).status()).isEqualTo(StageStatus.CHECKED_OK);
    assertThat(r.nextSteps())
        .contains(
            "Check the Junk E-mail folder and the Deleted Items folder in the user's mailbox",
            "With the user's permission, search their mailbox: every folder, the Junk E-mail and Deleted Items folders first");
  }

  @Test
  void investigate_deliveredAndFoundInJunk_inMailboxMovedFoundByTheLoggedMessageId()
      throws Exception {
    mail.append(
        "Junk",
        message("delivered-1@delivered.example", "judy@delivered.example", "Quarterly numbers"),
        new Flags(),
        Date.from(Instant.parse("2024-01-02T10:10:06Z")));
    mail.append(
        "INBOX",
        message("other@delivered.example", "judy@delivered.example", "Another one"),
        new Flags(),
        Date.from(Instant.parse("2024-01-02T10:00:00Z")));

    InvestigationReport r =
        MissingMessageInvestigation.builder()
            .serverLog(serverLog())
            .mailbox(mail.search().build())
            .build()
            .investigate(from("judy@delivered.example"));

    assertThat(r.conclusion()).as("%s", r).isEqualTo(Conclusion.IN_MAILBOX_MOVED);
    assertThat(r.location().orElseThrow().folder()).isEqualTo("Junk");
    assertThat(r.mailbox().orElseThrow().query().messageId())
        .contains("delivered-1@delivered.example");
    assertThat(r.mailbox().orElseThrow().hits()).hasSize(1);
    assertThat(r.nextSteps())
        .first()
        .isEqualTo("Check the Junk E-mail folder: the message is in \"Junk\"; mark it as not junk");
  }

  @Test
  void investigate_deliveredButInNoFolder_reachedMailboxGone() {
    InvestigationReport r =
        MissingMessageInvestigation.builder()
            .serverLog(serverLog())
            .mailbox(mail.search().build())
            .build()
            .investigate(from("judy@delivered.example"));

    assertThat(r.conclusion()).as("%s", r).isEqualTo(Conclusion.REACHED_MAILBOX);
    assertThat(r.summary()).contains("no folder of the mailbox holds it now");
    assertThat(r.stage(InvestigationStage.MAILBOX).status()).isEqualTo(StageStatus.PROBLEM);
  }

  @Test
  void investigate_twoMessagesFromTheSender_takesTheOneOutsideTheInboxAndSaysSo() throws Exception {
    mail.append(
        "INBOX",
        message("seen@example.org", "alice@example.org", "Lunch"),
        new Flags(Flags.Flag.SEEN),
        Date.from(NINE));
    mail.append(
        "Trash",
        message("gone@example.org", "alice@example.org", "Numbers"),
        new Flags(Flags.Flag.DELETED),
        Date.from(NINE.plusSeconds(60)));

    InvestigationReport r =
        MissingMessageInvestigation.builder()
            .mailbox(mail.search().build())
            .build()
            .investigate(from("alice@example.org"));

    assertThat(r.conclusion()).isEqualTo(Conclusion.IN_MAILBOX_MOVED);
    assertThat(r.location().orElseThrow().messageId()).contains("<gone@example.org>");
    assertThat(r.nextSteps()).anyMatch(s -> s.startsWith("Several messages match"));
  }

  // ------------------------------------------------------------------ Part 2: message tracking
  // does not find it

  @Test
  void investigate_noRecordAnywhere_neverReachedUsAndCountsOtherMail() {
    InvestigationReport r = withServerLog("nobody@nowhere.example");

    assertThat(r.conclusion()).as("%s", r).isEqualTo(Conclusion.NEVER_REACHED_US);
    assertThat(r.otherMailDelivered()).hasValue(1); // judy's message reached bob in the window
    assertThat(r.summary()).contains("no gateway log was given");
    assertThat(r.nextSteps())
        .first()
        .isEqualTo(
            "Ask the sender for the exact time and the bounce message (NDR), if they received one");
    assertThat(r.toString())
        .contains(
            "Are you seeing other messages arrive?",
            "yes: 1 other message was delivered to bob@example.net then");
  }

  @Test
  void investigate_gatewayPassedItOnButServerHasNoRecord_reachedUsNotServer() {
    InvestigationReport r =
        MissingMessageInvestigation.builder()
            .gatewayLog(gatewayLog())
            .serverLog(serverLog())
            .build()
            .investigate(from("leo@gateway.example"));

    assertThat(r.conclusion()).as("%s", r).isEqualTo(Conclusion.REACHED_US_NOT_SERVER);
    assertThat(r.stage(InvestigationStage.GATEWAY_LOG).status()).isEqualTo(StageStatus.CHECKED_OK);
    assertThat(r.stage(InvestigationStage.SERVER_LOG).status()).isEqualTo(StageStatus.PROBLEM);
    assertThat(r.nextSteps())
        .first()
        .isEqualTo(
            "Search the next server's log (mx.example.net[192.0.2.25]:25) for queue id 4T4ZzZ1XkLz9sZ");
  }

  @Test
  void investigate_gatewayHeldIt_reachedUsNotServerFiltered() {
    InvestigationReport r =
        MissingMessageInvestigation.builder()
            .gatewayLog(gatewayLog())
            .serverLog(serverLog())
            .build()
            .investigate(from("mallory@spammy.example"));

    assertThat(r.conclusion()).isEqualTo(Conclusion.REACHED_US_NOT_SERVER);
    assertThat(r.reason()).contains(UndeliveredReason.FILTERED);
    assertThat(r.stage(InvestigationStage.GATEWAY_LOG).status()).isEqualTo(StageStatus.PROBLEM);
  }

  @Test
  void investigate_notFoundAndInboundRouteBroken_neverReachedUsWithTheRouteProblem() {
    AtomicInteger calls = new AtomicInteger();
    MissingMessageInvestigation inv =
        MissingMessageInvestigation.builder()
            .serverLog(serverLog())
            .inboundRoute(
                recipient -> {
                  calls.incrementAndGet();
                  return fakeRoute(
                      Outcome.FAIL, "no exchange for " + recipient + " accepts connections");
                })
            .build();

    InvestigationReport r = inv.investigate(from("nobody@nowhere.example"));

    assertThat(r.conclusion()).isEqualTo(Conclusion.NEVER_REACHED_US);
    assertThat(r.stage(InvestigationStage.INBOUND_ROUTE).status()).isEqualTo(StageStatus.PROBLEM);
    assertThat(r.stage(InvestigationStage.INBOUND_ROUTE).summary())
        .contains("no exchange for bob@example.net accepts connections");
    assertThat(r.summary()).contains("inbound mail fails now as well");
    assertThat(codes(r)).contains("test.route.broken");

    inv.investigate(from("carol@deferred.example"));
    assertThat(calls).as("the route is checked only while the message is not located").hasValue(1);
  }

  @Test
  void investigate_locatedWithARouteCheck_reportsTheRouteAsNotNeeded() {
    InvestigationReport r =
        MissingMessageInvestigation.builder()
            .serverLog(serverLog())
            .inboundRoute(domain -> fakeRoute(Outcome.PASS, "fine"))
            .build()
            .investigate(from("carol@deferred.example"));

    assertThat(r.stage(InvestigationStage.INBOUND_ROUTE).status())
        .isEqualTo(StageStatus.NOT_CHECKED);
    assertThat(r.stage(InvestigationStage.INBOUND_ROUTE).summary()).startsWith("not needed");
    assertThat(r.inboundRoute()).isEmpty();
  }

  // ------------------------------------------------------------------ no or broken sources

  @Test
  void investigate_noSources_inconclusiveWithEveryStageNotChecked() {
    InvestigationReport r =
        MissingMessageInvestigation.builder().build().investigate(from("alice@example.org"));

    assertThat(r.conclusion()).isEqualTo(Conclusion.INCONCLUSIVE);
    assertThat(r.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    assertThat(r.stages()).extracting(StageResult::status).containsOnly(StageStatus.NOT_CHECKED);
    assertThat(r.nextSteps())
        .startsWith(
            "Check message tracking (the mail server's delivery log) for the sender, recipient and time");
  }

  @Test
  void investigate_unreadableLog_errorStageAndInconclusive(@TempDir Path dir) {
    InvestigationReport r =
        MissingMessageInvestigation.builder()
            .serverLog(PostfixLogSource.of(dir.resolve("missing.log")))
            .build()
            .investigate(from("carol@deferred.example"));

    assertThat(r.stage(InvestigationStage.SERVER_LOG).status()).isEqualTo(StageStatus.ERROR);
    assertThat(r.conclusion()).isEqualTo(Conclusion.INCONCLUSIVE);
    assertThat(codes(r)).contains("trace.log.unreadable");
    assertThat(r.nextSteps()).anyMatch(s -> s.startsWith("Fix access to the message tracking"));
  }

  @Test
  void investigate_mailboxLoginRefused_errorStageNotGuessed() {
    InvestigationReport r =
        MissingMessageInvestigation.builder()
            .mailbox(mail.search().credentials("bob", "wrong").build())
            .build()
            .investigate(from("alice@example.org"));

    assertThat(r.stage(InvestigationStage.MAILBOX).status()).isEqualTo(StageStatus.ERROR);
    assertThat(r.conclusion()).isEqualTo(Conclusion.INCONCLUSIVE);
    assertThat(r.summary()).contains("the mailbox could not be searched");
  }

  @Test
  void investigate_incompleteQuestion_throwsAndSaysWhatIsMissing() {
    MissingMessageInvestigation inv = MissingMessageInvestigation.builder().build();

    assertThatThrownBy(
            () ->
                inv.investigate(
                    MessageQuery.builder()
                        .sender("a@example.org")
                        .around(NINE, Duration.ofHours(1))
                        .build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("recipient");
    assertThatThrownBy(
            () ->
                inv.investigate(
                    MessageQuery.builder()
                        .recipient(BOB)
                        .around(NINE, Duration.ofHours(1))
                        .build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sending address");
    assertThatThrownBy(
            () ->
                inv.investigate(
                    MessageQuery.builder().sender("a@example.org").recipient(BOB).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Approximately what time");
    assertThat(
            inv.investigate(
                    MessageQuery.builder().recipient(BOB).messageId("x@example.org").build())
                .conclusion())
        .isEqualTo(Conclusion.INCONCLUSIVE);
  }

  @Test
  void investigateAsync_completesWithTheReport() throws Exception {
    InvestigationReport r =
        MissingMessageInvestigation.builder()
            .serverLog(serverLog())
            .build()
            .investigateAsync(from("dave@bounced.example"))
            .get(10, TimeUnit.SECONDS);

    assertThat(r.reason()).contains(UndeliveredReason.BOUNCED);
  }

  static DiagnosticReport fakeRoute(Outcome outcome, String summary) {
    List<Finding> findings =
        outcome == Outcome.PASS
            ? List.of()
            : List.of(
                new Finding(
                    "test.route.broken",
                    Severity.ERROR,
                    summary,
                    "A fake route check for tests.",
                    List.of("Fix the route"),
                    List.of()));
    return new DiagnosticReport() {
      @Override
      public List<Finding> findings() {
        return findings;
      }

      @Override
      public Outcome outcome() {
        return outcome;
      }

      @Override
      public java.time.Instant startedAt() {
        return java.time.Instant.EPOCH;
      }

      @Override
      public java.time.Duration elapsed() {
        return java.time.Duration.ZERO;
      }
    };
  }
}
