package dev.mailpath.diag.testkit.junit5;

import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/**
 * Fills the annotated fields of a test class, the way {@code @TempDir} does: static fields before
 * all tests of the class, instance fields before each test. Shared by the test kit's extensions,
 * which differ only in what they start for a field.
 */
final class AnnotatedFields {
  private AnnotatedFields() {}

  /** Starts the resource for one annotated field or parameter. */
  @FunctionalInterface
  interface Factory<A extends Annotation, T> {
    /**
     * Starts the resource.
     *
     * @param annotation the field's annotation
     * @param owner the test class, for class-path resources
     * @param what the field or parameter name, for messages
     * @return the resource
     */
    T create(A annotation, Class<?> owner, String what);
  }

  /**
   * Injects into the static fields of the test class.
   *
   * @param context the class context
   * @param annotation the annotation marking the fields
   * @param type the type the fields must have
   * @param factory starts a resource per field
   * @param <A> the annotation type
   * @param <T> the resource type
   */
  static <A extends Annotation, T> void injectStatic(
      ExtensionContext context, Class<A> annotation, Class<T> type, Factory<A, T> factory) {
    inject(context.getRequiredTestClass(), null, annotation, type, factory);
  }

  /**
   * Injects into the instance fields of every test instance (outer instances of nested tests too).
   *
   * @param context the test context
   * @param annotation the annotation marking the fields
   * @param type the type the fields must have
   * @param factory starts a resource per field
   * @param <A> the annotation type
   * @param <T> the resource type
   */
  static <A extends Annotation, T> void injectInstances(
      ExtensionContext context, Class<A> annotation, Class<T> type, Factory<A, T> factory) {
    for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
      inject(instance.getClass(), instance, annotation, type, factory);
    }
  }

  private static <A extends Annotation, T> void inject(
      Class<?> owner, Object instance, Class<A> annotation, Class<T> type, Factory<A, T> factory) {
    boolean statics = instance == null;
    String name = "@" + annotation.getSimpleName() + " field ";
    for (Field field :
        AnnotationSupport.findAnnotatedFields(
            owner,
            annotation,
            f -> Modifier.isStatic(f.getModifiers()) == statics,
            HierarchyTraversalMode.TOP_DOWN)) {
      if (field.getType() != type) {
        throw new ExtensionConfigurationException(
            name
                + field.getName()
                + " must be of type "
                + type.getSimpleName()
                + ", not "
                + field.getType().getName());
      }
      if (Modifier.isFinal(field.getModifiers())) {
        throw new ExtensionConfigurationException(name + field.getName() + " must not be final");
      }
      T value = factory.create(field.getAnnotation(annotation), owner, field.getName());
      try {
        field.setAccessible(true);
        field.set(instance, value);
      } catch (IllegalAccessException | RuntimeException e) {
        throw new ExtensionConfigurationException("cannot set " + name + field.getName(), e);
      }
    }
  }
}
