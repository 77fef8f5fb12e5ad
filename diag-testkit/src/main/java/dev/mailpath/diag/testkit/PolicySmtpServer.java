package dev.mailpath.diag.testkit;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A small loopback SMTP server that decides like a real one: it receives mail for its local domains
 * and users, relays for nobody, for everybody, or only after AUTH, and answers the way Postfix does
 * (550 for unknown users, 554 "Relay access denied"). Unlike {@link ScriptedSmtpServer}, nothing is
 * canned: relay tests against it earn their verdicts.
 *
 * <pre>{@code
 * try (PolicySmtpServer closed = PolicySmtpServer.builder()
 *         .hostname("mx.example.com")
 *         .localDomain("example.com")
 *         .localUser("postmaster@example.com")
 *         .relay(PolicySmtpServer.Relay.AUTHENTICATED)
 *         .user("alice", "secret")
 *         .start()) {
 *   // RCPT TO:<someone@external.test> -> 554 5.7.1 Relay access denied, unless AUTH succeeded
 * }
 * }</pre>
 *
 * <p>Speaks EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, VRFY (252), QUIT, AUTH PLAIN and LOGIN, and
 * STARTTLS when given a TLS context; accepted messages are kept in memory ({@link #messages()}).
 * Lines are bounded (1,000 octets, RFC 5321 §4.5.3.1.6) and a connection gets at most 100 commands.
 * Binds loopback only. Thread-safe.
 */
public final class PolicySmtpServer implements AutoCloseable {

  /** Whom the server relays for. */
  public enum Relay {
    /** Nobody: only local recipients are accepted (a closed, well-configured server). */
    NONE,
    /** Everybody: any recipient is accepted (an open relay). */
    ANYONE,
    /** Clients that authenticated with AUTH (relay for authenticated users only). */
    AUTHENTICATED
  }

  private static final int MAX_LINE = 1000;
  private static final int MAX_COMMANDS = 100;
  private static final int MAX_MESSAGE = 1 << 20;

  private final String hostname;
  private final Set<String> localDomains;
  private final Set<String> localUsers;
  private final Relay relay;
  private final Map<String, String> users;
  private final SSLContext tls;
  private final ServerSocket serverSocket;
  private final Thread acceptor;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final List<String> messages = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger connections = new AtomicInteger();
  private volatile boolean closed;

  private PolicySmtpServer(Builder b) throws IOException {
    this.hostname = b.hostname;
    this.localDomains = Set.copyOf(b.localDomains);
    this.localUsers = Set.copyOf(b.localUsers);
    this.relay = b.relay;
    this.users = Map.copyOf(b.users);
    this.tls = b.tls;
    this.serverSocket = new ServerSocket();
    serverSocket.setReuseAddress(true);
    serverSocket.bind(new InetSocketAddress(b.bindAddress, b.port), 50);
    this.acceptor =
        new Thread(this::acceptLoop, "policy-smtp-accept-" + serverSocket.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Starts describing a server.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the address the server listens on, as text.
   *
   * @return for example {@code 127.0.0.1}
   */
  public String host() {
    return serverSocket.getInetAddress().getHostAddress();
  }

  /**
   * Returns the port the server listens on.
   *
   * @return the port
   */
  public int port() {
    return serverSocket.getLocalPort();
  }

  /**
   * Returns the address and port the server listens on.
   *
   * @return the socket address
   */
  public InetSocketAddress address() {
    return new InetSocketAddress(serverSocket.getInetAddress(), serverSocket.getLocalPort());
  }

  /**
   * Returns the relay policy.
   *
   * @return the policy
   */
  public Relay relay() {
    return relay;
  }

  /**
   * Returns how many connections were accepted.
   *
   * @return the count
   */
  public int connectionCount() {
    return connections.get();
  }

  /**
   * Returns the messages accepted so far, each as its envelope line followed by the message text,
   * in arrival order.
   *
   * @return a snapshot
   */
  public List<String> messages() {
    synchronized (messages) {
      return List.copyOf(messages);
    }
  }

  /** Stops accepting, closes every connection; idempotent. */
  @Override
  public void close() {
    closed = true;
    try {
      serverSocket.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  @Override
  public String toString() {
    return "PolicySmtpServer["
        + host()
        + ":"
        + port()
        + " relay="
        + relay
        + " domains="
        + localDomains
        + "]";
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = serverSocket.accept();
        connections.incrementAndGet();
        open.add(s);
        Thread t = new Thread(() -> serve(s), "policy-smtp-" + s.getPort());
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        if (!closed) {
          continue;
        }
        return;
      }
    }
  }

  /** One SMTP session's state (RFC 5321 §4.1.4: RSET and a new EHLO clear the transaction). */
  private final class Session {
    Socket socket;
    InputStream in;
    OutputStream out;
    boolean greeted;
    boolean authenticated;
    boolean inTls;
    String from;
    final List<String> rcpts = new ArrayList<>();

    void reply(String text) throws IOException {
      out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    String readLine() throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int prev = -1;
      while (true) {
        int c = in.read();
        if (c < 0) {
          return null;
        }
        if (c == '\n') {
          byte[] b = line.toByteArray();
          int len = prev == '\r' ? b.length - 1 : b.length;
          return new String(b, 0, Math.max(0, len), StandardCharsets.UTF_8);
        }
        if (line.size() > MAX_LINE + 2) {
          // Swallow the rest of an over-long line; the command is answered as too long.
          continue;
        }
        line.write(c);
        prev = c;
      }
    }

    void resetTransaction() {
      from = null;
      rcpts.clear();
    }
  }

  private void serve(Socket socket) {
    Session s = new Session();
    try (socket) {
      socket.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
      s.socket = socket;
      s.in = new BufferedInputStream(socket.getInputStream());
      s.out = socket.getOutputStream();
      s.reply("220 " + hostname + " ESMTP mailpath-policy");
      for (int n = 0; n < MAX_COMMANDS; n++) {
        String line = s.readLine();
        if (line == null) {
          return;
        }
        if (line.length() > MAX_LINE) {
          s.reply("500 5.5.2 Line too long");
          continue;
        }
        if (!handle(s, line)) {
          return;
        }
      }
      s.reply("421 4.7.0 " + hostname + " Too many commands, closing connection");
    } catch (IOException e) {
      // the client went away
    } finally {
      open.remove(socket);
      if (s.socket != null && s.socket != socket) {
        try {
          s.socket.close();
        } catch (IOException e) {
          // closing anyway
        }
      }
    }
  }

  private boolean handle(Session s, String line) throws IOException {
    String upper = line.toUpperCase(Locale.ROOT);
    String verb = upper.split(" ", 2)[0];
    switch (verb) {
      case "EHLO":
        s.greeted = true;
        s.resetTransaction();
        List<String> caps =
            new ArrayList<>(
                List.of(
                    hostname, "PIPELINING", "SIZE 10240000", "8BITMIME", "ENHANCEDSTATUSCODES"));
        if (tls != null && !s.inTls) {
          caps.add("STARTTLS");
        }
        if (!users.isEmpty()) {
          caps.add("AUTH PLAIN LOGIN");
        }
        for (int i = 0; i < caps.size(); i++) {
          s.reply("250" + (i == caps.size() - 1 ? " " : "-") + caps.get(i));
        }
        return true;
      case "HELO":
        s.greeted = true;
        s.resetTransaction();
        s.reply("250 " + hostname);
        return true;
      case "STARTTLS":
        if (tls == null || s.inTls) {
          s.reply("502 5.5.1 STARTTLS not available");
          return true;
        }
        s.reply("220 2.0.0 Ready to start TLS");
        SSLSocket ssl =
            (SSLSocket)
                tls.getSocketFactory()
                    .createSocket(
                        s.socket,
                        s.socket.getInetAddress().getHostAddress(),
                        s.socket.getPort(),
                        true);
        ssl.setUseClientMode(false);
        ssl.startHandshake();
        s.socket = ssl;
        s.in = new BufferedInputStream(ssl.getInputStream());
        s.out = ssl.getOutputStream();
        s.inTls = true;
        s.greeted = false;
        s.authenticated = false;
        s.resetTransaction();
        return true;
      case "AUTH":
        auth(s, line);
        return true;
      case "MAIL":
        if (!s.greeted) {
          s.reply("503 5.5.1 Error: send HELO/EHLO first");
        } else if (s.from != null) {
          s.reply("503 5.5.1 Error: nested MAIL command");
        } else {
          String path = path(line, "MAIL FROM:");
          if (path == null) {
            s.reply("501 5.5.4 Syntax: MAIL FROM:<address>");
          } else {
            s.from = path;
            s.reply("250 2.1.0 Ok");
          }
        }
        return true;
      case "RCPT":
        rcpt(s, line);
        return true;
      case "DATA":
        data(s);
        return true;
      case "RSET":
        s.resetTransaction();
        s.reply("250 2.0.0 Ok");
        return true;
      case "NOOP":
        s.reply("250 2.0.0 Ok");
        return true;
      case "VRFY":
        s.reply("252 2.0.0 Cannot VRFY user, but will accept message and attempt delivery");
        return true;
      case "QUIT":
        s.reply("221 2.0.0 Bye");
        return false;
      default:
        s.reply("502 5.5.2 Error: command not recognized");
        return true;
    }
  }

  private void rcpt(Session s, String line) throws IOException {
    if (s.from == null) {
      s.reply("503 5.5.1 Error: need MAIL command");
      return;
    }
    String path = path(line, "RCPT TO:");
    if (path == null || path.isEmpty()) {
      s.reply("501 5.5.4 Syntax: RCPT TO:<address>");
      return;
    }
    String mailbox = finalMailbox(path);
    int at = lastAtOutsideQuotes(mailbox);
    if (at < 0) {
      // An unqualified recipient ("postmaster" is the only one RFC 5321 §4.5.1 requires).
      if (mailbox.equalsIgnoreCase("postmaster")) {
        s.rcpts.add(mailbox);
        s.reply("250 2.1.5 Ok");
      } else {
        s.reply(
            "550 5.1.1 <"
                + mailbox
                + ">: Recipient address rejected: need fully-qualified address");
      }
      return;
    }
    String domain = mailbox.substring(at + 1).toLowerCase(Locale.ROOT);
    boolean sourceRouted = path.startsWith("@");
    if (!sourceRouted && localDomains.contains(domain)) {
      if (localUsers.isEmpty() || localUsers.contains(mailbox.toLowerCase(Locale.ROOT))) {
        s.rcpts.add(mailbox);
        s.reply("250 2.1.5 Ok");
      } else {
        s.reply(
            "550 5.1.1 <"
                + mailbox
                + ">: Recipient address rejected: User unknown in local recipient table");
      }
      return;
    }
    boolean mayRelay = relay == Relay.ANYONE || (relay == Relay.AUTHENTICATED && s.authenticated);
    if (mayRelay) {
      s.rcpts.add(mailbox);
      s.reply("250 2.1.5 Ok");
    } else {
      s.reply("554 5.7.1 <" + mailbox + ">: Relay access denied");
    }
  }

  private void data(Session s) throws IOException {
    if (s.rcpts.isEmpty()) {
      s.reply("503 5.5.1 Error: need RCPT command");
      return;
    }
    s.reply("354 End data with <CR><LF>.<CR><LF>");
    StringBuilder msg = new StringBuilder();
    while (true) {
      String l = s.readLine();
      if (l == null) {
        return;
      }
      if (l.equals(".")) {
        break;
      }
      if (msg.length() < MAX_MESSAGE) {
        // RFC 5321 §4.5.2: remove the dot a client added in front of a line starting with one.
        msg.append(l.startsWith(".") ? l.substring(1) : l).append('\n');
      }
    }
    messages.add("MAIL FROM:<" + s.from + "> RCPT TO:" + s.rcpts + "\n" + msg);
    s.resetTransaction();
    s.reply("250 2.0.0 Ok: queued");
  }

  private void auth(Session s, String line) throws IOException {
    String[] parts = line.split(" ");
    if (users.isEmpty()) {
      s.reply("502 5.5.1 Error: authentication not enabled");
      return;
    }
    if (s.authenticated) {
      s.reply("503 5.5.1 Error: already authenticated");
      return;
    }
    String mech = parts.length > 1 ? parts[1].toUpperCase(Locale.ROOT) : "";
    String user;
    String pass;
    if (mech.equals("PLAIN")) {
      String b64 = parts.length > 2 ? parts[2] : null;
      if (b64 == null) {
        s.reply("334 ");
        b64 = s.readLine();
      }
      String[] f = decode(b64).split("\0", -1);
      if (f.length != 3) {
        s.reply("501 5.5.2 Cannot decode response");
        return;
      }
      user = f[1];
      pass = f[2];
    } else if (mech.equals("LOGIN")) {
      s.reply("334 VXNlcm5hbWU6");
      user = decode(s.readLine());
      s.reply("334 UGFzc3dvcmQ6");
      pass = decode(s.readLine());
    } else {
      s.reply("504 5.5.4 Unrecognized authentication type");
      return;
    }
    if (pass != null && pass.equals(users.get(user))) {
      s.authenticated = true;
      s.reply("235 2.7.0 Authentication successful");
    } else {
      s.reply("535 5.7.8 Error: authentication failed");
    }
  }

  private static String decode(String b64) {
    if (b64 == null) {
      return "";
    }
    try {
      return new String(Base64.getDecoder().decode(b64.trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  /** Returns what stands between the angle brackets after the verb, or null when malformed. */
  private static String path(String line, String verb) {
    if (!line.regionMatches(true, 0, verb, 0, verb.length())) {
      return null;
    }
    String rest = line.substring(verb.length()).trim();
    if (!rest.startsWith("<")) {
      return null;
    }
    int end = rest.indexOf('>');
    return end < 0 ? null : rest.substring(1, end);
  }

  /** RFC 5321 §4.1.2: a source route {@code @a,@b:user@domain} ends in the real mailbox. */
  private static String finalMailbox(String path) {
    if (path.startsWith("@")) {
      int colon = path.indexOf(':');
      return colon < 0 ? path : path.substring(colon + 1);
    }
    return path;
  }

  private static int lastAtOutsideQuotes(String mailbox) {
    boolean quoted = false;
    int at = -1;
    for (int i = 0; i < mailbox.length(); i++) {
      char c = mailbox.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '@' && !quoted) {
        at = i;
      }
    }
    return at;
  }

  /** Describes a {@link PolicySmtpServer}; not thread-safe. */
  public static final class Builder {
    private String hostname = "mx.example.com";
    private final Set<String> localDomains = new HashSet<>();
    private final Set<String> localUsers = new HashSet<>();
    private Relay relay = Relay.NONE;
    private final Map<String, String> users = new HashMap<>();
    private SSLContext tls;
    private InetAddress bindAddress = InetAddress.getLoopbackAddress();
    private int port;

    private Builder() {}

    /**
     * Sets the name in the banner and EHLO reply.
     *
     * @param hostname the server's name
     * @return this builder
     */
    public Builder hostname(String hostname) {
      this.hostname = requireNonNull(hostname, "hostname");
      return this;
    }

    /**
     * Adds a domain the server receives mail for.
     *
     * @param domain the domain, for example {@code example.com}
     * @return this builder
     */
    public Builder localDomain(String domain) {
      localDomains.add(requireNonNull(domain, "domain").toLowerCase(Locale.ROOT));
      return this;
    }

    /**
     * Adds a mailbox that exists; once any is added, other addresses in the local domains are
     * refused as unknown users (550 5.1.1).
     *
     * @param address the mailbox, for example {@code postmaster@example.com}
     * @return this builder
     */
    public Builder localUser(String address) {
      localUsers.add(requireNonNull(address, "address").toLowerCase(Locale.ROOT));
      return this;
    }

    /**
     * Sets whom the server relays for.
     *
     * @param relay the policy; default {@link Relay#NONE}
     * @return this builder
     */
    public Builder relay(Relay relay) {
      this.relay = requireNonNull(relay, "relay");
      return this;
    }

    /**
     * Adds an AUTH user; AUTH PLAIN and LOGIN are offered once a user exists.
     *
     * @param login the user name
     * @param password the password
     * @return this builder
     */
    public Builder user(String login, String password) {
      users.put(requireNonNull(login, "login"), requireNonNull(password, "password"));
      return this;
    }

    /**
     * Offers STARTTLS with this server context (see {@link TestCertificates}).
     *
     * @param serverContext the TLS context
     * @return this builder
     */
    public Builder startTls(SSLContext serverContext) {
      this.tls = requireNonNull(serverContext, "serverContext");
      return this;
    }

    /**
     * Sets the loopback address to bind, for labs with several servers on one port.
     *
     * @param address a loopback address such as 127.0.0.2
     * @return this builder
     * @throws IllegalArgumentException when the address is not loopback
     */
    public Builder bindAddress(InetAddress address) {
      if (!requireNonNull(address, "address").isLoopbackAddress()) {
        throw new IllegalArgumentException("bindAddress must be a loopback address: " + address);
      }
      this.bindAddress = address;
      return this;
    }

    /**
     * Sets the port; 0 (the default) picks a free one.
     *
     * @param port 0 to 65535
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Starts the server.
     *
     * @return the running server
     * @throws java.io.UncheckedIOException when it cannot bind
     */
    public PolicySmtpServer start() {
      try {
        return new PolicySmtpServer(this);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot start PolicySmtpServer", e);
      }
    }
  }
}
