package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EhloCapabilitiesTest {

  private static final EhloCapabilities POSTFIX =
      EhloCapabilities.parse(
          List.of(
              "mx.test",
              "PIPELINING",
              "SIZE 10240000",
              "VRFY",
              "ETRN",
              "STARTTLS",
              "AUTH PLAIN LOGIN CRAM-MD5",
              "AUTH=PLAIN LOGIN",
              "ENHANCEDSTATUSCODES",
              "8BITMIME",
              "DSN",
              "SMTPUTF8",
              "CHUNKING"));

  @Test
  void parse_postfixReply_readsEveryExtension() {
    assertThat(POSTFIX.domain()).isEqualTo("mx.test");
    assertThat(POSTFIX.sizeLimit()).hasValue(10240000);
    assertThat(POSTFIX.pipelining()).isTrue();
    assertThat(POSTFIX.startTls()).isTrue();
    assertThat(POSTFIX.authMechanisms()).containsExactly("PLAIN", "LOGIN", "CRAM-MD5");
    assertThat(POSTFIX.eightBitMime()).isTrue();
    assertThat(POSTFIX.smtpUtf8()).isTrue();
    assertThat(POSTFIX.enhancedStatusCodes()).isTrue();
    assertThat(POSTFIX.chunking()).isTrue();
    assertThat(POSTFIX.dsn()).isTrue();
    assertThat(POSTFIX.keywords()).containsKeys("VRFY", "ETRN");
  }

  @Test
  void parse_absurdSize_isInvalidAndHasNoLimit() {
    EhloCapabilities c =
        EhloCapabilities.parse(List.of("mx.test", "SIZE 999999999999999999999999"));

    assertThat(c.sizeLimit()).isEmpty();
    assertThat(c.sizeInvalid()).isTrue();
  }

  @Test
  void parse_negativeSize_isInvalid() {
    assertThat(EhloCapabilities.parse(List.of("mx.test", "SIZE -1")).sizeInvalid()).isTrue();
  }

  @Test
  void parse_sizeWithoutNumber_isValidWithoutLimit() {
    EhloCapabilities c = EhloCapabilities.parse(List.of("mx.test", "SIZE"));

    assertThat(c.sizeInvalid()).isFalse();
    assertThat(c.sizeLimit()).isEmpty();
  }

  @Test
  void parse_lowerCaseKeywords_areNormalised() {
    assertThat(EhloCapabilities.parse(List.of("mx", "starttls")).startTls()).isTrue();
  }
}
