package dev.mailpath.diag.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Severity;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordingEventListenerTest {

  @Test
  void events_inOrder_withoutDurations() {
    RecordingEventListener events = new RecordingEventListener();
    InetSocketAddress mx = new InetSocketAddress("127.0.0.1", 2525);

    events.connectStart(mx);
    events.connectEnd(mx, null, Duration.ofMillis(3));
    events.commandStart("EHLO c.test");
    events.commandEnd("EHLO c.test", "250 mx.test", Duration.ofMillis(1));
    events.tlsEnd(null, "handshake failed", Duration.ofMillis(9));

    assertThat(events.events())
        .containsExactly(
            "connectStart 127.0.0.1:2525",
            "connectEnd 127.0.0.1:2525 -",
            "commandStart EHLO c.test",
            "commandEnd EHLO c.test 250 mx.test",
            "tlsEnd - handshake failed");
    assertThat(events.eventNames())
        .containsExactly("connectStart", "connectEnd", "commandStart", "commandEnd", "tlsEnd");
  }

  @Test
  void factory_givesThisListenerAndFindingsAreKept() {
    RecordingEventListener events = new RecordingEventListener();
    Finding f = new Finding("smtp.x", Severity.WARNING, "summary", "", List.of(), List.of());

    events.factory().create("smtp").finding(f);

    assertThat(events.findings()).containsExactly(f);
    assertThat(events.events()).containsExactly("finding smtp.x");
    events.clear();
    assertThat(events.events()).isEmpty();
  }
}
