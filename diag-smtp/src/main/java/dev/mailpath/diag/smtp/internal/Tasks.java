package dev.mailpath.diag.smtp.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Runs blocking work on an executor behind a future that can really be cancelled: {@code
 * CompletableFuture.supplyAsync} only marks its future cancelled and lets the work run on, with the
 * socket open. Here {@code cancel(true)} runs the abort action (which closes the socket, so a
 * blocked read returns at once) and interrupts the worker thread.
 */
public final class Tasks {
  private Tasks() {}

  /**
   * Starts work on an executor.
   *
   * @param <T> the result type
   * @param executor where the work runs (and so where the future completes)
   * @param work the blocking work
   * @param abort stops the work from any thread, for example by closing its socket
   * @return the future result
   */
  public static <T> CompletableFuture<T> start(
      Executor executor, Supplier<T> work, Runnable abort) {
    CompletableFuture<T> f = new CompletableFuture<>();
    Thread[] worker = new Thread[1];
    f.whenComplete(
        (r, t) -> {
          if (f.isCancelled()) {
            abort.run();
            synchronized (worker) {
              if (worker[0] != null) {
                worker[0].interrupt();
              }
            }
          }
        });
    Runnable task =
        () -> {
          synchronized (worker) {
            if (f.isDone()) {
              return;
            }
            worker[0] = Thread.currentThread();
          }
          try {
            f.complete(work.get());
          } catch (Throwable t) {
            f.completeExceptionally(t);
          } finally {
            synchronized (worker) {
              worker[0] = null;
            }
            // Leave no interrupt behind on a pooled thread we were cancelled on.
            if (f.isCancelled()) {
              Thread.interrupted();
            }
          }
        };
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(e);
    }
    return f;
  }
}
