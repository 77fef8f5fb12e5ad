package dev.mailpath.diag.dns.internal;

import dev.mailpath.diag.core.TimeSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;

/**
 * A blocking transport over plain sockets, one UDP socket per query: UDP first, TCP when the answer
 * is truncated (RFC 7766 §5). Simple and dependable for a handful of queries (root probes, one-off
 * lookups); bulk work belongs on {@link NioDnsTransport}.
 *
 * <p>Every reply is judged by {@link ReplyCheck} before use (RFC 5452 §9.1): it must come from the
 * server asked (a connected UDP socket lets only that address through), carry the query's ID, have
 * QR set, and repeat the question. Replies that fail a check are ignored and waiting goes on, so a
 * spoofed or echoed packet cannot end a query early. Thread-safe.
 */
public final class SocketDnsTransport implements DnsTransport {
  private static final Logger log = LoggerFactory.getLogger(SocketDnsTransport.class);
  private static final int MAX_UDP = 65_535;

  private final TimeSource time;

  /**
   * Creates the transport.
   *
   * @param time the clock for deadlines and elapsed times
   */
  public SocketDnsTransport(TimeSource time) {
    this.time = time;
  }

  @Override
  public DnsExchange exchange(
      InetSocketAddress server, Message query, Duration timeout, boolean tcpOnly) {
    State st = new State(server, query, time.nanoTime(), timeout);
    if (tcpOnly) {
      return tcp(st);
    }
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.connect(server);
      socket.send(new DatagramPacket(st.wire, st.wire.length));
      byte[] buf = new byte[MAX_UDP];
      while (true) {
        long remaining = st.deadline - time.nanoTime();
        if (remaining <= 0) {
          return st.garbled != null
              ? st.fail(DnsExchange.Status.MALFORMED, false, st.garbledDetail, st.garbled)
              : st.fail(DnsExchange.Status.TIMEOUT, false, "no valid reply", null);
        }
        socket.setSoTimeout((int) Math.max(1, remaining / 1_000_000));
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        try {
          socket.receive(packet);
        } catch (SocketTimeoutException e) {
          continue;
        }
        byte[] data = Arrays.copyOf(buf, packet.getLength());
        ReplyCheck.Verdict v = ReplyCheck.check(query, data, false);
        switch (v.kind()) {
          case ANSWER:
            return st.answer(v.message(), false, data.length);
          case TRUNCATED:
            st.truncatedRetry = true;
            return tcp(st);
          case MALFORMED:
            return st.fail(DnsExchange.Status.MALFORMED, false, v.detail(), v.problem());
          case GARBLED:
            // A garbled packet could be an attack or a broken server; either way it is not an
            // answer. Keep waiting for a good one until the deadline, and report it if none comes.
            st.ignored++;
            if (st.garbled == null) {
              st.garbled = v.problem();
              st.garbledDetail = v.detail();
            }
            break;
          case IGNORE:
          default:
            log.debug("ignoring reply from {}: {}", server, v.detail());
            st.ignore(v.detail());
            break;
        }
      }
    } catch (PortUnreachableException e) {
      return st.fail(DnsExchange.Status.NETWORK_ERROR, false, "port unreachable", null);
    } catch (IOException e) {
      return st.fail(DnsExchange.Status.NETWORK_ERROR, false, e.toString(), null);
    }
  }

  private DnsExchange tcp(State st) {
    DnsExchange.Problem failed = st.truncatedRetry ? DnsExchange.Problem.TCP_FALLBACK_FAILED : null;
    try (Socket socket = new Socket()) {
      long remaining = st.deadline - time.nanoTime();
      if (remaining <= 0) {
        return st.fail(DnsExchange.Status.TIMEOUT, true, "no time left for TCP", failed);
      }
      socket.connect(st.server, (int) Math.max(1, remaining / 1_000_000));
      OutputStream out = socket.getOutputStream();
      byte[] framed = new byte[st.wire.length + 2];
      framed[0] = (byte) (st.wire.length >>> 8);
      framed[1] = (byte) st.wire.length;
      System.arraycopy(st.wire, 0, framed, 2, st.wire.length);
      out.write(framed);
      out.flush();
      InputStream in = socket.getInputStream();
      while (true) {
        byte[] len = new byte[2];
        int got = readFully(socket, in, len, st.deadline);
        if (got == 0) {
          return st.fail(
              DnsExchange.Status.NETWORK_ERROR,
              true,
              "TCP: the server closed the connection without a reply",
              failed);
        }
        int length = ((len[0] & 0xff) << 8) | (len[1] & 0xff);
        byte[] body = new byte[length];
        int read = got < 2 ? 0 : readFully(socket, in, body, st.deadline);
        if (got < 2 || read < length) {
          return st.fail(
              DnsExchange.Status.MALFORMED,
              true,
              "the TCP length prefix promised "
                  + length
                  + " bytes, but the server closed the"
                  + " connection after "
                  + read,
              DnsExchange.Problem.TCP_LENGTH_MISMATCH);
        }
        ReplyCheck.Verdict v = ReplyCheck.check(st.query, body, true);
        switch (v.kind()) {
          case ANSWER:
          case TRUNCATED:
            return st.answer(v.message(), true, body.length);
          case IGNORE:
            st.ignore(v.detail());
            break;
          default:
            return st.fail(DnsExchange.Status.MALFORMED, true, "TCP: " + v.detail(), v.problem());
        }
      }
    } catch (SocketTimeoutException e) {
      return st.fail(DnsExchange.Status.TIMEOUT, true, "TCP: no reply in time", failed);
    } catch (IOException e) {
      return st.fail(DnsExchange.Status.NETWORK_ERROR, true, "TCP: " + e, failed);
    }
  }

  /** Reads until {@code b} is full or the stream ends; returns the bytes read. */
  private int readFully(Socket socket, InputStream in, byte[] b, long deadline) throws IOException {
    int off = 0;
    while (off < b.length) {
      long remaining = deadline - time.nanoTime();
      if (remaining <= 0) {
        throw new SocketTimeoutException("deadline");
      }
      socket.setSoTimeout((int) Math.max(1, remaining / 1_000_000));
      int r = in.read(b, off, b.length - off);
      if (r < 0) {
        return off;
      }
      off += r;
    }
    return off;
  }

  /**
   * Returns why a response does not answer the query, or {@code null} when it does.
   *
   * @param query the query sent
   * @param response the response received
   * @return a reason, or null
   */
  static String mismatch(Message query, Message response) {
    return ReplyCheck.mismatch(query, response);
  }

  /** One exchange's state. */
  private final class State {
    final InetSocketAddress server;
    final Message query;
    final byte[] wire;
    final long start;
    final long deadline;
    boolean truncatedRetry;
    int ignored;
    String ignoredReason;
    DnsExchange.Problem garbled;
    String garbledDetail;

    State(InetSocketAddress server, Message query, long start, Duration timeout) {
      this.server = server;
      this.query = query;
      this.wire = query.toWire();
      this.start = start;
      this.deadline = start + timeout.toNanos();
    }

    void ignore(String reason) {
      ignored++;
      if (ignoredReason == null) {
        ignoredReason = reason;
      }
    }

    DnsExchange answer(Message response, boolean tcp, int size) {
      boolean oversize = !tcp && size > ReplyCheck.udpLimit(query);
      return new DnsExchange(
          DnsExchange.Status.ANSWER,
          server,
          response,
          tcp,
          truncatedRetry,
          since(start),
          null,
          ignored,
          DnsExchange.Problem.NONE,
          ignoredReason,
          oversize,
          size);
    }

    DnsExchange fail(DnsExchange.Status status, boolean tcp, String error, DnsExchange.Problem p) {
      return new DnsExchange(
          status,
          server,
          null,
          tcp,
          truncatedRetry,
          since(start),
          error,
          ignored,
          p,
          ignoredReason,
          false,
          0);
    }
  }

  private Duration since(long start) {
    return Duration.ofNanos(time.nanoTime() - start);
  }
}
