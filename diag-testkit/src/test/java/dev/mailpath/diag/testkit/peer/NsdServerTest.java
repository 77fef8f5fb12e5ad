package dev.mailpath.diag.testkit.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

class NsdServerTest {

  private static final int BIG_MX_COUNT = 40;

  private static final String ZONE =
      String.join(
          "\n",
          "$TTL 300",
          "@      IN SOA  ns1 hostmaster 2024010101 3600 600 86400 300",
          "@      IN NS   ns1",
          "@      IN MX   10 mx1",
          "ns1    IN A    127.0.0.1",
          "mx1    IN A    127.0.0.2",
          "mx1    IN AAAA 2001:db8::25",
          IntStream.rangeClosed(1, BIG_MX_COUNT)
              .mapToObj(i -> String.format("big    IN MX   %d mail-exchanger-%02d", i, i))
              .collect(Collectors.joining("\n")),
          "");

  private static NsdServer shared;

  /** One server for the read-only query tests: NSD takes a few hundred ms to start. */
  private static synchronized NsdServer shared() {
    NsdServer.requireInstalled();
    if (shared == null) {
      shared = NsdServer.builder().zone("example.test.", ZONE).start();
    }
    return shared;
  }

  @AfterAll
  static void stopShared() {
    if (shared != null) {
      shared.close();
    }
  }

  private static Message udpQuery(InetSocketAddress server, String name, int type, int dclass)
      throws IOException {
    Message query = Message.newQuery(Record.newRecord(Name.fromString(name), type, dclass));
    query.getHeader().unsetFlag(Flags.RD);
    byte[] wire = query.toWire();
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(2000);
      socket.send(new DatagramPacket(wire, wire.length, server));
      byte[] buffer = new byte[65535];
      DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
      socket.receive(reply);
      return new Message(Arrays.copyOf(buffer, reply.getLength()));
    }
  }

  @Test
  void start_defaults_listensOnLoopbackWithFreePort() {
    NsdServer nsd = shared();

    assertThat(nsd.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(nsd.port()).isPositive().isEqualTo(nsd.address().getPort());
    assertThat(nsd.addresses()).containsExactly(nsd.address());
    assertThat(nsd.running()).isTrue();
    assertThat(nsd.version()).matches("\\d+\\.\\d+\\.\\d+");
  }

  @Test
  void start_defaults_writesTestConfiguration() throws IOException {
    String conf = Files.readString(shared().directory().resolve("nsd.conf"));

    assertThat(conf)
        .contains("username: \"\"")
        .contains("chroot: \"\"")
        .contains("rrl-ratelimit: 0")
        .contains("do-ip6: no")
        .contains("control-enable: no")
        .contains("ip-address: 127.0.0.1@" + shared().port());
  }

  @Test
  void dig_soaNsMxAAaaa_answersFromZone() {
    DigClient dig = DigClient.require();
    InetSocketAddress server = shared().address();

    assertThat(dig.query(server, "example.test", "SOA"))
        .containsExactly(
            "ns1.example.test. hostmaster.example.test. 2024010101 3600 600 86400 300");
    assertThat(dig.query(server, "example.test", "NS")).containsExactly("ns1.example.test.");
    assertThat(dig.query(server, "example.test", "MX")).containsExactly("10 mx1.example.test.");
    assertThat(dig.query(server, "mx1.example.test", "A")).containsExactly("127.0.0.2");
    assertThat(dig.query(server, "mx1.example.test", "AAAA")).containsExactly("2001:db8::25");
  }

  @Test
  void dig_unknownName_emptyAnswerAndNxdomain() {
    DigClient dig = DigClient.require();

    assertThat(dig.query(shared().address(), "nope.example.test", "A")).isEmpty();
    assertThat(dig.raw(shared().address(), "nope.example.test", "A"))
        .contains("status: NXDOMAIN")
        .contains("flags: qr aa");
  }

  @Test
  void udp_fortyMxWithoutEdns_truncated() throws IOException {
    Message response = udpQuery(shared().address(), "big.example.test.", Type.MX, DClass.IN);

    assertThat(response.getHeader().getFlag(Flags.TC)).isTrue();
    assertThat(response.getSection(Section.ANSWER)).hasSizeLessThan(BIG_MX_COUNT);
  }

  @Test
  void dig_fortyMxWithoutEdns_allRecordsViaTcpRetry() {
    List<String> answer =
        DigClient.require().query(shared().address(), "big.example.test", "MX", "+noedns");

    assertThat(answer).hasSize(BIG_MX_COUNT).contains("7 mail-exchanger-07.example.test.");
    assertThat(String.join("\n", answer).length()).isGreaterThan(512);
  }

  @Test
  void dig_fortyMxOverTcp_allRecords() {
    assertThat(DigClient.require().query(shared().address(), "big.example.test", "MX", "+tcp"))
        .hasSize(BIG_MX_COUNT);
  }

  @Test
  void udp_thousandQuickQueries_allAnsweredWithoutRateLimiting() throws IOException {
    // Debian's NSD rate-limits 200 answers/s per /24 by default, but its rate averaging lets
    // about 400 through in the first second: 1000 in a burst shows drops and TC slips if on.
    int total = 1000;
    int window = 32;
    byte[] buffer = new byte[4096];
    Set<Integer> pending = new HashSet<>();
    int sent = 0;
    int answered = 0;
    int truncated = 0;
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.connect(shared().address());
      socket.setSoTimeout(2000);
      while (answered < total) {
        while (sent < total && pending.size() < window) {
          Message query =
              Message.newQuery(
                  Record.newRecord(Name.fromString("mx1.example.test."), Type.A, DClass.IN));
          query.getHeader().unsetFlag(Flags.RD);
          query.getHeader().setID(sent);
          byte[] wire = query.toWire();
          socket.send(new DatagramPacket(wire, wire.length));
          pending.add(sent++);
        }
        DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
        try {
          socket.receive(reply);
        } catch (SocketTimeoutException e) {
          break;
        }
        Message response = new Message(Arrays.copyOf(buffer, reply.getLength()));
        if (pending.remove(response.getHeader().getID())) {
          answered++;
          if (response.getHeader().getFlag(Flags.TC)
              || response.getRcode() != Rcode.NOERROR
              || response.getSection(Section.ANSWER).isEmpty()) {
            truncated++;
          }
        }
      }
    }

    assertThat(answered).as("answers to %d queries", total).isEqualTo(total);
    assertThat(truncated).as("truncated or empty answers (rate limiting slips)").isZero();
  }

  @Test
  void start_secondAddress_answersOnBothWithSamePort() {
    NsdServer.requireInstalled();
    DigClient dig = DigClient.require();
    try (NsdServer nsd =
        NsdServer.builder()
            .zone("example.test.", ZONE)
            .addAddress("127.0.0.1")
            .addAddress("127.0.1.1")
            .start()) {
      assertThat(nsd.addresses())
          .extracting(a -> a.getAddress().getHostAddress())
          .containsExactly("127.0.0.1", "127.0.1.1");
      assertThat(nsd.addresses()).extracting(InetSocketAddress::getPort).containsOnly(nsd.port());

      for (InetSocketAddress server : nsd.addresses()) {
        assertThat(dig.query(server, "example.test", "MX")).containsExactly("10 mx1.example.test.");
      }
    }
  }

  @Test
  void start_rootZoneOnThirteenAddresses_answersOnEach() throws IOException {
    NsdServer.requireInstalled();
    String root =
        "$TTL 86400\n"
            + ". IN SOA a.root-servers.test. nstld.test. 1 1800 900 604800 86400\n"
            + ". IN NS a.root-servers.test.\n"
            + "a.root-servers.test. IN A 127.0.1.1\n";
    NsdServer.Builder builder = NsdServer.builder().zone(".", root);
    for (int i = 1; i <= 13; i++) {
      builder.addAddress("127.0.1." + i);
    }
    try (NsdServer nsd = builder.start()) {
      assertThat(nsd.addresses()).hasSize(13);
      for (InetSocketAddress server : nsd.addresses()) {
        Message response = udpQuery(server, ".", Type.SOA, DClass.IN);
        assertThat(response.getRcode()).as("rcode from %s", server).isEqualTo(Rcode.NOERROR);
        assertThat(response.getHeader().getFlag(Flags.AA)).as("AA from %s", server).isTrue();
      }
    }
  }

  @Test
  void close_running_stopsProcessTreeFreesPortAndDeletesDirectory() throws IOException {
    NsdServer.requireInstalled();
    NsdServer nsd = NsdServer.builder().zone("example.test.", ZONE).start();
    ProcessHandle main = ProcessHandle.of(nsd.pid()).orElseThrow();
    List<ProcessHandle> children = main.descendants().collect(Collectors.toList());
    InetSocketAddress address = nsd.address();
    assertThat(main.isAlive()).isTrue();
    assertThat(children).as("NSD's server and xfrd processes").isNotEmpty();

    nsd.close();

    assertThat(main.isAlive()).isFalse();
    // NSD's main process does not wait for its children: init reaps them, a zombie has exited
    assertThat(children).allMatch(NsdServer::gone);
    assertThat(nsd.running()).isFalse();
    assertThat(nsd.directory()).doesNotExist();
    assertThat(nsd.logText()).contains("nsd started");
    try (DatagramSocket udp = new DatagramSocket(address);
        ServerSocket tcp = new ServerSocket(address.getPort(), 1, address.getAddress())) {
      assertThat(udp.getLocalPort()).isEqualTo(tcp.getLocalPort());
    }
    nsd.close(); // idempotent
  }

  @Test
  void start_zoneWithSyntaxError_throwsWithCheckzoneOutput() {
    NsdServer.requireInstalled();
    NsdServer.Builder builder =
        NsdServer.builder().zone("broken.test.", "$TTL 300\n@ IN SOA ns1 hostmaster 1 2 3\n");

    assertThatThrownBy(builder::start)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nsd-checkzone rejected zone broken.test.");
  }

  @Test
  void start_serverOptionHideVersionNo_overridesTestDefault() throws IOException {
    NsdServer.requireInstalled();
    try (NsdServer nsd =
        NsdServer.builder()
            .zone("example.test.", ZONE)
            .serverOption("hide-version", "no")
            .start()) {
      Message response = udpQuery(nsd.address(), "version.bind.", Type.TXT, DClass.CH);

      assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(((TXTRecord) response.getSection(Section.ANSWER).get(0)).getStrings())
          .containsExactly("NSD " + nsd.version());
    }
  }

  @Test
  void udp_versionBindByDefault_refused() throws IOException {
    Message response = udpQuery(shared().address(), "version.bind.", Type.TXT, DClass.CH);

    assertThat(response.getRcode()).isEqualTo(Rcode.REFUSED);
  }

  @Test
  void start_fixedPortTaken_throwsWithNsdLog() throws IOException {
    NsdServer.requireInstalled();
    try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      NsdServer.Builder builder =
          NsdServer.builder()
              .zone("example.test.", ZONE)
              .port(taken.getLocalPort())
              .startTimeout(Duration.ofSeconds(5));

      assertThatThrownBy(builder::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("NSD's log")
          .hasMessageContaining("in use");
    }
  }

  @Test
  void address_notLoopback_throws() {
    assertThatThrownBy(() -> NsdServer.builder().address("192.0.2.1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loopback");
  }

  @Test
  void address_hostName_throwsWithoutLookup() {
    assertThatThrownBy(() -> NsdServer.builder().address("localhost"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("IP literal");
  }

  @Test
  void addAddress_twice_throws() {
    NsdServer.Builder builder = NsdServer.builder().addAddress("127.0.1.1");

    assertThatThrownBy(() -> builder.addAddress("127.0.1.1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void port_outOfRange_throws() {
    assertThatThrownBy(() -> NsdServer.builder().port(65536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("65536");
  }

  @Test
  void zone_sameOriginTwice_throws() {
    NsdServer.Builder builder = NsdServer.builder().zone("example.test", ZONE);

    assertThatThrownBy(() -> builder.zone("example.test.", ZONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("example.test.");
  }

  @Test
  void serverOption_ipAddress_throws() {
    assertThatThrownBy(() -> NsdServer.builder().serverOption("ip-address", "0.0.0.0"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void serverOption_multiLineValue_throws() {
    assertThatThrownBy(() -> NsdServer.builder().serverOption("verbosity", "1\nzone:"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void dig_nonLoopbackServer_throwsBeforeRunning() {
    DigClient dig = DigClient.require();

    assertThatThrownBy(() -> dig.query(new InetSocketAddress("192.0.2.1", 53), "example.test", "A"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loopback");
  }

  @Test
  void dig_nameLikeFlag_throws() {
    DigClient dig = DigClient.require();

    assertThatThrownBy(() -> dig.query(shared().address(), "-f/etc/passwd", "A"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void dig_nothingListening_throwsWithDigOutput() throws IOException {
    DigClient dig = DigClient.require();
    int closedPort;
    try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      closedPort = probe.getLocalPort();
    }

    assertThatThrownBy(
            () -> dig.query(new InetSocketAddress("127.0.0.1", closedPort), "example.test", "A"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exit 9");
  }
}
