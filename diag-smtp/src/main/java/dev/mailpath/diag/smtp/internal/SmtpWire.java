package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.Direction;
import dev.mailpath.diag.core.Transcript;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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

  private volatile Socket socket;
  private InputStream in;
  private OutputStream out;
  private boolean tls;
  private final Transcript.Recorder recorder;
  private final ReplyReader reader;

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
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.tls = socket instanceof SSLSocket;
    this.recorder = recorder;
    this.reader =
        new ReplyReader(
            source(),
            recorder,
            ReplyReader.DEFAULT_MAX_LINE,
            ReplyReader.DEFAULT_MAX_LINES,
            ReplyReader.DEFAULT_MAX_BYTES,
            readTimeoutMillis);
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
   * @throws IOException when the write fails
   */
  public void sendLine(String line, String recorded) throws IOException {
    recorder.add(tls ? Direction.CLIENT_TLS : Direction.CLIENT, recorded);
    LOG.trace("{} {}", tls ? " ~>" : " ->", recorded);
    // One write per command: with TCP_NODELAY, two writes are two packets and two system calls.
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    byte[] framed = java.util.Arrays.copyOf(bytes, bytes.length + 2);
    framed[bytes.length] = '\r';
    framed[bytes.length + 1] = '\n';
    out.write(framed);
    out.flush();
  }

  /**
   * Sends several command lines in one write (PIPELINING, RFC 2920).
   *
   * @param lines the lines
   * @param recorded what to record for each
   * @throws IOException when the write fails
   */
  public void sendLines(java.util.List<String> lines, java.util.List<String> recorded)
      throws IOException {
    java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < lines.size(); i++) {
      recorder.add(tls ? Direction.CLIENT_TLS : Direction.CLIENT, recorded.get(i));
      bos.write(lines.get(i).getBytes(StandardCharsets.UTF_8));
      bos.write(CRLF);
    }
    out.write(bos.toByteArray());
    out.flush();
  }

  /**
   * Sends message content: each line CRLF-terminated and dot-stuffed, then the final dot.
   *
   * @param message the message, in any line ending convention
   * @throws IOException when the write fails
   */
  public void sendData(byte[] message) throws IOException {
    Direction d = tls ? Direction.CLIENT_TLS : Direction.CLIENT;
    java.io.BufferedOutputStream bo = new java.io.BufferedOutputStream(out, 16 * 1024);
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
    this.out = tlsSocket.getOutputStream();
    this.tls = true;
    reader.switchTo(source(), Direction.SERVER_TLS);
  }

  /** Closes the connection; safe to call from another thread and more than once. */
  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      LOG.debug("close failed", e);
    }
  }
}
