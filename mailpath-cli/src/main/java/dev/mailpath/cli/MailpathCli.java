package dev.mailpath.cli;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DiagEventListener;
import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.IpAddressText;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.TlsFailurePolicy;
import dev.mailpath.diag.core.TlsMode;
import dev.mailpath.diag.dns.AddressFamily;
import dev.mailpath.diag.dns.DelegationTrace;
import dev.mailpath.diag.dns.DnsSettings;
import dev.mailpath.diag.dns.MxReport;
import dev.mailpath.diag.dns.MxResolver;
import dev.mailpath.diag.dns.RecordType;
import dev.mailpath.diag.dns.RootHints;
import dev.mailpath.diag.dns.RootServerQuery;
import dev.mailpath.diag.json.DiagJson;
import dev.mailpath.diag.smtp.DeliveryPathCheck;
import dev.mailpath.diag.smtp.RelayPolicyTester;
import dev.mailpath.diag.smtp.SmtpClient;
import dev.mailpath.diag.smtp.SmtpConversation;
import dev.mailpath.diag.smtp.SmtpCredentials;
import dev.mailpath.diag.smtp.SmtpPhase;
import dev.mailpath.diag.smtp.SmtpTimeouts;
import dev.mailpath.diag.trace.MailboxSearch;
import dev.mailpath.diag.trace.MessageQuery;
import dev.mailpath.diag.trace.MissingMessageInvestigation;
import dev.mailpath.diag.trace.PostfixLogSource;
import dev.mailpath.diag.trace.ReceivedChain;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code mailpath} command-line tool: every diagnosis of the library as a subcommand, text
 * output for people, {@code --json} for machines, and an exit code from the worst finding.
 *
 * <pre>
 * mailpath mx example.org --dns 127.0.0.1:5353
 * mailpath smtp 127.0.0.1 --port 2525 --ehlo probe.example.org --from me@example.org --to you@example.net
 * mailpath path alice@example.org --from me@example.net
 * mailpath relay 192.0.2.25 --local-domain example.org --external-domain example.net
 * mailpath roots example.org MX --json
 * mailpath headers message.eml
 * </pre>
 *
 * <p>Exit codes: 0 nothing worse than INFO, 1 a WARNING, 2 an ERROR, 3 a CRITICAL finding, 4 the
 * question could not be answered (INCONCLUSIVE), 64 a usage error.
 */
@Command(
    name = "mailpath",
    mixinStandardHelpOptions = true,
    version = "mailpath 0.1.0-SNAPSHOT",
    description =
        "Mail-path diagnostics: MX, SMTP, delivery path, relay, root servers, traces, headers, mailboxes, investigations.",
    subcommands = {
      MailpathCli.Mx.class,
      MailpathCli.Smtp.class,
      MailpathCli.PathCommand.class,
      MailpathCli.RelayCommand.class,
      MailpathCli.Roots.class,
      MailpathCli.Trace.class,
      MailpathCli.Headers.class,
      MailpathCli.Find.class,
      MailpathCli.Investigate.class,
      CommandLine.HelpCommand.class
    },
    exitCodeOnExecutionException = 70)
public final class MailpathCli implements Runnable {

  /** Exit code for a usage error (BSD sysexits EX_USAGE). */
  public static final int USAGE = 64;

  @Spec CommandLine.Model.CommandSpec spec;

  /** Creates the command (picocli does). */
  public MailpathCli() {}

  /**
   * Runs the tool and exits with its code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the tool without exiting, for tests and embedding.
   *
   * @param args the command line
   * @param out standard output
   * @param err standard error
   * @return the exit code
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine cli = new CommandLine(new MailpathCli());
    cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cli.setParameterExceptionHandler(
        (e, args2) -> {
          CommandLine cmd = e.getCommandLine();
          cmd.getErr().println("mailpath: " + e.getMessage());
          cmd.usage(cmd.getErr());
          return USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            // Misuse (a malformed domain, a bad port) is a usage error with the library's message.
            cmd.getErr().println("mailpath: " + e.getMessage());
            return USAGE;
          }
          throw e;
        });
    return cli.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * Maps a report to an exit code: 0 up to INFO, 1 WARNING, 2 ERROR, 3 CRITICAL, 4 INCONCLUSIVE.
   *
   * @param report the report
   * @return the exit code
   */
  public static int exitCode(DiagnosticReport report) {
    if (report.outcome() == Outcome.INCONCLUSIVE) {
      return 4;
    }
    return report
        .worstSeverity()
        .map(
            s ->
                switch (s) {
                  case INFO -> 0;
                  case WARNING -> 1;
                  case ERROR -> 2;
                  case CRITICAL -> 3;
                })
        .orElse(0);
  }

  /**
   * Combines two exit codes: CRITICAL (3) over ERROR (2) over INCONCLUSIVE (4) over WARNING (1)
   * over success (0), so that a failed check is never hidden behind one that could not run.
   *
   * @param a an exit code
   * @param b another
   * @return the worse of the two
   */
  static int worse(int a, int b) {
    return rank(a) >= rank(b) ? a : b;
  }

  private static int rank(int code) {
    switch (code) {
      case 3:
        return 4;
      case 2:
        return 3;
      case 4:
        return 2;
      case 1:
        return 1;
      default:
        return 0;
    }
  }

  /** Options every subcommand shares. */
  static final class Common {
    @Option(names = "--json", description = "Print the report as JSON (see docs/json.md).")
    boolean json;

    @Option(
        names = "--dns",
        paramLabel = "IP[:PORT]",
        description = "DNS server to ask (repeatable); default: the system's resolvers.")
    List<String> dns = new ArrayList<>();

    @Option(
        names = "--timeout",
        paramLabel = "DURATION",
        description = "Per-step timeout: 500ms, 5s, 2m (default ${DEFAULT-VALUE}).",
        defaultValue = "5s")
    String timeout;

    @Option(
        names = "--progress",
        description = "Show progress (DNS queries, connections, commands) on standard error.")
    boolean progress;

    Duration timeout() {
      return parseDuration(timeout);
    }

    List<InetSocketAddress> dnsServers() {
      List<InetSocketAddress> list = new ArrayList<>();
      for (String s : dns) {
        list.add(hostPort(s, 53));
      }
      return list;
    }

    DnsSettings dnsSettings() {
      return DnsSettings.builder().servers(dnsServers()).timeout(timeout()).build();
    }

    MxResolver resolver(DiagEnvironment env) {
      return MxResolver.builder().dns(dnsSettings()).environment(env).build();
    }

    SmtpClient smtpClient(DiagEnvironment env) {
      return SmtpClient.builder()
          .dns(dnsSettings())
          .timeouts(SmtpTimeouts.all(timeout()))
          .environment(env)
          .build();
    }

    DiagEnvironment environment(PrintWriter err) {
      return progress
          ? DiagEnvironment.system().with(b -> b.eventListener(new Progress(err)))
          : DiagEnvironment.system();
    }

    int print(CommandLine.Model.CommandSpec spec, Object report, DiagnosticReport forExit) {
      PrintWriter out = spec.commandLine().getOut();
      out.println(json ? DiagJson.toPrettyJson(report) : report.toString());
      out.flush();
      return exitCode(forExit);
    }
  }

  /** Prints events as they happen, so long runs show progress. */
  static final class Progress extends DiagEventListener {
    private final PrintWriter err;

    Progress(PrintWriter err) {
      this.err = err;
    }

    private void say(String s) {
      synchronized (err) {
        err.println("... " + s);
        err.flush();
      }
    }

    @Override
    public void dnsQueryEnd(
        InetSocketAddress server, String name, String type, String rcode, Duration elapsed) {
      say(
          type
              + " "
              + name
              + " @"
              + IpAddressText.format(server)
              + " "
              + rcode
              + " "
              + elapsed.toMillis()
              + " ms");
    }

    @Override
    public void connectEnd(InetSocketAddress address, String error, Duration elapsed) {
      say(
          "connect "
              + IpAddressText.format(address)
              + (error == null ? " ok" : " failed: " + error)
              + " "
              + elapsed.toMillis()
              + " ms");
    }

    @Override
    public void commandEnd(String command, String reply, Duration elapsed) {
      say(command + " -> " + (reply == null ? "(no reply)" : reply));
    }

    @Override
    public void finding(Finding finding) {
      say("finding " + finding);
    }
  }

  /** {@code mailpath mx}: nslookup -type=mx. */
  @Command(
      name = "mx",
      mixinStandardHelpOptions = true,
      description = "Find the mail exchanges of domains (nslookup -type=mx, RFC 5321 rules).")
  static final class Mx implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Common common;

    @Parameters(arity = "1..*", paramLabel = "DOMAIN")
    List<String> domains;

    @Option(names = "--ipv4", description = "Look up A records only.")
    boolean ipv4;

    @Override
    public Integer call() {
      DiagEnvironment env = common.environment(spec.commandLine().getErr());
      MxResolver resolver = common.resolver(env);
      if (ipv4) {
        resolver = resolver.toBuilder().addressFamily(AddressFamily.IPV4).build();
      }
      int worst = 0;
      for (String d : domains) {
        MxReport r = resolver.resolve(d);
        worst = worse(worst, common.print(spec, r, r));
      }
      return worst;
    }
  }

  /** {@code mailpath smtp}: telnet host 25. */
  @Command(
      name = "smtp",
      mixinStandardHelpOptions = true,
      description =
          "Talk SMTP to a server as telnet would (banner, EHLO, STARTTLS, AUTH, MAIL, RCPT).")
  static final class Smtp implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Common common;

    @Parameters(
        index = "0",
        paramLabel = "HOST",
        description = "IP address or host name (resolved with --dns).")
    String host;

    @Option(names = "--port", defaultValue = "25", description = "Port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--ehlo", defaultValue = "probe.mailpath.invalid", description = "EHLO name.")
    String ehlo;

    @Option(names = "--from", description = "MAIL FROM address; '' for the null sender.")
    String from;

    @Option(names = "--to", description = "RCPT TO address (repeatable).")
    List<String> to = new ArrayList<>();

    @Option(
        names = "--starttls",
        description = "Require STARTTLS (the session ends when it is not offered).")
    boolean startTls;

    @Option(
        names = "--starttls-if-offered",
        description = "Use STARTTLS when offered, as an MTA does.")
    boolean startTlsIfOffered;

    @Option(
        names = "--tls-report",
        description = "Report certificate problems as findings and go on.")
    boolean tlsReport;

    @Option(names = "--implicit-tls", description = "TLS from the first byte (SMTPS, port 465).")
    boolean implicitTls;

    @Option(names = "--user", description = "AUTH user name.")
    String user;

    @Option(
        names = "--password-env",
        paramLabel = "VAR",
        description = "Environment variable holding the AUTH password.")
    String passwordEnv;

    @Option(
        names = "--quit-after",
        description = "Stop after this phase: ${COMPLETION-CANDIDATES}.")
    SmtpPhase quitAfter;

    @Override
    public Integer call() {
      DiagEnvironment env = common.environment(spec.commandLine().getErr());
      SmtpClient client = common.smtpClient(env);
      if (tlsReport) {
        client =
            client.toBuilder()
                .tls(t -> t.failurePolicy(TlsFailurePolicy.REPORT_AND_CONTINUE))
                .build();
      }
      SmtpConversation c = SmtpConversation.to(host, port);
      if (implicitTls) {
        c = c.tlsMode(TlsMode.IMPLICIT);
      }
      c = c.ehlo(ehlo);
      if (startTls) {
        c = c.startTls();
      } else if (startTlsIfOffered) {
        c = c.startTlsIfOffered();
      }
      if (user != null) {
        c = c.auth(SmtpCredentials.of(user, password("--user", passwordEnv)));
      }
      if (from != null) {
        c = c.mailFrom(from);
        if (!to.isEmpty()) {
          c = c.rcptTo(to.toArray(String[]::new));
        }
      }
      if (quitAfter != null) {
        c = c.quitAfter(quitAfter);
      }
      var report = client.run(c);
      return common.print(spec, report, report);
    }
  }

  /** {@code mailpath roots}: ask the root servers directly. */
  @Command(
      name = "roots",
      mixinStandardHelpOptions = true,
      description = "Ask all 13 root servers (no recursion) what they say about a name.")
  static final class Roots implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Common common;

    @Parameters(index = "0", defaultValue = ".", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", defaultValue = "NS", paramLabel = "TYPE")
    String type;

    @Option(
        names = "--hints",
        paramLabel = "FILE",
        description = "Root hints file (named.root format) for a private root or lab.")
    Path hints;

    @Option(names = "--ipv4", description = "IPv4 only.")
    boolean ipv4;

    @Option(
        names = "--prime",
        description = "Run the priming query (RFC 9609) and compare with the hints.")
    boolean prime;

    @Override
    public Integer call() throws IOException {
      RootServerQuery.Builder b =
          RootServerQuery.builder()
              .dns(d -> d.timeout(common.timeout()))
              .environment(common.environment(spec.commandLine().getErr()));
      if (hints != null) {
        b.hints(RootHints.fromHintsFile(Files.readString(hints)));
      }
      if (ipv4) {
        b.addressFamily(AddressFamily.IPV4);
      }
      RootServerQuery q = b.build();
      if (prime) {
        var r = q.prime();
        return common.print(spec, r, r);
      }
      var r = q.ask(name, RecordType.of(type));
      return common.print(spec, r, r);
    }
  }

  /** {@code mailpath trace}: dig +trace. */
  @Command(
      name = "trace",
      mixinStandardHelpOptions = true,
      description =
          "Follow the delegation from the roots to the authoritative answer (dig +trace).")
  static final class Trace implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Common common;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", defaultValue = "MX", paramLabel = "TYPE")
    String type;

    @Option(
        names = "--hints",
        paramLabel = "FILE",
        description = "Root hints file for a private root or lab.")
    Path hints;

    @Option(names = "--port", description = "Port every name server of a lab listens on.")
    Integer port;

    @Option(
        names = "--compare",
        description = "Compare the answer with the --dns resolvers' (recursive) answer.")
    boolean compare;

    @Override
    public Integer call() throws IOException {
      DiagEnvironment env = common.environment(spec.commandLine().getErr());
      DelegationTrace.Builder b =
          DelegationTrace.builder().dns(d -> d.timeout(common.timeout())).environment(env);
      if (hints != null) {
        b.hints(RootHints.fromHintsFile(Files.readString(hints)));
      }
      if (port != null) {
        b.port(port);
      }
      if (compare) {
        b.compareWith(common.resolver(env));
      }
      var r = b.build().trace(name, RecordType.of(type));
      return common.print(spec, r, r);
    }
  }

  /** {@code mailpath headers}: read a message's Received chain. */
  @Command(
      name = "headers",
      mixinStandardHelpOptions = true,
      description =
          "Analyse the Received: chain and Authentication-Results of a message (.eml, or - for stdin).")
  static final class Headers implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Common common;

    @Parameters(index = "0", paramLabel = "FILE")
    String file;

    @Override
    public Integer call() throws IOException {
      byte[] message =
          file.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
      var r = ReceivedChain.parse(message);
      return common.print(spec, r, r);
    }
  }

  /** {@code mailpath find}: search mailboxes over IMAP. */
  @Command(
      name = "find",
      mixinStandardHelpOptions = true,
      description =
          "Find a message in every folder of a mailbox over IMAP (Junk, Deleted Items, ...).")
  static final class Find implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Common common;

    @Option(
        names = "--imap",
        required = true,
        paramLabel = "HOST[:PORT]",
        description = "IMAP server (port 993 with --imaps, else 143).")
    String imap;

    @Option(names = "--imaps", description = "Implicit TLS (IMAPS).")
    boolean imaps;

    @Option(names = "--plain", description = "No TLS at all (test servers only).")
    boolean plain;

    @Option(names = "--user", required = true)
    String user;

    @Option(names = "--password-env", required = true, paramLabel = "VAR")
    String passwordEnv;

    @Option(names = "--message-id")
    String messageId;

    @Option(names = "--from")
    String from;

    @Option(names = "--to")
    String to;

    @Option(names = "--subject")
    String subject;

    @Option(names = "--since", description = "ISO-8601 instant, e.g. 2026-11-28T08:00:00Z.")
    Instant since;

    @Option(names = "--until")
    Instant until;

    @Override
    public Integer call() {
      String password = password("--user", passwordEnv);
      TlsMode security =
          plain ? TlsMode.NONE : imaps ? TlsMode.IMPLICIT : TlsMode.STARTTLS_REQUIRED;
      InetSocketAddress server = hostPort(imap, imaps ? 993 : 143);
      MessageQuery.Builder q = MessageQuery.builder();
      if (messageId != null) {
        q.messageId(messageId);
      }
      if (from != null) {
        q.sender(from);
      }
      if (to != null) {
        q.recipient(to);
      }
      if (subject != null) {
        q.subject(subject);
      }
      if (since != null) {
        q.since(since);
      }
      if (until != null) {
        q.until(until);
      }
      DiagEnvironment env = common.environment(spec.commandLine().getErr());
      var r =
          MailboxSearch.builder()
              .server(server.getHostString(), server.getPort())
              .tlsMode(security)
              .credentials(user, password)
              .timeout(common.timeout())
              .dns(common.dnsSettings())
              .environment(env)
              .build()
              .search(q.build());
      return common.print(spec, r, r);
    }
  }

  /** {@code mailpath path}: nslookup, then telnet to every exchange. */
  @Command(
      name = "path",
      mixinStandardHelpOptions = true,
      description =
          "Check where mail for an address would go: MX, then SMTP to each exchange up to RCPT TO (never DATA).")
  static final class PathCommand implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Common common;

    @Parameters(index = "0", paramLabel = "ADDRESS|DOMAIN")
    String target;

    @Option(
        names = "--port",
        defaultValue = "25",
        description = "SMTP port of the exchanges (default ${DEFAULT-VALUE}).")
    int port;

    @Option(
        names = "--ehlo",
        description = "EHLO name (use your real host name: strict servers check it).")
    String ehlo;

    @Option(names = "--from", description = "MAIL FROM address (default: the null sender <>).")
    String from;

    @Option(names = "--no-starttls", description = "Do not use STARTTLS even when offered.")
    boolean noStartTls;

    @Option(names = "--ipv4", description = "IPv4 addresses only.")
    boolean ipv4;

    @Override
    public Integer call() {
      DiagEnvironment env = common.environment(spec.commandLine().getErr());
      DeliveryPathCheck.Builder b =
          DeliveryPathCheck.builder()
              .client(
                  DeliveryPathCheck.Builder.defaultClient().toBuilder()
                      .dns(common.dnsSettings())
                      .timeouts(SmtpTimeouts.all(common.timeout()))
                      .environment(env)
                      .build())
              .smtpPort(port)
              .tlsMode(noStartTls ? TlsMode.NONE : TlsMode.STARTTLS_IF_OFFERED);
      if (ehlo != null) {
        b.client(c -> c.ehloName(ehlo));
      }
      if (from != null) {
        b.sender(from);
      }
      if (ipv4) {
        b.addressPreference(DeliveryPathCheck.AddressPreference.IPV4_ONLY);
      }
      var r = b.build().check(target);
      return common.print(spec, r, r);
    }
  }

  /** {@code mailpath relay}: is this server an open relay? */
  @Command(
      name = "relay",
      mixinStandardHelpOptions = true,
      description =
          "Test whether a server relays for strangers (EHLO, MAIL, RCPT, RSET: nothing is delivered).")
  static final class RelayCommand implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Common common;

    @Parameters(index = "0", paramLabel = "HOST")
    String host;

    @Option(names = "--port", defaultValue = "25", description = "Port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(
        names = "--local-domain",
        required = true,
        description = "The domain the server receives mail for.")
    String localDomain;

    @Option(
        names = "--local-recipient",
        description = "A real local mailbox (default postmaster@LOCAL-DOMAIN).")
    String localRecipient;

    @Option(
        names = "--external-domain",
        required = true,
        description = "A domain the server must not relay to.")
    String externalDomain;

    @Option(names = "--user", description = "AUTH user for the authenticated pass.")
    String user;

    @Option(
        names = "--password-env",
        paramLabel = "VAR",
        description = "Environment variable holding the AUTH password.")
    String passwordEnv;

    @Override
    public Integer call() {
      DiagEnvironment env = common.environment(spec.commandLine().getErr());
      RelayPolicyTester.Builder b =
          RelayPolicyTester.builder()
              .server(host, port)
              .localDomain(localDomain)
              .externalDomain(externalDomain)
              .client(
                  c ->
                      c.dns(common.dnsSettings())
                          .timeouts(SmtpTimeouts.all(common.timeout()))
                          .environment(env));
      if (localRecipient != null) {
        b.localRecipient(localRecipient);
      }
      if (user != null) {
        b.credentials(SmtpCredentials.of(user, password("--user", passwordEnv)));
      }
      var r = b.build().test();
      return common.print(spec, r, r);
    }
  }

  /** {@code mailpath investigate}: "I never received that message". */
  @Command(
      name = "investigate",
      mixinStandardHelpOptions = true,
      description =
          "Walk the missing-message investigation: message tracking, the mailbox, the route.")
  static final class Investigate implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Common common;

    @Option(names = "--sender", description = "What was the sending address?")
    String sender;

    @Option(names = "--recipient", required = true, description = "Who should have received it?")
    String recipient;

    @Option(
        names = "--around",
        description = "Approximately when was it sent (ISO-8601, e.g. 2026-11-28T08:00:00Z)?")
    Instant around;

    @Option(
        names = "--tolerance",
        defaultValue = "1h",
        description = "How approximate the time is: 30m, 2h (default ${DEFAULT-VALUE}).")
    String tolerance;

    @Option(names = "--message-id", description = "The Message-ID, when the sender has it.")
    String messageId;

    @Option(names = "--subject", description = "The subject, when known.")
    String subject;

    @Option(
        names = "--postfix-log",
        paramLabel = "FILE",
        description = "The mail server's Postfix log (message tracking).")
    java.nio.file.Path postfixLog;

    @Option(
        names = "--imap",
        paramLabel = "HOST[:PORT]",
        description = "The recipient's IMAP server, to search every folder.")
    String imap;

    @Option(names = "--imaps", description = "Implicit TLS for IMAP.")
    boolean imaps;

    @Option(names = "--user", description = "IMAP user.")
    String user;

    @Option(
        names = "--password-env",
        paramLabel = "VAR",
        description = "Environment variable holding the IMAP password.")
    String passwordEnv;

    @Option(
        names = "--check-path",
        description =
            "Also check the route to the recipient's domain (MX, then SMTP up to RCPT TO).")
    boolean checkPath;

    @Override
    public Integer call() {
      DiagEnvironment env = common.environment(spec.commandLine().getErr());
      MessageQuery.Builder q = MessageQuery.builder().recipient(recipient);
      if (sender != null) {
        q.sender(sender);
      }
      if (messageId != null) {
        q.messageId(messageId);
      }
      if (subject != null) {
        q.subject(subject);
      }
      if (around != null) {
        Duration t =
            tolerance.endsWith("h")
                ? Duration.ofHours(Long.parseLong(tolerance.substring(0, tolerance.length() - 1)))
                : parseDuration(tolerance);
        q.around(around, t);
      }
      MissingMessageInvestigation.Builder b =
          MissingMessageInvestigation.builder().environment(env);
      if (postfixLog != null) {
        b.serverLog(PostfixLogSource.builder().path(postfixLog).build());
      }
      if (imap != null) {
        if (user == null) {
          throw new IllegalArgumentException("--imap needs --user and --password-env");
        }
        String password = password("--imap", passwordEnv);
        InetSocketAddress server = hostPort(imap, imaps ? 993 : 143);
        b.mailbox(
            MailboxSearch.builder()
                .server(server.getHostString(), server.getPort())
                .tlsMode(imaps ? TlsMode.IMPLICIT : TlsMode.STARTTLS_REQUIRED)
                .credentials(user, password)
                .timeout(common.timeout())
                .dns(common.dnsSettings())
                .environment(env)
                .build());
      }
      if (checkPath) {
        b.deliveryPath(
            DeliveryPathCheck.builder()
                .client(
                    c ->
                        c.dns(common.dnsSettings())
                            .timeouts(SmtpTimeouts.all(common.timeout()))
                            .environment(env))
                .build());
      }
      var r = b.build().investigate(q.build());
      return common.print(spec, r, r);
    }
  }

  /**
   * Reads a password from the environment variable the user named, so that it never appears on the
   * command line (and so in process listings or shell history).
   *
   * @param option the option that needs it, for the message
   * @param variable the variable named by {@code --password-env}, or null
   * @return the password
   * @throws IllegalArgumentException when no variable was named or it is not set
   */
  static String password(String option, String variable) {
    String password = variable == null ? null : System.getenv(variable);
    if (password == null) {
      throw new IllegalArgumentException(
          option
              + " needs --password-env naming a set environment variable"
              + (variable == null ? "" : " (" + variable + " is not set)"));
    }
    return password;
  }

  /**
   * Parses {@code 500ms}, {@code 5s}, {@code 2m} or a number of seconds.
   *
   * @param text the text
   * @return the duration
   */
  static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      if (t.endsWith("s")) {
        return Duration.ofMillis(
            (long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
      }
      if (t.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
      }
      return Duration.ofMillis((long) (Double.parseDouble(t) * 1000));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a duration (use 500ms, 5s, 2m): " + text, e);
    }
  }

  /**
   * Parses {@code ip}, {@code ip:port}, {@code [v6]:port} or {@code host:port} without any name
   * lookup for IP literals; a host name stays unresolved.
   *
   * @param text the text
   * @param defaultPort the port when none is given
   * @return the address
   */
  static InetSocketAddress hostPort(String text, int defaultPort) {
    String host = text;
    int port = defaultPort;
    if (text.startsWith("[")) {
      int end = text.indexOf(']');
      if (end < 0) {
        throw new IllegalArgumentException("missing ] in " + text);
      }
      host = text.substring(1, end);
      if (end + 1 < text.length() && text.charAt(end + 1) == ':') {
        port = Integer.parseInt(text.substring(end + 2));
      }
    } else if (text.indexOf(':') == text.lastIndexOf(':') && text.indexOf(':') > 0) {
      host = text.substring(0, text.indexOf(':'));
      port = Integer.parseInt(text.substring(text.indexOf(':') + 1));
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be between 1 and 65535: " + text);
    }
    if (host.matches("[0-9.]+") || host.contains(":")) {
      try {
        return new InetSocketAddress(InetAddress.getByName(host), port);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("not an IP address: " + host, e);
      }
    }
    return InetSocketAddress.createUnresolved(host, port);
  }
}
