package dev.mailpath.diag.trace.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Layers TLS over the connected socket Jakarta Mail opened to an address, presenting the expected
 * server name: SNI carries it and the JDK checks the certificate against it (endpoint
 * identification "HTTPS" rules, RFC 6125). This is how a host name resolved through diag-dns is
 * verified although the connection was made to an address.
 */
public final class TlsNameSocketFactory extends SSLSocketFactory {
  private final SSLSocketFactory delegate;
  private final String tlsName;
  private final Consumer<Socket> onCreate;

  /**
   * Creates the factory.
   *
   * @param delegate the factory of the caller's TLS context
   * @param tlsName the name the certificate must carry (a host name or an address literal)
   * @param onCreate told of every socket created, so that a cancelled call can close it
   */
  public TlsNameSocketFactory(
      SSLSocketFactory delegate, String tlsName, Consumer<Socket> onCreate) {
    this.delegate = delegate;
    this.tlsName = tlsName;
    this.onCreate = onCreate;
  }

  private Socket configure(Socket s) {
    onCreate.accept(s);
    if (s instanceof SSLSocket ssl) {
      SSLParameters p = ssl.getSSLParameters();
      if (ReceivedParser.toAddress(tlsName) == null) {
        p.setServerNames(List.of(new SNIHostName(tlsName)));
      }
      p.setEndpointIdentificationAlgorithm("HTTPS");
      ssl.setSSLParameters(p);
    }
    return s;
  }

  @Override
  public Socket createSocket(Socket s, String host, int port, boolean autoClose)
      throws IOException {
    return configure(delegate.createSocket(s, tlsName, port, autoClose));
  }

  @Override
  public Socket createSocket() throws IOException {
    return configure(delegate.createSocket());
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
    return configure(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return configure(delegate.createSocket(address, port, localAddress, localPort));
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return delegate.getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return delegate.getSupportedCipherSuites();
  }
}
