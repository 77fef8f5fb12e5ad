package dev.mailpath.diag.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TelnetStyleSessionTest {

  @Test
  void main_noArguments_replaysTheWalkthroughAgainstGreenMail() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    TelnetStyleSession.run(new String[0], new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);

    assertThat(out)
        .contains(" -> EHLO client.example.com")
        .contains(" -> MAIL FROM:<me@example.com>")
        .contains(" -> RCPT TO:<you@example.net>")
        .contains(" -> DATA")
        .contains(" -> Subject: Test message via Telnet")
        .contains(" -> This is a test")
        .contains(" -> .")
        .contains(" -> QUIT")
        .contains("<-  221")
        .contains("typed: mail from:<me@example.com>")
        .contains("Messages in the local server's mailboxes: 2");
    assertThat(out).containsPattern("<-  354");
  }
}
