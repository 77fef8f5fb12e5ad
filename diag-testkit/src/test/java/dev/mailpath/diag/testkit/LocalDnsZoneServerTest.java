package dev.mailpath.diag.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

class LocalDnsZoneServerTest {

  static final String ZONE =
      """
      $ORIGIN example.org.
      $TTL 300
      @         IN SOA   ns1 hostmaster 1 3600 600 86400 60
      @         IN NS    ns1
      ns1       IN A     127.0.0.1
      @         IN MX    10 mx1
      mx1       IN A     127.0.0.1
      mx1       IN AAAA  ::1
      www       IN CNAME mx1
      alias     IN CNAME www
      elsewhere IN CNAME mail.example.net.
      child     IN NS    ns.child
      ns.child  IN A     127.0.0.53
      *.wild    IN A     127.0.0.9
      """
          + IntStream.rangeClosed(1, 40)
              .mapToObj(i -> String.format("big IN MX %d mx%02d%n", i, i))
              .collect(Collectors.joining());

  static final String ROOT_ZONE =
      """
      $ORIGIN .
      $TTL 86400
      @                   IN SOA a.root-servers.lab. hostmaster.lab. 1 1800 900 604800 86400
      @                   IN NS  a.root-servers.lab.
      a.root-servers.lab. IN A   127.0.1.1
      org.                IN NS  a0.org-servers.lab.
      a0.org-servers.lab. IN A   127.0.1.2
      """;

  static final String ORG_ZONE =
      """
      $ORIGIN org.
      $TTL 3600
      @           IN SOA a0.org-servers.lab. hostmaster.org. 1 1800 900 604800 3600
      @           IN NS  a0.org-servers.lab.
      example     IN NS  ns1.example
      ns1.example IN A   127.0.0.1
      """;

  private final List<LocalDnsZoneServer> servers = new ArrayList<>();

  @AfterEach
  void closeServers() {
    servers.forEach(LocalDnsZoneServer::close);
  }

  private LocalDnsZoneServer start(LocalDnsZoneServer.Builder builder) {
    LocalDnsZoneServer server = builder.start();
    servers.add(server);
    return server;
  }

  private LocalDnsZoneServer startDefault() {
    return start(LocalDnsZoneServer.builder().zone(ZONE));
  }

  // ---------------------------------------------------------------- answers

  @Test
  void start_mxQuery_answersAuthoritativelyWithTargetAddresses() throws IOException {
    LocalDnsZoneServer dns = startDefault();

    Message reply = Raw.ask(Raw.resolver(dns), "example.org.", Type.MX);

    assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(reply.getHeader().getFlag(Flags.QR)).isTrue();
    assertThat(reply.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(reply.getHeader().getFlag(Flags.RD)).as("RD copied from query").isTrue();
    assertThat(reply.getHeader().getFlag(Flags.RA)).isFalse();
    assertThat(Raw.strings(reply, Section.ANSWER))
        .containsExactly("example.org. MX 10 mx1.example.org.");
    assertThat(Raw.strings(reply, Section.ADDITIONAL))
        .contains("mx1.example.org. A 127.0.0.1", "mx1.example.org. AAAA 0:0:0:0:0:0:0:1");
  }

  @Test
  void zoneFile_servesTheFilesZone(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("example.zone");
    Files.writeString(file, ZONE, StandardCharsets.UTF_8);
    LocalDnsZoneServer dns = start(LocalDnsZoneServer.builder().zoneFile(file));

    Message reply = Raw.ask(Raw.resolver(dns), "example.org.", Type.MX);

    assertThat(Raw.strings(reply, Section.ANSWER))
        .containsExactly("example.org. MX 10 mx1.example.org.");
  }

  @Test
  void zoneFile_missingOrBadFile_throwsNamingTheFile(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("missing.zone");
    assertThatThrownBy(() -> LocalDnsZoneServer.builder().zoneFile(missing))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("missing.zone");
    Path bad = Files.writeString(dir.resolve("bad.zone"), "$ORIGIN example.org.\n@ A not-an-ip\n");
    assertThatThrownBy(() -> LocalDnsZoneServer.builder().zoneFile(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad.zone");
  }

  @Test
  void start_unknownName_answersNxdomainWithSoaAndNegativeTtl() throws IOException {
    LocalDnsZoneServer dns = startDefault();

    Message reply = Raw.ask(Raw.resolver(dns), "nosuch.example.org.", Type.A);

    assertThat(reply.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(reply.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(reply.getSection(Section.ANSWER)).isEmpty();
    List<Record> authority = reply.getSection(Section.AUTHORITY);
    assertThat(authority).singleElement().isInstanceOf(SOARecord.class);
    assertThat(authority.get(0).getTTL()).as("RFC 2308 §3: min(TTL, MINIMUM)").isEqualTo(60);
  }

  @Test
  void start_existingNameOtherType_answersNodataWithSoa() throws IOException {
    LocalDnsZoneServer dns = startDefault();

    Message reply = Raw.ask(Raw.resolver(dns), "mx1.example.org.", Type.TXT);

    assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(reply.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(reply.getSection(Section.ANSWER)).isEmpty();
    assertThat(reply.getSection(Section.AUTHORITY)).singleElement().isInstanceOf(SOARecord.class);
  }

  @Test
  void start_emptyNonTerminal_answersNodata() throws IOException {
    LocalDnsZoneServer dns = startDefault();

    Message reply = Raw.ask(Raw.resolver(dns), "wild.example.org.", Type.A);

    assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(reply.getSection(Section.AUTHORITY)).singleElement().isInstanceOf(SOARecord.class);
  }

  @Test
  void start_wildcardMatch_answersWithQueryName() throws IOException {
    LocalDnsZoneServer dns = startDefault();

    Message reply = Raw.ask(Raw.resolver(dns), "anything.wild.example.org.", Type.A);

    assertThat(Raw.strings(reply, Section.ANSWER))
        .containsExactly("anything.wild.example.org. A 127.0.0.9");
  }

  @Test
  void start_cnameChain_isChasedInsideZone() throws IOException {
    LocalDnsZoneServer dns = startDefault();

    Message reply = Raw.ask(Raw.resolver(dns), "alias.example.org.", Type.A);

    assertThat(reply.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(Raw.strings(reply, Section.ANSWER))
        .containsExactly(
            "alias.example.org. CNAME www.example.org.",
            "www.example.org. CNAME mx1.example.org.",
            "mx1.example.org. A 127.0.0.1");
  }

  @Test
  void start_cnameLeavingZone_answersCnameOnly() throws IOException {
    LocalDnsZoneServer dns = startDefault();

    Message reply = Raw.ask(Raw.resolver(dns), "elsewhere.example.org.", Type.A);

    assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(Raw.strings(reply, Section.ANSWER))
        .containsExactly("elsewhere.example.org. CNAME mail.example.net.");
  }

  @Test
  void start_nameBelowDelegation_answersReferralWithGlue() throws IOException {
    LocalDnsZoneServer dns = startDefault();

    Message reply = Raw.ask(Raw.resolver(dns), "host.child.example.org.", Type.A);

    assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(reply.getHeader().getFlag(Flags.AA)).as("referrals are not authoritative").isFalse();
    assertThat(reply.getSection(Section.ANSWER)).isEmpty();
    assertThat(Raw.strings(reply, Section.AUTHORITY))
        .containsExactly("child.example.org. NS ns.child.example.org.");
    assertThat(Raw.strings(reply, Section.ADDITIONAL))
        .contains("ns.child.example.org. A 127.0.0.53");
  }

  @Test
  void start_dsAtDelegation_answersFromParentSideAuthoritatively() throws IOException {
    LocalDnsZoneServer dns = startDefault();

    Message reply = Raw.ask(Raw.resolver(dns), "child.example.org.", Type.DS);

    assertThat(reply.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(reply.getSection(Section.ANSWER)).isEmpty();
    assertThat(reply.getSection(Section.AUTHORITY)).singleElement().isInstanceOf(SOARecord.class);
  }

  @Test
  void start_nameOutsideAllZones_answersRefused() throws IOException {
    LocalDnsZoneServer dns = startDefault();

    Message reply = Raw.ask(Raw.resolver(dns), "example.net.", Type.MX);

    assertThat(reply.getRcode()).isEqualTo(Rcode.REFUSED);
    assertThat(reply.getHeader().getFlag(Flags.AA)).isFalse();
    assertThat(reply.getSection(Section.ANSWER)).isEmpty();
  }

  @Test
  void start_withoutZones_refusesEverything() throws IOException {
    LocalDnsZoneServer dns = start(LocalDnsZoneServer.builder());

    Message reply = Raw.ask(Raw.resolver(dns), "example.org.", Type.A);

    assertThat(reply.getRcode()).isEqualTo(Rcode.REFUSED);
  }

  @Test
  void start_rootAndChildZones_answersFromClosestEnclosingZone() throws IOException {
    LocalDnsZoneServer dns = start(LocalDnsZoneServer.builder().zone(ROOT_ZONE).zone(ORG_ZONE));
    SimpleResolver resolver = Raw.resolver(dns);

    Message orgSoa = Raw.ask(resolver, "org.", Type.SOA);
    Message referral = Raw.ask(resolver, "example.org.", Type.MX);
    Message com = Raw.ask(resolver, "com.", Type.NS);
    Message orgDs = Raw.ask(resolver, "org.", Type.DS);

    assertThat(orgSoa.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(Raw.strings(orgSoa, Section.ANSWER))
        .singleElement()
        .asString()
        .startsWith("org. SOA");
    assertThat(referral.getHeader().getFlag(Flags.AA)).isFalse();
    assertThat(Raw.strings(referral, Section.AUTHORITY))
        .containsExactly("example.org. NS ns1.example.org.");
    assertThat(Raw.strings(referral, Section.ADDITIONAL)).contains("ns1.example.org. A 127.0.0.1");
    assertThat(com.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(Raw.strings(com, Section.AUTHORITY)).singleElement().asString().startsWith(". SOA");
    assertThat(orgDs.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(Raw.strings(orgDs, Section.AUTHORITY))
        .as("DS is answered by the parent (root) zone")
        .singleElement()
        .asString()
        .startsWith(". SOA");
  }

  @Test
  void start_ednsQuery_repliesWithOpt() throws IOException {
    LocalDnsZoneServer dns = startDefault();

    Message reply = Raw.ask(Raw.resolver(dns), "example.org.", Type.MX);

    OPTRecord opt = reply.getOPT();
    assertThat(opt).isNotNull();
    assertThat(opt.getPayloadSize()).isEqualTo(1232);
    assertThat(dns.queries())
        .singleElement()
        .extracting(LocalDnsZoneServer.ReceivedQuery::edns)
        .isEqualTo(true);
  }

  @Test
  void start_queryWithoutEdns_repliesWithoutOpt() throws IOException {
    LocalDnsZoneServer dns = startDefault();
    SimpleResolver resolver = Raw.resolver(dns);
    resolver.setEDNS(null);

    Message reply = Raw.ask(resolver, "example.org.", Type.MX);

    assertThat(reply.getOPT()).isNull();
    assertThat(dns.queries())
        .singleElement()
        .extracting(LocalDnsZoneServer.ReceivedQuery::edns)
        .isEqualTo(false);
  }

  @Test
  void start_ednsVersion1_answersBadvers() throws IOException {
    LocalDnsZoneServer dns = startDefault();
    SimpleResolver resolver = Raw.resolver(dns);
    resolver.setEDNS(new OPTRecord(1232, 0, 1, 0));

    Message reply = Raw.ask(resolver, "example.org.", Type.MX);

    assertThat(reply.getRcode()).isEqualTo(Rcode.BADVERS);
  }

  @Test
  void start_largeRrsetWithoutEdns_truncatesUdpAndAnswersFullyOverTcp() throws IOException {
    LocalDnsZoneServer dns = startDefault();
    SimpleResolver udp = Raw.resolver(dns);
    udp.setEDNS(null);
    udp.setIgnoreTruncation(true);
    SimpleResolver tcp = Raw.resolver(dns);
    tcp.setEDNS(null);
    tcp.setTCP(true);

    Message truncated = Raw.ask(udp, "big.example.org.", Type.MX);
    Message full = Raw.ask(tcp, "big.example.org.", Type.MX);

    assertThat(truncated.getHeader().getFlag(Flags.TC)).isTrue();
    assertThat(truncated.getSection(Section.ANSWER)).hasSizeLessThan(40);
    assertThat(full.getHeader().getFlag(Flags.TC)).isFalse();
    assertThat(full.getSection(Section.ANSWER)).hasSize(40);
    assertThat(dns.queries())
        .extracting(LocalDnsZoneServer.ReceivedQuery::tcp)
        .containsExactly(false, true);
  }

  @Test
  void start_largeRrsetWithEdns_fitsInUdp() throws IOException {
    LocalDnsZoneServer dns = startDefault();
    SimpleResolver resolver = Raw.resolver(dns);
    resolver.setIgnoreTruncation(true);

    Message reply = Raw.ask(resolver, "big.example.org.", Type.MX);

    assertThat(reply.getHeader().getFlag(Flags.TC)).isFalse();
    assertThat(reply.getSection(Section.ANSWER)).hasSize(40);
  }

  @Test
  void start_maxUdpPayloadCap_truncatesEdnsReplies() throws IOException {
    LocalDnsZoneServer dns = start(LocalDnsZoneServer.builder().zone(ZONE).maxUdpPayload(512));

    byte[] reply = Raw.udp(dns, Raw.query("big.example.org.", Type.MX, true));

    assertThat(reply.length).isLessThanOrEqualTo(512);
    assertThat(Raw.tc(reply)).isTrue();
    assertThat(Raw.parse(reply).getOPT().getPayloadSize()).isEqualTo(512);
  }

  @Test
  void start_severalQueriesOnOneTcpConnection_answersEach() throws IOException {
    LocalDnsZoneServer dns = startDefault();
    Message q1 = Raw.queryMessage("example.org.", Type.MX, false);
    Message q2 = Raw.queryMessage("mx1.example.org.", Type.A, false);
    Message q3 = Raw.queryMessage("nosuch.example.org.", Type.A, false);

    List<Message> replies = new ArrayList<>();
    try (Socket socket = Raw.connect(dns)) {
      OutputStream out = socket.getOutputStream();
      // Pipelined: all three before reading anything (RFC 7766 §6.2.1.1).
      out.write(DnsWire.framed(q1.toWire()));
      out.write(DnsWire.framed(q2.toWire()));
      out.write(DnsWire.framed(q3.toWire()));
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      for (int i = 0; i < 3; i++) {
        replies.add(Raw.parse(Raw.readFramed(in)));
      }
    }

    assertThat(replies)
        .extracting(m -> m.getHeader().getID())
        .containsExactly(q1.getHeader().getID(), q2.getHeader().getID(), q3.getHeader().getID());
    assertThat(replies)
        .extracting(Message::getRcode)
        .containsExactly(Rcode.NOERROR, Rcode.NOERROR, Rcode.NXDOMAIN);
    assertThat(dns.queryCount()).isEqualTo(3);
  }

  @Test
  void start_idleTcpConnection_isClosedAfterIdleTimeout() throws IOException {
    LocalDnsZoneServer dns =
        start(LocalDnsZoneServer.builder().zone(ZONE).tcpIdleTimeout(Duration.ofMillis(150)));

    try (Socket socket = Raw.connect(dns)) {
      socket.setSoTimeout(3000);
      assertThat(socket.getInputStream().read()).as("server closed the connection").isEqualTo(-1);
    }
  }

  @Test
  void start_tcpDisabled_refusesTcpConnections() throws IOException {
    LocalDnsZoneServer dns = start(LocalDnsZoneServer.builder().zone(ZONE).tcp(false));

    assertThat(Raw.parse(Raw.udp(dns, Raw.query("example.org.", Type.MX, false))).getRcode())
        .isEqualTo(Rcode.NOERROR);
    assertThatThrownBy(() -> Raw.connect(dns).close()).isInstanceOf(ConnectException.class);
  }

  @Test
  void start_recursionAvailable_setsRa() throws IOException {
    LocalDnsZoneServer dns =
        start(LocalDnsZoneServer.builder().zone(ZONE).recursionAvailable(true));

    Message reply = Raw.ask(Raw.resolver(dns), "example.org.", Type.MX);

    assertThat(reply.getHeader().getFlag(Flags.RA)).isTrue();
  }

  @Test
  void start_queryWithoutRd_repliesWithoutRd() throws IOException {
    LocalDnsZoneServer dns = startDefault();
    Message query = Raw.queryMessage("example.org.", Type.MX, false);
    query.getHeader().unsetFlag(Flags.RD);

    byte[] reply = Raw.udp(dns, query.toWire());

    assertThat(Raw.parse(reply).getHeader().getFlag(Flags.RD)).isFalse();
    assertThat(dns.queries())
        .singleElement()
        .extracting(LocalDnsZoneServer.ReceivedQuery::recursionDesired)
        .isEqualTo(false);
  }

  @Test
  void start_unparseableQueryWithHeader_answersFormerr() throws IOException {
    LocalDnsZoneServer dns = startDefault();
    byte[] query = Raw.query("example.org.", Type.MX, false);
    byte[] cut =
        java.util.Arrays.copyOf(query, 15); // header says one question; only 3 bytes follow

    byte[] reply = Raw.udp(dns, cut);

    assertThat(reply).hasSize(12);
    assertThat(DnsWire.readU16(reply, 0)).isEqualTo(DnsWire.readU16(query, 0));
    assertThat(Raw.rcode(reply)).isEqualTo(Rcode.FORMERR);
    assertThat(reply[2] & 0x80).as("QR").isNotZero();
    assertThat(dns.queryCount()).isEqualTo(1);
    assertThat(dns.queries()).isEmpty();
  }

  @Test
  void start_messageShorterThanHeader_isIgnored() throws IOException {
    LocalDnsZoneServer dns = startDefault();

    Raw.udpExpectNoReply(dns, new byte[] {1, 2, 3, 4, 5});

    assertThat(dns.queryCount()).isEqualTo(1);
  }

  @Test
  void start_boundToOtherLoopbackAddress_answersThere() throws IOException {
    InetAddress lab = InetAddress.getByAddress(new byte[] {127, 0, 1, 1});
    assumeThat(Raw.canBind(lab)).as("127.0.1.1 usable (Linux loopback)").isTrue();
    LocalDnsZoneServer dns = start(LocalDnsZoneServer.builder().zone(ZONE).bindAddress(lab));

    Message reply = Raw.ask(Raw.resolver(dns), "example.org.", Type.MX);

    assertThat(dns.address().getAddress()).isEqualTo(lab);
    assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
  }

  @Test
  void queries_afterUdpAndTcpQueries_recordsWhatWasAsked() throws IOException {
    LocalDnsZoneServer dns = startDefault();
    SimpleResolver tcp = Raw.resolver(dns);
    tcp.setTCP(true);

    Raw.ask(Raw.resolver(dns), "Example.ORG.", Type.MX);
    Raw.ask(tcp, "mx1.example.org.", Type.AAAA);

    assertThat(dns.queries()).hasSize(2);
    LocalDnsZoneServer.ReceivedQuery first = dns.queries().get(0);
    assertThat(first.name()).isEqualTo("Example.ORG.");
    assertThat(first.type()).isEqualTo(Type.MX);
    assertThat(first.typeName()).isEqualTo("MX");
    assertThat(first.tcp()).isFalse();
    assertThat(first.recursionDesired()).isTrue();
    assertThat(dns.queries().get(1).tcp()).isTrue();
    assertThat(dns.queries().get(1).typeName()).isEqualTo("AAAA");
    assertThat(first.at()).isBeforeOrEqualTo(dns.queries().get(1).at());
    assertThat(dns.queryCount()).isEqualTo(2);
  }

  @Test
  void address_afterStart_isLoopbackWithSharedPort() {
    LocalDnsZoneServer dns = startDefault();

    assertThat(dns.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(dns.address().getPort()).isEqualTo(dns.port()).isPositive();
    assertThat(dns.toString()).contains("127.0.0.1:" + dns.port(), "udp+tcp", "example.org.");
  }

  // ---------------------------------------------------------------- lifecycle

  @Test
  void close_afterStart_freesPortForUdpAndTcp() throws IOException {
    LocalDnsZoneServer dns = startDefault();
    int port = dns.port();
    dns.close();
    dns.close(); // idempotent

    try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", port));
        ServerSocket tcp = new ServerSocket()) {
      tcp.setReuseAddress(true);
      tcp.bind(new InetSocketAddress("127.0.0.1", port));
      assertThat(udp.getLocalPort()).isEqualTo(port);
    }
    assertThat(dns.toString()).contains("closed");
  }

  @Test
  void start_fixedPort_bindsUdpAndTcpThere() throws IOException {
    LocalDnsZoneServer first = startDefault();
    int port = first.port();
    first.close();

    LocalDnsZoneServer dns = start(LocalDnsZoneServer.builder().zone(ZONE).port(port));
    SimpleResolver tcp = Raw.resolver(dns);
    tcp.setTCP(true);

    assertThat(dns.port()).isEqualTo(port);
    assertThat(Raw.ask(tcp, "example.org.", Type.MX).getRcode()).isEqualTo(Rcode.NOERROR);
  }

  @Test
  void start_fixedPortInUse_throwsUncheckedIoException() {
    LocalDnsZoneServer dns = startDefault();

    assertThatThrownBy(() -> LocalDnsZoneServer.builder().port(dns.port()).start())
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(String.valueOf(dns.port()));
  }

  @Test
  void close_withOpenTcpConnection_closesItPromptly() throws IOException {
    LocalDnsZoneServer dns = startDefault();
    try (Socket socket = Raw.connect(dns)) {
      socket.setSoTimeout(2000);
      // Make sure the connection is being served before closing the server.
      socket.getOutputStream().write(DnsWire.framed(Raw.query("example.org.", Type.MX, false)));
      Raw.readFramed(new DataInputStream(socket.getInputStream()));

      dns.close();

      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void close_afterClose_stopsServerThreads() {
    LocalDnsZoneServer dns = startDefault();
    String prefix = "-" + dns.port();

    dns.close();

    assertThat(Thread.getAllStackTraces().keySet())
        .extracting(Thread::getName)
        .noneMatch(n -> n.startsWith("local-dns-") && n.contains(prefix));
  }

  // ---------------------------------------------------------------- builder validation

  @Test
  void bindAddress_nonLoopback_isRejected() throws IOException {
    InetAddress routable = InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1});

    assertThatThrownBy(() -> LocalDnsZoneServer.builder().bindAddress(routable))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bindAddress")
        .hasMessageContaining("192.0.2.1");
  }

  @Test
  void port_outOfRange_isRejected() {
    assertThatThrownBy(() -> LocalDnsZoneServer.builder().port(65536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port");
    assertThatThrownBy(() -> LocalDnsZoneServer.builder().port(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void maxUdpPayload_below512_isRejected() {
    assertThatThrownBy(() -> LocalDnsZoneServer.builder().maxUdpPayload(511))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxUdpPayload");
  }

  @Test
  void tcpIdleTimeout_zero_isRejected() {
    assertThatThrownBy(() -> LocalDnsZoneServer.builder().tcpIdleTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tcpIdleTimeout");
  }

  @Test
  void zone_syntaxError_isRejectedNamingTheText() {
    assertThatThrownBy(
            () ->
                LocalDnsZoneServer.builder().zone("$ORIGIN example.org.\n@ IN MX notanumber mx1\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("masterFileText");
  }

  @Test
  void zone_withoutSoa_isRejected() {
    assertThatThrownBy(
            () ->
                LocalDnsZoneServer.builder()
                    .zone("$ORIGIN example.org.\n$TTL 300\n@ IN NS ns1\nns1 IN A 127.0.0.1\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("masterFileText")
        .hasMessageContaining("SOA");
  }

  @Test
  void zone_withoutOriginOrSoa_isRejected() {
    assertThatThrownBy(
            () -> LocalDnsZoneServer.builder().zone("$TTL 300\nns1.example.org. IN A 127.0.0.1\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("$ORIGIN");
  }

  @Test
  void zone_recordOutsideOrigin_isRejected() {
    assertThatThrownBy(
            () -> LocalDnsZoneServer.builder().zone(ZONE + "www.example.net. IN A 127.0.0.1\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside the zone");
  }

  @Test
  void zone_include_isRejected() {
    assertThatThrownBy(() -> LocalDnsZoneServer.builder().zone(ZONE + "$INCLUDE /etc/hosts\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("masterFileText");
  }

  @Test
  void zone_sameOriginTwice_isRejected() {
    LocalDnsZoneServer.Builder builder = LocalDnsZoneServer.builder().zone(ZONE);

    assertThatThrownBy(() -> builder.zone("example.org", ZONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already added");
  }

  @Test
  void zone_explicitOrigin_resolvesRelativeNames() throws IOException {
    LocalDnsZoneServer dns =
        start(
            LocalDnsZoneServer.builder()
                .zone(
                    "example.com",
                    """
                    $TTL 60
                    @   IN SOA ns hostmaster 1 3600 600 86400 60
                    @   IN NS  ns
                    ns  IN A   127.0.0.1
                    """));

    Message reply = Raw.ask(Raw.resolver(dns), "ns.example.com.", Type.A);

    assertThat(Raw.strings(reply, Section.ANSWER)).containsExactly("ns.example.com. A 127.0.0.1");
  }

  // ---------------------------------------------------------------- helpers

  /** Raw wire helpers shared with {@link LocalDnsZoneServerFaultTest}. */
  static final class Raw {
    static final int TIMEOUT_MILLIS = 1000;

    private Raw() {}

    static SimpleResolver resolver(LocalDnsZoneServer dns) {
      SimpleResolver resolver = new SimpleResolver(dns.address());
      resolver.setTimeout(Duration.ofMillis(500));
      return resolver;
    }

    static Message ask(SimpleResolver resolver, String name, int type) throws IOException {
      return resolver.send(
          Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    static Message queryMessage(String name, int type, boolean edns) throws IOException {
      Message query = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
      if (edns) {
        query.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
      }
      return query;
    }

    static byte[] query(String name, int type, boolean edns) throws IOException {
      return queryMessage(name, type, edns).toWire();
    }

    static byte[] udp(LocalDnsZoneServer dns, byte[] query) throws IOException {
      try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.send(new DatagramPacket(query, query.length, dns.address()));
        DatagramPacket packet = new DatagramPacket(new byte[65535], 65535);
        socket.receive(packet);
        return java.util.Arrays.copyOf(packet.getData(), packet.getLength());
      }
    }

    static void udpExpectNoReply(LocalDnsZoneServer dns, byte[] query) throws IOException {
      try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
        socket.setSoTimeout(300);
        socket.send(new DatagramPacket(query, query.length, dns.address()));
        DatagramPacket packet = new DatagramPacket(new byte[65535], 65535);
        assertThatThrownBy(() -> socket.receive(packet)).isInstanceOf(SocketTimeoutException.class);
      }
    }

    static Socket connect(LocalDnsZoneServer dns) throws IOException {
      Socket socket = new Socket();
      try {
        socket.connect(dns.address(), TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        return socket;
      } catch (IOException e) {
        socket.close();
        throw e;
      }
    }

    static byte[] tcp(LocalDnsZoneServer dns, byte[] query) throws IOException {
      try (Socket socket = connect(dns)) {
        socket.getOutputStream().write(DnsWire.framed(query));
        return readFramed(new DataInputStream(socket.getInputStream()));
      }
    }

    static byte[] readFramed(DataInputStream in) throws IOException {
      byte[] message = new byte[in.readUnsignedShort()];
      in.readFully(message);
      return message;
    }

    static Message parse(byte[] wire) throws IOException {
      return new Message(wire);
    }

    static int id(byte[] wire) {
      return DnsWire.readU16(wire, 0);
    }

    static boolean qr(byte[] wire) {
      return (wire[2] & 0x80) != 0;
    }

    static boolean aa(byte[] wire) {
      return (wire[2] & 0x04) != 0;
    }

    static boolean tc(byte[] wire) {
      return (wire[2] & 0x02) != 0;
    }

    static int rcode(byte[] wire) {
      return wire[3] & 0x0F;
    }

    static int count(byte[] wire, int section) {
      return DnsWire.readU16(wire, 4 + 2 * section);
    }

    /** Records of a section as "owner TYPE rdata", without TTL and class, for readable asserts. */
    static List<String> strings(Message message, int section) {
      return message.getSection(section).stream()
          .map(r -> r.getName() + " " + Type.string(r.getType()) + " " + r.rdataToString())
          .collect(Collectors.toList());
    }

    static boolean canBind(InetAddress address) {
      try {
        new DatagramSocket(new InetSocketAddress(address, 0)).close();
        return true;
      } catch (IOException e) {
        return false;
      }
    }
  }
}
