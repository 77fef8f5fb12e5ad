package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mailpath.diag.core.TimeSource;
import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.smtp.internal.Deadline;
import dev.mailpath.diag.smtp.internal.ReplyReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzz targets for what diag-smtp reads from a server (Jazzer, {@code @FuzzTest}): the reply reader
 * over a stream of arbitrary bytes, and the EHLO keyword parser. A plain build runs each over its
 * committed seeds in {@code ParsersFuzzTestInputs/<method>/}; {@code -Pfuzz} fuzzes one target for
 * a set time (docs/robustness.md). Promises: no exception and no hang on any bytes, every reply and
 * the transcript within their limits.
 */
class ParsersFuzzTest {

  /** An {@link InputStream} as the reader's source: what a socket would deliver, then EOF. */
  static ReplyReader.Source source(InputStream in) {
    return new ReplyReader.Source() {
      @Override
      public int read(byte[] b, int off, int len, int timeoutMillis) throws IOException {
        return in.read(b, off, len);
      }

      @Override
      public int available() throws IOException {
        return in.available();
      }
    };
  }

  static ReplyReader reader(byte[] input, Transcript.Recorder recorder) {
    return new ReplyReader(
        source(new ByteArrayInputStream(input)),
        recorder,
        ReplyReader.DEFAULT_MAX_LINE,
        ReplyReader.DEFAULT_MAX_LINES,
        ReplyReader.DEFAULT_MAX_BYTES,
        1000);
  }

  @FuzzTest
  void replyReader(byte[] input) {
    Transcript.Recorder recorder = Transcript.recorder(TimeSource.system());
    ReplyReader reader = reader(input, recorder);
    Deadline deadline = Deadline.after(TimeSource.system(), Duration.ofMinutes(1), false);
    int replies = 0;
    while (true) {
      ReplyReader.Result r = reader.read(deadline);
      if (!r.ok()) {
        assertThat(r.failure()).isNotNull();
        assertThat(r.detail()).isNotNull();
        break;
      }
      replies++;
      SmtpReply reply = r.reply();
      assertThat(reply.code()).isBetween(200, 599);
      assertThat(reply.lines()).hasSizeLessThanOrEqualTo(ReplyReader.DEFAULT_MAX_LINES);
      // Each reply line is at most the line limit, escaped (at most 6 characters per byte).
      reply.lines().forEach(l -> assertThat(l.length()).isLessThanOrEqualTo(6 * 2048));
      EhloCapabilities.parse(reply); // what the EHLO phase does with a reply
      assertThat(replies).isLessThanOrEqualTo(input.length / 4 + 1); // "250\n" is the shortest
    }
    Transcript t = recorder.snapshot();
    assertThat(t.lines()).hasSizeLessThanOrEqualTo(Transcript.Limits.DEFAULT.maxLines() + 1);
    assertThat((long) t.toString().length())
        .isLessThanOrEqualTo(8L * input.length + 4096)
        .isLessThanOrEqualTo(
            (Transcript.Limits.DEFAULT.maxLines() + 2L)
                * (6L * Transcript.Limits.DEFAULT.maxLineLength() + 64));
  }

  @FuzzTest
  void ehloKeywords(byte[] input) {
    List<String> lines =
        Arrays.asList(new String(input, StandardCharsets.UTF_8).split("\r?\n", -1));

    EhloCapabilities caps = EhloCapabilities.parse(lines);

    assertThat(caps.keywords().size()).isLessThanOrEqualTo(lines.size());
    assertThat(caps.keywords().values().stream().mapToInt(List::size).sum())
        .isLessThanOrEqualTo(input.length);
    caps.sizeLimit();
    caps.sizeInvalid();
    caps.authMechanisms();
    assertThat(caps.toString().length()).isLessThanOrEqualTo(4 * input.length + 1024);
  }
}
