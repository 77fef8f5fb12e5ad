package dev.mailpath.diag.posture.internal;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Turns a lazy input into a lazy stream of results, with at most {@code maxInFlight} calls started
 * and not yet taken: memory holds that many results at most, whatever the input's size. Results
 * come in input order. Closing the stream cancels the calls still running.
 */
public final class DnsblPipeline {
  private DnsblPipeline() {}

  /**
   * Streams the results.
   *
   * @param <T> the input type
   * @param <R> the result type
   * @param input the inputs, read only as results are taken
   * @param start starts one call; it may throw for bad input, which the stream then throws
   * @param maxInFlight calls running at once, at least 1
   * @return the results, in input order; sequential
   */
  public static <T, R> Stream<R> stream(
      Iterator<T> input, Function<T, CompletableFuture<R>> start, int maxInFlight) {
    requireNonNull(input, "input");
    requireNonNull(start, "start");
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1: " + maxInFlight);
    }
    ArrayDeque<CompletableFuture<R>> window = new ArrayDeque<>(maxInFlight);
    Spliterator<R> s =
        new Spliterators.AbstractSpliterator<R>(
            Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL) {
          @Override
          public boolean tryAdvance(Consumer<? super R> action) {
            while (window.size() < maxInFlight && input.hasNext()) {
              window.add(start.apply(input.next()));
            }
            CompletableFuture<R> head = window.poll();
            if (head == null) {
              return false;
            }
            action.accept(DnsblEngine.await(head));
            return true;
          }
        };
    return StreamSupport.stream(s, false)
        .onClose(
            () -> {
              CompletableFuture<R> f;
              while ((f = window.poll()) != null) {
                f.cancel(true);
              }
            });
  }
}
