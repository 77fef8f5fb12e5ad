package dev.mailpath.diag.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TranscriptTest {

  /** A clock advanced by hand. */
  static final class ManualTime implements TimeSource {
    final AtomicLong nanos = new AtomicLong();

    @Override
    public Instant instant() {
      return Instant.EPOCH.plusNanos(nanos.get());
    }

    @Override
    public long nanoTime() {
      return nanos.get();
    }
  }

  @Test
  void toString_mixedDirections_rendersSwaksArrows() {
    Transcript.Recorder r = Transcript.recorder(new ManualTime());
    r.note("Connected to 127.0.0.1:25");
    r.server("220 mx.example.org ESMTP");
    r.client("EHLO probe.example.org");
    r.add(Direction.CLIENT_TLS, "MAIL FROM:<a@example.org>");
    r.add(Direction.SERVER_TLS, "250 OK");

    assertThat(r.snapshot().toString())
        .isEqualTo(
            "*** Connected to 127.0.0.1:25\n"
                + "<-  220 mx.example.org ESMTP\n"
                + " -> EHLO probe.example.org\n"
                + " ~> MAIL FROM:<a@example.org>\n"
                + "<~  250 OK");
  }

  @Test
  void add_offsets_followTimeSource() {
    ManualTime time = new ManualTime();
    Transcript.Recorder r = Transcript.recorder(time);
    r.server("220 hi");
    time.nanos.addAndGet(Duration.ofMillis(250).toNanos());
    r.client("QUIT");

    Transcript t = r.snapshot();
    assertThat(t.lines().get(1).offset()).isEqualTo(Duration.ofMillis(250));
    assertThat(t.renderWithTimes()).contains("[   250 ms]  -> QUIT");
  }

  @Test
  void add_controlAndInvalidBytes_areEscaped() {
    Transcript.Recorder r = Transcript.recorder(new ManualTime());
    byte[] raw = {'2', '2', '0', ' ', (byte) 0xff, 0x00, '\r', 'o', 'k', '\\'};
    r.add(Direction.SERVER, raw, 0, raw.length);
    byte[] utf8 = "250 grüß".getBytes(StandardCharsets.UTF_8);
    r.add(Direction.SERVER, utf8, 0, utf8.length);

    assertThat(r.snapshot().lines())
        .extracting(TranscriptLine::text)
        .containsExactly("220 \\xff\\x00\\rok\\\\", "250 grüß");
  }

  @Test
  void add_overlongLine_isTruncatedWithNote() {
    Transcript.Recorder r = Transcript.recorder(new ManualTime(), new Transcript.Limits(20, 10));
    r.server("x".repeat(1_000_000));

    String text = r.snapshot().lines().get(0).text();
    assertThat(text).startsWith("x".repeat(20)).endsWith("[... 999980 more dropped]");
    assertThat(text.length()).isLessThan(60);
  }

  @Test
  void snapshot_overLineCap_keepsHeadAndTailWithOriginalIndexes() {
    Transcript.Recorder r = Transcript.recorder(new ManualTime(), new Transcript.Limits(100, 10));
    for (int i = 0; i < 10_000; i++) {
      r.server("250-line " + i);
    }
    Transcript t = r.snapshot();

    assertThat(t.lines()).hasSize(11);
    assertThat(t.omittedLines()).isEqualTo(9_990);
    assertThat(t.lines().get(0).text()).isEqualTo("250-line 0");
    assertThat(t.lines().get(5).direction()).isEqualTo(Direction.NOTE);
    assertThat(t.lines().get(5).text()).contains("9990 lines omitted");
    assertThat(t.lines().get(10).index()).isEqualTo(9_999);
    assertThat(t.lines().get(10).text()).isEqualTo("250-line 9999");
    assertThat(t.line(9_999)).isNotNull();
    assertThat(t.line(500)).isNull();
  }

  @Test
  void sentAndReceived_filterByDirection() {
    Transcript.Recorder r = Transcript.recorder(new ManualTime());
    r.server("220 hi");
    r.client("EHLO a");
    r.add(Direction.CLIENT_TLS, "NOOP");
    r.note("closed");
    Transcript t = r.snapshot();

    assertThat(t.sent()).extracting(TranscriptLine::text).containsExactly("EHLO a", "NOOP");
    assertThat(t.received()).extracting(TranscriptLine::text).containsExactly("220 hi");
  }

  @Test
  void limits_tooSmall_areRejected() {
    assertThatThrownBy(() -> new Transcript.Limits(1, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxLineLength");
  }

  @Test
  void limits_off_recordsNoLineButCountsIndexes() {
    Transcript.Recorder r = Transcript.recorder(new ManualTime(), Transcript.Limits.OFF);
    assertThat(r.snapshot().isEmpty()).isTrue();

    assertThat(r.server("220 hi")).isZero();
    assertThat(r.client("EHLO a")).isEqualTo(1);
    byte[] raw = "250 ok\u0001".getBytes(StandardCharsets.UTF_8);
    assertThat(r.add(Direction.SERVER, raw, 0, raw.length)).isEqualTo(2);
    assertThat(r.note("closed")).isEqualTo(3);

    Transcript t = r.snapshot();
    assertThat(r.size()).isEqualTo(4);
    assertThat(t.omittedLines()).isEqualTo(4);
    assertThat(t.sent()).isEmpty();
    assertThat(t.received()).isEmpty();
    assertThat(t.lines())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.direction()).isEqualTo(Direction.NOTE);
              assertThat(l.text()).contains("transcript off", "4 lines not recorded");
            });
    assertThat(Transcript.Limits.OFF.off()).isTrue();
    assertThat(Transcript.Limits.DEFAULT.off()).isFalse();
  }

  @Test
  void limits_zeroOnlyTogether() {
    assertThatThrownBy(() -> new Transcript.Limits(0, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxLineLength");
    assertThatThrownBy(() -> new Transcript.Limits(100, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxLines");
  }

  @Test
  void snapshot_isImmutableAndEqualByContent() {
    Transcript.Recorder r = Transcript.recorder(new ManualTime());
    r.server("220 hi");
    Transcript a = r.snapshot();
    r.client("QUIT");

    assertThat(a.lines()).hasSize(1);
    assertThat(Transcript.of(a.lines())).isEqualTo(a).hasSameHashCodeAs(a);
    assertThatThrownBy(() -> a.lines().clear()).isInstanceOf(UnsupportedOperationException.class);
  }
}
