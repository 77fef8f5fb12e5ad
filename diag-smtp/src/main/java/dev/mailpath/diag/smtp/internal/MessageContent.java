package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.internal.Checks;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A message to send with DATA, captured as bytes when the script step is made, so that the script
 * stays immutable. Date and Message-ID (RFC 5322 §3.6) are added when the message is sent if it has
 * none: a fresh Message-ID each run, so that running a script twice sends two distinct messages.
 */
public final class MessageContent {
  /** RFC 5322 §3.6.8: printable US-ASCII except colon; 76 keeps the header line foldable. */
  private static final java.util.regex.Pattern FIELD_NAME =
      java.util.regex.Pattern.compile("[!-9;-~]{1,76}");

  /**
   * Messages up to this size keep their wire form (CRLF lines, dot-stuffed, final dot) once it is
   * first needed, so a script run many times frames its message once; larger ones are framed as
   * they are sent, so as not to hold a second copy.
   */
  static final int PREPARED_MAX = 64 * 1024;

  private final byte[] bytes;
  private final boolean hasDate;
  private final boolean hasMessageId;

  /** The wire form of {@link #bytes}, when small enough; built on first use. */
  private volatile Framed framed;

  private MessageContent(byte[] bytes) {
    this.bytes = bytes;
    this.hasDate = hasHeader(bytes, "date");
    this.hasMessageId = hasHeader(bytes, "message-id");
  }

  /**
   * Captures headers and a body text.
   *
   * @param headers header names and values, in order
   * @param body the body; any line ending convention, sent as CRLF
   * @return the content
   * @throws IllegalArgumentException for an invalid header name, CR/LF/NUL in a value, or NUL in
   *     the body
   */
  public static MessageContent of(List<Map.Entry<String, String>> headers, String body) {
    StringBuilder sb = new StringBuilder();
    boolean contentType = false;
    for (Map.Entry<String, String> h : headers) {
      String name = h.getKey();
      if (name == null || !FIELD_NAME.matcher(name).matches()) {
        // RFC 5322 §2.2: printable US-ASCII except colon.
        throw new IllegalArgumentException(
            "header name must be 1-76 printable ASCII characters without ':' or spaces: " + name);
      }
      Checks.noLineBreaks("header " + name, h.getValue());
      contentType |= name.equalsIgnoreCase("content-type");
      fold(sb, name, name + ": " + h.getValue());
    }
    if (body.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("body must not contain NUL (RFC 5322 §2.3)");
    }
    checkBodyLines(body);
    if (!contentType && !body.chars().allMatch(c -> c < 0x80)) {
      // Non-ASCII body text needs a charset to be read right (RFC 2045 §5).
      sb.append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n")
          .append("Content-Transfer-Encoding: 8bit\r\n");
    }
    sb.append("\r\n").append(body);
    return new MessageContent(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Captures a Jakarta Mail message as it would be sent ({@link MimeMessage#writeTo}).
   *
   * @param message the message
   * @return the content
   * @throws IllegalArgumentException when the message cannot be written
   */
  public static MessageContent of(MimeMessage message) {
    try {
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      message.writeTo(bos);
      return new MessageContent(bos.toByteArray());
    } catch (MessagingException | IOException e) {
      throw new IllegalArgumentException("the message cannot be written: " + e.getMessage(), e);
    }
  }

  /** A folded piece: white space, then the run of other characters it may be folded before. */
  private static final java.util.regex.Pattern FOLD_PIECE =
      java.util.regex.Pattern.compile("[ \t]*[^ \t]+|[ \t]+$");

  /**
   * Appends a header line, folded (RFC 5322 §2.2.3: a CRLF inserted before white space) when it is
   * longer than a text line may be (998 octets before CRLF, RFC 5322 §2.1.1).
   */
  static void fold(StringBuilder sb, String name, String line) {
    int max = Inputs.MAX_TEXT_LINE - 2;
    if (Inputs.octets(line) <= max) {
      sb.append(line).append("\r\n");
      return;
    }
    java.util.regex.Matcher m = FOLD_PIECE.matcher(line);
    int current = 0;
    while (m.find()) {
      String piece = m.group();
      int n = Inputs.octets(piece);
      if (n > max) {
        throw new IllegalArgumentException(
            "header "
                + name
                + ": a line of "
                + Inputs.octets(line)
                + " octets has no white space to fold at within the limit of "
                + Inputs.MAX_TEXT_LINE
                + " octets per line, CRLF included (RFC 5322 §2.1.1, §2.2.3)");
      }
      if (current > 0 && current + n > max) {
        sb.append("\r\n");
        current = 0;
      }
      sb.append(piece);
      current += n;
    }
    sb.append("\r\n");
  }

  /** RFC 5321 §4.5.3.1.6: a body line longer than 998 octets cannot be sent as it is. */
  private static void checkBodyLines(String body) {
    int max = Inputs.MAX_TEXT_LINE - 2;
    int start = 0;
    int n = body.length();
    while (start <= n) {
      int end = start;
      while (end < n && body.charAt(end) != '\n' && body.charAt(end) != '\r') {
        end++;
      }
      if (end - start > max / 4 && Inputs.octets(body.substring(start, end)) > max) {
        throw new IllegalArgumentException(
            "body: line "
                + lineNumber(body, start)
                + " is longer than "
                + max
                + " octets; RFC 5321 §4.5.3.1.6 allows "
                + Inputs.MAX_TEXT_LINE
                + " octets per text line, CRLF included (send a MimeMessage with a"
                + " quoted-printable or base64 body instead)");
      }
      start = end + 1;
    }
  }

  private static int lineNumber(String body, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (body.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  /**
   * Returns the bytes to send, with Date and Message-ID added in front when missing.
   *
   * @param now the time for the Date header
   * @param random the source for the Message-ID
   * @param domain the right-hand side of the Message-ID
   * @return the message bytes
   */
  public byte[] render(Instant now, RandomGenerator random, String domain) {
    if (hasDate && hasMessageId) {
      return bytes;
    }
    StringBuilder extra = new StringBuilder();
    if (!hasDate) {
      extra
          .append("Date: ")
          .append(
              DateTimeFormatter.RFC_1123_DATE_TIME
                  .withLocale(Locale.ROOT)
                  .format(now.atOffset(ZoneOffset.UTC)))
          .append("\r\n");
    }
    if (!hasMessageId) {
      extra
          .append("Message-ID: <")
          .append(Long.toHexString(random.nextLong()))
          .append('.')
          .append(Long.toHexString(random.nextLong()))
          .append('@')
          .append(domain)
          .append(">\r\n");
    }
    byte[] e = extra.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[e.length + bytes.length];
    System.arraycopy(e, 0, out, 0, e.length);
    System.arraycopy(bytes, 0, out, e.length, bytes.length);
    return out;
  }

  /**
   * Returns what to send after DATA's 354: the message as {@link #render} gives it, framed for the
   * wire. The captured part is framed once and reused by every run; only a missing Date or
   * Message-ID header is made afresh.
   *
   * @param now the time for the Date header
   * @param random the source for the Message-ID
   * @param domain the right-hand side of the Message-ID
   * @return the framed message, or {@code null} when the message is too large to keep framed (send
   *     {@link #render} with {@link SmtpWire#sendData} then)
   */
  public Framed prepare(Instant now, RandomGenerator random, String domain) {
    if (bytes.length > PREPARED_MAX) {
      return null;
    }
    Framed body = framed;
    if (body == null) {
      body = Framed.of(bytes, true);
      framed = body;
    }
    if (hasDate && hasMessageId) {
      return body;
    }
    byte[] extra = render(now, random, domain);
    // The added header lines end in CRLF, so framing them apart gives the same lines as framing
    // the whole rendered message.
    return Framed.of(java.util.Arrays.copyOf(extra, extra.length - bytes.length), false).then(body);
  }

  /**
   * A message framed for the wire: every line CRLF-terminated and dot-stuffed (RFC 5321 §4.5.2),
   * then the final dot; with each line's place (as sent, without CRLF) for the transcript.
   * Immutable.
   */
  public static final class Framed {
    final byte[] wire;
    final int[] starts;
    final int[] lengths;
    final int size;
    final boolean finalDot;

    private Framed(byte[] wire, int[] starts, int[] lengths, int size, boolean finalDot) {
      this.wire = wire;
      this.starts = starts;
      this.lengths = lengths;
      this.size = size;
      this.finalDot = finalDot;
    }

    static Framed of(byte[] m, boolean finalDot) {
      List<int[]> lines = MessageLines.split(m);
      int n = finalDot ? 3 : 0;
      for (int[] r : lines) {
        n += r[1] + 2 + (r[1] > 0 && m[r[0]] == '.' ? 1 : 0);
      }
      byte[] wire = new byte[n];
      int[] starts = new int[lines.size()];
      int[] lengths = new int[lines.size()];
      int at = 0;
      for (int i = 0; i < lines.size(); i++) {
        int start = lines.get(i)[0];
        int len = lines.get(i)[1];
        starts[i] = at;
        if (len > 0 && m[start] == '.') {
          wire[at++] = '.';
          lengths[i] = len + 1;
        } else {
          lengths[i] = len;
        }
        System.arraycopy(m, start, wire, at, len);
        at += len;
        wire[at++] = '\r';
        wire[at++] = '\n';
      }
      if (finalDot) {
        wire[at++] = '.';
        wire[at++] = '\r';
        wire[at] = '\n';
      }
      return new Framed(wire, starts, lengths, m.length, finalDot);
    }

    /** This part, then another. */
    Framed then(Framed next) {
      byte[] w = java.util.Arrays.copyOf(wire, wire.length + next.wire.length);
      System.arraycopy(next.wire, 0, w, wire.length, next.wire.length);
      int[] s = java.util.Arrays.copyOf(starts, starts.length + next.starts.length);
      int[] l = java.util.Arrays.copyOf(lengths, lengths.length + next.lengths.length);
      for (int i = 0; i < next.starts.length; i++) {
        s[starts.length + i] = next.starts[i] + wire.length;
        l[lengths.length + i] = next.lengths[i];
      }
      return new Framed(w, s, l, size + next.size, next.finalDot);
    }

    /**
     * Returns the size of the message before framing, as {@link #render} gives it.
     *
     * @return the size in bytes
     */
    public int size() {
      return size;
    }
  }

  /**
   * Returns the size of the captured message.
   *
   * @return the size in bytes
   */
  public int size() {
    return bytes.length;
  }

  private static boolean hasHeader(byte[] m, String lowerName) {
    int lineStart = 0;
    for (int i = 0; i <= m.length; i++) {
      if (i == m.length || m[i] == '\n') {
        int end = i;
        if (end > lineStart && m[end - 1] == '\r') {
          end--;
        }
        if (end == lineStart) {
          return false; // blank line: end of the header section
        }
        String line = new String(m, lineStart, end - lineStart, StandardCharsets.ISO_8859_1);
        int colon = line.indexOf(':');
        if (colon > 0
            && line.substring(0, colon).strip().toLowerCase(Locale.ROOT).equals(lowerName)) {
          return true;
        }
        lineStart = i + 1;
      }
    }
    return false;
  }
}
