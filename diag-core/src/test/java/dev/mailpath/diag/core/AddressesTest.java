package dev.mailpath.diag.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.internal.Addresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressesTest {

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1, 127.0.0.1",
    "::1, ::1",
    "::, ::",
    "2001:db8:0:0:0:0:0:1, 2001:db8::1",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:db8:1:0:1:1:1:1, 2001:db8:1:0:1:1:1:1",
    "2801:1b8:10:0:0:0:0:b, 2801:1b8:10::b"
  })
  void format_ipv6_isRfc5952(String in, String expected) throws Exception {
    assertThat(Addresses.format(InetAddress.getByName(in))).isEqualTo(expected);
  }

  @Test
  void format_socketAddress_bracketsIpv6() throws Exception {
    assertThat(Addresses.format(new InetSocketAddress(InetAddress.getByName("::1"), 53)))
        .isEqualTo("[::1]:53");
    assertThat(Addresses.format(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 25)))
        .isEqualTo("127.0.0.1:25");
  }
}
