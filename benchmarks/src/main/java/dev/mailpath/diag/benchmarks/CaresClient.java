package dev.mailpath.diag.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Node's c-ares, through {@code dns.promises.Resolver} with {@code setServers}: a small script
 * written to a temporary file and run with the machine's {@code node}. It does the same work and
 * the same verification as the Java clients and times itself, so node's start-up is not counted.
 */
final class CaresClient implements BulkClient {

  /**
   * The check of one domain's answers against the bench zone's key, in JavaScript: the same rule as
   * {@link BenchZone#verify}, shared by the warm and the cold-start c-ares scripts.
   */
  static final String VERIFY_JS =
      """
      function address(i, mx) {
        return (9 + mx) + '.' + ((i >> 16) & 255) + '.' + ((i >> 8) & 255) + '.' + (i & 255);
      }
      function verify(domain, seen) {
        const i = parseInt(domain.slice(1, domain.length - '.bench.test'.length), 10);
        if (seen.length !== 2) return false;
        const found = new Set();
        for (const [pref, host, addrs] of seen) {
          for (const mx of [1, 2]) {
            if (host.toLowerCase() === 'mx' + mx + '.d' + i + '.bench.test' && pref === 10 * mx
                && addrs.length === 1 && addrs[0] === address(i, mx)) found.add(mx);
          }
        }
        return found.size === 2;
      }
      """;

  /** The script; argv: server ("127.0.0.1:port"), domains file, domains in flight. */
  static final String SCRIPT =
      """
      'use strict';
      const { Resolver } = require('dns').promises;
      const fs = require('fs');
      const [server, file, inflightArg] = process.argv.slice(2);
      const domains = fs.readFileSync(file, 'utf8').split('\\n').filter(Boolean);
      const resolver = new Resolver({ timeout: 2000, tries: 3 });
      resolver.setServers([server]);
      """
          + VERIFY_JS
          + """
      let next = 0, verified = 0, failed = 0, queries = 0;
      async function worker() {
        while (next < domains.length) {
          const domain = domains[next++];
          try {
            queries++;
            const mx = await resolver.resolveMx(domain);
            const seen = await Promise.all(mx.map(async (m) => {
              queries++;
              return [m.priority, m.exchange, await resolver.resolve4(m.exchange)];
            }));
            if (verify(domain, seen)) verified++; else failed++;
          } catch (e) {
            failed++;
          }
        }
      }
      (async () => {
        const t0 = process.hrtime.bigint();
        await Promise.all(Array.from({ length: parseInt(inflightArg, 10) }, worker));
        const nanos = process.hrtime.bigint() - t0;
        console.log(JSON.stringify({ verified, failed, queries, nanos: nanos.toString() }));
      })();
      """;

  private static final Pattern RESULT =
      Pattern.compile(
          "\\{\"verified\":(\\d+),\"failed\":(\\d+),\"queries\":(\\d+),\"nanos\":\"(\\d+)\"}");

  @Override
  public String name() {
    return "c-ares (node)";
  }

  @Override
  public boolean inProcess() {
    return false;
  }

  @Override
  public boolean available() {
    return node().isPresent();
  }

  static Optional<Path> node() {
    return Tools.which("node");
  }

  /**
   * Returns the node version, for the results header.
   *
   * @return for example {@code v20.20.2}, or {@code "absent"}
   */
  static String version() {
    try {
      return node().isPresent()
          ? Tools.run(List.of(node().get().toString(), "--version"), 10).strip()
          : "absent";
    } catch (IOException e) {
      return "unknown";
    }
  }

  @Override
  public Outcome run(InetSocketAddress server, List<String> domains, int inFlight)
      throws Exception {
    Path dir = Files.createTempDirectory("mailpath-cares-");
    try {
      Path script = dir.resolve("bulk-mx.js");
      Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
      Path list = dir.resolve("domains.txt");
      Files.write(list, domains, StandardCharsets.UTF_8);
      String out =
          Tools.run(
              List.of(
                  node().orElseThrow().toString(),
                  script.toString(),
                  server.getAddress().getHostAddress() + ":" + server.getPort(),
                  list.toString(),
                  Integer.toString(inFlight)),
              TimeUnit.MINUTES.toSeconds(10));
      Matcher m = RESULT.matcher(out);
      if (!m.find()) {
        throw new IOException("unexpected output from node: " + out);
      }
      int failed = Integer.parseInt(m.group(2));
      return new Outcome(
          Integer.parseInt(m.group(1)),
          Long.parseLong(m.group(3)),
          Long.parseLong(m.group(4)),
          failed == 0 ? "" : failed + " failed");
    } finally {
      Tools.deleteRecursively(dir);
    }
  }
}
