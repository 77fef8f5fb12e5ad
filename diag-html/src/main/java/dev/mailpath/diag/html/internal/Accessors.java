package dev.mailpath.diag.html.internal;

import dev.mailpath.diag.core.DiagnosticReport;
import dev.mailpath.diag.core.Transcript;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The generic view's reading of what most reports have but {@link DiagnosticReport} does not
 * declare: when it started, how long it took, its subject and its transcript. Looked up by name
 * among the public accessors, so that a report type this module does not know, or one whose
 * accessor was renamed, still gets the generic view (a missing accessor just leaves the line out).
 */
final class Accessors {
  private Accessors() {}

  static Optional<Instant> startedAt(DiagnosticReport r) {
    // "at()" is the older spelling some reports still have (docs/api-guidelines.md §2).
    return call(r, Instant.class, "startedAt").or(() -> call(r, Instant.class, "at"));
  }

  static Optional<Duration> elapsed(DiagnosticReport r) {
    return call(r, Duration.class, "elapsed");
  }

  static Optional<Transcript> transcript(DiagnosticReport r) {
    return call(r, Transcript.class, "transcript").filter(t -> !t.isEmpty());
  }

  static Optional<String> subject(DiagnosticReport r) {
    for (String name : new String[] {"domain", "host", "name", "query"}) {
      Optional<Object> v = call(r, Object.class, name);
      if (v.isPresent()) {
        Object o = v.get();
        if (o instanceof Optional<?> opt) {
          o = opt.orElse(null);
        }
        if (o != null && !(o instanceof Boolean) && !o.toString().isBlank()) {
          return Optional.of(o.toString());
        }
      }
    }
    return Optional.empty();
  }

  private static <T> Optional<T> call(Object target, Class<T> type, String name) {
    try {
      Method m = target.getClass().getMethod(name);
      if (!Modifier.isPublic(m.getDeclaringClass().getModifiers())
          || !type.isAssignableFrom(m.getReturnType())) {
        return Optional.empty();
      }
      return Optional.ofNullable(type.cast(m.invoke(target)));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return Optional.empty();
    } catch (InvocationTargetException e) {
      // An accessor that throws is a bug in the report: it propagates as it is.
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
