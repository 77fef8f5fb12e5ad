package dev.mailpath.diag.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.IpAddressText;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralsTest {

  @ParameterizedTest
  @CsvSource({
    "0.0.0.0, 0.0.0.0",
    "127.0.0.1, 127.0.0.1",
    "192.0.2.1, 192.0.2.1",
    "255.255.255.255, 255.255.255.255",
    "10.0.0.100, 10.0.0.100"
  })
  void parse_validIpv4_givesInet4Address(String text, String expected) {
    InetAddress a = IpLiterals.parse(text).orElseThrow();

    assertThat(a).isInstanceOf(Inet4Address.class);
    assertThat(IpAddressText.format(a)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "256.0.0.1",
        "1.2.3.256",
        "010.0.0.1",
        "1.2.3.04",
        "00.0.0.0",
        "1.2.3",
        "1.2.3.4.5",
        "1.2.3.4.",
        ".1.2.3.4",
        "1..2.3",
        "1.2.3.-4",
        "1.2.3.a",
        "1000.2.3.4",
        " 1.2.3.4",
        "1.2.3.4 ",
        "0x7f.0.0.1",
        "2130706433",
        "localhost",
        "",
        "[1.2.3.4]"
      })
  void parse_invalidIpv4_isEmpty(String text) {
    assertThat(IpLiterals.parse(text)).isEmpty();
    assertThat(IpLiterals.isLiteral(text)).isFalse();
  }

  @ParameterizedTest
  @CsvSource({
    "::, ::",
    "::1, ::1",
    "[::1], ::1",
    "1::, 1::",
    "2001:db8::1, 2001:db8::1",
    "2001:DB8:0:0:0:0:0:1, 2001:db8::1",
    "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
    "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",
    "::2:3:4:5:6:7:8, 0:2:3:4:5:6:7:8",
    "::ffff:1.2.3.4, ::ffff:1.2.3.4",
    "1:2:3:4:5:6:1.2.3.4, 1:2:3:4:5:6:102:304",
    "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
    "fe80::1, fe80::1"
  })
  void parse_validIpv6_givesInet6Address(String text, String expected) {
    InetAddress a = IpLiterals.parse(text).orElseThrow();

    assertThat(a).isInstanceOf(Inet6Address.class);
    assertThat(IpAddressText.format(a)).isEqualTo(expected);
  }

  @Test
  void parse_ipv4MappedIpv6_staysIpv6() {
    InetAddress a = IpLiterals.parse("::ffff:192.0.2.1").orElseThrow();

    assertThat(a).isInstanceOf(Inet6Address.class);
    assertThat(((Inet6Address) a).getAddress())
        .containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        ":",
        ":::",
        ":1",
        "1:",
        "1::2::3",
        "::1::",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7:8::",
        "::1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7",
        "12345::1",
        "g::1",
        "fe80::1%eth0",
        "fe80::1%1",
        "[fe80::1%eth0]",
        "1:2:3:4:5:6:7:1.2.3.4",
        "1:2:3:4:5:6::1.2.3.4",
        "::1.2.3",
        "::1.2.3.256",
        "::1.2.3.4:1",
        "1.2.3.4::",
        ".:1",
        "::.1",
        "[::1",
        "::1]",
        "[[::1]]",
        "[]",
        "[ ::1]",
        ":: 1"
      })
  void parse_invalidIpv6_isEmpty(String text) {
    assertThat(IpLiterals.parse(text)).isEmpty();
  }

  @Test
  void parse_null_isEmpty() {
    assertThat(IpLiterals.parse(null)).isEmpty();
  }

  @Test
  void parseIpv4_ipv6Text_isEmpty() {
    assertThat(IpLiterals.parseIpv4("::1")).isEmpty();
    assertThat(IpLiterals.parseIpv4("1.2.3.4")).isPresent();
  }

  @Test
  void parseIpv6_bracketsOrIpv4_isEmpty() {
    assertThat(IpLiterals.parseIpv6("[::1]")).isEmpty();
    assertThat(IpLiterals.parseIpv6("1.2.3.4")).isEmpty();
    assertThat(IpLiterals.parseIpv6("::1")).isPresent();
  }
}
