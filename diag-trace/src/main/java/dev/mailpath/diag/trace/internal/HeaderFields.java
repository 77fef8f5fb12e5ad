package dev.mailpath.diag.trace.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the header section of a message (RFC 5322 §2.2) into unfolded fields, leniently: CRLF or
 * bare LF line ends, an mbox {@code From } separator line, lines without a colon skipped (and
 * counted). Bounded: at most {@link #MAX_HEADER_BYTES} bytes and {@link #MAX_FIELDS} fields are
 * read, so a hostile message cannot exhaust memory; {@link #truncated()} tells whether anything was
 * left out, so that the report can say so.
 */
public final class HeaderFields {
  /** Bytes of header section read at most; the rest is ignored. */
  public static final int MAX_HEADER_BYTES = 4 * 1024 * 1024;

  /** Fields kept at most. */
  public static final int MAX_FIELDS = 10_000;

  /**
   * One unfolded header field.
   *
   * @param name the field name as written
   * @param value the value with folding line breaks removed and surrounding blanks trimmed
   */
  public record Field(String name, String value) {
    /**
     * Tells whether the field has the given name, ignoring case.
     *
     * @param other a field name
     * @return {@code true} on a match
     */
    public boolean is(String other) {
      return name.equalsIgnoreCase(other);
    }
  }

  private final List<Field> fields;
  private final int malformedLines;
  private final boolean truncated;

  private HeaderFields(List<Field> fields, int malformedLines, boolean truncated) {
    this.fields = List.copyOf(fields);
    this.malformedLines = malformedLines;
    this.truncated = truncated;
  }

  /**
   * Tells whether the header section was longer than {@link #MAX_HEADER_BYTES} or held more than
   * {@link #MAX_FIELDS} fields, so that the rest was not read.
   *
   * @return {@code true} when something was left out
   */
  public boolean truncated() {
    return truncated;
  }

  /**
   * Returns the fields in header order (top first).
   *
   * @return the fields
   */
  public List<Field> fields() {
    return fields;
  }

  /**
   * Returns the fields with one name, in header order.
   *
   * @param name the name, any case
   * @return the matching fields
   */
  public List<Field> named(String name) {
    return fields.stream().filter(f -> f.is(name)).toList();
  }

  /**
   * Returns how many lines of the header section were neither a field nor a continuation.
   *
   * @return the count
   */
  public int malformedLines() {
    return malformedLines;
  }

  /**
   * Reads the header section of a message held as text; the body (after the first empty line) is
   * ignored.
   *
   * @param message the message or just its header
   * @return the fields
   */
  public static HeaderFields parse(CharSequence message) {
    return parse(message, false);
  }

  private static HeaderFields parse(CharSequence message, boolean cutBefore) {
    List<Field> out = new ArrayList<>();
    int[] dropped = {0};
    int malformed = 0;
    StringBuilder current = null;
    String currentName = null;
    int len = Math.min(message.length(), MAX_HEADER_BYTES);
    int pos = 0;
    boolean first = true;
    boolean ended = false;
    while (pos < len) {
      int end = pos;
      while (end < len && message.charAt(end) != '\n') {
        end++;
      }
      int lineEnd = end > pos && message.charAt(end - 1) == '\r' ? end - 1 : end;
      String line = message.subSequence(pos, lineEnd).toString();
      pos = end + 1;
      if (line.isEmpty()) {
        ended = true;
        break;
      }
      if (first && line.startsWith("From ")) {
        first = false;
        continue; // mbox separator, not a field
      }
      first = false;
      char c0 = line.charAt(0);
      if ((c0 == ' ' || c0 == '\t') && current != null) {
        // RFC 5322 §2.2.3: unfolding removes the line break, keeps the whitespace.
        current.append(line);
        continue;
      }
      if (current != null) {
        add(out, currentName, current, dropped);
        current = null;
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || !validName(line, colon)) {
        malformed++;
        continue;
      }
      currentName = line.substring(0, colon).trim();
      current = new StringBuilder(line.substring(colon + 1));
    }
    if (current != null) {
      add(out, currentName, current, dropped);
    }
    boolean cut = !ended && (cutBefore || message.length() > len);
    return new HeaderFields(out, malformed, cut || dropped[0] > 0);
  }

  private static void add(List<Field> out, String name, StringBuilder value, int[] dropped) {
    if (out.size() < MAX_FIELDS) {
      out.add(new Field(name, value.toString().strip()));
    } else {
      dropped[0]++;
    }
  }

  private static boolean validName(String line, int colon) {
    for (int i = 0; i < colon; i++) {
      char c = line.charAt(i);
      // RFC 5322 ftext is printable ASCII except ":"; allow trailing blanks (obs-optional).
      if ((c < 33 || c > 126) && !(c == ' ' || c == '\t')) {
        return false;
      }
    }
    return !line.substring(0, colon).isBlank();
  }

  /**
   * Reads the header section of a message held as bytes, decoded as UTF-8 (RFC 6532); bytes that
   * are not UTF-8 become U+FFFD.
   *
   * @param message the message bytes
   * @return the fields
   */
  public static HeaderFields parse(byte[] message) {
    int n = Math.min(message.length, headerEnd(message, message.length));
    return parse(decode(message, n));
  }

  /**
   * Reads the header section from a stream, stopping after the empty line that ends it (the body is
   * not read) or after {@link #MAX_HEADER_BYTES}.
   *
   * @param in the stream; not closed
   * @return the fields
   * @throws UncheckedIOException when reading fails
   */
  public static HeaderFields parse(InputStream in) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(8192);
    boolean more = false;
    boolean end = false;
    try {
      int prev = -1;
      int prev2 = -1;
      int b;
      while (buf.size() < MAX_HEADER_BYTES && (b = in.read()) >= 0) {
        buf.write(b);
        if (b == '\n' && (prev == '\n' || (prev == '\r' && prev2 == '\n'))) {
          end = true;
          break;
        }
        prev2 = prev;
        prev = b;
      }
      // At the cap without the empty line: is there more? (one byte looked at, not kept)
      more = !end && buf.size() >= MAX_HEADER_BYTES && in.read() >= 0;
    } catch (IOException e) {
      throw new UncheckedIOException("reading the message failed: " + e.getMessage(), e);
    }
    byte[] bytes = buf.toByteArray();
    return parse(decode(bytes, Math.min(bytes.length, headerEnd(bytes, bytes.length))), more);
  }

  /**
   * Reads already separated fields, each {@code "Name: value"} and possibly folded.
   *
   * @param rawFields the fields
   * @return the fields, unfolded
   */
  public static HeaderFields ofFields(List<String> rawFields) {
    List<Field> out = new ArrayList<>();
    int malformed = 0;
    boolean cut = false;
    for (String raw : rawFields) {
      HeaderFields one = parse(raw.replace("\r\n", "\n").replaceAll("\n(?![ \t])", "\n ") + "\n");
      cut |= one.truncated;
      if (one.fields.isEmpty()) {
        malformed++;
      } else if (out.size() < MAX_FIELDS) {
        out.add(one.fields.get(0));
      } else {
        cut = true;
      }
    }
    return new HeaderFields(out, malformed, cut);
  }

  /**
   * Builds the fields from names and values, for sources that already split them (Jakarta Mail's
   * headers).
   *
   * @param fields the fields; values may still be folded
   * @return the fields, unfolded
   */
  public static HeaderFields of(List<Field> fields) {
    List<Field> out = new ArrayList<>();
    for (Field f : fields) {
      out.add(new Field(f.name(), unfold(f.value())));
    }
    return new HeaderFields(out, 0, false);
  }

  /**
   * Removes folding line breaks.
   *
   * @param value a field value
   * @return the value on one line, trimmed
   */
  public static String unfold(String value) {
    return value.replace("\r\n", "\n").replace("\n", "").replace("\r", "").strip();
  }

  private static int headerEnd(byte[] b, int n) {
    for (int i = 0; i + 1 < n; i++) {
      if (b[i] == '\n'
          && (b[i + 1] == '\n' || (b[i + 1] == '\r' && i + 2 < n && b[i + 2] == '\n'))) {
        return i + 1;
      }
    }
    return n;
  }

  private static String decode(byte[] b, int n) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .decode(ByteBuffer.wrap(b, 0, n))
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalStateException("REPLACE decoding cannot fail", e);
    }
  }

  /**
   * Lower-cases ASCII without the default locale's surprises (Turkish dotless i).
   *
   * @param s text
   * @return lower case
   */
  public static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
