package dev.mailpath.diag.testkit;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.Direction;
import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.core.TranscriptLine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A recorded SMTP session as a human-editable text file, for a {@link ScriptedSmtpServer} to play
 * back: record once against a real server, replay in every build without a network.
 *
 * <pre>{@code
 * SmtpReplay replay = SmtpReplay.of(report.transcript());   // record
 * replay.writeTo(Path.of("src/test/resources/recordings/mx.txt"));
 *
 * try (ScriptedSmtpServer server = ScriptedSmtpServer.builder()   // replay
 *     .replay(SmtpReplay.read(Path.of("src/test/resources/recordings/mx.txt")), cert.serverContext())
 *     .start()) {
 *   // run the same conversation against server.host():server.port()
 *   server.divergences();   // empty when the client sent what the recording says
 * }
 * }</pre>
 *
 * <p>The format, one directive a line:
 *
 * <pre>
 * # a comment (blank lines are ignored too)
 * S: 220 mx.example.org ESMTP       a line the server sends (the whole line, code included)
 * C: EHLO probe.example.net          a line the client must send
 * C: AUTH PLAIN [redacted]           "[redacted]" or "[any]" matches whatever the rest of the line is
 * TLS                                the TLS handshake after "220" to STARTTLS; later lines are inside TLS
 * D: Subject: hello                  a message line after 354 (shown, never compared)
 * C: .                               the end of the message
 * PAUSE 250ms                        the server waits before its next line (ms or s)
 * </pre>
 *
 * <p>Consecutive {@code S:} lines are sent in one write, as a server sends a multi-line reply.
 * Client lines are compared exactly, except from a {@code [redacted]} or {@code [any]} marker on,
 * so a replay never needs the secrets that transcripts redact. Message content ({@code D:} lines)
 * is read up to the final dot and kept, not compared: headers such as {@code Date} and {@code
 * Message-ID} change from run to run. Transcript notes ({@code ***} lines) become comments. When
 * the recording ends, the replaying server closes the connection, as a server does after {@code
 * 221}.
 *
 * <p>Immutable and thread-safe; equal when the texts are equal.
 */
public final class SmtpReplay {

  /** The marker transcripts put where a secret was; a client line matches anything from it on. */
  public static final String REDACTED = "[redacted]";

  /** A marker for hand-edited replays: a client line matches anything from it on. */
  public static final String ANY = "[any]";

  private static final String HEADER = "# mailpath SMTP replay, format 1";

  private final String text;
  private final List<Step> steps;

  private SmtpReplay(String text, List<Step> steps) {
    this.text = text;
    this.steps = List.copyOf(steps);
  }

  /**
   * Reads replay text.
   *
   * @param text the replay, in the format described above
   * @return the replay
   * @throws IllegalArgumentException when a line is not a directive, naming the line number
   */
  public static SmtpReplay of(String text) {
    requireNonNull(text, "text");
    return new SmtpReplay(text, parse(text));
  }

  /**
   * Records a transcript as a replay: server lines, client lines (already redacted), the TLS
   * handshake, message content, and notes as comments.
   *
   * @param transcript an SMTP session's transcript, for example {@code SmtpReport.transcript()}
   * @return the replay
   * @throws IllegalArgumentException when the transcript omitted lines (over its line cap), so that
   *     it cannot be replayed faithfully
   */
  public static SmtpReplay of(Transcript transcript) {
    requireNonNull(transcript, "transcript");
    if (transcript.omittedLines() > 0) {
      throw new IllegalArgumentException(
          "transcript omitted "
              + transcript.omittedLines()
              + " lines over its cap and cannot be replayed");
    }
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    boolean tls = false;
    boolean inData = false;
    for (TranscriptLine line : transcript.lines()) {
      Direction d = line.direction();
      if (d == Direction.NOTE) {
        sb.append("# *** ").append(oneLine(line.text())).append('\n');
        continue;
      }
      if (d.insideTls() && !tls) {
        tls = true;
        sb.append("TLS\n");
      }
      if (d.fromServer()) {
        sb.append("S: ").append(oneLine(line.text())).append('\n');
        inData = line.text().startsWith("354 ");
      } else if (inData && !line.text().equals(".")) {
        sb.append("D: ").append(oneLine(line.text())).append('\n');
      } else {
        inData = false;
        sb.append("C: ").append(oneLine(line.text())).append('\n');
      }
    }
    return of(sb.toString());
  }

  /**
   * Reads a replay file (UTF-8).
   *
   * @param file the file
   * @return the replay
   * @throws UncheckedIOException when the file cannot be read
   * @throws IllegalArgumentException when a line is not a directive
   */
  public static SmtpReplay read(Path file) {
    try {
      return of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read replay " + file, e);
    }
  }

  /**
   * Writes the replay text to a file (UTF-8), creating parent directories.
   *
   * @param file the file, replaced if it exists
   * @throws UncheckedIOException when it cannot be written
   */
  public void writeTo(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write replay " + file, e);
    }
  }

  /**
   * Returns the replay text.
   *
   * @return the text, as read or as recorded
   */
  public String text() {
    return text;
  }

  /**
   * Returns the client lines the replay expects, in order (message content excluded).
   *
   * @return the commands, with markers as written
   */
  public List<String> commands() {
    List<String> out = new ArrayList<>();
    for (Step s : steps) {
      if (s.kind == Kind.CLIENT) {
        out.add(s.text);
      } else if (s.kind == Kind.DATA) {
        out.add(".");
      }
    }
    return List.copyOf(out);
  }

  /**
   * Tells whether the replay has a TLS section, so a replaying server needs a certificate.
   *
   * @return {@code true} when a {@code TLS} directive is present
   */
  public boolean usesTls() {
    return steps.stream().anyMatch(s -> s.kind == Kind.TLS);
  }

  /**
   * Tells whether a client line matches an expected one: equal, or equal up to a {@link #REDACTED}
   * or {@link #ANY} marker in the expected line.
   *
   * @param expected the recorded client line
   * @param got the line the client sent
   * @return whether they match
   */
  public static boolean matches(String expected, String got) {
    int marker = markerIndex(expected);
    if (marker < 0) {
      return expected.equals(got);
    }
    return got.startsWith(expected.substring(0, marker));
  }

  private static int markerIndex(String expected) {
    int r = expected.indexOf(REDACTED);
    int a = expected.indexOf(ANY);
    if (r < 0) {
      return a;
    }
    return a < 0 ? r : Math.min(r, a);
  }

  /** Returns the replay text. */
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SmtpReplay r && r.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  List<Step> steps() {
    return steps;
  }

  private static String oneLine(String s) {
    // Transcripts never hold line breaks, but a hand-made one might; keep one directive a line.
    return s.replace("\r", "\\r").replace("\n", "\\n");
  }

  private static List<Step> parse(String text) {
    List<Step> steps = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    List<String> data = null;
    int dataLine = 0;
    for (int i = 0; i < lines.length; i++) {
      int no = i + 1;
      String l = lines[i];
      if (l.isBlank() || l.startsWith("#")) {
        continue;
      }
      if (l.startsWith("D:")) {
        if (data == null) {
          data = new ArrayList<>();
          dataLine = no;
        }
        data.add(payload(l));
        continue;
      }
      if (data != null) {
        if (!l.equals("C: .")) {
          throw new IllegalArgumentException(
              "replay line " + no + ": message lines (D:) must end with \"C: .\", not: " + l);
        }
        steps.add(new Step(Kind.DATA, dataLine, String.join("\r\n", data), null));
        data = null;
        continue;
      }
      if (l.startsWith("S:")) {
        steps.add(new Step(Kind.SERVER, no, payload(l), null));
      } else if (l.startsWith("C:")) {
        steps.add(new Step(Kind.CLIENT, no, payload(l), null));
      } else if (l.strip().equals("TLS")) {
        steps.add(new Step(Kind.TLS, no, "TLS", null));
      } else if (l.toUpperCase(Locale.ROOT).startsWith("PAUSE ")) {
        steps.add(new Step(Kind.PAUSE, no, l, duration(l.substring(6).strip(), no)));
      } else {
        throw new IllegalArgumentException(
            "replay line "
                + no
                + ": expected \"S: \", \"C: \", \"D: \", \"TLS\", \"PAUSE\" or \"#\", got: "
                + l);
      }
    }
    if (data != null) {
      throw new IllegalArgumentException(
          "replay line " + dataLine + ": message lines (D:) without the final \"C: .\"");
    }
    return steps;
  }

  private static String payload(String line) {
    // "S: text": one space after the colon belongs to the syntax; "S:" alone is an empty line.
    return line.length() > 3 && line.charAt(2) == ' ' ? line.substring(3) : line.substring(2);
  }

  private static Duration duration(String s, int no) {
    try {
      String t = s.toLowerCase(Locale.ROOT);
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).strip()));
      }
      if (t.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1).strip()));
      }
    } catch (NumberFormatException e) {
      // fall through to the message naming the line
    }
    throw new IllegalArgumentException(
        "replay line " + no + ": PAUSE takes a duration such as 250ms or 2s, got: " + s);
  }

  /** What a replay step does. */
  enum Kind {
    SERVER,
    CLIENT,
    DATA,
    TLS,
    PAUSE
  }

  /** One directive, with its line number for error messages. */
  record Step(Kind kind, int line, String text, Duration pause) {}

  /**
   * Where a client left the recording: the replay line, what it expected and what came instead.
   *
   * @param line the line number in the replay text (1-based)
   * @param expected the recorded client line
   * @param got what the client sent, or {@link #HUNG_UP} when it closed the connection instead
   */
  public record Divergence(int line, String expected, String got) {
    /** What {@link #got()} says when the client closed the connection instead of sending. */
    public static final String HUNG_UP = "(the client hung up)";

    /**
     * Validates the divergence.
     *
     * @param line the line number in the replay text (1-based)
     * @param expected the recorded client line
     * @param got what the client sent, or {@link #HUNG_UP}
     */
    public Divergence {
      requireNonNull(expected, "expected");
      requireNonNull(got, "got");
    }

    /** Returns {@code replay line 4: expected "EHLO a.test", got "HELO a.test"}. */
    @Override
    public String toString() {
      return "replay line "
          + line
          + ": expected \""
          + expected
          + "\", got "
          + (HUNG_UP.equals(got) ? got : "\"" + got + "\"");
    }
  }
}
