package dev.mailpath.diag.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.testkit.peer.NsdServer;
import dev.mailpath.diag.testkit.peer.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs the SPF/DKIM benchmark's harness on a handful of messages and checks, so that every client
 * (mailpath, pyspf, dkimpy, each at every concurrency) keeps working and every verification passes.
 * Skipped, or failed with {@code -Dpeers.required=true}, when NSD, opendkim-genkey or Debian's
 * Python modules are missing. No timing is asserted: the figures come from whole runs
 * (docs/benchmarks.md, section SPF and DKIM).
 */
class AuthBenchmarkSmokeTest {

  @Test
  void run_tinyWorkload_everyClientPassesEveryCheck() throws Exception {
    Peers.requirePeer("NSD", NsdServer.INSTALL_HINT, NsdServer.findExecutable().isPresent());
    Peers.requireExecutable(
        "OpenDKIM tools", "apt-get install opendkim-tools", "opendkim-genkey", "/usr/sbin");
    boolean python =
        Files.isExecutable(Path.of("/usr/bin/python3"))
            && new ProcessBuilder("/usr/bin/python3", "-c", "import spf, dkim, dns.resolver")
                    .start()
                    .waitFor()
                == 0;
    Peers.requirePeer("pyspf and dkimpy", "apt-get install python3-spf python3-dkim", python);

    Map<String, List<AuthBenchmark.Run>> runs =
        AuthBenchmark.run(new AuthBenchmark.Settings(5, 4096, 12, 1, "/usr/bin/python3"));

    assertThat(runs.keySet())
        .contains(
            "dkim mailpath 1 thread",
            "dkim dkimpy 2 proc",
            "spf mailpath 32 in flight",
            "spf pyspf 4 proc");
    runs.forEach(
        (name, list) ->
            list.forEach(
                r -> {
                  assertThat(r.ok()).as(name + ": every check passes").isEqualTo(r.total());
                  assertThat(r.nanos()).isPositive();
                }));
  }
}
