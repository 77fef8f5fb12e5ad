package dev.mailpath.diag.dns.internal;

import dev.mailpath.diag.core.TimeSource;
import java.io.EOFException;
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
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

/**
 * A blocking transport over plain sockets: UDP first, TCP when the answer is truncated (RFC 7766
 * §5). Every reply is checked before use (RFC 5452 §9.1): it must come from the server asked (a
 * connected UDP socket lets only that address through), carry the query's ID, have QR set, and
 * repeat the question. Replies that fail a check are ignored and waiting goes on, so a spoofed or
 * echoed packet cannot end a query early.
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
    long start = time.nanoTime();
    long deadline = start + timeout.toNanos();
    byte[] wire = query.toWire();
    if (tcpOnly) {
      return tcp(server, query, wire, start, deadline, false, 0);
    }
    DatagramSocket socket = null;
    int ignored = 0;
    String malformed = null;
    try {
      socket = new DatagramSocket();
      socket.connect(server);
      socket.send(new DatagramPacket(wire, wire.length));
      byte[] buf = new byte[MAX_UDP];
      while (true) {
        long remaining = deadline - time.nanoTime();
        if (remaining <= 0) {
          return malformed != null
              ? fail(DnsExchange.Status.MALFORMED, server, false, start, malformed, ignored)
              : fail(DnsExchange.Status.TIMEOUT, server, false, start, "no valid reply", ignored);
        }
        socket.setSoTimeout((int) Math.max(1, remaining / 1_000_000));
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        try {
          socket.receive(packet);
        } catch (SocketTimeoutException e) {
          continue;
        }
        Message response;
        try {
          response = new Message(java.util.Arrays.copyOf(buf, packet.getLength()));
        } catch (IOException e) {
          // A garbled packet could be an attack or a broken server; either way it is not an
          // answer. Keep waiting for a good one until the deadline, and report it if none comes.
          log.debug("unparseable reply from {}: {}", server, e.getMessage());
          if (packet.getLength() >= 2 && idOf(buf) == query.getHeader().getID()) {
            malformed = e.getMessage();
          }
          ignored++;
          continue;
        }
        String mismatch = mismatch(query, response);
        if (mismatch != null) {
          log.debug("ignoring reply from {}: {}", server, mismatch);
          ignored++;
          continue;
        }
        if (response.getHeader().getFlag(Flags.TC)) {
          return tcp(server, query, wire, start, deadline, true, ignored);
        }
        return new DnsExchange(
            DnsExchange.Status.ANSWER, server, response, false, false, since(start), null, ignored);
      }
    } catch (PortUnreachableException e) {
      return fail(DnsExchange.Status.NETWORK_ERROR, server, false, start, "port unreachable", ignored);
    } catch (IOException e) {
      return fail(DnsExchange.Status.NETWORK_ERROR, server, false, start, e.toString(), ignored);
    } finally {
      if (socket != null) {
        socket.close();
      }
    }
  }

  private DnsExchange tcp(
      InetSocketAddress server,
      Message query,
      byte[] wire,
      long start,
      long deadline,
      boolean truncatedRetry,
      int ignored) {
    try (Socket socket = new Socket()) {
      long remaining = deadline - time.nanoTime();
      if (remaining <= 0) {
        return fail(DnsExchange.Status.TIMEOUT, server, true, start, "no time left for TCP", ignored);
      }
      socket.connect(server, (int) Math.max(1, remaining / 1_000_000));
      OutputStream out = socket.getOutputStream();
      byte[] framed = new byte[wire.length + 2];
      framed[0] = (byte) (wire.length >>> 8);
      framed[1] = (byte) wire.length;
      System.arraycopy(wire, 0, framed, 2, wire.length);
      out.write(framed);
      out.flush();
      InputStream in = socket.getInputStream();
      while (true) {
        byte[] len = readFully(socket, in, 2, deadline);
        int length = ((len[0] & 0xff) << 8) | (len[1] & 0xff);
        byte[] body = readFully(socket, in, length, deadline);
        Message response;
        try {
          response = new Message(body);
        } catch (IOException e) {
          return fail(DnsExchange.Status.MALFORMED, server, true, start, e.getMessage(), ignored);
        }
        String mismatch = mismatch(query, response);
        if (mismatch != null) {
          ignored++;
          continue;
        }
        return new DnsExchange(
            DnsExchange.Status.ANSWER, server, response, true, truncatedRetry, since(start), null, ignored);
      }
    } catch (SocketTimeoutException e) {
      return fail(DnsExchange.Status.TIMEOUT, server, true, start, "TCP: no reply in time", ignored);
    } catch (EOFException e) {
      return fail(DnsExchange.Status.NETWORK_ERROR, server, true, start, "TCP: closed mid-reply", ignored);
    } catch (IOException e) {
      return fail(DnsExchange.Status.NETWORK_ERROR, server, true, start, "TCP: " + e, ignored);
    }
  }

  private byte[] readFully(Socket socket, InputStream in, int n, long deadline) throws IOException {
    byte[] b = new byte[n];
    int off = 0;
    while (off < n) {
      long remaining = deadline - time.nanoTime();
      if (remaining <= 0) {
        throw new SocketTimeoutException("deadline");
      }
      socket.setSoTimeout((int) Math.max(1, remaining / 1_000_000));
      int r = in.read(b, off, n - off);
      if (r < 0) {
        throw new EOFException();
      }
      off += r;
    }
    return b;
  }

  /**
   * Returns why a response does not answer the query, or {@code null} when it does.
   *
   * @param query the query sent
   * @param response the response received
   * @return a reason, or null
   */
  static String mismatch(Message query, Message response) {
    Header h = response.getHeader();
    if (h.getID() != query.getHeader().getID()) {
      return "wrong ID " + h.getID();
    }
    if (!h.getFlag(Flags.QR)) {
      return "QR clear (an echoed query, not a response)";
    }
    List<org.xbill.DNS.Record> q = query.getSection(Section.QUESTION);
    List<org.xbill.DNS.Record> r = response.getSection(Section.QUESTION);
    // A response to a FORMERR-worthy query may omit the question (RFC 1035 leaves it open), but
    // a different question is never an answer to ours.
    if (r.isEmpty()) {
      return h.getRcode() == 0 ? "no question section" : null;
    }
    org.xbill.DNS.Record a = q.get(0);
    org.xbill.DNS.Record b = r.get(0);
    if (!a.getName().equals(b.getName()) || a.getType() != b.getType() || a.getDClass() != b.getDClass()) {
      return "question differs: " + b.getName() + " " + org.xbill.DNS.Type.string(b.getType());
    }
    return null;
  }

  private static int idOf(byte[] buf) {
    return ((buf[0] & 0xff) << 8) | (buf[1] & 0xff);
  }

  private DnsExchange fail(
      DnsExchange.Status status, InetSocketAddress server, boolean tcp, long start, String error, int ignored) {
    return new DnsExchange(status, server, null, tcp, false, since(start), error, ignored);
  }

  private Duration since(long start) {
    return Duration.ofNanos(time.nanoTime() - start);
  }
}
