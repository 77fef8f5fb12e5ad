package dev.mailpath.diag.trace.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Splits text into lines like {@link java.io.BufferedReader#lines()} (LF, CR or CRLF end a line),
 * but never holds more than a fixed number of characters of one line: a log without line breaks (a
 * NUL-filled file after copy-truncate rotation, hundreds of megabytes long) costs a bounded amount
 * of memory. A longer line is returned as its first {@code maxLength + 1} characters, so the caller
 * can tell that it was cut and say so; the rest of it is read and dropped.
 *
 * <p>Not thread-safe; read failures are {@link UncheckedIOException}s, as from {@code lines()}.
 */
public final class BoundedLines implements Iterator<String> {
  private final Reader in;
  private final int maxLength;
  private final char[] buf = new char[8192];
  private int pos;
  private int end;
  private boolean eof;
  private boolean skipLf;
  private String next;

  /**
   * Reads lines from a character stream.
   *
   * @param in the stream; not closed here
   * @param maxLength the longest line returned whole, at least 1
   */
  public BoundedLines(Reader in, int maxLength) {
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be at least 1: " + maxLength);
    }
    this.in = in;
    this.maxLength = maxLength;
  }

  @Override
  public boolean hasNext() {
    if (next == null) {
      next = readLine();
    }
    return next != null;
  }

  @Override
  public String next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    String s = next;
    next = null;
    return s;
  }

  private String readLine() {
    StringBuilder line = new StringBuilder();
    boolean any = false;
    while (true) {
      if (pos == end && !fill()) {
        return any ? line.toString() : null;
      }
      char c = buf[pos++];
      if (skipLf) {
        skipLf = false;
        if (c == '\n') {
          continue; // the LF of a CRLF
        }
      }
      any = true;
      if (c == '\n') {
        return line.toString();
      }
      if (c == '\r') {
        skipLf = true;
        return line.toString();
      }
      if (line.length() <= maxLength) {
        line.append(c); // past maxLength + 1 characters the line is only read, not kept
      }
    }
  }

  private boolean fill() {
    if (eof) {
      return false;
    }
    try {
      int n;
      do {
        n = in.read(buf, 0, buf.length);
      } while (n == 0);
      if (n < 0) {
        eof = true;
        return false;
      }
      pos = 0;
      end = n;
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
