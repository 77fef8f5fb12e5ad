package dev.mailpath.diag.trace.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.Direction;
import dev.mailpath.diag.core.TimeSource;
import dev.mailpath.diag.core.TranscriptLine;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class ImapTraceTest {

  @Test
  void stream_loginLine_isRedactedAndCounted() {
    ImapTrace t = new ImapTrace(TimeSource.system(), false);
    PrintStream out = t.stream();

    out.print("* OK ready\r\nA1 LOGIN bob hunter2\r\nA1 OK LOGIN completed\r\n");

    assertThat(t.transcript().toString()).doesNotContain("hunter2").contains("A1 LOGIN [redacted]");
    assertThat(t.commands()).isEqualTo(1);
  }

  @Test
  void stream_suppressedAuthentication_countsCommandAndNotesIt() {
    ImapTrace t = new ImapTrace(TimeSource.system(), true);

    t.stream()
        .print(
            "DEBUG IMAPS: AUTHENTICATE PLAIN command trace suppressed\nDEBUG IMAPS: mail.imap.fetchsize: 16384\n");

    assertThat(t.commands()).isEqualTo(1);
    assertThat(t.transcript().lines())
        .extracting(TranscriptLine::text)
        .containsExactly("AUTHENTICATE PLAIN [redacted]");
  }

  @Test
  void stream_literalInFetchResponse_isServerDataEvenWhenItLooksLikeACommand() {
    ImapTrace t = new ImapTrace(TimeSource.system(), false);

    t.stream()
        .print(
            "A5 FETCH 1 (BODY.PEEK[HEADER])\r\n* 1 FETCH (BODY[HEADER] {20}\r\nA9 LOGOUT tricky\r\n\r\n)\r\nA5 OK FETCH completed\r\n");

    assertThat(t.commands()).isEqualTo(1);
    assertThat(t.transcript().lines())
        .filteredOn(l -> l.direction() == Direction.CLIENT)
        .hasSize(1);
    assertThat(t.bytesSent()).isEqualTo("A5 FETCH 1 (BODY.PEEK[HEADER])\r\n".length());
  }

  @Test
  void stream_implicitTls_marksLinesInsideTls() {
    ImapTrace t = new ImapTrace(TimeSource.system(), true);

    t.stream().print("* OK ready\r\nA0 CAPABILITY\r\n");

    assertThat(t.transcript().lines())
        .extracting(TranscriptLine::direction)
        .containsExactly(Direction.SERVER_TLS, Direction.CLIENT_TLS);
  }

  @Test
  void stream_startTls_switchesToTlsAfterOk() {
    ImapTrace t = new ImapTrace(TimeSource.system(), false);

    t.stream().print("A1 STARTTLS\r\nA1 OK Begin TLS negotiation now\r\nA2 CAPABILITY\r\n");

    assertThat(t.transcript().lines())
        .extracting(TranscriptLine::direction)
        .containsExactly(Direction.CLIENT, Direction.SERVER, Direction.NOTE, Direction.CLIENT_TLS);
  }
}
