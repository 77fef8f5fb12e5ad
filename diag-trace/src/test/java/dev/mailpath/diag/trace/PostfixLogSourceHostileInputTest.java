package dev.mailpath.diag.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and broken Postfix logs: every one gives a report within a bounded time and memory, never
 * an exception. The time bounds are hang guards far above what a linear reader needs, not speed
 * targets.
 */
class PostfixLogSourceHostileInputTest {
  private static final Duration HANG_GUARD = Duration.ofSeconds(10);
  private static final String SMTPD = "Jan  2 09:00:01 mx postfix/smtpd[2101]: ";
  private static final String QMGR = "Jan  2 09:00:02 mx postfix/qmgr[900]: ";
  private static final String LMTP = "Jan  2 09:00:03 mx postfix/lmtp[2110]: ";

  @TempDir Path dir;

  private static PostfixLogSource source(List<String> lines) {
    return PostfixLogSource.builder().year(2024).lines(lines).build();
  }

  private static DeliveryLogReport findAll(List<String> lines) {
    return source(lines).find(MessageQuery.builder().build());
  }

  // ---- item 6: numbers beyond long -----------------------------------------------------------

  @Test
  void find_sizeBeyondLong_ignoresTheSizeInsteadOfThrowing() {
    List<String> log =
        List.of(
            QMGR + "4T4Bq41XkLz9sP: from=<alice@example.org>, size=99999999999999999999, nrcpt=1",
            QMGR + "4T4Bq41XkLz9sP: removed");

    DeliveryLogReport r = findAll(log);

    assertThat(r.records()).hasSize(1);
    assertThat(r.records().get(0).sender()).contains("alice@example.org");
    assertThat(r.records().get(0).size()).isEmpty();
  }

  @Test
  void investigate_sizeBeyondLong_returnsAReport() {
    PostfixLogSource log =
        source(
            List.of(
                QMGR + "4T4Bq41XkLz9sP: from=<alice@example.org>, size=99999999999999999999",
                LMTP
                    + "4T4Bq41XkLz9sP: to=<bob@example.net>, relay=mail[private/dovecot-lmtp],"
                    + " delay=1, dsn=2.0.0, status=sent (250 2.0.0 Saved)"));

    MessageQuery q =
        MessageQuery.builder()
            .sender("alice@example.org")
            .recipient("bob@example.net")
            .around(Instant.parse("2024-01-02T09:00:00Z"), Duration.ofHours(1))
            .build();

    InvestigationReport r =
        MissingMessageInvestigation.builder().serverLog(log).build().investigate(q);

    assertThat(r.conclusion()).isEqualTo(Conclusion.REACHED_MAILBOX);
  }

  // ---- item 7: linear time on hostile lines (100 KB each, as in the reproductions) -------------

  @Test
  void find_noQueueRejectWithManyOpenBrackets_finishes() {
    String line = SMTPD + "NOQUEUE: reject: RCPT from " + "[".repeat(100_000);

    DeliveryLogReport r = assertTimeoutPreemptively(HANG_GUARD, () -> findAll(List.of(line)));

    assertThat(r.records()).hasSize(1);
  }

  @Test
  void find_noQueueRejectWithManyBracketColons_finishes() {
    String line = SMTPD + "NOQUEUE: reject: RCPT " + "]: ".repeat(50_000);

    DeliveryLogReport r = assertTimeoutPreemptively(HANG_GUARD, () -> findAll(List.of(line)));

    assertThat(r.records()).hasSize(1);
  }

  @Test
  void find_rejectWithManyFromOpenings_finishes() {
    String line = SMTPD + "NOQUEUE: reject: " + "from=<".repeat(34_000);
    String queued = "Jan  2 09:00:02 mx postfix/cleanup[2105]: 4T4Bq41XkLz9sP: reject: ";

    DeliveryLogReport r =
        assertTimeoutPreemptively(
            HANG_GUARD,
            () -> findAll(List.of(line, queued + "from=<".repeat(34_000), queued + "helo=<a")));

    assertThat(r.records()).hasSize(2);
  }

  @Test
  void find_deliveryWithManyStatusClauses_finishes() {
    String line = LMTP + "4T4Bq41XkLz9sP: to=<a>, " + "status=sent (x) y ".repeat(17_000);

    DeliveryLogReport r = assertTimeoutPreemptively(HANG_GUARD, () -> findAll(List.of(line)));

    assertThat(r.records()).hasSize(1);
    assertThat(r.hasFinding(TraceFinding.LOG_TRUNCATED)).isTrue();
  }

  @Test
  void reason_megabyteOfHostileText_isReadInLinearTime() {
    String brackets = "]: ".repeat(350_000);
    String helos = "helo=<".repeat(170_000);
    String froms = "]" + "from ".repeat(100_000) + "x[" + "[".repeat(500_000);

    assertTimeoutPreemptively(
        HANG_GUARD,
        () -> {
          assertThat(PostfixLogSource.reason(brackets)).isEqualTo(brackets);
          assertThat(PostfixLogSource.reason(helos)).isEqualTo(helos);
          assertThat(PostfixLogSource.angleValue(helos, "helo=<", true)).isNull();
          assertThat(PostfixLogSource.angleValue(helos, "elo=<", false)).isNull();
          assertThat(PostfixLogSource.clientInReject(froms)).isNull();
          assertThat(PostfixLogSource.clientInReject("]" + "[from ".repeat(200_000))).isNull();
        });
  }

  @Test
  void linearHelpers_agreeWithTheExpressionsTheyReplace() {
    String reject =
        "RCPT from unknown[192.0.2.1]: 554 5.7.1 <x@example.net>: Relay access denied;"
            + " from=<spam@example.com> to=<x@example.net> proto=ESMTP helo=<[192.0.2.1]>";

    assertThat(PostfixLogSource.reason(reject))
        .isEqualTo("554 5.7.1 <x@example.net>: Relay access denied");
    assertThat(PostfixLogSource.reason("header Subject: x from a[1]; helo=<h>: Spam here"))
        .isEqualTo("Spam here");
    assertThat(PostfixLogSource.clientInReject(reject)).isEqualTo("unknown[192.0.2.1]");
    assertThat(PostfixLogSource.clientInReject("from a[b]c[d x")).isEqualTo("a[b]");
    assertThat(PostfixLogSource.clientInReject("from [1] from [from h[::1]:")).isEqualTo("h[::1]");
    assertThat(PostfixLogSource.angleValue(reject, "to=<", true)).isEqualTo("x@example.net");
    assertThat(PostfixLogSource.angleValue("xorig_to=<a>, orig_to=<b>", "orig_to=<", false))
        .isEqualTo("b");
  }

  // ---- item 8: bounded memory, and the cut is reported ---------------------------------------

  @Test
  void find_lineFarOverTheCap_keepsAtMostTheCapAndReportsTheCut() throws IOException {
    String reason = "4.4.1 " + "x".repeat(1_000_000);
    Path file = dir.resolve("mail.log");
    Files.writeString(
        file,
        String.join(
            "\n",
            LMTP
                + "4T4Bq41XkLz9sP: to=<bob@example.net>, relay=none, delay=1, dsn=4.4.1,"
                + " status=deferred ("
                + reason
                + ")",
            "\0".repeat(1_000_000), // a NUL-filled tail without line break
            ""),
        StandardCharsets.UTF_8);

    DeliveryLogReport r = PostfixLogSource.builder().year(2024).path(file).build().find(all());

    assertThat(r.hasFinding(TraceFinding.LOG_TRUNCATED)).as("%s", r.findings()).isTrue();
    DeliveryRecord rec = r.records().get(0);
    assertThat(rec.lines()).allSatisfy(l -> assertThat(l).hasSizeLessThanOrEqualTo(16_384));
    // The cut line still counts as an attempt, with the reason as far as it was read.
    assertThat(rec.attempts()).hasSize(1);
    assertThat(rec.attempts().get(0).status()).isEqualTo(DeliveryStatus.DEFERRED);
    assertThat(rec.attempts().get(0).reason()).startsWith("4.4.1 xxx").hasSizeLessThan(16_384);
  }

  @Test
  void find_moreAttemptsThanTheCap_keepsFirstAndLatestAndReportsTheRest() {
    List<String> log = new ArrayList<>();
    log.add(QMGR + "4T4Bq41XkLz9sP: from=<alice@example.org>, size=10, nrcpt=1 (queue active)");
    for (int i = 0; i < 2_500; i++) {
      log.add(
          LMTP
              + "4T4Bq41XkLz9sP: to=<bob@example.net>, relay=none, delay="
              + i
              + ", dsn=4.4.1, status=deferred (connect to mail[private/dovecot-lmtp]: refused)");
    }
    log.add(
        LMTP
            + "4T4Bq41XkLz9sP: to=<bob@example.net>, relay=mail[private/dovecot-lmtp], delay=9,"
            + " dsn=2.0.0, status=sent (250 2.0.0 Saved)");
    log.add(QMGR + "4T4Bq41XkLz9sP: removed");

    DeliveryRecord rec = findAll(log).records().get(0);

    assertThat(rec.attempts()).hasSize(1_000);
    assertThat(rec.omittedAttempts()).isEqualTo(1_501);
    assertThat(rec.attempts().get(0).delay()).contains(Duration.ZERO);
    assertThat(rec.attempts().get(999).status()).isEqualTo(DeliveryStatus.SENT);
    assertThat(rec.delivered()).isTrue();
    assertThat(rec.hasFinding(TraceFinding.LOG_TRUNCATED)).isTrue();
  }

  @Test
  void find_linesWithinTheCaps_reportNoCut() {
    DeliveryLogReport r = PostfixLogSourceTest.source().find(all());

    assertThat(r.hasFinding(TraceFinding.LOG_TRUNCATED)).isFalse();
  }

  // ---- item 13: no descriptor leak when the file is not gzip ---------------------------------

  @Test
  void find_gzNameButNotGzip_closesTheFileEveryTime() throws IOException {
    Path fds = Path.of("/proc/self/fd");
    assumeTrue(Files.isDirectory(fds), "needs /proc/self/fd (Linux)");
    Path file = dir.resolve("mail.log.gz");
    Files.writeString(file, "not gzip at all\n");
    PostfixLogSource log = PostfixLogSource.builder().path(file).build();

    for (int i = 0; i < 200; i++) {
      assertThat(log.find(all()).hasFinding(TraceFinding.LOG_UNREADABLE)).isTrue();
    }

    assertThat(descriptorsOpenOn(file, fds)).isZero();
  }

  private static long descriptorsOpenOn(Path file, Path fds) throws IOException {
    Path target = file.toRealPath();
    try (Stream<Path> s = Files.list(fds)) {
      return s.filter(
              fd -> {
                try {
                  return Files.readSymbolicLink(fd).equals(target);
                } catch (IOException | UnsupportedOperationException e) {
                  return false; // closed meanwhile (the listing's own descriptor)
                }
              })
          .count();
    }
  }

  private static MessageQuery all() {
    return MessageQuery.builder().build();
  }
}
