package dev.mailpath.diag.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.auth.internal.spf.SpfIp;
import dev.mailpath.diag.auth.internal.spf.SpfMacro;
import dev.mailpath.diag.auth.internal.spf.SpfParser;
import dev.mailpath.diag.auth.internal.spf.SpfRecord;
import dev.mailpath.diag.auth.internal.spf.SpfTerm;
import dev.mailpath.diag.testkit.LinearTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The record grammar (RFC 7208 §4.6, §5, §6, §12) and the macro language (§7). */
class SpfParserTest {

  @Test
  void parse_everyMechanismAndModifier_inOrderWithPrefixLengths() {
    SpfRecord r =
        SpfParser.parse(
            "v=spf1 ip4:192.0.2.0/24 -ip6:2001:db8::/32 ~a/24//64 ?mx:mail.example.org"
                + " include:_spf.example.net exists:%{i}._spf.%{d} ptr all"
                + " redirect=example.org exp=explain.%{d} x-custom=%{l}");

    assertThat(r.error()).isEmpty();
    assertThat(r.mechanisms())
        .extracting(SpfTerm::kind)
        .containsExactly(
            SpfTerm.Kind.IP4,
            SpfTerm.Kind.IP6,
            SpfTerm.Kind.A,
            SpfTerm.Kind.MX,
            SpfTerm.Kind.INCLUDE,
            SpfTerm.Kind.EXISTS,
            SpfTerm.Kind.PTR,
            SpfTerm.Kind.ALL);
    assertThat(r.mechanisms())
        .extracting(SpfTerm::qualifier)
        .containsExactly('+', '-', '~', '?', '+', '+', '+', '+');
    SpfTerm ip4 = r.mechanisms().get(0);
    assertThat(ip4.cidr4()).isEqualTo(24);
    assertThat(ip4.network()).containsExactly(192, 0, 2, 0);
    assertThat(r.mechanisms().get(1).cidr6()).isEqualTo(32);
    SpfTerm a = r.mechanisms().get(2);
    assertThat(a.domainSpec()).isNull();
    assertThat(a.cidr4()).isEqualTo(24);
    assertThat(a.cidr6()).isEqualTo(64);
    assertThat(r.mechanisms().get(3).domainSpec()).isEqualTo("mail.example.org");
    assertThat(r.redirect().domainSpec()).isEqualTo("example.org");
    assertThat(r.exp().domainSpec()).isEqualTo("explain.%{d}");
    assertThat(r.hasAll()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "v=spf1 ip4:1.2.3.4 -all moo",
        "v=spf1 -all.",
        "v=spf1 -all:foo",
        "v=spf1 -all/8",
        "v=spf1 a/33",
        "v=spf1 a//129",
        "v=spf1 a/024",
        "v=spf1 a:museum",
        "v=spf1 a:abc.123",
        "v=spf1 a:example.-com",
        "v=spf1 a:example.com:8080",
        "v=spf1 a:",
        "v=spf1 include",
        "v=spf1 include:",
        "v=spf1 include:example.com/24",
        "v=spf1 exists",
        "v=spf1 exists:example.com/24",
        "v=spf1 ptr/0",
        "v=spf1 ptr:",
        "v=spf1 ip4",
        "v=spf1 ip4:1.2.3",
        "v=spf1 ip4:1.2.3.4:8080",
        "v=spf1 ip4:01.2.3.4",
        "v=spf1 ip4:1.2.3.4/33",
        "v=spf1 ip4:1.2.3.4//32",
        "v=spf1 ip6:::1/129",
        "v=spf1 ip6::CAFE::BABE",
        "v=spf1 ip6:1:2:3:4:5:6:7:8:9",
        "v=spf1 ip6:1.2.3.4",
        "v=spf1 redirect:example.com",
        "v=spf1 redirect=a.com redirect=b.com",
        "v=spf1 exp=a.com exp=b.com",
        "v=spf1 exp=",
        "v=spf1 redirect=-all",
        "v=spf1 1up=foo",
        "v=spf1 =all",
        "v=spf1 foo=%abc",
        "v=spf1 exists:%{x}.example.com",
        "v=spf1 exists:%{r}.example.com",
        "v=spf1 exists:%{d0}.example.com",
        "v=spf1 exists:%{d.example.com",
        "v=spf1 exists:%(ir).example.com",
        "v=spf1 a:bücher.example",
        "v=spf1 a:foo\u0000.example.com"
      })
  void parse_syntaxError_isReported(String record) {
    assertThat(SpfParser.parse(record).error()).as(record).isPresent();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "v=spf1",
        "v=spf1  ip4:1.2.3.4   -all ",
        "v=spf1 a:foo.example.xn--zckzah",
        "v=spf1 a:foo:bar/baz.example.com",
        "v=spf1 a:mail.example.com.",
        "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d}",
        "v=spf1 exists:%{i}._spf.%{d2}%%%_%-.x.%{h}",
        "v=spf1 moo.cow-far_out=man:dog/cat -all",
        "v=spf1 default=pass",
        "v=spf1 ip6:::FFFF:1.2.3.4 ip6:::/0 ip6:2001:db8::1:2:3:4/128",
        "v=spf1 mx:example.com/24//64 mx//0 a:1-2.example.com"
      })
  void parse_validRecord_hasNoError(String record) {
    assertThat(SpfParser.parse(record).error()).as(record).isEmpty();
  }

  @Test
  void isSpf_versionFollowedBySpaceOrEnd_caseInsensitive() {
    assertThat(SpfRecord.isSpf("v=spf1")).isTrue();
    assertThat(SpfRecord.isSpf("V=SpF1 -all")).isTrue();
    assertThat(SpfRecord.isSpf("v=spf10")).isFalse();
    assertThat(SpfRecord.isSpf("v=spf1mx")).isFalse();
    assertThat(SpfRecord.isSpf(" v=spf1")).isFalse();
  }

  @ParameterizedTest
  @CsvSource({
    "::, 00000000000000000000000000000000",
    "::1, 00000000000000000000000000000001",
    "2001:db8::cb01, 20010db800000000000000000000cb01",
    "::FFFF:1.2.3.4, 00000000000000000000ffff01020304",
    "1:2:3:4:5:6:7:8, 00010002000300040005000600070008",
    "1::, 00010000000000000000000000000000",
  })
  void parse6_validText_bytes(String text, String hex) {
    byte[] b = SpfIp.parse6(text);
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      sb.append(String.format("%02x", x & 0xff));
    }
    assertThat(sb.toString()).isEqualTo(hex);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {":", ":::", "1:2", "1::2::3", "12345::", "g::", "1:2:3:4:5:6:7:8:9", "1:"})
  void parse6_invalidText_null(String text) {
    assertThat(SpfIp.parse6(text)).isNull();
  }

  /** RFC 7208 §7.4's examples. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "%{s}|strong-bad@email.example.com",
        "%{o}|email.example.com",
        "%{d}|email.example.com",
        "%{d4}|email.example.com",
        "%{d3}|email.example.com",
        "%{d2}|example.com",
        "%{d1}|com",
        "%{dr}|com.example.email",
        "%{d2r}|example.email",
        "%{l}|strong-bad",
        "%{l-}|strong.bad",
        "%{lr}|strong-bad",
        "%{lr-}|bad.strong",
        "%{l1r-}|strong",
        "%{ir}.%{v}._spf.%{d2}|3.2.0.192.in-addr._spf.example.com",
        "%{lr-}.lp._spf.%{d2}|bad.strong.lp._spf.example.com",
        "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}|bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
        "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}|3.2.0.192.in-addr.strong.lp._spf.example.com",
        "%{d2}.trusted-domains.example.net|example.com.trusted-domains.example.net",
        "%%%_%-|% %20",
        "%{L}|strong-bad",
        "%{S}|strong-bad%40email.example.com"
      })
  void expand_rfcExamples(String macro, String expected) {
    assertThat(SpfMacro.check(macro, false)).isNull();
    assertThat(SpfMacro.expand(macro, SpfParserTest::rfcValue)).isEqualTo(expected);
  }

  @Test
  void expand_ipv6_dottedNibbles() {
    byte[] ip = SpfIp.parse6("2001:db8::cb01");
    String out =
        SpfMacro.expand(
            "%{ir}.%{v}._spf.%{d2}",
            l -> l == 'i' ? SpfIp.macroText(ip) : l == 'v' ? "ip6" : "email.example.com");
    // RFC 7208 §7.4's example, whose nibbles are lower case; SpfCheck writes them in upper case
    // as the RFC 7208 test suite expects, and DNS names compare case-insensitively.
    assertThat(out)
        .isEqualTo(
            "1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.ip6._spf.example.com");
    assertThat(out)
        .isEqualToIgnoringCase(
            "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com");
  }

  @Test
  void truncate_longName_dropsLeftLabelsTo253() {
    String name = "abcdefghi.".repeat(30) + "example.com";
    String t = SpfMacro.truncate(name);
    assertThat(t.length()).isLessThanOrEqualTo(253);
    assertThat(name).endsWith(t);
    assertThat(name.charAt(name.length() - t.length() - 1)).isEqualTo('.');
    assertThat(SpfMacro.truncate("example.com.")).isEqualTo("example.com");
  }

  @Test
  void parse_manyTerms_linearTime() {
    LinearTime.assertLinear(
        "SPF record parser on repeated ip4 and a terms",
        n -> {
          String rec = "v=spf1 " + "ip4:192.0.2.1/32 a:x%{d}.example.com/24 ".repeat(n) + "-all";
          return () -> SpfParser.parse(rec);
        },
        2_000);
  }

  @Test
  void parse_oneHugeTerm_linearTime() {
    LinearTime.assertLinear(
        "SPF record parser on one long a: term",
        n -> {
          String rec = "v=spf1 a:" + "ab.".repeat(n) + "com//64";
          return () -> SpfParser.parse(rec);
        },
        20_000);
  }

  @Test
  void expand_manyMacros_linearTime() {
    LinearTime.assertLinear(
        "SPF macro expander on repeated %{d2r-.} and %{l}",
        n -> {
          String s = "%{d2r-.}.%{l}%%".repeat(n);
          return () -> SpfMacro.expand(s, SpfParserTest::rfcValue);
        },
        2_000);
  }

  @Test
  void expand_longValueWithManyDelimiters_linearTime() {
    LinearTime.assertLinear(
        "SPF macro transformers on a local part with many delimiters",
        n -> {
          String local = "a-".repeat(n);
          return () -> SpfMacro.expand("%{l5r-}", l -> local);
        },
        10_000);
  }

  private static String rfcValue(char letter) {
    switch (letter) {
      case 's':
        return "strong-bad@email.example.com";
      case 'l':
        return "strong-bad";
      case 'o':
      case 'd':
        return "email.example.com";
      case 'i':
        return "192.0.2.3";
      case 'v':
        return "in-addr";
      default:
        return "";
    }
  }

  @Test
  void check_expOnlyLetters_onlyInExplanations() {
    for (String s : List.of("%{c}", "%{r}", "%{t}")) {
      assertThat(SpfMacro.check(s, false)).as(s).isNotNull();
      assertThat(SpfMacro.check(s, true)).as(s).isNull();
    }
    assertThat(SpfMacro.check("spaces are fine", true)).isNull();
    assertThat(SpfMacro.check("spaces are not", false)).isNotNull();
  }
}
