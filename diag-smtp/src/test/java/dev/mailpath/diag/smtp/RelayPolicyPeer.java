package dev.mailpath.diag.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A policy-driven SMTP peer for relay tests: unlike {@code ScriptedSmtpServer}, which plays the
 * same script on every connection, it answers RCPT by what the address is (a known local user, an
 * unknown local user, anything else is relaying), so a battery spread over several connections gets
 * consistent answers. Postfix-like replies and error limits; binds 127.0.0.1 only.
 */
final class RelayPolicyPeer implements AutoCloseable {

  enum Relay {
    OPEN,
    CLOSED,
    AUTHENTICATED_ONLY
  }

  private final Builder b;
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final List<String> commands = new CopyOnWriteArrayList<>();
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger quits = new AtomicInteger();
  private volatile boolean closed;

  private RelayPolicyPeer(Builder b) throws IOException {
    this.b = b;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 50);
    Thread t = new Thread(this::acceptLoop, "relay-peer-" + server.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  static Builder builder() {
    return new Builder();
  }

  String host() {
    return "127.0.0.1";
  }

  int port() {
    return server.getLocalPort();
  }

  int connectionCount() {
    return connections.get();
  }

  int quitCount() {
    return quits.get();
  }

  List<String> commands() {
    return List.copyOf(commands);
  }

  List<String> messages() {
    return List.copyOf(messages);
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = server.accept();
        connections.incrementAndGet();
        open.add(s);
        Thread t = new Thread(() -> serve(s), "relay-peer-conn-" + s.getPort());
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    Conn c = new Conn(socket);
    try {
      c.send(b.banner);
      while (true) {
        String line = c.readLine();
        if (line == null) {
          return;
        }
        commands.add(line);
        if (b.hardErrorLimit > 0 && c.errors >= b.hardErrorLimit) {
          // Postfix smtpd: past smtpd_hard_error_limit the next command gets 421 and a hang-up.
          c.send("421 4.7.0 mx.relay.test Error: too many errors");
          return;
        }
        if (!handle(c, line)) {
          return;
        }
      }
    } catch (IOException e) {
      // client went away
    } finally {
      try {
        c.socket.close();
      } catch (IOException ignored) {
        // closing
      }
      open.remove(socket);
    }
  }

  private boolean handle(Conn c, String line) throws IOException {
    String upper = line.toUpperCase(Locale.ROOT);
    if (upper.startsWith("EHLO") || upper.startsWith("HELO")) {
      List<String> ext = new ArrayList<>();
      ext.add("mx.relay.test");
      ext.add("PIPELINING");
      if (b.tls != null && !c.tls) {
        ext.add("STARTTLS");
      }
      if (b.user != null && (c.tls || !b.tlsAuthOnly)) {
        ext.add("AUTH PLAIN LOGIN");
      }
      ext.add("ENHANCEDSTATUSCODES");
      c.reply(250, ext.toArray(String[]::new));
      c.inMail = false;
      return true;
    }
    if (upper.startsWith("STARTTLS") && b.tls != null && !c.tls) {
      c.send("220 2.0.0 Ready to start TLS");
      SSLSocket s =
          (SSLSocket)
              b.tls
                  .getSocketFactory()
                  .createSocket(
                      c.socket,
                      c.socket.getInetAddress().getHostAddress(),
                      c.socket.getPort(),
                      true);
      s.setUseClientMode(false);
      s.startHandshake();
      c.socket = s;
      c.in = s.getInputStream();
      c.out = s.getOutputStream();
      c.tls = true;
      c.authenticated = false;
      return true;
    }
    if (upper.startsWith("AUTH PLAIN") && b.user != null) {
      String ir = line.length() > 11 ? line.substring(11).strip() : "";
      if (ir.isEmpty()) {
        c.send("334 ");
        ir = c.readLine();
      }
      String decoded = new String(Base64.getDecoder().decode(ir), StandardCharsets.UTF_8);
      if (decoded.equals("\0" + b.user + "\0" + b.password)) {
        c.authenticated = true;
        c.send("235 2.7.0 Authentication successful");
      } else {
        c.error("535 5.7.8 Error: authentication failed: authentication failure");
      }
      return true;
    }
    if (upper.startsWith("MAIL FROM:")) {
      if (b.tlsRequired && !c.tls) {
        c.error("530 5.7.0 Must issue a STARTTLS command first");
        return true;
      }
      c.inMail = true;
      c.send("250 2.1.0 Ok");
      return true;
    }
    if (upper.startsWith("RCPT TO:")) {
      if (!c.inMail) {
        c.error("503 5.5.1 Error: need MAIL command");
        return true;
      }
      String path = line.substring(8).strip();
      String addr =
          path.startsWith("<") && path.endsWith(">") ? path.substring(1, path.length() - 1) : path;
      if (b.greylist) {
        c.error(
            "450 4.2.0 <"
                + addr
                + ">: Recipient address rejected: Greylisted, see https://greylisting.test/");
        return true;
      }
      if (isLocal(addr)) {
        if (b.users.contains(addr.substring(0, addr.lastIndexOf('@')).toLowerCase(Locale.ROOT))
            || b.acceptEveryLocal) {
          c.send("250 2.1.5 Ok");
        } else {
          c.error(
              "550 5.1.1 <"
                  + addr
                  + ">: Recipient address rejected: User unknown in local recipient table");
        }
        return true;
      }
      boolean allowed =
          b.relay == Relay.OPEN || b.relay == Relay.AUTHENTICATED_ONLY && c.authenticated;
      if (allowed) {
        c.send("250 2.1.5 Ok");
      } else {
        c.error(b.relayRefusal.replace("%s", addr));
      }
      return true;
    }
    if (upper.equals("RSET")) {
      c.inMail = false;
      c.send("250 2.0.0 Ok");
      return true;
    }
    if (upper.equals("DATA")) {
      c.send("354 End data with <CR><LF>.<CR><LF>");
      StringBuilder sb = new StringBuilder();
      for (String l; (l = c.readLine()) != null && !l.equals("."); ) {
        sb.append(l).append("\r\n");
      }
      messages.add(sb.toString());
      c.send("250 2.0.0 Ok: queued as RELAYTEST");
      return true;
    }
    if (upper.equals("QUIT")) {
      quits.incrementAndGet();
      c.send("221 2.0.0 Bye");
      return false;
    }
    c.error("502 5.5.2 Error: command not recognized");
    return true;
  }

  private boolean isLocal(String addr) {
    return Pattern.compile(
            "[A-Za-z0-9._+-]+@" + Pattern.quote(b.localDomain), Pattern.CASE_INSENSITIVE)
        .matcher(addr)
        .matches();
  }

  private static final class Conn {
    Socket socket;
    InputStream in;
    OutputStream out;
    boolean tls;
    boolean authenticated;
    boolean inMail;
    int errors;

    Conn(Socket socket) {
      this.socket = socket;
      try {
        in = socket.getInputStream();
        out = socket.getOutputStream();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    String readLine() throws IOException {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      for (int ch; (ch = in.read()) >= 0; ) {
        if (ch == '\n') {
          String s = buf.toString(StandardCharsets.UTF_8);
          return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }
        buf.write(ch);
      }
      return null;
    }

    void send(String line) throws IOException {
      out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    void reply(int code, String... lines) throws IOException {
      for (int i = 0; i < lines.length; i++) {
        send(code + (i < lines.length - 1 ? "-" : " ") + lines[i]);
      }
    }

    void error(String line) throws IOException {
      errors++;
      send(line);
    }
  }

  static final class Builder {
    private String banner = "220 mx.relay.test ESMTP policy peer";
    private String localDomain = "relay.test";
    private final List<String> users =
        Collections.synchronizedList(new ArrayList<>(List.of("postmaster")));
    private Relay relay = Relay.CLOSED;
    private String relayRefusal = "554 5.7.1 <%s>: Relay access denied";
    private int hardErrorLimit;
    private SSLContext tls;
    private boolean tlsRequired;
    private boolean tlsAuthOnly;
    private String user;
    private String password;
    private boolean greylist;
    private boolean acceptEveryLocal;

    Builder localDomain(String d) {
      localDomain = d;
      return this;
    }

    Builder user(String name) {
      users.add(name);
      return this;
    }

    Builder relay(Relay r) {
      relay = r;
      return this;
    }

    Builder relayRefusal(String reply) {
      relayRefusal = reply;
      return this;
    }

    Builder hardErrorLimit(int n) {
      hardErrorLimit = n;
      return this;
    }

    Builder tls(SSLContext serverContext, boolean required) {
      tls = serverContext;
      tlsRequired = required;
      return this;
    }

    Builder auth(String name, String pw, boolean onlyInsideTls) {
      user = name;
      password = pw;
      tlsAuthOnly = onlyInsideTls;
      return this;
    }

    Builder greylist() {
      greylist = true;
      return this;
    }

    Builder acceptEveryLocal() {
      acceptEveryLocal = true;
      return this;
    }

    Builder banner(String line) {
      banner = line;
      return this;
    }

    RelayPolicyPeer start() {
      try {
        return new RelayPolicyPeer(this);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
