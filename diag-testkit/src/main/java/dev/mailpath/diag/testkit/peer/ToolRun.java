package dev.mailpath.diag.testkit.peer;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

/**
 * Exit code and merged output of a short-lived command-line tool ({@code dig}, {@code
 * nsd-checkzone}, {@code nsd -v}), killed when it overruns its timeout.
 *
 * @param exitCode the tool's exit status; -1 when it could not run or timed out
 * @param output standard output and error, interleaved as written
 * @param timedOut whether the tool was killed for overrunning the timeout
 */
record ToolRun(int exitCode, String output, boolean timedOut) {

  /**
   * Runs a command with standard input from /dev/null; output goes to a temporary file rather than
   * a pipe, so a chatty tool can never block on a full pipe while we wait for it.
   */
  static ToolRun run(List<String> command, Duration timeout) {
    Path out = null;
    try {
      out = Files.createTempFile("mailpath-tool-", ".out");
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return new ToolRun(
            -1,
            Files.readString(out, UTF_8) + command.get(0) + " killed after " + timeout + "\n",
            true);
      }
      return new ToolRun(p.exitValue(), Files.readString(out, UTF_8), false);
    } catch (IOException e) {
      return new ToolRun(-1, command.get(0) + " could not run: " + e + "\n", false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while running " + command.get(0));
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // a leftover temp file is harmless
        }
      }
    }
  }
}
