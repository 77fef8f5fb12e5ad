package dev.mailpath.diag.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A server that sets TC over UDP and then streams endless TCP frames with a wrong ID must not hold
 * the I/O thread: the query ends at its deadline, and other queries on the same resolver go on.
 */
class TcpFloodTest {

  /** Plays the hostile server on one loopback port, UDP and TCP, until closed. */
  static final class FloodServer implements AutoCloseable {
    final ServerSocket tcp;
    final DatagramSocket udp;
    final Thread udpThread;
    final Thread tcpThread;
    volatile boolean closed;

    FloodServer() throws IOException {
      InetAddress lo = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
      ServerSocket t = null;
      DatagramSocket u = null;
      for (int attempt = 0; u == null; attempt++) {
        t = new ServerSocket(0, 50, lo);
        try {
          u = new DatagramSocket(new InetSocketAddress(lo, t.getLocalPort()));
        } catch (SocketException e) {
          t.close();
          if (attempt == 5) {
            throw e;
          }
        }
      }
      this.tcp = t;
      this.udp = u;
      this.udpThread = new Thread(this::serveUdp, "flood-udp");
      this.tcpThread = new Thread(this::serveTcp, "flood-tcp");
      udpThread.setDaemon(true);
      tcpThread.setDaemon(true);
      udpThread.start();
      tcpThread.start();
    }

    InetSocketAddress address() {
      return new InetSocketAddress(tcp.getInetAddress(), tcp.getLocalPort());
    }

    /** Answers every UDP query with its own bytes, QR and TC set: "ask again over TCP". */
    void serveUdp() {
      byte[] buf = new byte[4096];
      while (!closed) {
        try {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          udp.receive(p);
          byte[] reply = Arrays.copyOf(p.getData(), p.getLength());
          reply[2] |= (byte) 0x82; // QR and TC
          udp.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
        } catch (IOException e) {
          return;
        }
      }
    }

    /**
     * A reply with the query's ID to another question, carrying 2,000 A records: it must be read
     * whole and parsed before it can be ignored, so the client reads it far slower than the server
     * writes it.
     */
    static byte[] floodFrame(byte[] query) throws IOException {
      org.xbill.DNS.Message q = new org.xbill.DNS.Message(query);
      org.xbill.DNS.Message m = new org.xbill.DNS.Message(q.getHeader().getID());
      m.getHeader().setFlag(org.xbill.DNS.Flags.QR);
      org.xbill.DNS.Name other = org.xbill.DNS.Name.fromConstantString("other.example.org.");
      m.addRecord(
          org.xbill.DNS.Record.newRecord(other, org.xbill.DNS.Type.A, org.xbill.DNS.DClass.IN),
          org.xbill.DNS.Section.QUESTION);
      for (int i = 0; i < 2000; i++) {
        m.addRecord(
            new org.xbill.DNS.ARecord(
                other,
                org.xbill.DNS.DClass.IN,
                60,
                InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i})),
            org.xbill.DNS.Section.ANSWER);
      }
      byte[] body = m.toWire();
      byte[] frame = new byte[body.length + 2];
      frame[0] = (byte) (body.length >>> 8);
      frame[1] = (byte) body.length;
      System.arraycopy(body, 0, frame, 2, body.length);
      return frame;
    }

    /** Reads the query, then writes such frames as fast as the socket takes them. */
    void serveTcp() {
      while (!closed) {
        try (Socket s = tcp.accept()) {
          // A deep send buffer keeps the client's socket readable without a pause, however fast
          // it reads: the flood never gives the reader a natural break.
          s.setSendBufferSize(8 << 20);
          DataInputStream in = new DataInputStream(s.getInputStream());
          byte[] query = new byte[in.readUnsignedShort()];
          in.readFully(query);
          byte[] frame = floodFrame(query);
          byte[] burst = new byte[frame.length * 16];
          for (int i = 0; i < 16; i++) {
            System.arraycopy(frame, 0, burst, i * frame.length, frame.length);
          }
          OutputStream out = s.getOutputStream();
          long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
          while (!closed && System.nanoTime() - end < 0) {
            out.write(burst);
          }
        } catch (IOException e) {
          // the client went away: wait for the next one
        }
      }
    }

    @Override
    public void close() throws IOException {
      closed = true;
      tcp.close();
      udp.close();
    }
  }

  @Test
  void addresses_tcpFrameFlood_endsAtTheDeadline() throws Exception {
    try (FloodServer evil = new FloodServer()) {
      MxResolver r =
          MxResolver.builder()
              .dns(d -> d.server(evil.address()).timeout(Duration.ofMillis(300)).retries(0))
              .addressFamily(AddressFamily.IPV4)
              .build();
      long start = System.nanoTime();

      AddressReport report = r.addresses("mail.example.org");

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      assertThat(report.addresses()).isEmpty();
      assertThat(report.findings()).isNotEmpty();
    }
  }

  @Test
  void ask_duringATcpFrameFlood_otherQueriesOnTheSameTransportAreAnswered() throws Exception {
    try (FloodServer evil = new FloodServer();
        dev.mailpath.diag.testkit.LocalDnsZoneServer healthy =
            dev.mailpath.diag.testkit.LocalDnsZoneServer.builder()
                .zone(TestZones.example())
                .start()) {
      DnsQuery q = DnsQuery.builder().dns(d -> d.timeout(Duration.ofSeconds(5)).retries(0)).build();
      java.util.concurrent.CompletableFuture<DnsQueryReport> flooded =
          q.askAsync(evil.address(), "mail.example.org", RecordType.A);
      AsyncCancelTest.await("the flooded query on the wire", () -> q.transport().inFlight() == 1);
      long start = System.nanoTime();

      DnsQueryReport answered = q.ask(healthy.address(), "example.org", RecordType.MX);

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      assertThat(answered.answer()).isNotEmpty();
      flooded.cancel(true);
    }
  }
}
