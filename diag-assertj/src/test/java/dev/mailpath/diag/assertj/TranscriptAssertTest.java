package dev.mailpath.diag.assertj;

import static dev.mailpath.diag.assertj.DiagAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.Direction;
import dev.mailpath.diag.core.TimeSource;
import dev.mailpath.diag.core.Transcript;
import org.junit.jupiter.api.Test;

class TranscriptAssertTest {

  static Transcript session() {
    Transcript.Recorder r = Transcript.recorder(TimeSource.system());
    r.note("Connected to 127.0.0.1:25");
    r.server("220 mx.example.org ESMTP");
    r.client("EHLO probe.example.org");
    r.server("250-mx.example.org");
    r.server("250 STARTTLS");
    r.add(Direction.CLIENT_TLS, "AUTH PLAIN [redacted]");
    r.add(Direction.SERVER_TLS, "235 2.7.0 Authentication successful");
    return r.snapshot();
  }

  @Test
  void containsCommandAndReply_present_pass() {
    assertThat(session())
        .containsCommand("ehlo")
        .containsCommand("AUTH PLAIN")
        .doesNotContainCommand("MAIL FROM")
        .hasReply(220)
        .hasReply(250)
        .hasReply(235)
        .containsSequence("220", "EHLO", "STARTTLS", "235")
        .doesNotContainText("s3cret");
  }

  @Test
  void hasReply_missing_failsPrintingTranscript() {
    assertThatThrownBy(() -> assertThat(session()).hasReply(354))
        .hasMessageContaining("Expecting a 354 reply")
        .hasMessageContaining(" -> EHLO probe.example.org");
  }

  @Test
  void containsSequence_outOfOrder_fails() {
    assertThatThrownBy(() -> assertThat(session()).containsSequence("235", "EHLO"))
        .hasMessageContaining("missing (or out of order)");
  }

  @Test
  void doesNotContainText_leakedSecret_fails() {
    assertThatThrownBy(() -> assertThat(session()).doesNotContainText("redacted"))
        .hasMessageContaining("line 5");
  }
}
