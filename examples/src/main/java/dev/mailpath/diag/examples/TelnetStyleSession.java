package dev.mailpath.diag.examples;

import dev.mailpath.diag.smtp.SmtpClient;
import dev.mailpath.diag.smtp.SmtpConversation;
import dev.mailpath.diag.smtp.SmtpReply;
import dev.mailpath.diag.smtp.SmtpReport;
import dev.mailpath.diag.smtp.SmtpSession;
import dev.mailpath.diag.smtp.SmtpTimeouts;
import dev.mailpath.diag.testkit.GreenMailSmtp;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The field guide's {@code telnet fqdn 25} walkthrough, replayed against a local mail server and
 * printed the way the terminal would show it: banner, EHLO, MAIL FROM, RCPT TO, DATA with a
 * subject, a blank line, the body, a lone dot, QUIT.
 *
 * <p>It runs the walkthrough twice: once as a script ({@link SmtpConversation}, played by an {@link
 * SmtpClient} that holds the timeouts; it gives a report with the transcript and findings), and
 * once interactively ({@link SmtpSession}, one call per typed line, each returning the server's
 * reply at once, as in JShell). Without arguments it starts GreenMail on loopback; with {@code host
 * port} it talks to that server (an IP address, or a name resolved through the system's DNS servers
 * by diag-dns).
 */
public final class TelnetStyleSession {
  private TelnetStyleSession() {}

  /**
   * Runs the example.
   *
   * @param args {@code [host port]}; none for the embedded GreenMail
   */
  public static void main(String[] args) {
    run(args, System.out);
  }

  /**
   * Runs the example, printing to {@code out}.
   *
   * @param args as for {@link #main}
   * @param out where to print
   */
  public static void run(String[] args, PrintStream out) {
    if (args.length >= 2) {
      walkthrough(args[0], Integer.parseInt(args[1]), out);
      return;
    }
    try (GreenMailSmtp mail = GreenMailSmtp.builder().start()) {
      walkthrough(mail.host(), mail.smtpPort(), out);
      out.println();
      out.println("Messages in the local server's mailboxes: " + mail.receivedMessages().size());
    }
  }

  private static void walkthrough(String host, int port, PrintStream out) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Subject", "Test message via Telnet");
    String body = "This is a test\nPlease reply if received\n";

    out.println("C:\\> telnet " + host + " " + port + "      (scripted: SmtpConversation)");
    SmtpReport report =
        SmtpClient.builder()
            .timeouts(SmtpTimeouts.all(Duration.ofSeconds(10)))
            .build()
            .run(
                SmtpConversation.to(host, port)
                    .ehlo("client.example.com")
                    .mailFrom("me@example.com")
                    .rcptTo("you@example.net")
                    .data(headers, body)
                    .quit());
    out.println(report.transcript());
    out.println();
    out.println(
        "Outcome: " + report.outcome() + (report.findings().isEmpty() ? ", no findings" : ""));
    report.findings().forEach(f -> out.println("  " + f));

    out.println();
    out.println("C:\\> telnet " + host + " " + port + "      (interactive: SmtpSession)");
    try (SmtpSession session = SmtpSession.open(host, port)) {
      show(out, "(connect)", session.banner());
      show(out, "ehlo client.example.com", session.ehlo("client.example.com"));
      show(out, "mail from:<me@example.com>", session.mailFrom("me@example.com"));
      show(out, "rcpt to:<you@example.net>", session.rcptTo("you@example.net"));
      show(out, "data ... . (subject, blank line, body, lone dot)", session.data(headers, body));
      show(out, "quit", session.quit());
    }
  }

  private static void show(PrintStream out, String typed, SmtpReply reply) {
    out.println("  typed: " + typed);
    out.println("  reply: " + (reply.received() ? reply.firstLine() : "(none) " + reply.text()));
  }
}
