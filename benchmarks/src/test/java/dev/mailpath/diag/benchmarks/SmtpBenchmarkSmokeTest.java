package dev.mailpath.diag.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.testkit.GreenMailSmtp;
import dev.mailpath.diag.testkit.peer.Peers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the SMTP benchmark's harness for a handful of transactions, so that every client and its
 * verification keep working: against smtp-sink (skipped, or failed with {@code
 * -Dpeers.required=true}, when Postfix is not installed) with its counter as the cross-check, and
 * the Java clients against GreenMail, which is always there. No timing is asserted: the figures
 * come from whole-process runs (docs/benchmarks.md, section SMTP).
 */
class SmtpBenchmarkSmokeTest {
  static final int TRANSACTIONS = 6;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "mailpath",
        "mailpath-bulk",
        "mailpath-pipelined",
        "smtp-source",
        "swaks",
        "jakarta",
        "commons-net"
      })
  void measure_againstSmtpSink_everyTransactionVerifiedAndCounted(String name) throws Exception {
    Peers.requireExecutable("smtp-sink (Postfix)", "apt-get install postfix", "smtp-sink");
    SmtpClient client = SmtpBenchmark.client(name);
    if (!client.inProcess()) {
      Peers.requireExecutable(
          client.name(), "apt-get install " + (name.equals("swaks") ? "swaks" : "postfix"), name);
    }
    try (SmtpSinkPeer sink = SmtpSinkPeer.start()) {
      for (int sessions : new int[] {1, 3}) {
        SmtpBenchmark.Result r =
            SmtpBenchmark.measure(
                client, "smoke", sink.host(), sink.port(), TRANSACTIONS, sessions, sink);

        assertThat(r.outcome().verified()).as(r.outcome().note()).isEqualTo(TRANSACTIONS);
        assertThat(r.outcome().attempted()).isEqualTo(TRANSACTIONS);
        assertThat(r.sinkMessages()).as("smtp-sink's own count").isEqualTo(TRANSACTIONS);
        assertThat(r.outcome().nanos()).isPositive();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mailpath", "jakarta", "commons-net"})
  void measure_javaClientAgainstGreenMail_everyTransactionVerifiedAndDelivered(String name)
      throws Exception {
    try (GreenMailSmtp mail = GreenMailSmtp.builder().start()) {
      SmtpBenchmark.Result r =
          SmtpBenchmark.measure(
              SmtpBenchmark.client(name),
              "smoke",
              mail.host(),
              mail.smtpPort(),
              TRANSACTIONS,
              2,
              null);

      assertThat(r.outcome().verified()).as(r.outcome().note()).isEqualTo(TRANSACTIONS);
      assertThat(mail.receivedMessages()).hasSize(TRANSACTIONS);
    }
  }

  @Test
  void heapProbe_mailpathSessions_measuresHeapAndTranscript() throws Exception {
    try (GreenMailSmtp mail = GreenMailSmtp.builder().start()) {
      var script = SmtpHeapProbe.mailpathScript(mail.host(), mail.smtpPort());

      SmtpHeapProbe.HeapResult r =
          SmtpHeapProbe.measure(
              "mailpath",
              5,
              () -> SmtpHeapProbe.openMailpath(script),
              c ->
                  SmtpHeapProbe.transcriptBytes(
                      ((dev.mailpath.diag.smtp.SmtpSession) c).transcript()));

      assertThat(r.sessions()).isEqualTo(5);
      assertThat(r.transcriptBytes()).as("greeting, EHLO and its reply were recorded").isPositive();
    }
  }

  @Test
  void message_body_isOneKibibyteOnTheWire() {
    assertThat(SmtpMessage.BODY.replace("\n", "\r\n")).hasSize(SmtpMessage.BODY_WIRE_BYTES);
    assertThat(SmtpMessage.crlfText()).doesNotContain("\n\n").contains("\r\n\r\n");
  }
}
