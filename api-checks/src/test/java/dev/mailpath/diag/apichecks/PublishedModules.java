package dev.mailpath.diag.apichecks;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Optional;

/** The published modules, their package prefixes, and their classes as read from their jars. */
enum PublishedModules {
  CORE("diag-core", "dev.mailpath.diag.core"),
  DNS("diag-dns", "dev.mailpath.diag.dns"),
  AUTH("diag-auth", "dev.mailpath.diag.auth"),
  POSTURE("diag-posture", "dev.mailpath.diag.posture"),
  SMTP("diag-smtp", "dev.mailpath.diag.smtp"),
  TRACE("diag-trace", "dev.mailpath.diag.trace"),
  TESTKIT("diag-testkit", "dev.mailpath.diag.testkit"),
  ASSERTJ("diag-assertj", "dev.mailpath.diag.assertj"),
  JSON("diag-json", "dev.mailpath.diag.json"),
  HTML("diag-html", "dev.mailpath.diag.html"),
  SPARK("diag-spark", "dev.mailpath.diag.spark");

  static final String BASE = "dev.mailpath.diag";

  private static JavaClasses imported;

  private final String artifactId;
  private final String packagePrefix;

  PublishedModules(String artifactId, String packagePrefix) {
    this.artifactId = artifactId;
    this.packagePrefix = packagePrefix;
  }

  String artifactId() {
    return artifactId;
  }

  String packagePrefix() {
    return packagePrefix;
  }

  /** Tells whether a package belongs to this module. */
  boolean owns(String packageName) {
    return packageName.equals(packagePrefix) || packageName.startsWith(packagePrefix + ".");
  }

  /** Returns the module a package belongs to. */
  static Optional<PublishedModules> of(String packageName) {
    for (PublishedModules m : values()) {
      if (m.owns(packageName)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  static boolean isInternal(String packageName) {
    return packageName.contains(".internal.") || packageName.endsWith(".internal");
  }

  /**
   * Returns the main classes of every published module (test classes, this module's own classes and
   * the unpublished modules are left out), imported once per test run.
   */
  static synchronized JavaClasses classes() {
    if (imported == null) {
      imported =
          new ClassFileImporter()
              .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
              .withImportOption(location -> !location.contains("/apichecks/"))
              .importPackages(
                  List.of(values()).stream().map(PublishedModules::packagePrefix).toList());
    }
    return imported;
  }

  /** Returns this module's classes, as loaded by the test class loader (not initialised). */
  List<Class<?>> loadedClasses() {
    return classes().stream()
        .filter(c -> owns(c.getPackageName()))
        .map(JavaClass::getName)
        .sorted()
        .<Class<?>>map(PublishedModules::load)
        .toList();
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, false, PublishedModules.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("class listed by the importer but not loadable: " + name, e);
    }
  }
}
