package dev.mailpath.diag.assertj;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.dns.DnsQuery;
import dev.mailpath.diag.dns.DnsQueryReport;
import dev.mailpath.diag.dns.MxReport;
import dev.mailpath.diag.dns.MxResolver;
import dev.mailpath.diag.dns.RecordType;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records MxResolver runs against a lab zone, replays them on a fresh server, compares. */
class DnsRecordingTest {

  static final String LAB =
      """
      $ORIGIN example.org.
      $TTL 300
      @           SOA   ns1 hostmaster 1 3600 600 86400 300
      @           NS    ns1
      ns1         A     127.0.0.1
      @           MX    10 mx1
      @           MX    20 mx2
      @           MX    20 mx3
      mx1         A     127.0.2.1
      mx1         AAAA  ::1
      mx2         A     127.0.2.2
      mx3         A     127.0.2.3
      nullmx      MX    0 .
      mixed       MX    0 .
      mixed       MX    10 mx1
      implicit    A     127.0.2.10
      nomail      TXT   "no mail here"
      cnametarget MX    10 alias
      alias       CNAME mx1
      dangling    MX    10 nohost
      """;

  static final List<String> DOMAINS =
      List.of(
          "example.org",
          "nullmx.example.org",
          "mixed.example.org",
          "implicit.example.org",
          "nomail.example.org",
          "nosuch.example.org",
          "cnametarget.example.org",
          "dangling.example.org");

  static MxResolver resolver(InetSocketAddress server) {
    return MxResolver.builder()
        .dns(d -> d.server(server).timeout(Duration.ofSeconds(2)).retries(1))
        .random(new Random(17))
        .build();
  }

  static List<String> codes(MxReport r) {
    return r.findings().stream().map(Finding::code).toList();
  }

  /** What a replay must reproduce: everything but timings, lookups and the server address. */
  static void assertSameResolution(MxReport replayed, MxReport recorded) {
    assertThat(replayed.exchanges()).as(recorded.domain()).isEqualTo(recorded.exchanges());
    assertThat(replayed.addresses()).as(recorded.domain()).isEqualTo(recorded.addresses());
    assertThat(codes(replayed)).as(recorded.domain()).isEqualTo(codes(recorded));
    assertThat(replayed.outcome()).as(recorded.domain()).isEqualTo(recorded.outcome());
    assertThat(replayed.rcode()).as(recorded.domain()).isEqualTo(recorded.rcode());
    assertThat(replayed.nullMx()).as(recorded.domain()).isEqualTo(recorded.nullMx());
    assertThat(replayed.implicitMx()).as(recorded.domain()).isEqualTo(recorded.implicitMx());
    assertThat(replayed.authoritative()).as(recorded.domain()).isEqualTo(recorded.authoritative());
  }

  @Test
  void recordThenReplay_givesTheSameReports(@TempDir Path dir) {
    List<MxReport> recorded = new ArrayList<>();
    DnsRecording.Builder recording = DnsRecording.builder();
    try (LocalDnsZoneServer lab = LocalDnsZoneServer.builder().zone(LAB).start()) {
      for (String domain : DOMAINS) {
        MxReport r = resolver(lab.address()).resolve(domain);
        recorded.add(r);
        recording.add(r);
      }
      DnsQueryReport alias =
          DnsQuery.builder()
              .dns(d -> d.server(lab.address()))
              .build()
              .ask("alias.example.org", RecordType.A);
      recording.add(alias);
    }
    DnsRecording zone = recording.build();
    Path file = dir.resolve("recordings/lab.zone");
    zone.writeTo(file);

    try (LocalDnsZoneServer replay = LocalDnsZoneServer.builder().zoneFile(file).start()) {
      for (MxReport r : recorded) {
        assertSameResolution(resolver(replay.address()).resolve(r.domain()), r);
      }
    }
    assertThat(codes(recorded.get(6))).containsExactly("dns.mx.cname-target");
    assertThat(codes(recorded.get(4))).containsExactly("dns.mx.none");
  }

  @Test
  void build_writesReadableZoneText() {
    MxReport mx;
    MxReport nx;
    MxReport nullMx;
    try (LocalDnsZoneServer lab = LocalDnsZoneServer.builder().zone(LAB).start()) {
      mx = resolver(lab.address()).resolve("example.org");
      nx = resolver(lab.address()).resolve("nosuch.example.org");
      nullMx = resolver(lab.address()).resolve("nullmx.example.org");
    }

    DnsRecording zone = DnsRecording.builder().add(mx).add(nx).add(nullMx).build();

    assertThat(zone.origin()).isEqualTo("example.org.");
    assertThat(zone.toString()).isEqualTo(zone.text());
    assertThat(zone.text())
        .startsWith("; mailpath DNS recording, format 1\n")
        .contains("; MX example.org: NOERROR\n")
        .contains("; MX nosuch.example.org: NXDOMAIN (left out, so it stays NXDOMAIN)\n")
        .contains("$ORIGIN example.org.\n")
        .containsPattern("(?m)^@ +SOA +ns\\.recording\\.invalid\\. ")
        .containsPattern("(?m)^@ +NS +ns\\.recording\\.invalid\\.$")
        .containsPattern("(?m)^@ +300 MX +10 mx1\\.example\\.org\\.$")
        .containsPattern("(?m)^mx1 +A +127\\.0\\.2\\.1$")
        .containsPattern("(?m)^mx1 +AAAA +0:0:0:0:0:0:0:1$|(?m)^mx1 +AAAA +::1$")
        .containsPattern("(?m)^nullmx +MX +0 \\.$")
        .doesNotContain("nosuch ");
    assertThat(DnsRecording.builder().add(mx).add(nx).add(nullMx).build()).isEqualTo(zone);
  }

  @Test
  void build_errorAnswers_areCommentsThatNameTheFault() {
    MxReport broken;
    try (LocalDnsZoneServer lab =
        LocalDnsZoneServer.builder()
            .zone(LAB)
            .fault(DnsFault.servfail().forName("example.org"))
            .start()) {
      broken = resolver(lab.address()).resolve("example.org");
    }

    DnsRecording zone = DnsRecording.builder().add(broken).build();

    assertThat(zone.text())
        .contains("; MX example.org: SERVFAIL (not replayable: add a DnsFault")
        .doesNotContainPattern("(?m)^[^;$].* MX ");
    try (LocalDnsZoneServer replay = LocalDnsZoneServer.builder().zone(zone.text()).start()) {
      assertThat(replay.address()).isNotNull();
    }
  }

  @Test
  void build_withoutReports_throws() {
    assertThatThrownBy(() -> DnsRecording.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("MxReport");
  }

  @Test
  void checkedInNsdRecording_replaysInEveryBuild() throws URISyntaxException {
    Path file = Path.of(getClass().getResource("/recordings/nsd-mx.zone").toURI());
    try (LocalDnsZoneServer replay = LocalDnsZoneServer.builder().zoneFile(file).start()) {
      MxResolver resolver = resolver(replay.address());
      MxReport mx = resolver.resolve("example.test");
      assertThat(mx.exchanges())
          .extracting(e -> e.preference() + " " + e.host())
          .containsExactly("10 mx1.example.test", "20 mx2.example.test");
      assertThat(codes(mx)).isEmpty();
      assertThat(codes(resolver.resolve("nullmx.example.test"))).containsExactly("dns.mx.null");
      assertThat(codes(resolver.resolve("implicit.example.test")))
          .containsExactly("dns.mx.implicit");
      assertThat(codes(resolver.resolve("nosuch.example.test"))).containsExactly("dns.nxdomain");
      assertThat(codes(resolver.resolve("aliased.example.test")))
          .containsExactly("dns.mx.cname-target");
    }
  }
}
