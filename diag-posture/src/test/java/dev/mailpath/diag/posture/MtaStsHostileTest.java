package dev.mailpath.diag.posture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import dev.mailpath.diag.testkit.MtaStsPolicyServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile answers from the policy host, written byte for byte by {@link
 * MtaStsPolicyServer#rawResponse(byte[])}: each ends in a finding, never an exception, never a read
 * past the 64 KiB limit.
 */
class MtaStsHostileTest {
  static final String POLICY =
      "version: STSv1\r\nmode: enforce\r\nmx: mx1.good.test\r\nmx: *.backup.good.test\r\n"
          + "max_age: 1209600\r\n";

  static LocalDnsZoneServer zone;
  static MtaStsPolicyServer web;
  static MtaStsCheck check;

  @BeforeAll
  static void start() {
    zone = LocalDnsZoneServer.builder().zone(MtaStsCheckTest.ZONE).start();
    web = MtaStsPolicyServer.builder().domain("good.test").policy(POLICY).start();
    check =
        MtaStsCheck.builder()
            .dns(d -> d.server(zone.address()).timeout(Duration.ofSeconds(2)).retries(0))
            .tls(t -> t.trustManager(web.trustManager()))
            .policyPort(web.port())
            .deadline(Duration.ofSeconds(10))
            .build();
  }

  @AfterAll
  static void stop() {
    web.close();
    zone.close();
  }

  static MtaStsReport answer(byte[] raw) {
    web.rawResponse(raw);
    return check.check("good.test");
  }

  static MtaStsReport answer(String head, byte[] body) {
    byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[h.length + body.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return answer(all);
  }

  static List<String> codes(MtaStsReport r) {
    return r.findings().stream().map(Finding::code).toList();
  }

  /** The policy padded with unknown fields to exactly {@code size} bytes. */
  static byte[] padded(int size) {
    StringBuilder sb = new StringBuilder(POLICY);
    while (sb.length() < size) {
      int left = size - sb.length();
      String line = "x: " + "p".repeat(Math.max(0, Math.min(60, left - 5))) + "\r\n";
      if (line.length() > left) {
        line = "\n".repeat(left);
      }
      sb.append(line);
    }
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void exactly64KiB_isRead_and64KiBPlusOne_isTooLarge() {
    byte[] at = padded(64 * 1024);
    assertThat(at).hasSize(65536);
    MtaStsReport ok = answer("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n", at);
    assertThat(ok.findings()).isEmpty();
    assertThat(ok.policy()).isPresent();

    MtaStsReport big =
        answer("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n", padded(64 * 1024 + 1));
    assertThat(codes(big)).containsExactly("mta-sts.too-large");
    assertThat(big.policyText()).isEmpty();
  }

  @Test
  void declaredContentLengthAboveTheLimit_isTooLarge_withoutReadingTheBody() {
    MtaStsReport r =
        answer(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 70000\r\n\r\n",
            POLICY.getBytes(StandardCharsets.US_ASCII));
    assertThat(codes(r)).containsExactly("mta-sts.too-large");
    assertThat(r.findings().get(0).summary()).contains("Content-Length 70000");
  }

  @Test
  void hugeChunk_isTooLarge() {
    MtaStsReport r =
        answer(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "ffffffff\r\n",
            new byte[1000]);
    assertThat(codes(r)).containsExactly("mta-sts.too-large");
  }

  @Test
  void brokenHttp_isAPolicyThatCannotBeFetched() {
    String[] answers = {
      "",
      "SSH-2.0-OpenSSH_9.2\r\n",
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 500\r\n\r\nversion: STSv1",
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: -1\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX-Long: " + "a".repeat(1024 * 1024) + "\r\n\r\n",
    };
    for (String a : answers) {
      MtaStsReport r = answer(a.getBytes(StandardCharsets.ISO_8859_1));
      assertThat(codes(r)).as("answer %.60s", a).containsExactly("mta-sts.record-without-policy");
    }
  }

  @Test
  void missingContentType_isAContentTypeFinding() {
    MtaStsReport r =
        answer(
            "HTTP/1.1 200 OK\r\nContent-Length: " + POLICY.length() + "\r\n\r\n",
            POLICY.getBytes(StandardCharsets.US_ASCII));
    assertThat(codes(r)).containsExactly("mta-sts.content-type");
    assertThat(r.policy()).isPresent();
  }

  @Test
  void redirectsOfEveryKind_areNotFollowed() {
    for (int status : new int[] {302, 307, 308}) {
      MtaStsReport r =
          answer(
              ("HTTP/1.1 " + status + " Found\r\nLocation: https://evil.example/\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      assertThat(codes(r)).containsExactly("mta-sts.redirect");
      assertThat(r.httpStatus()).contains(status);
    }
  }

  @Test
  void randomBinaryBody_isAPolicySyntaxFinding() {
    byte[] junk = new byte[60 * 1024];
    new Random(8461).nextBytes(junk);
    MtaStsReport r = answer("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n", junk);
    assertThat(codes(r)).containsExactly("mta-sts.policy-syntax");
    assertThat(r.findings().get(0).evidence().size()).isLessThanOrEqualTo(22);
  }

  @Test
  void aPolicyFetchWaitsForTheAddressesConnectionSlotAndGivesUpAtTheDeadline() throws Exception {
    dev.mailpath.diag.posture.internal.HostGates gates =
        new dev.mailpath.diag.posture.internal.HostGates(1);
    dev.mailpath.diag.posture.internal.PolicyFetcher fetcher =
        new dev.mailpath.diag.posture.internal.PolicyFetcher(
            javax.net.SocketFactory.getDefault(),
            javax.net.ssl.SSLContext.getDefault(),
            dev.mailpath.diag.core.TimeSource.system(),
            gates);
    java.net.InetAddress loopback = java.net.InetAddress.getByName("127.0.0.1");
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, loopback)) {
      closedPort = s.getLocalPort();
    }
    List<java.net.Socket> opened = new java.util.ArrayList<>();

    AutoCloseable held = gates.acquire("127.0.0.1", 0);
    dev.mailpath.diag.posture.internal.PolicyFetcher.Result blocked =
        fetcher.fetch(
            "mta-sts.example.test",
            List.of(loopback),
            closedPort,
            System.nanoTime() + Duration.ofMillis(200).toNanos(),
            opened::add);
    held.close();
    dev.mailpath.diag.posture.internal.PolicyFetcher.Result through =
        fetcher.fetch(
            "mta-sts.example.test",
            List.of(loopback),
            closedPort,
            System.nanoTime() + Duration.ofSeconds(5).toNanos(),
            opened::add);

    // Another connection held the address's one slot: no socket was even opened.
    assertThat(blocked.kind())
        .isEqualTo(dev.mailpath.diag.posture.internal.PolicyFetcher.Kind.TIMEOUT);
    assertThat(blocked.detail()).contains("connection slot to 127.0.0.1");
    // With the slot free, the fetch went on to the (closed) port.
    assertThat(through.kind())
        .isEqualTo(dev.mailpath.diag.posture.internal.PolicyFetcher.Kind.CONNECT_FAILED);
    assertThat(opened).hasSize(1);
    assertThat(gates.hostsInUse()).isZero();
  }
}
