package dev.mailpath.diag.testkit.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class PeersTest {

  private static Properties withRequired(String value) {
    Properties properties = new Properties();
    properties.setProperty(Peers.REQUIRED_PROPERTY, value);
    return properties;
  }

  @Test
  void required_propertyAbsent_false() {
    assertThat(Peers.required(new Properties())).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "TRUE", " yes ", "1", ""})
  void required_trueOrEmpty_true(String value) {
    assertThat(Peers.required(withRequired(value))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"false", "False", "no", "0"})
  void required_false_false(String value) {
    assertThat(Peers.required(withRequired(value))).isFalse();
  }

  @Test
  void required_typo_throwsNamingProperty() {
    assertThatThrownBy(() -> Peers.required(withRequired("ture")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-Dpeers.required")
        .hasMessageContaining("'ture'");
  }

  @Test
  void requirePeer_presentAndRequired_returns() {
    Peers.requirePeer("NSD", "apt-get install nsd", true, true);
  }

  @Test
  void requirePeer_presentNotRequired_returns() {
    Peers.requirePeer("NSD", "apt-get install nsd", true, false);
  }

  @Test
  void requirePeer_missingNotRequired_skipsWithInstallHint() {
    Throwable thrown =
        catchThrowable(() -> Peers.requirePeer("NSD", "apt-get install nsd", false, false));

    assertThat(thrown)
        .isInstanceOf(TestAbortedException.class)
        .hasMessageStartingWith("NSD not installed: apt-get install nsd;")
        .hasMessageContaining("-Dpeers.required=true");
  }

  @Test
  void requirePeer_missingRequired_failsWithInstallHint() {
    Throwable thrown =
        catchThrowable(() -> Peers.requirePeer("NSD", "apt-get install nsd", false, true));

    assertThat(thrown)
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageStartingWith("NSD not installed: apt-get install nsd")
        .hasMessageContaining(".ci/install-peers.sh")
        .hasMessageEndingWith("set -Dpeers.required=false to skip");
  }

  @Test
  void requirePeer_missingWithoutHint_namesPeer() {
    Throwable thrown = catchThrowable(() -> Peers.requirePeer("Dovecot", "", false, false));

    assertThat(thrown)
        .isInstanceOf(TestAbortedException.class)
        .hasMessageStartingWith("Dovecot not installed;");
  }

  @Test
  void requirePeer_present_ignoresPolicy() {
    // the system property is not even consulted when the peer is there
    Peers.requirePeer("sh", true);
  }

  @Test
  void findExecutable_shell_found() {
    assertThat(Peers.findExecutable("sh"))
        .hasValueSatisfying(p -> assertThat(Files.isExecutable(p)).isTrue());
  }

  @Test
  void findExecutable_unknownName_empty() {
    assertThat(Peers.findExecutable("mailpath-no-such-tool-7f3a")).isEmpty();
  }

  @Test
  void findExecutable_extraDir_searchedBeforePath(@TempDir Path dir) throws IOException {
    Path fake = Files.createFile(dir.resolve("sh"));
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));

    assertThat(Peers.findExecutable("sh", dir.toString())).contains(fake.toAbsolutePath());
  }

  @Test
  void findExecutable_notExecutableInExtraDir_skipped(@TempDir Path dir) throws IOException {
    Path plain = Files.createFile(dir.resolve("mailpath-plain-file"));
    Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-------"));

    assertThat(Peers.findExecutable("mailpath-plain-file", dir.toString())).isEmpty();
  }

  @Test
  void findExecutable_pathInsteadOfName_throws() {
    assertThatThrownBy(() -> Peers.findExecutable("/usr/sbin/nsd"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bare executable name");
  }

  @Test
  void requireExecutable_missing_followsThisJvmsPolicy() {
    if (Peers.required()) {
      assertThatThrownBy(() -> Peers.requireExecutable("Nothing", "", "mailpath-no-such-tool-7f3a"))
          .isInstanceOf(AssertionFailedError.class);
    } else {
      assertThatThrownBy(() -> Peers.requireExecutable("Nothing", "", "mailpath-no-such-tool-7f3a"))
          .isInstanceOf(TestAbortedException.class);
    }
  }
}
