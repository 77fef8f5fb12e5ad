package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.testkit.SmtpReplayServer;
import dev.mailpath.diag.testkit.junit5.Replay;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every build replays the session {@link SmtpReplayRoundTripIT} recorded from a real Postfix:
 * STARTTLS, one recipient accepted, one refused, QUIT. No Postfix needed.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SmtpReplayCheckedInTest {

  @Replay(value = "recordings/postfix-starttls-rcpt.txt", target = "mx.postfix.test:25")
  static SmtpReplayServer mx;

  @Test
  void replay_recordedPostfixSession_givesPostfixsReplies() {
    SmtpReport r = SmtpReplayRoundTripIT.run(mx);

    assertThat(mx.divergences()).isEmpty();
    assertThat(r.tls()).as("%s", r).isPresent();
    assertThat(r.steps())
        .filteredOn(s -> s.command().startsWith("RCPT"))
        .extracting(s -> s.reply().code())
        .containsExactly(250, 550);
  }
}
