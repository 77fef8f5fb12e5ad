package dev.mailpath.diag.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A peer that greets, then never answers again, and tells when the client's end of the connection
 * went away: what a cancelled call must cause at once.
 */
final class StallingPeer implements AutoCloseable {
  private final ServerSocket server;
  private final CountDownLatch connected = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Thread thread;

  StallingPeer() throws IOException {
    server = new ServerSocket(0, 5, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
    thread = new Thread(this::serve, "stalling-peer");
    thread.setDaemon(true);
    thread.start();
  }

  private void serve() {
    try (Socket s = server.accept()) {
      s.getOutputStream().write("220 stall.test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      connected.countDown();
      InputStream in = s.getInputStream();
      byte[] b = new byte[4096];
      try {
        while (in.read(b) >= 0) {
          // read and never answer
        }
      } catch (IOException reset) {
        // a reset is the client going away too
      }
      closed.countDown();
    } catch (IOException e) {
      // server closed by the test
    }
  }

  String host() {
    return "127.0.0.1";
  }

  int port() {
    return server.getLocalPort();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  boolean awaitConnected(Duration d) throws InterruptedException {
    return connected.await(d.toMillis(), TimeUnit.MILLISECONDS);
  }

  boolean awaitClientGone(Duration d) throws InterruptedException {
    return closed.await(d.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
