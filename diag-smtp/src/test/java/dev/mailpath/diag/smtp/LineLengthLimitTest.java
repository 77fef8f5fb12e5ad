package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.testkit.ScriptedSmtpServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, item 14: RFC 5321 §4.5.3.1 line limits are enforced before anything is sent, in every
 * entry point (script steps and session calls), and long header lines are folded where RFC 5322
 * §2.2.3 allows.
 */
class LineLengthLimitTest {
  private static final String HUGE = "x".repeat(100_000);
  private static final SmtpConversation SCRIPT = SmtpConversation.to("127.0.0.1", 2525);

  @Test
  void vrfy_overlongArgument_throwsNamingParameterAndLimit() {
    assertThatThrownBy(() -> SCRIPT.vrfy(HUGE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("user")
        .hasMessageContaining("512");
  }

  @Test
  void expn_overlongArgument_throwsNamingParameterAndLimit() {
    assertThatThrownBy(() -> SCRIPT.expn(HUGE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("list")
        .hasMessageContaining("512");
  }

  @Test
  void command_overlongLine_throwsNamingParameterAndLimit() {
    assertThatThrownBy(() -> SCRIPT.command("NOOP " + HUGE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("raw")
        .hasMessageContaining("512");
  }

  @Test
  void command_lineOfExactly510Characters_isAccepted() {
    assertThat(SCRIPT.command("NOOP " + "x".repeat(505))).isNotNull();
    assertThatThrownBy(() -> SCRIPT.command("NOOP " + "x".repeat(506)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void mailFrom_overlongParameter_throwsNamingParameterAndLimit() {
    assertThatThrownBy(() -> SCRIPT.mailFrom("a@b.test", "X-P=" + HUGE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("params")
        .hasMessageContaining("512");
  }

  @Test
  void data_headerWithoutWhiteSpaceToFoldAt_throwsNamingHeaderAndLimit() {
    assertThatThrownBy(() -> SCRIPT.data(Map.of("X-Long", HUGE), "hi"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("X-Long")
        .hasMessageContaining("1000");
    assertThatThrownBy(() -> SCRIPT.data(List.of("X-Long: " + HUGE), "hi"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("X-Long");
  }

  @Test
  void data_overlongBodyLine_throwsNamingBodyAndLimit() {
    assertThatThrownBy(() -> SCRIPT.data(Map.of("Subject", "s"), "ok\r\n" + HUGE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("body")
        .hasMessageContaining("line 2")
        .hasMessageContaining("1000");
  }

  @Test
  void credentials_overlongUserName_throwsNamingTheLimitButNotThePassword() {
    assertThatThrownBy(() -> SmtpCredentials.of(HUGE, "s3cret-pass"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("username")
        .hasMessageContaining("12288")
        .hasMessageNotContaining("s3cret-pass");
  }

  @Test
  void data_longHeaderWithWhiteSpace_isFoldedIntoLinesWithinTheLimit() throws Exception {
    String words = "word ".repeat(1000).strip();
    try (ScriptedSmtpServer server =
        ScriptedSmtpServer.builder()
            .reply(220, "mx.test")
            .expect("EHLO")
            .reply(250, "mx.test")
            .expect("MAIL")
            .reply(250, "ok")
            .expect("RCPT")
            .reply(250, "ok")
            .expect("DATA")
            .reply(354, "go")
            .expectData()
            .reply(250, "queued")
            .start()) {
      SmtpReport r =
          SmtpClient.builder()
              .timeouts(SmtpTimeouts.all(Duration.ofSeconds(5)))
              .build()
              .run(
                  SmtpConversation.to(server.host(), server.port())
                      .ehlo("c.test")
                      .mailFrom("a@b.test")
                      .rcptTo("c@d.test")
                      .data(Map.of("X-Words", words), "hi"));

      assertThat(r.findings())
          .noneMatch(f -> f.severity().compareTo(dev.mailpath.diag.core.Severity.WARNING) >= 0);
      String message = server.messages().get(0);
      for (String line : message.split("\r\n")) {
        assertThat(line.length()).isLessThanOrEqualTo(998);
      }
      // Unfolding (RFC 5322 §2.2.3) gives the value back.
      String unfolded = message.replace("\r\n ", " ");
      assertThat(unfolded).contains("X-Words: " + words + "\r\n");
    }
  }

  // ---------------------------------------------------------------- session entry points

  @Test
  void sessionCalls_overlongArguments_throwBeforeSending() throws Exception {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.builder()
                .reply(220, "mx.test")
                .expect("EHLO")
                .reply(250, "mx.test")
                .start();
        SmtpSession s = SmtpSession.open(server.host(), server.port())) {
      s.ehlo("c.test");

      assertThatThrownBy(() -> s.vrfy(HUGE))
          .hasMessageContaining("user")
          .hasMessageContaining("512");
      assertThatThrownBy(() -> s.expn(HUGE))
          .hasMessageContaining("list")
          .hasMessageContaining("512");
      assertThatThrownBy(() -> s.command("NOOP " + HUGE)).hasMessageContaining("raw");
      assertThatThrownBy(() -> s.mailFrom("a@b.test", "X=" + HUGE)).hasMessageContaining("params");
      assertThatThrownBy(() -> s.data(Map.of("X-Long", HUGE), "b")).hasMessageContaining("X-Long");
      assertThatThrownBy(() -> s.data(List.of("X-Long: " + HUGE), "b"))
          .hasMessageContaining("X-Long");

      assertThat(server.commands()).containsExactly("EHLO c.test");
      assertThat(s.connected()).isTrue();
    }
  }
}
