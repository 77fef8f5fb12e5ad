package dev.mailpath.diag.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.testkit.peer.NsdServer;
import dev.mailpath.diag.testkit.peer.UnboundServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * mailpath's own DNSSEC verdict against Unbound's, on the same names: NSD serves a lab signed with
 * keys the test makes (root, test., example.test., an unsigned insecure.test. delegated without DS,
 * bad.test. with a record edited after signing, expired.test. whose signatures expired, and the
 * NSEC3 zones: nsec3.test. with a wildcard, an empty non-terminal and an unsigned delegation,
 * optout.test. with an opt-out unsigned delegation, iterations.test. above the iteration limit,
 * forged.test. whose NSEC3 records were changed after signing); Unbound validates from the lab
 * root's key. Unbound's answer (AD set: secure; no AD: insecure; SERVFAIL: bogus) must agree with
 * mailpath asking NSD directly and with mailpath asking Unbound (with CD set).
 */
class DnssecUnboundIT {
  static DnssecLab lab;
  static NsdServer nsd;
  static UnboundServer unbound;

  @BeforeAll
  static void start() {
    NsdServer.requireInstalled();
    UnboundServer.requireInstalled();
    lab = new DnssecLab();
    lab.zones.put(
        "bad.test.", lab.bad.sign(DnssecLab.badText()).replace("192.0.2.30", "192.0.2.99"));
    NsdServer.Builder b = NsdServer.builder();
    for (Map.Entry<String, String> z : lab.zones.entrySet()) {
      b.zone(z.getKey(), z.getValue());
    }
    nsd = b.start();
    unbound =
        UnboundServer.builder()
            .stub(nsd.address(), java.util.List.copyOf(lab.zones.keySet()))
            .trustAnchor(lab.root.ds())
            .start();
  }

  @AfterAll
  static void stop() {
    if (unbound != null) {
      unbound.close();
    }
    if (nsd != null) {
      nsd.close();
    }
  }

  static DnssecValidator validator(InetSocketAddress server) {
    return DnssecValidator.builder()
        .dns(d -> d.server(server).timeout(Duration.ofSeconds(2)).retries(1))
        .trustAnchors(lab.anchors())
        .build();
  }

  static DnssecStatus unboundVerdict(String name, RecordType type) {
    DnsQueryReport r =
        DnsQuery.builder()
            .dns(d -> d.server(unbound.address()).timeout(Duration.ofSeconds(3)))
            .dnssecOk(true)
            .build()
            .ask(name, type);
    if ("SERVFAIL".equals(r.rcode())) {
      return DnssecStatus.BOGUS;
    }
    return r.flags().contains(DnsFlag.AD) ? DnssecStatus.SECURE : DnssecStatus.INSECURE;
  }

  @ParameterizedTest(name = "{0} {1}: {2}")
  @CsvSource({
    "www.example.test., A, SECURE",
    "www.example.test., AAAA, SECURE",
    "nope.example.test., A, SECURE",
    "_25._tcp.mx1.example.test., TLSA, SECURE",
    "example.test., MX, SECURE",
    "www.insecure.test., A, INSECURE",
    "mx.insecure.test., MX, INSECURE",
    "www.bad.test., A, BOGUS",
    "www.expired.test., A, BOGUS",
    "host.wild.example.test., A, SECURE",
    "host.wild.example.test., AAAA, SECURE",
    "www.nsec3.test., A, SECURE",
    "www.nsec3.test., AAAA, SECURE",
    "nope.nsec3.test., A, SECURE",
    "a.b.nope.nsec3.test., A, SECURE",
    "ent.nsec3.test., TXT, SECURE",
    "deep.ent.nsec3.test., TXT, SECURE",
    "host.wild.nsec3.test., A, SECURE",
    "host.wild.nsec3.test., MX, SECURE",
    "nsec3.test., MX, SECURE",
    "unsigned.nsec3.test., DS, SECURE",
    "www.unsigned.nsec3.test., A, INSECURE",
    "www.optout.test., A, SECURE",
    "www.optout.test., AAAA, SECURE",
    "www.child.optout.test., A, INSECURE",
    "nope.optout.test., A, INSECURE",
    "www.iterations.test., A, SECURE",
    "www.iterations.test., AAAA, INSECURE",
    "nope.iterations.test., A, INSECURE",
    "www.forged.test., A, SECURE",
    "www.forged.test., AAAA, BOGUS",
    "nope.forged.test., A, BOGUS",
  })
  void mailpathAgreesWithUnbound(String name, String type, DnssecStatus expected) {
    RecordType t = RecordType.of(type);
    DnssecReport direct = validator(nsd.address()).validate(name, t);
    DnssecReport viaUnbound = validator(unbound.address()).validate(name, t);
    DnssecStatus unboundSays = unboundVerdict(name, t);

    assertThat(direct.status())
        .as(
            "%s%nNSD says:%n%s%nNSD log:%n%s",
            direct,
            DnsQuery.builder().dnssecOk(true).build().ask(nsd.address(), name, t),
            nsd.logText())
        .isEqualTo(expected);
    assertThat(viaUnbound.status()).as(viaUnbound.toString()).isEqualTo(expected);
    assertThat(unboundSays)
        .as("Unbound on %s %s; log:%n%s", name, type, unbound.logText())
        .isEqualTo(expected);
    if (expected == DnssecStatus.BOGUS) {
      assertThat(direct.reason())
          .get()
          .asString()
          .contains(name.contains("expired") ? "expired signature" : "bad signature");
      assertThat(direct.hasFinding(DnsFinding.DNSSEC_BOGUS)).isTrue();
    }
  }
}
