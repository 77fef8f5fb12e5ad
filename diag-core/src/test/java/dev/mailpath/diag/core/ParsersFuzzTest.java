package dev.mailpath.diag.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mailpath.diag.core.internal.IpLiterals;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Fuzz targets for the value parsers (Jazzer, {@code @FuzzTest}). A plain build runs each target
 * over its committed seeds in {@code ParsersFuzzTestInputs/<method>/}; {@code -Pfuzz} fuzzes one
 * target for a set time (docs/robustness.md). Each asserts the documented promise: bad text is an
 * {@link IllegalArgumentException}, nothing else escapes, and what is accepted reads back the same.
 */
class ParsersFuzzTest {

  static String text(byte[] input) {
    return new String(input, StandardCharsets.UTF_8);
  }

  @FuzzTest
  void mailAddress(byte[] input) {
    String s = text(input);
    for (boolean lenient : new boolean[] {false, true}) {
      MailAddress a;
      try {
        a = lenient ? MailAddress.parse(s) : MailAddress.of(s);
      } catch (IllegalArgumentException expected) {
        // Messages quote the input (escaped, a NUL as \x00 and again as \0): linear, not more.
        assertThat(expected.getMessage()).isNotBlank().hasSizeLessThan(8 * s.length() + 400);
        continue;
      }
      // toString() is the form that goes inside <...>: strictly valid, and the same address.
      assertThat(MailAddress.of(a.toString())).isEqualTo(a);
      assertThat(a.toString().length()).isLessThanOrEqualTo(4 * s.length() + 64); // punycode grows
    }
  }

  @FuzzTest
  void hostAndPort(byte[] input) {
    String s = text(input);
    HostAndPort h;
    try {
      h = HostAndPort.parse(s, 25);
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).isNotBlank().hasSizeLessThan(8 * s.length() + 400);
      return;
    }
    assertThat(h.port()).isBetween(1, 65535);
    assertThat(HostAndPort.parse(h.toString(), 25)).isEqualTo(h);
    assertThat(h.isLiteral()).isEqualTo(h.address().isPresent());
  }

  @FuzzTest
  void domainName(byte[] input) {
    String s = text(input);
    DomainName d;
    try {
      d = DomainName.of(s);
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).isNotBlank().hasSizeLessThan(8 * s.length() + 400);
      return;
    }
    assertThat(d.ascii()).hasSizeLessThanOrEqualTo(253);
    assertThat(DomainName.of(d.ascii())).isEqualTo(d);
  }

  @FuzzTest
  void ipLiteral(byte[] input) {
    String s = text(input);
    Optional<InetAddress> a = IpLiterals.parse(s); // never throws: not a literal is empty
    if (a.isPresent()) {
      String formatted = IpAddressText.format(a.get());
      assertThat(IpLiterals.parse(formatted)).contains(a.get());
      assertThat(formatted.length()).isLessThanOrEqualTo(45);
    }
  }
}
