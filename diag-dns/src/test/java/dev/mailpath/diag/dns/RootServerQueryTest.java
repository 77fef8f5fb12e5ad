package dev.mailpath.diag.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The root lab: 13 roots on 127.0.1.1-13; root 4 (D) serves an older root zone, root 5 (E) refers
 * org. to a different server. Healthy-path tests use hints without D and E.
 */
class RootServerQueryTest {
  static final long OLD_SERIAL = RootLab.SERIAL - 100;
  static RootLab lab;

  @BeforeAll
  static void startLab() {
    lab =
        RootLab.start(
            Map.of(
                4, RootLab.rootZone(OLD_SERIAL),
                5, RootLab.rootZone(RootLab.SERIAL, "ns9.nic.org.", "127.0.7.99", "")),
            Map.of());
  }

  @AfterAll
  static void stopLab() {
    lab.close();
  }

  @AfterEach
  void clearFaults() {
    lab.roots.forEach(LocalDnsZoneServer::clearFaults);
  }

  static RootServerQuery.Builder roots() {
    return RootServerQuery.builder()
        .hints(lab.hints())
        .addressFamily(AddressFamily.IPV4)
        .dns(d -> d.timeout(Duration.ofMillis(300)).retries(0));
  }

  static RootHints healthy() {
    return lab.hints(1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13);
  }

  static List<Finding> findings(RootServerReport r, RootFinding code) {
    return r.findings().stream().filter(f -> f.is(code)).toList();
  }

  static boolean names(Finding f, String letter) {
    return f.evidence().contains(Evidence.of("root", letter));
  }

  @Test
  void ask_healthyRoots_referToTldWithSerialAndNoFindings() {
    RootServerReport r = roots().hints(healthy()).build().ask("example.org", RecordType.MX);

    assertThat(r.results())
        .hasSize(11)
        .allSatisfy(
            res -> {
              assertThat(res.answered()).isTrue();
              assertThat(res.rcode()).isEqualTo("NOERROR");
              assertThat(res.flags()).doesNotContain(DnsFlag.AA, DnsFlag.RA);
              assertThat(res.referral())
                  .hasValueSatisfying(
                      ref -> {
                        assertThat(ref.zone()).isEqualTo("org.");
                        assertThat(ref.nameServers()).containsExactly("ns1.nic.org.");
                        assertThat(ref.addresses("ns1.nic.org."))
                            .extracting(a -> a.getHostAddress())
                            .containsExactly("127.0.7.1");
                      });
              assertThat(res.soaSerial()).contains(RootLab.SERIAL);
              assertThat(res.soaResponse()).isPresent();
              assertThat(res.tcp()).isFalse();
            });
    assertThat(r.consensusSerial()).contains(RootLab.SERIAL);
    assertThat(r.findings()).isEmpty();
    assertThat(r.outcome()).isEqualTo(Outcome.PASS);
  }

  @Test
  void ask_sendsNonRecursiveQueriesToEveryRoot() {
    roots().build().ask("example.org", RecordType.MX);

    for (LocalDnsZoneServer root : lab.roots) {
      assertThat(root.queries())
          .isNotEmpty()
          .allSatisfy(q -> assertThat(q.recursionDesired()).isFalse());
      assertThat(root.queries())
          .extracting(LocalDnsZoneServer.ReceivedQuery::typeName)
          .contains("MX", "SOA");
    }
  }

  @Test
  void ask_rootWithOlderSerial_reportsSerialMismatch() {
    RootServerReport r = roots().build().ask("example.org", RecordType.MX);

    List<Finding> f = findings(r, RootFinding.SERIAL_MISMATCH);
    assertThat(f).hasSize(1);
    assertThat(names(f.get(0), "D")).isTrue();
    assertThat(f.get(0).evidence())
        .contains(
            Evidence.of("serial", OLD_SERIAL), Evidence.of("consensus-serial", RootLab.SERIAL));
    assertThat(r.serials()).containsKeys(RootLab.SERIAL, OLD_SERIAL);
    assertThat(r.serials().get(OLD_SERIAL)).containsExactly("D");
    assertThat(r.consensusSerial()).contains(RootLab.SERIAL);
  }

  @Test
  void ask_rootWithDifferentReferral_reportsReferralMismatch() {
    RootServerReport r = roots().build().ask("example.org", RecordType.MX);

    List<Finding> f = findings(r, RootFinding.REFERRAL_MISMATCH);
    assertThat(f).hasSize(1);
    assertThat(names(f.get(0), "E")).isTrue();
    assertThat(f.get(0).summary()).contains("ns9.nic.org.").contains("ns1.nic.org.");
  }

  @Test
  void ask_droppingRoot_reportsItUnreachable() {
    lab.root(3).setFaults(List.of(DnsFault.drop()));

    RootServerReport r = roots().hints(healthy()).build().ask("example.org", RecordType.MX);

    List<Finding> f = findings(r, RootFinding.UNREACHABLE);
    assertThat(f).hasSize(1);
    assertThat(names(f.get(0), "C")).isTrue();
    assertThat(r.results("C"))
        .singleElement()
        .satisfies(
            res -> {
              assertThat(res.answered()).isFalse();
              assertThat(res.rcode()).isEqualTo("TIMEOUT");
              assertThat(res.error()).isPresent();
            });
    assertThat(r.outcome()).isEqualTo(Outcome.WARN);
  }

  @Test
  void ask_slowRoot_reportsItSlow() {
    lab.root(2).setFaults(List.of(DnsFault.delay(Duration.ofMillis(200))));

    RootServerReport r =
        roots()
            .hints(healthy())
            .dns(d -> d.timeout(Duration.ofMillis(500)))
            .slowThresholds(Duration.ofMillis(150), Duration.ofMillis(300))
            .build()
            .ask("example.org", RecordType.MX);

    List<Finding> f = findings(r, RootFinding.SLOW);
    assertThat(f).anySatisfy(x -> assertThat(names(x, "B")).isTrue());
    assertThat(r.results("B").get(0).rtt()).isGreaterThanOrEqualTo(Duration.ofMillis(200));
  }

  @Test
  void ask_refusingRoot_reportsErrorRcode() {
    lab.root(6).setFaults(List.of(DnsFault.refused()));

    RootServerReport r = roots().hints(healthy()).build().ask("example.org", RecordType.MX);

    List<Finding> f = findings(r, RootFinding.ERROR_RCODE);
    assertThat(f).singleElement().satisfies(x -> assertThat(names(x, "F")).isTrue());
  }

  @Test
  void ask_interceptedRoot_reportsRecursionAndDirectAnswer() {
    // A "root" that is really a resolver: RA set, and it holds example.org itself.
    try (LocalDnsZoneServer interceptor =
        LocalDnsZoneServer.builder()
            .zone(RootLab.rootZone(RootLab.SERIAL))
            .zone(RootLab.exampleOrg("mx1", "mx2"))
            .recursionAvailable(true)
            .bindAddress(RootLab.address("127.0.1.14"))
            .port(0)
            .start()) {
      RootHints hints =
          RootHints.of(
              List.of(
                  healthy().servers().get(0),
                  RootServer.of("X", "x.root-servers.lab", "127.0.1.14", null)
                      .withPort(interceptor.port())));

      RootServerReport r = roots().hints(hints).build().ask("example.org", RecordType.MX);

      assertThat(findings(r, RootFinding.RECURSION_OFFERED))
          .singleElement()
          .satisfies(x -> assertThat(names(x, "X")).isTrue());
      assertThat(findings(r, RootFinding.UNEXPECTED_ANSWER))
          .singleElement()
          .satisfies(x -> assertThat(names(x, "X")).isTrue());
      assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
    }
  }

  @Test
  void ask_nobodyListening_reportsAllUnreachable() {
    RootHints dead =
        RootHints.of(
            List.of(
                RootServer.of("A", "a.dead.lab", "127.0.1.31", null).withPort(lab.port),
                RootServer.of("B", "b.dead.lab", "127.0.1.32", null).withPort(lab.port)));

    RootServerReport r = roots().hints(dead).build().ask("example.org", RecordType.MX);

    assertThat(r.findings()).extracting(Finding::code).containsExactly("dns.root.all-unreachable");
    assertThat(r.results()).noneMatch(RootServerResult::answered);
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void ask_unknownTld_reportsNxdomainWithRootSerial() {
    RootServerReport r = roots().hints(healthy()).build().ask("example.invalid", RecordType.MX);

    assertThat(r.results())
        .allSatisfy(
            res -> {
              assertThat(res.rcode()).isEqualTo("NXDOMAIN");
              assertThat(res.flags()).contains(DnsFlag.AA);
              assertThat(res.soaSerial()).contains(RootLab.SERIAL);
            });
    assertThat(r.findings()).extracting(Finding::code).containsExactly("dns.nxdomain");
  }

  @Test
  void ask_rootZoneSoa_needsNoSecondQuery() {
    RootServerReport r = roots().hints(healthy()).build().ask(".", RecordType.SOA);

    assertThat(r.results())
        .allSatisfy(
            res -> {
              assertThat(res.soaResponse()).isEmpty();
              assertThat(res.soaSerial()).contains(RootLab.SERIAL);
              assertThat(res.flags()).contains(DnsFlag.AA);
            });
    assertThat(r.findings()).isEmpty();
  }

  @Test
  void ask_withTcp_asksEveryRootOverBothTransports() {
    RootServerReport r =
        roots().hints(lab.hints(1, 2)).alsoTcp(true).build().ask("example.org", RecordType.MX);

    assertThat(r.results()).hasSize(4);
    assertThat(r.results())
        .extracting(RootServerResult::tcp)
        .containsExactly(false, true, false, true);
    assertThat(r.results())
        .allSatisfy(res -> assertThat(res.response().tcp()).isEqualTo(res.tcp()));
    assertThat(lab.root(1).queries()).anySatisfy(q -> assertThat(q.tcp()).isTrue());
    assertThat(r.tcp()).isTrue();
  }

  @Test
  void ask_nsidOffered_reportsIdentity() {
    lab.root(1).setFaults(List.of(DnsFault.rawReply(b -> DnsQueryTest.withNsid(b, "a1.lab"))));

    RootServerReport r = roots().hints(lab.hints(1, 2)).build().ask("example.org", RecordType.MX);

    assertThat(r.results("A").get(0).identity()).contains("a1.lab");
    assertThat(r.results("B").get(0).identity()).isEmpty();
    assertThat(r.toString()).contains("a1.lab");
  }

  @Test
  void ask_ipv6Root_isAskedOverIpv6() {
    LocalDnsZoneServer v6;
    try {
      v6 =
          LocalDnsZoneServer.builder()
              .zone(RootLab.rootZone(RootLab.SERIAL))
              .bindAddress(RootLab.address("::1"))
              .port(0)
              .start();
    } catch (UncheckedIOException e) {
      assumeTrue(false, "this machine has no IPv6 loopback");
      return;
    }
    try (v6) {
      RootHints hints =
          RootHints.of(
              List.of(
                  new RootServer(
                      "A",
                      "a.root-servers.lab",
                      java.util.Optional.empty(),
                      java.util.Optional.of(RootLab.address("::1")),
                      v6.port())));

      RootServerReport r =
          roots()
              .hints(hints)
              .addressFamily(AddressFamily.IPV6)
              .build()
              .ask("example.org", RecordType.MX);

      assertThat(r.results())
          .singleElement()
          .satisfies(
              res -> {
                assertThat(res.ipv6()).isTrue();
                assertThat(res.referral()).isPresent();
              });
      assertThat(r.toString()).contains("::1#" + v6.port());
    }
  }

  @Test
  void ask_familyWithoutRoute_reportsOneFamilyFinding() {
    assumeTrue(ipv6Loopback(), "this machine has no IPv6 loopback");
    // Each root has an IPv6 address on which nothing listens, as on a machine without IPv6.
    List<RootServer> servers = new java.util.ArrayList<>();
    for (RootServer s : lab.hints(1, 2, 3).servers()) {
      servers.add(
          new RootServer(
              s.letter(),
              s.name(),
              s.ipv4(),
              java.util.Optional.of(RootLab.address("::1")),
              s.port()));
    }

    RootServerReport r =
        roots()
            .hints(RootHints.of(servers))
            .addressFamily(AddressFamily.BOTH)
            .build()
            .ask("example.org", RecordType.MX);

    assertThat(r.results()).hasSize(6);
    assertThat(r.findings())
        .extracting(Finding::code)
        .containsExactly("dns.root.family-unreachable");
    assertThat(r.findings().get(0).evidence()).contains(Evidence.of("family", "IPv6"));
  }

  static boolean ipv6Loopback() {
    try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, RootLab.address("::1"))) {
      return s.getLocalPort() > 0;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void toString_printsTableOfRoots() {
    String s = roots().build().ask("example.org", RecordType.MX).toString();

    assertThat(s)
        .contains(";; root servers asked: example.org. MX (RD clear, IPv4, UDP), 13 replies of 13")
        .contains("root  address")
        .contains("referral org. (1 NS, 1 glue)")
        .contains(String.valueOf(OLD_SERIAL))
        .contains("dns.root.serial-mismatch");
    assertThat(s.lines().filter(l -> l.matches("^[A-M] .*")).count()).isEqualTo(13);
  }

  @Test
  void askAsync_completesWithReport() throws Exception {
    RootServerReport r =
        roots().hints(lab.hints(1)).build().askAsync("example.org", RecordType.MX).get();

    assertThat(r.results()).hasSize(1);
  }

  @Test
  void builder_validatesEagerly() {
    assertThatThrownBy(() -> RootServerQuery.builder().maxInFlight(0))
        .hasMessageContaining("maxInFlight");
    assertThatThrownBy(() -> RootServerQuery.builder().dns(d -> d.timeout(Duration.ofMillis(-1))))
        .hasMessageContaining("timeout");
    assertThatThrownBy(
            () -> RootServerQuery.builder().slowThresholds(Duration.ZERO, Duration.ofMillis(1)))
        .hasMessageContaining("udp");
    assertThatThrownBy(() -> roots().hints(lab.hints(1)).addressFamily(AddressFamily.IPV6).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("IPv6");
    RootServerQuery q = roots().build();
    assertThatThrownBy(() -> q.ask("bad..name", RecordType.MX))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> q.ask("example.org", RecordType.AXFR))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
