package dev.mailpath.diag.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.DiagEventListener;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSIDOption;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;

class DnsQueryTest {
  static LocalDnsZoneServer dns;

  static final String ZONE =
      """
      $ORIGIN example.org.
      $TTL 300
      @        SOA  ns1 hostmaster 42 3600 600 86400 300
      @        NS   ns1
      ns1      A    127.0.0.1
      @        MX   10 mx1
      @        MX   20 mx2
      mx1      A    127.0.2.1
      mx1      AAAA ::1
      mx2      A    127.0.2.2
      sub      NS   ns.sub
      ns.sub   A    127.0.2.53
      odd      TYPE65280 \\# 4 0a000001
      foo:bar/baz A 127.0.2.9
      """;

  @BeforeAll
  static void start() {
    dns = LocalDnsZoneServer.builder().zone(ZONE).start();
  }

  @AfterAll
  static void stop() {
    dns.close();
  }

  @AfterEach
  void clearFaults() {
    dns.clearFaults();
  }

  static DnsQuery.Builder query() {
    return DnsQuery.builder()
        .dns(d -> d.server(dns.address()).timeout(Duration.ofMillis(300)).retries(0));
  }

  @Test
  void ask_authoritativeMx_reportsFlagsAndEverySection() {
    DnsQueryReport r = query().recursionDesired(false).build().ask("example.org", RecordType.MX);

    assertThat(r.answered()).isTrue();
    assertThat(r.rcode()).isEqualTo("NOERROR");
    assertThat(r.flags()).containsExactlyInAnyOrder(DnsFlag.QR, DnsFlag.AA);
    assertThat(r.authoritative()).isTrue();
    assertThat(r.recursionAvailable()).isFalse();
    assertThat(r.name()).isEqualTo("example.org.");
    assertThat(r.answer())
        .extracting(DnsRecord::data)
        .containsExactlyInAnyOrder("10 mx1.example.org.", "20 mx2.example.org.");
    assertThat(r.answer())
        .allSatisfy(
            rec -> {
              assertThat(rec.type()).isEqualTo(RecordType.MX);
              assertThat(rec.ttl()).isEqualTo(Duration.ofSeconds(300));
            });
    assertThat(r.answers(RecordType.MX).get(0).target())
        .hasValueSatisfying(t -> assertThat(t).endsWith(".example.org."));
    assertThat(r.additional()).extracting(DnsRecord::type).contains(RecordType.A, RecordType.AAAA);
    assertThat(r.edns())
        .hasValueSatisfying(e -> assertThat(e.udpPayloadSize()).isGreaterThanOrEqualTo(512));
    assertThat(r.referral()).isEmpty();
    assertThat(r.responseSize()).isPositive();
    assertThat(r.findings()).isEmpty();
    assertThat(r.outcome()).isEqualTo(Outcome.PASS);
  }

  @Test
  void ask_recursionDesired_setsRdOnTheWire() {
    query().recursionDesired(true).build().ask("example.org", RecordType.SOA);
    assertThat(last().recursionDesired()).isTrue();

    DnsQueryReport r = query().recursionDesired(false).build().ask("example.org", RecordType.SOA);
    assertThat(last().recursionDesired()).isFalse();
    assertThat(r.hasFlag(DnsFlag.RD)).isFalse();
    assertThat(r.soaSerial()).contains(42L);
  }

  @Test
  void ask_belowDelegation_returnsReferralWithGlue() {
    DnsQueryReport r =
        query().recursionDesired(false).build().ask("www.sub.example.org", RecordType.A);

    assertThat(r.authoritative()).isFalse();
    assertThat(r.answer()).isEmpty();
    assertThat(r.referral())
        .hasValueSatisfying(
            ref -> {
              assertThat(ref.zone()).isEqualTo("sub.example.org.");
              assertThat(ref.nameServers()).containsExactly("ns.sub.example.org.");
              assertThat(ref.addresses("ns.sub.example.org"))
                  .extracting(a -> a.getHostAddress())
                  .containsExactly("127.0.2.53");
              assertThat(ref.glueless()).isEmpty();
            });
  }

  @Test
  void ask_nonexistentName_reportsNxdomainFindingAndSoa() {
    DnsQueryReport r = query().build().ask("nothere.example.org", RecordType.A);

    assertThat(r.rcode()).isEqualTo("NXDOMAIN");
    assertThat(r.authority()).extracting(DnsRecord::type).containsExactly(RecordType.SOA);
    assertThat(r.hasFinding(DnsFinding.NXDOMAIN)).isTrue();
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void ask_outsideEveryZone_reportsRefused() {
    DnsQueryReport r = query().build().ask("example.com", RecordType.A);

    assertThat(r.rcode()).isEqualTo("REFUSED");
    assertThat(r.hasFinding(DnsFinding.REFUSED)).isTrue();
  }

  @Test
  void ask_tcp_answersOverTcp() {
    DnsQueryReport r = query().dns(d -> d.tcpOnly(true)).build().ask("example.org", RecordType.MX);

    assertThat(r.tcp()).isTrue();
    assertThat(r.truncatedRetry()).isFalse();
    assertThat(last().tcp()).isTrue();
    assertThat(r.toString()).contains("+tcp").contains("(TCP)");
  }

  @Test
  void ask_truncatedUdp_retriesOverTcpAndSaysSo() {
    dns.setFaults(List.of(DnsFault.truncate()));

    DnsQueryReport r = query().build().ask("example.org", RecordType.MX);

    assertThat(r.tcp()).isTrue();
    assertThat(r.truncatedRetry()).isTrue();
    assertThat(r.answer()).hasSize(2);
    assertThat(r.hasFinding(DnsFinding.TRUNCATED_TCP_RETRY)).isTrue();
  }

  @Test
  void ask_droppedQuery_timesOutAfterEveryAttempt() {
    dns.setFaults(List.of(DnsFault.drop()));

    DnsQueryReport r =
        query()
            .dns(d -> d.timeout(Duration.ofMillis(150)).retries(1))
            .build()
            .ask("example.org", RecordType.MX);

    assertThat(r.answered()).isFalse();
    assertThat(r.status()).isEqualTo(DnsQueryReport.Status.TIMEOUT);
    assertThat(r.rcode()).isEqualTo("TIMEOUT");
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(r.hasFinding(DnsFinding.TIMEOUT)).isTrue();
    assertThat(r.outcome()).isEqualTo(Outcome.INCONCLUSIVE);
    assertThat(r.toString()).contains("communications error").contains("timed out");
  }

  @Test
  void ask_echoedQuery_isIgnoredNotTakenForAnAnswer() {
    dns.setFaults(List.of(DnsFault.echoQuery()));

    DnsQueryReport r =
        query()
            .dns(d -> d.timeout(Duration.ofMillis(150)))
            .build()
            .ask("example.org", RecordType.MX);

    assertThat(r.answered()).isFalse();
    assertThat(r.ignoredReplies()).isPositive();
  }

  @Test
  void ask_nsidOffered_reportsServerIdentity() {
    dns.setFaults(List.of(DnsFault.rawReply(bytes -> withNsid(bytes, "lab-dns-1"))));

    DnsQueryReport r = query().nsid(true).build().ask("example.org", RecordType.SOA);

    assertThat(r.nsid()).contains("lab-dns-1");
    assertThat(r.toString()).contains("NSID: \"lab-dns-1\"");
  }

  @Test
  void ask_unknownRecordType_keepsGenericData() {
    DnsQueryReport r = query().build().ask("odd.example.org", RecordType.ANY);

    assertThat(r.answer())
        .anySatisfy(
            rec -> {
              assertThat(rec.type()).isEqualTo(RecordType.UNKNOWN);
              assertThat(rec.data()).startsWith("TYPE65280 ");
            });
  }

  @Test
  void ask_dnssecOk_setsDoBitAndEdns() {
    DnsQueryReport r = query().dnssecOk(true).build().ask("example.org", RecordType.SOA);

    assertThat(last().edns()).isTrue();
    assertThat(r.edns()).hasValueSatisfying(e -> assertThat(e.dnssecOk()).isTrue());
  }

  @Test
  void ask_noEdns_sendsNoOpt() {
    DnsQueryReport r = query().dns(d -> d.edns(false)).build().ask("example.org", RecordType.SOA);

    assertThat(last().edns()).isFalse();
    assertThat(r.edns()).isEmpty();
  }

  @Test
  void ask_unicodeName_asksALabel() {
    query().build().ask("bücher.example.org", RecordType.A);

    assertThat(last().name()).isEqualTo("xn--bcher-kva.example.org.");
  }

  @Test
  void ask_rootName_asksTheRoot() {
    DnsQueryReport r = query().build().ask(".", RecordType.NS);

    assertThat(r.name()).isEqualTo(".");
    assertThat(last().name()).isEqualTo(".");
    assertThat(r.rcode()).isEqualTo("REFUSED");
  }

  @Test
  void ask_closedPort_reportsNetworkError() {
    InetSocketAddress closed;
    try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, RootLab.address("127.0.0.1"))) {
      closed = new InetSocketAddress(RootLab.address("127.0.0.1"), s.getLocalPort());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    DnsQueryReport r =
        DnsQuery.builder()
            .dns(d -> d.timeout(Duration.ofMillis(300)).retries(0))
            .build()
            .ask(closed, "example.org", RecordType.MX);

    assertThat(r.status()).isIn(DnsQueryReport.Status.NETWORK_ERROR, DnsQueryReport.Status.TIMEOUT);
    assertThat(r.findings()).isNotEmpty();
  }

  @Test
  void ask_listener_seesStartAndEnd() {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    DiagEventListener l =
        new DiagEventListener() {
          @Override
          public void dnsQueryStart(InetSocketAddress server, String name, String type) {
            events.add("start " + name + " " + type);
          }

          @Override
          public void dnsQueryEnd(
              InetSocketAddress server, String name, String type, String rcode, Duration elapsed) {
            events.add("end " + rcode);
          }
        };
    query().environment(e -> e.eventListener(l)).build().ask("example.org", RecordType.MX);

    assertThat(events).containsExactly("start example.org MX", "end NOERROR");
  }

  @Test
  void askAsync_completesWithReport() throws Exception {
    CompletableFuture<DnsQueryReport> f = query().build().askAsync("example.org", RecordType.MX);

    assertThat(f.get().answer()).hasSize(2);
  }

  @Test
  void toString_printsDigLikeView() {
    String s = query().recursionDesired(false).build().ask("example.org", RecordType.MX).toString();

    assertThat(s)
        .contains("; <<>> mailpath <<>> @127.0.0.1#" + dns.port() + " example.org. MX +norec")
        .contains(";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: ")
        .contains(";; flags: qr aa; QUERY: 1, ANSWER: 2")
        .contains(";; QUESTION SECTION:\n;example.org.")
        .contains(";; ANSWER SECTION:\nexample.org.\t300\tIN\tMX\t")
        .contains(";; SERVER: 127.0.0.1#" + dns.port() + " (UDP)");
  }

  @Test
  void toLookup_summarisesTheQuery() {
    DnsLookup l = query().build().ask("example.org", RecordType.MX).toLookup();

    assertThat(l.name()).isEqualTo("example.org");
    assertThat(l.type()).isEqualTo("MX");
    assertThat(l.authoritative()).isTrue();
  }

  @Test
  void ask_withoutServer_isIllegalState() {
    DnsQuery q = DnsQuery.builder().build();

    assertThatThrownBy(() -> q.ask("example.org", RecordType.MX))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("server");
  }

  @Test
  void ask_badArguments_areRejectedNamingTheParameter() {
    DnsQuery q = query().build();

    assertThatThrownBy(() -> q.ask("exa mple.org", RecordType.MX))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("space");
    assertThatThrownBy(() -> q.ask("example.org", RecordType.AXFR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AXFR");
    assertThatThrownBy(
            () ->
                q.ask(
                    InetSocketAddress.createUnresolved("dns.example", 53),
                    "example.org",
                    RecordType.MX))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("server");
  }

  @Test
  void builder_rejectsBadSettingsEagerly() {
    assertThatThrownBy(() -> DnsQuery.builder().dns(d -> d.timeout(Duration.ZERO)))
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> DnsQuery.builder().dns(d -> d.retries(11)))
        .hasMessageContaining("retries");
    assertThatThrownBy(() -> DnsQuery.builder().udpPayloadSize(100))
        .hasMessageContaining("udpPayloadSize");
    assertThatThrownBy(
            () ->
                DnsQuery.builder()
                    .dns(d -> d.server(new InetSocketAddress(RootLab.address("127.0.0.1"), 0))))
        .hasMessageContaining("port");
  }

  @Test
  void report_builder_allowsFakes() {
    DnsQueryReport fake =
        DnsQueryReport.builder()
            .server(new InetSocketAddress(RootLab.address("127.0.0.1"), 53))
            .name("example.org.")
            .type(RecordType.MX)
            .addFlag(DnsFlag.QR)
            .addAnswer(
                new DnsRecord(
                    "example.org.", RecordType.MX, Duration.ofSeconds(60), "10 mx.example.org."))
            .build();

    assertThat(fake.answers(RecordType.MX)).hasSize(1);
    assertThat(fake.toBuilder().build()).isEqualTo(fake);
    assertThatThrownBy(() -> DnsQueryReport.builder().name("example.org"))
        .hasMessageContaining("name");
  }

  private static LocalDnsZoneServer.ReceivedQuery last() {
    List<LocalDnsZoneServer.ReceivedQuery> q = dns.queries();
    return q.get(q.size() - 1);
  }

  /** Adds an NSID option to the reply's OPT record, as a root server's reply carries one. */
  static byte[] withNsid(byte[] reply, String nsid) {
    try {
      Message m = new Message(reply);
      OPTRecord opt = m.getOPT();
      if (opt == null) {
        return reply;
      }
      m.removeRecord(opt, Section.ADDITIONAL);
      m.addRecord(
          new OPTRecord(
              opt.getPayloadSize(),
              opt.getExtendedRcode(),
              opt.getVersion(),
              opt.getFlags(),
              List.of(new NSIDOption(nsid.getBytes(StandardCharsets.US_ASCII)))),
          Section.ADDITIONAL);
      return m.toWire();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void strictNamesOff_asksAnyPrintableLabel_andStillRefusesWhatTheDnsCannotCarry() {
    DnsQuery strict = DnsQuery.builder().dns(d -> d.server(dns.address())).build();
    assertThatThrownBy(() -> strict.ask("foo:bar/baz.example.org", RecordType.A))
        .isInstanceOf(IllegalArgumentException.class);

    DnsQuery any = strict.toBuilder().strictNames(false).build();
    assertThat(any.strictNames()).isFalse();
    DnsQueryReport r = any.ask("foo:bar/baz.example.org", RecordType.A);
    assertThat(r.rcode()).isEqualTo("NOERROR");
    assertThat(r.answers(RecordType.A)).extracting(DnsRecord::data).containsExactly("127.0.2.9");

    assertThatThrownBy(() -> any.ask("a..example.org", RecordType.A))
        .hasMessageContaining("empty label");
    assertThatThrownBy(() -> any.ask("x".repeat(64) + ".example.org", RecordType.A))
        .hasMessageContaining("longer than 63");
    assertThatThrownBy(() -> any.ask("caf\u00e9.example.org", RecordType.A))
        .hasMessageContaining("printable ASCII");
    assertThatThrownBy(() -> any.ask(("a".repeat(60) + ".").repeat(5) + "org", RecordType.A))
        .hasMessageContaining("255 octets");
  }
}
