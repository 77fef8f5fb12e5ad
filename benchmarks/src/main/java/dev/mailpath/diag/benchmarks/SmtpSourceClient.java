package dev.mailpath.diag.benchmarks;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Postfix's {@code smtp-source}, the C reference, timed as a whole process: {@code smtp-source -m N
 * -s S -l 1024} sends N messages with S sessions in parallel, each on a new connection. Differences
 * from the other clients, all in its favour: it says HELO (it cannot say EHLO), so it reads a
 * one-line reply to HELO instead of smtp-sink's nine-line EHLO reply, and it checks only reply
 * codes. It stops at the first unexpected reply (no {@code -A}), so exit status 0 means every
 * transaction got its 250; {@link SmtpBenchmark} cross-checks the count with smtp-sink's.
 */
final class SmtpSourceClient implements SmtpClient {
  private final Optional<Path> exe = Tools.which("smtp-source");

  @Override
  public String name() {
    return "smtp-source";
  }

  @Override
  public boolean available() {
    return exe.isPresent();
  }

  @Override
  public boolean inProcess() {
    return false;
  }

  @Override
  public Outcome run(String host, int port, int transactions, int sessions) throws Exception {
    List<String> cmd =
        List.of(
            exe.orElseThrow().toString(),
            "-m",
            Integer.toString(transactions),
            "-s",
            Integer.toString(Math.max(1, sessions)),
            "-l",
            Integer.toString(SmtpMessage.BODY_WIRE_BYTES),
            "-M",
            SmtpMessage.EHLO_NAME,
            "-f",
            SmtpMessage.FROM,
            "-t",
            SmtpMessage.TO,
            host + ":" + port);
    long t0 = System.nanoTime();
    SmtpProcesses.Result r = SmtpProcesses.run(cmd, 600);
    long nanos = System.nanoTime() - t0;
    boolean ok = r.exitCode() == 0;
    // Verified by exit status here; the benchmark replaces this with smtp-sink's own count.
    return new Outcome(transactions, ok ? transactions : 0, nanos, ok ? "" : r.describe());
  }
}
