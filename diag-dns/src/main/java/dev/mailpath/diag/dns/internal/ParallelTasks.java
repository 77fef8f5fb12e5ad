package dev.mailpath.diag.dns.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Runs a few blocking tasks in parallel on an executor without the nested-blocking deadlock: a task
 * that no pool thread has started by the time its result is needed runs on the waiting thread
 * instead. So a bounded pool that is busy with callers waiting on their own sub-tasks still makes
 * progress.
 */
public final class ParallelTasks {
  private ParallelTasks() {}

  /**
   * Runs the tasks and returns their results in order.
   *
   * @param executor where to fork all but the first task
   * @param tasks the tasks
   * @param <T> the result type
   * @return the results
   * @throws CancellationException when the calling thread is interrupted (the flag is set again)
   */
  public static <T> List<T> run(Executor executor, List<Supplier<T>> tasks) {
    List<Claimable<T>> claimables = new ArrayList<>();
    for (Supplier<T> t : tasks) {
      claimables.add(new Claimable<>(t));
    }
    for (int i = 1; i < claimables.size(); i++) {
      Claimable<T> c = claimables.get(i);
      executor.execute(c::runIfUnclaimed);
    }
    List<T> results = new ArrayList<>(tasks.size());
    for (Claimable<T> c : claimables) {
      c.runIfUnclaimed();
      try {
        results.add(c.result.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("interrupted");
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException re) {
          throw re;
        }
        if (cause instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException(cause);
      }
    }
    return results;
  }

  private static final class Claimable<T> {
    final Supplier<T> task;
    final AtomicBoolean claimed = new AtomicBoolean();
    final CompletableFuture<T> result = new CompletableFuture<>();

    Claimable(Supplier<T> task) {
      this.task = task;
    }

    void runIfUnclaimed() {
      if (claimed.compareAndSet(false, true)) {
        try {
          result.complete(task.get());
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
      }
    }
  }
}
