package dev.mailpath.diag.core;

import dev.mailpath.diag.core.internal.IpLiterals;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Each value parser takes time linear in its input, even on hostile text (size doubling). */
class ParsersLinearTimeTest {
  static final int N = 64 * 1024;

  static Runnable swallowing(Function<String, ?> parser, String input) {
    return () -> {
      try {
        parser.apply(input);
      } catch (IllegalArgumentException expected) {
        // rejecting is fine; it must only be quick
      }
    };
  }

  static String repeat(String pattern, int size) {
    return pattern.repeat(size / pattern.length());
  }

  @Test
  void mailAddress_parse_nestedAngleBrackets_isLinear() {
    LinearTime.assertLinear(
        "MailAddress.parse on \"<\" x n",
        n -> swallowing(MailAddress::parse, "Bob " + repeat("<a@b ", n) + ">"),
        N);
  }

  @Test
  void mailAddress_of_longQuotedLocalPart_isLinear() {
    LinearTime.assertLinear(
        "MailAddress.of on a quoted local part of \\\" pairs",
        n -> swallowing(MailAddress::of, "\"" + repeat("\\\"", n) + "\"@example.org"),
        N);
  }

  @Test
  void hostAndPort_parse_manyColons_isLinear() {
    LinearTime.assertLinear(
        "HostAndPort.parse on \"[:\" x n",
        n -> swallowing(t -> HostAndPort.parse(t, 25), repeat("[:", n) + "]:25"),
        N);
  }

  @Test
  void domainName_of_manyDots_isLinear() {
    LinearTime.assertLinear(
        "DomainName.of on \"a.\" x n", n -> swallowing(DomainName::of, repeat("a.", n)), N);
  }

  @Test
  void ipLiterals_parse_manyGroups_isLinear() {
    LinearTime.assertLinear(
        "IpLiterals.parse on \"1:\" x n", n -> swallowing(IpLiterals::parse, repeat("1:", n)), N);
  }
}
