package dev.mailpath.diag.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.mailpath.diag.core.IpAddressText;
import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.core.TranscriptLine;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Serialises any mailpath report (and any value inside one) to JSON, in a shape derived from the
 * public API by fixed rules, so that it is documented once and stays stable as long as the API
 * does.
 *
 * <pre>{@code
 * String json = DiagJson.toJson(resolver.resolve("example.org"));
 * // {"@type":"MxReport","addresses":["192.0.2.1"],"asciiDomain":"example.org",...}
 * }</pre>
 *
 * <p>Rules (see {@code docs/json.md}):
 *
 * <ul>
 *   <li>A record becomes an object of its components, in declaration order.
 *   <li>Any other object (reports are final classes) becomes an object of its public no-argument
 *       accessors declared on its class, keys sorted alphabetically; {@code toString}, {@code
 *       hashCode}, {@code builder}, {@code toBuilder} and methods starting with {@code render},
 *       {@code to} or {@code as} are left out. The top-level object also carries {@code "@type"},
 *       the class's simple name.
 *   <li>{@code Optional} becomes its value or {@code null}; collections and arrays become arrays;
 *       maps become objects.
 *   <li>Enums become their name; {@link Duration} a number of milliseconds (fractional where
 *       needed); {@link Instant} and other temporals their ISO-8601 text; {@link InetAddress} its
 *       text form (IPv6 per RFC 5952); {@link InetSocketAddress} {@code "ip:port"} ({@code
 *       "[::1]:53"} for IPv6).
 *   <li>A {@link Transcript} becomes {@code {"lines":[{"index","direction","offsetMs","text"}],
 *       "omittedLines":n}}.
 * </ul>
 *
 * <p>Thread-safe; no state.
 */
public final class DiagJson {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final int MAX_DEPTH = 32;
  private static final Set<String> SKIPPED =
      Set.of("toString", "hashCode", "builder", "toBuilder", "getClass");

  private DiagJson() {}

  /**
   * Serialises a value to compact JSON.
   *
   * @param value a report or any value inside one
   * @return the JSON text
   */
  public static String toJson(Object value) {
    StringWriter w = new StringWriter();
    write(value, w, false);
    return w.toString();
  }

  /**
   * Serialises a value to indented JSON, for people.
   *
   * @param value a report or any value inside one
   * @return the JSON text
   */
  public static String toPrettyJson(Object value) {
    StringWriter w = new StringWriter();
    write(value, w, true);
    return w.toString();
  }

  /**
   * Writes a value as JSON.
   *
   * @param value a report or any value inside one
   * @param out where to write; not closed
   * @param pretty whether to indent
   * @throws UncheckedIOException when writing fails
   */
  public static void write(Object value, Writer out, boolean pretty) {
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      if (pretty) {
        g.useDefaultPrettyPrinter();
      }
      writeValue(g, value, 0, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeValue(JsonGenerator g, Object v, int depth, boolean top)
      throws IOException {
    if (depth > MAX_DEPTH) {
      throw new IllegalStateException(
          "value nested deeper than " + MAX_DEPTH + " levels: " + v.getClass());
    }
    if (v == null) {
      g.writeNull();
    } else if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Character c) {
      g.writeString(c.toString());
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Integer
        || v instanceof Long
        || v instanceof Short
        || v instanceof Byte) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof Number n) {
      g.writeNumber(n.doubleValue());
    } else if (v instanceof Enum<?> e) {
      g.writeString(e.name());
    } else if (v instanceof Duration d) {
      writeMillis(g, d);
    } else if (v instanceof Instant || v instanceof TemporalAccessor) {
      g.writeString(v.toString());
    } else if (v instanceof InetAddress a) {
      g.writeString(IpAddressText.format(a));
    } else if (v instanceof InetSocketAddress a) {
      g.writeString(IpAddressText.format(a));
    } else if (v instanceof Optional<?> o) {
      writeValue(g, o.orElse(null), depth, false);
    } else if (v instanceof OptionalInt o) {
      if (o.isPresent()) {
        g.writeNumber(o.getAsInt());
      } else {
        g.writeNull();
      }
    } else if (v instanceof OptionalLong o) {
      if (o.isPresent()) {
        g.writeNumber(o.getAsLong());
      } else {
        g.writeNull();
      }
    } else if (v instanceof OptionalDouble o) {
      if (o.isPresent()) {
        g.writeNumber(o.getAsDouble());
      } else {
        g.writeNull();
      }
    } else if (v instanceof Transcript t) {
      writeTranscript(g, t);
    } else if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        writeValue(g, e.getValue(), depth + 1, false);
      }
      g.writeEndObject();
    } else if (v instanceof Iterable<?> it) {
      g.writeStartArray();
      for (Object o : it) {
        writeValue(g, o, depth + 1, false);
      }
      g.writeEndArray();
    } else if (v.getClass().isArray()) {
      g.writeStartArray();
      int n = java.lang.reflect.Array.getLength(v);
      for (int i = 0; i < n; i++) {
        writeValue(g, java.lang.reflect.Array.get(v, i), depth + 1, false);
      }
      g.writeEndArray();
    } else if (v instanceof Record r) {
      g.writeStartObject();
      if (top) {
        g.writeStringField("@type", r.getClass().getSimpleName());
      }
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        g.writeFieldName(c.getName());
        writeValue(g, invoke(c.getAccessor(), r), depth + 1, false);
      }
      g.writeEndObject();
    } else {
      writeBean(g, v, depth, top);
    }
  }

  private static void writeBean(JsonGenerator g, Object v, int depth, boolean top)
      throws IOException {
    List<Method> accessors = new ArrayList<>();
    for (Method m : v.getClass().getDeclaredMethods()) {
      if (isAccessor(m)) {
        accessors.add(m);
      }
    }
    accessors.sort(Comparator.comparing(Method::getName));
    g.writeStartObject();
    if (top) {
      g.writeStringField("@type", v.getClass().getSimpleName());
    }
    for (Method m : accessors) {
      g.writeFieldName(m.getName());
      writeValue(g, invoke(m, v), depth + 1, false);
    }
    g.writeEndObject();
  }

  private static boolean isAccessor(Method m) {
    int mod = m.getModifiers();
    String n = m.getName();
    return Modifier.isPublic(mod)
        && !Modifier.isStatic(mod)
        && m.getParameterCount() == 0
        && m.getReturnType() != void.class
        && !m.isSynthetic()
        && !m.isBridge()
        && !SKIPPED.contains(n)
        && !n.startsWith("render")
        && !(n.startsWith("to") && n.length() > 2 && Character.isUpperCase(n.charAt(2)))
        && !(n.startsWith("as") && n.length() > 2 && Character.isUpperCase(n.charAt(2)));
  }

  private static Object invoke(Method m, Object target) {
    try {
      m.setAccessible(true);
      return m.invoke(target);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read " + m, e);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(cause);
    }
  }

  private static void writeMillis(JsonGenerator g, Duration d) throws IOException {
    if (d.getNano() % 1_000_000 == 0) {
      g.writeNumber(d.toMillis());
    } else {
      g.writeNumber(BigDecimal.valueOf(d.toNanos()).movePointLeft(6).stripTrailingZeros());
    }
  }

  private static void writeTranscript(JsonGenerator g, Transcript t) throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("lines");
    for (TranscriptLine l : t.lines()) {
      g.writeStartObject();
      g.writeNumberField("index", l.index());
      g.writeStringField("direction", l.direction().name());
      g.writeFieldName("offsetMs");
      writeMillis(g, l.offset());
      g.writeStringField("text", l.text());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeNumberField("omittedLines", t.omittedLines());
    g.writeEndObject();
  }
}
