package dev.mailpath.diag.dns.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Starts asynchronous tasks with at most {@code maxInFlight} of them running, without a thread per
 * task: a task starts when one before it completes. Queries to thirteen root servers thus all go
 * out at once when the limit allows, and the wall time is that of the slowest root.
 */
public final class AsyncLimiter {
  private AsyncLimiter() {}

  /**
   * Runs the tasks and returns a future of their results in task order.
   *
   * @param maxInFlight most tasks running at once, at least 1
   * @param tasks the tasks; each returns a future
   * @param <T> the result type
   * @return a future of the results; it fails with the first failure once every started task has
   *     ended (a failure stops further starts)
   */
  public static <T> CompletableFuture<List<T>> run(
      int maxInFlight, List<? extends Supplier<CompletableFuture<T>>> tasks) {
    int n = tasks.size();
    if (n == 0) {
      return CompletableFuture.completedFuture(List.of());
    }
    List<CompletableFuture<T>> results = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      results.add(new CompletableFuture<>());
    }
    AtomicInteger next = new AtomicInteger();
    Runnable[] startNext = new Runnable[1];
    startNext[0] =
        () -> {
          int i = next.getAndIncrement();
          if (i >= n) {
            return;
          }
          CompletableFuture<T> f;
          try {
            f = tasks.get(i).get();
          } catch (RuntimeException | Error e) {
            f = CompletableFuture.failedFuture(e);
          }
          CompletableFuture<T> slot = results.get(i);
          f.whenComplete(
              (v, t) -> {
                if (t != null) {
                  slot.completeExceptionally(Futures.unwrap(t));
                  // Do not start more work after a failure: fail the slots never started.
                  int j;
                  while ((j = next.getAndIncrement()) < n) {
                    results.get(j).completeExceptionally(Futures.unwrap(t));
                  }
                } else {
                  slot.complete(v);
                  startNext[0].run();
                }
              });
        };
    for (int w = 0; w < Math.min(maxInFlight, n); w++) {
      startNext[0].run();
    }
    return CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            v -> {
              List<T> out = new ArrayList<>(n);
              for (CompletableFuture<T> f : results) {
                out.add(f.join());
              }
              return out;
            });
  }
}
