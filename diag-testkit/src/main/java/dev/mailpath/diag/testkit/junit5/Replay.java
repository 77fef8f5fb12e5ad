package dev.mailpath.diag.testkit.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a field or parameter of type {@link dev.mailpath.diag.testkit.SmtpReplayServer} a server
 * that replays a recorded SMTP session, or, when the configuration parameter (or system property)
 * {@code mailpath.record=true} is set, one that records a session with the real server named by
 * {@link #target()}.
 *
 * <pre>{@code
 * @Replay(value = "recordings/mx-example.txt", target = "mx.example.org:25")
 * static SmtpReplayServer mx;
 *
 * @Test
 * void mx_acceptsPostmaster() {
 *   SmtpClient client = SmtpClient.builder()
 *       .tls(t -> t.trustManager(mx.certificate().trustManager())).build();
 *   SmtpReport r = client.run(SmtpConversation.to(mx.host(), mx.port())
 *       .expectedTlsName("mx.example.org").ehlo("probe.example.net").startTls()
 *       .mailFrom("me@example.net").rcptTo("postmaster@example.org").quitAfter(SmtpPhase.RCPT));
 *   assertThat(r).isCompleted();
 *   assertThat(mx.divergences()).isEmpty();
 * }
 * }</pre>
 *
 * <p>Replaying (the default) reads the class-path resource {@link #value()}; a missing resource is
 * an {@link org.junit.jupiter.api.extension.ExtensionConfigurationException} that says how to
 * record it. Recording ({@code ./mvnw test -Dmailpath.record=true -Dtest=...}) proxies to {@link
 * #target()} and, when the field's context ends, writes the first connection's session to {@code
 * <mailpath.recordings.dir>/<value>}, where {@code mailpath.recordings.dir} defaults to {@code
 * src/test/resources} (relative to the module directory Maven runs tests in). In both modes the
 * client sees a throwaway certificate for the target's host name, {@code localhost} and {@code
 * 127.0.0.1} at STARTTLS. A static field gets one server per class, an instance field or parameter
 * one per test.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(ReplayExtension.class)
public @interface Replay {

  /** The configuration parameter (or system property) that switches to recording: {@code true}. */
  String RECORD_PROPERTY = "mailpath.record";

  /**
   * The configuration parameter naming where recordings are written; default {@code
   * src/test/resources}.
   */
  String DIRECTORY_PROPERTY = "mailpath.recordings.dir";

  /**
   * Returns the recording's class-path resource name, for example {@code "recordings/mx.txt"}.
   *
   * @return the resource name
   */
  String value();

  /**
   * Returns the real server to record from, as {@code host:port} ({@code [::1]:25} for IPv6), or
   * {@code ${name}} to read it from the configuration parameter (or system property) {@code name}.
   * Its host name also names the throwaway certificate, in both modes.
   *
   * @return the target
   */
  String target();
}
