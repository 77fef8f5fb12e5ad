package dev.mailpath.diag.trace.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.function.Consumer;
import javax.net.SocketFactory;

/**
 * A plain socket factory that tells its owner of every socket it creates, so that a cancelled
 * search can close the connection Jakarta Mail holds. Connects by address only: host names were
 * resolved through diag-dns before.
 */
public final class CapturingSocketFactory extends SocketFactory {
  private final SocketFactory delegate;
  private final Consumer<Socket> onCreate;

  /**
   * Wraps a factory.
   *
   * @param delegate the environment's socket factory
   * @param onCreate told of every socket created
   */
  public CapturingSocketFactory(SocketFactory delegate, Consumer<Socket> onCreate) {
    this.delegate = delegate;
    this.onCreate = onCreate;
  }

  private Socket told(Socket s) {
    onCreate.accept(s);
    return s;
  }

  @Override
  public Socket createSocket() throws IOException {
    return told(delegate.createSocket());
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    throw new IOException("connect by address only; the host name was resolved through diag-dns");
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    throw new IOException("connect by address only; the host name was resolved through diag-dns");
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return told(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return told(delegate.createSocket(address, port, localAddress, localPort));
  }
}
