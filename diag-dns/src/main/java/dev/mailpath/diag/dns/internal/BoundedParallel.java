package dev.mailpath.diag.dns.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs blocking tasks with at most {@code parallelism} of them in flight, returning results in task
 * order. Workers pull tasks from a shared counter: {@code parallelism - 1} workers go to the
 * executor and the calling thread is a worker too, so the batch always finishes even when the
 * executor is saturated or never starts a worker (the nested-blocking deadlock that a plain "submit
 * all, then join" has on a bounded pool). Queries to thirteen root servers thus really run at once
 * on a pool with free threads, and the wall time is that of the slowest root.
 */
public final class BoundedParallel {
  private BoundedParallel() {}

  /**
   * Runs the tasks and returns their results in order.
   *
   * @param executor where the extra workers run
   * @param parallelism most tasks in flight at once, at least 1
   * @param tasks the tasks; a task that throws makes this method rethrow after all have ended
   * @param <T> the result type
   * @return the results, in task order
   * @throws CancellationException when the calling thread is interrupted (the flag is set again)
   */
  public static <T> List<T> run(
      Executor executor, int parallelism, List<? extends Supplier<T>> tasks) {
    int n = tasks.size();
    if (n == 0) {
      return List.of();
    }
    List<CompletableFuture<T>> results = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      results.add(new CompletableFuture<>());
    }
    AtomicInteger next = new AtomicInteger();
    Runnable worker =
        () -> {
          int i;
          while ((i = next.getAndIncrement()) < n) {
            CompletableFuture<T> f = results.get(i);
            try {
              f.complete(tasks.get(i).get());
            } catch (Throwable t) {
              f.completeExceptionally(t);
            }
          }
        };
    int extra = Math.min(parallelism, n) - 1;
    for (int w = 0; w < extra; w++) {
      try {
        executor.execute(worker);
      } catch (RejectedExecutionException e) {
        break; // the calling thread's worker picks up the rest
      }
    }
    worker.run();
    List<T> out = new ArrayList<>(n);
    RuntimeException failure = null;
    for (CompletableFuture<T> f : results) {
      try {
        out.add(f.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("interrupted while waiting for parallel DNS queries");
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Error err) {
          throw err;
        }
        if (failure == null) {
          failure = cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
        }
        out.add(null);
      }
    }
    if (failure != null) {
      throw failure;
    }
    return out;
  }
}
