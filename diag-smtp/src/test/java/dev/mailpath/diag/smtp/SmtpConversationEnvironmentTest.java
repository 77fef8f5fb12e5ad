package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.DiagEventListener;
import dev.mailpath.diag.testkit.ScriptedSmtpServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SmtpConversationEnvironmentTest {

  @Test
  void environmentConsumer_changesOneSeam_listenerSeesCommands() {
    List<String> commands = new CopyOnWriteArrayList<>();
    DiagEventListener listener =
        new DiagEventListener() {
          @Override
          public void commandEnd(String command, String reply, Duration elapsed) {
            commands.add(command + " -> " + reply);
          }
        };
    try (ScriptedSmtpServer server =
        ScriptedSmtpServer.builder()
            .reply(220, "mx.test ESMTP")
            .expect("EHLO")
            .reply(250, "mx.test")
            .start()) {
      SmtpReport r =
          SmtpClient.builder()
              .timeouts(SmtpTimeouts.all(Duration.ofSeconds(2)))
              .environment(e -> e.eventListener(listener))
              .build()
              .run(SmtpConversation.to(server.host(), server.port()).ehlo("probe.test"));

      assertThat(r.completed()).isTrue();
      assertThat(commands).anyMatch(c -> c.startsWith("EHLO probe.test -> 250"));
    }
  }
}
