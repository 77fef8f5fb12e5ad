package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * One parser for addresses: every entry point of diag-smtp refuses a display name the same way,
 * before anything is sent (nothing listens on the targets used here).
 */
class MailAddressEntryPointsTest {
  private static final String PASTED = "Me <me@example.net>";

  private static void refused(ThrowingCallable call, String parameter) {
    assertThatThrownBy(call)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(parameter)
        .hasMessageContaining("parse");
  }

  @Test
  void conversation_mailFromAndRcptTo_refuseADisplayName() {
    SmtpConversation c = SmtpConversation.to("127.0.0.1", 9);
    refused(() -> c.mailFrom(PASTED), "address");
    refused(() -> c.rcptTo("you@example.org", PASTED), "address");
  }

  @Test
  void relayTester_recipients_refuseADisplayName() {
    refused(() -> RelayPolicyTester.builder().localRecipient(PASTED), "localRecipient");
    refused(() -> RelayPolicyTester.builder().externalRecipient(PASTED), "externalRecipient");
    assertThatThrownBy(() -> RelayPolicyTester.builder().externalDomain("exa mple.net"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("externalDomain");
  }

  @Test
  void deliveryPathCheck_senderAndTarget_refuseADisplayName() {
    refused(() -> DeliveryPathCheck.builder().sender(PASTED), "sender");
    DeliveryPathCheck check =
        DeliveryPathCheck.builder()
            .client(c -> c.dns(d -> d.server(new InetSocketAddress("127.0.0.1", 9))))
            .build();
    refused(() -> check.check(PASTED), "addressOrDomain");
    refused(() -> check.checkAsync(PASTED), "addressOrDomain");
  }
}
