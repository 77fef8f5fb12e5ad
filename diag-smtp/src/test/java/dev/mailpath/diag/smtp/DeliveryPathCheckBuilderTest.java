package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Misuse throws at once, naming the parameter; nothing is ever sent from a bad setting. */
class DeliveryPathCheckBuilderTest {

  // 127.0.0.1:9 (discard): never contacted, since every input here is rejected before any query.
  private static final DeliveryPathCheck CHECK =
      DeliveryPathCheck.builder()
          .client(c -> c.dns(d -> d.server(new InetSocketAddress("127.0.0.1", 9))))
          .build();

  @Test
  void builder_portOutOfRange_throwsNamingIt() {
    assertThatThrownBy(() -> DeliveryPathCheck.builder().smtpPort(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("smtpPort");
    assertThatThrownBy(() -> DeliveryPathCheck.builder().smtpPort(65536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("smtpPort");
  }

  @Test
  void builder_ehloNameWithLineBreakOrNul_throws() {
    assertThatThrownBy(
            () -> DeliveryPathCheck.builder().client(c -> c.ehloName("probe.test\r\nRSET")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ehloName")
        .hasMessageContaining("CR");
    assertThatThrownBy(() -> DeliveryPathCheck.builder().client(c -> c.ehloName("probe\0.test")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NUL");
    assertThatThrownBy(() -> DeliveryPathCheck.builder().client(c -> c.ehloName("two words")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ehloName");
  }

  @Test
  void builder_senderWithLineBreak_throws() {
    assertThatThrownBy(() -> DeliveryPathCheck.builder().sender("a@b.test\nDATA"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sender")
        .hasMessageContaining("LF");
    assertThatThrownBy(() -> DeliveryPathCheck.builder().sender(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sender");
  }

  @Test
  void builder_limitsOutOfRange_throwNamingThem() {
    assertThatThrownBy(() -> DeliveryPathCheck.builder().maxExchanges(0))
        .hasMessageContaining("maxExchanges");
    assertThatThrownBy(() -> DeliveryPathCheck.builder().maxInFlight(0))
        .hasMessageContaining("maxInFlight");
    assertThatThrownBy(() -> DeliveryPathCheck.builder().client(c -> c.deadline(Duration.ZERO)))
        .hasMessageContaining("deadline");
    assertThatThrownBy(
            () -> DeliveryPathCheck.builder().client(c -> c.deadline(Duration.ofSeconds(-1))))
        .hasMessageContaining("deadline");
  }

  @Test
  void builder_unresolvedDnsServer_throws() {
    assertThatThrownBy(
            () ->
                DeliveryPathCheck.builder()
                    .client(
                        c ->
                            c.dns(
                                d -> d.server(InetSocketAddress.createUnresolved("ns.test", 53)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DNS server");
  }

  @Test
  void builder_nulls_throwNamingTheParameter() {
    assertThatThrownBy(() -> DeliveryPathCheck.builder().connectTo(null))
        .hasMessageContaining("connectTo");
    assertThatThrownBy(() -> DeliveryPathCheck.builder().client((SmtpClient) null))
        .hasMessageContaining("client");
    assertThatThrownBy(() -> DeliveryPathCheck.builder().client(c -> c.timeouts(null)))
        .hasMessageContaining("timeouts");
  }

  @Test
  void check_inputWithCrLfOrNul_throwsBeforeAnyQuery() {
    assertThatThrownBy(() -> CHECK.check("alice@example.test\r\nRCPT TO:<x@y>"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("addressOrDomain");
    assertThatThrownBy(() -> CHECK.checkAsync("alice\0@example.test"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NUL");
  }

  @Test
  void check_malformedInput_throwsSayingWhatIsWrong() {
    assertThatThrownBy(() -> CHECK.check("  ")).hasMessageContaining("addressOrDomain");
    assertThatThrownBy(() -> CHECK.check("@example.test")).hasMessageContaining("empty local part");
    assertThatThrownBy(() -> CHECK.check("a b@example.test")).hasMessageContaining("space");
    assertThatThrownBy(() -> CHECK.check("alice@[192.0.2.1]"))
        .hasMessageContaining("address literal");
    assertThatThrownBy(() -> CHECK.check("alice@exa mple.test"))
        .hasMessageContaining("addressOrDomain");
    assertThatThrownBy(() -> CHECK.check("alice@" + "a".repeat(64) + ".test"))
        .hasMessageContaining("63");
    // One parser for addresses (MailAddress.of): the local part limit of RFC 5321 §4.5.3.1.1.
    assertThatThrownBy(() -> CHECK.check("a".repeat(250) + "@example.test"))
        .hasMessageContaining("64");
  }

  @Test
  void toBuilder_keepsSettingsAndGivenClient() {
    SmtpClient client =
        SmtpClient.builder().dns(d -> d.server(new InetSocketAddress("127.0.0.1", 9))).build();
    DeliveryPathCheck check = DeliveryPathCheck.builder().client(client).smtpPort(2525).build();

    DeliveryPathCheck copy = check.toBuilder().build();

    assertThat(copy.client()).isSameAs(client);
    assertThat(copy.smtpPort()).isEqualTo(2525);
    assertThat(copy.toString()).isEqualTo(check.toString());
  }

  @Test
  void addressPreference_ordersFamiliesAndKeepsDnsOrderWithin() throws Exception {
    var v4a = java.net.InetAddress.getByName("192.0.2.1");
    var v4b = java.net.InetAddress.getByName("192.0.2.2");
    var v6 = java.net.InetAddress.getByName("2001:db8::1");
    List<java.net.InetAddress> dns = List.of(v4a, v6, v4b);

    assertThat(DeliveryPathCheck.AddressPreference.IPV6_FIRST.order(dns))
        .containsExactly(v6, v4a, v4b);
    assertThat(DeliveryPathCheck.AddressPreference.IPV4_FIRST.order(dns))
        .containsExactly(v4a, v4b, v6);
    assertThat(DeliveryPathCheck.AddressPreference.IPV4_ONLY.order(dns)).containsExactly(v4a, v4b);
    assertThat(DeliveryPathCheck.AddressPreference.IPV6_ONLY.order(dns)).containsExactly(v6);
  }
}
