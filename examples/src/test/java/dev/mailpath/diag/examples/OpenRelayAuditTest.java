package dev.mailpath.diag.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpenRelayAuditTest {

  private static String run(String... args) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    OpenRelayAudit.run(args, new PrintStream(buf, true, StandardCharsets.UTF_8));
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void main_noArguments_auditsGreenMailAsOpenAndTheScriptedServerAsClosed() {
    String out = run();

    assertThat(out)
        .contains("=== 1. GreenMail on 127.0.0.1:")
        .contains("Verdict: OPEN_RELAY (FAIL)")
        .contains("CRITICAL relay.open:", "WARNING relay.accepts-every-rcpt:")
        .contains("=== 2. A scripted server on 127.0.0.1:")
        .contains("Verdict: CLOSED (PASS)")
        .contains("INFO relay.closed: All 18 relay variants were refused for good")
        .containsPattern(
            "anonymous +percent-hack +<probe@\\[127.0.0.1\\]> +<relaytest%relay-test.example.net@example.com>")
        .contains(" -> MAIL FROM:<probe@relay-test.example.net>", "<-  250 2.1.5 Ok", " -> RSET");
    assertThat(out.indexOf("OPEN_RELAY")).isLessThan(out.indexOf("Verdict: CLOSED"));
  }

  @Test
  void main_withoutHost_explainsUsage() {
    assertThatThrownBy(() -> run("--local-domain", "example.org"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--host is required");
    assertThatThrownBy(() -> run("--bogus", "x")).hasMessageContaining("unknown option --bogus");
  }
}
