package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.FindingCatalog;
import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.TlsFailurePolicy;
import dev.mailpath.diag.core.TlsMode;
import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.core.TranscriptLine;
import dev.mailpath.diag.testkit.ScriptedSmtpServer;
import dev.mailpath.diag.testkit.TestCertificates;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every hostile and policy case against a scripted server on loopback; each ends in a report. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SmtpConversationScriptedTest {

  private static final SmtpTimeouts QUICK = SmtpTimeouts.all(Duration.ofSeconds(2));
  private static final Duration SHORT = Duration.ofMillis(300);

  private static final SmtpClient CLIENT =
      SmtpClient.builder().timeouts(QUICK).deadline(Duration.ofSeconds(8)).build();

  private static SmtpConversation to(ScriptedSmtpServer s) {
    return SmtpConversation.to(s.host(), s.port());
  }

  private static ScriptedSmtpServer.Builder greeting() {
    return ScriptedSmtpServer.builder().reply(220, "mx.test ESMTP scripted");
  }

  private static ScriptedSmtpServer.Builder ehloDone(String... extensions) {
    String[] lines = new String[extensions.length + 1];
    lines[0] = "mx.test";
    System.arraycopy(extensions, 0, lines, 1, extensions.length);
    return greeting().expect("EHLO").reply(250, lines);
  }

  private static Finding only(SmtpReport r, FindingCode code) {
    List<Finding> f = r.findings(code);
    assertThat(f).as("findings %s in\n%s", code.id(), r).hasSize(1);
    return f.get(0);
  }

  private static String phaseOf(Finding f) {
    return f.evidence().stream()
        .filter(e -> e.label().equals("phase"))
        .findFirst()
        .orElseThrow()
        .value();
  }

  private static List<String> sent(SmtpReport r) {
    return r.transcript().sent().stream().map(TranscriptLine::text).toList();
  }

  // ---------------------------------------------------------------- the normal session

  @Test
  void run_fullSession_completesWithReadableTranscript() {
    try (ScriptedSmtpServer server =
        ehloDone("PIPELINING", "SIZE 10240000", "8BITMIME", "ENHANCEDSTATUSCODES")
            .expect("MAIL FROM:<me@example.test>")
            .reply(250, "2.1.0 Ok")
            .expect("RCPT TO:<you@example.test>")
            .reply(250, "2.1.5 Ok")
            .expect("DATA")
            .reply(354, "End data with <CR><LF>.<CR><LF>")
            .expectData()
            .reply(250, "2.0.0 Ok: queued as 4711")
            .start()) {

      SmtpReport r =
          CLIENT.run(
              to(server)
                  .ehlo("probe.example.test")
                  .mailFrom("me@example.test")
                  .rcptTo("you@example.test")
                  .data(
                      Map.of("Subject", "Test message via Telnet"),
                      "This is a test\nPlease reply if received\n")
                  .quit());

      assertThat(r.completed()).as("%s", r).isTrue();
      assertThat(r.findings()).isEmpty();
      assertThat(r.outcome()).isEqualTo(Outcome.PASS);
      assertThat(r.capabilities().orElseThrow().sizeLimit()).hasValue(10240000);
      assertThat(r.steps())
          .extracting(SmtpExchange::command)
          .containsExactly(
              "",
              "EHLO probe.example.test",
              "MAIL FROM:<me@example.test>",
              "RCPT TO:<you@example.test>",
              "DATA",
              ".",
              "QUIT");
      assertThat(r.steps().get(5).reply().enhancedStatus()).contains("2.0.0");
      String t = r.transcript().toString();
      assertThat(t)
          .contains(
              "<-  220 mx.test ESMTP scripted",
              " -> EHLO probe.example.test",
              "<-  250-mx.test",
              "<-  250 ENHANCEDSTATUSCODES",
              " -> Subject: Test message via Telnet",
              " -> This is a test",
              " -> .",
              "<-  221 2.0.0 Bye");
      assertThat(server.messages()).hasSize(1);
      assertThat(server.messages().get(0))
          .contains("Date: ", "Message-ID: <", "@example.test>")
          .contains("\r\n\r\nThis is a test\r\nPlease reply if received\r\n");
      assertThat(r.toString())
          .contains("SMTP 127.0.0.1:" + server.port() + ": completed", "Outcome: PASS");
    }
  }

  @Test
  void run_bodyWithLeadingDotsAndBareLf_isDotStuffedWithCrlf() {
    try (ScriptedSmtpServer server =
        ehloDone()
            .expect("MAIL")
            .reply(250, "ok")
            .expect("RCPT")
            .reply(250, "ok")
            .expect("DATA")
            .reply(354, "go")
            .expectData()
            .reply(250, "ok")
            .start()) {

      SmtpReport r =
          CLIENT.run(
              to(server)
                  .ehlo("c.test")
                  .mailFrom("a@b.test")
                  .rcptTo("c@d.test")
                  .data(Map.of("Subject", "dots"), ".hidden\n..two\r.\nend"));

      assertThat(sent(r)).contains("..hidden", "...two", "..", "end", ".");
      assertThat(server.messages().get(0)).contains("\r\n.hidden\r\n..two\r\n.\r\nend\r\n");
    }
  }

  private static ScriptedSmtpServer.Builder oneMessage() {
    return ehloDone("PIPELINING")
        .expect("MAIL")
        .reply(250, "2.1.0 ok")
        .expect("RCPT")
        .reply(550, "5.1.1 no such user")
        .expect("RCPT")
        .reply(250, "2.1.5 ok")
        .expect("DATA")
        .reply(354, "go")
        .expectData()
        .reply(250, "2.0.0 queued");
  }

  private static SmtpConversation oneMessage(ScriptedSmtpServer server) {
    return to(server)
        .ehlo("c.test")
        .mailFrom("a@b.test")
        .rcptTo("nobody@d.test")
        .rcptTo("c@d.test")
        .data(
            List.of(
                "Subject: fixed",
                "Date: Thu, 01 Jan 2026 00:00:00 +0000",
                "Message-ID: <fixed@b.test>"),
            ".hidden\nbody\n")
        .quit();
  }

  @Test
  void run_transcriptOff_sameStepsAndFindingsWithoutLines() {
    try (ScriptedSmtpServer full = oneMessage().start();
        ScriptedSmtpServer bare = oneMessage().start()) {
      SmtpClient off = CLIENT.toBuilder().transcript(Transcript.Limits.OFF).build();

      SmtpReport withTranscript = CLIENT.run(oneMessage(full));
      SmtpReport without = off.run(oneMessage(bare));

      assertThat(off.transcript()).isEqualTo(Transcript.Limits.OFF);
      assertThat(without.completed()).as("%s", without).isTrue();
      assertThat(without.steps())
          .extracting(e -> e.command() + " " + e.reply().lines())
          .isEqualTo(
              withTranscript.steps().stream()
                  .map(e -> e.command() + " " + e.reply().lines())
                  .toList());
      assertThat(without.findings()).isEqualTo(withTranscript.findings());
      assertThat(without.findings()).isNotEmpty();
      assertThat(without.transcript().sent()).isEmpty();
      assertThat(without.transcript().omittedLines())
          .isEqualTo(withTranscript.transcript().lines().size());
      assertThat(bare.messages()).isEqualTo(full.messages());
    }
  }

  @Test
  void run_fixedMessageTwice_sendsTheSameStuffedBytesAndTranscript() {
    try (ScriptedSmtpServer server = oneMessage().start()) {
      SmtpConversation script = oneMessage(server);

      SmtpReport first = CLIENT.run(script);
      SmtpReport second = CLIENT.run(script);

      assertThat(first.completed()).as("%s", first).isTrue();
      assertThat(second.completed()).as("%s", second).isTrue();
      assertThat(server.messages()).hasSize(2);
      assertThat(server.messages().get(1)).isEqualTo(server.messages().get(0));
      assertThat(server.messages().get(0))
          .contains("Message-ID: <fixed@b.test>\r\n\r\n.hidden\r\nbody\r\n");
      assertThat(sent(second)).isEqualTo(sent(first));
      assertThat(sent(first)).contains("..hidden", "body", ".");
    }
  }

  @Test
  void run_messageWithoutMessageId_getsAFreshOneEachRun() {
    try (ScriptedSmtpServer server = oneMessage().start()) {
      SmtpConversation script =
          to(server)
              .ehlo("c.test")
              .mailFrom("a@b.test")
              .rcptTo("nobody@d.test")
              .rcptTo("c@d.test")
              .data(Map.of("Subject", "fresh"), ".dot\nbody\n")
              .quit();

      CLIENT.run(script);
      CLIENT.run(script);

      assertThat(server.messages()).hasSize(2);
      String a = server.messages().get(0);
      String b = server.messages().get(1);
      assertThat(a).contains("Message-ID: <", "@b.test>", "\r\n\r\n.dot\r\nbody\r\n");
      assertThat(b).contains("\r\n\r\n.dot\r\nbody\r\n");
      assertThat(messageId(a)).isNotEqualTo(messageId(b));
    }
  }

  private static String messageId(String message) {
    int at = message.indexOf("Message-ID: <");
    return message.substring(at, message.indexOf('>', at));
  }

  @Test
  void run_sameScriptTwice_twoConnectionsTwoReports() {
    try (ScriptedSmtpServer server = ehloDone().start()) {
      SmtpConversation script = to(server).ehlo("c.test");

      SmtpReport first = script.run();
      SmtpReport second = script.run();

      assertThat(first.completed()).isTrue();
      assertThat(second.completed()).isTrue();
      assertThat(server.connectionCount()).isEqualTo(2);
    }
  }

  @Test
  void runAsync_completesWithReport() throws Exception {
    try (ScriptedSmtpServer server = ehloDone().start()) {
      SmtpReport r = CLIENT.runAsync(to(server).ehlo("c.test")).get(10, TimeUnit.SECONDS);

      assertThat(r.completed()).isTrue();
    }
  }

  // ---------------------------------------------------------------- misuse throws before sending

  @Test
  void mailFrom_crlfInAddress_throwsBeforeAnythingIsSent() {
    try (ScriptedSmtpServer server = ehloDone().start()) {
      SmtpConversation base = to(server).ehlo("c.test");

      assertThatThrownBy(() -> base.mailFrom("a@b.test>\r\nRCPT TO:<victim@x.test"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("CR");
      assertThatThrownBy(() -> base.rcptTo("a@b.test\n"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> base.ehlo("x\u0000y")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> base.data(Map.of("Subject", "a\r\nBcc: x@y"), "b"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> base.command("NOOP\r\nQUIT"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> base.mailFrom("a".repeat(300) + "@b.test"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(server.connectionCount()).isZero();
    }
  }

  @Test
  void command_rfc5321OddPaths_areSentAsGiven() {
    try (ScriptedSmtpServer server =
        ehloDone()
            .expect("MAIL FROM:<>")
            .reply(250, "ok")
            .expect("RCPT TO:<@relay.test:\"john doe\"@x.test>")
            .reply(250, "ok")
            .start()) {

      SmtpReport r =
          CLIENT.run(
              to(server)
                  .ehlo("c.test")
                  .mailFrom("<>")
                  .command("RCPT TO:<@relay.test:\"john doe\"@x.test>")
                  .quit());

      assertThat(r.completed()).isTrue();
      assertThat(server.mismatches()).isEmpty();
    }
  }

  @Test
  void mailAddressSteps_displayNameOrSourceRoute_throwNamingTheProblem() {
    SmtpConversation c = SmtpConversation.to("127.0.0.1", 25);

    assertThatThrownBy(() -> c.mailFrom("Me <me@example.net>"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("address")
        .hasMessageContaining("parse");
    assertThatThrownBy(() -> c.rcptTo("<@relay.test:someone@x.test>"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("address");
    assertThatThrownBy(() -> c.mailFrom(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("address");
  }

  @Test
  void mailFrom_emptyOrAngleBrackets_isTheNullReversePath() {
    try (ScriptedSmtpServer server =
        ehloDone()
            .expect("MAIL FROM:<>")
            .reply(250, "ok")
            .expect("MAIL FROM:<>")
            .reply(250, "ok")
            .start()) {
      SmtpReport r =
          CLIENT.run(
              to(server).ehlo("c.test").mailFrom("").mailFrom("<>").quitAfter(SmtpPhase.MAIL));

      assertThat(server.mismatches()).isEmpty();
      assertThat(r.completed()).isTrue();
    }
  }

  // ---------------------------------------------------------------- banner

  @Test
  void run_banner554_reportsBannerNot220AndQuits() {
    try (ScriptedSmtpServer server =
        ScriptedSmtpServer.builder()
            .reply(554, "5.7.1 mx.test: your address is on a blocklist")
            .start()) {

      SmtpReport r = CLIENT.run(to(server).ehlo("c.test"));

      assertThat(phaseOf(only(r, SmtpFinding.BANNER_NOT_220))).isEqualTo("BANNER");
      assertThat(r.endedAt()).contains(SmtpPhase.BANNER);
      assertThat(sent(r)).containsExactly("QUIT");
      assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    }
  }

  @Test
  void run_silentServer_timesOutInBannerPhase() {
    try (ScriptedSmtpServer server = ScriptedSmtpServer.builder().stall().start()) {
      long t0 = System.nanoTime();

      SmtpReport r =
          CLIENT.toBuilder()
              .timeouts(SmtpTimeouts.all(SHORT))
              .build()
              .run(to(server).ehlo("c.test"));

      Finding f = only(r, SmtpFinding.TIMEOUT);
      assertThat(f.summary()).contains("BANNER phase", "300 ms");
      assertThat(r.endedAt()).contains(SmtpPhase.BANNER);
      assertThat(r.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void run_drippedBanner_isStoppedByPhaseDeadlineNotReadTimeout() {
    try (ScriptedSmtpServer server =
        ScriptedSmtpServer.builder()
            .drip("220 " + "x".repeat(200) + "\r\n", Duration.ofMillis(20))
            .start()) {
      SmtpTimeouts t = SmtpTimeouts.all(Duration.ofSeconds(5)).toBuilder().banner(SHORT).build();
      long t0 = System.nanoTime();

      SmtpReport r = CLIENT.toBuilder().timeouts(t).build().run(to(server));

      assertThat(only(r, SmtpFinding.TIMEOUT).summary()).contains("BANNER phase");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void run_garbageBanner_reportsMalformedReply() {
    try (ScriptedSmtpServer server =
        ScriptedSmtpServer.builder().lines("SSH-2.0-OpenSSH_9.2").stall().start()) {
      SmtpReport r = CLIENT.run(to(server));

      assertThat(phaseOf(only(r, SmtpFinding.REPLY_MALFORMED))).isEqualTo("BANNER");
      assertThat(sent(r)).containsExactly("QUIT");
      assertThat(r.transcript().toString()).contains("Not waiting for 221");
    }
  }

  @Test
  void run_binaryBanner_reportsMalformedReplyWithEscapedBytes() {
    try (ScriptedSmtpServer server =
        ScriptedSmtpServer.builder()
            .raw(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xff, '\r', '\n'})
            .stall()
            .start()) {
      SmtpReport r = CLIENT.run(to(server));

      only(r, SmtpFinding.REPLY_MALFORMED);
      assertThat(r.transcript().received().get(0).text()).isEqualTo("\\x16\\x03\\x01\\x00\\xff");
    }
  }

  @Test
  void run_replyCodeOutOfRange_reportsMalformedReply() {
    try (ScriptedSmtpServer server =
        ScriptedSmtpServer.builder().lines("600 mx.test hello").stall().start()) {
      assertThat(only(CLIENT.run(to(server)), SmtpFinding.REPLY_MALFORMED).summary())
          .contains("outside 200-599");
    }
  }

  @Test
  void run_bareLfReplies_toleratedAndReported() {
    try (ScriptedSmtpServer server =
        ScriptedSmtpServer.builder()
            .raw("220 mx.test\n")
            .expect("EHLO")
            .raw("250-mx.test\n250 8BITMIME\n")
            .start()) {
      SmtpReport r = CLIENT.run(to(server).ehlo("c.test"));

      assertThat(r.completed()).isTrue();
      assertThat(r.capabilities().orElseThrow().eightBitMime()).isTrue();
      assertThat(only(r, SmtpFinding.REPLY_BARE_LINE_ENDING).summary()).contains("bare LF");
    }
  }

  @Test
  void run_bannerLineOfOneMebibyte_reportsTooLarge() {
    try (ScriptedSmtpServer server =
        ScriptedSmtpServer.builder().raw("220 " + "x".repeat(1 << 20) + "\r\n").stall().start()) {
      SmtpReport r = CLIENT.run(to(server));

      assertThat(phaseOf(only(r, SmtpFinding.REPLY_TOO_LARGE))).isEqualTo("BANNER");
      assertThat(r.transcript().toString().length()).isLessThan(20_000);
    }
  }

  @Test
  void run_bannerThen421_endsWithoutFinding221Complaint() {
    try (ScriptedSmtpServer server =
        ScriptedSmtpServer.builder().reply(421, "4.3.2 busy").disconnect().start()) {
      SmtpReport r = CLIENT.run(to(server));

      Finding f = only(r, SmtpFinding.BANNER_NOT_220);
      assertThat(f.severity()).isEqualTo(dev.mailpath.diag.core.Severity.WARNING);
      assertThat(r.findings(SmtpFinding.QUIT_NOT_221)).isEmpty();
    }
  }

  // ---------------------------------------------------------------- EHLO

  @Test
  void run_endlessMultilineEhlo_reportsTooLarge() {
    try (ScriptedSmtpServer server =
        greeting().expect("EHLO").endless("PIPELINING", 8 << 20).start()) {
      SmtpReport r = CLIENT.run(to(server).ehlo("c.test"));

      assertThat(phaseOf(only(r, SmtpFinding.REPLY_TOO_LARGE))).isEqualTo("EHLO");
      assertThat(r.endedAt()).contains(SmtpPhase.EHLO);
    }
  }

  @Test
  void run_tenThousandLineEhlo_reportsTooLarge() {
    try (ScriptedSmtpServer server =
        greeting().expect("EHLO").raw("250-X\r\n".repeat(10_000) + "250 END\r\n").start()) {
      SmtpReport r = CLIENT.run(to(server).ehlo("c.test"));

      assertThat(only(r, SmtpFinding.REPLY_TOO_LARGE).summary()).contains("1000 lines");
    }
  }

  @Test
  void run_ehlo502_fallsBackToHeloAndSaysSo() {
    try (ScriptedSmtpServer server =
        greeting()
            .expect("EHLO")
            .reply(502, "5.5.2 Error: command not recognized")
            .expect("HELO c.test")
            .reply(250, "mx.test")
            .start()) {
      SmtpReport r = CLIENT.run(to(server).ehlo("c.test"));

      only(r, SmtpFinding.EHLO_REJECTED_HELO_USED);
      assertThat(r.completed()).isTrue();
      assertThat(sent(r)).containsExactly("EHLO c.test", "HELO c.test", "QUIT");
    }
  }

  @Test
  void run_ehlo554_neverFallsBackToHelo() {
    try (ScriptedSmtpServer server =
        greeting().expect("EHLO").reply(554, "5.7.1 go away").start()) {
      SmtpReport r = CLIENT.run(to(server).ehlo("c.test"));

      assertThat(sent(r)).containsExactly("EHLO c.test", "QUIT");
      assertThat(phaseOf(only(r, SmtpFinding.REPLY_PERMANENT))).isEqualTo("EHLO");
      assertThat(r.findings(SmtpFinding.EHLO_REJECTED_HELO_USED)).isEmpty();
      assertThat(r.endedAt()).contains(SmtpPhase.EHLO);
    }
  }

  @Test
  void run_ehlo421_neverFallsBackToHelo() {
    try (ScriptedSmtpServer server =
        greeting().expect("EHLO").reply(421, "4.3.2 shutting down").start()) {
      SmtpReport r = CLIENT.run(to(server).ehlo("c.test"));

      assertThat(sent(r)).doesNotContain("HELO c.test");
      only(r, SmtpFinding.REPLY_TEMPORARY);
    }
  }

  @Test
  void run_absurdSize_reportsSizeInvalid() {
    try (ScriptedSmtpServer server = ehloDone("SIZE 99999999999999999999999999").start()) {
      SmtpReport r = CLIENT.run(to(server).ehlo("c.test"));

      only(r, SmtpFinding.EHLO_SIZE_INVALID);
      assertThat(r.capabilities().orElseThrow().sizeLimit()).isEmpty();
    }
  }

  @Test
  void run_authOfferedInClear_reportsIt() {
    try (ScriptedSmtpServer server = ehloDone("AUTH PLAIN LOGIN").start()) {
      assertThat(
              only(CLIENT.run(to(server).ehlo("c.test")), SmtpFinding.AUTH_OFFERED_WITHOUT_TLS)
                  .summary())
          .contains("PLAIN LOGIN");
    }
  }

  @Test
  void run_closeInMiddleOfReply_reportsClosedInPhase() {
    try (ScriptedSmtpServer server =
        greeting().expect("EHLO").lines("250-mx.test").disconnect().start()) {
      SmtpReport r = CLIENT.run(to(server).ehlo("c.test"));

      Finding f = only(r, SmtpFinding.CONNECT_CLOSED);
      assertThat(f.summary()).contains("in the middle of a reply", "EHLO phase");
      assertThat(sent(r)).containsExactly("EHLO c.test");
    }
  }

  @Test
  void run_resetInMiddleOfReply_reportsResetOrClosed() {
    try (ScriptedSmtpServer server =
        greeting().expect("EHLO").lines("250-mx.test").reset().start()) {
      SmtpReport r = CLIENT.run(to(server).ehlo("c.test"));

      assertThat(r.hasFinding(SmtpFinding.CONNECT_RESET)).as("%s", r).isTrue();
      assertThat(r.endedAt()).contains(SmtpPhase.EHLO);
    }
  }

  @Test
  void run_extraReplyAfterBanner_reportsUnsolicitedAndStaysInStep() {
    try (ScriptedSmtpServer server =
        ScriptedSmtpServer.builder()
            .raw("220 mx.test\r\n250 surprise\r\n")
            .expect("EHLO")
            .reply(250, "mx.test", "8BITMIME")
            .start()) {
      SmtpReport r = CLIENT.run(to(server).ehlo("c.test"));

      assertThat(only(r, SmtpFinding.REPLY_UNSOLICITED).summary()).contains("250 surprise");
      assertThat(r.capabilities().orElseThrow().eightBitMime()).isTrue();
      assertThat(r.completed()).isTrue();
    }
  }

  // ---------------------------------------------------------------- transaction

  @Test
  void run_oneOfTwoRecipientsRejected_reportsAndGoesOn() {
    try (ScriptedSmtpServer server =
        ehloDone()
            .expect("MAIL")
            .reply(250, "ok")
            .expect("RCPT TO:<nobody@x.test>")
            .reply(550, "5.1.1 <nobody@x.test>: Recipient address rejected")
            .expect("RCPT TO:<user@x.test>")
            .reply(250, "ok")
            .expect("DATA")
            .reply(354, "go")
            .expectData()
            .reply(250, "queued")
            .start()) {
      SmtpReport r =
          CLIENT.run(
              to(server)
                  .ehlo("c.test")
                  .mailFrom("a@b.test")
                  .rcptTo("nobody@x.test", "user@x.test")
                  .data(Map.of("Subject", "x"), "y"));

      Finding f = only(r, SmtpFinding.REPLY_PERMANENT);
      assertThat(phaseOf(f)).isEqualTo("RCPT");
      assertThat(f.summary()).contains("RCPT TO:<nobody@x.test>", "5.1.1");
      assertThat(r.completed()).isTrue();
    }
  }

  @Test
  void run_everyRecipientRejected_stopsBeforeData() {
    try (ScriptedSmtpServer server =
        ehloDone()
            .expect("MAIL")
            .reply(250, "ok")
            .expect("RCPT")
            .reply(554, "5.7.1 Relay access denied")
            .start()) {
      SmtpReport r =
          CLIENT.run(
              to(server)
                  .ehlo("c.test")
                  .mailFrom("a@b.test")
                  .rcptTo("x@elsewhere.test")
                  .data(Map.of("Subject", "x"), "y"));

      assertThat(r.endedAt()).contains(SmtpPhase.RCPT);
      assertThat(r.endReason()).contains("no recipient accepted");
      assertThat(sent(r)).doesNotContain("DATA");
    }
  }

  @Test
  void run_greylisted_reportsTemporaryFailure() {
    try (ScriptedSmtpServer server =
        ehloDone()
            .expect("MAIL")
            .reply(250, "ok")
            .expect("RCPT")
            .reply(451, "4.7.1 Greylisted, try again later")
            .start()) {
      Finding f =
          only(
              CLIENT.run(to(server).ehlo("c.test").mailFrom("a@b.test").rcptTo("u@x.test")),
              SmtpFinding.REPLY_TEMPORARY);

      assertThat(f.summary()).contains("4.7.1");
    }
  }

  @Test
  void run_dataAnswered250_reportsUnexpectedDataReply() {
    try (ScriptedSmtpServer server =
        ehloDone()
            .expect("MAIL")
            .reply(250, "ok")
            .expect("RCPT")
            .reply(250, "ok")
            .expect("DATA")
            .reply(250, "ok?")
            .start()) {
      SmtpReport r =
          CLIENT.run(
              to(server)
                  .ehlo("c.test")
                  .mailFrom("a@b.test")
                  .rcptTo("u@x.test")
                  .data(Map.of(), "body"));

      only(r, SmtpFinding.DATA_UNEXPECTED_REPLY);
      assertThat(r.endedAt()).contains(SmtpPhase.DATA);
      assertThat(sent(r)).doesNotContain("body");
    }
  }

  @Test
  void run_noReplyToFinalDot_timesOutInDataPhase() {
    try (ScriptedSmtpServer server =
        ehloDone()
            .expect("MAIL")
            .reply(250, "ok")
            .expect("RCPT")
            .reply(250, "ok")
            .expect("DATA")
            .reply(354, "go")
            .expectData()
            .stall()
            .start()) {
      SmtpReport r =
          CLIENT.toBuilder()
              .timeouts(QUICK.toBuilder().dataEnd(SHORT).build())
              .build()
              .run(
                  to(server)
                      .ehlo("c.test")
                      .mailFrom("a@b.test")
                      .rcptTo("u@x.test")
                      .data(Map.of(), "body"));

      Finding f = only(r, SmtpFinding.TIMEOUT);
      assertThat(f.summary()).contains("DATA phase", "300 ms");
      assertThat(r.endedAt()).contains(SmtpPhase.DATA);
    }
  }

  @Test
  void run_quitAfterRcpt_sendsNoData() {
    try (ScriptedSmtpServer server =
        ehloDone().expect("MAIL").reply(250, "ok").expect("RCPT").reply(250, "ok").start()) {
      SmtpReport r =
          CLIENT.run(
              to(server)
                  .ehlo("c.test")
                  .mailFrom("a@b.test")
                  .rcptTo("u@x.test")
                  .data(Map.of(), "body")
                  .quitAfter(SmtpPhase.RCPT));

      assertThat(r.completed()).isTrue();
      assertThat(sent(r))
          .containsExactly("EHLO c.test", "MAIL FROM:<a@b.test>", "RCPT TO:<u@x.test>", "QUIT");
    }
  }

  @Test
  void run_pipeliningOffered_sendsTransactionAsOneGroup() {
    try (ScriptedSmtpServer server =
        ehloDone("PIPELINING")
            .expect("MAIL")
            .expect("RCPT")
            .expect("RCPT")
            .expect("DATA")
            .reply(250, "ok")
            .reply(250, "ok")
            .reply(550, "no such user")
            .reply(354, "go")
            .expectData()
            .reply(250, "queued")
            .start()) {
      SmtpReport r =
          CLIENT.run(
              to(server)
                  .pipelining(true)
                  .ehlo("c.test")
                  .mailFrom("a@b.test")
                  .rcptTo("u@x.test", "v@x.test")
                  .data(Map.of("Subject", "p"), "body"));

      assertThat(r.completed()).as("%s", r).isTrue();
      assertThat(r.findings(SmtpFinding.REPLY_PERMANENT)).hasSize(1);
      List<String> lines = r.transcript().lines().stream().map(TranscriptLine::toString).toList();
      int mail = lines.indexOf(" -> MAIL FROM:<a@b.test>");
      assertThat(lines.subList(mail, mail + 4))
          .containsExactly(
              " -> MAIL FROM:<a@b.test>",
              " -> RCPT TO:<u@x.test>",
              " -> RCPT TO:<v@x.test>",
              " -> DATA");
      assertThat(server.messages()).hasSize(1);
    }
  }

  @Test
  void run_pipeliningNotOffered_sendsOneByOneAndSaysSo() {
    try (ScriptedSmtpServer server = ehloDone().expect("MAIL").reply(250, "ok").start()) {
      SmtpReport r = CLIENT.run(to(server).pipelining(true).ehlo("c.test").mailFrom("a@b.test"));

      only(r, SmtpFinding.PIPELINING_NOT_OFFERED);
    }
  }

  @Test
  void run_vrfyDisabled_isInfoOnly() {
    try (ScriptedSmtpServer server =
        ehloDone().expect("VRFY").reply(502, "5.5.1 VRFY disabled").start()) {
      SmtpReport r = CLIENT.run(to(server).ehlo("c.test").vrfy("postmaster"));

      assertThat(only(r, SmtpFinding.REPLY_PERMANENT).severity())
          .isEqualTo(dev.mailpath.diag.core.Severity.INFO);
      assertThat(r.outcome()).isEqualTo(Outcome.PASS);
    }
  }

  // ---------------------------------------------------------------- AUTH

  @Test
  void run_authPlain_sendsInitialResponseAndRedactsIt() throws Exception {
    try (ScriptedSmtpServer server =
        ehloDone("AUTH PLAIN LOGIN")
            .expect("AUTH PLAIN ")
            .reply(235, "2.7.0 Authentication successful")
            .start()) {
      SmtpReport r =
          CLIENT.run(to(server).ehlo("c.test").auth(SmtpCredentials.of("alice", "s3cret!")));

      assertThat(r.completed()).isTrue();
      assertThat(sent(r)).contains("AUTH PLAIN [redacted]");
      server.takeCommand(Duration.ofSeconds(1));
      String auth = server.takeCommand(Duration.ofSeconds(1));
      assertThat(new String(Base64.getDecoder().decode(auth.substring(11)), StandardCharsets.UTF_8))
          .isEqualTo("\0alice\0s3cret!");
      assertNoSecret(r, "s3cret!", auth.substring(11));
    }
  }

  @Test
  void run_authLogin_redactsUserAndPasswordLines() {
    try (ScriptedSmtpServer server =
        ehloDone("AUTH LOGIN")
            .expect("AUTH LOGIN")
            .reply(334, "VXNlcm5hbWU6")
            .expect("")
            .reply(334, "UGFzc3dvcmQ6")
            .expect("")
            .reply(235, "ok")
            .start()) {
      SmtpReport r =
          CLIENT.run(to(server).ehlo("c.test").auth(SmtpCredentials.of("alice", "s3cret!")));

      assertThat(r.completed()).isTrue();
      assertThat(sent(r)).containsSubsequence("AUTH LOGIN", "[redacted]", "[redacted]");
      assertNoSecret(r, "s3cret!", b64("s3cret!"));
      assertThat(r.transcript().toString()).doesNotContain(b64("alice"));
    }
  }

  @Test
  void run_authCramMd5_answersChallengeWithHmac() throws Exception {
    String challenge = "<1896.697170952@postoffice.reston.mci.net>";
    try (ScriptedSmtpServer server =
        ehloDone("AUTH CRAM-MD5 PLAIN")
            .expect("AUTH CRAM-MD5")
            .reply(334, b64(challenge))
            .expect("")
            .reply(235, "ok")
            .start()) {
      SmtpReport r =
          CLIENT.run(to(server).ehlo("c.test").auth(SmtpCredentials.of("tim", "tanstaaftanstaaf")));

      assertThat(r.completed()).isTrue();
      server.takeCommand(Duration.ofSeconds(1));
      server.takeCommand(Duration.ofSeconds(1));
      String answer =
          new String(
              Base64.getDecoder().decode(server.takeCommand(Duration.ofSeconds(1))),
              StandardCharsets.UTF_8);
      // RFC 2195 §2's example: tim / tanstaaftanstaaf over this challenge.
      assertThat(answer).isEqualTo("tim b913a602c7eda7a495b4e6e7334d3890");
      assertThat(hmac("tanstaaftanstaaf", challenge)).isEqualTo("b913a602c7eda7a495b4e6e7334d3890");
      assertNoSecret(r, "tanstaaftanstaaf", b64(answer));
    }
  }

  @Test
  void run_authRejected_reportsAndStops() {
    try (ScriptedSmtpServer server =
        ehloDone("AUTH PLAIN")
            .expect("AUTH")
            .reply(535, "5.7.8 Authentication credentials invalid")
            .start()) {
      SmtpReport r =
          CLIENT.run(
              to(server)
                  .ehlo("c.test")
                  .auth(SmtpCredentials.of("alice", "wrong"))
                  .mailFrom("a@b.test"));

      assertThat(only(r, SmtpFinding.AUTH_REJECTED).summary()).contains("535");
      assertThat(r.endedAt()).contains(SmtpPhase.AUTH);
      assertNoSecret(r, "wrong", b64("\0alice\0wrong"));
    }
  }

  private static void assertNoSecret(SmtpReport r, String... secrets) {
    String everything = r.toString() + r.steps() + r.findings() + r.transcript().renderWithTimes();
    for (String s : secrets) {
      assertThat(everything).doesNotContain(s);
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String hmac(String key, String data) throws Exception {
    Mac mac = Mac.getInstance("HmacMD5");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacMD5"));
    StringBuilder sb = new StringBuilder();
    for (byte b : mac.doFinal(data.getBytes(StandardCharsets.UTF_8))) {
      sb.append(String.format("%02x", b));
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- STARTTLS and TLS

  private static final TestCertificates.ServerCertificate CERT =
      TestCertificates.selfSigned("mail.test");

  private static ScriptedSmtpServer tlsServer(TestCertificates.ServerCertificate cert) {
    return ehloDone("PIPELINING", "STARTTLS", "SIZE 1000")
        .expect("STARTTLS")
        .reply(220, "2.0.0 Ready to start TLS")
        .startTls(cert.serverContext())
        .expect("EHLO")
        .reply(250, "mx.test", "AUTH PLAIN", "SIZE 2000")
        .start();
  }

  @Test
  void run_startTls_reEhloReplacesCapabilitiesAndTranscriptShowsTls() {
    try (ScriptedSmtpServer server = tlsServer(CERT)) {
      SmtpReport r =
          CLIENT.toBuilder()
              .tls(t -> t.trustManager(CERT.trustManager()))
              .build()
              .run(to(server).expectedTlsName("mail.test").ehlo("c.test").startTls());

      assertThat(r.completed()).as("%s", r).isTrue();
      assertThat(r.findings()).isEmpty();
      TlsInfo tls = r.tls().orElseThrow();
      assertThat(tls.verified()).isTrue();
      assertThat(tls.protocol()).isPresent();
      assertThat(tls.subjectAltNames()).containsExactly("DNS:mail.test");
      EhloCapabilities caps = r.capabilities().orElseThrow();
      assertThat(caps.sizeLimit()).hasValue(2000);
      assertThat(caps.startTls()).isFalse();
      assertThat(caps.pipelining()).isFalse();
      String t = r.transcript().toString();
      assertThat(t)
          .contains(
              " -> STARTTLS",
              "*** TLS established",
              " ~> EHLO c.test",
              "<~  250 SIZE 2000",
              " ~> QUIT");
      assertThat(r.steps())
          .filteredOn(s -> s.command().equals("EHLO c.test"))
          .extracting(SmtpExchange::phase)
          .containsExactly(SmtpPhase.EHLO, SmtpPhase.TLS);
    }
  }

  @Test
  void run_startTlsNotOffered_reportsAndDoesNotSendIt() {
    try (ScriptedSmtpServer server = ehloDone("PIPELINING").start()) {
      SmtpReport r = CLIENT.run(to(server).ehlo("c.test").startTls().mailFrom("a@b.test"));

      only(r, SmtpFinding.STARTTLS_NOT_OFFERED);
      assertThat(sent(r)).containsExactly("EHLO c.test", "QUIT");
      assertThat(r.endedAt()).contains(SmtpPhase.TLS);
    }
  }

  @Test
  void run_startTlsIfOfferedNotOffered_reportsAndGoesOnInClearText() {
    try (ScriptedSmtpServer server =
        ehloDone("PIPELINING")
            .expect("MAIL FROM:<a@b.test>")
            .reply(250, "2.1.0 Ok")
            .expect("RCPT TO:<c@d.test>")
            .reply(250, "2.1.5 Ok")
            .start()) {
      SmtpReport r =
          CLIENT.run(
              to(server)
                  .ehlo("c.test")
                  .startTlsIfOffered()
                  .mailFrom("a@b.test")
                  .rcptTo("c@d.test"));

      only(r, SmtpFinding.STARTTLS_NOT_OFFERED);
      assertThat(sent(r))
          .containsExactly("EHLO c.test", "MAIL FROM:<a@b.test>", "RCPT TO:<c@d.test>", "QUIT");
      assertThat(r.completed()).as("%s", r).isTrue();
      assertThat(r.tls()).isEmpty();
    }
  }

  @Test
  void run_startTlsIfOfferedOffered_negotiatesTls() {
    try (ScriptedSmtpServer server = tlsServer(CERT)) {
      SmtpReport r =
          CLIENT.toBuilder()
              .tls(t -> t.trustManager(CERT.trustManager()))
              .build()
              .run(to(server).expectedTlsName("mail.test").ehlo("c.test").startTlsIfOffered());

      assertThat(r.findings()).isEmpty();
      assertThat(r.tls().orElseThrow().verified()).isTrue();
      assertThat(r.transcript().toString()).contains(" -> STARTTLS", " ~> EHLO c.test");
    }
  }

  @Test
  void run_startTlsAnsweredWithGarbage_reportsMalformedInTlsPhase() {
    try (ScriptedSmtpServer server =
        ehloDone("STARTTLS").expect("STARTTLS").lines("+OK POP3 ready").stall().start()) {
      SmtpReport r = CLIENT.run(to(server).ehlo("c.test").startTls());

      assertThat(phaseOf(only(r, SmtpFinding.REPLY_MALFORMED))).isEqualTo("TLS");
      assertThat(r.endedAt()).contains(SmtpPhase.TLS);
    }
  }

  @Test
  void run_plaintextInjectedAfterStartTls220_abortsWithFinding() {
    try (ScriptedSmtpServer server =
        ehloDone("STARTTLS")
            .expect("STARTTLS")
            .raw("220 2.0.0 Ready\r\n250-injected\r\n250 AUTH PLAIN\r\n")
            .startTls(CERT.serverContext())
            .start()) {
      SmtpReport r =
          CLIENT.toBuilder()
              .tls(t -> t.trustManager(CERT.trustManager()))
              .build()
              .run(to(server).ehlo("c.test").startTls());

      Finding f = only(r, SmtpFinding.STARTTLS_PLAINTEXT_INJECTION);
      assertThat(f.severity()).isEqualTo(dev.mailpath.diag.core.Severity.CRITICAL);
      assertThat(r.endedAt()).contains(SmtpPhase.TLS);
      assertThat(r.tls()).isEmpty();
      assertThat(sent(r)).containsExactly("EHLO c.test", "STARTTLS");
    }
  }

  @Test
  void run_expiredCertificateEvenWhenTrusted_reportsExpiredAndEnds() {
    TestCertificates.ServerCertificate expired =
        TestCertificates.builder().dnsNames("mail.test").expired().build();
    try (ScriptedSmtpServer server = tlsServer(expired)) {
      SmtpReport r =
          CLIENT.toBuilder()
              .tls(t -> t.trustManager(expired.trustManager()))
              .build()
              .run(
                  to(server)
                      .expectedTlsName("mail.test")
                      .ehlo("c.test")
                      .startTls()
                      .mailFrom("a@b.test"));

      assertThat(phaseOf(only(r, SmtpFinding.TLS_CERTIFICATE_EXPIRED))).isEqualTo("TLS");
      assertThat(r.endedAt()).contains(SmtpPhase.TLS);
      assertThat(r.tls().orElseThrow().expired()).isTrue();
      assertThat(sent(r)).doesNotContain("MAIL FROM:<a@b.test>");
    }
  }

  @Test
  void run_expiredCertificateReportMode_continuesWithFinding() {
    TestCertificates.ServerCertificate expired =
        TestCertificates.builder().dnsNames("mail.test").expired().build();
    try (ScriptedSmtpServer server = tlsServer(expired)) {
      SmtpReport r =
          CLIENT.toBuilder()
              .tls(
                  t ->
                      t.trustManager(expired.trustManager())
                          .failurePolicy(TlsFailurePolicy.REPORT_AND_CONTINUE))
              .build()
              .run(to(server).expectedTlsName("mail.test").ehlo("c.test").startTls());

      only(r, SmtpFinding.TLS_CERTIFICATE_EXPIRED);
      assertThat(r.completed()).isTrue();
      assertThat(r.capabilities().orElseThrow().sizeLimit()).hasValue(2000);
    }
  }

  @Test
  void run_untrustedCertificate_reportsInvalidAndEnds() {
    try (ScriptedSmtpServer server = tlsServer(CERT)) {
      SmtpReport r = CLIENT.run(to(server).expectedTlsName("mail.test").ehlo("c.test").startTls());

      only(r, SmtpFinding.TLS_CERTIFICATE_INVALID);
      assertThat(r.endedAt()).contains(SmtpPhase.TLS);
      assertThat(r.tls().orElseThrow().chainValid()).isFalse();
      assertThat(r.tls().orElseThrow().subject())
          .hasValueSatisfying(s -> assertThat(s).contains("CN=mail.test"));
    }
  }

  @Test
  void run_untrustedCertificateReportMode_continuesInsideTls() {
    try (ScriptedSmtpServer server = tlsServer(CERT)) {
      SmtpReport r =
          CLIENT.toBuilder()
              .tls(t -> t.failurePolicy(TlsFailurePolicy.REPORT_AND_CONTINUE))
              .build()
              .run(to(server).expectedTlsName("mail.test").ehlo("c.test").startTls());

      only(r, SmtpFinding.TLS_CERTIFICATE_INVALID);
      assertThat(r.completed()).isTrue();
      assertThat(r.transcript().toString()).contains(" ~> EHLO c.test", "REPORT_AND_CONTINUE");
    }
  }

  @Test
  void run_certificateForOtherName_reportsNameMismatch() {
    try (ScriptedSmtpServer server = tlsServer(CERT)) {
      SmtpReport r =
          CLIENT.toBuilder()
              .tls(t -> t.trustManager(CERT.trustManager()))
              .build()
              .run(to(server).expectedTlsName("other.test").ehlo("c.test").startTls());

      assertThat(only(r, SmtpFinding.TLS_NAME_MISMATCH).summary())
          .contains("other.test", "DNS:mail.test");
      assertThat(r.endedAt()).contains(SmtpPhase.TLS);
      assertThat(sent(r)).endsWith("QUIT");
    }
  }

  @Test
  void run_implicitTls_handshakesBeforeBanner() {
    try (ScriptedSmtpServer server =
        ScriptedSmtpServer.builder()
            .startTls(CERT.serverContext())
            .reply(220, "mx.test ESMTP over TLS")
            .expect("EHLO")
            .reply(250, "mx.test", "AUTH PLAIN")
            .start()) {
      SmtpReport r =
          CLIENT.toBuilder()
              .tls(t -> t.trustManager(CERT.trustManager()))
              .build()
              .run(
                  to(server).tlsMode(TlsMode.IMPLICIT).expectedTlsName("mail.test").ehlo("c.test"));

      assertThat(r.completed()).as("%s", r).isTrue();
      assertThat(r.findings()).isEmpty();
      assertThat(r.transcript().toString()).contains("<~  220 mx.test ESMTP over TLS");
    }
  }

  // ---------------------------------------------------------------- connect and deadlines

  @Test
  void run_nothingListening_reportsRefusedAndInconclusive() throws Exception {
    int port;
    try (ServerSocket s =
        new ServerSocket(0, 1, java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
      port = s.getLocalPort();
    }
    SmtpReport r =
        SmtpClient.builder()
            .timeouts(QUICK)
            .build()
            .run(SmtpConversation.to("127.0.0.1", port).ehlo("c.test"));

    assertThat(phaseOf(only(r, SmtpFinding.CONNECT_REFUSED))).isEqualTo("CONNECT");
    assertThat(r.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    assertThat(r.endedAt()).contains(SmtpPhase.CONNECT);
    assertThat(r.transcript().sent()).isEmpty();
  }

  @Test
  void run_hostNameWithoutDns_reportsUnresolvedWithoutSystemLookup() {
    SmtpReport r =
        SmtpClient.builder()
            .timeouts(QUICK)
            .build()
            .run(
                SmtpConversation.to("mx.example.test", 25)
                    .hostResolver(dev.mailpath.diag.smtp.internal.NoDnsResolver.INSTANCE));

    only(r, SmtpFinding.HOST_UNRESOLVED);
    assertThat(r.endedAt()).contains(SmtpPhase.CONNECT);
  }

  @Test
  void run_overallDeadline_endsStalledConversation() {
    try (ScriptedSmtpServer server = ehloDone().expect("MAIL").stall().start()) {
      long t0 = System.nanoTime();

      SmtpReport r =
          SmtpClient.builder()
              .timeouts(SmtpTimeouts.all(Duration.ofSeconds(10)))
              .deadline(Duration.ofMillis(400))
              .build()
              .run(
                  SmtpConversation.to(server.host(), server.port())
                      .ehlo("c.test")
                      .mailFrom("a@b.test"));

      Finding f = only(r, SmtpFinding.TIMEOUT);
      assertThat(f.summary()).contains("overall deadline of 400 ms", "MAIL phase");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }
  }

  // ---------------------------------------------------------------- catalog

  @Test
  void catalog_listsEverySmtpCode() {
    Set<String> ids =
        FindingCatalog.all().stream().map(FindingCode::id).collect(Collectors.toSet());

    for (SmtpFinding f : SmtpFinding.values()) {
      assertThat(ids).contains(f.id());
      assertThat(f.id()).matches("smtp(\\.[a-z0-9-]+)+");
      assertThat(f.nextSteps()).isNotEmpty();
    }
  }
}
