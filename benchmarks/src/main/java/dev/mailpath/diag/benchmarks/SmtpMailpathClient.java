package dev.mailpath.diag.benchmarks;

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
 * transcript, the findings and the report are all built, as for any user.
 */
final class SmtpMailpathClient extends SmtpInProcessClient {
  private volatile SmtpConversation script;

  @Override
  public String name() {
    return "mailpath";
  }

  /** Built once and shared, as a user would. */
  static final SmtpClient CLIENT =
      SmtpClient.builder()
          .timeouts(SmtpTimeouts.all(Duration.ofSeconds(10)))
          .deadline(Duration.ofSeconds(30))
          .build();

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
      script = s;
    }
    return verified(CLIENT.run(s));
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
