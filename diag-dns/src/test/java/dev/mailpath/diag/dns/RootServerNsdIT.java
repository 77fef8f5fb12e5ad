package dev.mailpath.diag.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.testkit.peer.DigClient;
import dev.mailpath.diag.testkit.peer.NsdServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RootServerQuery and DelegationTrace against a fake DNS hierarchy of real NSD servers on loopback,
 * all on one port, cross-checked with dig:
 *
 * <ul>
 *   <li>the roots: one NSD on 127.0.1.1 to 127.0.1.13 serving a root zone that delegates {@code
 *       test.} to ns1/ns2.nic.test. (with glue);
 *   <li>the TLD: one NSD on 127.0.2.1 and 127.0.2.2 serving {@code test.}, which delegates {@code
 *       mail-lab.test.} and {@code partlame.test.} to 127.0.3.1/.2 (and 127.0.4.1), and {@code
 *       alllame.test.} to 127.0.4.1 only;
 *   <li>the mail domain: one NSD on 127.0.3.1 and 127.0.3.2 serving {@code mail-lab.test.} (MX) and
 *       {@code partlame.test.};
 *   <li>a lame server: one NSD on 127.0.4.1 serving no zone, so REFUSED for everything.
 * </ul>
 *
 * Skipped when NSD or dig is absent, failed with {@code -Dpeers.required=true}.
 */
class RootServerNsdIT {
  static final long SERIAL = 2026112801L;
  static final String[] LETTERS = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m"};

  static NsdServer roots;
  static NsdServer tld;
  static NsdServer mail;
  static NsdServer lame;
  static DigClient dig;
  static ExecutorService digRunner;
  static int port;

  @BeforeAll
  static void startHierarchy() {
    NsdServer.requireInstalled();
    dig = DigClient.require();
    digRunner = Executors.newFixedThreadPool(13);
    NsdServer.Builder rootBuilder = NsdServer.builder().zone(".", rootZone());
    for (int i = 1; i <= 13; i++) {
      rootBuilder.addAddress("127.0.1." + i);
    }
    roots = rootBuilder.start();
    port = roots.port();
    // The rest bind the roots' port on their own addresses (delegations carry no port), and start
    // together: each NSD takes a few hundred milliseconds to come up.
    CompletableFuture<NsdServer> t =
        CompletableFuture.supplyAsync(
            () ->
                NsdServer.builder()
                    .zone("test.", tldZone())
                    .addAddress("127.0.2.1")
                    .addAddress("127.0.2.2")
                    .port(port)
                    .start());
    CompletableFuture<NsdServer> m =
        CompletableFuture.supplyAsync(
            () ->
                NsdServer.builder()
                    .zone("mail-lab.test.", mailZone())
                    .zone("partlame.test.", partlameZone())
                    .addAddress("127.0.3.1")
                    .addAddress("127.0.3.2")
                    .port(port)
                    .start());
    CompletableFuture<NsdServer> l =
        CompletableFuture.supplyAsync(
            () -> NsdServer.builder().addAddress("127.0.4.1").port(port).start());
    // Wait for all three before looking at failures, so that stopHierarchy (which JUnit runs
    // after a failure here too) stops every one that did start.
    CompletableFuture.allOf(t, m, l).exceptionally(e -> null).join();
    tld = t.exceptionally(e -> null).join();
    mail = m.exceptionally(e -> null).join();
    lame = l.exceptionally(e -> null).join();
    CompletableFuture.allOf(t, m, l).join();
  }

  @AfterAll
  static void stopHierarchy() {
    if (digRunner != null) {
      digRunner.shutdownNow();
    }
    for (NsdServer s : new NsdServer[] {lame, mail, tld, roots}) {
      if (s != null) {
        s.close();
      }
    }
  }

  static RootHints hints() {
    List<RootServer> list = new ArrayList<>();
    for (int i = 1; i <= 13; i++) {
      String l = LETTERS[i - 1];
      list.add(RootServer.of(l, l + ".root-servers.lab", "127.0.1." + i, null));
    }
    return RootHints.of(list).withPort(port);
  }

  static RootServerQuery rootQuery() {
    return RootServerQuery.builder()
        .hints(hints())
        .addressFamily(AddressFamily.IPV4)
        .dns(d -> d.timeout(Duration.ofSeconds(2)).retries(1))
        .build();
  }

  static DelegationTrace trace() {
    return DelegationTrace.builder()
        .hints(hints())
        .addressFamily(AddressFamily.IPV4)
        .port(port)
        .dns(d -> d.timeout(Duration.ofSeconds(2)).retries(1))
        .build();
  }

  static InetSocketAddress at(String address) {
    return new InetSocketAddress(RootLab.address(address), port);
  }

  static List<Finding> aboveInfo(List<Finding> findings) {
    return findings.stream().filter(f -> f.severity().isAtLeast(Severity.WARNING)).toList();
  }

  /** The records of the sections dig printed ({@code +noall} plus the chosen sections). */
  static List<String> digRecords(
      InetSocketAddress server, String name, String type, String... sections) {
    List<String> options = new ArrayList<>(List.of("+noall", "+nottlid"));
    options.addAll(List.of(sections));
    String out = dig.raw(server, name, type, options.toArray(String[]::new));
    List<String> records = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.isBlank() || line.startsWith(";")) {
        continue;
      }
      records.add(line.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT));
    }
    return records;
  }

  /** Our records in dig's {@code +nottlid} form: owner, class, type, data. */
  static String digForm(DnsRecord r) {
    return (r.name() + " IN " + r.type() + " " + r.data()).toLowerCase(Locale.ROOT);
  }

  // ------------------------------------------------------------------ ask

  @Test
  void ask_everyRoot_givesTheSameReferralAndSerialAsDigSees() {
    RootServerReport r = rootQuery().ask("mail-lab.test", RecordType.MX);

    assertThat(r.results()).hasSize(13);
    assertThat(r.results())
        .allSatisfy(
            res -> {
              assertThat(res.answered()).as(res.toString()).isTrue();
              assertThat(res.rcode()).isEqualTo("NOERROR");
              assertThat(res.flags()).doesNotContain(DnsFlag.AA, DnsFlag.RA);
              assertThat(res.answer()).isEmpty();
              assertThat(res.soaSerial()).contains(SERIAL);
              Referral ref = res.referral().orElseThrow();
              assertThat(ref.zone()).isEqualTo("test.");
              assertThat(ref.nameServers()).containsExactly("ns1.nic.test.", "ns2.nic.test.");
              assertThat(ref.addresses("ns1.nic.test."))
                  .extracting(InetAddress::getHostAddress)
                  .containsExactly("127.0.2.1");
              assertThat(ref.addresses("ns2.nic.test."))
                  .extracting(InetAddress::getHostAddress)
                  .containsExactly("127.0.2.2");
            });
    assertThat(r.serials()).containsOnlyKeys(SERIAL);
    assertThat(r.serials().get(SERIAL)).hasSize(13);
    assertThat(r.consensusSerial()).contains(SERIAL);
    assertThat(aboveInfo(r.findings())).isEmpty();
    assertThat(r.outcome()).isEqualTo(Outcome.PASS);

    // dig, asking each root the same question, sees the same NS set and glue and the same serial
    // (26 dig processes, run side by side).
    List<CompletableFuture<Void>> checks = new ArrayList<>();
    for (RootServerResult res : r.results()) {
      checks.add(CompletableFuture.runAsync(() -> crossCheckWithDig(res), digRunner));
    }
    checks.forEach(CompletableFuture::join);
  }

  private static void crossCheckWithDig(RootServerResult res) {
    Referral ref = res.referral().orElseThrow();
    List<String> ours = new ArrayList<>();
    ref.nameServers().forEach(ns -> ours.add("test. in ns " + ns));
    ref.glue().forEach(g -> ours.add(digForm(g)));
    assertThat(digRecords(res.address(), "mail-lab.test", "MX", "+authority", "+additional"))
        .as("dig's referral from %s", res.address())
        .containsExactlyInAnyOrderElementsOf(ours);
    assertThat(dig.query(res.address(), ".", "SOA"))
        .as("dig's root SOA from %s", res.address())
        .singleElement()
        .satisfies(soa -> assertThat(soa.split(" ")[2]).isEqualTo(String.valueOf(SERIAL)));
  }

  // ------------------------------------------------------------------ prime

  @Test
  void prime_lab_matchesTheLabHints() {
    PrimingReport p = rootQuery().prime();

    assertThat(p.hintsCurrent()).as(p.toString()).isTrue();
    assertThat(p.differences()).isEmpty();
    assertThat(p.liveServers()).containsExactlyInAnyOrderElementsOf(hints().servers());
    assertThat(aboveInfo(p.findings())).isEmpty();
    assertThat(p.outcome()).isEqualTo(Outcome.PASS);
    assertThat(dig.query(at("127.0.1.7"), ".", "NS"))
        .map(s -> s.toLowerCase(Locale.ROOT))
        .containsExactlyInAnyOrderElementsOf(
            hints().servers().stream().map(RootServer::name).toList());
  }

  // ------------------------------------------------------------------ trace

  @Test
  void trace_mailDomain_followsRootThenTldToTheAuthoritativeMxAnswer() {
    TraceReport t = trace().trace("mail-lab.test", RecordType.MX);

    assertThat(t.zones()).containsExactly(".", "test.", "mail-lab.test.");
    assertThat(t.steps())
        .extracting(TraceStep::kind)
        .containsExactly(TraceStep.Kind.REFERRAL, TraceStep.Kind.REFERRAL, TraceStep.Kind.ANSWER);
    assertThat(t.steps().get(0).server().orElseThrow().getAddress().getHostAddress())
        .startsWith("127.0.1.");
    assertThat(t.steps().get(0).referral())
        .hasValueSatisfying(r -> assertThat(r.zone()).isEqualTo("test."));
    assertThat(t.steps().get(1).replies()).hasSize(2); // both TLD servers asked
    assertThat(t.steps().get(1).referral())
        .hasValueSatisfying(
            r ->
                assertThat(r.nameServers())
                    .containsExactly("ns1.mail-lab.test.", "ns2.mail-lab.test."));
    assertThat(t.steps().get(2).replies())
        .hasSize(2)
        .allSatisfy(reply -> assertThat(reply.report().authoritative()).isTrue());
    assertThat(t.authoritativeServer().orElseThrow()).isIn(at("127.0.3.1"), at("127.0.3.2"));
    assertThat(t.rcode()).contains("NOERROR");
    assertThat(t.completed()).isTrue();
    assertThat(aboveInfo(t.findings())).isEmpty();
    assertThat(t.outcome()).isEqualTo(Outcome.PASS);

    List<String> ours = t.answer(RecordType.MX).stream().map(DnsRecord::data).sorted().toList();
    assertThat(ours).containsExactly("10 mx1.mail-lab.test.", "20 mx2.mail-lab.test.");
    assertThat(
            dig.query(t.authoritativeServer().orElseThrow(), "mail-lab.test", "MX").stream()
                .map(s -> s.toLowerCase(Locale.ROOT))
                .sorted()
                .toList())
        .isEqualTo(ours);
    // What the TLD refers to, dig sees too.
    assertThat(digRecords(at("127.0.2.2"), "mail-lab.test", "MX", "+authority"))
        .containsExactlyInAnyOrder(
            "mail-lab.test. in ns ns1.mail-lab.test.", "mail-lab.test. in ns ns2.mail-lab.test.");
  }

  @Test
  void trace_oneServerRefusesTheZone_answersAndWarnsOfLameDelegation() {
    TraceReport t = trace().trace("partlame.test", RecordType.MX);

    assertThat(t.completed()).isTrue();
    assertThat(t.answer(RecordType.MX))
        .extracting(DnsRecord::data)
        .containsExactly("10 mx1.mail-lab.test.");
    TraceStep last = t.steps().get(t.steps().size() - 1);
    assertThat(last.zone()).isEqualTo("partlame.test.");
    assertThat(last.replies(TraceStep.Verdict.LAME))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.serverName()).isEqualTo("ns2.partlame.test.");
              assertThat(r.report().rcode()).isEqualTo("REFUSED");
            });
    assertThat(t.findings())
        .filteredOn(f -> f.is(RootFinding.LAME_DELEGATION))
        .singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.WARNING));
    assertThat(dig.raw(at("127.0.4.1"), "partlame.test", "SOA")).contains("status: REFUSED");
  }

  @Test
  void trace_everyServerRefusesTheZone_failsWithLameDelegationError() {
    TraceReport t = trace().trace("alllame.test", RecordType.MX);

    assertThat(t.completed()).isFalse();
    assertThat(t.zones()).containsExactly(".", "test.", "alllame.test.");
    assertThat(t.steps().get(2).kind()).isEqualTo(TraceStep.Kind.FAILED);
    assertThat(t.findings())
        .filteredOn(f -> f.is(RootFinding.LAME_DELEGATION))
        .singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.ERROR));
    assertThat(t.outcome()).isEqualTo(Outcome.FAIL);
  }

  // ------------------------------------------------------------------ zones

  static String rootZone() {
    StringBuilder sb = new StringBuilder("$ORIGIN .\n$TTL 86400\n");
    sb.append("@ SOA a.root-servers.lab. nstld.lab. ")
        .append(SERIAL)
        .append(" 1800 900 604800 86400\n");
    for (int i = 1; i <= 13; i++) {
      sb.append("@ 518400 NS ").append(LETTERS[i - 1]).append(".root-servers.lab.\n");
    }
    for (int i = 1; i <= 13; i++) {
      sb.append(LETTERS[i - 1])
          .append(".root-servers.lab. 518400 A 127.0.1.")
          .append(i)
          .append('\n');
    }
    sb.append(
        """
        test.          172800 NS ns1.nic.test.
        test.          172800 NS ns2.nic.test.
        ns1.nic.test.  172800 A  127.0.2.1
        ns2.nic.test.  172800 A  127.0.2.2
        """);
    return sb.toString();
  }

  static String tldZone() {
    return """
        $ORIGIN test.
        $TTL 86400
        @             SOA ns1.nic.test. hostmaster.nic.test. 1 3600 600 86400 300
        @             NS  ns1.nic.test.
        @             NS  ns2.nic.test.
        ns1.nic       A   127.0.2.1
        ns2.nic       A   127.0.2.2
        mail-lab      NS  ns1.mail-lab
        mail-lab      NS  ns2.mail-lab
        ns1.mail-lab  A   127.0.3.1
        ns2.mail-lab  A   127.0.3.2
        partlame      NS  ns1.partlame
        partlame      NS  ns2.partlame
        ns1.partlame  A   127.0.3.1
        ns2.partlame  A   127.0.4.1
        alllame       NS  ns1.alllame
        ns1.alllame   A   127.0.4.1
        """;
  }

  static String mailZone() {
    return """
        $ORIGIN mail-lab.test.
        $TTL 300
        @     SOA ns1 hostmaster 2026112801 3600 600 86400 300
        @     NS  ns1
        @     NS  ns2
        ns1   A   127.0.3.1
        ns2   A   127.0.3.2
        @     MX  10 mx1
        @     MX  20 mx2
        mx1   A   127.0.5.1
        mx2   A   127.0.5.2
        """;
  }

  static String partlameZone() {
    return """
        $ORIGIN partlame.test.
        $TTL 300
        @     SOA ns1 hostmaster 1 3600 600 86400 300
        @     NS  ns1
        @     NS  ns2
        ns1   A   127.0.3.1
        ns2   A   127.0.4.1
        @     MX  10 mx1.mail-lab.test.
        """;
  }
}
