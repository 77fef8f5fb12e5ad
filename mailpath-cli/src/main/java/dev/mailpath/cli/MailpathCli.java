package dev.mailpath.cli;

import dev.mailpath.diag.auth.DkimVerifier;
import dev.mailpath.diag.auth.DmarcCheck;
import dev.mailpath.diag.auth.SpfCheck;
import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.DiagEventListener;
import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.DomainName;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.HostAndPort;
import dev.mailpath.diag.core.IpAddressText;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.TlsFailurePolicy;
import dev.mailpath.diag.core.TlsMode;
import dev.mailpath.diag.core.TlsSettings;
import dev.mailpath.diag.dns.AddressFamily;
import dev.mailpath.diag.dns.DelegationTrace;
import dev.mailpath.diag.dns.DnsSettings;
import dev.mailpath.diag.dns.MxResolver;
import dev.mailpath.diag.dns.RecordType;
import dev.mailpath.diag.dns.RootHints;
import dev.mailpath.diag.dns.RootServerQuery;
import dev.mailpath.diag.html.DiagHtml;
import dev.mailpath.diag.json.DiagJson;
import dev.mailpath.diag.posture.DnsblList;
import dev.mailpath.diag.posture.MailPostureCheck;
import dev.mailpath.diag.posture.MailPostureReport;
import dev.mailpath.diag.smtp.DeliveryPathCheck;
import dev.mailpath.diag.smtp.RelayPolicyTester;
import dev.mailpath.diag.smtp.SmtpClient;
import dev.mailpath.diag.smtp.SmtpConversation;
import dev.mailpath.diag.smtp.SmtpCredentials;
import dev.mailpath.diag.smtp.SmtpPhase;
import dev.mailpath.diag.smtp.SmtpTimeouts;
import dev.mailpath.diag.trace.MailboxSearch;
import dev.mailpath.diag.trace.MessageAuthentication;
import dev.mailpath.diag.trace.MessageQuery;
import dev.mailpath.diag.trace.MissingMessageInvestigation;
import dev.mailpath.diag.trace.PostfixLogSource;
import dev.mailpath.diag.trace.ReceivedChain;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
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
 * mailpath posture example.org --dkim-selector mail2026 --json
 * mailpath mx --input domains.txt --format jsonl --dns 192.0.2.53
 * </pre>
 *
 * <p>Output: {@code --format text|json|jsonl|html} ({@code --json} is {@code --format json}: one
 * document, an array when there are several reports), {@code --output FILE}, {@code --brief}. Every
 * run says on standard error which DNS servers it asks; an IP-address target asks none.
 *
 * <p>Exit codes: 0 nothing worse than INFO, 1 a WARNING, 2 an ERROR, 3 a CRITICAL finding, 4 the
 * question could not be answered (INCONCLUSIVE), 64 a usage error, 66 an unreadable input file.
 */
@Command(
    name = "mailpath",
    mixinStandardHelpOptions = true,
    versionProvider = MailpathCli.Version.class,
    description =
        "Mail-path diagnostics: MX, SMTP, delivery path, relay, root servers, traces, headers, SPF, DKIM, DMARC, mail posture, mailboxes, investigations.",
    subcommands = {
      MailpathCli.Mx.class,
      MailpathCli.Smtp.class,
      MailpathCli.PathCommand.class,
      MailpathCli.RelayCommand.class,
      MailpathCli.Roots.class,
      MailpathCli.Trace.class,
      MailpathCli.Headers.class,
      MailpathCli.Spf.class,
      MailpathCli.Dkim.class,
      MailpathCli.Dmarc.class,
      MailpathCli.Posture.class,
      MailpathCli.Auth.class,
      MailpathCli.Find.class,
      MailpathCli.Investigate.class,
      CommandLine.HelpCommand.class
    },
    exitCodeOnExecutionException = 70)
public final class MailpathCli implements Callable<Integer> {

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
    QuickExit.exit(run(args, System.out, System.err));
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
    // Cold start: a plain "mailpath mx ..." runs without picocli (see FastMx).
    Integer fast = FastMx.run(args, out, err);
    return fast != null ? fast : runPicocli(args, out, err);
  }

  /** {@link #run} through picocli, whatever the command line (tests compare the two paths). */
  static int runPicocli(String[] args, PrintStream out, PrintStream err) {
    // Lazy start: for "mailpath mx ..." only the mx command's model is built (picocli reflects
    // over every class it is given); the full tree only for help, usage and completion.
    Object sub = args.length > 0 ? subcommand(args[0]) : null;
    CommandLine cli;
    if (sub != null) {
      cli = new CommandLine(sub);
      cli.setCommandName("mailpath " + args[0]);
      args = java.util.Arrays.copyOfRange(args, 1, args.length);
    } else {
      cli = new CommandLine(new MailpathCli());
    }
    // NO_COLOR (no-color.org): plain help text whatever the terminal.
    String noColor = System.getenv("NO_COLOR");
    if (noColor != null && !noColor.isEmpty()) {
      cli.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
    }
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
          if (e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
            // A file named on the command line that cannot be read (EX_NOINPUT).
            cmd.getErr().println("mailpath: cannot read " + e.getMessage());
            return 66;
          }
          if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            // Misuse (a malformed domain, a bad port) is a usage error with the library's message.
            cmd.getErr().println("mailpath: " + e.getMessage());
            return USAGE;
          }
          throw e;
        });
    return cli.execute(args);
  }

  /**
   * Returns a fresh subcommand object by name, so that only it is loaded.
   *
   * @param name the first argument
   * @return the command, or null when {@code name} is no subcommand (help, an option, a typo)
   */
  static Object subcommand(String name) {
    switch (name) {
      case "mx":
        return new Mx();
      case "smtp":
        return new Smtp();
      case "path":
        return new PathCommand();
      case "relay":
        return new RelayCommand();
      case "roots":
        return new Roots();
      case "trace":
        return new Trace();
      case "headers":
        return new Headers();
      case "spf":
        return new Spf();
      case "dkim":
        return new Dkim();
      case "dmarc":
        return new Dmarc();
      case "posture":
        return new Posture();
      case "auth":
        return new Auth();
      case "find":
        return new Find();
      case "investigate":
        return new Investigate();
      default:
        return null;
    }
  }

  /** Without a subcommand: the usage on standard error and exit code 64. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return USAGE;
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

  /** The version from the jar's manifest ({@code mailpath.jar}), or "development build". */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = MailpathCli.class.getPackage().getImplementationVersion();
      return new String[] {
        "mailpath " + (v == null ? "(development build)" : v),
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vm.name")
            + ")"
      };
    }
  }

  /** Options of every subcommand: output format, destination, brevity and progress. */
  static final class Output {
    @Option(
        names = "--format",
        paramLabel = "FORMAT",
        description =
            "Output format: text, json (one document; several reports are an array), jsonl (one"
                + " report per line) or html (default text).")
    String format;

    @Option(names = "--json", description = "Same as --format json.")
    boolean json;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FILE",
        description = "Write the report(s) to FILE instead of standard output.")
    Path output;

    @Option(
        names = "--brief",
        description = "Text: one verdict line per report and its worst findings only.")
    boolean brief;

    @Option(
        names = "--progress",
        description = "Show progress (DNS queries, connections, commands) on standard error.")
    boolean progress;

    Reporter reporter(CommandLine.Model.CommandSpec spec) {
      return reporter(spec.commandLine().getOut());
    }

    Reporter reporter(PrintWriter stdout) {
      String f = format == null ? (json ? "json" : "text") : format.toLowerCase(Locale.ROOT);
      if (json && format != null && !f.equals("json")) {
        throw new IllegalArgumentException("--json and --format " + format + " contradict");
      }
      if (!List.of("text", "json", "jsonl", "html").contains(f)) {
        throw new IllegalArgumentException(
            "--format must be text, json, jsonl or html, not " + format);
      }
      return new Reporter(stdout, output, f, brief);
    }

    DiagEnvironment environment(PrintWriter err) {
      return progress
          ? DiagEnvironment.system().with(b -> b.eventListener(new Progress(err)))
          : DiagEnvironment.system();
    }
  }

  /** DNS server and timeout options of the subcommands that use the network. */
  static final class Net {
    @Option(
        names = "--dns",
        paramLabel = "IP[:PORT]",
        description = "DNS server to ask (repeatable; [v6]:port); default: the system's resolvers.")
    List<String> dns = new ArrayList<>();

    @Option(
        names = "--timeout",
        paramLabel = "DURATION",
        description = "Per-step timeout: 500ms, 5s, 2m (default ${DEFAULT-VALUE}).",
        defaultValue = "5s")
    String timeout;

    Duration timeout() {
      return parseDuration(timeout);
    }

    List<InetSocketAddress> dnsServers() {
      List<InetSocketAddress> list = new ArrayList<>();
      for (String s : dns) {
        HostAndPort hp = HostAndPort.parse(s, 53);
        InetAddress a =
            hp.address()
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "--dns needs an IP address (not a name to look up): " + s));
        list.add(new InetSocketAddress(a, hp.port()));
      }
      return list;
    }

    DnsSettings dnsSettings() {
      return DnsSettings.builder().servers(dnsServers()).timeout(timeout()).build();
    }

    /** DNS settings with no servers named: the SMTP client then makes no reverse lookups. */
    DnsSettings noDns() {
      return DnsSettings.builder().timeout(timeout()).build();
    }

    MxResolver resolver(DiagEnvironment env) {
      return MxResolver.builder().dns(dnsSettings()).environment(env).build();
    }

    /**
     * Says on standard error which DNS servers this run asks, so no answer comes from a resolver
     * nobody chose.
     */
    void announce(PrintWriter err) {
      List<InetSocketAddress> named = dnsServers();
      if (!named.isEmpty()) {
        note(err, "DNS servers: " + join(named) + " (--dns)");
        return;
      }
      List<InetSocketAddress> system;
      try {
        system = DnsSettings.system().serversOrSystem();
      } catch (RuntimeException e) {
        system = List.of();
      }
      note(
          err,
          "DNS servers: "
              + (system.isEmpty() ? "none found" : join(system))
              + " (the system's resolvers; --dns to choose)");
    }

    private static String join(List<InetSocketAddress> list) {
      StringBuilder sb = new StringBuilder();
      for (InetSocketAddress a : list) {
        sb.append(sb.length() == 0 ? "" : ", ").append(IpAddressText.format(a));
      }
      return sb.toString();
    }
  }

  /** TLS options of the subcommands that speak TLS. */
  static final class Tls {
    @Option(
        names = {"--ca-file", "--trust-cert"},
        paramLabel = "FILE",
        description =
            "Trust the certificates in this PEM file (a private CA or a self-signed server;"
                + " repeatable) instead of the system's CAs.")
    List<Path> caFiles = new ArrayList<>();

    @Option(
        names = {"--insecure", "--tls-report"},
        description = "Report certificate problems as findings and go on (report-only).")
    boolean insecure;

    TlsSettings.Builder apply(TlsSettings.Builder t) {
      if (!caFiles.isEmpty()) {
        t.trustManager(trustManager(caFiles));
      }
      if (insecure) {
        t.failurePolicy(TlsFailurePolicy.REPORT_AND_CONTINUE);
      }
      return t;
    }
  }

  /** Converts {@code none|starttls-if-offered|starttls|implicit} to a {@link TlsMode}. */
  static final class TlsModeConverter implements CommandLine.ITypeConverter<TlsMode> {
    @Override
    public TlsMode convert(String value) {
      switch (value.toLowerCase(Locale.ROOT)) {
        case "none":
          return TlsMode.NONE;
        case "starttls-if-offered":
          return TlsMode.STARTTLS_IF_OFFERED;
        case "starttls":
        case "starttls-required":
          return TlsMode.STARTTLS_REQUIRED;
        case "implicit":
          return TlsMode.IMPLICIT;
        default:
          throw new CommandLine.TypeConversionException(
              "use none, starttls-if-offered, starttls or implicit, not " + value);
      }
    }
  }

  /** The values of {@code --tls-mode}, for help and shell completion. */
  static final class TlsModes extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    TlsModes() {
      super(List.of("none", "starttls-if-offered", "starttls", "implicit"));
    }
  }

  static void note(PrintWriter err, String text) {
    err.println("mailpath: " + text);
    err.flush();
  }

  /**
   * Builds a trust manager that trusts exactly the certificates of these PEM files.
   *
   * @param files PEM files holding one or more certificates
   * @return the trust manager
   * @throws IllegalArgumentException when a file cannot be read or holds no certificate
   */
  static X509TrustManager trustManager(List<Path> files) {
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int n = 0;
      for (Path f : files) {
        int before = n;
        try (InputStream in = Files.newInputStream(f)) {
          for (Certificate c : cf.generateCertificates(in)) {
            ks.setCertificateEntry("cert-" + n++, c);
          }
        } catch (CertificateException e) {
          throw new IllegalArgumentException(
              "no PEM certificate in " + f + " (" + e.getMessage() + ")", e);
        } catch (IOException e) {
          throw new IllegalArgumentException("cannot read certificates from " + f + ": " + e, e);
        }
        if (n == before) {
          throw new IllegalArgumentException("no PEM certificate in " + f);
        }
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("no X509TrustManager from " + tmf.getAlgorithm());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a trust manager: " + e, e);
    }
  }

  /**
   * Reads targets for a bulk run: one per line, blank lines and {@code #} comments skipped.
   *
   * @param input a file or {@code -} for standard input
   * @return the targets
   */
  static List<String> readTargets(String input) throws IOException {
    List<String> lines =
        input.equals("-")
            ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()
            : Files.readAllLines(Path.of(input), StandardCharsets.UTF_8);
    List<String> targets = new ArrayList<>();
    for (String l : lines) {
      String t = l.strip();
      if (!t.isEmpty() && !t.startsWith("#")) {
        targets.add(t);
      }
    }
    return targets;
  }

  /** Prints reports in the chosen format; JSON Lines and text stream, json and html collect. */
  static final class Reporter {
    private final PrintWriter stdout;
    private final Path file;
    private final String format;
    private final boolean brief;
    private final List<Object> collected = new ArrayList<>();
    private PrintWriter out;
    private int worst;

    Reporter(PrintWriter stdout, Path file, String format, boolean brief) {
      this.stdout = stdout;
      this.file = file;
      this.format = format;
      this.brief = brief;
    }

    private PrintWriter out() {
      if (out == null) {
        if (file == null) {
          out = stdout;
        } else {
          try {
            out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), false);
          } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + file + ": " + e.getMessage(), e);
          }
        }
      }
      return out;
    }

    /** Prints (or keeps) one report; {@code label} names what was asked, for --brief. */
    void emit(String label, DiagnosticReport report) {
      worst = worse(worst, exitCode(report));
      switch (format) {
        case "jsonl" -> {
          out().println(DiagJson.toJson(report));
          out().flush();
        }
        case "json", "html" -> collected.add(report);
        default -> {
          out().println(brief ? brief(label, report) : RepeatedFindings.text(report));
          out().flush();
        }
      }
    }

    /** Writes what was collected and returns the exit code of the worst report. */
    int finish() {
      if (format.equals("json")) {
        if (collected.size() == 1) {
          out().println(DiagJson.toPrettyJson(collected.get(0)));
        } else {
          StringBuilder sb = new StringBuilder("[");
          for (int i = 0; i < collected.size(); i++) {
            sb.append(i == 0 ? "\n" : ",\n").append(DiagJson.toPrettyJson(collected.get(i)));
          }
          out().println(sb.append("\n]"));
        }
      } else if (format.equals("html")) {
        List<DiagnosticReport> reports = new ArrayList<>();
        for (Object o : collected) {
          reports.add((DiagnosticReport) o);
        }
        out()
            .println(
                reports.size() == 1
                    ? DiagHtml.render(reports.get(0))
                    : DiagHtml.renderAll("mailpath", reports));
      }
      PrintWriter o = out();
      o.flush();
      if (file != null) {
        o.close();
      }
      return worst;
    }

    static String brief(String label, DiagnosticReport report) {
      StringBuilder sb = new StringBuilder();
      sb.append(label).append(": ").append(report.outcome()).append(" (");
      List<Finding> findings = RepeatedFindings.merge(report.findings());
      int n = findings.size();
      if (n == 0) {
        sb.append("no findings)");
      } else {
        sb.append("worst ")
            .append(report.worstSeverity().orElseThrow())
            .append(", ")
            .append(n)
            .append(n == 1 ? " finding)" : " findings)");
      }
      List<Finding> worstFirst = new ArrayList<>(findings);
      worstFirst.sort(Comparator.comparing(Finding::severity).reversed());
      for (int i = 0; i < Math.min(3, worstFirst.size()); i++) {
        Finding f = worstFirst.get(i);
        sb.append("\n  ").append(f.severity()).append(' ').append(f.code()).append(": ");
        sb.append(f.summary());
      }
      return sb.toString();
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
      versionProvider = MailpathCli.Version.class,
      description = "Find the mail exchanges of domains (nslookup -type=mx, RFC 5321 rules).")
  static final class Mx implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Output output;
    @Mixin Net net;

    @Parameters(arity = "0..*", paramLabel = "DOMAIN", description = "The domains to look up.")
    List<String> domains = new ArrayList<>();

    @Option(
        names = "--input",
        paramLabel = "FILE|-",
        description =
            "Read domains from FILE (or standard input), one per line; a counter on standard"
                + " error when it is a terminal.")
    String input;

    @Option(names = "--ipv4", description = "Look up A records only.")
    boolean ipv4;

    @Override
    public Integer call() throws IOException {
      return run(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** The command's work, also run without picocli by {@link FastMx}. */
    Integer run(PrintWriter out, PrintWriter err) throws IOException {
      List<String> targets = targets(domains, input, "DOMAIN");
      Reporter reporter = output.reporter(out);
      net.announce(err);
      MxResolver resolver = net.resolver(output.environment(err));
      if (ipv4) {
        resolver = resolver.toBuilder().addressFamily(AddressFamily.IPV4).build();
      }
      Counter counter = new Counter(err, input != null, targets.size());
      for (String d : targets) {
        counter.next(d);
        reporter.emit(d, resolver.resolve(d));
      }
      counter.done();
      return reporter.finish();
    }
  }

  /**
   * The progress of a bulk run ({@code --input}) on one line of standard error, rewritten in place;
   * only when the tool runs in a terminal, so that redirected output and logs stay clean.
   */
  static final class Counter {
    private final PrintWriter err;
    private final boolean on;
    private final int total;
    private int n;
    private int width;

    Counter(PrintWriter err, boolean bulk, int total) {
      this.err = err;
      this.on = bulk && System.console() != null;
      this.total = total;
    }

    void next(String target) {
      if (!on) {
        return;
      }
      n++;
      String line = "mailpath: " + n + "/" + total + " " + target;
      err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
      err.flush();
      width = line.length();
    }

    void done() {
      if (on && width > 0) {
        err.print("\r" + " ".repeat(width) + "\r");
        err.flush();
      }
    }
  }

  /** Targets from the command line and {@code --input}; at least one. */
  static List<String> targets(List<String> given, String input, String label) throws IOException {
    List<String> all = new ArrayList<>(given);
    if (input != null) {
      all.addAll(readTargets(input));
    }
    if (all.isEmpty()) {
      throw new IllegalArgumentException("no " + label + " given (arguments or --input)");
    }
    return all;
  }

  /** {@code mailpath smtp}: telnet host 25. */
  @Command(
      name = "smtp",
      mixinStandardHelpOptions = true,
      versionProvider = MailpathCli.Version.class,
      description =
          "Talk SMTP to a server as telnet would (banner, EHLO, STARTTLS, AUTH, MAIL, RCPT).")
  static final class Smtp implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Output output;
    @Mixin Net net;
    @Mixin Tls tls;

    @Parameters(
        index = "0",
        paramLabel = "HOST[:PORT]",
        description = "IP address or host name (resolved with --dns); [v6]:port for IPv6.")
    String host;

    @Option(names = "--port", description = "Port when HOST has none (default 25).")
    Integer port;

    @Option(
        names = "--tls-mode",
        paramLabel = "MODE",
        converter = TlsModeConverter.class,
        completionCandidates = TlsModes.class,
        description = "When TLS starts: ${COMPLETION-CANDIDATES} (default none).")
    TlsMode tlsMode;

    @Option(names = "--ehlo", defaultValue = "probe.mailpath.invalid", description = "EHLO name.")
    String ehlo;

    @Option(names = "--from", description = "MAIL FROM address; '' for the null sender.")
    String from;

    @Option(names = "--to", description = "RCPT TO address (repeatable).")
    List<String> to = new ArrayList<>();

    @Option(names = "--starttls", description = "Same as --tls-mode starttls.")
    boolean startTls;

    @Option(
        names = "--starttls-if-offered",
        description = "Same as --tls-mode starttls-if-offered.")
    boolean startTlsIfOffered;

    @Option(names = "--implicit-tls", description = "Same as --tls-mode implicit (SMTPS, 465).")
    boolean implicitTls;

    @Option(
        names = "--reverse-dns",
        description = "For an IP address: check the banner name against its reverse DNS.")
    boolean reverseDns;

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
      HostAndPort target = hostAndPort(host, port, 25);
      TlsMode mode =
          tlsMode != null
              ? tlsMode
              : implicitTls
                  ? TlsMode.IMPLICIT
                  : startTls
                      ? TlsMode.STARTTLS_REQUIRED
                      : startTlsIfOffered ? TlsMode.STARTTLS_IF_OFFERED : TlsMode.NONE;
      PrintWriter err = spec.commandLine().getErr();
      Reporter reporter = output.reporter(spec);
      boolean noDns = target.isLiteral() && !reverseDns;
      if (noDns) {
        note(err, "DNS servers: none (an IP address; --reverse-dns to check its reverse DNS)");
      } else {
        net.announce(err);
      }
      SmtpClient client =
          SmtpClient.builder()
              .dns(noDns ? net.noDns() : net.dnsSettings())
              .timeouts(SmtpTimeouts.all(net.timeout()))
              .tls(tls::apply)
              .environment(output.environment(err))
              .build();
      SmtpConversation c = SmtpConversation.to(target).tlsMode(mode).ehlo(ehlo);
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
      reporter.emit(target.toString(), client.run(c));
      return reporter.finish();
    }
  }

  /**
   * Parses {@code HOST[:PORT]} with the library's parser; a port both in HOST and in {@code --port}
   * must agree.
   */
  static HostAndPort hostAndPort(String text, Integer portOption, int defaultPort) {
    HostAndPort hp = HostAndPort.parse(text, portOption != null ? portOption : defaultPort);
    if (portOption != null && hp.port() != portOption) {
      throw new IllegalArgumentException(
          text + " names port " + hp.port() + " but --port says " + portOption);
    }
    return hp;
  }

  /** {@code mailpath roots}: ask the root servers directly. */
  @Command(
      name = "roots",
      mixinStandardHelpOptions = true,
      versionProvider = MailpathCli.Version.class,
      description = "Ask all 13 root servers (no recursion) what they say about a name.")
  static final class Roots implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Output output;

    @Option(
        names = "--timeout",
        paramLabel = "DURATION",
        description = "Per-query timeout: 500ms, 5s, 2m (default ${DEFAULT-VALUE}).",
        defaultValue = "5s")
    String timeout;

    @Parameters(
        index = "0",
        defaultValue = ".",
        paramLabel = "NAME",
        description = "The name to ask about (default the root, .).")
    String name;

    @Parameters(
        index = "1",
        defaultValue = "NS",
        paramLabel = "TYPE",
        description = "The record type (default NS).")
    String type;

    @Option(
        names = "--hints",
        paramLabel = "FILE",
        description = "Root hints file (named.root format) for a private root or lab.")
    Path hints;

    @Option(names = "--ipv4", description = "IPv4 only.")
    boolean ipv4;

    @Option(names = "--port", description = "Port every root server of a lab listens on.")
    Integer port;

    @Option(
        names = "--prime",
        description = "Run the priming query (RFC 9609) and compare with the hints.")
    boolean prime;

    @Override
    public Integer call() throws IOException {
      PrintWriter err = spec.commandLine().getErr();
      Reporter reporter = output.reporter(spec);
      RootServerQuery.Builder b =
          RootServerQuery.builder()
              .dns(d -> d.timeout(parseDuration(timeout)))
              .environment(output.environment(err));
      if (hints != null || port != null) {
        RootHints h =
            hints != null ? RootHints.fromHintsFile(Files.readString(hints)) : RootHints.iana();
        b.hints(port != null ? h.withPort(port) : h);
      }
      if (ipv4) {
        b.addressFamily(AddressFamily.IPV4);
      }
      note(
          err,
          "DNS servers: the root servers of "
              + (hints != null ? hints : "the built-in root hints")
              + " (no resolver)");
      RootServerQuery q = b.build();
      if (prime) {
        reporter.emit("priming", q.prime());
      } else {
        reporter.emit(name + " " + type, q.ask(name, RecordType.of(type)));
      }
      return reporter.finish();
    }
  }

  /** {@code mailpath trace}: dig +trace. */
  @Command(
      name = "trace",
      mixinStandardHelpOptions = true,
      versionProvider = MailpathCli.Version.class,
      description =
          "Follow the delegation from the roots to the authoritative answer (dig +trace).")
  static final class Trace implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Output output;
    @Mixin Net net;

    @Parameters(index = "0", paramLabel = "NAME", description = "The name to follow.")
    String name;

    @Parameters(
        index = "1",
        defaultValue = "MX",
        paramLabel = "TYPE",
        description = "The record type (default MX).")
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
      PrintWriter err = spec.commandLine().getErr();
      Reporter reporter = output.reporter(spec);
      DiagEnvironment env = output.environment(err);
      DelegationTrace.Builder b =
          DelegationTrace.builder().dns(d -> d.timeout(net.timeout())).environment(env);
      if (hints != null) {
        b.hints(RootHints.fromHintsFile(Files.readString(hints)));
      }
      if (port != null) {
        b.port(port);
      }
      note(
          err,
          "DNS servers: the root servers of "
              + (hints != null ? hints : "the built-in root hints")
              + ", then the delegated name servers");
      if (compare) {
        net.announce(err);
        b.compareWith(net.resolver(env));
      }
      reporter.emit(name + " " + type, b.build().trace(name, RecordType.of(type)));
      return reporter.finish();
    }
  }

  // ---- sender authentication: spf, dkim, dmarc, auth ------------------------------------------

  /** Parses {@code --ip}: an address literal only, never a name to look up. */
  static InetAddress ipLiteral(String option, String text) {
    return HostAndPort.parse(
            text.contains(":") && !text.startsWith("[") ? "[" + text + "]" : text, 25)
        .address()
        .orElseThrow(
            () ->
                new IllegalArgumentException(option + " needs an IP address, not a name: " + text));
  }

  /** {@code mailpath spf}: check a sending IP, or analyse a domain's SPF record. */
  @Command(
      name = "spf",
      mixinStandardHelpOptions = true,
      versionProvider = MailpathCli.Version.class,
      description = {
        "SPF (RFC 7208). With --ip: may this IP send for MAIL FROM (or the HELO name)?",
        "Without: analyse the domain's record (DNS lookups used of 10, +all, ptr, broken includes)."
      })
  static final class Spf implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Output output;
    @Mixin Net net;

    @Parameters(
        index = "0",
        paramLabel = "MAILFROM|DOMAIN",
        description =
            "The MAIL FROM address or domain ('' for a bounce: the HELO name is checked).")
    String target;

    @Option(names = "--ip", paramLabel = "IP", description = "The sending server's address.")
    String ip;

    @Option(
        names = "--helo",
        paramLabel = "NAME",
        description = "The HELO/EHLO name (default: the MAIL FROM domain).")
    String helo;

    @Override
    public Integer call() {
      Reporter reporter = output.reporter(spec);
      SpfCheck check = SpfCheck.builder().dns(net.dnsSettings()).timeout(net.timeout()).build();
      if (ip == null) {
        String domain = DomainName.of(target).ascii();
        net.announce(spec.commandLine().getErr());
        reporter.emit(domain, check.record(domain));
        return reporter.finish();
      }
      InetAddress address = ipLiteral("--ip", ip);
      String mailFrom = target.equals("<>") ? "" : target;
      String heloName = helo;
      if (heloName == null) {
        if (mailFrom.isEmpty()) {
          throw new IllegalArgumentException("a bounce ('' as MAIL FROM) needs --helo");
        }
        heloName = mailFrom.substring(mailFrom.lastIndexOf('@') + 1);
      }
      net.announce(spec.commandLine().getErr());
      reporter.emit(ip + " " + target, check.check(address, mailFrom, heloName));
      return reporter.finish();
    }
  }

  /** {@code mailpath dkim}: verify a message's signatures, or check a selector's key record. */
  @Command(
      name = "dkim",
      mixinStandardHelpOptions = true,
      versionProvider = MailpathCli.Version.class,
      description = {
        "DKIM (RFC 6376, 8463). With FILE: verify the message's signatures (- for stdin).",
        "With --selector and a DOMAIN: check the key record selector._domainkey.DOMAIN."
      })
  static final class Dkim implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Output output;
    @Mixin Net net;

    @Parameters(
        index = "0",
        paramLabel = "FILE|DOMAIN",
        description = "The message (.eml, - for stdin), or the domain with --selector.")
    String target;

    @Option(names = "--selector", paramLabel = "S", description = "Check this selector's key.")
    String selector;

    @Override
    public Integer call() throws IOException {
      Reporter reporter = output.reporter(spec);
      DkimVerifier verifier =
          DkimVerifier.builder().dns(net.dnsSettings()).timeout(net.timeout()).build();
      if (selector != null) {
        String domain = DomainName.of(target).ascii();
        net.announce(spec.commandLine().getErr());
        reporter.emit(selector + "._domainkey." + domain, verifier.key(selector, domain));
        return reporter.finish();
      }
      byte[] message = readMessage(target);
      net.announce(spec.commandLine().getErr());
      reporter.emit(target, verifier.verify(message));
      return reporter.finish();
    }
  }

  /** {@code mailpath dmarc}: a domain's DMARC policy, found by the DNS tree walk. */
  @Command(
      name = "dmarc",
      mixinStandardHelpOptions = true,
      versionProvider = MailpathCli.Version.class,
      description =
          "DMARC (RFC 9989): the policy that applies to a domain, found by the DNS tree walk.")
  static final class Dmarc implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Output output;
    @Mixin Net net;

    @Parameters(arity = "1..*", paramLabel = "DOMAIN", description = "The From: domains.")
    List<String> domains;

    @Override
    public Integer call() {
      Reporter reporter = output.reporter(spec);
      List<String> checked = new ArrayList<>();
      for (String d : domains) {
        checked.add(DomainName.of(d).ascii()); // every argument checked before any query
      }
      DmarcCheck check = DmarcCheck.builder().dns(net.dnsSettings()).timeout(net.timeout()).build();
      net.announce(spec.commandLine().getErr());
      for (String d : checked) {
        reporter.emit(d, check.record(d));
      }
      return reporter.finish();
    }
  }

  /** {@code mailpath posture}: a domain's mail posture, scored per category. */
  @Command(
      name = "posture",
      mixinStandardHelpOptions = true,
      versionProvider = MailpathCli.Version.class,
      description = {
        "Mail posture of domains, as internet.nl's mail test: MX, SPF, DMARC, DKIM,",
        "MTA-STS, TLS-RPT, DNSSEC and DANE, STARTTLS and the certificate of every",
        "exchange, IPv6 and blocklists, scored per category. No mail is sent."
      })
  static final class Posture implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Output output;
    @Mixin Net net;

    @Parameters(arity = "0..*", paramLabel = "DOMAIN", description = "The domains to check.")
    List<String> domains = new ArrayList<>();

    @Option(
        names = "--input",
        paramLabel = "FILE|-",
        description = "Read domains from FILE (or standard input), one per line.")
    String input;

    @Option(
        names = "--dkim-selector",
        paramLabel = "S",
        description =
            "Check this DKIM selector's key (repeatable); without one, whether _domainkey.DOMAIN"
                + " exists.")
    List<String> dkimSelectors = new ArrayList<>();

    @Option(
        names = "--dnsbl",
        paramLabel = "ZONE",
        description =
            "Ask this IP blocklist about every exchange address (repeatable; none by default:"
                + " many lists restrict who may query them).")
    List<String> dnsbl = new ArrayList<>();

    @Option(
        names = "--dnsbl-domain",
        paramLabel = "ZONE",
        description = "Ask this domain blocklist about the domain (repeatable; none by default).")
    List<String> dnsblDomain = new ArrayList<>();

    @Option(
        names = "--smtp-port",
        paramLabel = "PORT",
        defaultValue = "25",
        description = "SMTP port of the exchanges (default ${DEFAULT-VALUE}).")
    int smtpPort;

    @Option(
        names = "--policy-port",
        paramLabel = "PORT",
        defaultValue = "443",
        description = "HTTPS port of the MTA-STS policy host (default ${DEFAULT-VALUE}).")
    int policyPort;

    @Option(
        names = "--trust-anchor",
        paramLabel = "RECORD",
        description =
            "DNSSEC trust anchor, a DS or DNSKEY record as text (repeatable; default the IANA"
                + " root key).")
    List<String> trustAnchors = new ArrayList<>();

    @Option(
        names = {"--ca-file", "--trust-cert"},
        paramLabel = "FILE",
        description =
            "Judge exchange and MTA-STS policy host certificates by the certificates in this PEM"
                + " file (repeatable) instead of the system's CAs.")
    List<Path> caFiles = new ArrayList<>();

    @Option(
        names = "--max-in-flight",
        paramLabel = "N",
        defaultValue = "4",
        description = "Domains checked at once when several are given (default ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(
        names = "--max-connections-per-host",
        paramLabel = "N",
        defaultValue = "2",
        description =
            "connections (SMTP, MTA-STS) at once to one address (default ${DEFAULT-VALUE}).")
    int maxConnectionsPerHost;

    @Option(
        names = "--max-connections-per-minute-per-host",
        paramLabel = "N",
        defaultValue = "0",
        description =
            "connections (SMTP, MTA-STS) a minute to one address; 0 for no limit (the default).")
    int maxConnectionsPerMinutePerHost;

    @Option(
        names = "--deadline",
        paramLabel = "DURATION",
        defaultValue = "120s",
        description = "Bound of one domain's check: 30s, 2m (default ${DEFAULT-VALUE}).")
    String deadline;

    @Override
    public Integer call() throws IOException {
      List<String> checked = new ArrayList<>();
      for (String d : targets(domains, input, "DOMAIN")) {
        checked.add(DomainName.of(d).ascii()); // every argument checked before any query
      }
      if (maxInFlight < 1) {
        throw new IllegalArgumentException("--max-in-flight must be at least 1: " + maxInFlight);
      }
      if (maxConnectionsPerHost < 1) {
        throw new IllegalArgumentException(
            "--max-connections-per-host must be at least 1: " + maxConnectionsPerHost);
      }
      if (maxConnectionsPerMinutePerHost < 0 || maxConnectionsPerMinutePerHost > 1_000_000) {
        throw new IllegalArgumentException(
            "--max-connections-per-minute-per-host must be 0 (no limit) to 1,000,000: "
                + maxConnectionsPerMinutePerHost);
      }
      port("--smtp-port", smtpPort);
      port("--policy-port", policyPort);
      Duration bound = parseDuration(deadline);
      if (bound.isZero() || bound.isNegative()) {
        throw new IllegalArgumentException("--deadline must be positive: " + deadline);
      }
      List<DnsblList> lists = new ArrayList<>();
      dnsbl.forEach(z -> lists.add(DnsblList.ip(z)));
      dnsblDomain.forEach(z -> lists.add(DnsblList.domain(z)));
      PrintWriter err = spec.commandLine().getErr();
      Reporter reporter = output.reporter(spec);
      MailPostureCheck.Builder b =
          MailPostureCheck.builder()
              .dns(net.dnsSettings())
              .environment(output.environment(err))
              .timeouts(SmtpTimeouts.all(net.timeout()))
              .smtpPort(smtpPort)
              .policyPort(policyPort)
              .dkimSelectors(dkimSelectors)
              .dnsblLists(lists)
              .deadline(bound)
              .maxConnectionsPerHost(maxConnectionsPerHost)
              .maxConnectionsPerMinutePerHost(maxConnectionsPerMinutePerHost);
      if (!trustAnchors.isEmpty()) {
        b.trustAnchors(trustAnchors);
      }
      if (!caFiles.isEmpty()) {
        X509TrustManager trust = trustManager(caFiles);
        b.tls(t -> t.trustManager(trust));
      }
      MailPostureCheck check = b.build();
      net.announce(err);
      Counter counter = new Counter(err, input != null, checked.size());
      try (Stream<MailPostureReport> reports = check.checkAll(checked, maxInFlight)) {
        java.util.Iterator<MailPostureReport> it = reports.iterator();
        for (String d : checked) {
          counter.next(d);
          reporter.emit(d, it.next());
        }
      }
      counter.done();
      return reporter.finish();
    }

    private static void port(String option, int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(option + " must be 1..65535: " + port);
      }
    }
  }

  /** {@code mailpath auth}: SPF, DKIM and DMARC of a received message. */
  @Command(
      name = "auth",
      mixinStandardHelpOptions = true,
      versionProvider = MailpathCli.Version.class,
      description = {
        "Why did it go to Junk? SPF, DKIM and DMARC of a received message (.eml, - for stdin),",
        "compared with the receiver's Authentication-Results. The connection (IP, HELO, MAIL FROM)",
        "comes from Received-SPF/Received/Return-Path unless --ip is given."
      })
  static final class Auth implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Output output;
    @Mixin Net net;

    @Parameters(index = "0", paramLabel = "FILE", description = "The message, or - for stdin.")
    String file;

    @Option(names = "--ip", paramLabel = "IP", description = "Connecting IP of the receiving hop.")
    String ip;

    @Option(names = "--helo", paramLabel = "NAME", description = "HELO name (with --ip).")
    String helo;

    @Option(
        names = "--mail-from",
        paramLabel = "ADDRESS",
        description = "MAIL FROM ('' for a bounce; with --ip).")
    String mailFrom;

    @Option(
        names = "--authserv-id",
        paramLabel = "ID",
        description = "Compare only this receiver's Authentication-Results (repeatable).")
    List<String> authservIds = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
      Reporter reporter = output.reporter(spec);
      MessageAuthentication.Builder b =
          MessageAuthentication.builder().dns(net.dnsSettings()).timeout(net.timeout());
      authservIds.forEach(b::trustedAuthservId);
      MessageAuthentication auth = b.build();
      InetAddress address = null;
      if (ip != null) {
        address = ipLiteral("--ip", ip);
        if (helo == null || mailFrom == null) {
          throw new IllegalArgumentException("--ip needs --helo and --mail-from as well");
        }
      } else if (helo != null || mailFrom != null) {
        throw new IllegalArgumentException("--helo and --mail-from need --ip");
      }
      byte[] message = readMessage(file);
      net.announce(spec.commandLine().getErr());
      reporter.emit(
          file,
          address == null ? auth.verify(message) : auth.verify(message, address, helo, mailFrom));
      return reporter.finish();
    }
  }

  static byte[] readMessage(String file) throws IOException {
    return file.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
  }

  /** {@code mailpath headers}: read a message's Received chain. */
  @Command(
      name = "headers",
      mixinStandardHelpOptions = true,
      versionProvider = MailpathCli.Version.class,
      description =
          "Analyse the Received: chain and Authentication-Results of a message (.eml, or - for stdin).")
  static final class Headers implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Output output;

    @Parameters(
        index = "0",
        paramLabel = "FILE",
        description = "The message (.eml), or - for standard input.")
    String file;

    @Override
    public Integer call() throws IOException {
      Reporter reporter = output.reporter(spec);
      byte[] message =
          file.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
      note(spec.commandLine().getErr(), "DNS servers: none (the message alone is read)");
      reporter.emit(file, ReceivedChain.parse(message));
      return reporter.finish();
    }
  }

  /** {@code mailpath find}: search mailboxes over IMAP. */
  @Command(
      name = "find",
      mixinStandardHelpOptions = true,
      versionProvider = MailpathCli.Version.class,
      description =
          "Find a message in every folder of a mailbox over IMAP (Junk, Deleted Items, ...).")
  static final class Find implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Output output;
    @Mixin Net net;
    @Mixin Tls tls;

    @Option(
        names = "--imap",
        required = true,
        paramLabel = "HOST[:PORT]",
        description = "IMAP server (port 993 with --imaps, else 143).")
    String imap;

    @Option(names = "--imaps", description = "Same as --tls-mode implicit (IMAPS).")
    boolean imaps;

    @Option(names = "--plain", description = "Same as --tls-mode none (test servers only).")
    boolean plain;

    @Option(
        names = "--tls-mode",
        paramLabel = "MODE",
        converter = TlsModeConverter.class,
        completionCandidates = TlsModes.class,
        description = "When TLS starts: ${COMPLETION-CANDIDATES} (default starttls).")
    TlsMode tlsMode;

    @Option(names = "--user", required = true, description = "IMAP user name.")
    String user;

    @Option(
        names = "--password-env",
        required = true,
        paramLabel = "VAR",
        description = "Environment variable holding the IMAP password.")
    String passwordEnv;

    @Option(names = "--message-id", description = "Match this Message-ID.")
    String messageId;

    @Option(names = "--from", description = "Match this sender address.")
    String from;

    @Option(names = "--to", description = "Match this recipient address.")
    String to;

    @Option(names = "--subject", description = "Match this text in the subject.")
    String subject;

    @Option(
        names = "--since",
        description = "Received at or after (ISO-8601, 2026-11-28T08:00:00Z).")
    Instant since;

    @Option(names = "--until", description = "Received before (ISO-8601).")
    Instant until;

    @Override
    public Integer call() {
      String password = password("--user", passwordEnv);
      TlsMode security =
          tlsMode != null
              ? tlsMode
              : plain ? TlsMode.NONE : imaps ? TlsMode.IMPLICIT : TlsMode.STARTTLS_REQUIRED;
      HostAndPort server = HostAndPort.parse(imap, security == TlsMode.IMPLICIT ? 993 : 143);
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
      PrintWriter err = spec.commandLine().getErr();
      Reporter reporter = output.reporter(spec);
      announceFor(server, net, err);
      var r =
          MailboxSearch.builder()
              .server(server)
              .tlsMode(security)
              .tls(tls::apply)
              .credentials(user, password)
              .timeout(net.timeout())
              .dns(server.isLiteral() ? net.noDns() : net.dnsSettings())
              .environment(output.environment(err))
              .build()
              .search(q.build());
      reporter.emit(user + "@" + server, r);
      return reporter.finish();
    }
  }

  static void announceFor(HostAndPort server, Net net, PrintWriter err) {
    if (server.isLiteral()) {
      note(err, "DNS servers: none (an IP address)");
    } else {
      net.announce(err);
    }
  }

  /** {@code mailpath path}: nslookup, then telnet to every exchange. */
  @Command(
      name = "path",
      mixinStandardHelpOptions = true,
      versionProvider = MailpathCli.Version.class,
      description =
          "Check where mail for an address would go: MX, then SMTP to each exchange up to RCPT TO (never DATA).")
  static final class PathCommand implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Output output;
    @Mixin Net net;
    @Mixin Tls tls;

    @Parameters(
        arity = "0..*",
        paramLabel = "ADDRESS|DOMAIN",
        description = "The recipient addresses or domains.")
    List<String> targets = new ArrayList<>();

    @Option(
        names = "--input",
        paramLabel = "FILE|-",
        description = "Read addresses or domains from FILE (or standard input), one per line.")
    String input;

    @Option(
        names = "--port",
        defaultValue = "25",
        description = "SMTP port of the exchanges (default ${DEFAULT-VALUE}).")
    int port;

    @Option(
        names = "--tls-mode",
        paramLabel = "MODE",
        converter = TlsModeConverter.class,
        completionCandidates = TlsModes.class,
        description = "When TLS starts: ${COMPLETION-CANDIDATES} (default starttls-if-offered).")
    TlsMode tlsMode;

    @Option(
        names = "--ehlo",
        description = "EHLO name (use your real host name: strict servers check it).")
    String ehlo;

    @Option(names = "--from", description = "MAIL FROM address (default: the null sender <>).")
    String from;

    @Option(names = "--no-starttls", description = "Same as --tls-mode none.")
    boolean noStartTls;

    @Option(names = "--ipv4", description = "IPv4 addresses only.")
    boolean ipv4;

    @Override
    public Integer call() throws IOException {
      List<String> all = targets(targets, input, "ADDRESS|DOMAIN");
      PrintWriter err = spec.commandLine().getErr();
      Reporter reporter = output.reporter(spec);
      net.announce(err);
      DiagEnvironment env = output.environment(err);
      DeliveryPathCheck.Builder b =
          DeliveryPathCheck.builder()
              .client(
                  DeliveryPathCheck.Builder.defaultClient().toBuilder()
                      .dns(net.dnsSettings())
                      .timeouts(SmtpTimeouts.all(net.timeout()))
                      .tls(tls::apply)
                      .environment(env)
                      .build())
              .smtpPort(port)
              .tlsMode(
                  tlsMode != null
                      ? tlsMode
                      : noStartTls ? TlsMode.NONE : TlsMode.STARTTLS_IF_OFFERED);
      if (ehlo != null) {
        b.client(c -> c.ehloName(ehlo));
      }
      if (from != null) {
        b.sender(from);
      }
      if (ipv4) {
        b.addressPreference(DeliveryPathCheck.AddressPreference.IPV4_ONLY);
      }
      DeliveryPathCheck check = b.build();
      Counter counter = new Counter(err, input != null, all.size());
      for (String t : all) {
        counter.next(t);
        reporter.emit(t, check.check(t));
      }
      counter.done();
      return reporter.finish();
    }
  }

  /** {@code mailpath relay}: is this server an open relay? */
  @Command(
      name = "relay",
      mixinStandardHelpOptions = true,
      versionProvider = MailpathCli.Version.class,
      description =
          "Test whether a server relays for strangers (EHLO, MAIL, RCPT, RSET: nothing is delivered).")
  static final class RelayCommand implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Output output;
    @Mixin Net net;
    @Mixin Tls tls;

    @Parameters(
        index = "0",
        paramLabel = "HOST[:PORT]",
        description = "The server: IP address or host name; [v6]:port for IPv6.")
    String host;

    @Option(names = "--port", description = "Port when HOST has none (default 25).")
    Integer port;

    @Option(
        names = "--tls-mode",
        paramLabel = "MODE",
        converter = TlsModeConverter.class,
        completionCandidates = TlsModes.class,
        description =
            "When TLS starts: ${COMPLETION-CANDIDATES} (default: the library's; implicit for"
                + " port 465).")
    TlsMode tlsMode;

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

    @Option(
        names = "--reverse-dns",
        description = "For an IP address: check the banner name against its reverse DNS.")
    boolean reverseDns;

    @Option(names = "--user", description = "AUTH user for the authenticated pass.")
    String user;

    @Option(
        names = "--password-env",
        paramLabel = "VAR",
        description = "Environment variable holding the AUTH password.")
    String passwordEnv;

    @Override
    public Integer call() {
      HostAndPort target = hostAndPort(host, port, 25);
      PrintWriter err = spec.commandLine().getErr();
      Reporter reporter = output.reporter(spec);
      boolean noDns = target.isLiteral() && !reverseDns;
      if (noDns) {
        note(err, "DNS servers: none (an IP address; --reverse-dns to check its reverse DNS)");
      } else {
        net.announce(err);
      }
      DiagEnvironment env = output.environment(err);
      RelayPolicyTester.Builder b =
          RelayPolicyTester.builder()
              .server(target)
              .localDomain(localDomain)
              .externalDomain(externalDomain)
              .client(
                  c ->
                      c.dns(noDns ? net.noDns() : net.dnsSettings())
                          .timeouts(SmtpTimeouts.all(net.timeout()))
                          .tls(tls::apply)
                          .environment(env));
      TlsMode mode = tlsMode != null ? tlsMode : target.port() == 465 ? TlsMode.IMPLICIT : null;
      if (mode != null) {
        b.tlsMode(mode);
      }
      if (localRecipient != null) {
        b.localRecipient(localRecipient);
      }
      if (user != null) {
        b.credentials(SmtpCredentials.of(user, password("--user", passwordEnv)));
      }
      reporter.emit(target.toString(), b.build().test());
      return reporter.finish();
    }
  }

  /** {@code mailpath investigate}: "I never received that message". */
  @Command(
      name = "investigate",
      mixinStandardHelpOptions = true,
      versionProvider = MailpathCli.Version.class,
      description =
          "Walk the missing-message investigation: message tracking, the mailbox, the route.")
  static final class Investigate implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Output output;
    @Mixin Net net;
    @Mixin Tls tls;

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

    @Option(names = "--imaps", description = "Implicit TLS for IMAP (else STARTTLS).")
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

    @Option(
        names = "--path-port",
        defaultValue = "25",
        description = "SMTP port of the exchanges for --check-path (default ${DEFAULT-VALUE}).")
    int pathPort;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      Reporter reporter = output.reporter(spec);
      DiagEnvironment env = output.environment(err);
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
        q.around(around, parseDuration(tolerance));
      }
      MissingMessageInvestigation.Builder b =
          MissingMessageInvestigation.builder().environment(env);
      if (postfixLog != null) {
        b.serverLog(PostfixLogSource.builder().path(postfixLog).build());
      }
      boolean dnsUsed = checkPath;
      if (imap != null) {
        if (user == null) {
          throw new IllegalArgumentException("--imap needs --user and --password-env");
        }
        String password = password("--imap", passwordEnv);
        HostAndPort server = HostAndPort.parse(imap, imaps ? 993 : 143);
        dnsUsed |= !server.isLiteral();
        b.mailbox(
            MailboxSearch.builder()
                .server(server)
                .tlsMode(imaps ? TlsMode.IMPLICIT : TlsMode.STARTTLS_REQUIRED)
                .tls(tls::apply)
                .credentials(user, password)
                .timeout(net.timeout())
                .dns(net.dnsSettings())
                .environment(env)
                .build());
      }
      if (checkPath) {
        b.deliveryPath(
            DeliveryPathCheck.builder()
                .smtpPort(pathPort)
                .client(
                    c ->
                        c.dns(net.dnsSettings())
                            .timeouts(SmtpTimeouts.all(net.timeout()))
                            .tls(tls::apply)
                            .environment(env))
                .build());
      }
      if (dnsUsed) {
        net.announce(err);
      } else {
        note(err, "DNS servers: none (no --check-path, no IMAP host name)");
      }
      reporter.emit(recipient, b.build().investigate(q.build()));
      return reporter.finish();
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
      if (t.endsWith("h")) {
        return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
      }
      return Duration.ofMillis((long) (Double.parseDouble(t) * 1000));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a duration (use 500ms, 5s, 2m, 1h): " + text, e);
    }
  }
}
