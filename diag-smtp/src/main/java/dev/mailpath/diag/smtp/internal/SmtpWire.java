package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.Direction;
import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.core.internal.Secrets;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP connection: writes command lines with CRLF (never a bare LF, RFC 5321 §2.3.8), writes
 * dot-stuffed message data (§4.5.2), and reads bounded replies through a {@link ReplyReader}. Every
 * line goes to the transcript; what is recorded for a command is given separately from what is
 * sent, so secrets are redacted at the source. Not thread-safe, except {@link #close()}.
 */
public final class SmtpWire implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(SmtpWire.class);
  private static final byte[] CRLF = {'\r', '\n'};

  private final Socket raw;
  private volatile Socket socket;
  private volatile Supplier<Deadline> writeBound;
  private InputStream in;
  private OutputStream out;
  private boolean tls;
  private final Transcript.Recorder recorder;
  private final ReplyReader reader;
  private final WriteGuard writeGuard = new WriteGuard();

  /**
   * Wraps a connected socket.
   *
   * @param socket the connected socket (plain or already TLS for SMTPS)
   * @param recorder the transcript
   * @param readTimeoutMillis longest single silence
   * @throws IOException when the socket's streams cannot be opened
   */
  public SmtpWire(Socket socket, Transcript.Recorder recorder, int readTimeoutMillis)
      throws IOException {
    this(socket, recorder, readTimeoutMillis, new Secrets());
  }

  /**
   * Wraps a connected socket, scrubbing secrets from what the server sends.
   *
   * @param socket the connected socket (plain or already TLS for SMTPS)
   * @param recorder the transcript
   * @param readTimeoutMillis longest single silence
   * @param secrets the secrets to scrub from server lines
   * @throws IOException when the socket's streams cannot be opened
   */
  public SmtpWire(
      Socket socket, Transcript.Recorder recorder, int readTimeoutMillis, Secrets secrets)
      throws IOException {
    this.raw = socket;
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = new GuardedOutput(socket.getOutputStream());
    this.tls = socket instanceof SSLSocket;
    this.recorder = recorder;
    this.reader =
        new ReplyReader(
            source(),
            recorder,
            ReplyReader.DEFAULT_MAX_LINE,
            ReplyReader.DEFAULT_MAX_LINES,
            ReplyReader.DEFAULT_MAX_BYTES,
            readTimeoutMillis,
            secrets);
    reader.switchTo(source(), tls ? Direction.SERVER_TLS : Direction.SERVER);
  }

  private ReplyReader.Source source() {
    Socket s = socket;
    InputStream i = in;
    return new ReplyReader.Source() {
      @Override
      public int read(byte[] b, int off, int len, int timeoutMillis) throws IOException {
        s.setSoTimeout(timeoutMillis);
        return i.read(b, off, len);
      }

      @Override
      public int available() throws IOException {
        return i.available();
      }
    };
  }

  /**
   * Returns the socket in use (the TLS socket after STARTTLS).
   *
   * @return the socket
   */
  public Socket socket() {
    return socket;
  }

  /**
   * Tells whether the connection runs inside TLS.
   *
   * @return {@code true} after STARTTLS or for SMTPS
   */
  public boolean tls() {
    return tls;
  }

  /**
   * Returns the reply reader (for bare line-ending counts and pending input).
   *
   * @return the reader
   */
  public ReplyReader reader() {
    return reader;
  }

  /**
   * Sends one command line followed by CRLF.
   *
   * @param line the line to send; must hold no CR or LF (checked by callers at the API edge)
   * @param recorded what to record instead (secrets redacted)
   * @param deadline when the write must have ended; the connection is closed then
   * @throws IOException when the write fails ({@link WriteTimeoutException} when it timed out)
   */
  public void sendLine(String line, String recorded, Deadline deadline) throws IOException {
    recorder.add(tls ? Direction.CLIENT_TLS : Direction.CLIENT, recorded);
    LOG.trace("{} {}", tls ? " ~>" : " ->", recorded);
    // One write per command: with TCP_NODELAY, two writes are two packets and two system calls.
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    byte[] framed = java.util.Arrays.copyOf(bytes, bytes.length + 2);
    framed[bytes.length] = '\r';
    framed[bytes.length + 1] = '\n';
    guarded(() -> deadline, framed);
  }

  /**
   * Sends several command lines in one write (PIPELINING, RFC 2920).
   *
   * @param lines the lines
   * @param recorded what to record for each
   * @param deadline when the write must have ended; the connection is closed then
   * @throws IOException when the write fails ({@link WriteTimeoutException} when it timed out)
   */
  public void sendLines(
      java.util.List<String> lines, java.util.List<String> recorded, Deadline deadline)
      throws IOException {
    java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < lines.size(); i++) {
      recorder.add(tls ? Direction.CLIENT_TLS : Direction.CLIENT, recorded.get(i));
      bos.write(lines.get(i).getBytes(StandardCharsets.UTF_8));
      bos.write(CRLF);
    }
    guarded(() -> deadline, bos.toByteArray());
  }

  /**
   * Sends message content: each line CRLF-terminated and dot-stuffed, then the final dot.
   *
   * @param message the message, in any line ending convention
   * @param blockDeadline gives, for each block written, when that block must have gone (RFC 5321
   *     §4.5.3.2.5: a timeout per TCP send, not for the whole message)
   * @throws IOException when the write fails ({@link WriteTimeoutException} when a block timed out)
   */
  public void sendData(byte[] message, Supplier<Deadline> blockDeadline) throws IOException {
    writeBound = blockDeadline;
    try {
      writeData(message);
    } finally {
      writeBound = null;
    }
  }

  /**
   * Sends a message framed ahead of time ({@link MessageContent#prepare}): the same bytes and
   * transcript lines as {@link #sendData}, without framing it again. Written in blocks of 16 KiB,
   * each under its own bound, the lines of a block recorded before it goes.
   *
   * @param message the framed message, final dot included
   * @param blockDeadline gives, for each block written, when that block must have gone
   * @throws IOException when the write fails ({@link WriteTimeoutException} when a block timed out)
   */
  public void sendPrepared(MessageContent.Framed message, Supplier<Deadline> blockDeadline)
      throws IOException {
    Direction d = tls ? Direction.CLIENT_TLS : Direction.CLIENT;
    byte[] w = message.wire;
    int line = 0;
    writeBound = blockDeadline;
    try {
      for (int off = 0; off < w.length; off += BLOCK) {
        int end = Math.min(w.length, off + BLOCK);
        while (line < message.starts.length && message.starts[line] < end) {
          recorder.add(d, w, message.starts[line], message.lengths[line]);
          line++;
        }
        if (end == w.length) {
          recorder.add(d, ".");
        }
        out.write(w, off, end - off);
      }
      out.flush();
    } finally {
      writeBound = null;
    }
  }

  private static final int BLOCK = 16 * 1024;

  private void writeData(byte[] message) throws IOException {
    Direction d = tls ? Direction.CLIENT_TLS : Direction.CLIENT;
    // Sized for the whole message when it is small (stuffing and CRLFs add at most one byte per
    // byte, the final dot five), so a short message goes in one write without a 16 KiB buffer.
    int size = (int) Math.min(16 * 1024L, 2L * message.length + 5);
    java.io.BufferedOutputStream bo = new java.io.BufferedOutputStream(out, size);
    for (int[] range : MessageLines.split(message)) {
      int start = range[0];
      int len = range[1];
      // RFC 5321 §4.5.2: a line starting with "." gets one more "." in front. The transcript
      // shows the line as sent, stuffed.
      if (len > 0 && message[start] == '.') {
        byte[] stuffed = new byte[len + 1];
        stuffed[0] = '.';
        System.arraycopy(message, start, stuffed, 1, len);
        recorder.add(d, stuffed, 0, stuffed.length);
        bo.write(stuffed);
      } else {
        recorder.add(d, message, start, len);
        bo.write(message, start, len);
      }
      bo.write(CRLF);
    }
    recorder.add(d, ".");
    bo.write('.');
    bo.write(CRLF);
    bo.flush();
  }

  /**
   * Reads one reply.
   *
   * @param deadline when the phase ends
   * @return the reply or the failure
   */
  public ReplyReader.Result read(Deadline deadline) {
    return reader.read(deadline);
  }

  /**
   * Switches to TLS after a successful handshake.
   *
   * @param tlsSocket the handshaken TLS socket layered over this connection's socket
   * @throws IOException when its streams cannot be opened
   */
  public void upgrade(SSLSocket tlsSocket) throws IOException {
    this.socket = tlsSocket;
    this.in = tlsSocket.getInputStream();
    this.out = new GuardedOutput(tlsSocket.getOutputStream());
    this.tls = true;
    reader.switchTo(source(), Direction.SERVER_TLS);
  }

  private void guarded(Supplier<Deadline> bound, byte[] bytes) throws IOException {
    writeBound = bound;
    try {
      out.write(bytes);
      out.flush();
    } finally {
      writeBound = null;
    }
  }

  /**
   * Cuts the connection at once from any thread: closes the TCP socket under TLS, which ends a
   * blocked read, write or handshake (closing the TLS socket itself would first try to send
   * close_notify, and so could block behind the very write it should end).
   */
  public void abort() {
    try {
      raw.close();
    } catch (IOException e) {
      LOG.debug("close failed", e);
    }
    close();
  }

  /** Closes the connection; safe to call from another thread and more than once. */
  @Override
  public void close() {
    writeGuard.close();
    try {
      socket.close();
    } catch (IOException e) {
      LOG.debug("close failed", e);
    }
  }

  /** Thrown when a write did not end by its deadline; the connection is closed by then. */
  public static final class WriteTimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    WriteTimeoutException(String message) {
      super(message);
    }
  }

  /**
   * Bounds every write to the socket by the deadline in force: a peer that stops reading fills the
   * socket buffers and would block the writer forever. Writes in chunks so that each chunk gets the
   * bound afresh (a slow but reading peer is not cut off in the middle of a long message).
   */
  private final class GuardedOutput extends OutputStream {
    private static final int CHUNK = 64 * 1024;
    private final OutputStream delegate;

    GuardedOutput(OutputStream delegate) {
      this.delegate = delegate;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      int done = 0;
      while (done < len) {
        int n = Math.min(CHUNK, len - done);
        int at = off + done;
        guard(() -> delegate.write(b, at, n));
        done += n;
      }
    }

    @Override
    public void flush() throws IOException {
      guard(delegate::flush);
    }

    private void guard(IoAction action) throws IOException {
      Supplier<Deadline> bound = writeBound;
      Deadline d = bound == null ? null : bound.get();
      if (d == null) {
        action.run();
        return;
      }
      if (d.expired()) {
        abort();
        throw new WriteTimeoutException(d.describe() + " exceeded while sending");
      }
      writeGuard.begin(d.remainingNanos());
      boolean fired;
      try {
        action.run();
      } catch (IOException e) {
        if (writeGuard.end()) {
          throw new WriteTimeoutException(
              d.describe() + " exceeded while sending: the server stopped reading");
        }
        throw e;
      }
      fired = writeGuard.end();
      if (fired) {
        throw new WriteTimeoutException(d.describe() + " exceeded while sending");
      }
    }
  }

  /**
   * The write bound of this connection, on the shared {@link Watchdog} timer: the connection is cut
   * when a write is still under way at its bound. Scheduling and cancelling a timer task for every
   * write (two a command: write and flush) cost more than the writes on loopback, so one task is
   * kept pending per connection and moved only when it is due: when it runs, a write still under
   * way past its bound is cut, a write with a later bound gets the task again, and with no write
   * under way the task lapses until the next write. Times are the system's monotonic clock, as for
   * every watchdog, whatever clock the environment gives. Thread-safe.
   */
  private final class WriteGuard implements Runnable {
    private boolean writing;
    private boolean fired;
    private long dueNanos;
    private ScheduledFuture<?> task;
    private long taskDueNanos;
    private boolean closed;

    /** A write starts that must end within the given time. */
    synchronized void begin(long remainingNanos) {
      long now = System.nanoTime();
      writing = true;
      fired = false;
      dueNanos = now + Math.max(0, remainingNanos);
      if (closed) {
        return;
      }
      if (task == null || taskDueNanos - dueNanos > 0) {
        if (task != null) {
          task.cancel(false);
        }
        taskDueNanos = dueNanos;
        task = Watchdog.schedule(dueNanos - now, this);
      }
    }

    /**
     * The write ended.
     *
     * @return whether the connection was cut for it
     */
    synchronized boolean end() {
      writing = false;
      return fired;
    }

    @Override
    public void run() {
      synchronized (this) {
        task = null;
        if (!writing || closed) {
          return;
        }
        long now = System.nanoTime();
        if (dueNanos - now > 0) {
          taskDueNanos = dueNanos;
          task = Watchdog.schedule(dueNanos - now, this);
          return;
        }
        fired = true;
      }
      abort();
    }

    /** The connection is closed: nothing more to guard. */
    synchronized void close() {
      closed = true;
      if (task != null) {
        task.cancel(false);
        task = null;
      }
    }
  }

  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }
}
