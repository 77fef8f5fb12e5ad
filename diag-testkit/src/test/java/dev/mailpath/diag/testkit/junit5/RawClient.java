package dev.mailpath.diag.testkit.junit5;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;

/** A telnet-like line client for the lab's SMTP and IMAP ports, and a one-shot DNS query. */
final class RawClient implements AutoCloseable {
  private final Socket socket;
  private final BufferedReader in;
  private final OutputStream out;

  RawClient(String host, int port) throws IOException {
    socket = new Socket(host, port);
    socket.setSoTimeout(2000);
    in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    out = socket.getOutputStream();
  }

  /** Reads one reply; for a multiline SMTP reply, its last line. */
  String read() throws IOException {
    String line;
    do {
      line = in.readLine();
    } while (line != null && line.length() > 3 && line.charAt(3) == '-');
    return line;
  }

  String send(String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    return read();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  static Message query(java.net.InetSocketAddress server, String name, int type)
      throws IOException {
    SimpleResolver r = new SimpleResolver(server);
    r.setTimeout(Duration.ofMillis(1000));
    Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, 1));
    return r.send(q);
  }
}
