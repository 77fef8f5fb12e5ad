package dev.mailpath.diag.testkit.peer;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Decides what a ring-3 test does when a third-party peer (NSD, Postfix, Dovecot, dig...) is not
 * installed: on a laptop the test is skipped, in CI ({@code -Dpeers.required=true}) it fails.
 *
 * <pre>{@code
 * @Test
 * void resolve_nullMx_reportsFinding() {
 *   Path nsd = Peers.requireExecutable("NSD", "apt-get install nsd", "nsd");
 *   try (NsdServer server = NsdServer.builder().executable(nsd).zone("example.test.", zone).start()) {
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>A skip is an {@link TestAbortedException} (what JUnit's {@code Assumptions} throw), a failure
 * an {@link AssertionFailedError}; both carry a message that says how to install the peer and how
 * to change the policy. All methods are static and thread-safe.
 */
public final class Peers {

  /** The system property that makes a missing peer fail the test instead of skipping it. */
  public static final String REQUIRED_PROPERTY = "peers.required";

  /**
   * Where executables are looked for after {@code PATH}: Debian puts daemons in {@code /usr/sbin},
   * which is not on a normal user's {@code PATH}.
   */
  private static final List<String> DEFAULT_DIRS = List.of("/usr/sbin", "/usr/bin", "/sbin");

  private Peers() {}

  /**
   * Returns whether missing peers fail tests, reading the system property {@value
   * #REQUIRED_PROPERTY} of this JVM.
   *
   * @return {@code true} when the property is {@code true}, {@code yes}, {@code 1} or empty (as
   *     {@code -Dpeers.required} alone sets it); {@code false} when it is absent, {@code false},
   *     {@code no} or {@code 0}
   * @throws IllegalArgumentException if the property has any other value (a typo must not make CI
   *     silently skip its real-peer tests)
   */
  public static boolean required() {
    return required(System.getProperties());
  }

  /**
   * Returns whether missing peers fail tests according to {@value #REQUIRED_PROPERTY} in the given
   * properties; {@link #required()} applies this to the system properties.
   *
   * @param properties where to read {@value #REQUIRED_PROPERTY}
   * @return the policy, as described for {@link #required()}
   * @throws IllegalArgumentException if the property has an unrecognized value
   */
  public static boolean required(Properties properties) {
    requireNonNull(properties, "properties");
    String value = properties.getProperty(REQUIRED_PROPERTY);
    if (value == null) {
      return false;
    }
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "":
      case "true":
      case "yes":
      case "1":
        return true;
      case "false":
      case "no":
      case "0":
        return false;
      default:
        throw new IllegalArgumentException(
            "-D" + REQUIRED_PROPERTY + " must be true or false, was '" + value + "'");
    }
  }

  /**
   * Finds an executable by its file name, the way a shell would, plus the system directories a
   * non-root {@code PATH} lacks.
   *
   * <p>Searched in order: each of {@code extraDirs}, each entry of the {@code PATH} environment
   * variable, then {@code /usr/sbin}, {@code /usr/bin} and {@code /sbin}. The first regular,
   * executable file wins.
   *
   * @param name a bare file name such as {@code "nsd"}
   * @param extraDirs directories searched before {@code PATH}, for installations elsewhere
   * @return the executable's path, or empty when none was found
   * @throws IllegalArgumentException if {@code name} is blank or contains a path separator
   */
  public static Optional<Path> findExecutable(String name, String... extraDirs) {
    requireNonNull(name, "name");
    requireNonNull(extraDirs, "extraDirs");
    if (name.isBlank() || name.contains("/") || name.contains(File.separator)) {
      throw new IllegalArgumentException(
          "name must be a bare executable name such as \"nsd\", was '" + name + "'");
    }
    List<String> dirs = new ArrayList<>(List.of(extraDirs));
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(File.pathSeparator)));
    }
    dirs.addAll(DEFAULT_DIRS);
    for (String dir : dirs) {
      if (dir == null || dir.isEmpty()) {
        continue; // an empty PATH entry means ".", which a test harness should not depend on
      }
      try {
        Path candidate = Path.of(dir, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate.toAbsolutePath());
        }
      } catch (InvalidPathException e) {
        // a malformed PATH entry is skipped, as a shell would
      }
    }
    return Optional.empty();
  }

  /**
   * Skips or fails the current test when a peer is missing, by the {@link #required()} policy.
   *
   * @param what the peer's name as a reader knows it, e.g. {@code "NSD"}
   * @param present whether the peer is available; when {@code true} this method does nothing
   * @throws TestAbortedException if the peer is missing and peers are not required (skip)
   * @throws AssertionFailedError if the peer is missing and peers are required (fail)
   */
  public static void requirePeer(String what, boolean present) {
    requirePeer(what, "", present, present || required());
  }

  /**
   * Skips or fails the current test when a peer is missing, by the {@link #required()} policy,
   * telling the reader how to install it.
   *
   * @param what the peer's name as a reader knows it, e.g. {@code "NSD"}
   * @param installHint how to install it, e.g. {@code "apt-get install nsd"}; may be empty
   * @param present whether the peer is available; when {@code true} this method does nothing
   * @throws TestAbortedException if the peer is missing and peers are not required (skip)
   * @throws AssertionFailedError if the peer is missing and peers are required (fail)
   */
  public static void requirePeer(String what, String installHint, boolean present) {
    requirePeer(what, installHint, present, present || required());
  }

  /**
   * Skips or fails the current test when a peer is missing, with an explicit policy instead of the
   * system property.
   *
   * <p>The message reads, for example, {@code "NSD not installed: apt-get install nsd; set
   * -Dpeers.required=false to skip"} when failing and {@code "NSD not installed: apt-get install
   * nsd; skipped (set -Dpeers.required=true to fail instead)"} when skipping.
   *
   * @param what the peer's name as a reader knows it, e.g. {@code "NSD"}
   * @param installHint how to install it, e.g. {@code "apt-get install nsd"}; may be empty
   * @param present whether the peer is available; when {@code true} this method does nothing
   * @param required {@code true} to fail when the peer is missing, {@code false} to skip
   * @throws TestAbortedException if the peer is missing and {@code required} is false
   * @throws AssertionFailedError if the peer is missing and {@code required} is true
   */
  public static void requirePeer(
      String what, String installHint, boolean present, boolean required) {
    requireNonNull(what, "what");
    requireNonNull(installHint, "installHint");
    if (present) {
      return;
    }
    String missing =
        what + " not installed" + (installHint.isBlank() ? "" : ": " + installHint.strip());
    if (required) {
      throw new AssertionFailedError(
          missing
              + " (or run .ci/install-peers.sh as root); set -D"
              + REQUIRED_PROPERTY
              + "=false to skip");
    }
    throw new TestAbortedException(
        missing + "; skipped (set -D" + REQUIRED_PROPERTY + "=true to fail instead)");
  }

  /**
   * Finds an executable with {@link #findExecutable(String, String...)}, skipping or failing the
   * current test by the {@link #required()} policy when it is missing.
   *
   * @param what the peer's name as a reader knows it, e.g. {@code "NSD"}
   * @param installHint how to install it, e.g. {@code "apt-get install nsd"}; may be empty
   * @param name the executable's bare file name, e.g. {@code "nsd"}
   * @param extraDirs directories searched before {@code PATH}
   * @return the executable's path
   * @throws TestAbortedException if it is missing and peers are not required (skip)
   * @throws AssertionFailedError if it is missing and peers are required (fail)
   */
  public static Path requireExecutable(
      String what, String installHint, String name, String... extraDirs) {
    Optional<Path> found = findExecutable(name, extraDirs);
    requirePeer(what, installHint, found.isPresent());
    return found.orElseThrow();
  }
}
