package dev.mailpath.diag.dns.internal;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Joins futures the way the public blocking calls promise: interruption becomes cancellation. */
public final class Futures {
  private Futures() {}

  /**
   * Waits for a future and returns its value.
   *
   * @param future the future
   * @param <T> the value type
   * @return the value
   * @throws CancellationException when the calling thread is interrupted (the flag is set again) or
   *     the future was cancelled
   * @throws RuntimeException the future's own failure, unwrapped (our bugs propagate as they are)
   */
  public static <T> T await(CompletableFuture<T> future) {
    if (NioDnsTransport.onIoThread() && !future.isDone()) {
      // The future can only complete on this very thread: waiting would never end.
      throw new IllegalStateException(
          "blocking DNS call on a mailpath DNS I/O thread; use the *Async method and compose");
    }
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for DNS");
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

  /**
   * Strips the {@link CompletionException} wrapper a future chain adds around a failure.
   *
   * @param t the failure
   * @return its cause when {@code t} is a wrapper, else {@code t}
   */
  public static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}
