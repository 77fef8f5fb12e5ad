package dev.mailpath.diag.assertj;

import static dev.mailpath.diag.assertj.DnsRecordingTest.assertSameResolution;
import static dev.mailpath.diag.assertj.DnsRecordingTest.codes;
import static dev.mailpath.diag.assertj.DnsRecordingTest.resolver;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.dns.DnsQuery;
import dev.mailpath.diag.dns.MxReport;
import dev.mailpath.diag.dns.RecordType;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import dev.mailpath.diag.testkit.peer.NsdServer;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The DNS round trip against a real authoritative server: resolve against NSD, record, replay the
 * recording from a {@code LocalDnsZoneServer}, and get the same reports (but for timings and the
 * server address). The recording is written to {@code target/recordings/nsd-mx.zone}; the copy
 * checked in as {@code src/test/resources/recordings/nsd-mx.zone} must equal it. Skipped when NSD
 * is absent, failed with {@code -Dpeers.required=true}.
 */
class DnsRecordingNsdIT {

  static final String ZONE =
      """
      $ORIGIN example.test.
      $TTL 3600
      @         SOA   ns1 hostmaster 2025030101 3600 600 86400 300
      @         NS    ns1
      ns1       A     127.0.0.1
      @         MX    10 mx1
      @         MX    20 mx2
      mx1       A     127.0.2.1
      mx1       AAAA  ::1
      mx2       A     127.0.2.2
      nullmx    MX    0 .
      implicit  A     127.0.2.10
      aliased   MX    10 alias
      alias     CNAME mx1
      """;

  static final List<String> DOMAINS =
      List.of(
          "example.test",
          "nullmx.example.test",
          "implicit.example.test",
          "nosuch.example.test",
          "aliased.example.test");

  @Test
  void recordFromNsd_replayFromLocalServer_givesTheSameReports()
      throws IOException, URISyntaxException {
    NsdServer.requireInstalled();
    List<MxReport> recorded = new ArrayList<>();
    DnsRecording.Builder recording = DnsRecording.builder();
    try (NsdServer nsd = NsdServer.builder().zone("example.test", ZONE).start()) {
      for (String domain : DOMAINS) {
        MxReport r = resolver(nsd.address()).resolve(domain);
        assertThat(r.server()).contains(nsd.address());
        recorded.add(r);
        recording.add(r);
      }
      recording.add(
          DnsQuery.builder()
              .dns(d -> d.server(nsd.address()))
              .build()
              .ask("alias.example.test", RecordType.A));
    }
    assertThat(codes(recorded.get(0))).isEmpty();
    assertThat(codes(recorded.get(1))).containsExactly("dns.mx.null");
    assertThat(codes(recorded.get(2))).containsExactly("dns.mx.implicit");
    assertThat(codes(recorded.get(3))).containsExactly("dns.nxdomain");
    assertThat(codes(recorded.get(4))).containsExactly("dns.mx.cname-target");

    DnsRecording zone = recording.build();
    Path file = Path.of("target", "recordings", "nsd-mx.zone");
    zone.writeTo(file);

    try (LocalDnsZoneServer replay = LocalDnsZoneServer.builder().zoneFile(file).start()) {
      for (MxReport r : recorded) {
        MxReport again = resolver(replay.address()).resolve(r.domain());
        assertThat(again.server()).contains(replay.address());
        assertSameResolution(again, r);
      }
    }

    Path checkedIn = Path.of(getClass().getResource("/recordings/nsd-mx.zone").toURI());
    assertThat(Files.readString(checkedIn, StandardCharsets.UTF_8))
        .as("the checked-in recording is this round trip's; copy %s over it", file)
        .isEqualTo(zone.text());
  }
}
