package dev.mailpath.diag.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.testkit.LocalDnsZoneServerTest.Raw;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

class LocalDnsZoneServerFaultTest {

  private final List<LocalDnsZoneServer> servers = new ArrayList<>();

  @AfterEach
  void closeServers() {
    servers.forEach(LocalDnsZoneServer::close);
  }

  private LocalDnsZoneServer start(DnsFault... faults) {
    LocalDnsZoneServer.Builder builder =
        LocalDnsZoneServer.builder().zone(LocalDnsZoneServerTest.ZONE);
    for (DnsFault fault : faults) {
      builder.fault(fault);
    }
    LocalDnsZoneServer server = builder.start();
    servers.add(server);
    return server;
  }

  private static byte[] mxQuery() throws IOException {
    return Raw.query("example.org.", Type.MX, false);
  }

  // ---------------------------------------------------------------- timing faults

  @Test
  void delay_matchingQuery_repliesLaterWithoutBlockingOtherQueries() throws IOException {
    LocalDnsZoneServer dns =
        start(DnsFault.delay(Duration.ofMillis(300)).forName("mx1.example.org"));
    byte[] slowQuery = Raw.query("mx1.example.org.", Type.A, false);

    try (DatagramSocket slow = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      slow.setSoTimeout(2000);
      long sent = System.nanoTime();
      slow.send(new DatagramPacket(slowQuery, slowQuery.length, dns.address()));

      byte[] fast = Raw.udp(dns, mxQuery());
      long fastMillis = (System.nanoTime() - sent) / 1_000_000;
      DatagramPacket packet = new DatagramPacket(new byte[512], 512);
      slow.receive(packet);
      long slowMillis = (System.nanoTime() - sent) / 1_000_000;

      assertThat(Raw.rcode(fast)).isEqualTo(Rcode.NOERROR);
      assertThat(fastMillis).as("undelayed query answered first").isLessThan(250);
      assertThat(slowMillis).isGreaterThanOrEqualTo(250);
      assertThat(Raw.id(packet.getData())).isEqualTo(Raw.id(slowQuery));
    }
  }

  @Test
  void delay_overTcp_doesNotHoldUpLaterQueriesOnSameConnection() throws IOException {
    LocalDnsZoneServer dns =
        start(DnsFault.delay(Duration.ofMillis(300)).forName("mx1.example.org"));
    byte[] slowQuery = Raw.query("mx1.example.org.", Type.A, false);
    byte[] fastQuery = mxQuery();

    try (Socket socket = Raw.connect(dns)) {
      socket.setSoTimeout(2000);
      OutputStream out = socket.getOutputStream();
      out.write(DnsWire.framed(slowQuery));
      out.write(DnsWire.framed(fastQuery));
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] first = Raw.readFramed(in);
      byte[] second = Raw.readFramed(in);

      // RFC 7766 §6.2.1.1: replies may come out of order; the client matches them by ID.
      assertThat(Raw.id(first)).isEqualTo(Raw.id(fastQuery));
      assertThat(Raw.id(second)).isEqualTo(Raw.id(slowQuery));
    }
  }

  @Test
  void drop_matchingQuery_clientTimesOut() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.drop());
    SimpleResolver resolver = Raw.resolver(dns);
    resolver.setTimeout(Duration.ofMillis(300));

    assertThatThrownBy(() -> Raw.ask(resolver, "example.org.", Type.MX))
        .isInstanceOf(IOException.class);
    assertThat(dns.queryCount()).isEqualTo(1);
  }

  @Test
  void maxUnansweredQueries_delayedReplies_countsTheQueriesHeldAtOnce() throws Exception {
    LocalDnsZoneServer dns =
        start(DnsFault.delay(Duration.ofSeconds(1)).forName("mx1.example.org"));

    try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      client.setSoTimeout(5000);
      for (int i = 0; i < 3; i++) {
        byte[] q = Raw.query("mx1.example.org.", Type.A, false);
        client.send(new DatagramPacket(q, q.length, dns.address()));
      }
      awaitCondition("three queries held", () -> dns.unansweredQueries() == 3);
      for (int i = 0; i < 3; i++) {
        client.receive(new DatagramPacket(new byte[512], 512));
      }
    }

    assertThat(dns.unansweredQueries()).isZero();
    assertThat(dns.maxUnansweredQueries()).isEqualTo(3);
  }

  @Test
  void maxUnansweredQueries_oneQueryAfterAnother_staysOne() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.delay(Duration.ofMillis(20)));

    for (int i = 0; i < 20; i++) {
      assertThat(Raw.rcode(Raw.udp(dns, mxQuery()))).isEqualTo(Rcode.NOERROR);
    }

    assertThat(dns.maxUnansweredQueries())
        .as("a query is uncounted before its reply goes out")
        .isEqualTo(1);
  }

  @Test
  void unansweredQueries_droppedQuery_isNotHeld() throws Exception {
    LocalDnsZoneServer dns = start(DnsFault.drop());

    Raw.udpExpectNoReply(dns, mxQuery());
    awaitCondition(
        "the dropped query no longer held",
        () -> dns.queryCount() == 1 && dns.unansweredQueries() == 0);

    assertThat(dns.maxUnansweredQueries()).isEqualTo(1);
  }

  private static void awaitCondition(String what, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(5);
    }
  }

  // ---------------------------------------------------------------- rcode and flag faults

  @Test
  void servfail_matchingQuery_answersServfail() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.servfail());

    Message reply = Raw.ask(Raw.resolver(dns), "example.org.", Type.MX);

    assertThat(reply.getRcode()).isEqualTo(Rcode.SERVFAIL);
    assertThat(reply.getSection(Section.ANSWER)).isEmpty();
    assertThat(reply.getHeader().getFlag(Flags.AA)).isFalse();
  }

  @Test
  void refused_matchingQuery_answersRefused() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.refused());

    assertThat(Raw.ask(Raw.resolver(dns), "example.org.", Type.MX).getRcode())
        .isEqualTo(Rcode.REFUSED);
  }

  @Test
  void rcode_notimp_answersNotimp() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.rcode(Rcode.NOTIMP));

    assertThat(Raw.rcode(Raw.udp(dns, mxQuery()))).isEqualTo(Rcode.NOTIMP);
  }

  @Test
  void notAuthoritative_matchingQuery_clearsAaButKeepsAnswer() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.notAuthoritative());

    Message reply = Raw.ask(Raw.resolver(dns), "example.org.", Type.MX);

    assertThat(reply.getHeader().getFlag(Flags.AA)).isFalse();
    assertThat(reply.getSection(Section.ANSWER)).hasSize(1);
  }

  @Test
  void truncate_udpQuery_setsTcWithEmptySections() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.truncate());

    byte[] reply = Raw.udp(dns, mxQuery());

    assertThat(Raw.tc(reply)).isTrue();
    assertThat(Raw.count(reply, Section.QUESTION)).isEqualTo(1);
    assertThat(Raw.count(reply, Section.ANSWER)).isZero();
    assertThat(Raw.count(reply, Section.AUTHORITY)).isZero();
    assertThat(Raw.count(reply, Section.ADDITIONAL)).isZero();
  }

  @Test
  void truncate_clientRetriesOverTcp_getsFullAnswerAndBudgetCountsUdpOnly() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.truncate().times(1));
    SimpleResolver resolver = Raw.resolver(dns); // retries over TCP on TC

    Message first = Raw.ask(resolver, "example.org.", Type.MX);
    Message second = Raw.ask(resolver, "example.org.", Type.MX);

    assertThat(first.getSection(Section.ANSWER)).hasSize(1);
    assertThat(second.getSection(Section.ANSWER)).hasSize(1);
    assertThat(dns.queries())
        .extracting(LocalDnsZoneServer.ReceivedQuery::tcp)
        .containsExactly(false, true, false);
  }

  // ---------------------------------------------------------------- hostile replies

  @Test
  void wrongId_matchingQuery_repliesWithAnotherId() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.wrongId());
    byte[] query = mxQuery();

    byte[] reply = Raw.udp(dns, query);

    assertThat(Raw.id(reply)).isEqualTo((Raw.id(query) + 1) & 0xFFFF);
    assertThat(Raw.count(reply, Section.ANSWER)).isEqualTo(1);
  }

  @Test
  void echoQuery_matchingQuery_sendsQueryBytesBack() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.echoQuery());
    byte[] query = mxQuery();

    byte[] reply = Raw.udp(dns, query);

    assertThat(reply).isEqualTo(query);
    assertThat(Raw.qr(reply)).isFalse();
  }

  @Test
  void wrongQuestion_matchingQuery_answersForAnotherName() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.wrongQuestion());

    Message reply = Raw.parse(Raw.udp(dns, mxQuery()));

    assertThat(reply.getQuestion().getName().toString()).isEqualTo("wrong-question.invalid.");
    assertThat(Raw.strings(reply, Section.ANSWER))
        .containsExactly("wrong-question.invalid. MX 10 mx1.example.org.");
  }

  @Test
  void oversizeUdpWithoutTc_largeAnswer_sendsItAllOverUdp() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.oversizeUdpWithoutTc());

    byte[] reply = Raw.udp(dns, Raw.query("big.example.org.", Type.MX, false));

    assertThat(reply.length).isGreaterThan(512);
    assertThat(Raw.tc(reply)).isFalse();
    assertThat(Raw.count(reply, Section.ANSWER)).isEqualTo(40);
  }

  @Test
  void outOfBailiwickAdditional_matchingQuery_addsUnrelatedAddress() throws IOException {
    LocalDnsZoneServer dns =
        start(DnsFault.outOfBailiwickAdditional("www.victim.example", "192.0.2.66"));

    Message reply = Raw.parse(Raw.udp(dns, mxQuery()));

    assertThat(Raw.strings(reply, Section.ANSWER)).hasSize(1);
    assertThat(Raw.strings(reply, Section.ADDITIONAL))
        .contains("www.victim.example. A 192.0.2.66", "mx1.example.org. A 127.0.0.1");
  }

  @Test
  void lyingRecordCounts_matchingQuery_claimsMoreAnswersThanPresent() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.lyingRecordCounts());

    byte[] reply = Raw.udp(dns, mxQuery());

    assertThat(Raw.count(reply, Section.ANSWER)).isEqualTo(1 + DnsWire.COUNT_LIE);
    assertThatThrownBy(() -> Raw.parse(reply)).isInstanceOf(IOException.class);
  }

  @Test
  void compressionLoop_matchingQuery_sendsSelfPointingName() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.compressionLoop());
    byte[] query = mxQuery();

    byte[] reply = Raw.udp(dns, query);

    int answerOffset = query.length; // header + question, as in the query (no OPT)
    assertThat(Raw.id(reply)).isEqualTo(Raw.id(query));
    assertThat(Raw.count(reply, Section.ANSWER)).isEqualTo(1);
    assertThat(DnsWire.readU16(reply, answerOffset)).isEqualTo(0xC000 | answerOffset);
    assertThatThrownBy(() -> Raw.parse(reply)).isInstanceOf(IOException.class);
  }

  @Test
  void tcpLengthLie_tcpQuery_promisesMoreBytesThanSentAndCloses() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.tcpLengthLie());

    try (Socket socket = Raw.connect(dns)) {
      socket.getOutputStream().write(DnsWire.framed(mxQuery()));
      InputStream in = socket.getInputStream();
      int declared = new DataInputStream(in).readUnsignedShort();
      byte[] body = readToEnd(in);

      assertThat(body.length).isLessThan(declared);
      assertThat(declared - body.length).isEqualTo(DnsWire.LENGTH_LIE);
    }
  }

  @Test
  void tcpFlood_udpQuery_setsTc() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.tcpFlood());

    byte[] reply = Raw.udp(dns, mxQuery());

    assertThat(Raw.parse(reply).getHeader().getFlag(Flags.TC)).isTrue();
    assertThat(Raw.count(reply, Section.ANSWER)).isZero();
  }

  @Test
  void tcpFlood_tcpQuery_streamsFramesWithAWrongIdUntilTheClientCloses() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.tcpFlood());
    byte[] query = mxQuery();

    try (Socket socket = Raw.connect(dns)) {
      socket.getOutputStream().write(DnsWire.framed(query));
      DataInputStream in = new DataInputStream(socket.getInputStream());
      for (int i = 0; i < 1000; i++) { // far more than one reply: the stream does not end
        byte[] frame = new byte[in.readUnsignedShort()];
        in.readFully(frame);
        assertThat(Raw.id(frame)).isEqualTo((Raw.id(query) + 1) & 0xFFFF);
        assertThat(Raw.count(frame, Section.ANSWER)).isEqualTo(1);
      }
    }
    // The server goes on serving after the client hung up.
    assertThat(Raw.count(Raw.udp(dns, mxQuery()), Section.ANSWER)).isZero();
  }

  @Test
  void wrongClass_matchingQuery_answersInClassChaos() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.wrongClass());

    Message reply = Raw.parse(Raw.udp(dns, mxQuery()));

    assertThat(reply.getQuestion().getDClass()).isEqualTo(org.xbill.DNS.DClass.IN);
    assertThat(reply.getSection(Section.ANSWER))
        .singleElement()
        .satisfies(r -> assertThat(r.getDClass()).isEqualTo(org.xbill.DNS.DClass.CH))
        .satisfies(r -> assertThat(r.rdataToString()).isEqualTo("10 mx1.example.org."));
  }

  @Test
  void nxdomainWithoutQuestion_matchingQuery_sendsABareHeader() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.nxdomainWithoutQuestion());
    byte[] query = mxQuery();

    byte[] reply = Raw.udp(dns, query);

    assertThat(reply).hasSize(12);
    assertThat(Raw.id(reply)).isEqualTo(Raw.id(query));
    assertThat(Raw.qr(reply)).isTrue();
    assertThat(reply[3] & 0x0F).isEqualTo(Rcode.NXDOMAIN);
    assertThat(Raw.count(reply, Section.QUESTION)).isZero();
  }

  @Test
  void tcpLengthLie_udpQuery_isNotApplied() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.tcpLengthLie().times(1));

    byte[] udpReply = Raw.udp(dns, mxQuery());
    byte[] tcpBody;
    try (Socket socket = Raw.connect(dns)) {
      socket.getOutputStream().write(DnsWire.framed(mxQuery()));
      InputStream in = socket.getInputStream();
      int declared = new DataInputStream(in).readUnsignedShort();
      tcpBody = readToEnd(in);
      assertThat(tcpBody.length).isLessThan(declared);
    }

    assertThat(Raw.count(udpReply, Section.ANSWER)).isEqualTo(1);
  }

  @Test
  void rawReply_transformer_rewritesWireBytes() throws IOException {
    LocalDnsZoneServer dns =
        start(
            DnsFault.rawReply(
                bytes -> {
                  bytes[3] = (byte) ((bytes[3] & 0xF0) | Rcode.NXDOMAIN);
                  return bytes;
                }));

    byte[] reply = Raw.udp(dns, mxQuery());

    assertThat(Raw.rcode(reply)).isEqualTo(Rcode.NXDOMAIN);
    assertThat(Raw.count(reply, Section.ANSWER)).isEqualTo(1);
  }

  @Test
  void rawReply_transformerReturnsNull_sendsNothing() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.rawReply(bytes -> null));

    Raw.udpExpectNoReply(dns, mxQuery());
  }

  @Test
  void rawReply_transformerThrows_sendsNothingAndKeepsServing() throws IOException {
    LocalDnsZoneServer dns =
        start(
            DnsFault.rawReply(
                    bytes -> {
                      throw new IllegalStateException("boom (expected by the test)");
                    })
                .times(1));

    Raw.udpExpectNoReply(dns, mxQuery());
    assertThat(Raw.rcode(Raw.udp(dns, mxQuery()))).isEqualTo(Rcode.NOERROR);
  }

  // ---------------------------------------------------------------- matching

  @Test
  void forName_otherName_getsNormalAnswer() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.servfail().forName("BROKEN.example.org"));

    byte[] broken = Raw.udp(dns, Raw.query("broken.example.org.", Type.A, false));
    byte[] fine = Raw.udp(dns, mxQuery());

    assertThat(Raw.rcode(broken)).isEqualTo(Rcode.SERVFAIL);
    assertThat(Raw.rcode(fine)).isEqualTo(Rcode.NOERROR);
  }

  @Test
  void forType_otherType_getsNormalAnswer() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.servfail().forType("MX"));

    byte[] mx = Raw.udp(dns, mxQuery());
    byte[] a = Raw.udp(dns, Raw.query("mx1.example.org.", Type.A, false));

    assertThat(Raw.rcode(mx)).isEqualTo(Rcode.SERVFAIL);
    assertThat(Raw.rcode(a)).isEqualTo(Rcode.NOERROR);
  }

  @Test
  void times_afterBudget_getsNormalAnswer() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.servfail().times(2));

    List<Integer> rcodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      rcodes.add(Raw.rcode(Raw.udp(dns, mxQuery())));
    }

    assertThat(rcodes).containsExactly(Rcode.SERVFAIL, Rcode.SERVFAIL, Rcode.NOERROR);
  }

  @Test
  void onlyTcp_udpQuery_getsNormalAnswer() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.servfail().onlyTcp());

    assertThat(Raw.rcode(Raw.udp(dns, mxQuery()))).isEqualTo(Rcode.NOERROR);
    assertThat(Raw.rcode(Raw.tcp(dns, mxQuery()))).isEqualTo(Rcode.SERVFAIL);
  }

  @Test
  void onlyUdp_tcpQuery_getsNormalAnswer() throws IOException {
    LocalDnsZoneServer dns = start(DnsFault.refused().onlyUdp());

    assertThat(Raw.rcode(Raw.udp(dns, mxQuery()))).isEqualTo(Rcode.REFUSED);
    assertThat(Raw.rcode(Raw.tcp(dns, mxQuery()))).isEqualTo(Rcode.NOERROR);
  }

  @Test
  void severalFaults_firstMatchingOneApplies() throws IOException {
    LocalDnsZoneServer dns =
        start(DnsFault.servfail().forName("mx1.example.org").times(1), DnsFault.refused());

    int first = Raw.rcode(Raw.udp(dns, Raw.query("mx1.example.org.", Type.A, false)));
    int second = Raw.rcode(Raw.udp(dns, Raw.query("mx1.example.org.", Type.A, false)));
    int other = Raw.rcode(Raw.udp(dns, mxQuery()));

    assertThat(first).isEqualTo(Rcode.SERVFAIL);
    assertThat(second).as("budget spent: falls through to the next fault").isEqualTo(Rcode.REFUSED);
    assertThat(other).isEqualTo(Rcode.REFUSED);
  }

  @Test
  void setFaults_atRuntime_changesAnswersAndRestartsBudgets() throws IOException {
    LocalDnsZoneServer dns = start();
    DnsFault once = DnsFault.servfail().times(1);

    int before = Raw.rcode(Raw.udp(dns, mxQuery()));
    dns.setFaults(List.of(once));
    int faulty = Raw.rcode(Raw.udp(dns, mxQuery()));
    int spent = Raw.rcode(Raw.udp(dns, mxQuery()));
    dns.setFaults(List.of(once));
    int again = Raw.rcode(Raw.udp(dns, mxQuery()));
    dns.setFaults(List.of(DnsFault.refused()));
    dns.clearFaults();
    int cleared = Raw.rcode(Raw.udp(dns, mxQuery()));

    assertThat(List.of(before, faulty, spent, again, cleared))
        .containsExactly(
            Rcode.NOERROR, Rcode.SERVFAIL, Rcode.NOERROR, Rcode.SERVFAIL, Rcode.NOERROR);
  }

  @Test
  void setFaults_nullElement_isRejected() {
    LocalDnsZoneServer dns = start();
    List<DnsFault> withNull = new ArrayList<>();
    withNull.add(null);

    assertThatThrownBy(() -> dns.setFaults(withNull)).isInstanceOf(NullPointerException.class);
  }

  private static byte[] readToEnd(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    int n;
    while ((n = in.read(buffer)) != -1) {
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }
}
