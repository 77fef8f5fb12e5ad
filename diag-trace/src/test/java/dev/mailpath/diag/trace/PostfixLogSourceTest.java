package dev.mailpath.diag.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.testkit.FakeTimeSource;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostfixLogSourceTest {

  static Path log() {
    try {
      return Path.of(PostfixLogSourceTest.class.getResource("/logs/mail.log").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static PostfixLogSource source() {
    return PostfixLogSource.builder().path(log()).year(2024).build();
  }

  static List<String> codes(List<Finding> findings) {
    return findings.stream().map(Finding::code).toList();
  }

  @Test
  void find_messageIdThroughContentFilter_returnsBothQueueIdsDeliveredAtTheEnd() {
    DeliveryLogReport r =
        source().find(MessageQuery.byMessageId("<20240102090000.abc123@example.org>"));

    assertThat(r.records())
        .extracting(rec -> rec.queueId().orElseThrow())
        .containsExactly("4T4Bq41XkLz9sP", "4T4Bq55bY3z9sQ");
    DeliveryRecord first = r.records().get(0);
    assertThat(first.client()).contains("submit.example.org[198.51.100.7]");
    assertThat(first.sender()).contains("alice@example.org");
    assertThat(first.size()).hasValue(2417);
    assertThat(first.removed()).isTrue();
    assertThat(first.firstSeen()).isEqualTo(Instant.parse("2024-01-02T09:00:02Z"));
    DeliveryAttempt toFilter = first.attempts().get(0);
    assertThat(toFilter.relay()).contains("127.0.0.1[127.0.0.1]:10024");
    assertThat(toFilter.delay()).contains(Duration.ofSeconds(40));
    assertThat(toFilter.delays()).contains("0.05/0.01/0.01/40");
    assertThat(toFilter.nextQueueId()).contains("4T4Bq55bY3z9sQ");
    assertThat(first.hasFinding(TraceFinding.LOG_RELAYED)).isTrue();
    assertThat(first.delivered()).isFalse();

    DeliveryRecord second = r.records().get(1);
    assertThat(second.delivered()).isTrue();
    assertThat(second.attempts().get(0).service()).isEqualTo("lmtp");
    assertThat(codes(second.findings())).containsExactly("trace.log.delivered");
    assertThat(r.outcome()).isEqualTo(Outcome.PASS);
  }

  @Test
  void find_recipientWithDeferralThenBounce_reportsBouncedAndBounceQueueId() {
    DeliveryLogReport r =
        source().find(MessageQuery.builder().recipient("erin@remote.example").build());

    DeliveryRecord rec = r.records().get(0);
    assertThat(rec.queueId()).contains("7C1A22E0123");
    assertThat(rec.sender()).contains("carol@example.net");
    assertThat(rec.bounceQueueId()).contains("8D2B33F0456");
    assertThat(rec.attempts())
        .extracting(DeliveryAttempt::status)
        .containsExactly(DeliveryStatus.SENT, DeliveryStatus.DEFERRED, DeliveryStatus.BOUNCED);
    DeliveryAttempt bounce = rec.finalAttempts().get("erin@remote.example");
    assertThat(bounce.dsn()).contains("5.1.1");
    assertThat(bounce.reason()).contains("User unknown");
    assertThat(codes(rec.findings()))
        .containsExactly("trace.log.delivered", "trace.log.redirected", "trace.log.bounced");
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void find_aliasRecipient_matchesOriginalRecipientAndReportsRedirect() {
    DeliveryLogReport r =
        source().find(MessageQuery.builder().recipient("postmaster@example.net").build());

    assertThat(r.records())
        .singleElement()
        .satisfies(
            rec -> {
              DeliveryAttempt a = rec.finalAttempts().get("dave@mx.example.net");
              assertThat(a.originalRecipient()).contains("postmaster@example.net");
              assertThat(a.finalDelivery()).isTrue();
            });
    assertThat(r.hasFinding(TraceFinding.LOG_REDIRECTED)).isTrue();
  }

  @Test
  void find_noQueueReject_returnsRecordWithReplyText() {
    DeliveryLogReport r =
        source().find(MessageQuery.builder().sender("spammer@bad.example").build());

    DeliveryRecord rec = r.records().get(0);
    assertThat(rec.queueId()).isEmpty();
    assertThat(rec.client()).contains("unknown[203.0.113.9]");
    DeliveryAttempt a = rec.attempts().get(0);
    assertThat(a.status()).isEqualTo(DeliveryStatus.REJECTED);
    assertThat(a.recipient()).contains("victim@elsewhere.example");
    assertThat(a.reason()).isEqualTo("554 5.7.1 <victim@elsewhere.example>: Relay access denied");
    assertThat(a.dsn()).contains("5.7.1");
    assertThat(codes(rec.findings())).containsExactly("trace.log.rejected");
  }

  @Test
  void find_headerCheckReject_reportsRejectedWithReason() {
    DeliveryLogReport r = source().find(MessageQuery.byMessageId("win-123@spammy.example"));

    DeliveryRecord rec = r.records().get(0);
    assertThat(rec.attempts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.status()).isEqualTo(DeliveryStatus.REJECTED);
              assertThat(a.service()).isEqualTo("cleanup");
              assertThat(a.reason()).isEqualTo("5.7.1 message content rejected");
            });
    assertThat(codes(rec.findings())).containsExactly("trace.log.rejected");
  }

  @Test
  void find_milterHold_reportsHeld() {
    DeliveryLogReport r = source().find(MessageQuery.byMessageId("quarantine-me@partner.example"));

    assertThat(codes(r.findings())).containsExactly("trace.log.held");
    assertThat(r.records().get(0).attempts().get(0).reason())
        .isEqualTo("milter triggers HOLD action");
  }

  @Test
  void find_expiredAfterDeferrals_reportsExpiredNotDeferred() {
    DeliveryLogReport r =
        source().find(MessageQuery.builder().recipient("grace@slow.example").build());

    assertThat(codes(r.findings())).containsExactly("trace.log.expired");
    assertThat(r.records().get(0).lastSeen()).isEqualTo(Instant.parse("2024-01-07T09:30:01Z"));
  }

  @Test
  void find_neverRemoved_reportsStillQueuedAtEnd() {
    DeliveryLogReport r = source().find(MessageQuery.byMessageId("stuck@example.org"));

    assertThat(r.records()).singleElement().satisfies(rec -> assertThat(rec.removed()).isFalse());
    assertThat(codes(r.findings())).containsExactly("trace.log.still-queued");
  }

  @Test
  void find_nothingMatches_reportsNotFound() {
    DeliveryLogReport r = source().find(MessageQuery.byMessageId("nope@nowhere.example"));

    assertThat(r.records()).isEmpty();
    assertThat(codes(r.findings())).containsExactly("trace.log.not-found");
    assertThat(r.outcome()).isEqualTo(Outcome.WARN);
  }

  @Test
  void find_timeWindow_selectsOverlappingRecords() {
    MessageQuery q =
        MessageQuery.builder()
            .window(Instant.parse("2024-01-02T09:05:00Z"), Instant.parse("2024-01-02T09:10:00Z"))
            .build();

    DeliveryLogReport r = source().find(q);

    // the NOQUEUE reject at 09:05:11 and the local message 09:06:00-09:16:31
    assertThat(r.records())
        .extracting(rec -> rec.queueId().orElse("NOQUEUE"))
        .containsExactly("NOQUEUE", "7C1A22E0123");
  }

  @Test
  void find_limit_truncates() {
    DeliveryLogReport r = source().find(MessageQuery.builder().sender("example").limit(2).build());

    assertThat(r.records()).hasSize(2);
    assertThat(r.truncated()).isTrue();
  }

  @Test
  void find_missingFile_reportsUnreadableInconclusive(@TempDir Path dir) {
    DeliveryLogReport r =
        PostfixLogSource.of(dir.resolve("absent.log")).find(MessageQuery.byMessageId("x@y"));

    assertThat(codes(r.findings())).containsExactly("trace.log.unreadable");
    assertThat(r.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
  }

  @Test
  void search_missingFile_throwsUncheckedIoException(@TempDir Path dir) {
    assertThatThrownBy(
            () ->
                PostfixLogSource.of(dir.resolve("absent.log"))
                    .search(MessageQuery.builder().build()))
        .isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void search_gzippedRotatedLog_readsIt(@TempDir Path dir) throws IOException {
    Path gz = dir.resolve("mail.log.1.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(log(), out);
    }

    try (Stream<DeliveryRecord> s =
        PostfixLogSource.builder()
            .path(gz)
            .year(2024)
            .build()
            .search(MessageQuery.byMessageId("stuck@example.org"))) {
      assertThat(s.toList()).hasSize(1);
    }
  }

  @Test
  void search_rejectLines_keepTheHeloName_andOthersHaveNone() {
    PostfixLogSource src =
        PostfixLogSource.builder()
            .lines(
                List.of(
                    "2024-03-01T10:00:00Z mx postfix/smtpd[1]: NOQUEUE: reject: RCPT from spoofer.example[192.0.2.66]: 550 5.7.1 <b@b.example>: Recipient address rejected: SPF fail; from=<a@a.example> to=<b@b.example> proto=ESMTP helo=<spoofer.example>",
                    "2024-03-01T10:01:00Z mx postfix/smtpd[1]: NOQUEUE: reject: RCPT from unknown[192.0.2.67]: 554 5.7.1 Service unavailable; from=<c@a.example> to=<b@b.example> proto=ESMTP helo=<>",
                    "2024-03-01T10:02:00Z mx postfix/smtpd[1]: 5A6B7C8D9E: client=a.example[192.0.2.1]",
                    "2024-03-01T10:02:00Z mx postfix/qmgr[3]: 5A6B7C8D9E: from=<d@a.example>, size=1, nrcpt=1 (queue active)"))
            .build();

    DeliveryRecord rejected =
        src.find(MessageQuery.builder().sender("a@a.example").build()).records().get(0);
    assertThat(rejected.helo()).contains("spoofer.example");
    assertThat(rejected.client()).contains("spoofer.example[192.0.2.66]");
    assertThat(rejected.toString()).contains("helo=<spoofer.example>");
    assertThat(
            src.find(MessageQuery.builder().sender("c@a.example").build()).records().get(0).helo())
        .as("an empty helo=<> is no name")
        .isEmpty();
    assertThat(
            src.find(MessageQuery.builder().sender("d@a.example").build()).records().get(0).helo())
        .isEmpty();
  }

  @Test
  void search_rfc3339Timestamps_readsZoneAndFraction() {
    PostfixLogSource src =
        PostfixLogSource.builder()
            .lines(
                List.of(
                    "2024-03-01T10:00:00.123456+01:00 mx postfix/smtpd[1]: 5A6B7C8D9E: client=a.example[192.0.2.1]",
                    "2024-03-01T10:00:00.2+01:00 mx postfix/cleanup[2]: 5A6B7C8D9E: message-id=<m1@a.example>",
                    "2024-03-01T09:00:01Z mx postfix/qmgr[3]: 5A6B7C8D9E: from=<a@a.example>, size=1, nrcpt=1 (queue active)",
                    "2024-03-01T10:00:02+0100 mx postfix/virtual[4]: 5A6B7C8D9E: to=<b@b.example>, relay=virtual, delay=2, delays=0/0/0/2, dsn=2.0.0, status=sent (delivered to maildir)",
                    "2024-03-01T10:00:02+01:00 mx postfix/qmgr[3]: 5A6B7C8D9E: removed"))
            .build();

    DeliveryRecord rec = src.find(MessageQuery.byMessageId("m1@a.example")).records().get(0);

    assertThat(rec.firstSeen()).isEqualTo(Instant.parse("2024-03-01T09:00:00.123456Z"));
    assertThat(rec.lastSeen()).isEqualTo(Instant.parse("2024-03-01T09:00:02Z"));
    assertThat(rec.delivered()).isTrue();
  }

  @Test
  void search_yearRolloverInLog_movesToNextYear() {
    PostfixLogSource src =
        PostfixLogSource.builder()
            .year(2023)
            .zone(ZoneId.of("Europe/Berlin"))
            .lines(
                List.of(
                    "Dec 31 23:59:59 mx postfix/qmgr[3]: 5A6B7C8D9E: from=<a@a.example>, size=1, nrcpt=1 (queue active)",
                    "Jan  1 00:00:01 mx postfix/smtp[4]: 5A6B7C8D9E: to=<b@b.example>, relay=b.example[192.0.2.2]:25, delay=2, delays=0/0/1/1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9F8E7D6C5B)",
                    "Jan  1 00:00:01 mx postfix/qmgr[3]: 5A6B7C8D9E: removed"))
            .build();

    DeliveryRecord rec = src.find(MessageQuery.builder().build()).records().get(0);

    assertThat(rec.firstSeen()).isEqualTo(Instant.parse("2023-12-31T22:59:59Z"));
    assertThat(rec.lastSeen()).isEqualTo(Instant.parse("2023-12-31T23:00:01Z"));
    assertThat(rec.attempts().get(0).nextQueueId()).contains("9F8E7D6C5B");
  }

  @Test
  void search_noYearGiven_guessesSoNothingIsInTheFuture() {
    FakeTimeSource march2025 = FakeTimeSource.of(Instant.parse("2025-03-01T00:00:00Z"));
    PostfixLogSource src =
        PostfixLogSource.builder()
            .environment(DiagEnvironment.system().with(e -> e.timeSource(march2025)))
            .lines(
                List.of(
                    "Dec 30 10:00:00 mx postfix/qmgr[3]: 5A6B7C8D9E: from=<a@a.example>, size=1, nrcpt=1 (queue active)"))
            .build();

    assertThat(src.find(MessageQuery.builder().build()).records().get(0).firstSeen())
        .isEqualTo(Instant.parse("2024-12-30T10:00:00Z"));
  }

  @Test
  void search_garbageAndForeignLines_skipsThemWithoutThrowing() {
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add("\u0000\u00ff binary junk");
    lines.add("Foo 99 99:99:99 mx postfix/smtpd[1]: 5A6B7C8D9E: client=x[1.2.3.4]");
    lines.add(
        "Jan  2 09:00:00 mx postfix/smtpd[1]: warning: hostname x does not resolve to address 1.2.3.4");
    lines.add("Jan  2 09:00:00 mx postfix/smtp[1]: 5A6B7C8D9E: to=<broken");
    lines.add(
        "Jan  2 09:00:00 mx postfix/smtp[1]: 5A6B7C8D9E: to=<b@b.example>, relay=none, status=weird (x)");
    lines.add("Jan  2 09:00:00 mx sshd[1]: 5A6B7C8D9E: not postfix");

    List<DeliveryRecord> records =
        PostfixLogSource.builder()
            .year(2024)
            .lines(lines)
            .build()
            .search(MessageQuery.builder().build())
            .toList();

    assertThat(records).singleElement().satisfies(r -> assertThat(r.attempts()).isEmpty());
  }

  @Test
  void search_moreOpenQueueIdsThanAllowed_evictsOldestAndStaysBounded() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      lines.add(
          String.format(
              "Jan  2 09:00:00 mx postfix/qmgr[3]: %010X: from=<a@a.example>, size=1, nrcpt=1 (queue active)",
              0xA00000L + i));
    }

    List<DeliveryRecord> records =
        PostfixLogSource.builder()
            .year(2024)
            .maxOpenMessages(10)
            .lines(lines)
            .build()
            .search(MessageQuery.builder().build())
            .toList();

    assertThat(records).hasSize(50);
    assertThat(records.get(0).queueId()).contains("0000A00000");
  }

  @Test
  void search_isLazy_stopsReadingWhenConsumerStops() {
    List<String> consumed = new ArrayList<>();
    Stream<String> lines =
        Stream.iterate(0, i -> i + 1)
            .limit(100_000)
            .map(
                i ->
                    String.format(
                        "Jan  2 09:00:00 mx postfix/qmgr[3]: %010X: removed", 0xB00000L + i))
            .peek(consumed::add);
    PostfixLogSource src = PostfixLogSource.builder().year(2024).lines(() -> lines).build();

    try (Stream<DeliveryRecord> s = src.search(MessageQuery.builder().build())) {
      assertThat(s.limit(3).count()).isEqualTo(3);
    }

    assertThat(consumed).hasSizeLessThan(10);
  }

  @Test
  void toString_printsTrailAndFindings() {
    String s =
        source().find(MessageQuery.byMessageId("20240102090000.abc123@example.org")).toString();

    assertThat(s)
        .contains(
            "4T4Bq41XkLz9sP",
            "from=<alice@example.org>",
            "relay=127.0.0.1[127.0.0.1]:10024",
            "removed",
            "trace.log.delivered");
  }

  @Test
  void builder_neitherPathNorLines_throws() {
    assertThatThrownBy(() -> PostfixLogSource.builder().build())
        .isInstanceOf(IllegalStateException.class);
  }
}
