package dev.mailpath.diag.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class MissingMessageTest {

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void main_noArguments_walksPartsTwoThreeAndFourOnTheLocalServer() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    MissingMessage.run(new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);

    assertThat(out)
        .contains("Missing message from alice@example.org to bob@example.net")
        .contains("Conclusion: IN_MAILBOX_MOVED")
        .contains("Check the Junk E-mail folder: the message is in \"Junk E-mail\"")
        .contains("Missing message from carol@example.com to bob@example.net")
        .contains("Conclusion: REACHED_SERVER_NOT_MAILBOX (deferred)")
        .contains("Quota exceeded")
        .contains("Missing message from dave@example.com to bob@example.net")
        .contains("Conclusion: NEVER_REACHED_US")
        .contains("[CHECKED_OK] Test message")
        .contains("inbound mail works now: a test message arrived in INBOX")
        .contains(
            "Part 1 - How to start",
            "Part 2 - ",
            "Part 3 - ",
            "Part 4 - ",
            "<== the message is here");
    assertThat(out.split("Part 1 - How to start", -1)).hasSize(4);
    assertThat(out).doesNotContain("b0b-imap-pw");
  }
}
