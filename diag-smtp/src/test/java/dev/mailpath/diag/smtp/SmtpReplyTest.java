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
  void of_enhancedStatus_onlyAWholeStatusOfTheReplysClass() {
    assertThat(SmtpReply.of(250, "2.0.0").enhancedStatus()).contains("2.0.0");
    assertThat(SmtpReply.of(550, "5.1.1\tunknown user").enhancedStatus()).contains("5.1.1");
    assertThat(SmtpReply.of(550, "5.123.456 long parts").enhancedStatus()).contains("5.123.456");
    assertThat(SmtpReply.of(550, "4.1.1 class of another code").enhancedStatus()).isEmpty();
    assertThat(SmtpReply.of(354, "3.0.0 no such class").enhancedStatus()).isEmpty();
    assertThat(SmtpReply.of(250, "2.1234.5 too many digits").enhancedStatus()).isEmpty();
    assertThat(SmtpReply.of(250, "2.1.5x glued to a word").enhancedStatus()).isEmpty();
    assertThat(SmtpReply.of(250, "2.1. missing detail").enhancedStatus()).isEmpty();
    assertThat(SmtpReply.of(250, "Ok 2.0.0 not first").enhancedStatus()).isEmpty();
    assertThat(SmtpReply.of(250, "2..0 empty subject").enhancedStatus()).isEmpty();
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
