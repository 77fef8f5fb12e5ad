package dev.mailpath.diag.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.Finding;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import nl.jqno.equalsverifier.EqualsVerifier;
import nl.jqno.equalsverifier.Warning;
import nl.jqno.equalsverifier.api.ConfiguredEqualsVerifier;
import org.junit.jupiter.api.Test;

/**
 * Every report of diag-dns is a value: equal when its parts are, with a matching hash code, and
 * {@code toBuilder()} gives back an equal report.
 */
class ReportEqualityTest {
  static final InetSocketAddress A = new InetSocketAddress(RootLab.address("127.0.0.1"), 53);
  static final InetSocketAddress B = new InetSocketAddress(RootLab.address("127.0.0.2"), 5353);
  static final Finding F1 = DnsFinding.TIMEOUT.finding("no answer");
  static final Finding F2 = DnsFinding.NXDOMAIN.finding("no such name");

  static ConfiguredEqualsVerifier config() {
    return EqualsVerifier.configure()
        .withPrefabValues(InetSocketAddress.class, A, B)
        .withPrefabValues(
            InetAddress.class, RootLab.address("127.0.0.1"), RootLab.address("127.0.0.2"))
        .withPrefabValues(Finding.class, F1, F2)
        // Reports are built through builders that reject nulls, and their fields are final.
        // hashCode uses the main fields only (cheaper for reports with long lists), which the
        // contract allows.
        .suppress(Warning.NULL_FIELDS, Warning.STRICT_HASHCODE);
  }

  static DnsQueryReport query(String name) {
    return DnsQueryReport.builder().server(A).name(name).type(RecordType.MX).build();
  }

  static RootServerReport roots(String name) {
    return RootServerReport.builder().name(name).type(RecordType.NS).hintsSource("lab").build();
  }

  @Test
  void mxReport_equalsAndHashCode_followTheContract() {
    config().forClass(MxReport.class).verify();
  }

  @Test
  void addressReport_equalsAndHashCode_followTheContract() {
    config().forClass(AddressReport.class).verify();
  }

  @Test
  void reverseReport_equalsAndHashCode_followTheContract() {
    config().forClass(ReverseReport.class).verify();
  }

  @Test
  void dnsQueryReport_equalsAndHashCode_followTheContract() {
    // The referral is derived from the sections at construction, so it is not a field of its own
    // for equality.
    config().forClass(DnsQueryReport.class).withIgnoredFields("referral").verify();
  }

  @Test
  void rootServerReport_equalsAndHashCode_followTheContract() {
    config()
        .withPrefabValues(DnsQueryReport.class, query("a."), query("b."))
        .forClass(RootServerReport.class)
        .verify();
  }

  @Test
  void primingReport_equalsAndHashCode_followTheContract() {
    config()
        .withPrefabValues(RootServerReport.class, roots("a."), roots("b."))
        .withPrefabValues(
            RootHints.class,
            RootHints.iana(),
            RootHints.of(List.of(RootServer.of("a", "a.lab", "127.0.0.1", null))))
        .forClass(PrimingReport.class)
        .verify();
  }

  @Test
  void traceReport_equalsAndHashCode_followTheContract() {
    config()
        .withPrefabValues(DnsQueryReport.class, query("a."), query("b."))
        .forClass(TraceReport.class)
        .verify();
  }

  @Test
  void toBuilder_roundTrips_toAnEqualReport() {
    MxReport mx =
        MxReport.builder()
            .domain("example.org")
            .startedAt(Instant.ofEpochSecond(1))
            .elapsed(Duration.ofMillis(5))
            .addFinding(F1)
            .build();
    DnsQueryReport q =
        query("example.org.").toBuilder().startedAt(Instant.ofEpochSecond(2)).build();
    RootServerReport r = roots(".");

    assertThat(mx.toBuilder().build()).isEqualTo(mx).hasSameHashCodeAs(mx);
    assertThat(q.toBuilder().build()).isEqualTo(q);
    assertThat(r.toBuilder().build()).isEqualTo(r);
    assertThat(mx.startedAt()).isEqualTo(Instant.ofEpochSecond(1));
    assertThat(q.startedAt()).isEqualTo(Instant.ofEpochSecond(2));
  }

  @Test
  void toString_rendersThroughReportText() {
    AddressReport a =
        new AddressReport(
            "mx.example.org",
            List.of(RootLab.address("127.0.0.1")),
            Optional.empty(),
            List.of(),
            List.of(F1),
            Instant.EPOCH,
            Duration.ofMillis(7));

    assertThat(a.toString())
        .startsWith("Addresses of mx.example.org -> [127.0.0.1]\n")
        .contains("Outcome: ")
        .contains("(7 ms)")
        .contains("dns.timeout");
  }
}
