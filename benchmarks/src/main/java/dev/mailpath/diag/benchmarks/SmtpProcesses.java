package dev.mailpath.diag.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the external SMTP clients: standard input from /dev/null, output collected. */
final class SmtpProcesses {
  private SmtpProcesses() {}

  /** Exit status and merged output of one run. */
  record Result(List<String> command, int exitCode, String output) {
    String describe() {
      String out = output.strip();
      return command.get(0).replaceAll(".*/", "")
          + " exit "
          + exitCode
          + (out.isEmpty()
              ? ""
              : ": " + (out.length() > 300 ? out.substring(0, 300) + "..." : out));
    }
  }

  static Result run(List<String> command, long timeoutSeconds) throws IOException {
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    try {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(command, -1, "killed after " + timeoutSeconds + " s");
      }
      return new Result(command, p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + command.get(0), e);
    }
  }
}
