package dev.mailpath.diag.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * swaks, the Perl tool an administrator types: one process per transaction (that is how it is
 * used), started from a pool of as many threads as sessions. A transaction counts when swaks exits
 * 0 (it exits non-zero on any unexpected reply). Perl start-up dominates, so the benchmark gives it
 * fewer transactions.
 */
final class SmtpSwaksClient implements SmtpClient {
  private final Optional<Path> exe = Tools.which("swaks");

  @Override
  public String name() {
    return "swaks";
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
    Path data = Files.createTempFile("mailpath-swaks-", ".eml");
    try {
      Files.writeString(
          data, SmtpMessage.crlfText().replace("\r\n", "\n"), StandardCharsets.US_ASCII);
      List<String> cmd =
          List.of(
              exe.orElseThrow().toString(),
              "--server",
              host,
              "--port",
              Integer.toString(port),
              "--helo",
              SmtpMessage.EHLO_NAME,
              "--from",
              SmtpMessage.FROM,
              "--to",
              SmtpMessage.TO,
              "--data",
              "@" + data,
              "--timeout",
              "10",
              "--silent",
              "2");
      AtomicInteger next = new AtomicInteger();
      AtomicInteger verified = new AtomicInteger();
      AtomicReference<String> firstError = new AtomicReference<>();
      Runnable worker =
          () -> {
            while (next.getAndIncrement() < transactions) {
              try {
                SmtpProcesses.Result r = SmtpProcesses.run(cmd, 60);
                if (r.exitCode() == 0) {
                  verified.incrementAndGet();
                } else {
                  firstError.compareAndSet(null, r.describe());
                }
              } catch (IOException e) {
                firstError.compareAndSet(null, e.toString());
              }
            }
          };
      int threads = Math.max(1, sessions);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      long nanos;
      try {
        List<Future<?>> all = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < threads; i++) {
          all.add(pool.submit(worker));
        }
        for (Future<?> f : all) {
          f.get();
        }
        nanos = System.nanoTime() - t0;
      } finally {
        pool.shutdownNow();
      }
      String note = firstError.get();
      return new Outcome(transactions, verified.get(), nanos, note == null ? "" : note);
    } finally {
      try {
        Files.deleteIfExists(data);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
