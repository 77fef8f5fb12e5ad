package dev.mailpath.diag.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.auth.internal.DmarcRecordParser;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.testkit.LinearTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DmarcRecordParserTest {

  static List<String> codes(DmarcRecordParser.Parsed p) {
    return p.findings().stream().map(Finding::code).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"v=DMARC1", "v=DMARC1;", " v = DMARC1 ; p=none", "V=DMARC1;p=reject"})
  void isDmarc_versionFirst_accepts(String text) {
    assertThat(DmarcRecordParser.isDmarc(text)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "p=none; v=DMARC1", "v=dmarc1; p=none", "v=DMARC10", "v=DMARC1 p=none", "x"})
  void isDmarc_otherTexts_rejects(String text) {
    assertThat(DmarcRecordParser.isDmarc(text)).isFalse();
  }

  @Test
  void parse_everyTag_readsItsValue() {
    DmarcRecordParser.Parsed p =
        DmarcRecordParser.parse(
            "v=DMARC1; p=Reject; sp=quarantine; np=none; adkim=s; aspf=r; t=y; psd=n;"
                + " rua=mailto:a@example.org, https://r.example.net/dmarc; ruf=mailto:f@example.org!10m;"
                + " fo=d:s;");
    DmarcRecord r = p.record();

    assertThat(codes(p)).isEmpty();
    assertThat(p.policyMissing()).isFalse();
    assertThat(p.policyInvalid()).isFalse();
    assertThat(r.policy()).contains(DmarcPolicy.REJECT);
    assertThat(r.subdomainPolicy()).contains(DmarcPolicy.QUARANTINE);
    assertThat(r.nonExistentPolicy()).contains(DmarcPolicy.NONE);
    assertThat(r.dkimAlignment()).isEqualTo(DmarcAlignment.STRICT);
    assertThat(r.spfAlignment()).isEqualTo(DmarcAlignment.RELAXED);
    assertThat(r.testing()).isTrue();
    assertThat(r.publicSuffix()).isEqualTo(DmarcRecord.Psd.NO);
    assertThat(r.aggregateReports())
        .extracting(DmarcReportUri::domain)
        .containsExactly(Optional.of("example.org"), Optional.of("r.example.net"));
    assertThat(r.failureReports())
        .extracting(DmarcReportUri::uri)
        .containsExactly("mailto:f@example.org");
    assertThat(r.failureOptions()).isEqualTo("d:s");
  }

  @Test
  void parse_defaults_whenTagsAreAbsent() {
    DmarcRecordParser.Parsed p = DmarcRecordParser.parse("v=DMARC1");

    assertThat(p.policyMissing()).isTrue();
    assertThat(p.record().dkimAlignment()).isEqualTo(DmarcAlignment.RELAXED);
    assertThat(p.record().testing()).isFalse();
    assertThat(p.record().publicSuffix()).isEqualTo(DmarcRecord.Psd.UNKNOWN);
    assertThat(p.record().failureOptions()).isEqualTo("0");
  }

  @Test
  void parse_badValues_giveFindingsAndDefaults() {
    DmarcRecordParser.Parsed p =
        DmarcRecordParser.parse(
            "v=DMARC1; p=none; np=maybe; aspf=x; t=maybe; psd=q; fo=2; rua=dmarc@example.org;"
                + " noequals; 9x=1; p=reject; ri=86400; rf=afrf; pct=10; future=1");

    assertThat(codes(p))
        .containsExactly(
            "dmarc.syntax", // np
            "dmarc.syntax", // aspf
            "dmarc.syntax", // t
            "dmarc.syntax", // psd
            "dmarc.syntax", // fo
            "dmarc.rua-invalid",
            "dmarc.syntax", // noequals
            "dmarc.syntax", // 9x
            "dmarc.syntax", // second p
            "dmarc.removed-tag",
            "dmarc.removed-tag",
            "dmarc.pct-ignored",
            "dmarc.unknown-tag");
    assertThat(p.policyInvalid()).isTrue();
    assertThat(p.hasValidRua()).isFalse();
    assertThat(p.record().policy()).contains(DmarcPolicy.NONE);
    assertThat(p.record().spfAlignment()).isEqualTo(DmarcAlignment.RELAXED);
  }

  @Test
  void parse_manyUris_keepsTheFirstTen() {
    DmarcRecordParser.Parsed p =
        DmarcRecordParser.parse("v=DMARC1; rua=" + "mailto:a@example.org,".repeat(50));

    assertThat(p.record().aggregateReports()).hasSize(10);
    assertThat(codes(p)).containsExactly("dmarc.syntax");
  }

  @Test
  void parse_isLinearInTheRecordSize() {
    LinearTime.assertLinear(
        "DMARC tags",
        n -> {
          String text = "v=DMARC1;" + " p = none ;".repeat(n / 10);
          return () -> DmarcRecordParser.parse(text);
        },
        64 * 1024);
    LinearTime.assertLinear(
        "DMARC separators and equals signs",
        n -> {
          String text = "v=DMARC1;" + ";=".repeat(n / 2);
          return () -> DmarcRecordParser.parse(text);
        },
        64 * 1024);
    LinearTime.assertLinear(
        "DMARC one huge value",
        n -> {
          String text = "v=DMARC1; rua=mailto:" + "a".repeat(n) + "@example.org," + ",".repeat(n);
          return () -> DmarcRecordParser.parse(text);
        },
        64 * 1024);
  }
}
