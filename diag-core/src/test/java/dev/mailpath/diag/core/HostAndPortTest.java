package dev.mailpath.diag.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import nl.jqno.equalsverifier.EqualsVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostAndPortTest {

  @ParameterizedTest
  @CsvSource({
    "mx.example.org, mx.example.org, 25, mx.example.org:25",
    "MX.Example.ORG:2525, mx.example.org, 2525, mx.example.org:2525",
    "1.2.3.4:25, 1.2.3.4, 25, 1.2.3.4:25",
    "127.0.0.1, 127.0.0.1, 25, 127.0.0.1:25",
    "[::1]:2525, ::1, 2525, [::1]:2525",
    "::1, ::1, 25, [::1]:25",
    "[::1], ::1, 25, [::1]:25",
    "2001:DB8:0:0:0:0:0:1, 2001:db8::1, 25, [2001:db8::1]:25",
    "[2001:db8::7]:65535, 2001:db8::7, 65535, [2001:db8::7]:65535",
    "localhost:1, localhost, 1, localhost:1",
    "bücher.example:587, xn--bcher-kva.example, 587, xn--bcher-kva.example:587"
  })
  void parse_validText_givesHostPortAndText(String text, String host, int port, String shown) {
    HostAndPort hp = HostAndPort.parse(text, 25);

    assertThat(hp.host()).isEqualTo(host);
    assertThat(hp.port()).isEqualTo(port);
    assertThat(hp).hasToString(shown);
  }

  @Test
  void parse_ipv4_isLiteralWithAddress() {
    HostAndPort hp = HostAndPort.parse("192.0.2.7:587", 25);

    assertThat(hp.isLiteral()).isTrue();
    assertThat(hp.address()).containsInstanceOf(Inet4Address.class);
    assertThat(hp.name()).isEmpty();
  }

  @Test
  void parse_bracketedIpv6_isLiteralWithAddress() throws Exception {
    HostAndPort hp = HostAndPort.parse("[::1]:2525", 25);

    assertThat(hp.isLiteral()).isTrue();
    byte[] loopback = new byte[16];
    loopback[15] = 1;
    assertThat(hp.address().orElseThrow().getAddress()).isEqualTo(loopback);
    assertThat(hp.address()).containsInstanceOf(Inet6Address.class);
  }

  @Test
  void parse_hostName_isNeverResolved() {
    // A name under .invalid (RFC 6761) resolves nowhere: parsing succeeds only because no lookup
    // is made, and the value carries the name, not an address.
    HostAndPort hp = HostAndPort.parse("mx.nowhere.invalid:25", 25);

    assertThat(hp.isLiteral()).isFalse();
    assertThat(hp.address()).isEmpty();
    assertThat(hp.name()).contains(DomainName.of("mx.nowhere.invalid"));
    assertThat(hp).hasToString("mx.nowhere.invalid:25");
  }

  @Test
  void parse_localhost_isANameNotLoopbackAddress() {
    HostAndPort hp = HostAndPort.parse("localhost", 25);

    assertThat(hp.address()).isEmpty();
    assertThat(hp.isLiteral()).isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '§',
      value = {
        "[::1|without closing ']'",
        "host:|port \"\"",
        "host:0|between 1 and 65535",
        "host:65536|between 1 and 65535",
        "host:123456|not a number from 1 to 65535",
        "host:x|not a number from 1 to 65535",
        "host:-1|not a number from 1 to 65535",
        "host:+25|not a number from 1 to 65535",
        "host:٢٥|not a number from 1 to 65535",
        "a b|white space",
        "§ host§|white space",
        "§host §|white space",
        "1.2.3:25|looks like an IP address",
        "1.2.3.256|looks like an IP address",
        ".:1|domain name is empty",
        ":25|domain name is empty",
        "[example.org]|not an IPv6 address",
        "[1.2.3.4]:25|not an IPv6 address",
        "[::1]x|expected ':port'",
        "[::1]:|port \"\"",
        "host:25:26|not an IPv6 address",
        "fe80::1%eth0|not an IPv6 address",
        "exa_mple..org|empty label",
        "-host.example|hyphen"
      })
  void parse_invalid_throwsNamingProblem(String text, String problem) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> HostAndPort.parse(text, 25))
        .withMessageContaining(problem);
  }

  @Test
  void parse_lineBreak_throwsEscapingIt() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> HostAndPort.parse("host\r\nQUIT:25", 25))
        .withMessageContaining("white space or a control character at index 4")
        .withMessageContaining("host\\r\\nQUIT")
        .withMessageNotContaining("\r");
  }

  @Test
  void parse_empty_throwsSayingEmpty() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> HostAndPort.parse("", 25))
        .withMessage("host is empty");
  }

  @Test
  void parse_badDefaultPort_throwsNamingParameter() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> HostAndPort.parse("host", 0))
        .withMessageContaining("defaultPort");
  }

  @Test
  void parse_null_throwsNamingParameter() {
    assertThatNullPointerException()
        .isThrownBy(() -> HostAndPort.parse(null, 25))
        .withMessage("text");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "mx.example.org:25",
        "192.0.2.1:2525",
        "[::1]:25",
        "[2001:db8::1]:587",
        "[::ffff:192.0.2.1]:25",
        "xn--bcher-kva.example:465"
      })
  void toString_roundTripsThroughParse(String text) {
    HostAndPort hp = HostAndPort.parse(text, 25);

    HostAndPort again = HostAndPort.parse(hp.toString(), 1);

    assertThat(again).isEqualTo(hp);
    assertThat(again.toString()).isEqualTo(hp.toString()).isEqualTo(text);
  }

  @Test
  void of_hostAndPortApart_acceptsBracketsOrBareIpv6() {
    assertThat(HostAndPort.of("[::1]", 25)).isEqualTo(HostAndPort.of("::1", 25));
    assertThat(HostAndPort.of("Example.ORG.", 25).host()).isEqualTo("example.org");
  }

  @Test
  void of_hostWithColon_throwsPointingToParse() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> HostAndPort.of("host:25", 25))
        .withMessageContaining("HostAndPort.parse");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 65536})
  void of_portOutOfRange_throwsNamingPort(int port) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> HostAndPort.of("mx.example.org", port))
        .withMessageContaining("port must be between 1 and 65535");
  }

  @Test
  void equals_comparesCanonicalHostAndPort() {
    assertThat(HostAndPort.parse("[2001:DB8::0:1]:25", 25))
        .isEqualTo(HostAndPort.of("2001:db8::1", 25))
        .isNotEqualTo(HostAndPort.of("2001:db8::1", 26));
  }

  @Test
  void equals_satisfiesContract() throws Exception {
    EqualsVerifier.forClass(HostAndPort.class)
        .withPrefabValues(
            InetAddress.class,
            InetAddress.getByAddress(new byte[] {127, 0, 0, 1}),
            InetAddress.getByAddress(new byte[] {127, 0, 0, 2}))
        .withNonnullFields("host")
        // Both are derived from the host text.
        .withIgnoredFields("address", "name")
        .verify();
  }

  @Test
  void domainName_equals_satisfiesContract() {
    EqualsVerifier.forClass(DomainName.class)
        .withNonnullFields("ascii")
        // The name as given (case, final dot) is not part of the value.
        .withIgnoredFields("given")
        .verify();
  }
}
