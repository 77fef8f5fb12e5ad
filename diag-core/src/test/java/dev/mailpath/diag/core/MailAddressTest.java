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

class MailAddressTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '§',
      value = {
        "alice@example.org|alice|example.org",
        "first.last@example.org|first.last|example.org",
        "Alice@Example.ORG|Alice|example.org",
        "x@sub.example.org|x|sub.example.org",
        "user+tag@example.org|user+tag|example.org"
      })
  void of_dotAtom_keepsLocalPartAndLowerCasesDomain(String text, String local, String domain) {
    MailAddress a = MailAddress.of(text);

    assertThat(a.localPart()).isEqualTo(local);
    assertThat(a.domain()).isEqualTo(domain);
    assertThat(a.domainName()).contains(DomainName.of(domain));
    assertThat(a.addressLiteral()).isEmpty();
    assertThat(a.requiresSmtpUtf8()).isFalse();
    assertThat(a.corrections()).isEmpty();
    assertThat(a).hasToString(local + "@" + domain);
  }

  @Test
  void of_everySpecialAtext_isAccepted() {
    String local = "a!#$%&'*+-/=?^_`{|}~z";

    assertThat(MailAddress.of(local + "@example.org").localPart()).isEqualTo(local);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '§',
      value = {
        "\"john smith\"@example.org|\"john smith\"",
        "\"a..b\"@example.org|\"a..b\"",
        "\".leading\"@example.org|\".leading\"",
        "\"a\\\"b\"@example.org|\"a\\\"b\"",
        "\"a\\\\b\"@example.org|\"a\\\\b\"",
        "\"a<b>\"@example.org|\"a<b>\"",
        "\"a@b\"@example.org|\"a@b\"",
        "\"\"@example.org|\"\""
      })
  void of_quotedLocalPart_isKeptWithQuotes(String text, String local) {
    MailAddress a = MailAddress.of(text);

    assertThat(a.localPart()).isEqualTo(local);
    assertThat(a.domain()).isEqualTo("example.org");
  }

  @Test
  void of_ipv4AddressLiteral_keepsLiteral() throws Exception {
    MailAddress a = MailAddress.of("postmaster@[192.0.2.1]");

    assertThat(a.domain()).isEqualTo("[192.0.2.1]");
    assertThat(a.domainName()).isEmpty();
    assertThat(a.addressLiteral()).containsInstanceOf(Inet4Address.class);
    assertThat(a.addressLiteral())
        .contains(InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1}));
  }

  @Test
  void of_ipv6AddressLiteral_isCanonical() {
    MailAddress a = MailAddress.of("postmaster@[IPv6:2001:DB8:0:0:0:0:0:1]");

    assertThat(a.domain()).isEqualTo("[IPv6:2001:db8::1]");
    assertThat(a.addressLiteral()).containsInstanceOf(Inet6Address.class);
    assertThat(a).hasToString("postmaster@[IPv6:2001:db8::1]");
  }

  @Test
  void of_ipv6TagInOtherCase_isWrittenWithUsualTag() {
    assertThat(MailAddress.of("a@[Ipv6:2001:db8::1]").domain()).isEqualTo("[IPv6:2001:db8::1]");
    assertThat(MailAddress.of("a@[ipv6:::1]").domain()).isEqualTo("[IPv6:::1]");
  }

  @Test
  void of_ipv4MappedIpv6Literal_staysIpv6() {
    MailAddress a = MailAddress.of("a@[IPv6:::ffff:192.0.2.1]");

    assertThat(a.domain()).isEqualTo("[IPv6:::ffff:192.0.2.1]");
    assertThat(a.addressLiteral()).containsInstanceOf(Inet6Address.class);
  }

  @Test
  void of_utf8LocalPart_requiresSmtpUtf8() {
    MailAddress a = MailAddress.of("jürgen@example.org");

    assertThat(a.requiresSmtpUtf8()).isTrue();
    assertThat(a.localPart()).isEqualTo("jürgen");
  }

  @Test
  void of_idnDomain_becomesALabels() {
    MailAddress a = MailAddress.of("info@bücher.example");

    assertThat(a.domain()).isEqualTo("xn--bcher-kva.example");
    assertThat(a.requiresSmtpUtf8()).isFalse();
    assertThat(a.domainName().orElseThrow().unicode()).isEqualTo("bücher.example");
  }

  @Test
  void of_localPartOf64Octets_isAccepted() {
    assertThat(MailAddress.of("a".repeat(64) + "@example.org").localPart()).hasSize(64);
  }

  @Test
  void of_localPartOf65Octets_isRejectedNamingLength() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> MailAddress.of("a".repeat(65) + "@example.org"))
        .withMessageContaining("local part of 65 octets");
  }

  @Test
  void of_utf8LocalPart_countsOctetsNotChars() {
    // 33 two-octet characters are 66 octets.
    assertThatIllegalArgumentException()
        .isThrownBy(() -> MailAddress.of("ü".repeat(33) + "@example.org"))
        .withMessageContaining("66 octets");
  }

  @Test
  void of_addressOf254Octets_isAcceptedAnd255Rejected() {
    String local = "a".repeat(64);
    // 64 + '@' + 189 = 254
    String domain189 = "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(57) + ".org";
    assertThat(domain189).hasSize(189);
    assertThat(MailAddress.of(local + "@" + domain189).toString()).hasSize(254);

    String domain190 = "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(58) + ".org";
    assertThatIllegalArgumentException()
        .isThrownBy(() -> MailAddress.of(local + "@" + domain190))
        .withMessageContaining("255 octets")
        .withMessageContaining("at most 254");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '§',
      value = {
        "alice.example.org|has no '@'",
        "@example.org|empty local part",
        "alice@|no domain",
        "a b@example.org|a space",
        "alice@exa mple.org|a space",
        "<alice@example.org>|'<'",
        "Bob <bob@example.org>|use parse",
        "a..b@example.org|doubled '.'",
        ".a@example.org|leading",
        "a.@example.org|trailing",
        "a(b)@example.org|'('",
        "a,b@example.org|','",
        "\"abc@example.org|closing '\"'",
        "\"a\"b\"@example.org|unescaped '\"'",
        "\"a\\\"@example.org|escapes nothing",
        "a@[192.0.2.1|closing ']'",
        "a@[300.1.1.1]|address literal",
        "a@[::1]|address literal",
        "a@[IPv6:192.0.2.1]|address literal",
        "a@[IPv6:[::1]]|address literal",
        "a@[example.org]|address literal",
        "a@example..org|bad domain",
        "a@-example.org|bad domain",
        "a@192.0.2.1|bad domain"
      })
  void of_invalid_throwsNamingProblem(String text, String problem) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> MailAddress.of(text))
        .withMessageStartingWith("mail address \"")
        .withMessageContaining(problem);
  }

  @Test
  void of_empty_throwsSayingEmpty() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> MailAddress.of(""))
        .withMessageContaining("is empty");
  }

  @Test
  void of_crLfInLocalPart_throwsNamingCrAndEscapingIt() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> MailAddress.of("a\r\nRCPT TO:<x@example.org>@example.org"))
        .withMessageContaining("CR")
        .withMessageContaining("\\r\\n")
        .withMessageNotContaining("\r");
  }

  @Test
  void of_lfInDomain_throwsNamingLf() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> MailAddress.of("a@example.org\nDATA"))
        .withMessageContaining("LF")
        .withMessageNotContaining("\n");
  }

  @Test
  void of_crInQuotedLocalPart_throwsNamingCr() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> MailAddress.of("\"a\rb\"@example.org"))
        .withMessageContaining("CR");
  }

  @Test
  void of_noBreakSpaceInLocalPart_isRejected() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> MailAddress.of("a\u00a0b@example.org"))
        .withMessageContaining("white space U+00A0");
  }

  @Test
  void of_surroundingWhiteSpace_isRejected() {
    assertThatIllegalArgumentException().isThrownBy(() -> MailAddress.of(" a@example.org"));
    assertThatIllegalArgumentException().isThrownBy(() -> MailAddress.of("a@example.org "));
  }

  @Test
  void of_null_throwsNamingParameter() {
    assertThatNullPointerException().isThrownBy(() -> MailAddress.of(null)).withMessage("address");
  }

  @Test
  void parse_displayNameAndWhiteSpace_areRemovedAndNamed() {
    MailAddress a = MailAddress.parse(" Bob <bob@example.org> ");

    assertThat(a).hasToString("bob@example.org");
    assertThat(a.corrections())
        .containsExactly(
            "removed surrounding white space", "removed display name \"Bob\" and angle brackets");
  }

  @Test
  void parse_angleBracketsAlone_areRemoved() {
    MailAddress a = MailAddress.parse("<a@b.example>");

    assertThat(a).hasToString("a@b.example");
    assertThat(a.corrections()).containsExactly("removed angle brackets");
  }

  @Test
  void parse_whiteSpaceInsideBrackets_isRemovedAndNamed() {
    MailAddress a = MailAddress.parse("< a@b.example >");

    assertThat(a).hasToString("a@b.example");
    assertThat(a.corrections())
        .containsExactly("removed white space inside the angle brackets", "removed angle brackets");
  }

  @Test
  void parse_quotedLocalPartWithAngleBracket_isNotTakenForBrackets() {
    MailAddress a = MailAddress.parse("\"a<b\"@example.org");

    assertThat(a.localPart()).isEqualTo("\"a<b\"");
    assertThat(a.corrections()).isEmpty();
  }

  @Test
  void parse_quotedLocalPartEndingInAngleBracketInsideBrackets_findsOuterBrackets() {
    MailAddress a = MailAddress.parse("Bob <\"x<y\"@example.org>");

    assertThat(a.localPart()).isEqualTo("\"x<y\"");
    assertThat(a.domain()).isEqualTo("example.org");
  }

  @Test
  void parse_quotedDisplayNameWithAngleBrackets_findsAddress() {
    MailAddress a = MailAddress.parse("\"Smith <office>\" <smith@example.org>");

    assertThat(a).hasToString("smith@example.org");
    assertThat(a.corrections())
        .containsExactly("removed display name \"\"Smith <office>\"\" and angle brackets");
  }

  @Test
  void parse_plainAddress_hasNoCorrections() {
    assertThat(MailAddress.parse("a@example.org").corrections()).isEmpty();
  }

  @Test
  void parse_whatIsLeftInvalid_throwsNamingProblem() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> MailAddress.parse("Bob <bob>"))
        .withMessageContaining("has no '@'");
  }

  @Test
  void parse_null_throwsNamingParameter() {
    assertThatNullPointerException().isThrownBy(() -> MailAddress.parse(null)).withMessage("text");
  }

  @Test
  void equals_ignoresCorrectionsAndDomainCase() {
    assertThat(MailAddress.parse(" <a@Example.org>")).isEqualTo(MailAddress.of("a@example.org"));
  }

  @Test
  void equals_localPartIsCaseSensitive() {
    assertThat(MailAddress.of("A@example.org")).isNotEqualTo(MailAddress.of("a@example.org"));
  }

  @Test
  void equals_satisfiesContract() throws Exception {
    EqualsVerifier.forClass(MailAddress.class)
        .withPrefabValues(
            InetAddress.class,
            InetAddress.getByAddress(new byte[] {127, 0, 0, 1}),
            InetAddress.getByAddress(new byte[] {127, 0, 0, 2}))
        .withNonnullFields("localPart", "domain")
        // Derived from the domain text, or (corrections) deliberately not part of the value.
        .withIgnoredFields("domainName", "literal", "smtpUtf8", "corrections")
        .verify();
  }
}
