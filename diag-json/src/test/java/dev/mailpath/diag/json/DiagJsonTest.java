package dev.mailpath.diag.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.Direction;
import dev.mailpath.diag.core.TimeSource;
import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.dns.DnsFinding;
import dev.mailpath.diag.dns.MailExchange;
import dev.mailpath.diag.dns.MxReport;
import dev.mailpath.diag.dns.MxResolver;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiagJsonTest {

  @Test
  void toJson_mxReport_hasDocumentedShape() throws Exception {
    MxReport r =
        MxReport.builder()
            .domain("example.org")
            .rcode("NOERROR")
            .authoritative(true)
            .server(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 53))
            .elapsed(Duration.ofNanos(1_500_000))
            .addExchange(
                new MailExchange(
                    "mx1.example.org",
                    10,
                    Duration.ofSeconds(300),
                    List.of(InetAddress.getByName("::1"))))
            .addFinding(
                DnsFinding.NON_AUTHORITATIVE.finding(
                    "cached", dev.mailpath.diag.core.Evidence.of("server", "x")))
            .build();

    String json = DiagJson.toJson(r);

    assertThat(json)
        .startsWith("{\"@type\":\"MxReport\",")
        .contains("\"asciiDomain\":\"example.org\"")
        .contains("\"authoritative\":true")
        .contains("\"elapsed\":1.5")
        .contains(
            "\"exchanges\":[{\"host\":\"mx1.example.org\",\"preference\":10,\"ttl\":300000,\"addresses\":[\"::1\"]}]")
        .contains("\"rcode\":\"NOERROR\"")
        .contains("\"server\":\"127.0.0.1:53\"")
        .contains("\"outcome\":\"PASS\"")
        .contains(
            "{\"code\":\"dns.non-authoritative\",\"severity\":\"INFO\",\"summary\":\"cached\"")
        .contains("\"evidence\":[{\"label\":\"server\",\"value\":\"x\"}]")
        .doesNotContain("toBuilder")
        .doesNotContain("render");
    assertThat(json.indexOf("\"asciiDomain\"")).isLessThan(json.indexOf("\"authoritative\""));
  }

  @Test
  void toJson_transcript_isLinesWithOffsets() {
    Transcript.Recorder rec = Transcript.recorder(TimeSource.system());
    rec.server("220 hi \"there\"");
    rec.add(Direction.CLIENT_TLS, "QUIT");

    String json = DiagJson.toJson(rec.snapshot());

    assertThat(json)
        .startsWith("{\"lines\":[{\"index\":0,\"direction\":\"SERVER\",\"offsetMs\":")
        .contains("\"text\":\"220 hi \\\"there\\\"\"")
        .contains("\"direction\":\"CLIENT_TLS\"")
        .endsWith("\"omittedLines\":0}");
  }

  @Test
  void toJson_plainValues_followTheRules() {
    assertThat(DiagJson.toJson(Map.of("a", List.of(1, "x", Duration.ofMillis(7)))))
        .isEqualTo("{\"a\":[1,\"x\",7]}");
    assertThat(DiagJson.toJson(java.util.Optional.empty())).isEqualTo("null");
    assertThat(DiagJson.toJson(java.time.Instant.EPOCH)).isEqualTo("\"1970-01-01T00:00:00Z\"");
  }

  @Test
  void toPrettyJson_realReport_roundTripsThroughAParser() throws Exception {
    try (LocalDnsZoneServer dns =
        LocalDnsZoneServer.builder()
            .zone(
                """
                $ORIGIN example.org.
                @   SOA ns1 hostmaster 1 3600 600 86400 300
                @   NS  ns1
                ns1 A   127.0.0.1
                @   MX  10 ns1
                """)
            .start()) {
      MxReport r =
          MxResolver.builder()
              .dns(d -> d.server(dns.address()).timeout(Duration.ofSeconds(1)))
              .build()
              .resolve("example.org");
      String json = DiagJson.toPrettyJson(r);

      try (var p = new com.fasterxml.jackson.core.JsonFactory().createParser(json)) {
        int tokens = 0;
        while (p.nextToken() != null) {
          tokens++;
        }
        assertThat(tokens).isGreaterThan(20);
      }
      assertThat(json).contains("\"host\" : \"ns1.example.org\"").contains("\"lookups\" : [");
    }
  }
}
