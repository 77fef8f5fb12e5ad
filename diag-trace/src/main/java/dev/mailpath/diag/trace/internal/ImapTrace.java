package dev.mailpath.diag.trace.internal;

import dev.mailpath.diag.core.Direction;
import dev.mailpath.diag.core.TimeSource;
import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.core.internal.Secrets;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns Jakarta Mail's protocol trace (the session's debug output) into a {@link Transcript} and
 * counts IMAP commands and bytes in each direction. Counting at this level sees the IMAP protocol
 * as the server does, inside TLS; library notes (lines starting with {@code DEBUG}) are not
 * counted.
 *
 * <p>Secrets: Jakarta Mail leaves authentication commands out of its trace unless {@code
 * mail.debug.auth} is set (it never is here); as a second guard, arguments of {@code LOGIN} and
 * {@code AUTHENTICATE} are redacted before they are recorded. Each search owns one instance,
 * written by one connection at a time; methods are synchronized anyway.
 */
public final class ImapTrace {
  private static final int MAX_LINE = 16 * 1024;
  private static final Pattern CLIENT = Pattern.compile("^([A-Za-z]+\\d+) (\\S+)(.*)$");
  private static final Pattern LITERAL = Pattern.compile("\\{(\\d{1,9})\\+?\\}$");
  private static final Pattern SUPPRESSED =
      Pattern.compile("^DEBUG IMAPS?: (\\S+(?: \\S+)?) command trace suppressed");

  private final Transcript.Recorder recorder;
  private final Secrets secrets;
  private final boolean implicitTls;
  private boolean insideTls;
  private final byte[] buf = new byte[MAX_LINE];
  private int len;
  private long dropped;
  private long literalRemaining;
  private long commands;
  private long bytesSent;
  private long bytesReceived;
  private boolean startTlsPending;

  /**
   * Creates a trace.
   *
   * @param time the clock for transcript offsets
   * @param implicitTls whether the whole session runs inside TLS
   */
  public ImapTrace(TimeSource time, boolean implicitTls) {
    this(time, implicitTls, new Secrets());
  }

  /**
   * Creates a trace that scrubs the login's secrets from every line it records: a server may quote
   * the login or the AUTHENTICATE payload in its {@code NO} reply.
   *
   * @param time the clock for transcript offsets
   * @param implicitTls whether the whole session runs inside TLS
   * @param secrets the secrets to scrub
   */
  public ImapTrace(TimeSource time, boolean implicitTls, Secrets secrets) {
    this.secrets = secrets;
    this.recorder = Transcript.recorder(time);
    this.implicitTls = implicitTls;
    this.insideTls = implicitTls;
  }

  /**
   * Returns a stream to hand to {@code Session.setDebugOut}.
   *
   * @return the stream
   */
  public PrintStream stream() {
    return new PrintStream(
        new OutputStream() {
          @Override
          public void write(int b) {
            accept((byte) b);
          }
        },
        true,
        StandardCharsets.UTF_8);
  }

  /**
   * Records a note (connect, errors).
   *
   * @param text the note
   */
  public synchronized void note(String text) {
    recorder.note(secrets.scrub(text));
  }

  private synchronized void accept(byte b) {
    if (b == '\n') {
      int n = len > 0 && buf[len - 1] == '\r' ? len - 1 : len;
      line(new String(buf, 0, n, StandardCharsets.UTF_8), n + 2 + dropped);
      len = 0;
      dropped = 0;
    } else if (len < MAX_LINE) {
      buf[len++] = b;
    } else {
      dropped++;
    }
  }

  private void line(String raw, long wireBytes) {
    String text = secrets.scrub(raw);
    if (literalRemaining > 0) {
      // Inside a server literal (for example the header fields of a FETCH response).
      literalRemaining -= wireBytes;
      bytesReceived += wireBytes;
      recorder.add(insideTls ? Direction.SERVER_TLS : Direction.SERVER, text);
      return;
    }
    if (text.startsWith("DEBUG")) {
      Matcher s = SUPPRESSED.matcher(text);
      if (s.find()) {
        commands++; // the authentication command, kept out of the trace by Jakarta Mail
        recorder.note(s.group(1) + " [redacted]");
      }
      return;
    }
    Matcher c = CLIENT.matcher(text);
    boolean client = c.matches() && !isStatus(c.group(2));
    if (client) {
      commands++;
      bytesSent += wireBytes;
      String verb = c.group(2).toUpperCase(java.util.Locale.ROOT);
      String shown =
          verb.equals("LOGIN") || verb.equals("AUTHENTICATE")
              ? c.group(1) + " " + verb + " [redacted]"
              : text;
      recorder.add(insideTls ? Direction.CLIENT_TLS : Direction.CLIENT, shown);
      startTlsPending = verb.equals("STARTTLS");
      return;
    }
    bytesReceived += wireBytes;
    recorder.add(insideTls ? Direction.SERVER_TLS : Direction.SERVER, text);
    Matcher lit = LITERAL.matcher(text);
    if (lit.find()) {
      literalRemaining = Long.parseLong(lit.group(1));
    }
    if (startTlsPending && c.matches() && c.group(2).equalsIgnoreCase("OK")) {
      insideTls = true;
      startTlsPending = false;
      recorder.note("TLS started (STARTTLS)");
    }
  }

  private static boolean isStatus(String word) {
    return word.equalsIgnoreCase("OK")
        || word.equalsIgnoreCase("NO")
        || word.equalsIgnoreCase("BAD");
  }

  /**
   * Returns the transcript so far.
   *
   * @return the transcript
   */
  public synchronized Transcript transcript() {
    return recorder.snapshot();
  }

  /**
   * Returns how many IMAP commands the client sent.
   *
   * @return the count
   */
  public synchronized long commands() {
    return commands;
  }

  /**
   * Returns the IMAP bytes the client sent (CRLF included; authentication excluded).
   *
   * @return the count
   */
  public synchronized long bytesSent() {
    return bytesSent;
  }

  /**
   * Returns the IMAP bytes the server sent (CRLF included).
   *
   * @return the count
   */
  public synchronized long bytesReceived() {
    return bytesReceived;
  }

  /**
   * Tells whether the session ran entirely inside TLS.
   *
   * @return the flag given at construction
   */
  public boolean implicitTls() {
    return implicitTls;
  }
}
