package dev.mailpath.diag.benchmarks;

import java.time.Duration;
import org.apache.commons.net.smtp.AuthenticatingSMTPClient;
import org.apache.commons.net.smtp.SMTPReply;

/**
 * Apache Commons Net: a new client per transaction; {@code connect}, {@code elogin} (EHLO: {@code
 * SMTPClient.login} would send HELO, so the EHLO-speaking subclass is used, with TLS never
 * started), {@code setSender}, {@code addRecipient}, {@code sendShortMessageData} (DATA, the
 * dot-stuffed message, the final dot and its reply), {@code logout} (QUIT, waiting for 221), {@code
 * disconnect}. Connect and read timeouts are set.
 */
final class SmtpCommonsNetClient extends SmtpInProcessClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String MESSAGE = SmtpMessage.crlfText();

  @Override
  public String name() {
    return "Commons Net";
  }

  /** Connects and says EHLO, for the heap measurement. */
  static AuthenticatingSMTPClient open(String host, int port) throws Exception {
    AuthenticatingSMTPClient c = new AuthenticatingSMTPClient();
    c.setConnectTimeout((int) TIMEOUT.toMillis());
    c.setDefaultTimeout((int) TIMEOUT.toMillis());
    c.connect(host, port);
    if (!SMTPReply.isPositiveCompletion(c.getReplyCode()) || !c.elogin(SmtpMessage.EHLO_NAME)) {
      c.disconnect();
      throw new IllegalStateException("no greeting or EHLO refused: " + c.getReplyString());
    }
    return c;
  }

  @Override
  boolean transaction(String host, int port) throws Exception {
    AuthenticatingSMTPClient c = open(host, port);
    try {
      boolean ok =
          c.setSender(SmtpMessage.FROM)
              && c.addRecipient(SmtpMessage.TO)
              && c.sendShortMessageData(MESSAGE)
              && c.getReplyCode() == 250;
      c.logout();
      return ok;
    } finally {
      c.disconnect();
    }
  }
}
