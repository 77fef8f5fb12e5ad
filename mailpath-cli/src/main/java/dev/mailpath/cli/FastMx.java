package dev.mailpath.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The common {@code mailpath mx} command lines without picocli: {@code mx DOMAIN... [--dns
 * IP[:PORT]]... [--timeout D] [--format F | --json] [--brief] [--ipv4] [--progress] [-o FILE]}.
 *
 * <p>Why: picocli's 173 classes are Java 5 class files, which JDK 17's class-data-sharing archive
 * does not hold, so each run loaded, verified and reflected over them: about 120 ms of a cold start
 * whose target is 300 ms. This parser fills the same option objects ({@link MailpathCli.Output},
 * {@link MailpathCli.Net}) and runs the same code ({@link MailpathCli.Mx#run}); anything it does
 * not recognise exactly (help, {@code --input}, {@code @files}, a repeated or unknown option, a
 * missing value) goes to picocli unchanged, so picocli stays the one definition of the command line
 * and its error messages. {@code MailpathCliTest} checks that both paths print the same.
 */
final class FastMx {
  private FastMx() {}

  /**
   * Runs {@code args} when it is a plain {@code mx} command line.
   *
   * @param args the whole command line
   * @param out standard output
   * @param err standard error
   * @return the exit code, or null when picocli must handle the command line
   */
  static Integer run(String[] args, PrintStream out, PrintStream err) {
    MailpathCli.Mx mx = parse(args);
    if (mx == null) {
      return null;
    }
    PrintWriter o = new PrintWriter(out, true, StandardCharsets.UTF_8);
    PrintWriter e = new PrintWriter(err, true, StandardCharsets.UTF_8);
    try {
      return mx.run(o, e);
    } catch (IOException | UncheckedIOException x) {
      // As MailpathCli's execution exception handler does.
      e.println("mailpath: cannot read " + x.getMessage());
      return 66;
    } catch (IllegalArgumentException | IllegalStateException x) {
      e.println("mailpath: " + x.getMessage());
      return MailpathCli.USAGE;
    } catch (RuntimeException x) {
      x.printStackTrace(e);
      return 70;
    } finally {
      o.flush();
      e.flush();
    }
  }

  /** The command's options, or null when the command line is not one this class handles. */
  static MailpathCli.Mx parse(String[] args) {
    if (args.length < 2 || !args[0].equals("mx")) {
      return null;
    }
    MailpathCli.Mx mx = new MailpathCli.Mx();
    mx.output = new MailpathCli.Output();
    mx.net = new MailpathCli.Net();
    String format = null;
    String timeout = null;
    String file = null;
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (a.isEmpty() || a.charAt(0) == '@') {
        return null; // picocli's argument files
      }
      if (a.charAt(0) != '-') {
        mx.domains.add(a);
        continue;
      }
      String name = a;
      String value = null;
      int eq = a.indexOf('=');
      if (eq > 0) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
      }
      boolean flag =
          name.equals("--json")
              || name.equals("--brief")
              || name.equals("--ipv4")
              || name.equals("--progress");
      if (flag) {
        if (value != null || !set(mx, name)) {
          return null;
        }
        continue;
      }
      if (value == null) {
        if (i + 1 >= args.length || args[i + 1].startsWith("-") || args[i + 1].startsWith("@")) {
          return null;
        }
        value = args[++i];
      }
      switch (name) {
        case "--dns" -> mx.net.dns.add(value);
        case "--timeout" -> {
          if (timeout != null) {
            return null;
          }
          timeout = value;
        }
        case "--format" -> {
          if (format != null) {
            return null;
          }
          format = value;
        }
        case "-o", "--output" -> {
          if (file != null) {
            return null;
          }
          file = value;
        }
        default -> {
          return null; // --input, --help, --version, anything else: picocli
        }
      }
    }
    mx.output.format = format;
    mx.output.output = file == null ? null : Path.of(file);
    mx.net.timeout = timeout == null ? "5s" : timeout; // the option's default value
    return mx;
  }

  /** Sets a flag; false when it was set already (picocli rejects a repeated option). */
  private static boolean set(MailpathCli.Mx mx, String name) {
    MailpathCli.Output o = mx.output;
    switch (name) {
      case "--json" -> {
        if (o.json) {
          return false;
        }
        o.json = true;
      }
      case "--brief" -> {
        if (o.brief) {
          return false;
        }
        o.brief = true;
      }
      case "--progress" -> {
        if (o.progress) {
          return false;
        }
        o.progress = true;
      }
      default -> {
        if (mx.ipv4) {
          return false;
        }
        mx.ipv4 = true;
      }
    }
    return true;
  }
}
