package dev.mailpath.diag.testkit.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Builder checks that need no Postfix; the services themselves run in the relay ITs. */
class PostfixServerTest {

  @Test
  void service_badNameOrOverride_isRejectedBeforeAnythingStarts() {
    PostfixServer.Builder b =
        PostfixServer.builder().service("open", PostfixServer.RelayPolicy.OPEN);

    assertThatThrownBy(() -> b.service("open", PostfixServer.RelayPolicy.CLOSED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("open");
    assertThatThrownBy(
            () -> b.service(PostfixServer.MAIN_SERVICE, PostfixServer.RelayPolicy.CLOSED))
        .hasMessageContaining("service name");
    assertThatThrownBy(() -> b.service("Bad Name", PostfixServer.RelayPolicy.CLOSED))
        .hasMessageContaining("service name");
    assertThatThrownBy(
            () ->
                b.service("strict", PostfixServer.RelayPolicy.CLOSED, "smtpd_hard_error_limit = 2"))
        .hasMessageContaining("name=value");
    assertThatThrownBy(() -> b.service("strict", PostfixServer.RelayPolicy.CLOSED, "x=1\n-o y=2"))
        .hasMessageContaining("name=value");
  }

  @Test
  void relayPolicy_keepsRejectUnauthDestinationAndTrustsOnlyMynetworksFirst() {
    for (PostfixServer.RelayPolicy p : PostfixServer.RelayPolicy.values()) {
      assertThat(p.restrictions())
          .startsWith("permit_mynetworks,")
          .endsWith("reject_unauth_destination");
    }
    assertThat(PostfixServer.RelayPolicy.SASL_ONLY.restrictions())
        .contains("permit_sasl_authenticated");
    assertThat(PostfixServer.RelayPolicy.CLOSED.restrictions())
        .doesNotContain("permit_sasl_authenticated");
  }
}
