package dev.mailpath.diag.testkit.junit5;

import java.util.List;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The extension behind {@link LocalMailLab}. Labs live in the {@link ExtensionContext.Store} of the
 * class (static fields) or of the test (instance fields, parameters), which closes them when that
 * context ends; the extension itself keeps no state. When a test fails, each lab it could see
 * publishes its {@link MailLab#activity()} as the report entry {@code mailLab.<field or parameter
 * name>}.
 */
public final class LocalMailLabExtension
    implements BeforeAllCallback,
        BeforeEachCallback,
        AfterTestExecutionCallback,
        ParameterResolver {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(LocalMailLabExtension.class);

  /** Creates the extension (JUnit does, through {@link LocalMailLab}). */
  public LocalMailLabExtension() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    AnnotatedFields.injectStatic(
        context,
        LocalMailLab.class,
        MailLab.class,
        (a, owner, what) -> start(a, owner, what, context));
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    AnnotatedFields.injectInstances(
        context,
        LocalMailLab.class,
        MailLab.class,
        (a, owner, what) -> start(a, owner, what, context));
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.isAnnotated(LocalMailLab.class);
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    if (parameter.getParameter().getType() != MailLab.class) {
      throw new ParameterResolutionException(
          "@LocalMailLab parameter must be of type MailLab, not "
              + parameter.getParameter().getType().getName());
    }
    LocalMailLab annotation = parameter.findAnnotation(LocalMailLab.class).orElseThrow();
    try {
      return start(
          annotation, context.getRequiredTestClass(), parameter.getParameter().getName(), context);
    } catch (ExtensionConfigurationException e) {
      throw new ParameterResolutionException(e.getMessage(), e);
    }
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    if (context.getExecutionException().isEmpty()) {
      return;
    }
    for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
      LabHolder.Group group = c.getStore(NS).get(groupKey(c), LabHolder.Group.class);
      if (group != null) {
        group.holders().forEach(h -> h.publish(context));
      }
    }
  }

  private static MailLab start(
      LocalMailLab annotation, Class<?> owner, String what, ExtensionContext context) {
    MailLab lab;
    try {
      lab = builder(annotation, owner).start();
    } catch (IllegalArgumentException e) {
      throw new ExtensionConfigurationException(
          "@LocalMailLab on " + what + ": " + e.getMessage(), e);
    }
    LabHolder.Group group =
        context
            .getStore(NS)
            .getOrComputeIfAbsent(
                groupKey(context), k -> new LabHolder.Group(), LabHolder.Group.class);
    group.add(new LabHolder(what, lab, () -> {}));
    return lab;
  }

  /**
   * Builds the lab the annotation describes; throws IllegalArgumentException naming the problem.
   */
  static MailLab.Builder builder(LocalMailLab annotation, Class<?> owner) {
    MailLab.Builder b = MailLab.builder();
    for (String domain : annotation.domains()) {
      b.domain(domain);
    }
    for (String zone : annotation.zones()) {
      b.zone(zone);
    }
    for (String resource : annotation.zoneResources()) {
      b.zone(MailLab.Builder.readResource(resource, owner.getClassLoader()));
    }
    for (String mailbox : annotation.mailboxes()) {
      b.mailbox(mailbox);
    }
    for (LocalMailLab.RelayServer relay : annotation.relayServers()) {
      b.relayServer(relay.name(), relay.relay());
    }
    b.validate();
    return b;
  }

  /** One key per context, so a lookup never falls through to a parent context's labs. */
  private static Object groupKey(ExtensionContext context) {
    return List.of(LocalMailLabExtension.class.getName(), context.getUniqueId());
  }
}
