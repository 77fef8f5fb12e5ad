package dev.mailpath.diag.posture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.posture.DnsblResult.Verdict;
import dev.mailpath.diag.testkit.peer.DigClient;
import dev.mailpath.diag.testkit.peer.Peers;
import dev.mailpath.diag.testkit.peer.RbldnsdServer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DnsblCheck against a real rbldnsd on loopback serving test lists (listed, unlisted, an error-only
 * list, an IPv6 list, a domain list, TXT reasons), each verdict compared with what dig sees for the
 * same name.
 */
class DnsblRbldnsdIT {
  static RbldnsdServer rbl;
  static DigClient dig;

  static final DnsblList BL =
      new DnsblList("bl.test", DnsblList.Kind.IP, DnsblList.SPAMHAUS_ZEN.codes());
  static final DnsblList ERR = DnsblList.ip("err.test");
  static final DnsblList V6 = new DnsblList("v6.test", DnsblList.Kind.IP, BL.codes());
  static final DnsblList DBL =
      new DnsblList("dbl.test", DnsblList.Kind.DOMAIN, DnsblList.SPAMHAUS_DBL.codes());

  @BeforeAll
  static void start() {
    Peers.requirePeer(
        "rbldnsd", RbldnsdServer.INSTALL_HINT, RbldnsdServer.findExecutable().isPresent());
    dig = DigClient.require();
    rbl =
        RbldnsdServer.builder()
            .zone(
                "bl.test",
                "ip4set",
                """
                :127.0.0.2:Listed for testing: $
                127.0.0.2
                192.0.2.10 :127.0.0.4:Exploited host $, see https://lookup.test/$
                192.0.2.11 :127.0.0.10:Dynamic range $
                """)
            .zone(
                "err.test",
                "ip4trie",
                """
                :127.255.255.254:Query refused through a public resolver
                0.0.0.0/0
                """)
            .zone(
                "v6.test",
                "ip6trie",
                """
                :127.0.0.3:IPv6 snowshoe source
                2001:db8::1
                ::ffff:7f00:2
                """)
            .zone(
                "dbl.test",
                "dnset",
                """
                :127.0.1.2:Spam domain $
                test
                spam.example
                """)
            .start();
  }

  @AfterAll
  static void stop() {
    if (rbl != null) {
      rbl.close();
    }
  }

  static DnsblCheck check() {
    return DnsblCheck.builder()
        .dns(d -> d.server(rbl.address()).timeout(Duration.ofSeconds(2)).retries(1))
        .deadline(Duration.ofSeconds(10))
        .list(BL)
        .list(ERR)
        .list(V6)
        .list(DBL)
        .build();
  }

  static InetAddress lit(String literal) {
    try {
      return InetAddress.getByName(literal); // a literal: never looked up
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  /** What dig says for the A question of a result's name, compared with the result's codes. */
  static void agreesWithDig(DnsblResult r) {
    List<String> digA =
        dig.query(rbl.address(), r.queryName(), "A").stream()
            .filter(l -> l.matches("[0-9.]+"))
            .toList();
    assertThat(new TreeSet<>(r.codes())).as(r.queryName()).isEqualTo(new TreeSet<>(digA));
    if (r.verdict() == Verdict.NOT_LISTED) {
      assertThat(digA).isEmpty();
    }
    if (r.reason().isPresent()) {
      List<String> txt = dig.query(rbl.address(), r.queryName(), "TXT");
      assertThat(txt).hasSize(1);
      assertThat(txt.get(0)).isEqualTo("\"" + r.reason().get() + "\"");
    }
  }

  @Test
  void listedAddress_withReason_andTheErrorListInconclusive() {
    DnsblReport r = check().check(lit("192.0.2.10"));

    assertThat(r.results())
        .extracting(x -> x.list().zone())
        .containsExactly("bl.test", "err.test", "v6.test");
    DnsblResult bl = r.results().get(0);
    assertThat(bl.verdict()).isEqualTo(Verdict.LISTED);
    assertThat(bl.codes()).containsExactly("127.0.0.4");
    assertThat(bl.reason())
        .contains("Exploited host 192.0.2.10, see https://lookup.test/192.0.2.10");
    DnsblResult err = r.results().get(1);
    assertThat(err.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(err.codes()).containsExactly("127.255.255.254");
    assertThat(r.results().get(2).verdict()).isEqualTo(Verdict.NOT_LISTED); // v4 on a v6 list
    assertThat(r.findings())
        .extracting(f -> f.code())
        .containsExactly("dnsbl.listed", "dnsbl.inconclusive");
    r.results().forEach(DnsblRbldnsdIT::agreesWithDig);
  }

  @Test
  void unlistedAddress_andPolicyListing() {
    DnsblReport clean = check().check(lit("192.0.2.99"));
    assertThat(clean.results().get(0).verdict()).isEqualTo(Verdict.NOT_LISTED);
    clean.results().forEach(DnsblRbldnsdIT::agreesWithDig);

    DnsblReport pbl = check().check(lit("192.0.2.11"));
    assertThat(pbl.results().get(0).verdict()).isEqualTo(Verdict.LISTED);
    assertThat(pbl.findings()).extracting(f -> f.code()).contains("dnsbl.policy-listed");
    assertThat(pbl.findings()).extracting(f -> f.code()).doesNotContain("dnsbl.listed");
    pbl.results().forEach(DnsblRbldnsdIT::agreesWithDig);
  }

  @Test
  void ipv6Address_isAskedByNibbles() {
    DnsblReport r = check().check(lit("2001:db8::1"));

    DnsblResult v6 = r.results().get(2);
    assertThat(v6.queryName()).endsWith(".8.b.d.0.1.0.0.2.v6.test");
    assertThat(v6.verdict()).isEqualTo(Verdict.LISTED);
    assertThat(v6.reason()).contains("IPv6 snowshoe source");
    r.results().forEach(DnsblRbldnsdIT::agreesWithDig);

    DnsblReport other = check().check(lit("2001:db8::2"));
    assertThat(other.results().get(2).verdict()).isEqualTo(Verdict.NOT_LISTED);
    other.results().forEach(DnsblRbldnsdIT::agreesWithDig);
  }

  @Test
  void domain_onTheDomainList() {
    DnsblReport r = check().check("spam.example");

    assertThat(r.results()).hasSize(1);
    assertThat(r.results().get(0).verdict()).isEqualTo(Verdict.LISTED);
    assertThat(r.results().get(0).meanings().get(0).meaning()).isEqualTo("DBL: spam domain");
    assertThat(r.results().get(0).reason()).contains("Spam domain spam.example");
    r.results().forEach(DnsblRbldnsdIT::agreesWithDig);

    DnsblReport clean = check().check("clean.example");
    assertThat(clean.results().get(0).verdict()).isEqualTo(Verdict.NOT_LISTED);
    clean.results().forEach(DnsblRbldnsdIT::agreesWithDig);
  }

  @Test
  void selfTest_passesForGoodLists_andFlagsTheErrorList() {
    DnsblReport r = check().selfTest();

    assertThat(r.results()).hasSize(14); // 4 per IP list (IPv4 and IPv6 entries), 2 per domain list
    r.results().forEach(DnsblRbldnsdIT::agreesWithDig);
    assertThat(r.results().subList(0, 2)) // bl.test: an IPv4 list
        .extracting(DnsblResult::verdict)
        .containsExactly(Verdict.LISTED, Verdict.NOT_LISTED);
    // err.test answers 127.255.255.254 for every test entry (rbldnsd's 0/0 matches the nibble
    // names too): inconclusive four times, never listed, never "misconfigured"
    assertThat(r.results().subList(4, 8)).allMatch(x -> x.verdict() == Verdict.INCONCLUSIVE);
    // v6.test is an IPv6 list: it holds RFC 5782's IPv6 test entry, ::ffff:7f00:2
    assertThat(r.results().subList(8, 12))
        .extracting(DnsblResult::verdict)
        .containsExactly(
            Verdict.NOT_LISTED, Verdict.NOT_LISTED, Verdict.LISTED, Verdict.NOT_LISTED);
    assertThat(r.results().subList(12, 14)) // dbl.test
        .extracting(DnsblResult::verdict)
        .containsExactly(Verdict.LISTED, Verdict.NOT_LISTED);
    assertThat(r.findings())
        .extracting(f -> f.code())
        .containsExactly(
            "dnsbl.inconclusive", "dnsbl.inconclusive", "dnsbl.inconclusive", "dnsbl.inconclusive");
  }
}
