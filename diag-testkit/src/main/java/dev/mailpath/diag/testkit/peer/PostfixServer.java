package dev.mailpath.diag.testkit.peer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.testkit.TestCertificates;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.opentest4j.AssertionFailedError;

/**
 * A private Postfix instance (Debian's {@code postfix} package) on 127.0.0.1 for ring-3 tests: its
 * own configuration, queue and data directories in a temporary directory, one smtpd on an ephemeral
 * port (and more on request, each with its own relay policy), optional STARTTLS with a certificate
 * made at test time, and optional AUTH through Dovecot's SASL ({@code dovecot-core}).
 *
 * <pre>{@code
 * TestCertificates.ServerCertificate cert = TestCertificates.selfSigned("mx.postfix.test");
 * try (PostfixServer postfix = PostfixServer.builder()
 *     .myHostname("mx.postfix.test").domain("postfix.test")
 *     .user("alice", "s3cret").tls(cert).saslWithDovecot().tlsAuthOnly(true)
 *     .start()) {
 *   // SMTP on postfix.host():postfix.port()
 * }
 * }</pre>
 *
 * <p>Policy: the local domain accepts only the configured users and postmaster (others get 550
 * 5.1.1); on the main service relaying is allowed only to SASL-authenticated clients; {@code
 * mynetworks} is 127.0.0.2/32 so that the test client on 127.0.0.1 is <em>not</em> trusted (Postfix
 * trusts its own host by default, which would make every relay probe pass). Nothing leaves the
 * instance: mail for other domains goes to the {@code discard} transport.
 *
 * <p>More smtpd services, each on its own port with its own {@link RelayPolicy} and optional {@code
 * -o} overrides, share the instance's queue, users and SASL:
 *
 * <pre>{@code
 * PostfixServer postfix = PostfixServer.builder().user("alice", "s3cret").saslWithDovecot().tlsAuthOnly(false)
 *     .service("closed", PostfixServer.RelayPolicy.CLOSED)
 *     .service("open", PostfixServer.RelayPolicy.OPEN)
 *     .service("strict", PostfixServer.RelayPolicy.CLOSED, "smtpd_hard_error_limit=2")
 *     .start();
 * postfix.port("open");   // an open relay on loopback; postfix.port() is the main service
 * }</pre>
 *
 * <p>Postfix's master must run as root; {@link Builder#start()} skips or fails the test by the
 * {@link Peers} policy when Postfix, Dovecot or root is missing. Logs go to {@link #log()}. Not
 * thread-safe; one instance per test class is typical.
 */
public final class PostfixServer implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  /** The name of the main smtpd service, the one {@link #port()} returns. */
  public static final String MAIN_SERVICE = "smtp";

  /**
   * The relay restrictions of an smtpd service ({@code smtpd_relay_restrictions}); every policy
   * keeps {@code permit_mynetworks} first, which trusts only 127.0.0.2, never the test client.
   */
  public enum RelayPolicy {
    /**
     * Relaying for SASL-authenticated clients only: {@code permit_sasl_authenticated,
     * reject_unauth_destination}.
     */
    SASL_ONLY("permit_mynetworks,permit_sasl_authenticated,reject_unauth_destination"),
    /** No relaying for anyone, authenticated or not: {@code reject_unauth_destination}. */
    CLOSED("permit_mynetworks,reject_unauth_destination"),
    /**
     * An open relay: every client is permitted ({@code check_client_access static:OK}) before
     * {@code reject_unauth_destination}, which stays unreachable (Postfix refuses to start an smtpd
     * without it, and warns about anything after a plain {@code permit}). Safe on loopback only
     * because nothing is ever delivered off the instance.
     */
    OPEN("permit_mynetworks,check_client_access,static:OK,reject_unauth_destination");

    private final String restrictions;

    RelayPolicy(String restrictions) {
      this.restrictions = restrictions;
    }

    /**
     * Returns the value of {@code smtpd_relay_restrictions} for this policy.
     *
     * @return comma-separated restrictions
     */
    public String restrictions() {
      return restrictions;
    }
  }

  private final Path dir;
  private final Map<String, Integer> ports;
  private final Process master;
  private final Process dovecot;
  private final List<String> log;

  private PostfixServer(
      Path dir, Map<String, Integer> ports, Process master, Process dovecot, List<String> log) {
    this.dir = dir;
    this.ports = Collections.unmodifiableMap(new LinkedHashMap<>(ports));
    this.master = master;
    this.dovecot = dovecot;
    this.log = log;
  }

  /**
   * Starts describing an instance.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
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
   * Returns the port of the main smtpd service.
   *
   * @return the port
   */
  public int port() {
    return ports.get(MAIN_SERVICE);
  }

  /**
   * Returns the port of a service added with {@link Builder#service(String, RelayPolicy,
   * String...)}, or of the main service ({@value #MAIN_SERVICE}).
   *
   * @param service the service name
   * @return the port
   * @throws IllegalArgumentException when no service has that name
   */
  public int port(String service) {
    Integer p = ports.get(requireNonNull(service, "service"));
    if (p == null) {
      throw new IllegalArgumentException(
          "no smtpd service named '" + service + "'; services: " + ports.keySet());
    }
    return p;
  }

  /**
   * Returns every smtpd service and its port, the main one first.
   *
   * @return service name to port
   */
  public Map<String, Integer> ports() {
    return ports;
  }

  /**
   * Returns the instance's directory (configuration in {@code conf}, queue in {@code queue}).
   *
   * @return the directory
   */
  public Path directory() {
    return dir;
  }

  /**
   * Returns what Postfix and Dovecot logged so far.
   *
   * @return log lines
   */
  public List<String> log() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  /** Stops Postfix and Dovecot and deletes the instance directory. */
  @Override
  public void close() {
    stop(master);
    if (dovecot != null) {
      stop(dovecot);
    }
    deleteQuietly(dir);
  }

  private static void stop(Process p) {
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temp directory is harmless
    }
  }

  /** Describes a Postfix instance; not thread-safe. */
  public static final class Builder {
    private String myHostname = "mx.postfix.test";
    private String domain = "postfix.test";
    private final Map<String, String> users = new LinkedHashMap<>();
    private TestCertificates.ServerCertificate cert;
    private boolean sasl;
    private boolean tlsAuthOnly = true;
    private final Map<String, Service> services = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Adds an smtpd service on its own ephemeral port with its own relay policy; it shares the
     * instance's domain, users, TLS and SASL settings.
     *
     * @param name a short name, letters, digits and hyphens, for {@link PostfixServer#port(String)}
     *     and the log ({@code postfix/<name>/smtpd})
     * @param policy the relay restrictions
     * @param overrides further {@code main.cf} parameters for this service only, as {@code
     *     name=value} without spaces (commas separate list items), for example {@code
     *     smtpd_hard_error_limit=2}
     * @return this builder
     * @throws IllegalArgumentException for a bad or duplicate name or a malformed override
     */
    public Builder service(String name, RelayPolicy policy, String... overrides) {
      requireNonNull(name, "name");
      requireNonNull(policy, "policy");
      if (!name.matches("[a-z0-9][a-z0-9-]{0,30}")
          || name.equals(MAIN_SERVICE)
          || services.containsKey(name)) {
        throw new IllegalArgumentException(
            "service name must be new, lower-case letters, digits and hyphens, and not '"
                + MAIN_SERVICE
                + "': "
                + name);
      }
      List<String> o = new ArrayList<>();
      for (String ov : requireNonNull(overrides, "overrides")) {
        if (ov == null || !ov.matches("[a-z_0-9]+=[^\\s{}]*")) {
          throw new IllegalArgumentException(
              "override must look like name=value without spaces: " + ov);
        }
        o.add(ov);
      }
      services.put(name, new Service(policy, List.copyOf(o)));
      return this;
    }

    /**
     * Sets the name in the banner and EHLO reply ({@code myhostname}).
     *
     * @param name the host name
     * @return this builder
     */
    public Builder myHostname(String name) {
      this.myHostname = requireNonNull(name, "name");
      return this;
    }

    /**
     * Sets the local mail domain ({@code mydestination}).
     *
     * @param domain the domain
     * @return this builder
     */
    public Builder domain(String domain) {
      this.domain = requireNonNull(domain, "domain");
      return this;
    }

    /**
     * Adds a local user: a mailbox {@code name@domain} and, with SASL, a login.
     *
     * @param name the user name
     * @param password the SASL password
     * @return this builder
     */
    public Builder user(String name, String password) {
      users.put(requireNonNull(name, "name"), requireNonNull(password, "password"));
      return this;
    }

    /**
     * Offers STARTTLS with this certificate.
     *
     * @param cert the server certificate
     * @return this builder
     */
    public Builder tls(TestCertificates.ServerCertificate cert) {
      this.cert = requireNonNull(cert, "cert");
      return this;
    }

    /**
     * Offers AUTH PLAIN and LOGIN through Dovecot's SASL.
     *
     * @return this builder
     */
    public Builder saslWithDovecot() {
      this.sasl = true;
      return this;
    }

    /**
     * Offers AUTH only inside TLS ({@code smtpd_tls_auth_only}); on by default.
     *
     * @param only whether AUTH needs TLS
     * @return this builder
     */
    public Builder tlsAuthOnly(boolean only) {
      this.tlsAuthOnly = only;
      return this;
    }

    /**
     * Writes the configuration and starts Dovecot (when SASL is on) and Postfix's master.
     *
     * @return the running instance
     * @throws org.opentest4j.TestAbortedException when a peer is missing and peers are not required
     * @throws AssertionFailedError when a peer is missing and peers are required, or it fails to
     *     start
     */
    public PostfixServer start() {
      Path postfix = Peers.requireExecutable("Postfix", "apt-get install postfix", "postfix");
      Path master = Path.of("/usr/lib/postfix/sbin/master");
      Peers.requirePeer(
          "Postfix master daemon", "apt-get install postfix", Files.isExecutable(master));
      Peers.requirePeer(
          "root (Postfix's master must run as root)", "run the real-peer tests as root", isRoot());
      Path dovecotExe = null;
      if (sasl) {
        dovecotExe = Peers.requireExecutable("Dovecot", "apt-get install dovecot-core", "dovecot");
      }
      Path dir;
      try {
        dir = Files.createTempDirectory("mailpath-postfix-");
        // Postfix daemons run as the postfix user and must reach the queue below this directory.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      List<String> log = Collections.synchronizedList(new ArrayList<>());
      Process dovecot = null;
      try {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put(MAIN_SERVICE, freePort());
        for (String name : services.keySet()) {
          int p;
          do {
            p = freePort();
          } while (ports.containsValue(p));
          ports.put(name, p);
        }
        writeConfig(dir, ports);
        run(List.of(postfix.toString(), "-c", dir.resolve("conf").toString(), "check"), log);
        run(List.of("chown", "postfix", dir.resolve("data").toString()), log);
        run(
            List.of(
                postfix.toString().replace("postfix", "postmap"),
                "-c",
                dir.resolve("conf").toString(),
                dir.resolve("conf/recipients").toString()),
            log);
        if (sasl) {
          dovecot =
              launch(
                  List.of(
                      dovecotExe.toString(), "-F", "-c", dir.resolve("dovecot.conf").toString()),
                  log,
                  "starting up");
        }
        Process m =
            launch(
                List.of(master.toString(), "-d", "-c", dir.resolve("conf").toString()),
                log,
                "daemon started");
        return new PostfixServer(dir, ports, m, dovecot, log);
      } catch (RuntimeException | Error e) {
        if (dovecot != null) {
          stop(dovecot);
        }
        deleteQuietly(dir);
        throw e;
      }
    }

    private static boolean isRoot() {
      ToolRun id = ToolRun.run(List.of("id", "-u"), Duration.ofSeconds(5));
      return id.exitCode() == 0 && id.output().strip().equals("0");
    }

    private static int freePort() {
      try (ServerSocket s =
          new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
        return s.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static void run(List<String> command, List<String> log) {
      ToolRun r = ToolRun.run(command, Duration.ofSeconds(30));
      log.add(String.join(" ", command) + "\n" + r.output());
      if (r.exitCode() != 0) {
        throw new AssertionFailedError(String.join(" ", command) + " failed:\n" + r.output());
      }
    }

    /** Starts a daemon in the foreground and waits until it logs {@code marker}. */
    private static Process launch(List<String> command, List<String> log, String marker) {
      Process p;
      try {
        p = new ProcessBuilder(command).redirectErrorStream(true).start();
      } catch (IOException e) {
        throw new AssertionFailedError(command.get(0) + " could not start: " + e);
      }
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8))) {
                  for (String l; (l = r.readLine()) != null; ) {
                    log.add(l);
                    lines.add(l);
                  }
                } catch (IOException ignored) {
                  // the daemon stopped
                }
              },
              "peer-log-" + Path.of(command.get(0)).getFileName());
      reader.setDaemon(true);
      reader.start();
      long end = System.nanoTime() + START_TIMEOUT.toNanos();
      try {
        while (true) {
          long left = end - System.nanoTime();
          String l = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
          if (l == null) {
            p.destroyForcibly();
            throw new AssertionFailedError(
                command.get(0)
                    + " did not log '"
                    + marker
                    + "' within "
                    + START_TIMEOUT
                    + ":\n"
                    + String.join("\n", log));
          }
          if (l.contains(marker)) {
            return p;
          }
          if (l.contains("fatal") || l.contains("Fatal")) {
            p.destroyForcibly();
            throw new AssertionFailedError(
                command.get(0) + " failed to start:\n" + String.join("\n", log));
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
        throw new CancellationException("interrupted while starting " + command.get(0));
      }
    }

    private void writeConfig(Path dir, Map<String, Integer> ports) {
      try {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(dir.resolve("queue"));
        Files.createDirectories(dir.resolve("data"));
        StringBuilder main = new StringBuilder();
        main.append("compatibility_level = 3.6\n")
            .append("queue_directory = ")
            .append(dir.resolve("queue"))
            .append('\n')
            .append("data_directory = ")
            .append(dir.resolve("data"))
            .append('\n')
            .append("command_directory = /usr/sbin\n")
            .append("daemon_directory = /usr/lib/postfix/sbin\n")
            .append("meta_directory = /etc/postfix\n")
            .append("shlib_directory = /usr/lib/postfix\n")
            .append("mail_owner = postfix\n")
            .append("setgid_group = postdrop\n")
            .append("myhostname = ")
            .append(myHostname)
            .append('\n')
            .append("mydomain = ")
            .append(domain)
            .append('\n')
            .append("mydestination = ")
            .append(domain)
            .append('\n')
            .append("inet_interfaces = 127.0.0.1\n")
            .append("inet_protocols = ipv4\n")
            // The test client on 127.0.0.1 must not be a trusted network, or relay tests lie.
            .append("mynetworks = 127.0.0.2/32\n")
            .append("smtpd_banner = $myhostname ESMTP\n")
            .append("local_recipient_maps = hash:")
            .append(conf.resolve("recipients"))
            .append('\n')
            .append("alias_maps =\nalias_database =\n")
            .append("maillog_file = /dev/stdout\n")
            .append(
                "smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\n")
            .append("smtpd_recipient_restrictions = reject_unlisted_recipient\n")
            // No DNS from the peer either: everything stays on loopback.
            .append(
                "smtp_host_lookup = native\ndisable_dns_lookups = yes\nsmtpd_peername_lookup = no\n")
            // Nothing leaves the instance. Not the error transport: smtpd refuses recipients that
            // resolve to it at RCPT (550 5.1.1), which would hide what a client may relay.
            .append("default_transport = discard:no outbound mail in tests\n");
        if (cert != null) {
          Files.writeString(conf.resolve("cert.pem"), cert.certificatePem());
          Files.writeString(conf.resolve("key.pem"), cert.privateKeyPem());
          main.append("smtpd_tls_security_level = may\n")
              .append("smtpd_tls_cert_file = ")
              .append(conf.resolve("cert.pem"))
              .append('\n')
              .append("smtpd_tls_key_file = ")
              .append(conf.resolve("key.pem"))
              .append('\n');
        }
        if (sasl) {
          main.append("smtpd_sasl_auth_enable = yes\n")
              .append("smtpd_sasl_type = dovecot\n")
              .append("smtpd_sasl_path = private/auth\n")
              .append("smtpd_tls_auth_only = ")
              .append(tlsAuthOnly ? "yes" : "no")
              .append('\n');
        }
        Files.writeString(conf.resolve("main.cf"), main.toString());
        Files.writeString(conf.resolve("master.cf"), masterCf(ports, services));
        StringBuilder rcpt = new StringBuilder();
        for (String u : users.keySet()) {
          rcpt.append(u).append('@').append(domain).append(" ok\n");
        }
        rcpt.append("postmaster@").append(domain).append(" ok\n");
        Files.writeString(conf.resolve("recipients"), rcpt.toString());
        if (sasl) {
          StringBuilder pw = new StringBuilder();
          users.forEach((u, p) -> pw.append(u).append(":{PLAIN}").append(p).append('\n'));
          Files.writeString(dir.resolve("dovecot-users"), pw.toString());
          Files.createDirectories(dir.resolve("dovecot-run"));
          Files.writeString(dir.resolve("dovecot.conf"), dovecotConf(dir));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static String masterCf(Map<String, Integer> ports, Map<String, Service> services) {
      StringBuilder smtpd = new StringBuilder();
      smtpd.append("127.0.0.1:").append(ports.get(MAIN_SERVICE)).append(" inet n - n - - smtpd\n");
      services.forEach(
          (name, svc) -> {
            smtpd
                .append("127.0.0.1:")
                .append(ports.get(name))
                .append(" inet n - n - - smtpd\n")
                .append("  -o syslog_name=postfix/")
                .append(name)
                .append('\n')
                .append("  -o smtpd_relay_restrictions=")
                .append(svc.policy().restrictions())
                .append('\n');
            for (String o : svc.overrides()) {
              smtpd.append("  -o ").append(o).append('\n');
            }
          });
      return smtpd
          + "pickup    unix  n - n 60 1 pickup\n"
          + "cleanup   unix  n - n - 0 cleanup\n"
          + "qmgr      unix  n - n 300 1 qmgr\n"
          + "tlsmgr    unix  - - n 1000? 1 tlsmgr\n"
          + "rewrite   unix  - - n - - trivial-rewrite\n"
          + "bounce    unix  - - n - 0 bounce\n"
          + "defer     unix  - - n - 0 bounce\n"
          + "trace     unix  - - n - 0 bounce\n"
          + "verify    unix  - - n - 1 verify\n"
          + "flush     unix  n - n 1000? 0 flush\n"
          + "proxymap  unix  - - n - - proxymap\n"
          + "smtp      unix  - - n - - smtp\n"
          + "relay     unix  - - n - - smtp\n"
          + "showq     unix  n - n - - showq\n"
          + "error     unix  - - n - - error\n"
          + "retry     unix  - - n - - error\n"
          + "discard   unix  - - n - - discard\n"
          + "local     unix  - n n - - local\n"
          + "anvil     unix  - - n - 1 anvil\n"
          + "scache    unix  - - n - 1 scache\n"
          + "postlog   unix-dgram n - n - 1 postlogd\n";
    }

    private static String dovecotConf(Path dir) {
      return "base_dir = "
          + dir.resolve("dovecot-run")
          + "\n"
          + "protocols = none\n"
          + "log_path = /dev/stderr\n"
          + "ssl = no\n"
          + "auth_mechanisms = plain login\n"
          + "disable_plaintext_auth = no\n"
          + "passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%n "
          + dir.resolve("dovecot-users")
          + "\n}\n"
          + "userdb {\n  driver = static\n  args = uid=nobody gid=nogroup home=/tmp\n}\n"
          + "service auth {\n  unix_listener "
          + dir.resolve("queue/private/auth")
          + " {\n"
          + "    mode = 0660\n    user = postfix\n    group = postfix\n  }\n}\n";
    }
  }

  /** One extra smtpd service: its relay policy and its {@code -o} overrides. */
  private record Service(RelayPolicy policy, List<String> overrides) {}

  /** Returns {@code Postfix on 127.0.0.1:port} and the extra services' ports. */
  @Override
  public String toString() {
    return "Postfix on "
        + new InetSocketAddress(host(), port())
        + (ports.size() > 1 ? " " + ports : "");
  }
}
