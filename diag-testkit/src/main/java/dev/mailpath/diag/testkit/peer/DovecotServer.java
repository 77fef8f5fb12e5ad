package dev.mailpath.diag.testkit.peer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.testkit.TestCertificates;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A private Dovecot IMAP server (Debian's {@code dovecot-imapd}) on 127.0.0.1 for ring-3 tests: its
 * own configuration, run and state directories and mail store in a temporary directory, users with
 * plain-text passwords, Maildir or mbox mailboxes, and the special-use folders Junk, Trash, Sent,
 * Drafts and Archive (RFC 6154), created at first login.
 *
 * <pre>{@code
 * DovecotServer.requireInstalled();                   // skips, or fails with -Dpeers.required=true
 * try (DovecotServer imap = DovecotServer.builder()
 *     .user("bob", "s3cret")
 *     .format(DovecotServer.MailFormat.MAILDIR)
 *     .start()) {
 *   imap.deliver("bob", "Junk", rawMessageBytes);     // through Dovecot's own LDA
 *   // IMAP on imap.host():imap.imapPort(); Maildirs below imap.mailRoot(), one per user
 * }
 * }</pre>
 *
 * <p>An MTA on the same machine can deliver into the store for Dovecot to serve: mailboxes are
 * {@code mailRoot()/USER} (a Maildir, or for mbox a home with {@code inbox} and {@code mail/}),
 * owned by {@link #mailUid()}:{@link #mailGid()} ({@code nobody:nogroup}); see {@link
 * #mailLocation()}. A message put there appears over IMAP at the next command that looks.
 *
 * <p>{@link Builder#start()} writes {@code dovecot.conf}, starts {@code dovecot -F} (foreground) as
 * a child process through a small shell wrapper that stops Dovecot when this JVM's end of its
 * standard input closes (so a killed JVM leaves no daemon behind), and returns once the IMAP port
 * greets with {@code * OK}. Dovecot's master must run as root, to switch to the mail user. {@link
 * #close()} stops Dovecot and deletes the directory. Logs go to {@link #logText()}.
 *
 * <p>Instances are thread-safe; the builder is not. Binds 127.0.0.1 only. Dovecot missing, failing
 * to start or not greeting in time throws {@link IllegalStateException} with its log; call {@link
 * #requireInstalled()} first to skip or fail the test by the {@link Peers} policy.
 */
public final class DovecotServer implements AutoCloseable {

  /** How to install Dovecot's IMAP server on Debian, for skip and failure messages. */
  public static final String INSTALL_HINT = "apt-get install dovecot-imapd";

  /** How the users' mail is stored. */
  public enum MailFormat {
    /** One Maildir per user: {@code mailRoot()/USER/{new,cur,tmp}}, folders as {@code .Junk}. */
    MAILDIR,
    /**
     * mbox files: the Inbox in {@code mailRoot()/USER/inbox}, folders in {@code
     * mailRoot()/USER/mail/}.
     */
    MBOX
  }

  private static final Path IMAP_BINARY = Path.of("/usr/lib/dovecot/imap");
  private static final Path LDA = Path.of("/usr/lib/dovecot/dovecot-lda");
  private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(20);
  private static final Pattern USER_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  /**
   * Runs Dovecot in the background of a POSIX shell and stops it (SIGTERM) when the shell gets
   * SIGTERM/SIGINT/SIGHUP or when its standard input reaches end of file: the JVM holds the write
   * end of that pipe, so even a JVM killed with SIGKILL takes Dovecot down with it (the same
   * lifeline as {@link NsdServer}'s).
   */
  private static final String WRAPPER =
      String.join(
          "\n",
          "exec 3<&0",
          "\"$1\" -F -c \"$2\" </dev/null 3<&- &",
          "dovecot_pid=$!",
          "{ while read -r _; do :; done; kill -TERM \"$dovecot_pid\" 2>/dev/null; } <&3 3<&- &",
          "watch_pid=$!",
          "exec 3<&-",
          "trap 'kill -TERM \"$dovecot_pid\" 2>/dev/null' TERM INT HUP",
          "while :; do",
          "  wait \"$dovecot_pid\"; rc=$?",
          "  kill -0 \"$dovecot_pid\" 2>/dev/null || break",
          "done",
          "kill -TERM \"$watch_pid\" 2>/dev/null",
          "wait \"$watch_pid\" 2>/dev/null",
          "echo \"[launcher] dovecot exited with status $rc\" >&2",
          "exit \"$rc\"",
          "");

  private final Path directory;
  private final Path conf;
  private final int imapPort;
  private final int imapsPort;
  private final MailFormat format;
  private final Map<String, String> users;
  private final int mailUid;
  private final int mailGid;
  private final Process process;
  private final OutputStream lifeline;
  private final Thread shutdownHook;
  private final Object lock = new Object();
  private boolean closed;
  private String finalLog;

  private DovecotServer(
      Path directory,
      int imapPort,
      int imapsPort,
      MailFormat format,
      Map<String, String> users,
      int mailUid,
      int mailGid,
      Process process) {
    this.directory = directory;
    this.conf = directory.resolve("dovecot.conf");
    this.imapPort = imapPort;
    this.imapsPort = imapsPort;
    this.format = format;
    this.users = Map.copyOf(users);
    this.mailUid = mailUid;
    this.mailGid = mailGid;
    this.process = process;
    this.lifeline = process.getOutputStream();
    this.shutdownHook = new Thread(this::close, "dovecot-shutdown-" + process.pid());
  }

  /**
   * Returns a new builder: no users, Maildir, a free port, plain IMAP only.
   *
   * @return a builder; not thread-safe
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Finds the {@code dovecot} executable and checks that its IMAP service is installed.
   *
   * @return the executable, or empty when Dovecot or {@code dovecot-imapd} is missing
   */
  public static Optional<Path> findExecutable() {
    return Peers.findExecutable("dovecot").filter(p -> Files.isExecutable(IMAP_BINARY));
  }

  /**
   * Skips the current test when Dovecot's IMAP server or root is missing, or fails it when peers
   * are required ({@code -Dpeers.required=true}).
   *
   * @return the {@code dovecot} executable
   */
  public static Path requireInstalled() {
    Path exe = Peers.requireExecutable("Dovecot", INSTALL_HINT, "dovecot");
    Peers.requirePeer(
        "Dovecot's IMAP service (" + IMAP_BINARY + ")",
        INSTALL_HINT,
        Files.isExecutable(IMAP_BINARY));
    Peers.requirePeer(
        "root (Dovecot's master must run as root)", "run the real-peer tests as root", isRoot());
    return exe;
  }

  /**
   * Returns the address to connect to.
   *
   * @return {@code 127.0.0.1}
   */
  public String host() {
    return "127.0.0.1";
  }

  /**
   * Returns the plain IMAP port (STARTTLS offered when started with TLS).
   *
   * @return the port
   */
  public int imapPort() {
    return imapPort;
  }

  /**
   * Returns the IMAPS (implicit TLS) port.
   *
   * @return the port, or empty when started without TLS
   */
  public Optional<Integer> imapsPort() {
    return imapsPort > 0 ? Optional.of(imapsPort) : Optional.empty();
  }

  /**
   * Returns the plain IMAP address.
   *
   * @return 127.0.0.1 and {@link #imapPort()}
   */
  public InetSocketAddress imapAddress() {
    return new InetSocketAddress(loopback(), imapPort);
  }

  /**
   * Returns the instance's directory: {@code dovecot.conf}, {@code run/}, {@code state/}, {@code
   * mail/}, {@code dovecot.out} (the log).
   *
   * @return the directory
   */
  public Path directory() {
    return directory;
  }

  /**
   * Returns the directory that holds one mailbox per user.
   *
   * @return {@code directory()/mail}
   */
  public Path mailRoot() {
    return directory.resolve("mail");
  }

  /**
   * Returns a user's mailbox: the Maildir, or the mbox home.
   *
   * @param user a configured user
   * @return {@code mailRoot()/user}
   * @throws IllegalArgumentException when the user was not configured
   */
  public Path mailbox(String user) {
    checkUser(user);
    return mailRoot().resolve(user);
  }

  /**
   * Returns how mail is stored.
   *
   * @return the format
   */
  public MailFormat format() {
    return format;
  }

  /**
   * Returns Dovecot's {@code mail_location}, in which {@code %n} stands for the user name.
   *
   * @return for example {@code maildir:/tmp/mailpath-dovecot-1/mail/%n}
   */
  public String mailLocation() {
    return format == MailFormat.MAILDIR
        ? "maildir:" + mailRoot() + "/%n"
        : "mbox:" + mailRoot() + "/%n/mail:INBOX=" + mailRoot() + "/%n/inbox";
  }

  /**
   * Returns the numeric user id that owns the mail store (an MTA delivering there must write as it,
   * for example Postfix's {@code virtual_uid_maps = static:UID}).
   *
   * @return the uid of {@code nobody}
   */
  public int mailUid() {
    return mailUid;
  }

  /**
   * Returns the numeric group id that owns the mail store.
   *
   * @return the gid of {@code nogroup}
   */
  public int mailGid() {
    return mailGid;
  }

  /**
   * Returns the configured users.
   *
   * @return user names
   */
  public List<String> users() {
    return List.copyOf(users.keySet());
  }

  /**
   * Delivers a message to a user's Inbox through Dovecot's LDA ({@code dovecot-lda}), as an MTA
   * would.
   *
   * @param user a configured user
   * @param message the raw message, CRLF or LF line ends
   */
  public void deliver(String user, byte[] message) {
    deliver(user, "INBOX", message);
  }

  /**
   * Delivers a message to a folder of a user's mailbox through Dovecot's LDA.
   *
   * @param user a configured user
   * @param folder the folder, for example {@code Junk}; created when missing
   * @param message the raw message
   * @throws IllegalStateException when the LDA fails (its output is in the message)
   */
  public void deliver(String user, String folder, byte[] message) {
    checkUser(user);
    requireNonNull(folder, "folder");
    requireNonNull(message, "message");
    Path file = null;
    try {
      file = Files.createTempFile(directory, "deliver-", ".eml");
      Files.write(file, message);
      // The LDA reads it after dropping to the mail user.
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      run(
          List.of(
              LDA.toString(),
              "-c",
              conf.toString(),
              "-d",
              user,
              "-m",
              folder,
              "-p",
              file.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the message for " + user, e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // deleted with the directory
        }
      }
    }
  }

  /**
   * Runs {@code doveadm} against this instance, for example {@code doveadm("flags", "add", "-u",
   * "bob", "\\Deleted", "mailbox", "Trash", "ALL")}.
   *
   * @param args the arguments after {@code doveadm -c CONF}
   * @return what doveadm printed
   * @throws IllegalStateException when it fails (its output is in the message)
   */
  public String doveadm(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Peers.findExecutable("doveadm").map(Path::toString).orElse("doveadm"));
    command.add("-c");
    command.add(conf.toString());
    command.addAll(List.of(args));
    return run(command);
  }

  /**
   * Tells whether Dovecot is still running.
   *
   * @return {@code false} after {@link #close()} or when it exited on its own
   */
  public boolean running() {
    return process.isAlive();
  }

  /**
   * Returns what Dovecot logged so far; after {@link #close()}, the log as it was when it stopped.
   *
   * @return the log text, possibly empty
   */
  public String logText() {
    synchronized (lock) {
      return finalLog != null ? finalLog : readLog(directory);
    }
  }

  /**
   * Stops Dovecot (SIGTERM, then SIGKILL) and deletes the directory. Calling it again does nothing.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: this is the hook
      }
      stop(process, lifeline);
      finalLog = readLog(directory);
      deleteRecursively(directory);
    }
  }

  /** Returns {@code Dovecot on 127.0.0.1:port (MAILDIR), /tmp/...}. */
  @Override
  public String toString() {
    return "Dovecot on "
        + host()
        + ":"
        + imapPort
        + (imapsPort > 0 ? " and imaps " + imapsPort : "")
        + " ("
        + format
        + "), "
        + directory
        + (closed ? " (closed)" : "");
  }

  private String run(List<String> command) {
    ToolRun r = ToolRun.run(command, TOOL_TIMEOUT);
    if (r.exitCode() != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " failed (" + r.exitCode() + "):\n" + r.output());
    }
    return r.output();
  }

  private void checkUser(String user) {
    if (!users.containsKey(requireNonNull(user, "user"))) {
      throw new IllegalArgumentException(
          "unknown user '" + user + "'; configured: " + users.keySet());
    }
  }

  private static void stop(Process p, OutputStream lifeline) {
    try {
      lifeline.close(); // the wrapper stops Dovecot when its standard input ends
    } catch (IOException ignored) {
      // already closed
    }
    p.destroy();
    try {
      if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String readLog(Path dir) {
    try {
      Path out = dir.resolve("dovecot.out");
      return Files.exists(out) ? Files.readString(out, UTF_8) : "";
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temporary directory is harmless
    }
  }

  private static boolean isRoot() {
    ToolRun id = ToolRun.run(List.of("id", "-u"), Duration.ofSeconds(5));
    return id.exitCode() == 0 && id.output().strip().equals("0");
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, loopback())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Configures and starts a {@link DovecotServer}. Setters validate eagerly and throw {@link
   * IllegalArgumentException} naming the bad value. Not thread-safe.
   */
  public static final class Builder {
    private final Map<String, String> users = new LinkedHashMap<>();
    private final Map<String, String> folders = new LinkedHashMap<>();
    private MailFormat format = MailFormat.MAILDIR;
    private int port;
    private TestCertificates.ServerCertificate cert;
    private Path executable;
    private Duration startTimeout = DEFAULT_START_TIMEOUT;

    private Builder() {
      folders.put("Junk", "\\Junk");
      folders.put("Trash", "\\Trash");
      folders.put("Sent", "\\Sent");
      folders.put("Drafts", "\\Drafts");
      folders.put("Archive", "\\Archive");
    }

    /**
     * Adds a user; it logs in with this name (no domain) and password.
     *
     * @param name a lower-case name such as {@code bob}
     * @param password the password, without CR, LF, NUL or colon
     * @return this builder
     */
    public Builder user(String name, String password) {
      requireNonNull(name, "name");
      requireNonNull(password, "password");
      if (!USER_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "user name must be lower-case letters, digits, '.', '_' or '-': '" + name + "'");
      }
      if (password.isEmpty()
          || password.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0 || c == ':')) {
        throw new IllegalArgumentException(
            "password must be non-empty, without CR, LF, NUL or ':'");
      }
      users.put(name, password);
      return this;
    }

    /**
     * Sets how mail is stored.
     *
     * @param format Maildir (default) or mbox
     * @return this builder
     */
    public Builder format(MailFormat format) {
      this.format = requireNonNull(format, "format");
      return this;
    }

    /**
     * Adds a folder created at first login, with an RFC 6154 special-use attribute or none.
     *
     * @param name the folder name, for example {@code Projects}
     * @param specialUse for example {@code \Junk}, or {@code ""} for none
     * @return this builder
     */
    public Builder folder(String name, String specialUse) {
      requireNonNull(name, "name");
      requireNonNull(specialUse, "specialUse");
      if (name.isBlank()
          || name.chars().anyMatch(c -> c < 0x20 || c == '"' || c == '\\' || c == '/')) {
        throw new IllegalArgumentException(
            "folder name must be plain text without quotes, slashes or control characters: '"
                + name
                + "'");
      }
      if (!specialUse.isEmpty() && !specialUse.matches("\\\\[A-Za-z]+")) {
        throw new IllegalArgumentException(
            "specialUse must look like \\Junk: '" + specialUse + "'");
      }
      folders.put(name, specialUse);
      return this;
    }

    /**
     * Sets the plain IMAP port.
     *
     * @param port 1024 to 65535; by default a free ephemeral port
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 1024 || port > 65535) {
        throw new IllegalArgumentException("port must be between 1024 and 65535: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Offers STARTTLS on the IMAP port and implicit TLS on a second port with this certificate.
     *
     * @param cert the server certificate
     * @return this builder
     */
    public Builder tls(TestCertificates.ServerCertificate cert) {
      this.cert = requireNonNull(cert, "cert");
      return this;
    }

    /**
     * Uses this {@code dovecot} executable instead of the one on the {@code PATH}.
     *
     * @param executable the executable
     * @return this builder
     */
    public Builder executable(Path executable) {
      this.executable = requireNonNull(executable, "executable");
      return this;
    }

    /**
     * Sets how long {@link #start()} waits for the IMAP greeting.
     *
     * @param timeout positive; default 15 s
     * @return this builder
     */
    public Builder startTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("startTimeout must be positive: " + timeout);
      }
      this.startTimeout = timeout;
      return this;
    }

    /**
     * Writes the configuration, starts Dovecot and waits for its IMAP greeting.
     *
     * @return the running server
     * @throws IllegalStateException when no user was added, Dovecot is missing, exits, or does not
     *     greet in time (its log is in the message)
     */
    public DovecotServer start() {
      if (users.isEmpty()) {
        throw new IllegalStateException("add at least one user with user(name, password)");
      }
      Path exe =
          executable != null
              ? executable
              : findExecutable()
                  .orElseThrow(
                      () ->
                          new IllegalStateException(
                              "Dovecot IMAP not installed: "
                                  + INSTALL_HINT
                                  + "; call DovecotServer.requireInstalled() first to skip the test"));
      Path dir;
      try {
        dir = Files.createTempDirectory("mailpath-dovecot-");
        // Dovecot's unprivileged processes (imap as nobody, login as dovenull) must reach below it.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a temporary directory for Dovecot", e);
      }
      Process process = null;
      try {
        int[] ids = prepare(dir);
        int imap = port != 0 ? port : freePort();
        int imaps = cert != null ? freePort() : 0;
        Files.writeString(dir.resolve("dovecot.conf"), config(dir, imap, imaps), UTF_8);
        process =
            new ProcessBuilder(
                    "/bin/sh",
                    "-c",
                    WRAPPER,
                    "dovecot-wrapper",
                    exe.toString(),
                    dir.resolve("dovecot.conf").toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(
                    ProcessBuilder.Redirect.appendTo(dir.resolve("dovecot.out").toFile()))
                .start();
        DovecotServer server =
            new DovecotServer(dir, imap, imaps, format, users, ids[0], ids[1], process);
        Runtime.getRuntime().addShutdownHook(server.shutdownHook);
        String failure = awaitGreeting(process, imap, startTimeout);
        if (failure != null) {
          String log = readLog(dir);
          server.close();
          throw new IllegalStateException(
              "Dovecot on 127.0.0.1:" + imap + " " + failure + "; its log:\n" + log);
        }
        return server;
      } catch (IOException e) {
        if (process != null) {
          stop(process, process.getOutputStream());
        }
        deleteRecursively(dir);
        throw new UncheckedIOException("cannot start Dovecot in " + dir, e);
      }
    }

    /** Creates the directories and files; returns the mail owner's uid and gid. */
    private int[] prepare(Path dir) throws IOException {
      for (String d : List.of("run", "state", "mail")) {
        Files.createDirectories(dir.resolve(d));
      }
      StringBuilder passwd = new StringBuilder();
      users.forEach((u, p) -> passwd.append(u).append(":{PLAIN}").append(p).append('\n'));
      Path file = dir.resolve("users");
      Files.writeString(file, passwd.toString(), UTF_8);
      // Dovecot's auth process runs as the "dovecot" user and must read the password file.
      UserPrincipalLookupService names = dir.getFileSystem().getUserPrincipalLookupService();
      try {
        Files.getFileAttributeView(file, PosixFileAttributeView.class)
            .setGroup(names.lookupPrincipalByGroupName("dovecot"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
      } catch (IOException noDovecotGroup) {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      }
      if (cert != null) {
        Files.writeString(dir.resolve("cert.pem"), cert.certificatePem(), UTF_8);
        Files.writeString(dir.resolve("key.pem"), cert.privateKeyPem(), UTF_8);
        Files.setPosixFilePermissions(
            dir.resolve("key.pem"), PosixFilePermissions.fromString("rw-------"));
      }
      // The store belongs to the mail user, so that Dovecot (and an MTA writing as it) can use it.
      UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
      UserPrincipal nobody = lookup.lookupPrincipalByName("nobody");
      GroupPrincipal nogroup = lookup.lookupPrincipalByGroupName("nogroup");
      Path mail = dir.resolve("mail");
      PosixFileAttributeView view = Files.getFileAttributeView(mail, PosixFileAttributeView.class);
      view.setOwner(nobody);
      view.setGroup(nogroup);
      for (String u : users.keySet()) {
        Path home = Files.createDirectories(mail.resolve(u));
        PosixFileAttributeView v = Files.getFileAttributeView(home, PosixFileAttributeView.class);
        v.setOwner(nobody);
        v.setGroup(nogroup);
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
      }
      return new int[] {
        (Integer) Files.getAttribute(mail, "unix:uid"),
        (Integer) Files.getAttribute(mail, "unix:gid")
      };
    }

    private String config(Path dir, int imap, int imaps) {
      Path mail = dir.resolve("mail");
      String location =
          format == MailFormat.MAILDIR
              ? "maildir:" + mail + "/%n"
              : "mbox:" + mail + "/%n/mail:INBOX=" + mail + "/%n/inbox";
      StringBuilder c = new StringBuilder();
      c.append("# written by dev.mailpath.diag.testkit.peer.DovecotServer\n")
          .append("base_dir = ")
          .append(dir.resolve("run"))
          .append('\n')
          .append("state_dir = ")
          .append(dir.resolve("state"))
          .append('\n')
          .append("instance_name = mailpath-")
          .append(dir.getFileName())
          .append('\n')
          .append("protocols = imap\n")
          .append("listen = 127.0.0.1\n")
          .append("log_path = /dev/stderr\ninfo_log_path = /dev/stderr\n")
          .append("auth_mechanisms = plain login\n")
          .append("disable_plaintext_auth = no\n")
          .append("first_valid_uid = 1\n")
          .append("mail_location = ")
          .append(location)
          .append('\n')
          // mbox needs dotlock/fcntl locks the mail user can take in its own home.
          .append("mbox_write_locks = fcntl\n");
      if (cert != null) {
        c.append("ssl = yes\n")
            .append("ssl_cert = <")
            .append(dir.resolve("cert.pem"))
            .append('\n')
            .append("ssl_key = <")
            .append(dir.resolve("key.pem"))
            .append('\n');
      } else {
        c.append("ssl = no\n");
      }
      c.append("passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%n ")
          .append(dir.resolve("users"))
          .append("\n}\n")
          .append("userdb {\n  driver = static\n  args = uid=nobody gid=nogroup home=")
          .append(mail)
          .append("/%n\n}\n")
          .append("namespace inbox {\n  inbox = yes\n  separator = /\n");
      folders.forEach(
          (name, use) -> {
            c.append("  mailbox \"").append(name).append("\" {\n    auto = create\n");
            if (!use.isEmpty()) {
              c.append("    special_use = ").append(use).append('\n');
            }
            c.append("  }\n");
          });
      c.append("}\n")
          .append("service imap-login {\n")
          .append("  inet_listener imap {\n    address = 127.0.0.1\n    port = ")
          .append(imap)
          .append("\n  }\n")
          .append("  inet_listener imaps {\n    address = 127.0.0.1\n    port = ")
          .append(imaps)
          .append('\n')
          .append(imaps > 0 ? "    ssl = yes\n" : "")
          .append("  }\n")
          .append("}\n")
          // Nothing else listens: no POP3, no LMTP, no doveadm over TCP.
          .append("service doveadm {\n  inet_listener {\n    port = 0\n  }\n}\n");
      return c.toString();
    }

    /**
     * Connects until the IMAP port greets with "* OK"; returns null when ready, else what went
     * wrong.
     */
    private static String awaitGreeting(Process process, int port, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        if (!process.isAlive()) {
          return "exited with status " + process.exitValue() + " before greeting";
        }
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(loopback(), port), 500);
          s.setSoTimeout(2000);
          String line =
              new BufferedReader(new InputStreamReader(s.getInputStream(), UTF_8)).readLine();
          if (line != null && line.startsWith("* OK")) {
            return null;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        if (System.nanoTime() - deadline > 0) {
          return "did not greet within " + timeout;
        }
        try {
          // A pause rather than a spin while the master starts its login processes.
          if (process.waitFor(50, TimeUnit.MILLISECONDS)) {
            return "exited with status " + process.exitValue() + " before greeting";
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CancellationException("interrupted while starting Dovecot");
        }
      }
    }
  }
}
