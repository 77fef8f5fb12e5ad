package dev.mailpath.diag.examples;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.IpAddressText;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.dns.MailExchange;
import dev.mailpath.diag.smtp.AddressCheck;
import dev.mailpath.diag.smtp.DeliveryPathCheck;
import dev.mailpath.diag.smtp.DeliveryPathReport;
import dev.mailpath.diag.smtp.ExchangeCheck;
import dev.mailpath.diag.smtp.SmtpReply;
import dev.mailpath.diag.smtp.SmtpTimeouts;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * "Where would mail for this address go?" The field guide's nslookup-then-telnet walk, done the way
 * a sending MTA does it, and told the way a person would tell it: the MX records, each exchange in
 * turn and what it said, and where the mail would end up.
 *
 * <p>Without arguments it starts the embedded {@link DemoLab} (no network needed) and follows four
 * addresses: one that a backup exchange takes after the primary and an IPv6 address fail, one the
 * exchange refuses, a domain with a null MX, and a domain whose own address (its implicit MX) has
 * no mail server. With arguments it asks real servers; it never sends a message, only MAIL FROM and
 * RCPT TO, then RSET and QUIT.
 *
 * <pre>
 * DeliveryPath                                       # the embedded lab
 * DeliveryPath --dns 192.0.2.53:53 alice@example.org # real servers, port 25
 * DeliveryPath --dns 127.0.0.1:5353 --port 2525 --ehlo probe.example.net --from me@example.net alice@example.org
 * </pre>
 */
public final class DeliveryPath {
  private DeliveryPath() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--dns IP[:PORT]] [--port N] [--ehlo NAME] [--from ADDRESS] address...};
   *     none for the embedded lab
   */
  public static void main(String[] args) {
    run(args, System.out);
  }

  /**
   * Runs the example, printing to {@code out}.
   *
   * @param args as for {@link #main}
   * @param out where to print
   * @return the worst outcome of the checks
   */
  public static Outcome run(String[] args, PrintStream out) {
    DeliveryPathCheck.Builder builder =
        DeliveryPathCheck.builder()
            .client(
                c ->
                    c.timeouts(SmtpTimeouts.all(Duration.ofSeconds(10)))
                        .deadline(Duration.ofMinutes(2)));
    List<String> targets = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("--") && i + 1 >= args.length) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      switch (a) {
        case "--dns":
          InetSocketAddress dns = parseServer(args[++i]);
          builder.client(c -> c.dns(d -> d.server(dns)));
          break;
        case "--port":
          builder.smtpPort(Integer.parseInt(args[++i]));
          break;
        case "--ehlo":
          String ehlo = args[++i];
          builder.client(c -> c.ehloName(ehlo));
          break;
        case "--from":
          builder.sender(args[++i]);
          break;
        default:
          if (a.startsWith("--")) {
            throw new IllegalArgumentException(
                "unknown option " + a + "; use --dns, --port, --ehlo or --from");
          }
          targets.add(a);
      }
    }
    if (!targets.isEmpty()) {
      return follow(builder.build(), targets, out);
    }
    try (DemoLab lab = DemoLab.start()) {
      out.println(
          "The embedded lab: example.com served on "
              + IpAddressText.format(lab.dns())
              + "; every SMTP server listens on port "
              + lab.smtpPort()
              + " of 127.0.3.x");
      DeliveryPathCheck check =
          builder
              .client(c -> c.dns(d -> d.server(lab.dns())))
              .smtpPort(lab.smtpPort())
              .client(c -> c.ehloName("probe.example.net"))
              .sender("postmaster@example.net")
              .client(c -> c.timeouts(SmtpTimeouts.all(Duration.ofSeconds(5))))
              .maxInFlight(1)
              .build();
      return follow(
          check,
          List.of(
              "alice@example.com", "nobody@example.com", "nomail.example.com", "web.example.com"),
          out);
    }
  }

  private static Outcome follow(DeliveryPathCheck check, List<String> targets, PrintStream out) {
    Outcome worst = Outcome.PASS;
    for (String target : targets) {
      DeliveryPathReport report = check.check(target);
      narrate(report, out);
      if (report.outcome().compareTo(worst) > 0) {
        worst = report.outcome();
      }
    }
    return worst;
  }

  /** Tells the path as a person would after running nslookup and telnet by hand. */
  static void narrate(DeliveryPathReport r, PrintStream out) {
    out.println();
    out.println("Where does mail for " + r.recipient() + " go?");
    if (r.mx().nullMx()) {
      out.println(
          "  nslookup says " + r.domain() + " publishes a null MX: it takes no mail at all.");
    } else if (r.mx().implicitMx()) {
      out.println(
          "  nslookup finds no MX records for "
              + r.domain()
              + ", so its own address is the only exchange.");
    } else if (!r.mx().exchanges().isEmpty()) {
      out.println(
          "  nslookup lists "
              + r.mx().exchanges().size()
              + " exchange(s), lowest preference first: "
              + r.mx().exchanges().stream()
                  .map(MailExchange::toString)
                  .collect(Collectors.joining(", "))
              + ".");
    } else {
      out.println(
          "  nslookup finds nowhere to deliver (" + r.mx().rcode().orElse("no answer") + ").");
    }
    for (ExchangeCheck e : r.exchanges()) {
      out.println("  " + e.position() + ". " + e.host() + " (preference " + e.preference() + "):");
      for (AddressCheck a : e.addresses()) {
        out.println("     " + a.addressText() + describeReverse(a) + ": " + say(a));
      }
    }
    out.println("  => " + r.stage() + ": " + r.verdict() + ".");
    for (Finding f : r.findings()) {
      if (!f.code().startsWith("path.") || f.is(r.stage().finding())) {
        continue;
      }
      out.println("     " + f);
    }
    Finding verdict = r.findings().get(0);
    if (!verdict.nextSteps().isEmpty()) {
      out.println("  Next: " + verdict.nextSteps().get(0));
    }
  }

  private static String describeReverse(AddressCheck a) {
    return a.reverse()
        .filter(rr -> !rr.names().isEmpty())
        .map(
            rr ->
                " (PTR "
                    + String.join(", ", rr.names())
                    + (rr.forwardConfirmed() ? "" : ", not confirmed")
                    + ")")
        .orElse("");
  }

  private static String say(AddressCheck a) {
    switch (a.status()) {
      case NOT_TRIED:
        return a.summary();
      case UNREACHABLE:
        return "nobody answers (" + a.summary() + ")";
      default:
        StringBuilder sb = new StringBuilder();
        a.banner().ifPresent(b -> sb.append("greets \"").append(b.firstLine()).append("\"; "));
        a.tls()
            .ifPresent(
                t ->
                    sb.append(
                            t.established()
                                ? "STARTTLS " + t.protocol().orElse("")
                                : "STARTTLS fails")
                        .append(t.established() && !t.verified() ? " (certificate not valid)" : "")
                        .append("; "));
        a.rcptReply()
            .filter(SmtpReply::received)
            .ifPresentOrElse(
                rcpt ->
                    sb.append("answers the recipient with \"").append(rcpt.firstLine()).append('"'),
                () -> sb.append(a.summary()));
        return sb.append(" -> ").append(a.status()).toString();
    }
  }

  private static InetSocketAddress parseServer(String s) {
    String host = s;
    int port = 53;
    if (s.startsWith("[")) {
      int end = s.indexOf(']');
      host = s.substring(1, end);
      if (s.length() > end + 2 && s.charAt(end + 1) == ':') {
        port = Integer.parseInt(s.substring(end + 2));
      }
    } else if (s.indexOf(':') == s.lastIndexOf(':') && s.indexOf(':') > 0) {
      host = s.substring(0, s.indexOf(':'));
      port = Integer.parseInt(s.substring(s.indexOf(':') + 1));
    }
    if (!host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
      throw new IllegalArgumentException("--dns must be an IP address with an optional port: " + s);
    }
    try {
      // Only IP literals reach this point, and InetAddress parses those without a lookup.
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "--dns must be an IP address with an optional port: " + s, e);
    }
  }
}
