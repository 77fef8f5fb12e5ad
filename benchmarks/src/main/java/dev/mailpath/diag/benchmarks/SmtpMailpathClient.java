package dev.mailpath.diag.benchmarks;

import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.smtp.SmtpClient;
import dev.mailpath.diag.smtp.SmtpConversation;
import dev.mailpath.diag.smtp.SmtpExchange;
import dev.mailpath.diag.smtp.SmtpPhase;
import dev.mailpath.diag.smtp.SmtpReport;
import dev.mailpath.diag.smtp.SmtpTimeouts;
import java.time.Duration;
import java.util.List;

/**
 * mailpath: one {@link SmtpConversation} script, built once (it is immutable and thread-safe),
 * {@code run()} once per transaction, from one thread or from every thread of the pool. Timeouts
 * are 10 seconds a phase, the overall deadline 30 seconds; everything else is the default, so the
 * transcript, the findings and the report are all built, as for any user. The bulk variant
 * ("mailpath-bulk") is what a bulk sender would configure: the transcript off ({@link
 * Transcript.Limits#OFF}); its message has fixed Date and Message-ID headers, so it is framed once
 * for all runs, as in the default variant. The pipelined variant ("mailpath-pipelined") is the bulk
 * variant sending MAIL, RCPT and DATA as one group when the server offers PIPELINING (RFC 2920), as
 * bulk senders such as Postfix's own SMTP client do by default: two round trips fewer per
 * transaction. smtp-source cannot pipeline, so that row is not like for like; it shows what a bulk
 * caller of mailpath gets.
 */
final class SmtpMailpathClient extends SmtpInProcessClient {
  private volatile SmtpConversation script;
  private final boolean bulk;
  private final boolean pipelined;

  SmtpMailpathClient() {
    this(false, false);
  }

  SmtpMailpathClient(boolean bulk) {
    this(bulk, false);
  }

  SmtpMailpathClient(boolean bulk, boolean pipelined) {
    this.bulk = bulk || pipelined;
    this.pipelined = pipelined;
  }

  @Override
  public String name() {
    return pipelined ? "mailpath-pipelined" : bulk ? "mailpath-bulk" : "mailpath";
  }

  /** The bulk variant: the same settings with the transcript off. */
  static final SmtpClient BULK = clientBuilder().transcript(Transcript.Limits.OFF).build();

  /** Built once and shared, as a user would. */
  static final SmtpClient CLIENT = clientBuilder().build();

  private static SmtpClient.Builder clientBuilder() {
    return SmtpClient.builder()
        .timeouts(SmtpTimeouts.all(Duration.ofSeconds(10)))
        .deadline(Duration.ofSeconds(30));
  }

  static SmtpConversation script(String host, int port) {
    return SmtpConversation.to(host, port)
        .ehlo(SmtpMessage.EHLO_NAME)
        .mailFrom(SmtpMessage.FROM)
        .rcptTo(SmtpMessage.TO)
        .data(SmtpMessage.HEADER_LINES, SmtpMessage.BODY)
        .quit();
  }

  @Override
  boolean transaction(String host, int port) {
    SmtpConversation s = script;
    if (s == null || s.port() != port || !s.host().equals(host)) {
      s = script(host, port);
      if (pipelined) {
        s = s.pipelining(true);
      }
      script = s;
    }
    return verified((bulk ? BULK : CLIENT).run(s));
  }

  /** A 250 to the final dot, and the script run to its end. */
  static boolean verified(SmtpReport report) {
    if (!report.completed()) {
      return false;
    }
    List<SmtpExchange> steps = report.steps();
    for (int i = steps.size() - 1; i >= 0; i--) {
      SmtpExchange e = steps.get(i);
      if (e.phase() == SmtpPhase.DATA && e.command().equals(".")) {
        return e.reply().code() == 250;
      }
    }
    return false;
  }
}
