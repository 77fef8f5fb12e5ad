package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.testkit.GreenMailSmtp;
import dev.mailpath.diag.testkit.ScriptedSmtpServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SmtpSessionTest {

  @Test
  void calls_againstGreenMail_returnRepliesAtOnce() {
    try (GreenMailSmtp mail =
            GreenMailSmtp.builder().user("alice@mail.test", "alice", "pw").start();
        SmtpSession s = SmtpSession.open(mail.host(), mail.smtpPort())) {

      assertThat(s.banner().code()).isEqualTo(220);
      SmtpReply ehlo = s.ehlo("c.test");
      assertThat(ehlo.code()).isEqualTo(250);
      assertThat(s.capabilities().orElseThrow().authMechanisms()).contains("PLAIN", "LOGIN");
      assertThat(s.auth(SmtpCredentials.of("alice", "pw")).code()).isEqualTo(235);
      assertThat(s.mailFrom("a@b.test").code()).isEqualTo(250);
      assertThat(s.rcptTo("alice@mail.test").code()).isEqualTo(250);
      assertThat(s.data(Map.of("Subject", "interactive"), "hi").code()).isEqualTo(250);
      assertThat(s.transcript().toString())
          .contains(" -> RCPT TO:<alice@mail.test>", " -> AUTH PLAIN [redacted]");
      assertThat(s.quit().code()).isEqualTo(221);
      assertThat(s.connected()).isFalse();
      SmtpReply after = s.noop();
      assertThat(after.received()).isFalse();
      assertThat(s.report().completed()).isTrue();
      assertThat(mail.awaitMessages(5000, 1)).isTrue();
    }
  }

  @Test
  void calls_afterServerHangsUp_returnReplyLessResultSayingSo() {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.builder()
                .reply(220, "mx.test")
                .expect("EHLO")
                .reply(250, "mx.test")
                .expect("MAIL")
                .reply(421, "4.7.0 bye")
                .disconnect()
                .start();
        SmtpSession s = SmtpSession.open(server.host(), server.port())) {

      assertThat(s.ehlo("c.test").code()).isEqualTo(250);
      assertThat(s.mailFrom("a@b.test").code()).isEqualTo(421);
      SmtpReply r = s.rcptTo("x@y.test");

      assertThat(r.received()).isFalse();
      assertThat(r.firstLine()).contains("not sent", "421");
      assertThat(s.findings()).extracting(f -> f.code()).contains("smtp.reply.temporary");
    }
  }

  @Test
  void calls_whenServerClosesSilently_reportClosedThenReplyLess() {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.builder().reply(220, "mx.test").expect("EHLO").disconnect().start();
        SmtpSession s = SmtpSession.open(server.host(), server.port())) {

      SmtpReply r = s.ehlo("c.test");

      assertThat(r.received()).isFalse();
      assertThat(s.findings()).extracting(f -> f.code()).contains("smtp.connect.closed");
      assertThat(s.noop().firstLine()).contains("not sent", "connection closed by server");
      assertThat(s.connected()).isFalse();
    }
  }

  @Test
  void open_refused_givesReplyLessBanner() throws Exception {
    int port;
    try (java.net.ServerSocket ss =
        new java.net.ServerSocket(
            0, 1, java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
      port = ss.getLocalPort();
    }
    try (SmtpSession s = SmtpSession.open("127.0.0.1", port)) {
      assertThat(s.banner().received()).isFalse();
      assertThat(s.banner().firstLine()).contains("refused");
      assertThat(s.ehlo("c.test").received()).isFalse();
    }
  }

  @Test
  void mailFrom_lineBreak_throwsBeforeSending() {
    try (ScriptedSmtpServer server = ScriptedSmtpServer.builder().reply(220, "mx.test").start();
        SmtpSession s = SmtpSession.open(server.host(), server.port())) {

      assertThatThrownBy(() -> s.mailFrom("a@b\r\nDATA"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(s.transcript().sent()).isEmpty();
    }
  }

  @Test
  void open_withConversationSettings_usesItsTimeouts() {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.builder().reply(220, "mx.test").expect("EHLO").stall().start();
        SmtpSession s =
            SmtpClient.builder()
                .timeouts(SmtpTimeouts.all(Duration.ofMillis(300)))
                .build()
                .open(SmtpConversation.to(server.host(), server.port()))) {

      SmtpReply r = s.ehlo("c.test");

      assertThat(r.received()).isFalse();
      assertThat(s.findings()).extracting(f -> f.code()).containsExactly("smtp.timeout");
    }
  }
}
