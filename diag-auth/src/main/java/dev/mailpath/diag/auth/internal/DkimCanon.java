package dev.mailpath.diag.auth.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * DKIM canonicalization, RFC 6376 §3.4: "simple" and "relaxed" for header fields and bodies. The
 * body side is a streaming state machine fed in chunks, so a message body is never held whole.
 *
 * <p>Line ends: a bare LF counts as CRLF (messages stored with Unix line ends verify as their CRLF
 * form); a CR not followed by LF is an ordinary character.
 */
public final class DkimCanon {
  private DkimCanon() {}

  /**
   * Canonicalizes one header field.
   *
   * @param raw the field, name to final CRLF (folding kept)
   * @param relaxed relaxed (true) or simple (false)
   * @return the canonical form, ending in CRLF
   */
  public static String header(String raw, boolean relaxed) {
    if (!relaxed) {
      return raw;
    }
    int colon = raw.indexOf(':');
    String name = raw.substring(0, colon);
    int ne = name.length();
    while (ne > 0 && isWsp(name.charAt(ne - 1))) {
      ne--;
    }
    StringBuilder sb = new StringBuilder(raw.length());
    for (int i = 0; i < ne; i++) {
      char c = name.charAt(i);
      sb.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
    }
    sb.append(':');
    boolean pendingWsp = false;
    boolean started = false;
    for (int i = colon + 1; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\r' || c == '\n') {
        continue; // unfold: folding CRLFs vanish, the final CRLF is added back below
      }
      if (isWsp(c)) {
        pendingWsp = true;
        continue;
      }
      if (pendingWsp && started) {
        sb.append(' ');
      }
      pendingWsp = false;
      started = true;
      sb.append(c);
    }
    return sb.append("\r\n").toString();
  }

  static boolean isWsp(char c) {
    return c == ' ' || c == '\t';
  }

  /**
   * A body canonicalizer feeding a digest, with an optional length limit ({@code l=}). Not
   * thread-safe; one per signature and message.
   */
  public static final class Body {
    private static final byte[] CRLF = {'\r', '\n'};
    private final boolean relaxed;
    private final MessageDigest digest;
    private final long limit;
    private final byte[] out = new byte[8192];
    private int outLen;
    private long total;
    private long hashed;
    private long pendingEmpty;
    private boolean lineHasContent;
    private boolean pendingWsp;
    private boolean pendingCr;
    private boolean emittedAny;

    /**
     * Creates a canonicalizer.
     *
     * @param relaxed relaxed (true) or simple (false)
     * @param digest the digest that receives the canonical body
     * @param limit how many canonical bytes to hash ({@code l=}), or -1 for all
     */
    public Body(boolean relaxed, MessageDigest digest, long limit) {
      this.relaxed = relaxed;
      this.digest = digest;
      this.limit = limit;
    }

    /**
     * Feeds body bytes.
     *
     * @param b the buffer
     * @param off where the bytes start
     * @param len how many
     */
    public void update(byte[] b, int off, int len) {
      int end = off + len;
      for (int i = off; i < end; i++) {
        byte c = b[i];
        if (pendingCr) {
          pendingCr = false;
          if (c == '\n') {
            endLine();
            continue;
          }
          content((byte) '\r');
        }
        if (c == '\r') {
          pendingCr = true;
        } else if (c == '\n') {
          endLine();
        } else if (relaxed && (c == ' ' || c == '\t')) {
          pendingWsp = true;
        } else if (lineHasContent && !pendingWsp) {
          // the common case: a run of ordinary characters in a line already started goes to the
          // digest straight from the caller's buffer
          int j = i + 1;
          while (j < end && ordinary(b[j])) {
            j++;
          }
          write(b, i, j - i);
          i = j - 1;
        } else {
          content(c);
        }
      }
    }

    private boolean ordinary(byte c) {
      return c != '\r' && c != '\n' && !(relaxed && (c == ' ' || c == '\t'));
    }

    /** Writes canonical bytes in order: what is buffered first, then these. */
    private void write(byte[] b, int off, int len) {
      if (len <= out.length - outLen) {
        System.arraycopy(b, off, out, outLen, len);
        outLen += len;
        return;
      }
      flush();
      total += len;
      if (limit < 0) {
        digest.update(b, off, len);
      } else if (hashed < limit) {
        int n = (int) Math.min(len, limit - hashed);
        digest.update(b, off, n);
        hashed += n;
      }
    }

    private void content(byte c) {
      if (!lineHasContent) {
        while (pendingEmpty > 0) {
          emit(CRLF, 0, 2);
          pendingEmpty--;
        }
        lineHasContent = true;
        emittedAny = true;
      }
      if (pendingWsp) {
        pendingWsp = false;
        emitByte((byte) ' ');
      }
      emitByte(c);
    }

    private void endLine() {
      pendingWsp = false;
      if (lineHasContent) {
        emit(CRLF, 0, 2);
        lineHasContent = false;
      } else {
        pendingEmpty++;
      }
    }

    private void emitByte(byte c) {
      if (outLen == out.length) {
        flush();
      }
      out[outLen++] = c;
    }

    private void emit(byte[] b, int off, int len) {
      for (int i = 0; i < len; i++) {
        emitByte(b[off + i]);
      }
    }

    private void flush() {
      if (outLen == 0) {
        return;
      }
      total += outLen;
      if (limit < 0) {
        digest.update(out, 0, outLen);
      } else if (hashed < limit) {
        int n = (int) Math.min(outLen, limit - hashed);
        digest.update(out, 0, n);
        hashed += n;
      }
      outLen = 0;
    }

    /**
     * Ends the body: the trailing-empty-line rules of §3.4.3 and §3.4.4 (simple: an empty body is
     * one CRLF; relaxed: an empty body is empty; both: a last line without CRLF gets one).
     *
     * @return the body hash
     */
    public byte[] finish() {
      if (pendingCr) {
        pendingCr = false;
        content((byte) '\r');
      }
      pendingWsp = false;
      if (lineHasContent) {
        emit(CRLF, 0, 2);
        lineHasContent = false;
      }
      if (!emittedAny && !relaxed) {
        emit(CRLF, 0, 2);
      }
      flush();
      return digest.digest();
    }

    /**
     * Returns the length of the whole canonical body, known after {@link #finish()}.
     *
     * @return the length in bytes
     */
    public long canonicalLength() {
      return total;
    }
  }

  /**
   * Canonicalizes a whole body held in memory (for tests and small inputs).
   *
   * @param body the body
   * @param relaxed relaxed or simple
   * @return the canonical body as ISO-8859-1 text
   */
  public static String body(String body, boolean relaxed) {
    CapturingDigest cap = new CapturingDigest();
    Body b = new Body(relaxed, cap, -1);
    byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
    b.update(bytes, 0, bytes.length);
    b.finish();
    return cap.text();
  }

  /** A "digest" that keeps what it was fed, for {@link #body(String, boolean)}. */
  private static final class CapturingDigest extends MessageDigest {
    private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

    CapturingDigest() {
      super("capture");
    }

    String text() {
      return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    protected void engineUpdate(byte input) {
      bytes.write(input);
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {
      bytes.write(input, offset, len);
    }

    @Override
    protected byte[] engineDigest() {
      return new byte[0];
    }

    @Override
    protected void engineReset() {
      bytes.reset();
    }
  }
}
