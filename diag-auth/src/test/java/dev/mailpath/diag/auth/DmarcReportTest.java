package dev.mailpath.diag.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DmarcReportTest {

  static DmarcRecordReport recordReport() {
    DmarcRecord rec =
        new DmarcRecord(
            "v=DMARC1; p=reject",
            Optional.of(DmarcPolicy.REJECT),
            Optional.empty(),
            Optional.empty(),
            DmarcAlignment.RELAXED,
            DmarcAlignment.STRICT,
            true,
            DmarcRecord.Psd.UNKNOWN,
            List.of(),
            List.of(),
            "0");
    return DmarcRecordReport.builder()
        .domain("news.example.org")
        .record(rec, "example.org")
        .organizationalDomain(
            new DmarcOrganizationalDomain(
                "example.org", DmarcOrganizationalDomain.Basis.FEWEST_LABELS))
        .applied("sp", DmarcPolicy.REJECT)
        .domainExists(true)
        .addFinding(DmarcFinding.INHERITED_POLICY.finding("policy from _dmarc.example.org"))
        .startedAt(Instant.parse("2026-01-01T00:00:00Z"))
        .elapsed(Duration.ofMillis(12))
        .build();
  }

  @Test
  void toBuilder_roundTrips_andEqualsComparesEveryField() {
    DmarcRecordReport r = recordReport();
    DmarcReport report =
        DmarcReport.builder()
            .fromDomain("news.example.org")
            .result(DmarcResult.FAIL)
            .policy(r)
            .addIdentifier(
                new DmarcIdentifierCheck(
                    DmarcIdentifierCheck.Kind.DKIM,
                    "mailer.example.net",
                    true,
                    false,
                    "DKIM d=mailer.example.net does not align"))
            .disposition(DmarcDisposition.NONE)
            .build();

    assertThat(r.toBuilder().build()).isEqualTo(r).hasSameHashCodeAs(r);
    assertThat(report.toBuilder().build()).isEqualTo(report).hasSameHashCodeAs(report);
    assertThat(report.toBuilder().result(DmarcResult.PASS).build()).isNotEqualTo(report);
    assertThat(r.toBuilder().applied("np", DmarcPolicy.REJECT).build()).isNotEqualTo(r);
    assertThat(report.testing()).isTrue();
    assertThat(report.appliedTag()).contains("sp");
    assertThat(report.organizationalDomain().domain()).isEqualTo("example.org");
    assertThat(report.alignedIdentifier()).isEmpty();
  }

  @Test
  void toString_showsResultDispositionAndReasons() {
    DmarcReport report =
        DmarcReport.builder()
            .fromDomain("news.example.org")
            .result(DmarcResult.FAIL)
            .policy(recordReport())
            .addIdentifier(
                new DmarcIdentifierCheck(
                    DmarcIdentifierCheck.Kind.SPF, "x.example", true, false, "SPF reason here"))
            .build();

    assertThat(report.toString())
        .contains("FAIL", "disposition NONE", "(sp)", "t=y", "SPF reason here", "example.org");
    assertThat(recordReport().toString()).contains("reject", "sp of _dmarc.example.org");
  }
}
