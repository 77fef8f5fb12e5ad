package dev.mailpath.diag.testkit.junit5;

import dev.mailpath.diag.core.HostAndPort;
import dev.mailpath.diag.testkit.SmtpReplay;
import dev.mailpath.diag.testkit.SmtpReplayServer;
import dev.mailpath.diag.testkit.TestCertificates;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The extension behind {@link Replay}. Servers live in the {@link ExtensionContext.Store} of the
 * class (static fields) or of the test (instance fields, parameters), which closes them, and writes
 * the recording when recording, when that context ends; the extension itself keeps no state.
 */
public final class ReplayExtension
    implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(ReplayExtension.class);

  /** Creates the extension (JUnit does, through {@link Replay}). */
  public ReplayExtension() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    AnnotatedFields.injectStatic(
        context,
        Replay.class,
        SmtpReplayServer.class,
        (a, owner, what) -> start(a, owner, what, context));
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    AnnotatedFields.injectInstances(
        context,
        Replay.class,
        SmtpReplayServer.class,
        (a, owner, what) -> start(a, owner, what, context));
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.isAnnotated(Replay.class);
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    if (parameter.getParameter().getType() != SmtpReplayServer.class) {
      throw new ParameterResolutionException(
          "@Replay parameter must be of type SmtpReplayServer, not "
              + parameter.getParameter().getType().getName());
    }
    Replay annotation = parameter.findAnnotation(Replay.class).orElseThrow();
    return start(
        annotation, context.getRequiredTestClass(), parameter.getParameter().getName(), context);
  }

  /**
   * Tells whether the context asks for recording ({@code mailpath.record=true}).
   *
   * @param context any extension context
   * @return {@code true} when recording
   */
  static boolean recording(ExtensionContext context) {
    return context
        .getConfigurationParameter(Replay.RECORD_PROPERTY)
        .map(v -> v.strip().equalsIgnoreCase("true"))
        .orElse(false);
  }

  private static SmtpReplayServer start(
      Replay annotation, Class<?> owner, String what, ExtensionContext context) {
    String targetText = annotation.target().strip();
    if (targetText.startsWith("${") && targetText.endsWith("}")) {
      String key = targetText.substring(2, targetText.length() - 1);
      // Replaying needs the target only to name the certificate; recording needs it for real.
      targetText = context.getConfigurationParameter(key).orElse(null);
      if (targetText == null && recording(context)) {
        throw new ExtensionConfigurationException(
            "@Replay on " + what + ": recording needs the configuration parameter " + key);
      }
      if (targetText == null) {
        targetText = "localhost:25";
      }
    }
    HostAndPort target;
    try {
      target = HostAndPort.parse(targetText, 25);
    } catch (IllegalArgumentException e) {
      throw new ExtensionConfigurationException(
          "@Replay on " + what + ": bad target \"" + annotation.target() + "\": " + e.getMessage(),
          e);
    }
    TestCertificates.ServerCertificate cert = certificate(target);
    SmtpReplayServer server;
    Path file = null;
    if (recording(context)) {
      file =
          Path.of(
                  context
                      .getConfigurationParameter(Replay.DIRECTORY_PROPERTY)
                      .orElse("src/test/resources"))
              .resolve(annotation.value());
      server = SmtpReplayServer.record(target, cert);
    } else {
      SmtpReplay replay;
      try {
        replay =
            SmtpReplay.of(MailLab.Builder.readResource(annotation.value(), owner.getClassLoader()));
      } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
        throw new ExtensionConfigurationException(
            "@Replay on "
                + what
                + ": cannot replay "
                + annotation.value()
                + " ("
                + e.getMessage()
                + "); record it against "
                + annotation.target()
                + " with -D"
                + Replay.RECORD_PROPERTY
                + "=true",
            e);
      }
      server = SmtpReplayServer.replay(replay, cert);
    }
    context.getStore(NS).put(new Object(), new Closer(server, file));
    return server;
  }

  private static TestCertificates.ServerCertificate certificate(HostAndPort target) {
    TestCertificates.Builder b = TestCertificates.builder().ipAddresses("127.0.0.1");
    if (target.isLiteral()) {
      b.ipAddresses(target.host().replace("[", "").replace("]", "")).dnsNames("localhost");
    } else {
      b.dnsNames(target.host(), "localhost");
    }
    return b.build();
  }

  /** Closes the server when the store's context ends, and writes what it recorded. */
  @SuppressWarnings(
      "deprecation") // CloseableResource: still what JUnit 5.x closes on every version we support
  private static final class Closer
      implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final SmtpReplayServer server;
    private final Path file;

    Closer(SmtpReplayServer server, Path file) {
      this.server = server;
      this.file = file;
    }

    @Override
    public void close() {
      server.close();
      if (file == null) {
        return;
      }
      List<SmtpReplay> recordings = server.recordings();
      if (recordings.isEmpty()) {
        return; // nothing connected: keep whatever recording exists
      }
      SmtpReplay first = recordings.get(0);
      if (recordings.size() > 1) {
        first =
            SmtpReplay.of(
                first.text()
                    + "# "
                    + recordings.size()
                    + " connections were recorded; this file keeps the first\n");
      }
      first.writeTo(file);
    }
  }
}
