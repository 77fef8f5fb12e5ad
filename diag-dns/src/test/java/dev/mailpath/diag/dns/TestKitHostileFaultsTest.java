package dev.mailpath.diag.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hostile DNS peers of the test kit ({@link DnsFault#tcpFlood()}, {@link
 * DnsFault#wrongClass()}, {@link DnsFault#nxdomainWithoutQuestion()}) against {@link MxResolver}:
 * each ends as a finding, within the call's deadline, and none of their data is used.
 */
class TestKitHostileFaultsTest {
  static LocalDnsZoneServer dns;

  @BeforeAll
  static void start() {
    dns = LocalDnsZoneServer.builder().zone(TestZones.example()).start();
  }

  @AfterAll
  static void stop() {
    dns.close();
  }

  @AfterEach
  void clearFaults() {
    dns.clearFaults();
  }

  static MxResolver.Builder resolver(Duration timeout, Duration deadline) {
    return MxResolver.builder()
        .dns(d -> d.server(dns.address()).timeout(timeout).retries(0).deadline(deadline))
        .addressFamily(AddressFamily.IPV4);
  }

  static List<String> codes(MxReport r) {
    return r.findings().stream().map(Finding::code).toList();
  }

  @Test
  void resolve_tcpFlood_endsByItsDeadlineWithAFinding() {
    dns.setFaults(List.of(DnsFault.tcpFlood()));
    // A per-attempt timeout far beyond the deadline: only the deadline can end the flooded read.
    MxResolver r = resolver(Duration.ofSeconds(20), Duration.ofMillis(800)).build();
    long start = System.nanoTime();

    MxReport report = r.resolve("example.org");

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(report.exchanges()).isEmpty();
    assertThat(report.findings()).isNotEmpty();
    assertThat(codes(report)).doesNotContain("dns.mx.none", "dns.nxdomain");
  }

  @Test
  void resolve_afterATcpFlood_theSameServerAnswersAgain() {
    dns.setFaults(List.of(DnsFault.tcpFlood().times(2))); // the UDP query and its TCP retry
    MxResolver r = resolver(Duration.ofSeconds(20), Duration.ofMillis(500)).build();
    r.resolve("example.org");

    MxReport report =
        r.toBuilder().dns(d -> d.deadline(Duration.ofSeconds(5))).build().resolve("example.org");

    assertThat(report.exchanges()).extracting(MailExchange::host).contains("mx1.example.org");
  }

  @Test
  void resolve_answersOfClassChaos_areNotUsed() {
    dns.setFaults(List.of(DnsFault.wrongClass()));

    MxReport report =
        resolver(Duration.ofMillis(400), Duration.ofSeconds(5)).build().resolve("example.org");

    assertThat(report.exchanges()).extracting(MailExchange::host).doesNotContain("mx1.example.org");
    assertThat(report.exchanges()).allSatisfy(e -> assertThat(e.addresses()).isEmpty());
  }

  @Test
  void resolve_nxdomainWithoutQuestion_isNotTakenAsNxdomain() {
    dns.setFaults(List.of(DnsFault.nxdomainWithoutQuestion()));

    MxReport report =
        resolver(Duration.ofMillis(400), Duration.ofSeconds(5)).build().resolve("example.org");

    assertThat(codes(report)).doesNotContain("dns.nxdomain").contains("dns.timeout");
  }
}
