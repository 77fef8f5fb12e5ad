package dev.mailpath.diag.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How long each phase of a diagnosis took, in the order the phases ran ({@code dns.mx}, {@code
 * connect}, {@code banner}, {@code ehlo}, ...). Immutable.
 */
public final class Timings {
  private static final Timings EMPTY = new Timings(Map.of());

  private final Map<String, Duration> phases;

  private Timings(Map<String, Duration> phases) {
    this.phases = Collections.unmodifiableMap(new LinkedHashMap<>(phases));
  }

  /**
   * Returns timings with no phases.
   *
   * @return empty timings
   */
  public static Timings empty() {
    return EMPTY;
  }

  /**
   * Starts building timings.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the phases and their durations, in the order they ran.
   *
   * @return unmodifiable, ordered map
   */
  public Map<String, Duration> phases() {
    return phases;
  }

  /**
   * Returns the duration of one phase.
   *
   * @param phase the phase name
   * @return its duration, or empty when it did not run
   */
  public Optional<Duration> get(String phase) {
    return Optional.ofNullable(phases.get(phase));
  }

  /**
   * Returns the sum of all phases.
   *
   * @return the total
   */
  public Duration total() {
    return phases.values().stream().reduce(Duration.ZERO, Duration::plus);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Timings t && t.phases.equals(phases);
  }

  @Override
  public int hashCode() {
    return phases.hashCode();
  }

  /** Returns {@code phase=12ms, phase=3ms}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    phases.forEach(
        (k, v) -> {
          if (sb.length() > 0) {
            sb.append(", ");
          }
          sb.append(k).append('=').append(v.toMillis()).append("ms");
        });
    return sb.toString();
  }

  /** Collects phase durations; not thread-safe. */
  public static final class Builder {
    private final Map<String, Duration> phases = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Records a phase; a phase recorded twice adds up.
     *
     * @param phase the phase name
     * @param duration how long it took
     * @return this builder
     */
    public Builder add(String phase, Duration duration) {
      requireNonNull(phase, "phase");
      requireNonNull(duration, "duration");
      phases.merge(phase, duration, Duration::plus);
      return this;
    }

    /**
     * Builds the timings.
     *
     * @return immutable timings
     */
    public Timings build() {
      return phases.isEmpty() ? EMPTY : new Timings(phases);
    }
  }
}
