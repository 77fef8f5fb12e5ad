package dev.mailpath.diag.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpAddressTextTest {

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1, 127.0.0.1",
    "::1, ::1",
    "::, ::",
    "2001:db8:0:0:0:0:0:1, 2001:db8::1",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:db8:1:0:1:1:1:1, 2001:db8:1:0:1:1:1:1",
    "2001:0DB8:0:0:0:0:0:00AB, 2001:db8::ab",
    "2001:db8:0:0:0:1:0:0, 2001:db8::1:0:0",
    "1:0:0:0:0:0:0:0, 1::",
    "2801:1b8:10:0:0:0:0:b, 2801:1b8:10::b"
  })
  void format_address_isRfc5952(String in, String expected) throws Exception {
    assertThat(IpAddressText.format(InetAddress.getByName(in))).isEqualTo(expected);
  }

  @Test
  void format_ipv4MappedIpv6_endsInDottedQuad() throws Exception {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 1};

    assertThat(IpAddressText.format(Inet6Address.getByAddress(null, mapped, -1)))
        .isEqualTo("::ffff:192.0.2.1");
  }

  @Test
  void format_addressCreatedWithName_printsAddressNotName() throws Exception {
    InetAddress named = InetAddress.getByAddress("mx.example.org", new byte[] {127, 0, 0, 1});

    assertThat(IpAddressText.format(named)).isEqualTo("127.0.0.1");
  }

  @Test
  void format_socketAddress_bracketsIpv6() throws Exception {
    assertThat(IpAddressText.format(new InetSocketAddress(InetAddress.getByName("::1"), 53)))
        .isEqualTo("[::1]:53");
    assertThat(IpAddressText.format(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 25)))
        .isEqualTo("127.0.0.1:25");
  }

  @Test
  void format_unresolvedSocketAddress_keepsHostWithoutLookup() {
    InetSocketAddress unresolved = InetSocketAddress.createUnresolved("mx.example.org", 25);

    assertThat(IpAddressText.format(unresolved)).isEqualTo("mx.example.org:25");
    assertThat(unresolved.isUnresolved()).isTrue();
  }

  @Test
  void format_socketAddress_readsBackThroughHostAndPort() throws Exception {
    InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("2001:db8::7"), 2525);

    HostAndPort parsed = HostAndPort.parse(IpAddressText.format(a), 25);

    assertThat(parsed.address()).contains(a.getAddress());
    assertThat(parsed.port()).isEqualTo(2525);
  }

  @Test
  void format_null_throwsNamingParameter() {
    assertThatNullPointerException()
        .isThrownBy(() -> IpAddressText.format((InetAddress) null))
        .withMessage("address");
  }
}
