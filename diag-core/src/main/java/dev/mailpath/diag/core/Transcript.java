package dev.mailpath.diag.core;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.internal.Printable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Every line sent, received and noted during one session, in order; printed the way swaks prints a
 * session, so that it reads like the telnet session it replaces.
 *
 * <pre>{@code
 * *** Connected to 127.0.0.1:2525
 * <-  220 mx1.example.org ESMTP
 *  -> EHLO probe.example.org
 * <-  250-mx1.example.org
 * <-  250 STARTTLS
 * }</pre>
 *
 * <p>Transcripts are bounded so that a hostile peer cannot turn one into a memory problem: a line
 * longer than {@link Limits#maxLineLength()} is kept truncated with a note of what was dropped, and
 * a transcript over {@link Limits#maxLines()} keeps its head and tail with a note of the lines
 * omitted. Line indexes are never renumbered, so findings that cite a line stay right. Secrets are
 * redacted when recorded, never only when printed. Immutable and thread-safe.
 */
public final class Transcript implements Iterable<TranscriptLine> {

  private static final Transcript EMPTY = new Transcript(List.of(), 0);

  private final List<TranscriptLine> lines;
  private final long omittedLines;

  private Transcript(List<TranscriptLine> lines, long omittedLines) {
    this.lines = List.copyOf(lines);
    this.omittedLines = omittedLines;
  }

  /**
   * Returns the empty transcript.
   *
   * @return a transcript with no lines
   */
  public static Transcript empty() {
    return EMPTY;
  }

  /**
   * Creates a transcript from lines, for example to fake one in a test.
   *
   * @param lines the lines, in order
   * @return the transcript
   */
  public static Transcript of(List<TranscriptLine> lines) {
    return new Transcript(lines, 0);
  }

  /**
   * Starts recording a transcript with default limits.
   *
   * @param time the time source for line offsets
   * @return a new, empty, thread-safe recorder
   */
  public static Recorder recorder(TimeSource time) {
    return new Recorder(time, Limits.DEFAULT);
  }

  /**
   * Starts recording a transcript with the given limits.
   *
   * @param time the time source for line offsets
   * @param limits line length and line count caps
   * @return a new, empty, thread-safe recorder
   */
  public static Recorder recorder(TimeSource time, Limits limits) {
    return new Recorder(time, limits);
  }

  /**
   * Returns the kept lines in order; when lines were omitted, a {@link Direction#NOTE} line stands
   * where they were.
   *
   * @return unmodifiable list of lines
   */
  public List<TranscriptLine> lines() {
    return lines;
  }

  /**
   * Returns how many lines were omitted because the transcript exceeded its line cap.
   *
   * @return 0 when nothing was omitted
   */
  public long omittedLines() {
    return omittedLines;
  }

  /**
   * Returns the line with the given index, if it was kept.
   *
   * @param index the line index
   * @return the line, or {@code null} when no kept line has that index
   */
  public TranscriptLine line(int index) {
    for (TranscriptLine l : lines) {
      if (l.index() == index) {
        return l;
      }
    }
    return null;
  }

  /**
   * Returns the lines sent by the client (clear text or inside TLS).
   *
   * @return the client lines, in order
   */
  public List<TranscriptLine> sent() {
    return lines.stream().filter(l -> l.direction().fromClient()).toList();
  }

  /**
   * Returns the lines received from the server (clear text or inside TLS).
   *
   * @return the server lines, in order
   */
  public List<TranscriptLine> received() {
    return lines.stream().filter(l -> l.direction().fromServer()).toList();
  }

  /**
   * Tells whether the transcript has no lines.
   *
   * @return {@code true} when empty
   */
  public boolean isEmpty() {
    return lines.isEmpty();
  }

  @Override
  public Iterator<TranscriptLine> iterator() {
    return lines.iterator();
  }

  /**
   * Renders the transcript with each line's offset from the start, for timing questions.
   *
   * @return lines such as {@code [ 12 ms] <- 220 mx.example.org ESMTP}
   */
  public String renderWithTimes() {
    StringBuilder sb = new StringBuilder();
    for (TranscriptLine l : lines) {
      if (sb.length() > 0) {
        sb.append('\n');
      }
      sb.append(String.format("[%6d ms] ", l.offset().toMillis())).append(l);
    }
    return sb.toString();
  }

  /** Returns the swaks-style rendering, one line per entry. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (TranscriptLine l : lines) {
      if (sb.length() > 0) {
        sb.append('\n');
      }
      sb.append(l);
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Transcript t && t.lines.equals(lines) && t.omittedLines == omittedLines;
  }

  @Override
  public int hashCode() {
    return lines.hashCode() * 31 + Long.hashCode(omittedLines);
  }

  /**
   * Caps that keep a transcript small whatever the peer sends, or {@link #OFF} to record nothing.
   *
   * <p>A bulk caller that reads only the outcome (thousands of conversations, nobody reading their
   * transcripts) can cap lower, for example {@code new Limits(256, 40)}, or turn recording off:
   * with {@link #OFF} no line is escaped, timed or kept, and the transcript of the run holds one
   * {@link Direction#NOTE} saying how many lines were not recorded ({@link
   * Transcript#omittedLines()}). Line indexes still count every line, so findings cite the same
   * indexes as with a transcript.
   *
   * @param maxLineLength characters kept of one line; the rest is dropped with a note (0 only for
   *     {@link #OFF})
   * @param maxLines lines kept; past it the first half and the last half are kept (0 only for
   *     {@link #OFF})
   */
  public record Limits(int maxLineLength, int maxLines) {
    /** 4,096 characters a line (RFC 5321 allows 512 octets a reply line) and 2,000 lines. */
    public static final Limits DEFAULT = new Limits(4096, 2000);

    /** Records no line at all; the transcript holds only a note of how many were not recorded. */
    public static final Limits OFF = new Limits(0, 0);

    /**
     * Validates the limits.
     *
     * @param maxLineLength characters kept of one line, at least 16 (0 only with {@code maxLines}
     *     0, which is {@link #OFF})
     * @param maxLines lines kept, at least 4 (0 only with {@code maxLineLength} 0)
     */
    public Limits {
      if (maxLineLength == 0 && maxLines == 0) {
        // OFF
      } else if (maxLineLength < 16) {
        throw new IllegalArgumentException("maxLineLength must be >= 16: " + maxLineLength);
      } else if (maxLines < 4) {
        throw new IllegalArgumentException("maxLines must be >= 4: " + maxLines);
      }
    }

    /**
     * Tells whether these limits record nothing.
     *
     * @return {@code true} for {@link #OFF}
     */
    public boolean off() {
      return maxLines == 0;
    }
  }

  /**
   * Records lines as a session runs, then gives an immutable {@link Transcript}. Thread-safe: a
   * reader thread and a writer thread may record into the same recorder.
   */
  public static final class Recorder {
    private final TimeSource time;
    private final Limits limits;
    private final boolean off;
    private final long startNanos;
    private final List<TranscriptLine> head = new ArrayList<>();
    private final ArrayDeque<TranscriptLine> tail = new ArrayDeque<>();
    private int nextIndex;
    private long omitted;

    private Recorder(TimeSource time, Limits limits) {
      this.time = requireNonNull(time, "time");
      this.limits = requireNonNull(limits, "limits");
      this.off = limits.off();
      this.startNanos = time.nanoTime();
    }

    /**
     * Records a line sent by the client in clear text.
     *
     * @param text the line without terminator; redact secrets before calling
     * @return the index of the recorded line
     */
    public int client(String text) {
      return add(Direction.CLIENT, text);
    }

    /**
     * Records a line received from the server in clear text.
     *
     * @param text the line without terminator
     * @return the index of the recorded line
     */
    public int server(String text) {
      return add(Direction.SERVER, text);
    }

    /**
     * Records a note such as "Connected to 127.0.0.1:25" or "TLSv1.3 negotiated".
     *
     * @param text the note
     * @return the index of the recorded line
     */
    public int note(String text) {
      return add(Direction.NOTE, text);
    }

    /**
     * Records a line of text, escaping control characters and capping its length.
     *
     * @param direction who wrote it
     * @param text the line without terminator
     * @return the index of the recorded line
     */
    public int add(Direction direction, String text) {
      requireNonNull(direction, "direction");
      requireNonNull(text, "text");
      if (off) {
        return skip();
      }
      return addPrintable(direction, Printable.escape(capChars(text)), text.length());
    }

    /**
     * Records raw bytes as one line: UTF-8 is decoded, anything else is shown escaped.
     *
     * @param direction who wrote it
     * @param bytes buffer holding the line, without terminator
     * @param offset first byte
     * @param length number of bytes
     * @return the index of the recorded line
     */
    public int add(Direction direction, byte[] bytes, int offset, int length) {
      requireNonNull(direction, "direction");
      if (off) {
        return skip();
      }
      int kept = Math.min(length, limits.maxLineLength());
      return addPrintable(direction, Printable.escape(bytes, offset, kept), length);
    }

    /** With recording off: the line gets its index and is dropped. */
    private synchronized int skip() {
      omitted++;
      return nextIndex++;
    }

    private CharSequence capChars(String text) {
      return text.length() > limits.maxLineLength()
          ? text.substring(0, limits.maxLineLength())
          : text;
    }

    private synchronized int addPrintable(
        Direction direction, String printable, int originalLength) {
      String text = printable;
      if (originalLength > limits.maxLineLength()) {
        if (text.length() > limits.maxLineLength()) {
          text = text.substring(0, limits.maxLineLength());
        }
        text = text + " [... " + (originalLength - limits.maxLineLength()) + " more dropped]";
      }
      Duration offset = Duration.ofNanos(Math.max(0, time.nanoTime() - startNanos));
      TranscriptLine line = new TranscriptLine(nextIndex++, direction, offset, text);
      int headCap = limits.maxLines() / 2;
      if (head.size() < headCap) {
        head.add(line);
      } else {
        tail.addLast(line);
        if (tail.size() > limits.maxLines() - headCap) {
          tail.removeFirst();
          omitted++;
        }
      }
      return line.index();
    }

    /**
     * Returns the index the next recorded line will get.
     *
     * @return the number of lines recorded so far
     */
    public synchronized int size() {
      return nextIndex;
    }

    /**
     * Returns the time elapsed since this recorder started.
     *
     * @return elapsed time
     */
    public Duration elapsed() {
      return Duration.ofNanos(Math.max(0, time.nanoTime() - startNanos));
    }

    /**
     * Returns an immutable copy of what was recorded so far.
     *
     * @return the transcript
     */
    public synchronized Transcript snapshot() {
      if (off) {
        if (omitted == 0) {
          return EMPTY;
        }
        return new Transcript(
            List.of(
                new TranscriptLine(
                    0,
                    Direction.NOTE,
                    elapsed(),
                    "[... transcript off: " + omitted + " lines not recorded ...]")),
            omitted);
      }
      List<TranscriptLine> out = new ArrayList<>(head.size() + tail.size() + 1);
      out.addAll(head);
      if (omitted > 0) {
        TranscriptLine first = tail.peekFirst();
        int at = first == null ? nextIndex : first.index();
        // The note borrows no index of its own: it sits between the head and the tail, and
        // carries the index of the first omitted line so that indexes stay increasing.
        out.add(
            new TranscriptLine(
                at - (int) Math.min(omitted, at),
                Direction.NOTE,
                first == null ? elapsed() : first.offset(),
                "[... " + omitted + " lines omitted ...]"));
      }
      out.addAll(tail);
      return new Transcript(out, omitted);
    }
  }
}
