package dev.mailpath.diag.smtp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.smtp.SmtpReply;
import dev.mailpath.diag.testkit.FakeTimeSource;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReplyReaderTest {

  /** Serves bytes in chunks; times out when exhausted; may advance a clock per read. */
  static final class Bytes implements ReplyReader.Source {
    final byte[] data;
    final int chunk;
    final FakeTimeSource time;
    final Duration perRead;
    int pos;

    Bytes(String s, int chunk, FakeTimeSource time, Duration perRead) {
      this.data = s.getBytes(StandardCharsets.ISO_8859_1);
      this.chunk = chunk;
      this.time = time;
      this.perRead = perRead;
    }

    @Override
    public int read(byte[] b, int off, int len, int timeoutMillis) throws IOException {
      if (pos >= data.length) {
        throw new SocketTimeoutException("Read timed out");
      }
      if (time != null) {
        time.advance(perRead);
      }
      int n = Math.min(Math.min(len, chunk), data.length - pos);
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public int available() {
      return data.length - pos;
    }
  }

  static final class Eof implements ReplyReader.Source {
    @Override
    public int read(byte[] b, int off, int len, int timeoutMillis) {
      return -1;
    }

    @Override
    public int available() {
      return 0;
    }
  }

  private final FakeTimeSource time = FakeTimeSource.epoch();
  private final Transcript.Recorder recorder = Transcript.recorder(time);

  private ReplyReader reader(String wire) {
    return reader(new Bytes(wire, 8192, null, Duration.ZERO));
  }

  private ReplyReader reader(ReplyReader.Source source) {
    return new ReplyReader(source, recorder, 2048, 1000, 64 * 1024, 60_000);
  }

  private Deadline minute() {
    return Deadline.after(time, Duration.ofMinutes(1), false);
  }

  @Test
  void read_multilineReply_returnsEveryLineText() {
    ReplyReader.Result r =
        reader("250-mx.test\r\n250-PIPELINING\r\n250 SIZE 1000\r\n").read(minute());

    assertThat(r.ok()).isTrue();
    assertThat(r.reply().code()).isEqualTo(250);
    assertThat(r.reply().lines()).containsExactly("mx.test", "PIPELINING", "SIZE 1000");
    assertThat(recorder.snapshot().toString())
        .isEqualTo("<-  250-mx.test\n<-  250-PIPELINING\n<-  250 SIZE 1000");
  }

  @Test
  void read_enhancedStatusCode_isParsed() {
    SmtpReply r =
        reader("550 5.1.1 <x@test>: Recipient address rejected\r\n").read(minute()).reply();

    assertThat(r.enhancedStatus()).contains("5.1.1");
    assertThat(r.isPermanentFailure()).isTrue();
  }

  @Test
  void read_enhancedStatusOfOtherClass_isIgnored() {
    SmtpReply r = reader("250 5.1.1 odd\r\n").read(minute()).reply();

    assertThat(r.enhancedStatus()).isEmpty();
  }

  @Test
  void read_bareCode_isAccepted() {
    SmtpReply r = reader("250\r\n").read(minute()).reply();

    assertThat(r.code()).isEqualTo(250);
    assertThat(r.lines()).containsExactly("");
  }

  @Test
  void read_twoRepliesInOneChunk_readsOneAtATime() {
    ReplyReader rr = reader("220 hi\r\n250 ok\r\n");

    assertThat(rr.read(minute()).reply().code()).isEqualTo(220);
    assertThat(rr.hasPendingInput()).isTrue();
    assertThat(rr.read(minute()).reply().code()).isEqualTo(250);
    assertThat(rr.hasPendingInput()).isFalse();
  }

  @Test
  void read_codeBelow200_isMalformed() {
    ReplyReader.Result r = reader("199 nope\r\n").read(minute());

    assertThat(r.failure()).isEqualTo(ReplyReader.Failure.MALFORMED);
    assertThat(r.detail()).contains("outside 200-599");
  }

  @Test
  void read_codeAbove599_isMalformed() {
    assertThat(reader("600 nope\r\n").read(minute()).failure())
        .isEqualTo(ReplyReader.Failure.MALFORMED);
  }

  @Test
  void read_garbage_isMalformed() {
    ReplyReader.Result r = reader("HTTP/1.1 400 Bad Request\r\n").read(minute());

    assertThat(r.failure()).isEqualTo(ReplyReader.Failure.MALFORMED);
  }

  @Test
  void read_binaryGarbage_isMalformedAndEscapedInTranscript() {
    ReplyReader.Result r = reader("\u0000\u00ff\u0001\u0016\u0003\r\n").read(minute());

    assertThat(r.failure()).isEqualTo(ReplyReader.Failure.MALFORMED);
    assertThat(recorder.snapshot().lines().get(0).text()).contains("\\x00").contains("\\xff");
  }

  @Test
  void read_codeChangesWithinReply_isMalformed() {
    ReplyReader.Result r = reader("250-first\r\n550 second\r\n").read(minute());

    assertThat(r.failure()).isEqualTo(ReplyReader.Failure.MALFORMED);
    assertThat(r.detail()).contains("changed from 250 to 550");
  }

  @Test
  void read_badSeparator_isMalformed() {
    assertThat(reader("250_ok\r\n").read(minute()).failure())
        .isEqualTo(ReplyReader.Failure.MALFORMED);
  }

  @Test
  void read_emptyLine_isMalformed() {
    assertThat(reader("\r\n").read(minute()).failure()).isEqualTo(ReplyReader.Failure.MALFORMED);
  }

  @Test
  void read_bareLf_isToleratedAndCounted() {
    ReplyReader rr = reader("250-a\n250 b\n");

    SmtpReply r = rr.read(minute()).reply();

    assertThat(r.lines()).containsExactly("a", "b");
    assertThat(rr.bareLfCount()).isEqualTo(2);
    assertThat(rr.bareCrCount()).isZero();
  }

  @Test
  void read_bareCrBetweenLines_isToleratedAndCounted() {
    ReplyReader rr = reader("250-a\r250 b\r\n");

    SmtpReply r = rr.read(minute()).reply();

    assertThat(r.lines()).containsExactly("a", "b");
    assertThat(rr.bareCrCount()).isEqualTo(1);
  }

  @Test
  void read_crAndLfSplitAcrossReads_isNotCountedAsBare() {
    ReplyReader rr = reader(new Bytes("250 a\r\n220 b\r\n", 6, null, Duration.ZERO));

    assertThat(rr.read(minute()).reply().code()).isEqualTo(250);
    assertThat(rr.read(minute()).reply().code()).isEqualTo(220);
    assertThat(rr.bareCrCount()).isZero();
    assertThat(rr.bareLfCount()).isZero();
  }

  @Test
  void read_lineOverLimit_isTooLarge() {
    ReplyReader.Result r = reader("250 " + "x".repeat(1024 * 1024) + "\r\n").read(minute());

    assertThat(r.failure()).isEqualTo(ReplyReader.Failure.TOO_LARGE);
    assertThat(r.detail()).contains("2048");
  }

  @Test
  void read_tooManyLines_isTooLarge() {
    ReplyReader.Result r = reader("250-x\r\n".repeat(10_000) + "250 end\r\n").read(minute());

    assertThat(r.failure()).isEqualTo(ReplyReader.Failure.TOO_LARGE);
    assertThat(r.detail()).contains("1000 lines");
  }

  @Test
  void read_tooManyBytes_isTooLarge() {
    String line = "250-" + "y".repeat(1000) + "\r\n";
    ReplyReader.Result r = reader(line.repeat(100) + "250 end\r\n").read(minute());

    assertThat(r.failure()).isEqualTo(ReplyReader.Failure.TOO_LARGE);
    assertThat(r.detail()).contains("65536 bytes");
  }

  @Test
  void read_endOfStream_isClosed() {
    ReplyReader.Result r = reader(new Eof()).read(minute());

    assertThat(r.failure()).isEqualTo(ReplyReader.Failure.CLOSED);
    assertThat(r.linesRead()).isZero();
  }

  @Test
  void read_silence_isTimeout() {
    ReplyReader.Result r = reader("").read(minute());

    assertThat(r.failure()).isEqualTo(ReplyReader.Failure.TIMEOUT);
  }

  @Test
  void read_drippingServer_isStoppedByPhaseDeadline() {
    // One byte per read, each read "taking" one second: the 60 s per-read timeout never fires,
    // the 10 s phase deadline does.
    ReplyReader rr =
        reader(new Bytes("220 " + "z".repeat(100) + "\r\n", 1, time, Duration.ofSeconds(1)));

    ReplyReader.Result r = rr.read(Deadline.after(time, Duration.ofSeconds(10), false));

    assertThat(r.failure()).isEqualTo(ReplyReader.Failure.TIMEOUT);
    assertThat(r.detail()).contains("timeout of 10 s");
    assertThat(time.elapsed()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void read_unterminatedFinalCr_endsLineWithoutBlocking() {
    ReplyReader rr = reader("250 ok\r");

    ReplyReader.Result r = rr.read(minute());

    assertThat(r.ok()).isTrue();
    assertThat(rr.bareCrCount()).isEqualTo(1);
  }
}
