package dev.mailpath.diag.assertj;

import static dev.mailpath.diag.assertj.DiagAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.dns.DnsQueryReport;
import dev.mailpath.diag.dns.MxReport;
import dev.mailpath.diag.dns.RecordType;
import dev.mailpath.diag.dns.RootServerReport;
import dev.mailpath.diag.dns.TraceReport;
import dev.mailpath.diag.smtp.DeliveryPathReport;
import dev.mailpath.diag.smtp.DeliveryStage;
import dev.mailpath.diag.smtp.RelayReport;
import dev.mailpath.diag.smtp.RelayVerdict;
import dev.mailpath.diag.smtp.SmtpReport;
import dev.mailpath.diag.trace.Conclusion;
import dev.mailpath.diag.trace.DeliveryLogReport;
import dev.mailpath.diag.trace.InvestigationReport;
import dev.mailpath.diag.trace.MailboxSearchReport;
import dev.mailpath.diag.trace.MessageQuery;
import dev.mailpath.diag.trace.ReceivedChainReport;
import dev.mailpath.diag.trace.RoundTripReport;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** One passing and one failing assertion per report type; failures print the report. */
class ReportAssertsTest {

  private static final Instant T0 = Instant.parse("2025-03-01T00:00:00Z");

  @Test
  void deliveryPath_stage() {
    DeliveryPathReport r =
        DeliveryPathReport.builder()
            .target("b@example.org", "b@example.org", "example.org")
            .mx(MxReport.builder().domain("example.org").rcode("NOERROR").build())
            .verdict(DeliveryStage.NO_MX, "example.org has no MX")
            .startedAt(T0)
            .elapsed(Duration.ZERO)
            .build();
    assertThat(r).hasStage(DeliveryStage.NO_MX).isNotDelivered();
    assertThatThrownBy(() -> assertThat(r).isDelivered())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("delivered")
        .hasMessageContaining("in report:");
  }

  @Test
  void relay_verdict() {
    RelayReport r =
        RelayReport.builder()
            .target("127.0.0.1", 2525)
            .domains("example.org", "elsewhere.test")
            .verdict(RelayVerdict.CLOSED)
            .startedAt(T0)
            .elapsed(Duration.ZERO)
            .build();
    assertThat(r).hasVerdict(RelayVerdict.CLOSED).isNotOpenRelay();
    assertThatThrownBy(() -> assertThat(r).isOpenRelay())
        .hasMessageContaining("OPEN_RELAY")
        .hasMessageContaining("CLOSED");
  }

  @Test
  void dnsQuery_rcodeAndStatus() {
    DnsQueryReport r =
        DnsQueryReport.builder()
            .name("example.org.")
            .type(RecordType.MX)
            .rcode("NXDOMAIN")
            .status(DnsQueryReport.Status.ANSWERED)
            .server(new java.net.InetSocketAddress("127.0.0.1", 53))
            .startedAt(T0)
            .elapsed(Duration.ZERO)
            .build();
    assertThat(r).hasRcode("NXDOMAIN").hasStatus(DnsQueryReport.Status.ANSWERED);
    assertThatThrownBy(() -> assertThat(r).hasAnswerOfType(RecordType.MX))
        .hasMessageContaining("an answer of type MX");
  }

  @Test
  void rootServer_results() {
    RootServerReport r =
        RootServerReport.builder()
            .name(".")
            .type(RecordType.SOA)
            .startedAt(T0)
            .elapsed(Duration.ZERO)
            .build();
    assertThat(r).hasResultCount(0);
    assertThatThrownBy(() -> assertThat(r).hasConsensusSerial(2025030100L))
        .hasMessageContaining("2025030100");
  }

  @Test
  void trace_completed() {
    TraceReport r =
        TraceReport.builder()
            .name("example.org")
            .type(RecordType.MX)
            .startedAt(T0)
            .elapsed(Duration.ZERO)
            .build();
    assertThatThrownBy(() -> assertThat(r).isCompleted()).hasMessageContaining("a completed trace");
  }

  @Test
  void receivedChain_hops() {
    ReceivedChainReport r =
        ReceivedChainReport.builder()
            .messageId("<1@example.org>")
            .startedAt(T0)
            .elapsed(Duration.ZERO)
            .build();
    assertThat(r).hasHopCount(0).hasMessageId("<1@example.org>");
    assertThatThrownBy(() -> assertThat(r).hasHopCount(2)).hasMessageContaining("2 hops");
  }

  @Test
  void mailboxSearch_hits() {
    MailboxSearchReport r =
        MailboxSearchReport.builder()
            .query(MessageQuery.builder().build())
            .server("127.0.0.1:143")
            .user("alice")
            .startedAt(T0)
            .elapsed(Duration.ZERO)
            .build();
    assertThat(r).hasNoHits().hasHitCount(0);
    assertThatThrownBy(() -> assertThat(r).hasHitCount(1)).hasMessageContaining("1 hits");
  }

  @Test
  void roundTrip_arrived() {
    RoundTripReport r =
        RoundTripReport.builder()
            .addresses("a@example.org", "b@example.org")
            .messageId("<1@example.org>")
            .smtp(
                SmtpReport.builder()
                    .target("127.0.0.1", 25)
                    .startedAt(T0)
                    .elapsed(Duration.ZERO)
                    .build())
            .startedAt(T0)
            .elapsed(Duration.ZERO)
            .build();
    assertThatThrownBy(() -> assertThat(r).hasArrived()).hasMessageContaining("not arrived");
  }

  @Test
  void investigation_conclusion() {
    InvestigationReport r =
        InvestigationReport.builder()
            .question(MessageQuery.builder().build())
            .conclusion(Conclusion.NEVER_REACHED_US, "no log line mentions the message")
            .timing(T0, Duration.ZERO)
            .build();
    assertThat(r).hasConclusion(Conclusion.NEVER_REACHED_US);
    assertThatThrownBy(() -> assertThat(r).hasConclusion(Conclusion.IN_INBOX))
        .hasMessageContaining("IN_INBOX")
        .hasMessageContaining("NEVER_REACHED_US");
  }

  @Test
  void deliveryLog_records() {
    DeliveryLogReport r =
        DeliveryLogReport.builder()
            .query(MessageQuery.builder().build())
            .source("maillog")
            .truncated(true)
            .startedAt(T0)
            .elapsed(Duration.ZERO)
            .build();
    assertThat(r).hasRecordCount(0);
    assertThatThrownBy(() -> assertThat(r).isNotTruncated())
        .hasMessageContaining("a truncated read");
  }
}
