package dev.mailpath.diag.apichecks;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Renders the public API of a set of classes as stable, sorted text: one header line per public or
 * protected type (kind, modifiers, type parameters, supertypes), then one indented line per public
 * or protected constructor, method and field, with generic types. Synthetic and bridge members are
 * left out; nested type names use '.' rather than '$'.
 */
final class ApiListing {
  private ApiListing() {}

  /** Renders the visible types among {@code classes}, sorted by name. */
  static String render(Collection<Class<?>> classes) {
    StringBuilder sb = new StringBuilder();
    classes.stream()
        .filter(ApiListing::isVisible)
        .sorted(Comparator.comparing(Class::getName))
        .forEach(c -> renderType(sb, c));
    return sb.toString();
  }

  /** Tells whether a type is API: public or protected, as is every type enclosing it. */
  static boolean isVisible(Class<?> c) {
    if (c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic()) {
      return false;
    }
    for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
      if (!isApi(k.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  /** The same test on ArchUnit's model of a class. */
  static boolean isVisible(JavaClass c) {
    if (c.isAnonymousClass() || c.isLocalClass()) {
      return false;
    }
    for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
      if (!k.getModifiers().contains(JavaModifier.PUBLIC)
          && !k.getModifiers().contains(JavaModifier.PROTECTED)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isApi(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static void renderType(StringBuilder sb, Class<?> c) {
    sb.append(typeHeader(c)).append('\n');
    List<String> members = new ArrayList<>();
    for (Constructor<?> k : c.getDeclaredConstructors()) {
      if (isApi(k.getModifiers()) && !k.isSynthetic()) {
        members.add(
            modifiers(k.getModifiers(), false)
                + typeParameters(k.getTypeParameters())
                + c.getSimpleName()
                + parameters(k)
                + exceptions(k));
      }
    }
    for (Method m : c.getDeclaredMethods()) {
      if (isApi(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
        int mods = m.getModifiers();
        if (c.isInterface()) {
          mods &= ~Modifier.ABSTRACT; // implied by "interface"; "default" says the rest
        }
        members.add(
            modifiers(mods, m.isDefault())
                + typeParameters(m.getTypeParameters())
                + type(m.getGenericReturnType())
                + " "
                + m.getName()
                + parameters(m)
                + exceptions(m));
      }
    }
    for (Field f : c.getDeclaredFields()) {
      if (isApi(f.getModifiers()) && !f.isSynthetic()) {
        members.add(
            modifiers(f.getModifiers(), false) + type(f.getGenericType()) + " " + f.getName());
      }
    }
    members.stream().sorted().forEach(line -> sb.append("  ").append(line).append('\n'));
  }

  private static String typeHeader(Class<?> c) {
    String kind;
    int mods = c.getModifiers() & ~Modifier.INTERFACE;
    if (c.isAnnotation()) {
      kind = "@interface";
      mods &= ~(Modifier.ABSTRACT | Modifier.STATIC);
    } else if (c.isInterface()) {
      kind = "interface";
      mods &= ~(Modifier.ABSTRACT | Modifier.STATIC);
    } else if (c.isEnum()) {
      // An enum is final or abstract depending on its constants' bodies: not API.
      kind = "enum";
      mods &= ~(Modifier.ABSTRACT | Modifier.FINAL | Modifier.STATIC);
    } else if (c.isRecord()) {
      kind = "record";
      mods &= ~(Modifier.FINAL | Modifier.STATIC);
    } else {
      kind = "class";
    }
    StringBuilder sb = new StringBuilder();
    sb.append(modifiers(mods, false));
    if (c.isSealed()) {
      sb.append("sealed ");
    }
    sb.append(kind).append(' ').append(name(c)).append(typeParameters(c.getTypeParameters()));
    Type superclass = c.getGenericSuperclass();
    if (superclass != null
        && superclass != Object.class
        && !c.isEnum()
        && !c.isRecord()
        && !c.isInterface()) {
      sb.append(" extends ").append(type(superclass));
    }
    Type[] interfaces = c.getGenericInterfaces();
    if (interfaces.length > 0) {
      sb.append(c.isInterface() ? " extends " : " implements ")
          .append(
              Arrays.stream(interfaces)
                  .map(ApiListing::type)
                  .sorted()
                  .collect(Collectors.joining(", ")));
    }
    if (c.isSealed()) {
      sb.append(" permits ")
          .append(
              Arrays.stream(c.getPermittedSubclasses())
                  .map(ApiListing::name)
                  .sorted()
                  .collect(Collectors.joining(", ")));
    }
    return sb.toString();
  }

  private static String modifiers(int mods, boolean isDefault) {
    // Only the modifiers that are API: not synchronized, native, strictfp, transient.
    int kept =
        mods
            & (Modifier.PUBLIC
                | Modifier.PROTECTED
                | Modifier.ABSTRACT
                | Modifier.STATIC
                | Modifier.FINAL
                | Modifier.VOLATILE);
    String s = Modifier.toString(kept);
    if (isDefault) {
      s = s.isEmpty() ? "default" : s + " default";
    }
    return s.isEmpty() ? "" : s + " ";
  }

  private static String typeParameters(TypeVariable<?>[] vars) {
    if (vars.length == 0) {
      return "";
    }
    return Arrays.stream(vars)
            .map(
                v -> {
                  Type[] bounds = v.getBounds();
                  if (bounds.length == 1 && bounds[0] == Object.class) {
                    return v.getName();
                  }
                  return v.getName()
                      + " extends "
                      + Arrays.stream(bounds)
                          .map(ApiListing::type)
                          .collect(Collectors.joining(" & "));
                })
            .collect(Collectors.joining(", ", "<", ">"))
        + " ";
  }

  private static String parameters(Executable e) {
    Type[] types = e.getGenericParameterTypes();
    // For inner-class constructors and some enum constructors the generic signature is shorter
    // than the erased one; the erased types are then the complete list.
    if (types.length != e.getParameterCount()) {
      types = e.getParameterTypes();
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < types.length; i++) {
      String t = type(types[i]);
      if (e.isVarArgs() && i == types.length - 1 && t.endsWith("[]")) {
        t = t.substring(0, t.length() - 2) + "...";
      }
      names.add(t);
    }
    return names.stream().collect(Collectors.joining(", ", "(", ")"));
  }

  private static String exceptions(Executable e) {
    Type[] thrown = e.getGenericExceptionTypes();
    if (thrown.length == 0) {
      return "";
    }
    return " throws "
        + Arrays.stream(thrown).map(ApiListing::type).sorted().collect(Collectors.joining(", "));
  }

  private static String name(Class<?> c) {
    return c.getName().replace('$', '.');
  }

  private static String type(Type t) {
    return t.getTypeName().replace('$', '.');
  }
}
