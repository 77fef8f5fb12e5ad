package dev.mailpath.diag.apichecks;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.mailpath.diag.core.DiagnosticReport;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The rules of docs/api-guidelines.md §7 that a machine can check, run over the classes of every
 * published module. Each rule's message names the guideline it enforces.
 */
class ArchitectureTest {

  private static final String GUIDELINES = "docs/api-guidelines.md";

  /**
   * Which other mailpath modules may use a module's internal packages: exactly the modules its
   * module-info.java names in a qualified {@code exports ... to}. A module missing here lends its
   * internals to nobody.
   */
  private static final Map<PublishedModules, Set<PublishedModules>> INTERNAL_USERS =
      Map.of(
          PublishedModules.CORE,
          EnumSet.of(
              PublishedModules.DNS,
              PublishedModules.AUTH,
              PublishedModules.SMTP,
              PublishedModules.TRACE,
              PublishedModules.POSTURE),
          PublishedModules.AUTH,
          EnumSet.of(PublishedModules.POSTURE));

  /** Setter names that §2 spells otherwise (DnsSettings, TlsSettings, SmtpClient, maxInFlight). */
  private static final List<String> FORBIDDEN_BUILDER_METHODS =
      List.of(
          "dnsServers",
          "dnsServer",
          "resolver",
          "sslContext",
          "trustManager",
          "tcp",
          "parallelism",
          "smtpOptions");

  /**
   * Builders allowed a name from the list above because they are where §2 puts that setting: {@code
   * TlsSettings.Builder} is the one home of the trust ({@code sslContext}, {@code trustManager});
   * the rule is about client builders, so the test kit's local DNS server, whose {@code tcp}
   * switches its own TCP listener, is not one of them.
   */
  private static final Set<String> SETTINGS_BUILDERS =
      Set.of(
          "dev.mailpath.diag.core.TlsSettings$Builder",
          "dev.mailpath.diag.testkit.LocalDnsZoneServer$Builder");

  private static final DescribedPredicate<JavaClass> IN_API_PACKAGE =
      DescribedPredicate.describe(
          "in a published, non-internal package",
          c ->
              PublishedModules.of(c.getPackageName()).isPresent()
                  && !PublishedModules.isInternal(c.getPackageName()));

  private static final DescribedPredicate<JavaClass> VISIBLE_API_TYPE =
      DescribedPredicate.describe(
          "public API types", c -> IN_API_PACKAGE.test(c) && ApiListing.isVisible(c));

  @Test
  void internalPackages_areUsedOnlyByTheirModuleOrTheModulesItsModuleInfoNames() {
    ArchRule rule =
        classes()
            .should(useNoForeignInternals())
            .because(
                GUIDELINES
                    + " §6 and §7: internal packages are used only inside their module, or by the"
                    + " mailpath modules its module-info.java exports them to");

    rule.check(PublishedModules.classes());
  }

  @Test
  void publicReportClasses_implementDiagnosticReport() {
    ArchRule rule =
        classes()
            .that(VISIBLE_API_TYPE)
            .and()
            .haveSimpleNameEndingWith("Report")
            .should()
            .beAssignableTo(DiagnosticReport.class)
            .because(GUIDELINES + " §1 and §7: every report is a DiagnosticReport");

    rule.check(PublishedModules.classes());
  }

  @Test
  void classesOutsideInternal_neverCallSupplyAsync() {
    ArchRule rule =
        noClasses()
            .that()
            .resideOutsideOfPackage("..internal..")
            .should(callSupplyAsync())
            .because(
                GUIDELINES
                    + " §3 and §7: public classes never call CompletableFuture.supplyAsync (its"
                    + " future cannot cancel the work)");

    rule.check(PublishedModules.classes());
  }

  @Test
  void publicAsyncMethods_returnCompletableFuture() {
    ArchRule rule =
        methods()
            .that()
            .areDeclaredInClassesThat(VISIBLE_API_TYPE)
            .and()
            .arePublic()
            .and()
            .haveNameMatching(".+Async")
            .should()
            .haveRawReturnType(CompletableFuture.class)
            .because(
                GUIDELINES
                    + " §3 and §7: every blocking call's async twin returns a CompletableFuture of"
                    + " the same report");

    rule.check(PublishedModules.classes());
  }

  @Test
  void publicBuilders_useTheOneSpellingOfEachSetting() {
    ArchRule rule =
        noMethods()
            .that()
            .areDeclaredInClassesThat(
                DescribedPredicate.describe(
                    "public client builders",
                    c ->
                        VISIBLE_API_TYPE.test(c)
                            && c.getSimpleName().endsWith("Builder")
                            && !SETTINGS_BUILDERS.contains(c.getName())
                            // A report's builder records facts ("answered over TCP"), not settings.
                            && c.getEnclosingClass()
                                .map(e -> !e.isAssignableTo(DiagnosticReport.class))
                                .orElse(true)))
            .and()
            .arePublic()
            .should()
            .haveNameMatching(String.join("|", FORBIDDEN_BUILDER_METHODS))
            .because(
                GUIDELINES
                    + " §2 and §7: builders use the one spelling of each concept (dns(...),"
                    + " tls(...), client(SmtpClient), tcpOnly, maxInFlight), never "
                    + FORBIDDEN_BUILDER_METHODS);

    rule.check(PublishedModules.classes());
  }

  @Test
  void publicReports_haveNoAtMethod() {
    ArchRule rule =
        noMethods()
            .that()
            .areDeclaredInClassesThat(VISIBLE_API_TYPE)
            .and()
            .areDeclaredInClassesThat()
            .haveSimpleNameEndingWith("Report")
            .and()
            .arePublic()
            .should()
            .haveName("at")
            .because(
                GUIDELINES
                    + " §2 and §7: report timestamps are startedAt() and elapsed(), never at()");

    rule.check(PublishedModules.classes());
  }

  @Test
  void publicSignatures_neverUseDnsjavaOrAngusTypes() {
    ArchRule rule =
        classes()
            .that(VISIBLE_API_TYPE)
            .should(exposeNoTypeFrom("org.xbill.DNS", "org.eclipse.angus"))
            .because(GUIDELINES + " §6 and §7: public signatures never use dnsjava or Angus types");

    rule.check(PublishedModules.classes());
  }

  private static ArchCondition<JavaClass> useNoForeignInternals() {
    return new ArchCondition<>("use only the internal packages they may use") {
      @Override
      public void check(JavaClass origin, ConditionEvents events) {
        PublishedModules from = PublishedModules.of(origin.getPackageName()).orElse(null);
        for (Dependency d : origin.getDirectDependenciesFromSelf()) {
          String targetPackage = d.getTargetClass().getPackageName();
          if (!PublishedModules.isInternal(targetPackage)) {
            continue;
          }
          PublishedModules owner = PublishedModules.of(targetPackage).orElse(null);
          if (owner == null || owner == from) {
            continue;
          }
          if (from != null && INTERNAL_USERS.getOrDefault(owner, Set.of()).contains(from)) {
            continue;
          }
          events.add(SimpleConditionEvent.violated(d, d.getDescription()));
        }
      }
    };
  }

  private static ArchCondition<JavaClass> callSupplyAsync() {
    return new ArchCondition<>("call CompletableFuture.supplyAsync") {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        for (JavaMethodCall call : c.getMethodCallsFromSelf()) {
          boolean hit =
              call.getTargetOwner().isEquivalentTo(CompletableFuture.class)
                  && call.getName().equals("supplyAsync");
          events.add(new SimpleConditionEvent(call, hit, call.getDescription()));
        }
      }
    };
  }

  private static ArchCondition<JavaClass> exposeNoTypeFrom(String... packagePrefixes) {
    return new ArchCondition<>("expose no type from " + List.of(packagePrefixes)) {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        List<String> where = new ArrayList<>();
        if (c.getRawSuperclass().isPresent()) {
          collect(where, c.getDescription() + " extends", List.of(c.getSuperclass().get()));
        }
        collect(where, c.getDescription() + " implements", c.getInterfaces());
        for (JavaCodeUnit unit : c.getCodeUnits()) {
          if (!isApi(unit)) {
            continue;
          }
          collect(where, unit.getDescription() + " has parameter", unit.getParameterTypes());
          collect(where, unit.getDescription() + " returns", List.of(unit.getReturnType()));
          collect(
              where,
              unit.getDescription() + " throws",
              unit.getThrowsClause().getTypes().stream().map(t -> (JavaType) t).toList());
        }
        for (JavaField f : c.getFields()) {
          if (isApi(f)) {
            collect(where, f.getDescription() + " has type", List.of(f.getType()));
          }
        }
        for (String w : where) {
          events.add(SimpleConditionEvent.violated(c, w));
        }
      }

      private void collect(
          List<String> where, String what, java.util.Collection<? extends JavaType> types) {
        for (JavaType t : types) {
          for (JavaClass raw : t.getAllInvolvedRawTypes()) {
            for (String prefix : packagePrefixes) {
              if (raw.getPackageName().startsWith(prefix)) {
                where.add(what + " " + raw.getName());
              }
            }
          }
        }
      }
    };
  }

  private static boolean isApi(JavaMember m) {
    return !m.getModifiers().contains(JavaModifier.SYNTHETIC)
        && (m.getModifiers().contains(JavaModifier.PUBLIC)
            || m.getModifiers().contains(JavaModifier.PROTECTED));
  }
}
