///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS dev.mailpath:diag-dns:0.1.0-SNAPSHOT
//DEPS dev.mailpath:diag-json:0.1.0-SNAPSHOT
//DEPS org.slf4j:slf4j-nop:2.0.20

// A mailpath script for JBang (https://www.jbang.dev): the MX lookup of a few domains, as text or
// JSON, with an exit code from the worst finding.
//
//   jbang examples/jbang/MxCheck.java example.org example.net --dns 192.0.2.53
//   jbang examples/jbang/MxCheck.java example.org --dns 127.0.0.1:5353 --json
//
// mailpath is not on Maven Central yet: install it into your local Maven repository first
// (./mvnw -q install -DskipTests), and JBang finds the 0.1.0-SNAPSHOT artifacts there.
// The build compiles and runs this script (JBangScriptTest), so it stays in step with the API.

import dev.mailpath.diag.dns.MxReport;
import dev.mailpath.diag.dns.MxResolver;
import dev.mailpath.diag.json.DiagJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Looks up the mail exchanges of the domains given. */
class MxCheck {
  public static void main(String... args) {
    List<String> domains = new ArrayList<>();
    String dns = null;
    boolean json = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dns" -> dns = args[++i];
        case "--json" -> json = true;
        default -> domains.add(args[i]);
      }
    }
    if (domains.isEmpty()) {
      System.err.println("usage: MxCheck DOMAIN... [--dns IP[:PORT]] [--json]");
      System.exit(64);
    }
    String server = dns;
    MxResolver resolver =
        MxResolver.builder()
            .dns(
                d -> {
                  d.timeout(Duration.ofSeconds(3));
                  if (server != null) {
                    d.server(server);
                  }
                })
            .build();
    int code = 0;
    for (String domain : domains) {
      MxReport report = resolver.resolve(domain);
      System.out.println(json ? DiagJson.toJson(report) : report);
      int c =
          report
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
      code = Math.max(code, c);
    }
    System.exit(code);
  }
}
