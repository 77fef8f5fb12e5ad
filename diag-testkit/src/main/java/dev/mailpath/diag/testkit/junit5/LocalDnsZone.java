package dev.mailpath.diag.testkit.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts a {@link dev.mailpath.diag.testkit.LocalDnsZoneServer} on loopback for a field or
 * parameter of that type, serving the zones given, and closes it afterwards, like JUnit's
 * {@code @TempDir}.
 *
 * <pre>{@code
 * class MyTest {
 *   @LocalDnsZone("""
 *       $ORIGIN example.org.
 *       @   SOA ns1 hostmaster 1 3600 600 86400 300
 *       @   NS  ns1
 *       ns1 A   127.0.0.1
 *       @   MX  10 ns1
 *       """)
 *   static LocalDnsZoneServer dns;          // one server for the class
 *
 *   @Test
 *   void mx() {
 *     MxReport r = MxResolver.builder().dns(d -> d.server(dns.address())).build().resolve("example.org");
 *   }
 * }
 * }</pre>
 *
 * <p>A static field gets one server per test class; an instance field or a parameter one per test.
 * Zones come from {@link #value()} (master-file text, each with an {@code $ORIGIN}) and {@link
 * #resources()} (class-path resources holding master-file text). A field of another type, a final
 * field, or no zone at all is an {@link
 * org.junit.jupiter.api.extension.ExtensionConfigurationException}.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(LocalDnsZoneExtension.class)
public @interface LocalDnsZone {

  /**
   * Returns zone texts in master-file format, each starting with {@code $ORIGIN}.
   *
   * @return the zones
   */
  String[] value() default {};

  /**
   * Returns class-path resources holding zone texts, for example {@code "zones/example.org.zone"}.
   *
   * @return the resource names
   */
  String[] resources() default {};
}
