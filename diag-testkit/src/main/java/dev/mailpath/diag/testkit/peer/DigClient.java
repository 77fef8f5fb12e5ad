package dev.mailpath.diag.testkit.peer;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Runs BIND's {@code dig} (Debian package {@code bind9-dnsutils}) against a loopback server, to
 * cross-check our resolver and our servers with an independent client.
 *
 * <pre>{@code
 * DigClient dig = DigClient.require();                   // skips, or fails with -Dpeers.required=true
 * List<String> mx = dig.query(nsd.address(), "example.test", "MX");   // ["10 mx1.example.test."]
 * String full = dig.raw(nsd.address(), "example.test", "SOA", "+dnssec");
 * }</pre>
 *
 * <p>Every query is {@code dig -r @addr -p port +norecurse +time=2 +tries=1 name type}: no {@code
 * ~/.digrc}, no recursion, one try. A run that takes longer than 10 seconds is killed. Only
 * loopback servers are accepted, so a test can never reach the network by accident. Instances are
 * immutable and thread-safe.
 */
public final class DigClient {

  /** How to install dig on Debian, for skip and failure messages. */
  public static final String INSTALL_HINT = "apt-get install bind9-dnsutils";

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Pattern TYPE = Pattern.compile("[A-Za-z][A-Za-z0-9]*");
  private static final Pattern OPTION = Pattern.compile("\\+[a-z][a-z0-9-]*(=[A-Za-z0-9.]+)?");

  private final Path executable;

  private DigClient(Path executable) {
    this.executable = executable;
  }

  /**
   * Finds {@code dig} on {@code PATH}, {@code /usr/sbin}, {@code /usr/bin} or {@code /sbin}.
   *
   * @return a client, or empty when dig is not installed
   */
  public static Optional<DigClient> find() {
    return Peers.findExecutable("dig").map(DigClient::new);
  }

  /**
   * Finds {@code dig} or skips the current test (fails it with {@code -Dpeers.required=true}).
   *
   * @return a client
   * @throws org.opentest4j.TestAbortedException if dig is missing and peers are not required
   * @throws org.opentest4j.AssertionFailedError if dig is missing and peers are required
   */
  public static DigClient require() {
    return new DigClient(Peers.requireExecutable("dig", INSTALL_HINT, "dig"));
  }

  /**
   * Returns a client that runs the given executable.
   *
   * @param executable the path of {@code dig}
   * @return a client
   * @throws IllegalArgumentException if the file is not executable
   */
  public static DigClient of(Path executable) {
    requireNonNull(executable, "executable");
    if (!Files.isRegularFile(executable) || !Files.isExecutable(executable)) {
      throw new IllegalArgumentException("not an executable file: " + executable);
    }
    return new DigClient(executable);
  }

  /**
   * Returns the {@code dig} executable this client runs.
   *
   * @return its path
   */
  public Path executable() {
    return executable;
  }

  /**
   * Asks a server one question with {@code +short} and returns the answer lines as dig prints them,
   * in dig's order (not sorted); dig's own {@code ;;} comment lines are left out. A truncated UDP
   * answer is retried over TCP by dig, as usual.
   *
   * @param server a loopback server address with its port
   * @param name the name to ask for, such as {@code "example.test"}
   * @param type the record type, such as {@code "MX"} or {@code "TYPE65"}
   * @param options further dig query options, each starting with {@code +} (e.g. {@code +tcp},
   *     {@code +noedns})
   * @return the answer's lines, empty for NXDOMAIN or NODATA
   * @throws IllegalArgumentException if the server is not loopback or an argument is malformed
   * @throws IllegalStateException if dig fails (e.g. no answer: exit status 9) or is killed after
   *     10 seconds; the message holds its output
   */
  public List<String> query(InetSocketAddress server, String name, String type, String... options) {
    List<String> command = command(server, name, type, options);
    command.add("+short");
    ToolRun run = ToolRun.run(command, TIMEOUT);
    if (run.exitCode() != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " failed (exit " + run.exitCode() + "):\n" + run.output());
    }
    List<String> lines = new ArrayList<>();
    for (String line : run.output().split("\n", -1)) {
      if (!line.isBlank() && !line.startsWith(";;")) {
        lines.add(line.strip());
      }
    }
    return List.copyOf(lines);
  }

  /**
   * Asks a server one question and returns dig's full output (header, flags, sections, statistics),
   * whatever the outcome: a timeout or refused connection is part of the text, not an exception.
   *
   * @param server a loopback server address with its port
   * @param name the name to ask for
   * @param type the record type
   * @param options further dig query options, each starting with {@code +}
   * @return dig's standard output and error
   * @throws IllegalArgumentException if the server is not loopback or an argument is malformed
   * @throws IllegalStateException if dig could not run or is killed after 10 seconds
   */
  public String raw(InetSocketAddress server, String name, String type, String... options) {
    List<String> command = command(server, name, type, options);
    ToolRun run = ToolRun.run(command, TIMEOUT);
    if (run.timedOut() || (run.exitCode() == -1 && run.output().contains("could not run"))) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + run.output());
    }
    return run.output();
  }

  /**
   * Returns a description naming the executable.
   *
   * @return for example {@code "DigClient[/usr/bin/dig]"}
   */
  @Override
  public String toString() {
    return "DigClient[" + executable + "]";
  }

  private List<String> command(
      InetSocketAddress server, String name, String type, String... options) {
    requireNonNull(server, "server");
    requireNonNull(name, "name");
    requireNonNull(type, "type");
    requireNonNull(options, "options");
    InetAddress address = server.getAddress();
    if (address == null || !address.isLoopbackAddress()) {
      throw new IllegalArgumentException(
          "server must be a resolved loopback address (127.0.0.0/8 or ::1), was " + server);
    }
    // names and options become argv entries: refuse what dig would read as a flag or server
    if (name.isEmpty()
        || !name.chars().allMatch(c -> c > ' ' && c < 127)
        || "-+@".indexOf(name.charAt(0)) >= 0) {
      throw new IllegalArgumentException("name must be a domain name, was '" + name + "'");
    }
    if (!TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException(
          "type must be a record type such as MX, was '" + type + "'");
    }
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.add("-r"); // ignore ~/.digrc: its options would change the output
    command.add("@" + address.getHostAddress());
    command.add("-p");
    command.add(Integer.toString(server.getPort()));
    command.add("+norecurse");
    command.add("+time=2");
    command.add("+tries=1");
    for (String option : options) {
      requireNonNull(option, "option");
      if (!OPTION.matcher(option).matches()) {
        throw new IllegalArgumentException(
            "option must be a dig query option such as +tcp, was '" + option + "'");
      }
      command.add(option);
    }
    command.add(name);
    command.add(type);
    return command;
  }
}
