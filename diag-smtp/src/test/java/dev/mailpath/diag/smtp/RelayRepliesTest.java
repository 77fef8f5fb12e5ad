package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.smtp.internal.RelayJudge;
import dev.mailpath.diag.smtp.internal.RelayPaths;
import dev.mailpath.diag.smtp.internal.RelayReplies;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** How replies are judged, how passes combine, and how paths are built: no server needed. */
class RelayRepliesTest {

  private static RelayResponse classify(int code, String text) {
    return RelayReplies.classify(SmtpReply.of(code, text));
  }

  @Test
  void classify_relayDenials_areRefusedOnlyWhenPermanent() {
    assertThat(classify(554, "5.7.1 <x@ext.test>: Relay access denied"))
        .isEqualTo(RelayResponse.REFUSED);
    assertThat(classify(550, "5.7.54 SMTP; Unable to relay recipient in non-accepted domain"))
        .isEqualTo(RelayResponse.REFUSED);
    assertThat(classify(454, "4.7.1 <x@ext.test>: Relay access denied"))
        .isEqualTo(RelayResponse.DEFERRED);
    assertThat(classify(250, "2.1.5 Ok")).isEqualTo(RelayResponse.ACCEPTED);
    assertThat(classify(251, "User not local; will forward")).isEqualTo(RelayResponse.ACCEPTED);
  }

  @Test
  void classify_530StartTls_isNotAuthenticationRequired() {
    assertThat(classify(530, "5.7.0 Must issue a STARTTLS command first"))
        .isEqualTo(RelayResponse.STARTTLS_REQUIRED);
    assertThat(classify(530, "Must issue a STARTTLS command first"))
        .isEqualTo(RelayResponse.STARTTLS_REQUIRED);
    assertThat(classify(530, "5.7.0 Authentication required"))
        .isEqualTo(RelayResponse.AUTH_REQUIRED);
    assertThat(classify(530, "5.7.1 Client was not authenticated"))
        .isEqualTo(RelayResponse.AUTH_REQUIRED);
    assertThat(classify(550, "5.7.1 Relaying denied. Proper authentication required."))
        .isEqualTo(RelayResponse.AUTH_REQUIRED);
  }

  @Test
  void classify_brokenDialogue_isNoAnswer() {
    assertThat(classify(421, "4.7.0 Error: too many errors")).isEqualTo(RelayResponse.NO_ANSWER);
    assertThat(classify(503, "MAIL must come before RCPT")).isEqualTo(RelayResponse.NO_ANSWER);
    assertThat(classify(354, "go ahead")).isEqualTo(RelayResponse.NO_ANSWER);
    assertThat(RelayReplies.classify(SmtpReply.none("connection closed by server")))
        .isEqualTo(RelayResponse.NO_ANSWER);
  }

  @Test
  void greylisting_isRecognisedByCodeAndText() {
    assertThat(
            RelayReplies.greylisting(
                SmtpReply.of(450, "4.2.0 <x@y>: Recipient address rejected: Greylisted")))
        .isTrue();
    assertThat(
            RelayReplies.greylisting(
                SmtpReply.of(451, "4.7.1 Greylisting in action, please come back later")))
        .isTrue();
    assertThat(RelayReplies.greylisting(SmtpReply.of(451, "4.3.0 Temporary lookup failure")))
        .isFalse();
  }

  @Test
  void verdict_combinesPasses() {
    assertThat(RelayJudge.verdict(RelayPassResult.RELAYED, null))
        .isEqualTo(RelayVerdict.OPEN_RELAY);
    assertThat(RelayJudge.verdict(RelayPassResult.RELAYED, RelayPassResult.RELAYED))
        .isEqualTo(RelayVerdict.OPEN_RELAY);
    assertThat(RelayJudge.verdict(RelayPassResult.REFUSED, null)).isEqualTo(RelayVerdict.CLOSED);
    assertThat(RelayJudge.verdict(RelayPassResult.REFUSED, RelayPassResult.INCONCLUSIVE))
        .isEqualTo(RelayVerdict.CLOSED);
    assertThat(RelayJudge.verdict(RelayPassResult.REFUSED, RelayPassResult.RELAYED))
        .isEqualTo(RelayVerdict.AUTHENTICATED_ONLY);
    // A submission service: refuses everything anonymously, relays after AUTH.
    assertThat(RelayJudge.verdict(RelayPassResult.REFUSES_ALL, RelayPassResult.RELAYED))
        .isEqualTo(RelayVerdict.AUTHENTICATED_ONLY);
    assertThat(RelayJudge.verdict(RelayPassResult.REFUSES_ALL, null))
        .isEqualTo(RelayVerdict.REFUSES_ALL);
    assertThat(RelayJudge.verdict(RelayPassResult.INCONCLUSIVE, RelayPassResult.RELAYED))
        .isEqualTo(RelayVerdict.INCONCLUSIVE);
  }

  @Test
  void paths_followTheDocumentedTemplates() throws Exception {
    RelayPaths p =
        new RelayPaths(
            "example.org", "postmaster@example.org", "ext.test", "relaytest", "nobody-1");
    String ip = RelayPaths.literal(InetAddress.getByName("192.0.2.25"));

    assertThat(ip).isEqualTo("[192.0.2.25]");
    assertThat(RelayPaths.literal(InetAddress.getByName("2001:db8::25")))
        .isEqualTo("[IPv6:2001:db8::25]");
    assertThat(RelayPaths.literalOf("[::1]:25")).contains("[IPv6:::1]");
    for (RelayVariant v : RelayVariant.values()) {
      String expected =
          v.rcptToTemplate()
              .replace("localRecipient", "postmaster@example.org")
              .replace("mailpath-nonexistent-XXXXXXXX", "nobody-1")
              .replace("relaytest", "R")
              .replace("[ip]", ip)
              .replace("ext", "ext.test")
              .replace("local", "example.org")
              .replace("R", "relaytest");
      assertThat(p.rcptTo(v, ip)).as("%s", v).isEqualTo(expected);
      String from =
          v.mailFromTemplate()
              .replace("[ip]", ip)
              .replace("ext", "ext.test")
              .replace("local", "example.org");
      assertThat(p.mailFrom(v, ip)).as("%s", v).isEqualTo(from);
    }
  }
}
