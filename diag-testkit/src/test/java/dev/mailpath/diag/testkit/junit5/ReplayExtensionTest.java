package dev.mailpath.diag.testkit.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.mailpath.diag.testkit.ScriptedSmtpServer;
import dev.mailpath.diag.testkit.SmtpReplay;
import dev.mailpath.diag.testkit.SmtpReplayServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.EventConditions;
import org.junit.platform.testkit.engine.TestExecutionResultConditions;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ReplayExtensionTest {

  /** Says hello and quits, the way the hand-written recording expects. */
  static void hello(SmtpReplayServer server) throws Exception {
    try (Socket s = new Socket(server.host(), server.port())) {
      s.setSoTimeout(5000);
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      assertThat(in.readLine()).startsWith("220 mx.test");
      s.getOutputStream().write("EHLO c.test\r\n".getBytes(StandardCharsets.UTF_8));
      assertThat(in.readLine()).isEqualTo("250-mx.test");
      assertThat(in.readLine()).isEqualTo("250 8BITMIME");
      s.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.UTF_8));
      assertThat(in.readLine()).isEqualTo("221 2.0.0 Bye");
    }
  }

  static class Replaying {
    @Replay(value = "recordings/hand-written-hello.txt", target = "${test.target}")
    static SmtpReplayServer mx;

    @Test
    void hello() throws Exception {
      assertThat(mx.recording()).isFalse();
      ReplayExtensionTest.hello(mx);
      assertThat(mx.divergences()).isEmpty();
    }
  }

  static class Recording {
    @Replay(value = "recordings/new.txt", target = "${test.target}")
    SmtpReplayServer mx;

    @Test
    void hello() throws Exception {
      assertThat(mx.recording()).isTrue();
      ReplayExtensionTest.hello(mx);
    }
  }

  static class MissingRecording {
    @Replay(value = "recordings/does-not-exist.txt", target = "mx.test:25")
    SmtpReplayServer mx;

    @Test
    void never() {}
  }

  @Test
  void replayMode_servesTheRecordingFromTheClassPath() {
    EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(Replaying.class))
        .execute()
        .testEvents()
        .assertStatistics(s -> s.succeeded(1));
  }

  @Test
  void recordMode_proxiesToTargetAndWritesTheSession(@TempDir Path dir) throws Exception {
    try (ScriptedSmtpServer real =
        ScriptedSmtpServer.builder()
            .reply(220, "mx.test ESMTP real")
            .expect("EHLO")
            .reply(250, "mx.test", "8BITMIME")
            .start()) {
      EngineTestKit.engine("junit-jupiter")
          .configurationParameter(Replay.RECORD_PROPERTY, "true")
          .configurationParameter(Replay.DIRECTORY_PROPERTY, dir.toString())
          .configurationParameter("test.target", "127.0.0.1:" + real.port())
          .selectors(selectClass(Recording.class))
          .execute()
          .testEvents()
          .assertStatistics(s -> s.succeeded(1));
    }

    SmtpReplay recorded = SmtpReplay.read(dir.resolve("recordings/new.txt"));
    assertThat(recorded.commands()).containsExactly("EHLO c.test", "QUIT");
    assertThat(Files.readString(dir.resolve("recordings/new.txt")))
        .contains("S: 220 mx.test ESMTP real", "S: 250-mx.test", "S: 221 2.0.0 Bye");
  }

  @Test
  void replayMode_missingRecording_failsWithHowToRecord() {
    EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(MissingRecording.class))
        .execute()
        .testEvents()
        .assertThatEvents()
        .haveExactly(
            1,
            EventConditions.finishedWithFailure(
                TestExecutionResultConditions.instanceOf(ExtensionConfigurationException.class),
                TestExecutionResultConditions.message(m -> m.contains("-Dmailpath.record=true"))));
  }
}
