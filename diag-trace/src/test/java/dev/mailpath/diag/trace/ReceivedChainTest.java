package dev.mailpath.diag.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.Severity;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ReceivedChainTest {

  static String resource(String name) {
    try (InputStream in = ReceivedChainTest.class.getResourceAsStream("/messages/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> codes(ReceivedChainReport r) {
    return r.findings().stream().map(Finding::code).toList();
  }

  static InetAddress ip(String literal) throws IOException {
    return InetAddress.getByName(literal);
  }

  @Test
  void parse_postfixAmavisDovecot_hopsInTransitOrderWithDelays() throws IOException {
    ReceivedChainReport r = ReceivedChain.parse(resource("postfix-amavis-dovecot.eml"));

    assertThat(r.hops()).hasSize(5);
    assertThat(r.hops())
        .extracting(h -> h.by().orElse(null))
        .containsExactly(
            "submit.example.org",
            "mx.example.net",
            "localhost",
            "mx.example.net",
            "mail.example.net");
    assertThat(r.hops())
        .extracting(h -> h.delay().map(Duration::getSeconds).orElse(null))
        .containsExactly(null, 2L, 38L, 2L, 1L);
    assertThat(r.totalDelay()).contains(Duration.ofSeconds(43));
    assertThat(r.messageId()).contains("<20240102090000.abc123@example.org>");
    assertThat(r.messageDate())
        .contains(OffsetDateTime.of(2024, 1, 2, 10, 0, 0, 0, ZoneOffset.ofHours(1)));
  }

  @Test
  void parse_postfixSubmissionHop_readsHeloRdnsAddressTlsAndAuth() throws IOException {
    ReceivedChainReport r = ReceivedChain.parse(resource("postfix-amavis-dovecot.eml"));

    ReceivedHop first = r.hops().get(0);
    assertThat(first.index()).isEqualTo(1);
    assertThat(first.heloName()).contains("[192.168.1.23]");
    assertThat(first.reverseName()).isEmpty();
    assertThat(first.reverseNameMissing()).isTrue();
    assertThat(first.address()).contains(ip("203.0.113.5"));
    assertThat(first.with()).contains("ESMTPSA");
    assertThat(first.id()).contains("4T4Bq3Qw1Mz1xyz");
    assertThat(first.forRecipient()).contains("bob@example.net");
    assertThat(first.authenticated()).isTrue();
    assertThat(first.security()).isEqualTo(TransportSecurity.TLS);

    ReceivedHop second = r.hops().get(1);
    assertThat(second.heloName()).contains("submit.example.org");
    assertThat(second.reverseName()).contains("submit.example.org");
    assertThat(second.address()).contains(ip("198.51.100.7"));
    assertThat(second.security()).isEqualTo(TransportSecurity.TLS);
    assertThat(second.tlsDetails()).contains("TLSv1.3 TLS_AES_256_GCM_SHA384");
    assertThat(second.authenticated()).isFalse();
  }

  @Test
  void parse_contentFilterOnSameHost_reportsRepeatedHostNotLoop() {
    ReceivedChainReport r = ReceivedChain.parse(resource("postfix-amavis-dovecot.eml"));

    assertThat(codes(r))
        .contains("trace.received.repeated-host")
        .doesNotContain("trace.received.loop");
    assertThat(codes(r))
        .doesNotContain("trace.received.no-tls-hop"); // clear text only on loopback / LMTP
    assertThat(codes(r)).contains("trace.received.rdns-missing");
    assertThat(r.outcome()).isEqualTo(Outcome.PASS);
  }

  @Test
  void parse_postfixAuthenticationResults_summarisesEachMethod() {
    ReceivedChainReport r = ReceivedChain.parse(resource("postfix-amavis-dovecot.eml"));

    assertThat(r.authenticationResults()).hasSize(3);
    assertThat(r.authenticationResults())
        .allSatisfy(a -> assertThat(a.authservId()).contains("mx.example.net"));
    AuthenticationResults dkim = r.authenticationResults().get(0);
    assertThat(dkim.result("dkim")).contains("pass");
    assertThat(dkim.results().get(0).properties())
        .containsEntry("header.d", "example.org")
        .containsEntry("header.b", "AbCdEf12");
    assertThat(dkim.result("dkim-atps")).contains("neutral");
    assertThat(r.authenticationResults().get(1).results().get(0).properties())
        .containsEntry("smtp.mailfrom", "example.org");
    assertThat(r.authenticationResults().get(2).result("dmarc")).contains("pass");
  }

  @Test
  void parse_bodyContainsReceivedLine_ignoresBody() {
    ReceivedChainReport r = ReceivedChain.parse(resource("postfix-amavis-dovecot.eml"));

    assertThat(r.hops()).noneMatch(h -> h.raw().contains("in the body"));
  }

  @Test
  void parse_office365_readsMultiWordWithAndViaAndFoldedDates() throws IOException {
    ReceivedChainReport r = ReceivedChain.parse(resource("office365.eml"));

    assertThat(r.hops()).hasSize(4);
    ReceivedHop edge = r.hops().get(0);
    assertThat(edge.heloName()).contains("mail.example.org");
    assertThat(edge.address()).contains(ip("198.51.100.7"));
    assertThat(edge.by()).contains("am4pepf00027a5f.mail.protection.outlook.com");
    assertThat(edge.with()).contains("Microsoft SMTP Server");
    assertThat(edge.via()).contains("Frontend Transport");
    assertThat(edge.id()).contains("15.20.7135.9");
    assertThat(edge.security()).isEqualTo(TransportSecurity.TLS);
    assertThat(edge.tlsDetails()).contains("TLS1_3 TLS_AES_256_GCM_SHA384");
    assertThat(r.hops().get(1).address()).contains(ip("2603:10a6:20b:3c0:cafe::d2"));
    assertThat(r.hops().get(2).date())
        .contains(OffsetDateTime.of(2024, 1, 2, 9, 0, 20, 0, ZoneOffset.UTC));
    assertThat(r.hops().get(3).with()).contains("HTTPS");
    assertThat(r.hops().get(3).security()).isEqualTo(TransportSecurity.TLS);
    assertThat(r.totalDelay()).contains(Duration.ofSeconds(3));
    assertThat(r.findings()).isEmpty();
  }

  @Test
  void parse_office365AuthenticationResultsWithoutAuthservId_readsResults() {
    ReceivedChainReport r = ReceivedChain.parse(resource("office365.eml"));

    assertThat(r.authenticationResults()).hasSize(1);
    AuthenticationResults ar = r.authenticationResults().get(0);
    assertThat(ar.authservId()).isEmpty();
    assertThat(ar.result("spf")).contains("pass");
    assertThat(ar.result("dkim")).contains("pass");
    assertThat(ar.result("dmarc")).contains("pass");
    assertThat(ar.result("compauth")).contains("pass");
    assertThat(ar.results().get(3).reason()).contains("100");
    assertThat(ar.results().get(0).comment()).contains("sender IP is 198.51.100.7");
  }

  @Test
  void parse_eximSendmailQmail_readsEachStyle() throws IOException {
    ReceivedChainReport r = ReceivedChain.parse(resource("exim-sendmail-qmail.txt"));

    assertThat(r.hops()).hasSize(5);
    ReceivedHop eximLocal = r.hops().get(0);
    assertThat(eximLocal.from()).contains("alice");
    assertThat(eximLocal.with()).contains("local");
    assertThat(eximLocal.security()).isEqualTo(TransportSecurity.UNKNOWN);

    ReceivedHop exim = r.hops().get(1);
    assertThat(exim.heloName()).contains("mail.example.org");
    assertThat(exim.reverseName()).contains("mail.example.org");
    assertThat(exim.address()).contains(ip("198.51.100.7"));
    assertThat(exim.with()).contains("esmtps");
    assertThat(exim.tlsDetails()).contains("TLS1.3 TLS_AES_256_GCM_SHA384");
    assertThat(exim.id()).contains("1rKx2B-000ABC-2x");

    ReceivedHop sendmail = r.hops().get(2);
    assertThat(sendmail.reverseName()).contains("relay.example.org");
    assertThat(sendmail.reverseNameMissing()).isTrue(); // "may be forged"
    assertThat(sendmail.tlsDetails()).contains("TLSv1.3 TLS_AES_256_GCM_SHA384");
    assertThat(sendmail.delay()).contains(Duration.ofSeconds(4));

    ReceivedHop qmail = r.hops().get(3);
    assertThat(qmail.heloName()).contains("gw.example.net");
    assertThat(qmail.reverseName()).isEmpty();
    assertThat(qmail.reverseNameMissing()).isTrue();
    assertThat(qmail.address()).contains(ip("198.51.100.10"));
    assertThat(qmail.security()).isEqualTo(TransportSecurity.PLAINTEXT);
    assertThat(qmail.date()).contains(OffsetDateTime.of(2024, 1, 2, 9, 0, 12, 0, ZoneOffset.UTC));

    ReceivedHop qmailLocal = r.hops().get(4);
    assertThat(qmailLocal.parsed()).isTrue();
    assertThat(qmailLocal.by()).isEmpty();
    assertThat(qmailLocal.comments()).containsExactly("qmail 12345 invoked from network");
  }

  @Test
  void parse_plainSmtpFromPublicAddress_reportsNoTlsHopWarning() {
    ReceivedChainReport r = ReceivedChain.parse(resource("exim-sendmail-qmail.txt"));

    assertThat(r.findings())
        .filteredOn(f -> f.is(TraceFinding.RECEIVED_NO_TLS_HOP))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.severity()).isEqualTo(Severity.WARNING);
              assertThat(f.summary()).contains("hop 4");
            });
    assertThat(r.outcome()).isEqualTo(Outcome.WARN);
  }

  @Test
  void parse_plainSmtpFromPrivateAddress_reportsNoTlsHopAsInfo() {
    ReceivedChainReport r =
        ReceivedChain.parseFields(
            List.of(
                "Received: from app1.corp.example (app1.corp.example [10.1.2.3]) by mx.example.net"
                    + " (Postfix) with ESMTP id 4T1; Tue, 2 Jan 2024 09:00:00 +0000"));

    assertThat(r.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.is(TraceFinding.RECEIVED_NO_TLS_HOP)).isTrue();
              assertThat(f.severity()).isEqualTo(Severity.INFO);
            });
  }

  @Test
  void parse_webmail_readsHttpAndGoogleHops() throws IOException {
    ReceivedChainReport r = ReceivedChain.parse(resource("webmail.txt"));

    assertThat(r.hops()).hasSize(4);
    assertThat(r.hops().get(0).with()).contains("HTTP");
    assertThat(r.hops().get(0).security()).isEqualTo(TransportSecurity.PLAINTEXT);
    assertThat(r.hops().get(1).by()).contains("2002:a17:90a:1234:b0:28c:5e2b:1a2b");
    ReceivedHop google = r.hops().get(2);
    assertThat(google.reverseName()).contains("mail-sor-f41.google.com");
    assertThat(google.address()).contains(ip("209.85.220.41"));
    assertThat(google.security()).isEqualTo(TransportSecurity.TLS);
    assertThat(google.forRecipient()).contains("bob@example.com");
    assertThat(r.hops().get(3).from()).contains("sonic.gate.mail.ne1.yahoo.com");
    assertThat(r.authenticationResults().get(0).result("dmarc")).contains("pass");
    assertThat(codes(r)).doesNotContain("trace.received.no-tls-hop", "trace.received.unparseable");
  }

  @Test
  void parse_garbageField_reportsUnparseableAndKeepsGoing() {
    ReceivedChainReport r =
        ReceivedChain.parseFields(
            List.of(
                "Received: by mx.example.net with ESMTP id A1; Tue, 2 Jan 2024 09:00:05 +0000",
                "Received: this is ((not a received field",
                "Received: from a.example.org by b.example.org with ESMTPS; Tue, 2 Jan 2024 09:00:00 +0000"));

    assertThat(r.hops()).hasSize(3);
    assertThat(r.hops().get(1).parsed()).isFalse();
    assertThat(r.hops().get(1).raw()).isEqualTo("this is ((not a received field");
    assertThat(codes(r)).containsExactly("trace.received.unparseable");
    assertThat(r.hops().get(2).delay()).isEmpty(); // the hop before it has no date
  }

  @Test
  void parse_missingAndBadDates_reportsEach() {
    ReceivedChainReport r =
        ReceivedChain.parseFields(
            List.of(
                "Received: from b.example.org by c.example.org with ESMTPS id 2; yesterday-ish",
                "Received: from a.example.org by b.example.org with ESMTPS id 1"));

    assertThat(codes(r)).containsExactly("trace.received.missing-date", "trace.received.bad-date");
    assertThat(r.totalDelay()).isEmpty();
  }

  @Test
  void parse_hopDatedBeforePrevious_reportsClockSkewWithNegativeDelay() {
    ReceivedChainReport r =
        ReceivedChain.parseFields(
            List.of(
                "Received: from b.example.org by c.example.org with ESMTPS; Tue, 2 Jan 2024 08:58:30 +0000",
                "Received: from a.example.org by b.example.org with ESMTPS; Tue, 2 Jan 2024 09:00:00 +0000"));

    assertThat(r.hops().get(1).delay()).contains(Duration.ofSeconds(-90));
    assertThat(codes(r)).containsExactly("trace.received.clock-skew");
    assertThat(r.totalDelay()).contains(Duration.ofSeconds(-90));
    assertThat(r.toString()).contains("-1m30s");
  }

  @Test
  void parse_skewWithinTolerance_reportsNothing() {
    ReceivedChainReport r =
        ReceivedChain.builder()
            .clockSkewTolerance(Duration.ofMinutes(2))
            .build()
            .analyzeFields(
                List.of(
                    "Received: from b.example.org by c.example.org with ESMTPS; Tue, 2 Jan 2024 08:58:30 +0000",
                    "Received: from a.example.org by b.example.org with ESMTPS; Tue, 2 Jan 2024 09:00:00 +0000"));

    assertThat(r.findings()).isEmpty();
  }

  @Test
  void parse_hopOverThreshold_reportsSlowHop() {
    List<String> fields =
        List.of(
            "Received: from b.example.org by c.example.org with ESMTPS; Tue, 2 Jan 2024 09:31:00 +0000",
            "Received: from a.example.org by b.example.org with ESMTPS; Tue, 2 Jan 2024 09:00:00 +0000");

    assertThat(codes(ReceivedChain.parseFields(fields))).containsExactly("trace.received.slow-hop");
    assertThat(
            ReceivedChain.builder()
                .slowHopThreshold(Duration.ofHours(1))
                .build()
                .analyzeFields(fields)
                .findings())
        .isEmpty();
  }

  @Test
  void parse_serversBouncingMailBetweenThem_reportsLoop() {
    List<String> fields = new ArrayList<>();
    for (int i = 5; i >= 0; i--) {
      String from = i % 2 == 0 ? "mx1.example.net" : "mx2.example.net";
      String by = i % 2 == 0 ? "mx2.example.net" : "mx1.example.net";
      fields.add(
          "Received: from "
              + from
              + " ("
              + from
              + " [192.0.2."
              + (i % 2 + 1)
              + "]) by "
              + by
              + " with ESMTPS; Tue, 2 Jan 2024 09:00:0"
              + i
              + " +0000");
    }

    ReceivedChainReport r = ReceivedChain.parseFields(fields);

    assertThat(r.findings())
        .filteredOn(f -> f.is(TraceFinding.RECEIVED_LOOP))
        .singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.ERROR));
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void parse_moreThan25Hops_warnsAndAt100Errors() {
    assertThat(ReceivedChain.parseFields(distinctHops(26)).findings())
        .filteredOn(f -> f.is(TraceFinding.RECEIVED_TOO_MANY_HOPS))
        .singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.WARNING));
    assertThat(ReceivedChain.parseFields(distinctHops(25)).findings()).isEmpty();
    assertThat(ReceivedChain.parseFields(distinctHops(100)).findings())
        .filteredOn(f -> f.is(TraceFinding.RECEIVED_TOO_MANY_HOPS))
        .singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.ERROR));
  }

  private static List<String> distinctHops(int n) {
    List<String> fields = new ArrayList<>();
    for (int i = n; i >= 1; i--) {
      fields.add(
          "Received: from h"
              + (i - 1)
              + ".example by h"
              + i
              + ".example with ESMTPS; Tue, 2 Jan 2024 09:00:00 +0000");
    }
    return fields;
  }

  @Test
  void parse_noReceivedFields_reportsNone() {
    ReceivedChainReport r = ReceivedChain.parse("From: a@example.org\nSubject: draft\n\nbody\n");

    assertThat(codes(r)).containsExactly("trace.received.none");
    assertThat(r.hops()).isEmpty();
    assertThat(r.totalDelay()).isEmpty();
  }

  @Test
  void parse_dmarcFail_reportsErrorAndSpfFailWarning() {
    ReceivedChainReport r =
        ReceivedChain.parseFields(
            List.of(
                "Authentication-Results: mx.example.net; spf=fail smtp.mailfrom=example.org;"
                    + " dkim=none; dmarc=fail (p=reject) header.from=example.org",
                "Authentication-Results: other.example; spf=temperror smtp.mailfrom=example.org",
                "Received: from a.example.org (a.example.org [192.0.2.1]) by mx.example.net with ESMTPS;"
                    + " Tue, 2 Jan 2024 09:00:00 +0000"));

    assertThat(r.findings())
        .filteredOn(f -> f.is(TraceFinding.AUTH_RESULTS_FAIL))
        .extracting(Finding::severity)
        .containsExactly(Severity.WARNING, Severity.ERROR);
    assertThat(codes(r)).contains("trace.auth-results.error");
    assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void parse_untrustedAuthservId_listsButDoesNotJudge() {
    ReceivedChainReport r =
        ReceivedChain.builder()
            .trustedAuthservId("MX.example.net")
            .build()
            .analyzeFields(
                List.of(
                    "Authentication-Results: forged.example; dmarc=fail header.from=example.org",
                    "Authentication-Results: mx.example.net; dmarc=pass header.from=example.org",
                    "Received: by mx.example.net with ESMTPS; Tue, 2 Jan 2024 09:00:00 +0000"));

    assertThat(r.authenticationResults()).hasSize(2);
    assertThat(r.findings()).isEmpty();
  }

  @Test
  void parse_garbageAuthenticationResults_reportsUnparseable() {
    ReceivedChainReport r =
        ReceivedChain.parseFields(
            List.of(
                "Authentication-Results: this has too many words; spf",
                "Authentication-Results: mx.example.net; spf",
                "Received: by mx.example.net with ESMTPS; Tue, 2 Jan 2024 09:00:00 +0000"));

    assertThat(codes(r))
        .containsExactly("trace.auth-results.unparseable", "trace.auth-results.unparseable");
    assertThat(r.authenticationResults()).isEmpty();
  }

  @Test
  void parse_noneResult_readsEmptyResults() {
    ReceivedChainReport r =
        ReceivedChain.parseFields(List.of("Authentication-Results: mx.example.net 1; none"));

    assertThat(r.authenticationResults())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.authservId()).contains("mx.example.net");
              assertThat(a.results()).isEmpty();
            });
  }

  @Test
  void parse_mimeMessage_readsSameChainAsText() throws Exception {
    String text = resource("postfix-amavis-dovecot.eml");
    MimeMessage m =
        new MimeMessage(
            Session.getInstance(new Properties()),
            new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));

    ReceivedChainReport fromMime = ReceivedChain.parse(m);

    assertThat(fromMime.hops()).isEqualTo(ReceivedChain.parse(text).hops());
    assertThat(fromMime.findings()).isEqualTo(ReceivedChain.parse(text).findings());
  }

  @Test
  void parse_bytesAndStream_readOnlyTheHeader() {
    byte[] header =
        resource("office365.eml").split("\n\n")[0].concat("\n\n").getBytes(StandardCharsets.UTF_8);
    InputStream failingBody =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("the body must not be read");
          }
        };

    ReceivedChainReport fromStream =
        ReceivedChain.parse(new SequenceInputStream(new ByteArrayInputStream(header), failingBody));

    assertThat(fromStream.hops()).hasSize(4);
    assertThat(ReceivedChain.parse(header).hops()).isEqualTo(fromStream.hops());
  }

  @Test
  void parse_streamFails_throwsUncheckedIoException() {
    InputStream broken =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("disk on fire");
          }
        };

    assertThatThrownBy(() -> ReceivedChain.parse(broken))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("disk on fire");
  }

  @Test
  void parse_crlfAndNonUtf8Bytes_doesNotThrow() {
    byte[] raw =
        ("Received: from a.example (a.example [192.0.2.1])\r\n\tby b.example with ESMTP; Tue, 2 Jan 2024 09:00:00 +0000\r\n"
                + "Received: \u00ff\u00fe garbage\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);

    ReceivedChainReport r = ReceivedChain.parse(raw);

    assertThat(r.hops()).hasSize(2);
    assertThat(r.hops().get(1).by()).contains("b.example");
    assertThat(codes(r)).contains("trace.received.unparseable");
  }

  @Test
  void parse_nestedCommentsAndObsoleteZone_readsDate() {
    ReceivedChainReport r =
        ReceivedChain.parseFields(
            List.of(
                "Received: from a.example ((nested (deeply) comment) [192.0.2.1]) by b.example"
                    + " with ESMTP; 2 Jan 2024 04:00 EST"));

    ReceivedHop h = r.hops().get(0);
    assertThat(h.date())
        .contains(OffsetDateTime.of(2024, 1, 2, 4, 0, 0, 0, ZoneOffset.ofHours(-5)));
    assertThat(h.address()).isPresent();
  }

  @Test
  void toString_printsHopTableAndFindings() {
    String s = ReceivedChain.parse(resource("postfix-amavis-dovecot.eml")).toString();

    assertThat(s)
        .startsWith(
            "Received chain: 5 hops, total delay 43s, Message-ID <20240102090000.abc123@example.org>");
    assertThat(s)
        .contains(
            "[192.168.1.23] (unknown [203.0.113.5])", "submit.example.org", "ESMTPSA", "+38s");
    assertThat(s).contains("Authentication-Results: mx.example.net: dmarc=pass");
    assertThat(s).contains("Outcome: PASS", "trace.received.repeated-host");
  }

  @Test
  void builder_errorThresholdNotAboveWarning_throws() {
    assertThatThrownBy(
            () -> ReceivedChain.builder().hopWarningThreshold(50).hopErrorThreshold(50).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hopErrorThreshold");
  }

  @Test
  void report_builderRoundTrip_isEqual() {
    ReceivedChainReport r = ReceivedChain.parse(resource("office365.eml"));

    assertThat(r.toBuilder().build()).isEqualTo(r).hasSameHashCodeAs(r);
    assertThat(r.hops().get(0).toBuilder().build()).isEqualTo(r.hops().get(0));
  }
}
