package dev.mailpath.diag.testkit.junit5;

import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The extension behind {@link LocalDnsZone}. Servers live in the {@link ExtensionContext.Store} of
 * the class (static fields) or of the test (instance fields, parameters), which closes them when
 * that context ends; the extension itself keeps no state.
 */
public final class LocalDnsZoneExtension
    implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(LocalDnsZoneExtension.class);

  /** Creates the extension (JUnit does, through {@link LocalDnsZone}). */
  public LocalDnsZoneExtension() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    AnnotatedFields.injectStatic(
        context,
        LocalDnsZone.class,
        LocalDnsZoneServer.class,
        (a, owner, what) -> start(a, owner, what, context));
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    AnnotatedFields.injectInstances(
        context,
        LocalDnsZone.class,
        LocalDnsZoneServer.class,
        (a, owner, what) -> start(a, owner, what, context));
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.isAnnotated(LocalDnsZone.class);
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    if (parameter.getParameter().getType() != LocalDnsZoneServer.class) {
      throw new ParameterResolutionException(
          "@LocalDnsZone parameter must be of type LocalDnsZoneServer, not "
              + parameter.getParameter().getType().getName());
    }
    LocalDnsZone annotation = parameter.findAnnotation(LocalDnsZone.class).orElseThrow();
    return start(
        annotation, context.getRequiredTestClass(), parameter.getParameter().getName(), context);
  }

  private static LocalDnsZoneServer start(
      LocalDnsZone annotation, Class<?> owner, String what, ExtensionContext context) {
    List<String> zones = new ArrayList<>(List.of(annotation.value()));
    for (String resource : annotation.resources()) {
      zones.add(read(owner, resource));
    }
    if (zones.isEmpty()) {
      throw new ExtensionConfigurationException(
          "@LocalDnsZone on " + what + " names no zone: give zone text or resources");
    }
    LocalDnsZoneServer.Builder builder = LocalDnsZoneServer.builder();
    try {
      zones.forEach(builder::zone);
    } catch (IllegalArgumentException e) {
      throw new ExtensionConfigurationException(
          "@LocalDnsZone on " + what + ": " + e.getMessage(), e);
    }
    LocalDnsZoneServer server = builder.start();
    context.getStore(NS).put(new Object(), new Closer(server));
    return server;
  }

  private static String read(Class<?> owner, String resource) {
    try {
      return MailLab.Builder.readResource(resource, owner.getClassLoader());
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new ExtensionConfigurationException("@LocalDnsZone: " + e.getMessage(), e);
    }
  }

  /** Closes the server when the store's context ends. */
  @SuppressWarnings(
      "deprecation") // CloseableResource: still what JUnit 5.x closes on every version we support
  private static final class Closer
      implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final LocalDnsZoneServer server;

    Closer(LocalDnsZoneServer server) {
      this.server = server;
    }

    @Override
    public void close() {
      server.close();
    }
  }
}
