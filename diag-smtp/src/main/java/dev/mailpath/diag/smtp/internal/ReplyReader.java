package dev.mailpath.diag.smtp.internal;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.Direction;
import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.core.internal.Printable;
import dev.mailpath.diag.core.internal.Secrets;
import dev.mailpath.diag.smtp.SmtpReply;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads SMTP replies from an untrusted peer: multiline replies (RFC 5321 §4.2.1), bounded in line
 * length, line count and bytes, with every line recorded in the transcript as it arrives.
 *
 * <p>Bare LF and bare CR line ends are tolerated (counted, so that the caller can report them), and
 * every read obeys the phase deadline: the socket timeout is set to the time left (capped by the
 * per-read timeout) before each read, so a server that drips one byte a second is stopped when the
 * phase's time is up, not only when a single read stalls. Not thread-safe.
 */
public final class ReplyReader {

  /**
   * Longest reply line accepted; RFC 5321 §4.5.3.1.5 allows 512 octets, real servers stay far below
   * this.
   */
  public static final int DEFAULT_MAX_LINE = 2048;

  /** Most lines in one reply (a big EHLO reply has about 20). */
  public static final int DEFAULT_MAX_LINES = 1000;

  /** Most bytes in one reply. */
  public static final int DEFAULT_MAX_BYTES = 64 * 1024;

  private static final int INITIAL_BUFFER = 1024;
  private static final int MAX_BUFFER = 8192;

  /** Where bytes come from: a socket in production, a byte array in unit tests. */
  public interface Source {
    /**
     * Reads bytes, waiting at most {@code timeoutMillis}.
     *
     * @param b buffer
     * @param off offset
     * @param len most bytes to read
     * @param timeoutMillis positive read timeout
     * @return bytes read, or -1 at end of stream
     * @throws SocketTimeoutException when nothing arrived in time
     * @throws IOException on other failures
     */
    int read(byte[] b, int off, int len, int timeoutMillis) throws IOException;

    /**
     * Returns how many bytes can be read without blocking.
     *
     * @return bytes available
     * @throws IOException when the stream is broken
     */
    int available() throws IOException;
  }

  /** Why no reply could be read. */
  public enum Failure {
    /** The phase deadline, overall deadline or read timeout passed. */
    TIMEOUT,
    /** The peer closed the connection (end of stream). */
    CLOSED,
    /** The peer reset the connection. */
    RESET,
    /** Another I/O error, for example a TLS record error. */
    IO,
    /** A line that is not valid SMTP. */
    MALFORMED,
    /** Over the line length, line count or byte limit. */
    TOO_LARGE
  }

  /**
   * The outcome of reading one reply: either a reply, or a failure with details.
   *
   * @param reply the reply, or {@code null} on failure
   * @param failure the failure, or {@code null} on success
   * @param detail what happened, for findings
   * @param lastLineIndex transcript index of the last line read, or -1
   * @param linesRead lines of this reply read before the failure
   */
  public record Result(
      SmtpReply reply, Failure failure, String detail, int lastLineIndex, int linesRead) {
    /**
     * Tells whether a reply was read.
     *
     * @return {@code true} on success
     */
    public boolean ok() {
      return reply != null;
    }
  }

  private static final class ReadFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final Failure failure;

    ReadFailure(Failure failure, String detail) {
      super(detail, null, false, false);
      this.failure = failure;
    }
  }

  private Source source;
  private Direction direction = Direction.SERVER;
  private final Transcript.Recorder recorder;
  private final Secrets secrets;
  private final int maxLine;
  private final int maxLines;
  private final int maxBytes;
  private final int readTimeoutMillis;

  /**
   * Starts small and doubles (up to 8 KiB) whenever a read fills it: a usual reply is a few hundred
   * bytes, and a session per transaction should not pay for a buffer sized for floods.
   */
  private byte[] buf = new byte[INITIAL_BUFFER];

  private int pos;
  private int limit;
  private byte[] line;
  private int lineLen;
  private boolean pendingCr;
  private boolean swallowLf;
  private int bareLf;
  private int bareCr;
  private int lastIndex = -1;

  /**
   * Creates a reader.
   *
   * @param source where bytes come from
   * @param recorder where each line is recorded
   * @param maxLine longest line accepted
   * @param maxLines most lines per reply
   * @param maxBytes most bytes per reply
   * @param readTimeoutMillis longest single silence
   */
  public ReplyReader(
      Source source,
      Transcript.Recorder recorder,
      int maxLine,
      int maxLines,
      int maxBytes,
      int readTimeoutMillis) {
    this(source, recorder, maxLine, maxLines, maxBytes, readTimeoutMillis, new Secrets());
  }

  /**
   * Creates a reader that scrubs known secrets from every line it records or returns: a server may
   * echo an AUTH payload back in its error reply.
   *
   * @param source where bytes come from
   * @param recorder where each line is recorded
   * @param maxLine longest line accepted
   * @param maxLines most lines per reply
   * @param maxBytes most bytes per reply
   * @param readTimeoutMillis longest single silence
   * @param secrets the secrets to scrub
   */
  public ReplyReader(
      Source source,
      Transcript.Recorder recorder,
      int maxLine,
      int maxLines,
      int maxBytes,
      int readTimeoutMillis,
      Secrets secrets) {
    this.source = requireNonNull(source, "source");
    this.recorder = requireNonNull(recorder, "recorder");
    this.secrets = requireNonNull(secrets, "secrets");
    this.maxLine = maxLine;
    this.maxLines = maxLines;
    this.maxBytes = maxBytes;
    this.readTimeoutMillis = Math.max(1, readTimeoutMillis);
    this.line = new byte[Math.min(maxLine, 256)];
  }

  /**
   * Switches to a new source, for example the TLS stream after STARTTLS; whatever was buffered from
   * the old source is discarded (RFC 3207 §4.2: nothing read before TLS is trusted).
   *
   * @param newSource the new source
   * @param newDirection the direction to record lines with
   */
  public void switchTo(Source newSource, Direction newDirection) {
    this.source = requireNonNull(newSource, "newSource");
    this.direction = requireNonNull(newDirection, "newDirection");
    pos = 0;
    limit = 0;
    pendingCr = false;
    swallowLf = false;
  }

  /**
   * Tells whether bytes are waiting: buffered here or readable without blocking.
   *
   * @return {@code true} when the peer sent something not yet read
   */
  public boolean hasPendingInput() {
    if (pos < limit) {
      return true;
    }
    try {
      return source.available() > 0;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Returns how many reply lines ended with a bare LF so far.
   *
   * @return the count
   */
  public int bareLfCount() {
    return bareLf;
  }

  /**
   * Returns how many reply lines ended with a bare CR so far.
   *
   * @return the count
   */
  public int bareCrCount() {
    return bareCr;
  }

  /**
   * Reads one complete reply.
   *
   * @param deadline when the phase ends
   * @return the reply, or the failure
   */
  public Result read(Deadline deadline) {
    List<String> texts = new ArrayList<>();
    int code = -1;
    long bytes = 0;
    while (true) {
      int len;
      try {
        len = readLine(deadline);
      } catch (ReadFailure f) {
        return new Result(null, f.failure, f.getMessage(), lastIndex, texts.size());
      }
      lastIndex = record(len);
      bytes += len + 2;
      if (texts.size() + 1 > maxLines || bytes > maxBytes) {
        return new Result(
            null,
            Failure.TOO_LARGE,
            "reply exceeds " + (bytes > maxBytes ? maxBytes + " bytes" : maxLines + " lines"),
            lastIndex,
            texts.size() + 1);
      }
      String problem = null;
      int c = -1;
      if (len < 3 || !digit(line[0]) || !digit(line[1]) || !digit(line[2])) {
        problem = "line does not start with a three-digit code";
      } else {
        c = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        if (c < 200 || c > 599) {
          // RFC 5321 §4.2: reply codes are 2yz to 5yz; 1yz is not used in SMTP.
          problem = "reply code " + c + " is outside 200-599";
        } else if (code != -1 && c != code) {
          problem = "reply code changed from " + code + " to " + c + " within one reply";
        } else if (len > 3 && line[3] != ' ' && line[3] != '-') {
          problem = "code not followed by space or hyphen";
        }
      }
      if (problem != null) {
        return new Result(
            null,
            Failure.MALFORMED,
            problem + ": " + shorten(secrets.scrub(Printable.escape(line, 0, len)), 80),
            lastIndex,
            texts.size() + 1);
      }
      code = c;
      String text = len > 4 ? decode(4, len - 4) : "";
      texts.add(text);
      // RFC 5321 §4.2.1: "250-" continues, "250 " (or a bare "250") ends the reply.
      if (len == 3 || line[3] == ' ') {
        return new Result(SmtpReply.of(code, texts), null, null, lastIndex, texts.size());
      }
    }
  }

  private String decode(int off, int len) {
    // Reply text is untrusted: keep valid UTF-8, escape control characters.
    return secrets.scrub(Printable.escape(new String(line, off, len, StandardCharsets.UTF_8)));
  }

  /** Records the current line, scrubbed when it holds a secret (else as bytes, unchanged). */
  private int record(int len) {
    if (!secrets.isEmpty()) {
      String text = new String(line, 0, len, StandardCharsets.UTF_8);
      String scrubbed = secrets.scrub(text);
      if (!scrubbed.equals(text)) {
        return recorder.add(direction, scrubbed);
      }
    }
    return recorder.add(direction, line, 0, len);
  }

  private static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  private static boolean digit(byte b) {
    return b >= '0' && b <= '9';
  }

  private int readLine(Deadline deadline) throws ReadFailure {
    lineLen = 0;
    while (true) {
      if (pos == limit) {
        if (pendingCr && availableQuietly() <= 0) {
          // A CR with nothing after it yet: end the line here rather than block waiting for an
          // LF that a sloppy server may never send; swallow the LF if it comes later.
          pendingCr = false;
          bareCr++;
          swallowLf = true;
          return lineLen;
        }
        fill(deadline);
      }
      byte b = buf[pos++];
      if (swallowLf) {
        swallowLf = false;
        if (b == '\n') {
          bareCr--;
          continue;
        }
      }
      if (pendingCr) {
        pendingCr = false;
        if (b == '\n') {
          return lineLen;
        }
        bareCr++;
        pos--;
        return lineLen;
      }
      if (b == '\r') {
        pendingCr = true;
        continue;
      }
      if (b == '\n') {
        bareLf++;
        return lineLen;
      }
      if (lineLen >= maxLine) {
        lastIndex = record(lineLen);
        recorder.note("reply line longer than " + maxLine + " bytes; stopped reading");
        throw new ReadFailure(Failure.TOO_LARGE, "reply line longer than " + maxLine + " bytes");
      }
      if (lineLen == line.length) {
        byte[] bigger = new byte[Math.min(maxLine, line.length * 2)];
        System.arraycopy(line, 0, bigger, 0, lineLen);
        line = bigger;
      }
      line[lineLen++] = b;
    }
  }

  private int availableQuietly() {
    try {
      return source.available();
    } catch (IOException e) {
      return 0;
    }
  }

  private void fill(Deadline deadline) throws ReadFailure {
    long left = deadline.remainingMillis();
    if (left <= 0) {
      throw new ReadFailure(Failure.TIMEOUT, deadline.describe() + " exceeded");
    }
    int timeout = (int) Math.max(1, Math.min(left, readTimeoutMillis));
    int n;
    try {
      n = source.read(buf, 0, buf.length, timeout);
    } catch (SocketTimeoutException e) {
      if (deadline.expired() || timeout >= left) {
        throw new ReadFailure(Failure.TIMEOUT, deadline.describe() + " exceeded");
      }
      throw new ReadFailure(
          Failure.TIMEOUT,
          "no data for the read timeout of "
              + Durations.format(java.time.Duration.ofMillis(timeout)));
    } catch (InterruptedIOException e) {
      throw new ReadFailure(Failure.TIMEOUT, deadline.describe() + " exceeded (interrupted)");
    } catch (SocketException e) {
      String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
      if (m.contains("reset") || m.contains("broken pipe")) {
        throw new ReadFailure(Failure.RESET, "connection reset by peer");
      }
      if (m.contains("socket closed") && deadline.expired()) {
        throw new ReadFailure(Failure.TIMEOUT, deadline.describe() + " exceeded");
      }
      throw new ReadFailure(Failure.IO, String.valueOf(e.getMessage()));
    } catch (IOException e) {
      throw new ReadFailure(Failure.IO, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    if (n < 0) {
      throw new ReadFailure(Failure.CLOSED, "connection closed by server");
    }
    pos = 0;
    limit = n;
    if (n == buf.length && buf.length < MAX_BUFFER) {
      // Only after the bytes read are consumed: the next fill starts at pos 0 anyway, but this
      // one's bytes are still to be parsed, so grow into a fresh array and copy them over.
      byte[] bigger = new byte[buf.length * 2];
      System.arraycopy(buf, 0, bigger, 0, n);
      buf = bigger;
    }
  }
}
