package dev.mailpath.diag.trace;

import dev.mailpath.diag.core.TimeSource;
import dev.mailpath.diag.testkit.LinearTime;
import dev.mailpath.diag.trace.internal.AuthResultsParser;
import dev.mailpath.diag.trace.internal.ImapTrace;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each trace parser takes time linear in its input on the hostile patterns that once made it
 * quadratic or backtrack (issue 16 item 7), checked by doubling the input size.
 */
class ParsersLinearTimeTest {
  static final int N = 64 * 1024;

  /** Lines per log; each line grows with n, staying under the 16 KiB line cap. */
  static final int LOG_LINES = 16;

  static String repeat(String pattern, int size) {
    return pattern.repeat(Math.max(1, size / pattern.length()));
  }

  static Runnable receivedChain(String message) {
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    return () -> ReceivedChain.parse(bytes);
  }

  static Runnable postfix(String prefix, String pattern, int size) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < LOG_LINES; i++) {
      lines.add(
          "Jan  2 09:00:0"
              + (i % 10)
              + " mx1 postfix/smtpd[123]: "
              + prefix
              + repeat(pattern, size / LOG_LINES));
    }
    PostfixLogSource log =
        PostfixLogSource.builder().lines(lines).year(2024).zone(ZoneOffset.UTC).build();
    MessageQuery all = MessageQuery.builder().build();
    return () -> log.find(all);
  }

  @Test
  void receivedChain_manyWithWords_isLinear() {
    LinearTime.assertLinear(
        "Received: with x x x ...",
        n ->
            receivedChain(
                "Received: from a by b with "
                    + repeat("x ", n)
                    + "; Tue, 2 Jan 2024 09:00:00 +0000\r\n\r\n"),
        N);
  }

  @Test
  void receivedChain_nestedComments_isLinear() {
    LinearTime.assertLinear(
        "Received: ((((...",
        n -> receivedChain("Received: from a " + repeat("(", n) + " by b; x\r\n\r\n"),
        N);
  }

  @Test
  void receivedChain_manyFields_isLinear() {
    LinearTime.assertLinear(
        "many Received: fields",
        n -> receivedChain(repeat("Received: from a ([10.0.0.1]) by a; x\r\n", n) + "\r\n"),
        N);
  }

  @Test
  void authenticationResults_manyResults_isLinear() {
    LinearTime.assertLinear(
        "Authentication-Results: mx; spf=pass (x) ; ...",
        n ->
            () ->
                AuthResultsParser.parse(
                    "mx.example.net; " + repeat("spf=pass (a (b) c) smtp.mailfrom=x; ", n)),
        N);
  }

  @Test
  void postfix_noqueueOpenBrackets_isLinear() {
    LinearTime.assertLinear(
        "NOQUEUE: reject: RCPT from [[[...",
        n -> postfix("NOQUEUE: reject: RCPT from ", "[", n),
        N);
  }

  @Test
  void postfix_noqueueBracketColons_isLinear() {
    LinearTime.assertLinear(
        "NOQUEUE: reject: RCPT ]: ]: ...", n -> postfix("NOQUEUE: reject: RCPT ", "]: ", n), N);
  }

  @Test
  void postfix_rejectFromAngles_isLinear() {
    LinearTime.assertLinear(
        "4A2B3C4D5E: reject: from=<from=<...",
        n -> postfix("4A2B3C4D5E: reject: ", "from=<", n),
        N);
  }

  @Test
  void postfix_repeatedStatus_isLinear() {
    LinearTime.assertLinear(
        "to=<a>, status=sent (x) y ...",
        n -> postfix("4A2B3C4D5E: to=<a>, ", "status=sent (x) y ", n),
        N);
  }

  @Test
  void imapTrace_literalAnnouncements_isLinear() {
    LinearTime.assertLinear(
        "IMAP * 1 FETCH {9} lines",
        n -> {
          byte[] bytes =
              repeat("* 1 FETCH (BODY[HEADER] {9}\r\nA1 OK x\r\n", n)
                  .getBytes(StandardCharsets.UTF_8);
          return () -> {
            ImapTrace trace = new ImapTrace(TimeSource.system(), false);
            try (PrintStream out = trace.stream()) {
              out.write(bytes, 0, bytes.length);
            }
          };
        },
        N);
  }
}
