package dev.mailpath.diag.testkit.peer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A real NSD authoritative name server (NLnet Labs, Debian package {@code nsd}) serving zone text
 * on one or more loopback addresses, started and stopped by a test.
 *
 * <pre>{@code
 * NsdServer.requireInstalled();                       // skips, or fails with -Dpeers.required=true
 * try (NsdServer nsd = NsdServer.builder()
 *     .zone("example.test.", """
 *         $TTL 300
 *         @    SOA ns1 hostmaster 1 3600 600 86400 300
 *         @    NS  ns1
 *         @    MX  10 mx1
 *         ns1  A   127.0.0.1
 *         mx1  A   127.0.0.2
 *         """)
 *     .start()) {
 *   InetSocketAddress server = nsd.address();          // 127.0.0.1 and a free port
 *   ...
 * }
 * }</pre>
 *
 * <p>{@link Builder#start()} writes {@code nsd.conf} and the zone files into a fresh temporary
 * directory, checks each zone with {@code nsd-checkzone} when it is installed, and runs {@code nsd
 * -d} (foreground) as a child process. The configuration is made for tests: no privilege drop
 * ({@code username: ""}, so it works as root and as a normal user), no chroot, every state file in
 * the temporary directory, response rate limiting off (Debian's build limits each source to 200
 * answers a second, which looks like random timeouts in tests), no remote control, one server
 * process. {@code start()} returns once the server answers a real SOA query for the first zone on
 * every address.
 *
 * <p>{@link #close()} stops NSD and deletes the directory. NSD also stops when this JVM exits: a
 * shutdown hook handles orderly exits, and a small shell wrapper stops NSD when the JVM's end of
 * its standard input closes, which covers a JVM that is killed outright.
 *
 * <p>Instances are thread-safe; the builder is not. Everything here binds loopback addresses only.
 * Problems with the caller's input throw {@link IllegalArgumentException} (including a zone that
 * {@code nsd-checkzone} rejects); an NSD that cannot be found, does not start or does not answer in
 * time throws {@link IllegalStateException} whose message includes NSD's log.
 */
public final class NsdServer implements AutoCloseable {

  /** How to install NSD on Debian, for skip and failure messages. */
  public static final String INSTALL_HINT = "apt-get install nsd";

  private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(10);
  private static final int START_ATTEMPTS_WITH_FREE_PORT = 3;
  private static final Pattern VERSION = Pattern.compile("NSD version (\\d+)\\.(\\d+)\\.(\\d+)");
  private static final Pattern OPTION_KEY = Pattern.compile("[a-z][a-z0-9-]*");
  private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  /** 127.0.0.1 whatever java.net.preferIPv6Addresses says, unlike getLoopbackAddress(). */
  private static final InetAddress DEFAULT_ADDRESS = parseLoopback("127.0.0.1");

  /**
   * Runs NSD in the background of a POSIX shell and stops it (SIGTERM) when the shell gets
   * SIGTERM/SIGINT/SIGHUP or when its standard input reaches end of file. The JVM holds the write
   * end of that pipe, so even a JVM killed with SIGKILL takes NSD down with it; running NSD in the
   * foreground alone does not, since a child outlives its parent. The watcher is a subshell running
   * only builtins ({@code read}), so killing it leaves no orphan. A background job of a
   * non-interactive shell reads /dev/null unless told otherwise, hence the fd 3 dance. The shell
   * exits with NSD's status as soon as NSD exits, after reaping the watcher.
   */
  private static final String WRAPPER =
      String.join(
          "\n",
          "exec 3<&0",
          "\"$1\" -d -c \"$2\" </dev/null 3<&- &",
          "nsd_pid=$!",
          "{ while read -r _; do :; done; kill -TERM \"$nsd_pid\" 2>/dev/null; } <&3 3<&- &",
          "watch_pid=$!",
          "exec 3<&-",
          "trap 'kill -TERM \"$nsd_pid\" 2>/dev/null' TERM INT HUP",
          "while :; do",
          "  wait \"$nsd_pid\"; rc=$?",
          "  kill -0 \"$nsd_pid\" 2>/dev/null || break",
          "done",
          "kill -TERM \"$watch_pid\" 2>/dev/null",
          "wait \"$watch_pid\" 2>/dev/null",
          "echo \"[launcher] nsd exited with status $rc\" >&2",
          "exit \"$rc\"",
          "");

  private final Path directory;
  private final List<InetSocketAddress> addresses;
  private final String version;
  private final Launch launch;
  private final Object lock = new Object();
  private volatile boolean closed;
  private String finalLog;

  private NsdServer(
      Path directory, List<InetSocketAddress> addresses, String version, Launch launch) {
    this.directory = directory;
    this.addresses = List.copyOf(addresses);
    this.version = version;
    this.launch = launch;
  }

  /**
   * Returns a new builder with no zones, address 127.0.0.1 and a free port.
   *
   * @return a builder; not thread-safe
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Finds the {@code nsd} executable on {@code PATH}, {@code /usr/sbin}, {@code /usr/bin} or {@code
   * /sbin}.
   *
   * @return its path, or empty when NSD is not installed
   */
  public static Optional<Path> findExecutable() {
    return Peers.findExecutable("nsd");
  }

  /**
   * Finds NSD or skips the current test (fails it with {@code -Dpeers.required=true}), as {@link
   * Peers#requireExecutable(String, String, String, String...)} does.
   *
   * @return the path of the {@code nsd} executable
   * @throws org.opentest4j.TestAbortedException if NSD is missing and peers are not required
   * @throws org.opentest4j.AssertionFailedError if NSD is missing and peers are required
   */
  public static Path requireInstalled() {
    return Peers.requireExecutable("NSD", INSTALL_HINT, "nsd");
  }

  /**
   * Returns the first address NSD listens on, with its port.
   *
   * @return the address given first to the builder (127.0.0.1 by default)
   */
  public InetSocketAddress address() {
    return addresses.get(0);
  }

  /**
   * Returns every address NSD listens on, in the order given to the builder, all with the same
   * port, each serving all zones over UDP and TCP.
   *
   * @return an unmodifiable list with at least one address
   */
  public List<InetSocketAddress> addresses() {
    return addresses;
  }

  /**
   * Returns the port NSD listens on, on every address.
   *
   * @return the port given to the builder, or the free port that was picked
   */
  public int port() {
    return address().getPort();
  }

  /**
   * Returns the version of NSD that is running, as {@code nsd -v} prints it.
   *
   * @return a version such as {@code "4.6.1"}, or {@code "unknown"} if it could not be read
   */
  public String version() {
    return version;
  }

  /**
   * Returns the process id of the NSD main process (its server and transfer processes are its
   * children), for tests that check it is gone after {@link #close()}.
   *
   * @return the process id
   */
  public long pid() {
    return launch.nsdPid;
  }

  /**
   * Returns the temporary directory holding {@code nsd.conf}, the zone files and NSD's logs. {@link
   * #close()} deletes it.
   *
   * @return the directory
   */
  public Path directory() {
    return directory;
  }

  /**
   * Returns whether the NSD process is still alive.
   *
   * @return {@code false} after {@link #close()} or if NSD exited on its own
   */
  public boolean running() {
    return launch.process.isAlive()
        && ProcessHandle.of(launch.nsdPid).map(ProcessHandle::isAlive).orElse(false);
  }

  /**
   * Returns what NSD logged so far (its log file, then its standard output and error), for failure
   * messages. After {@link #close()} it returns the log as it was when NSD stopped.
   *
   * @return the log text, possibly empty
   */
  public String logText() {
    synchronized (lock) {
      return finalLog != null ? finalLog : readLog(directory);
    }
  }

  /**
   * Stops NSD (SIGTERM, then SIGKILL after 5 s), waits for it and its children to exit, and deletes
   * the temporary directory. Calling it again does nothing.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      launch.stop();
      finalLog = readLog(directory);
      deleteRecursively(directory);
    }
  }

  /**
   * Returns a one-line description: version, addresses, pid and directory.
   *
   * @return for example {@code "NSD 4.6.1 on [/127.0.0.1:40111], pid 1234, /tmp/mailpath-nsd-1"}
   */
  @Override
  public String toString() {
    return "NSD "
        + version
        + " on "
        + addresses
        + ", pid "
        + launch.nsdPid
        + ", "
        + directory
        + (closed ? " (closed)" : "");
  }

  /**
   * Configures and starts an {@link NsdServer}. Setters validate eagerly and throw {@link
   * IllegalArgumentException} naming the bad value. Not thread-safe; one builder may start several
   * servers one after another.
   */
  public static final class Builder {
    private final Map<Name, String> zones = new LinkedHashMap<>();
    private final List<InetAddress> addresses = new ArrayList<>();
    private final Map<String, String> serverOptions = new LinkedHashMap<>();
    private int port;
    private Path executable;
    private Duration startTimeout = DEFAULT_START_TIMEOUT;

    private Builder() {}

    /**
     * Adds a zone NSD serves authoritatively; call it once per zone.
     *
     * <p>The text is an RFC 1035 master file as NSD reads it, with the origin as default {@code
     * $ORIGIN}; it must contain the zone's SOA record. The first zone added is the one whose SOA
     * the readiness check asks for.
     *
     * @param origin the zone's name, such as {@code "example.test."} or {@code "."} for a root
     *     zone; a missing final dot is added
     * @param masterFileText the zone file's contents
     * @return this builder
     * @throws IllegalArgumentException if the origin is not a valid domain name or was added
     *     already
     */
    public Builder zone(String origin, String masterFileText) {
      requireNonNull(origin, "origin");
      requireNonNull(masterFileText, "masterFileText");
      Name name = parseOrigin(origin);
      if (zones.containsKey(name)) {
        throw new IllegalArgumentException("zone " + name + " was added already");
      }
      zones.put(name, masterFileText);
      return this;
    }

    /**
     * Sets the only address NSD listens on, replacing any added before.
     *
     * @param loopbackIp an IP literal in 127.0.0.0/8 or {@code ::1}; on Linux all of 127/8 is
     *     routed to {@code lo}, so addresses such as 127.0.1.1 need no setup
     * @return this builder
     * @throws IllegalArgumentException if it is not a loopback IP literal
     */
    public Builder address(String loopbackIp) {
      InetAddress parsed = parseLoopback(loopbackIp);
      addresses.clear();
      addresses.add(parsed);
      return this;
    }

    /**
     * Adds an address NSD listens on, with the same port and zones as the others; for example
     * 127.0.1.1 to 127.0.1.13 for a fake root hierarchy. Without any call to {@link
     * #address(String)} or this method, NSD listens on 127.0.0.1 only; the first call to this
     * method replaces that default.
     *
     * @param loopbackIp an IP literal in 127.0.0.0/8 or {@code ::1}
     * @return this builder
     * @throws IllegalArgumentException if it is not a loopback IP literal or was added already
     */
    public Builder addAddress(String loopbackIp) {
      InetAddress parsed = parseLoopback(loopbackIp);
      if (addresses.contains(parsed)) {
        throw new IllegalArgumentException("address " + loopbackIp + " was added already");
      }
      addresses.add(parsed);
      return this;
    }

    /**
     * Sets the port NSD listens on, on every address.
     *
     * @param port 1 to 65535, or 0 (the default) to pick a free port; a picked port can be taken by
     *     another process before NSD binds it, in which case {@link #start()} retries with another
     *     one
     * @return this builder
     * @throws IllegalArgumentException if the port is out of range
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0 (free port) to 65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Sets the {@code nsd} executable to run instead of searching for it.
     *
     * @param executable the path of {@code nsd}
     * @return this builder
     */
    public Builder executable(Path executable) {
      this.executable = requireNonNull(executable, "executable");
      return this;
    }

    /**
     * Sets how long {@link #start()} waits for NSD to answer; 10 seconds by default.
     *
     * @param startTimeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder startTimeout(Duration startTimeout) {
      requireNonNull(startTimeout, "startTimeout");
      if (startTimeout.isZero() || startTimeout.isNegative()) {
        throw new IllegalArgumentException("startTimeout must be positive, was " + startTimeout);
      }
      this.startTimeout = startTimeout;
      return this;
    }

    /**
     * Sets an option in the {@code server:} clause of {@code nsd.conf}, replacing the test default
     * of the same name; for deliberate faults such as {@code serverOption("rrl-ratelimit", "200")}
     * or {@code serverOption("minimal-responses", "yes")}. See {@code man nsd.conf}.
     *
     * @param key an option name such as {@code "refuse-any"}; {@code ip-address} is not allowed
     *     (use {@link #address(String)})
     * @param value the value as written in {@code nsd.conf}, quoted by the caller if needed
     * @return this builder
     * @throws IllegalArgumentException if the key is malformed or managed by the builder, or the
     *     value spans lines
     */
    public Builder serverOption(String key, String value) {
      requireNonNull(key, "key");
      requireNonNull(value, "value");
      if (!OPTION_KEY.matcher(key).matches()) {
        throw new IllegalArgumentException(
            "key must be an nsd.conf option name, was '" + key + "'");
      }
      if (key.equals("ip-address") || key.equals("interface")) {
        throw new IllegalArgumentException(key + " is set from address()/addAddress()");
      }
      if (value.contains("\n") || value.contains("\r")) {
        throw new IllegalArgumentException("value for " + key + " must be one line");
      }
      serverOptions.put(key, value);
      return this;
    }

    /**
     * Writes the configuration, starts NSD and waits until it answers on every address.
     *
     * @return the running server; close it to stop NSD
     * @throws IllegalArgumentException if {@code nsd-checkzone} rejects a zone (its output is in
     *     the message)
     * @throws IllegalStateException if NSD is not installed, exits, or does not answer within the
     *     start timeout (its log is in the message)
     */
    public NsdServer start() {
      Path nsd =
          executable != null
              ? executable
              : findExecutable()
                  .orElseThrow(
                      () ->
                          new IllegalStateException(
                              "NSD not installed: "
                                  + INSTALL_HINT
                                  + "; call NsdServer.requireInstalled() first to skip the test"));
      List<InetAddress> listen =
          addresses.isEmpty() ? List.of(DEFAULT_ADDRESS) : List.copyOf(addresses);
      Map<Name, String> zoneTexts = new LinkedHashMap<>(zones);
      String version = readVersion(nsd);
      Path dir;
      try {
        dir = Files.createTempDirectory("mailpath-nsd-");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a temporary directory for NSD", e);
      }
      try {
        List<String> zoneClauses = writeZones(nsd, dir, zoneTexts);
        int attempts = port == 0 ? START_ATTEMPTS_WITH_FREE_PORT : 1;
        for (int attempt = 1; ; attempt++) {
          int chosen = port != 0 ? port : freePort(listen);
          List<InetSocketAddress> bound = new ArrayList<>();
          for (InetAddress a : listen) {
            bound.add(new InetSocketAddress(a, chosen));
          }
          Path conf = dir.resolve("nsd.conf");
          Files.writeString(conf, config(dir, bound, version, zoneClauses), UTF_8);
          Launch launch = Launch.start(nsd, conf, dir);
          String failure;
          try {
            failure = launch.awaitReady(bound, zoneTexts.keySet(), startTimeout);
          } catch (IOException | RuntimeException e) {
            launch.stop();
            throw e;
          }
          if (failure == null) {
            NsdServer server = new NsdServer(dir, bound, version, launch);
            launch.onShutdown = server::close; // at JVM exit, also delete the directory
            return server;
          }
          launch.stop();
          String log = readLog(dir);
          boolean portTaken = log.contains("in use");
          if (port == 0 && portTaken && attempt < attempts) {
            appendQuietly(dir.resolve("nsd.out"), "[launcher] port " + chosen + " taken, retrying");
            continue; // another process took the free port between our probe and NSD's bind
          }
          throw new IllegalStateException(
              "NSD " + version + " on " + bound + " " + failure + "; NSD's log:\n" + log);
        }
      } catch (IOException e) {
        deleteRecursively(dir);
        throw new UncheckedIOException("cannot write NSD's configuration in " + dir, e);
      } catch (RuntimeException e) {
        deleteRecursively(dir);
        throw e;
      }
    }

    private String config(
        Path dir, List<InetSocketAddress> bound, String version, List<String> zoneClauses) {
      boolean ip4 = bound.stream().anyMatch(a -> !(a.getAddress() instanceof Inet6Address));
      boolean ip6 = bound.stream().anyMatch(a -> a.getAddress() instanceof Inet6Address);
      Map<String, String> options = new LinkedHashMap<>();
      options.put("username", "\"\""); // do not drop privileges: works as root and as a user
      options.put("chroot", "\"\"");
      options.put("pidfile", quote(dir.resolve("nsd.pid")));
      options.put("zonesdir", quote(dir));
      if (olderThan(version, 4, 8)) {
        options.put("database", "\"\""); // read zone files directly; 4.8 removed nsd.db
      }
      options.put("xfrdfile", quote(dir.resolve("xfrd.state")));
      options.put("xfrdir", quote(dir));
      options.put("zonelistfile", quote(dir.resolve("zone.list")));
      options.put("logfile", quote(dir.resolve("nsd.log")));
      options.put("verbosity", "1");
      options.put("hide-version", "yes");
      options.put("hide-identity", "yes");
      // Debian builds with --enable-ratelimit and a 200 answers/s default: looks like timeouts.
      options.put("rrl-ratelimit", "0");
      options.put("rrl-whitelist-ratelimit", "0");
      options.put("do-ip4", ip4 ? "yes" : "no");
      options.put("do-ip6", ip6 ? "yes" : "no");
      options.put("server-count", "1");
      options.put("tcp-count", "64");
      options.put("reuseport", "no");
      options.put("zonefiles-write", "0");
      options.put("statistics", "0");
      options.putAll(serverOptions);

      StringBuilder conf = new StringBuilder();
      conf.append("# written by dev.mailpath.diag.testkit.peer.NsdServer\nserver:\n");
      for (InetSocketAddress a : bound) {
        conf.append("  ip-address: ")
            .append(a.getAddress().getHostAddress())
            .append('@')
            .append(a.getPort())
            .append('\n');
      }
      options.forEach((k, v) -> conf.append("  ").append(k).append(": ").append(v).append('\n'));
      conf.append("remote-control:\n  control-enable: no\n");
      zoneClauses.forEach(conf::append);
      return conf.toString();
    }
  }

  /**
   * Writes each zone to its own file, checks it, and returns the matching {@code zone:} clauses.
   */
  private static List<String> writeZones(Path nsd, Path dir, Map<Name, String> zones)
      throws IOException {
    Optional<Path> checkzone = siblingOrPath(nsd, "nsd-checkzone");
    List<String> clauses = new ArrayList<>();
    int index = 0;
    for (Map.Entry<Name, String> zone : zones.entrySet()) {
      String origin = zone.getKey().toString();
      String file = String.format(Locale.ROOT, "%02d-%s.zone", index++, fileStem(origin));
      Path path = dir.resolve(file);
      String text = zone.getValue();
      Files.writeString(path, text.endsWith("\n") ? text : text + "\n", UTF_8);
      if (checkzone.isPresent()) {
        ToolRun check =
            ToolRun.run(List.of(checkzone.get().toString(), origin, path.toString()), TOOL_TIMEOUT);
        if (check.exitCode() != 0) {
          throw new IllegalArgumentException(
              "nsd-checkzone rejected zone " + origin + ":\n" + check.output().strip());
        }
      }
      clauses.add("zone:\n  name: \"" + origin + "\"\n  zonefile: \"" + file + "\"\n");
    }
    return clauses;
  }

  /** One run of the wrapper shell and the NSD process under it. */
  private static final class Launch {
    final Process process;
    final OutputStream stdin;
    final Thread shutdownHook;
    final Path dir;
    volatile long nsdPid = -1;
    volatile Runnable onShutdown = this::stop;

    private Launch(Process process, Path dir) {
      this.process = process;
      this.stdin = process.getOutputStream();
      this.dir = dir;
      this.shutdownHook = new Thread(() -> onShutdown.run(), "nsd-shutdown-" + process.pid());
    }

    static Launch start(Path nsd, Path conf, Path dir) throws IOException {
      Path out = dir.resolve("nsd.out");
      ProcessBuilder pb =
          new ProcessBuilder(
                  "/bin/sh", "-c", WRAPPER, "nsd-wrapper", nsd.toString(), conf.toString())
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
      // stdin stays a pipe: its write end, held by this JVM, is NSD's lifeline (see WRAPPER)
      Launch launch = new Launch(pb.start(), dir);
      Runtime.getRuntime().addShutdownHook(launch.shutdownHook);
      return launch;
    }

    /**
     * Polls every address with a real SOA query (RD clear, as to any authoritative server) until
     * each gives an authoritative NOERROR answer.
     *
     * @return null when ready, otherwise what went wrong
     */
    String awaitReady(List<InetSocketAddress> bound, Iterable<Name> zones, Duration timeout)
        throws IOException {
      Name probe = zones.iterator().hasNext() ? zones.iterator().next() : Name.root;
      boolean expectAnswer = zones.iterator().hasNext();
      long deadline = System.nanoTime() + timeout.toNanos();
      for (InetSocketAddress target : bound) {
        try (DatagramSocket socket = new DatagramSocket()) {
          socket.connect(target);
          socket.setSoTimeout(200);
          while (true) {
            if (!process.isAlive()) {
              return "exited with status " + process.exitValue() + " before answering";
            }
            if (System.nanoTime() - deadline > 0) {
              return "did not answer an SOA query for " + probe + " within " + timeout;
            }
            if (answers(socket, probe, expectAnswer)) {
              break;
            }
          }
        }
      }
      nsdPid = readPid();
      return null;
    }

    private boolean answers(DatagramSocket socket, Name probe, boolean expectAnswer)
        throws IOException {
      Message query = Message.newQuery(org.xbill.DNS.Record.newRecord(probe, Type.SOA, DClass.IN));
      query.getHeader().unsetFlag(Flags.RD);
      byte[] wire = query.toWire();
      try {
        socket.send(new DatagramPacket(wire, wire.length));
        byte[] buffer = new byte[4096];
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        while (System.nanoTime() - until < 0) {
          DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
          socket.receive(reply);
          Message response;
          try {
            response = new Message(java.util.Arrays.copyOf(buffer, reply.getLength()));
          } catch (IOException malformed) {
            continue;
          }
          if (response.getHeader().getID() != query.getHeader().getID()
              || !response.getHeader().getFlag(Flags.QR)) {
            continue; // a late reply to an earlier probe
          }
          if (!expectAnswer) {
            return true;
          }
          return response.getRcode() == Rcode.NOERROR
              && response.getHeader().getFlag(Flags.AA)
              && response.getSection(Section.ANSWER).stream()
                  .anyMatch(r -> r.getType() == Type.SOA);
        }
        return false;
      } catch (SocketTimeoutException e) {
        return false;
      } catch (PortUnreachableException e) {
        // not bound yet: ICMP comes back at once, so pause instead of spinning
        waitForExit(Duration.ofMillis(50));
        return false;
      }
    }

    private long readPid() {
      try {
        String text = Files.readString(dir.resolve("nsd.pid"), UTF_8).strip();
        if (!text.isEmpty()) {
          return Long.parseLong(text);
        }
      } catch (IOException | NumberFormatException e) {
        // fall back to the wrapper's child
      }
      return process
          .children()
          .filter(p -> p.info().command().map(c -> c.endsWith("nsd")).orElse(false))
          .mapToLong(ProcessHandle::pid)
          .findFirst()
          .orElse(process.pid());
    }

    private boolean waitForExit(Duration d) {
      try {
        return process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("interrupted while waiting for NSD to start");
      }
    }

    /**
     * Stops NSD: closing our end of the wrapper's stdin makes it send SIGTERM to NSD and exit once
     * NSD has; SIGTERM to the wrapper is the fallback, SIGKILL to the whole tree the last resort.
     */
    void stop() {
      List<ProcessHandle> tree;
      try (Stream<ProcessHandle> descendants = process.descendants()) {
        tree = descendants.toList();
      }
      closeQuietly(stdin);
      boolean interrupted = Thread.interrupted();
      try {
        if (!awaitGone(process.toHandle(), STOP_TIMEOUT)) {
          process.destroy();
          if (!awaitGone(process.toHandle(), STOP_TIMEOUT)) {
            process.destroyForcibly();
          }
        }
        for (ProcessHandle p : tree) {
          if (!awaitGone(p, Duration.ofSeconds(2))) {
            p.destroyForcibly();
          }
        }
        closeQuietly(process.getInputStream());
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // called from the hook itself, or during JVM shutdown: nothing to remove
      }
    }

    /**
     * Waits until a process has exited. NSD's main process does not wait for its server and xfrd
     * children, so they are reaped by init; a zombie holds no sockets and counts as gone.
     */
    private static boolean awaitGone(ProcessHandle p, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!gone(p)) {
        if (System.nanoTime() - deadline > 0) {
          return false;
        }
        try {
          p.onExit().get(10, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException
            | java.util.concurrent.ExecutionException e) {
          // poll again: onExit of a non-child only notices the exit after reaping
        } catch (InterruptedException e) {
          // stopping must finish: remember the interrupt, the caller restores it
          Thread.currentThread().interrupt();
          return gone(p);
        }
      }
      return true;
    }
  }

  /**
   * Returns whether a process has exited or is a zombie waiting to be reaped (Linux {@code
   * /proc/<pid>/stat} state {@code Z} or {@code X}).
   */
  static boolean gone(ProcessHandle p) {
    if (!p.isAlive()) {
      return true;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"), UTF_8);
      int afterName = stat.lastIndexOf(')');
      if (afterName > 0 && afterName + 2 < stat.length()) {
        char state = stat.charAt(afterName + 2);
        return state == 'Z' || state == 'X';
      }
    } catch (IOException e) {
      return !p.isAlive(); // no /proc (not Linux) or the process just vanished
    }
    return false;
  }

  private static String readVersion(Path nsd) {
    ToolRun result = ToolRun.run(List.of(nsd.toString(), "-v"), TOOL_TIMEOUT);
    Matcher m = VERSION.matcher(result.output());
    return m.find() ? m.group(1) + "." + m.group(2) + "." + m.group(3) : "unknown";
  }

  private static boolean olderThan(String version, int major, int minor) {
    Matcher m = VERSION.matcher("NSD version " + version);
    if (!m.matches()) {
      return true; // unknown: assume the widely deployed 4.x before 4.8 (Debian 12 ships 4.6)
    }
    int ma = Integer.parseInt(m.group(1));
    int mi = Integer.parseInt(m.group(2));
    return ma < major || (ma == major && mi < minor);
  }

  /**
   * Picks a port free for UDP and TCP on every address by binding to port 0 and releasing the
   * sockets; NSD binds it a moment later, so {@code start()} retries if something else took it.
   */
  private static int freePort(List<InetAddress> listen) throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < 50; attempt++) {
      List<Closeable> held = new ArrayList<>();
      try {
        DatagramSocket first = new DatagramSocket(new InetSocketAddress(listen.get(0), 0));
        held.add(first);
        int candidate = first.getLocalPort();
        for (int i = 0; i < listen.size(); i++) {
          if (i > 0) {
            held.add(new DatagramSocket(new InetSocketAddress(listen.get(i), candidate)));
          }
          ServerSocket tcp = new ServerSocket();
          held.add(tcp);
          tcp.bind(new InetSocketAddress(listen.get(i), candidate));
        }
        return candidate;
      } catch (BindException e) {
        last = e;
      } finally {
        held.forEach(NsdServer::closeQuietly);
      }
    }
    throw new IOException("no port free for UDP and TCP on " + listen, last);
  }

  private static Name parseOrigin(String origin) {
    String text = origin.strip();
    if (text.isEmpty() || !text.equals(origin) || text.matches(".*[\\s\"#;\\\\].*")) {
      throw new IllegalArgumentException(
          "origin must be a domain name such as \"example.test.\", was '" + origin + "'");
    }
    try {
      return Name.fromString(text.endsWith(".") ? text : text + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException("origin is not a valid domain name: '" + origin + "'", e);
    }
  }

  private static InetAddress parseLoopback(String ip) {
    requireNonNull(ip, "loopbackIp");
    boolean literal = IPV4_LITERAL.matcher(ip).matches() || (ip.contains(":") && !ip.contains("%"));
    if (literal) {
      try {
        InetAddress address = InetAddress.getByName(ip); // a literal: parsed, never looked up
        if (address.isLoopbackAddress()) {
          return address;
        }
      } catch (UnknownHostException e) {
        // reported below
      }
    }
    throw new IllegalArgumentException(
        "address must be a loopback IP literal (127.0.0.0/8 or ::1), was '" + ip + "'");
  }

  private static String fileStem(String origin) {
    if (origin.equals(".")) {
      return "root";
    }
    String stem = origin.substring(0, origin.length() - 1).replaceAll("[^A-Za-z0-9.-]", "_");
    return stem.length() > 60 ? stem.substring(0, 60) : stem;
  }

  private static String quote(Path path) {
    String text = path.toAbsolutePath().toString();
    if (text.contains("\"") || text.contains("\n")) {
      throw new IllegalStateException("cannot quote path for nsd.conf: " + text);
    }
    return "\"" + text + "\"";
  }

  private static Optional<Path> siblingOrPath(Path executable, String tool) {
    Path parent = executable.toAbsolutePath().getParent();
    if (parent != null) {
      Path sibling = parent.resolve(tool);
      if (Files.isRegularFile(sibling) && Files.isExecutable(sibling)) {
        return Optional.of(sibling);
      }
    }
    return Peers.findExecutable(tool);
  }

  private static String readLog(Path dir) {
    StringBuilder text = new StringBuilder();
    for (String file : List.of("nsd.log", "nsd.out")) {
      try {
        String content = Files.readString(dir.resolve(file), UTF_8);
        if (!content.isBlank()) {
          text.append(content.endsWith("\n") ? content : content + "\n");
        }
      } catch (NoSuchFileException e) {
        // not written (yet)
      } catch (IOException e) {
        text.append("[cannot read ").append(file).append(": ").append(e).append("]\n");
      }
    }
    return text.toString();
  }

  private static void appendQuietly(Path file, String line) {
    try {
      Files.writeString(
          file,
          line + "\n",
          UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException ignored) {
      // only a log line
    }
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // best effort while stopping
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(NsdServer::deleteQuietly);
    } catch (IOException ignored) {
      // already gone, or not ours to delete any more
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // NSD may still be removing its own files; a leftover temp file is harmless
    }
  }
}
