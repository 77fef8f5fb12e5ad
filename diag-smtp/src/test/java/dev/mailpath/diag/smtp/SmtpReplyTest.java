package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SmtpReplyTest {

  @Test
  void toString_multiline_printsAsSent() {
    assertThat(SmtpReply.of(250, "mx.test", "STARTTLS")).hasToString("250-mx.test\n250 STARTTLS");
  }

  @Test
  void of_enhancedStatus_parsedFromFirstLine() {
    assertThat(SmtpReply.of(451, "4.7.1 Greylisted, try later").enhancedStatus()).contains("4.7.1");
  }

  @Test
  void none_saysWhyAndIsNotReceived() {
    SmtpReply r = SmtpReply.none("connection closed by server");

    assertThat(r.received()).isFalse();
    assertThat(r.code()).isZero();
    assertThat(r.firstLine()).isEqualTo("(no reply: connection closed by server)");
  }

  @Test
  void constructor_codeOutOfRange_throws() {
    assertThatThrownBy(() -> SmtpReply.of(199, "x")).isInstanceOf(IllegalArgumentException.class);
  }
}
