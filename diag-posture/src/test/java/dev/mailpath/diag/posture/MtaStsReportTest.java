package dev.mailpath.diag.posture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import nl.jqno.equalsverifier.EqualsVerifier;
import nl.jqno.equalsverifier.Warning;
import org.junit.jupiter.api.Test;

class MtaStsReportTest {
  static final MtaStsPolicy POLICY =
      new MtaStsPolicy(MtaStsMode.TESTING, List.of("mx1.example.org"), Duration.ofDays(30));

  static MtaStsReport report(String id, String hash) {
    return MtaStsReport.builder()
        .domain("example.org")
        .record(id == null ? null : "v=STSv1; id=" + id, id)
        .fetch("127.0.0.1", 200)
        .policy(POLICY.canonicalText(), hash, POLICY)
        .addExchange(new MtaStsExchange("mx1.example.org", Optional.of("mx1.example.org")))
        .addFinding(MtaStsFinding.MODE_TESTING.finding("testing"))
        .startedAt(Instant.parse("2026-12-07T21:00:00Z"))
        .elapsed(Duration.ofMillis(42))
        .build();
  }

  @Test
  void equalsAndHashCode() {
    EqualsVerifier.forClass(MtaStsReport.class)
        .suppress(Warning.STRICT_HASHCODE)
        .withNonnullFields("domain", "exchanges", "queries", "findings", "startedAt", "elapsed")
        .verify();
    EqualsVerifier.forClass(TlsRptReport.class)
        .suppress(Warning.STRICT_HASHCODE)
        .withNonnullFields("domain", "rua", "queries", "findings", "startedAt", "elapsed")
        .verify();
  }

  @Test
  void toBuilder_roundTrips_andListsAreUnmodifiable() {
    MtaStsReport r = report("1", "aa");
    assertThat(r.toBuilder().build()).isEqualTo(r).hasSameHashCodeAs(r);
    assertThatThrownBy(() -> r.findings().add(r.findings().get(0)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(r.outcome()).isEqualTo(dev.mailpath.diag.core.Outcome.WARN);
    assertThat(r.toString()).contains("mode testing").contains("mx1.example.org matches");
    TlsRptReport t =
        TlsRptReport.builder()
            .domain("example.org")
            .record("v=TLSRPTv1; rua=mailto:a@b.c")
            .addRua("mailto:a@b.c")
            .build();
    assertThat(t.toBuilder().build()).isEqualTo(t);
  }

  @Test
  void changedWithoutNewId_needsTheSameIdAndTwoDifferentHashes() {
    assertThat(report("1", "bb").changedWithoutNewId(report("1", "aa"))).isTrue();
    assertThat(report("1", "aa").changedWithoutNewId(report("1", "aa"))).isFalse();
    assertThat(report("2", "bb").changedWithoutNewId(report("1", "aa"))).isFalse();
    assertThat(report("1", "bb").changedWithoutNewId(report("1", null))).isFalse();
    assertThat(report(null, "bb").changedWithoutNewId(report(null, "aa"))).isFalse();
    assertThat(report("1", "bb").idFinding(report("1", "aa")).orElseThrow().evidence()).hasSize(3);
  }
}
