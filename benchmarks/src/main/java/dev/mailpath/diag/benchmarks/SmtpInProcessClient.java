package dev.mailpath.diag.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Java client of the SMTP benchmark: one transaction per call of {@link #transaction}, played on
 * the calling thread for one session, or on a fixed pool of as many threads as sessions, each
 * taking the next transaction as soon as its last one is done (a closed loop, as smtp-source {@code
 * -s} does with processes).
 */
abstract class SmtpInProcessClient implements SmtpClient {

  /**
   * Runs one full transaction on a new connection.
   *
   * @return {@code true} when the server answered 250 to the final dot (and the client got to the
   *     end without an error)
   * @throws Exception when the client library throws
   */
  abstract boolean transaction(String host, int port) throws Exception;

  @Override
  public boolean available() {
    return true;
  }

  @Override
  public boolean inProcess() {
    return true;
  }

  @Override
  public Outcome run(String host, int port, int transactions, int sessions) throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger verified = new AtomicInteger();
    AtomicReference<String> firstError = new AtomicReference<>();
    Runnable worker =
        () -> {
          while (next.getAndIncrement() < transactions) {
            try {
              if (transaction(host, port)) {
                verified.incrementAndGet();
              } else {
                firstError.compareAndSet(null, "a transaction did not end with 250");
              }
            } catch (Exception e) {
              firstError.compareAndSet(null, e.toString());
            }
          }
        };
    long t0;
    long nanos;
    if (sessions <= 1) {
      t0 = System.nanoTime();
      worker.run();
      nanos = System.nanoTime() - t0;
    } else {
      ExecutorService pool = Executors.newFixedThreadPool(sessions);
      try {
        // Threads started before the clock: the pool is set-up, not part of a transaction.
        List<Future<?>> warm = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
          warm.add(pool.submit(() -> {}));
        }
        for (Future<?> f : warm) {
          f.get();
        }
        List<Future<?>> all = new ArrayList<>();
        t0 = System.nanoTime();
        for (int i = 0; i < sessions; i++) {
          all.add(pool.submit(worker));
        }
        for (Future<?> f : all) {
          f.get();
        }
        nanos = System.nanoTime() - t0;
      } finally {
        pool.shutdownNow();
      }
    }
    String note = firstError.get();
    return new Outcome(transactions, verified.get(), nanos, note == null ? "" : note);
  }
}
