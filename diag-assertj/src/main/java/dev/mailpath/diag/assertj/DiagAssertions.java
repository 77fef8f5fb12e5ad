package dev.mailpath.diag.assertj;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.dns.DnsQueryReport;
import dev.mailpath.diag.dns.MxReport;
import dev.mailpath.diag.dns.RootServerReport;
import dev.mailpath.diag.dns.TraceReport;
import dev.mailpath.diag.smtp.DeliveryPathReport;
import dev.mailpath.diag.smtp.RelayReport;
import dev.mailpath.diag.smtp.SmtpReport;
import dev.mailpath.diag.trace.DeliveryLogReport;
import dev.mailpath.diag.trace.InvestigationReport;
import dev.mailpath.diag.trace.MailboxSearchReport;
import dev.mailpath.diag.trace.ReceivedChainReport;
import dev.mailpath.diag.trace.RoundTripReport;

/**
 * Entry point of the mailpath assertions, next to AssertJ's own {@code Assertions}.
 *
 * <pre>{@code
 * import static dev.mailpath.diag.assertj.DiagAssertions.assertThat;
 *
 * assertThat(resolver.resolve("example.org"))
 *     .hasOutcome(Outcome.PASS)
 *     .hasExchanges("mx1.example.org", "mx2.example.org")
 *     .hasNoFindingAtOrAbove(Severity.WARNING);
 * }</pre>
 */
public final class DiagAssertions {
  private DiagAssertions() {}

  /**
   * Starts assertions on an MX report.
   *
   * @param actual the report
   * @return the assertion
   */
  public static MxReportAssert assertThat(MxReport actual) {
    return new MxReportAssert(actual);
  }

  /**
   * Starts assertions on an SMTP report.
   *
   * <pre>{@code
   * assertThat(SmtpConversation.to("127.0.0.1", 2525).ehlo("probe.test").run())
   *     .isCompleted()
   *     .hasFinding("smtp.starttls.not-offered")
   *     .transcript().containsCommand("EHLO").hasReply(250);
   * }</pre>
   *
   * @param actual the report
   * @return the assertion
   */
  public static SmtpReportAssert assertThat(SmtpReport actual) {
    return new SmtpReportAssert(actual);
  }

  /**
   * Starts assertions on any report.
   *
   * @param actual the report
   * @return the assertion
   */
  public static DiagnosticReportAssert assertThat(DiagnosticReport actual) {
    return new DiagnosticReportAssert(actual);
  }

  /**
   * Starts assertions on a transcript.
   *
   * @param actual the transcript
   * @return the assertion
   */
  public static TranscriptAssert assertThat(Transcript actual) {
    return new TranscriptAssert(actual);
  }

  /**
   * Starts assertions on a delivery path report.
   *
   * @param actual the report
   * @return the assertion
   */
  public static DeliveryPathReportAssert assertThat(DeliveryPathReport actual) {
    return new DeliveryPathReportAssert(actual);
  }

  /**
   * Starts assertions on a relay report.
   *
   * @param actual the report
   * @return the assertion
   */
  public static RelayReportAssert assertThat(RelayReport actual) {
    return new RelayReportAssert(actual);
  }

  /**
   * Starts assertions on a DNS query report.
   *
   * @param actual the report
   * @return the assertion
   */
  public static DnsQueryReportAssert assertThat(DnsQueryReport actual) {
    return new DnsQueryReportAssert(actual);
  }

  /**
   * Starts assertions on a root server report.
   *
   * @param actual the report
   * @return the assertion
   */
  public static RootServerReportAssert assertThat(RootServerReport actual) {
    return new RootServerReportAssert(actual);
  }

  /**
   * Starts assertions on a DNS trace report.
   *
   * @param actual the report
   * @return the assertion
   */
  public static TraceReportAssert assertThat(TraceReport actual) {
    return new TraceReportAssert(actual);
  }

  /**
   * Starts assertions on a Received chain report.
   *
   * @param actual the report
   * @return the assertion
   */
  public static ReceivedChainReportAssert assertThat(ReceivedChainReport actual) {
    return new ReceivedChainReportAssert(actual);
  }

  /**
   * Starts assertions on a mailbox search report.
   *
   * @param actual the report
   * @return the assertion
   */
  public static MailboxSearchReportAssert assertThat(MailboxSearchReport actual) {
    return new MailboxSearchReportAssert(actual);
  }

  /**
   * Starts assertions on a round-trip report.
   *
   * @param actual the report
   * @return the assertion
   */
  public static RoundTripReportAssert assertThat(RoundTripReport actual) {
    return new RoundTripReportAssert(actual);
  }

  /**
   * Starts assertions on an investigation report.
   *
   * @param actual the report
   * @return the assertion
   */
  public static InvestigationReportAssert assertThat(InvestigationReport actual) {
    return new InvestigationReportAssert(actual);
  }

  /**
   * Starts assertions on a delivery log report.
   *
   * @param actual the report
   * @return the assertion
   */
  public static DeliveryLogReportAssert assertThat(DeliveryLogReport actual) {
    return new DeliveryLogReportAssert(actual);
  }
}
