package dev.mailpath.diag.benchmarks;

import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Jakarta Mail (Angus Mail's {@code SMTPTransport}): one {@link Session} for the whole run, a new
 * {@link Transport} per transaction ({@code connect}, {@code sendMessage}, {@code close}, which
 * waits for the 221), the message parsed once. Connect and read timeouts are set (Jakarta Mail's
 * are infinite by default); {@code mail.smtp.writetimeout} is not, since Angus implements it with a
 * scheduler thread per connection unless given an executor, and mailpath's write guard is its
 * overall deadline. {@code mail.smtp.localhost} is set so that EHLO does not look up the local host
 * name.
 */
final class SmtpJakartaClient extends SmtpInProcessClient {
  private volatile Holder holder;

  private record Holder(
      String host, int port, Session session, MimeMessage message, InternetAddress[] to) {}

  @Override
  public String name() {
    return "Jakarta Mail";
  }

  static Session session(String host, int port) {
    Properties p = new Properties();
    p.setProperty("mail.smtp.host", host);
    p.setProperty("mail.smtp.port", Integer.toString(port));
    p.setProperty("mail.smtp.localhost", SmtpMessage.EHLO_NAME);
    p.setProperty("mail.smtp.from", SmtpMessage.FROM);
    p.setProperty("mail.smtp.connectiontimeout", "10000");
    p.setProperty("mail.smtp.timeout", "10000");
    return Session.getInstance(p);
  }

  private Holder holder(String host, int port) {
    Holder h = holder;
    if (h == null || h.port() != port || !h.host().equals(host)) {
      Session s = session(host, port);
      h = new Holder(host, port, s, SmtpMessage.mime(s), SmtpMessage.recipients());
      holder = h;
    }
    return h;
  }

  /** Opens a connection and says EHLO, for the heap measurement. */
  static SMTPTransport open(Session session) throws Exception {
    SMTPTransport t = (SMTPTransport) session.getTransport("smtp");
    t.connect();
    return t;
  }

  @Override
  boolean transaction(String host, int port) throws Exception {
    Holder h = holder(host, port);
    SMTPTransport t = (SMTPTransport) h.session().getTransport("smtp");
    try {
      t.connect();
      t.sendMessage(h.message(), h.to());
      // The reply to the final dot: sendMessage throws on a 4xx/5xx, this checks it was 250.
      return t.getLastReturnCode() == 250;
    } finally {
      t.close();
    }
  }
}
