package dev.mailpath.diag.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DoctorTest {

  @Test
  void main_noArguments_walksTheLabAndSummarises() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Outcome worst = Doctor.run(new String[0], new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);

    assertThat(out)
        .contains("example.com\tMX preference = 10, mail exchanger = mail1.example.com")
        .contains(" -> RCPT TO:<alice@example.com>")
        .contains("<-  250 2.0.0 Ok: queued")
        .contains("dns.root.serial-mismatch")
        .contains("path.fallback")
        .contains("OPEN_RELAY")
        .contains("AUTHENTICATED_ONLY")
        .contains("relay.open")
        .contains("trace.investigation.in-mailbox-moved")
        .contains("trace.investigation.reached-server-not-mailbox")
        .contains("dns.root.slow")
        .contains("example.com.\t3600\tIN\tMX\t10 mail1.example.com.")
        // The posture step: the lab's MTA-STS policy, but no STARTTLS on the exchange.
        .contains("Mail posture of example.com: ")
        .contains("mta-sts.mode-testing")
        .contains("posture.starttls.missing")
        .contains("== Summary")
        .contains("Overall: ");
    assertThat(out).doesNotContain("smtp.banner.rdns-mismatch");
    assertThat(worst).isEqualTo(Outcome.FAIL);
    // Titles and notes wrap at words; joined again, they are whole.
    String summary = out.substring(out.indexOf("== Summary")).replaceAll("\\n {5,}", " ");
    // Names the worst finding, and says that the lab's open relay fails on purpose.
    assertThat(summary)
        .contains("Worst finding: CRITICAL relay.open")
        .contains("expected: legacy.example.com is the lab's deliberate open relay (FAIL)")
        .contains("[12] the mail posture of example.com")
        .contains("expected: " + Doctor.POSTURE_STORY + " (FAIL)")
        .contains("--expect-lab-outcomes makes the exit code 0")
        .contains("Exit code: 2 (FAIL)")
        .doesNotContain("...");
    // Every step shows its own duration: the investigations that ran together too.
    assertThat(summary.lines().filter(l -> l.matches("  [A-Z]+ +0 ms .*"))).isEmpty();
    assertThat(summary)
        .contains(
            "is legacy.example.com an open relay? (EHLO, MAIL FROM, RCPT TO, RSET: nothing"
                + " is delivered)");
  }

  @Test
  void expectLabOutcomes_exitsZeroWhenTheLabShowsItsFaults() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);

    int code = Doctor.execute(new String[] {"--expect-lab-outcomes"}, out, out);

    String text = buf.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .contains("Overall: FAIL")
        .contains("Note: --expect-lab-outcomes")
        .doesNotContain("NOT as expected")
        .contains("Exit code: 0 (PASS)");
    assertThat(code).isZero();
    // The posture step fails, as the lab intends, and is counted as expected: its summary line
    // says FAIL and "expected", and the exit code is still 0.
    String summary = text.substring(text.indexOf("== Summary")).replaceAll("\\n {5,}", " ");
    assertThat(summary)
        .containsPattern(
            "FAIL +[0-9]+ ms +[0-9]+ +\\[12\\] the mail posture of example\\.com.*"
                + " expected: "
                + java.util.regex.Pattern.quote(Doctor.POSTURE_STORY)
                + " \\(FAIL\\)");
  }

  @Test
  void help_printsUsageWithoutRunningTheDemo() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);

    assertThat(Doctor.execute(new String[] {"--help"}, out, out)).isZero();
    assertThat(Doctor.execute(new String[] {"-h"}, out, out)).isZero();

    assertThat(buf.toString(StandardCharsets.UTF_8))
        .startsWith("Usage: Doctor")
        .contains("--expect-lab-outcomes")
        .doesNotContain("embedded lab (no network needed)\n  DNS");
  }

  @Test
  void unknownOption_isAUsageError() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);

    assertThat(Doctor.execute(new String[] {"--bogus"}, out, out)).isEqualTo(64);
    assertThat(buf.toString(StandardCharsets.UTF_8)).startsWith("Doctor: unknown option --bogus");
  }
}
