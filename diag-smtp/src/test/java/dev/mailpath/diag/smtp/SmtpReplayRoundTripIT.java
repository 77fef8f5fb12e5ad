package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.Direction;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.HostAndPort;
import dev.mailpath.diag.testkit.SmtpReplay;
import dev.mailpath.diag.testkit.SmtpReplayServer;
import dev.mailpath.diag.testkit.TestCertificates;
import dev.mailpath.diag.testkit.peer.PostfixServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ring 3: records a STARTTLS session with a real Postfix through the recording proxy, replays it,
 * and gets the same report, timings and addresses aside. The recording is written to {@code
 * target/recordings/postfix-starttls-rcpt.txt}; the one checked in under {@code
 * src/test/resources/recordings} came from this test. Skipped when Postfix or root is missing,
 * unless {@code -Dpeers.required=true}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SmtpReplayRoundTripIT {

  private static final TestCertificates.ServerCertificate REAL =
      TestCertificates.selfSigned("mx.postfix.test");
  private static final TestCertificates.ServerCertificate PROXY =
      TestCertificates.selfSigned("mx.postfix.test");

  static SmtpReport run(SmtpReplayServer server) {
    SmtpClient client =
        SmtpClient.builder()
            .timeouts(SmtpTimeouts.all(Duration.ofSeconds(10)))
            .tls(
                t ->
                    t.trustManager(server.certificate().trustManager())
                        .expectedName("mx.postfix.test"))
            .build();
    return client.run(
        SmtpConversation.to(server.host(), server.port())
            .ehlo("client.test")
            .startTls()
            .mailFrom("someone@client.test")
            .rcptTo("postmaster@postfix.test")
            .rcptTo("nobody@postfix.test")
            .quitAfter(SmtpPhase.RCPT));
  }

  /** What must be equal between the real session and its replay: no times, no addresses. */
  static List<Object> essence(SmtpReport r) {
    return List.of(
        r.outcome(),
        r.completed(),
        r.endedAt(),
        r.findings().stream().map(Finding::code).toList(),
        r.steps().stream().map(s -> s.phase() + " " + s.command() + " -> " + s.reply()).toList(),
        r.capabilities().map(Object::toString).orElse(""),
        r.tls().isPresent(),
        r.transcript().lines().stream()
            .filter(l -> l.direction() != Direction.NOTE)
            .map(l -> l.direction() + " " + l.text())
            .toList());
  }

  @Test
  void recordThroughProxy_thenReplay_givesTheSameReport() {
    try (PostfixServer postfix =
        PostfixServer.builder()
            .myHostname("mx.postfix.test")
            .domain("postfix.test")
            .tls(REAL)
            .start()) {
      SmtpReport real;
      SmtpReplay recording;
      try (SmtpReplayServer proxy =
          SmtpReplayServer.record(HostAndPort.of(postfix.host(), postfix.port()), PROXY)) {
        real = run(proxy);
        recording = proxy.recordings().get(0);
      }
      assertThat(real.tls()).as("%s", real).isPresent();
      assertThat(recording.usesTls()).isTrue();
      recording.writeTo(Path.of("target/recordings/postfix-starttls-rcpt.txt"));
      // The proxy's recording and the one written from the client's transcript ask the same.
      assertThat(SmtpReplay.of(real.transcript()).commands()).isEqualTo(recording.commands());

      SmtpReport replayed;
      try (SmtpReplayServer replay = SmtpReplayServer.replay(recording, PROXY)) {
        replayed = run(replay);
        assertThat(replay.divergences()).isEmpty();
      }

      assertThat(essence(replayed)).as("%s%n---%n%s", real, replayed).isEqualTo(essence(real));
    }
  }
}
