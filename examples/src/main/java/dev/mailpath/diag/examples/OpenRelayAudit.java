package dev.mailpath.diag.examples;

import dev.mailpath.diag.smtp.RelayPolicyTester;
import dev.mailpath.diag.smtp.RelayReport;
import dev.mailpath.diag.smtp.RelayVariant;
import dev.mailpath.diag.smtp.SmtpCredentials;
import dev.mailpath.diag.smtp.SmtpTimeouts;
import dev.mailpath.diag.testkit.GreenMailSmtp;
import dev.mailpath.diag.testkit.ScriptedSmtpServer;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * The field guide's question "Relays - good or bad?" answered for a server: runs {@link
 * RelayPolicyTester}'s battery and prints the verdict, the variants table and the evidence.
 *
 * <p>Without arguments it needs no network: it audits two servers started in-process on loopback,
 * GreenMail (which accepts every recipient, so it plays an open relay) and a scripted server that
 * refuses to relay the way Postfix does. With {@code --host} it audits a real server:
 *
 * <pre>
 * OpenRelayAudit                                  # the in-process demo
 * OpenRelayAudit --host mx1.example.org --port 25 --local-domain example.org \
 *     --external-domain relay-test.example.net [--local-recipient postmaster@example.org] \
 *     [--user alice --password s3cret] [--dns 192.0.2.53:53]
 * </pre>
 *
 * <p>Only run it against servers you are responsible for. It stops after RCPT TO (then RSET and
 * QUIT): no message is sent.
 */
public final class OpenRelayAudit {
  private OpenRelayAudit() {}

  /**
   * Runs the example.
   *
   * @param args {@code --host h --port p --local-domain d --external-domain e} and options; none
   *     for the in-process demo
   */
  public static void main(String[] args) {
    run(args, System.out);
  }

  /**
   * Runs the example, printing to {@code out}.
   *
   * @param args as for {@link #main}
   * @param out where to print
   * @throws IllegalArgumentException for an unknown option or a bad value (the message says which)
   */
  public static void run(String[] args, PrintStream out) {
    if (args.length == 0) {
      demo(out);
      return;
    }
    RelayPolicyTester.Builder b = RelayPolicyTester.builder();
    String host = null;
    int port = 25;
    String user = null;
    String password = null;
    for (int i = 0; i < args.length; i++) {
      String opt = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(opt + " needs a value; " + usage());
      }
      String v = args[++i];
      switch (opt) {
        case "--host" -> host = v;
        case "--port" -> port = Integer.parseInt(v);
        case "--local-domain" -> b.localDomain(v);
        case "--local-recipient" -> b.localRecipient(v);
        case "--external-domain" -> b.externalDomain(v);
        case "--user" -> user = v;
        case "--password" -> password = v;
        case "--dns" -> b.client(c -> c.dns(d -> d.server(parseServer(v))));
        default -> throw new IllegalArgumentException("unknown option " + opt + "; " + usage());
      }
    }
    if (host == null) {
      throw new IllegalArgumentException("--host is required; " + usage());
    }
    b.server(host, port);
    if (user != null) {
      b.credentials(SmtpCredentials.of(user, password == null ? "" : password));
    }
    audit("Relay audit of " + host + ":" + port, b.build(), out);
  }

  private static String usage() {
    return "usage: OpenRelayAudit [--host h --port 25 --local-domain d --external-domain e"
        + " [--local-recipient a] [--user u --password p] [--dns ip:port]]";
  }

  private static void demo(PrintStream out) {
    try (GreenMailSmtp greenMail = GreenMailSmtp.builder().start();
        ScriptedSmtpServer closed = closedServer()) {
      SmtpTimeouts quick = SmtpTimeouts.all(Duration.ofSeconds(5));
      audit(
          "1. GreenMail on "
              + greenMail.host()
              + ":"
              + greenMail.smtpPort()
              + " (accepts every recipient: it can only play an open relay)",
          RelayPolicyTester.builder()
              .server(greenMail.host(), greenMail.smtpPort())
              .localDomain("example.com")
              .externalDomain("relay-test.example.net")
              .client(c -> c.timeouts(quick))
              .build(),
          out);
      out.println();
      audit(
          "2. A scripted server on "
              + closed.host()
              + ":"
              + closed.port()
              + " (refuses to relay, as Postfix with reject_unauth_destination does)",
          RelayPolicyTester.builder()
              .server(closed.host(), closed.port())
              .localDomain("example.com")
              .externalDomain("relay-test.example.net")
              .client(c -> c.timeouts(quick))
              // The script answers commands in order on one connection, so the whole battery
              // runs on one connection here; real servers get a few attempts per connection.
              .attemptsPerConnection(RelayVariant.values().length)
              .build(),
          out);
    }
  }

  /**
   * A server that takes mail for postmaster@example.com and refuses everything else, once per
   * attempt.
   */
  private static ScriptedSmtpServer closedServer() {
    ScriptedSmtpServer.Builder b =
        ScriptedSmtpServer.builder()
            .reply(220, "mx.example.com ESMTP")
            .expect("EHLO")
            .reply(250, "mx.example.com", "PIPELINING", "SIZE 10240000", "ENHANCEDSTATUSCODES");
    attempt(b, "250 2.1.5 Ok");
    attempt(b, "550 5.1.1 Recipient address rejected: User unknown in local recipient table");
    for (int i = 0; i < RelayVariant.relayVariants().size(); i++) {
      attempt(b, "554 5.7.1 Relay access denied");
    }
    return b.start();
  }

  private static void attempt(ScriptedSmtpServer.Builder b, String rcptReply) {
    b.expect("MAIL FROM:")
        .reply(250, "2.1.0 Ok")
        .expect("RCPT TO:")
        .lines(rcptReply)
        .expect("RSET")
        .reply(250, "2.0.0 Ok");
  }

  private static void audit(String title, RelayPolicyTester tester, PrintStream out) {
    out.println("=== " + title);
    RelayReport report = tester.test();
    out.println(report);
    out.println();
    out.println(
        "Verdict: "
            + report.verdict()
            + (report.acceptedVariants().isEmpty()
                ? ""
                : " ("
                    + report.acceptedVariants().size()
                    + " ways through: "
                    + report.acceptedVariants()
                    + ")"));
  }

  private static InetSocketAddress parseServer(String s) {
    int colon = s.lastIndexOf(':');
    boolean hasPort = colon > 0 && !s.endsWith("]") && s.indexOf(':') == colon;
    String host = (hasPort ? s.substring(0, colon) : s).replace("[", "").replace("]", "");
    int port = hasPort ? Integer.parseInt(s.substring(colon + 1)) : 53;
    try {
      // An IP literal is parsed without any lookup.
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "--dns must be an IP address with an optional port: " + s, e);
    }
  }
}
