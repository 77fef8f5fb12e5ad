package dev.mailpath.diag.testkit.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.mailpath.diag.testkit.PolicySmtpServer.Relay;
import java.net.ConnectException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** {@link LocalMailLab} on fields and parameters: lifetimes, closing, report entries, misuse. */
class MailLabAnnotationTest {

  @LocalMailLab(
      domains = "example.com",
      mailboxes = "alice@example.com:alice:secret",
      relayServers = @LocalMailLab.RelayServer(name = "closed", relay = Relay.NONE))
  static MailLab shared;

  @LocalMailLab(zoneResources = "zones/other.test.zone")
  MailLab perTest;

  @Test
  void staticField_servesMxAndSmtp() throws Exception {
    Message mx = RawClient.query(shared.dnsAddress(), "example.com.", Type.MX);
    assertThat(((MXRecord) mx.getSection(Section.ANSWER).get(0)).getTarget().toString())
        .isEqualTo("mx.example.com.");

    try (RawClient smtp = new RawClient(shared.smtpHost(), shared.smtpPort())) {
      assertThat(smtp.read()).startsWith("220");
      assertThat(smtp.send("EHLO client.example.net")).startsWith("250");
      assertThat(smtp.send("QUIT")).startsWith("221");
    }
    try (RawClient closed = new RawClient(MailLab.HOST, shared.relayServer("closed").port())) {
      assertThat(closed.read()).startsWith("220 closed.example.com");
      closed.send("EHLO client.example.net");
      closed.send("MAIL FROM:<bob@example.net>");
      assertThat(closed.send("RCPT TO:<someone@elsewhere.test>")).startsWith("554");
    }
  }

  @Test
  void instanceField_fromResource_isAFreshLab() throws Exception {
    assertThat(perTest).isNotSameAs(shared);
    assertThat(RawClient.query(perTest.dnsAddress(), "other.test.", Type.SOA).getRcode())
        .isEqualTo(Rcode.NOERROR);
  }

  @Test
  void parameter_isResolvedToItsOwnLab(@LocalMailLab(domains = "example.org") MailLab param)
      throws Exception {
    assertThat(param).isNotSameAs(shared).isNotSameAs(perTest);
    assertThat(param.domains()).containsExactly("example.org");
    assertThat(RawClient.query(param.dnsAddress(), "example.org.", Type.MX).getRcode())
        .isEqualTo(Rcode.NOERROR);
  }

  // ---------------------------------------------------------------- samples for the engine kit

  static final String KIT = "mailpath.engine-kit";

  /** Samples run only through the engine test kit below, never as tests of their own. */
  static boolean runByEngineKit(ExtensionContext context) {
    return context.getConfigurationParameter(KIT).isPresent();
  }

  static EngineExecutionResults run(Class<?> sample) {
    return EngineTestKit.engine("junit-jupiter")
        .configurationParameter(KIT, "true")
        .selectors(DiscoverySelectors.selectClass(sample))
        .execute();
  }

  @EnabledIf("dev.mailpath.diag.testkit.junit5.MailLabAnnotationTest#runByEngineKit")
  static class Lifetimes {
    static final List<MailLab> statics = Collections.synchronizedList(new ArrayList<>());
    static final List<MailLab> instances = Collections.synchronizedList(new ArrayList<>());
    static final List<Integer> smtpPorts = Collections.synchronizedList(new ArrayList<>());

    @LocalMailLab(domains = "example.com")
    static MailLab perClass;

    @LocalMailLab(mailboxes = "alice@example.com:alice:secret")
    MailLab perTest;

    @Test
    void first() {
      record();
    }

    @Test
    void second() {
      record();
    }

    void record() {
      statics.add(perClass);
      instances.add(perTest);
      smtpPorts.add(perClass.smtpPort());
      smtpPorts.add(perTest.smtpPort());
    }
  }

  @Test
  void extension_staticFieldPerClass_instanceFieldPerTest_closedAfterwards() {
    run(Lifetimes.class).testEvents().assertStatistics(s -> s.succeeded(2));

    assertThat(Lifetimes.statics).hasSize(2);
    assertThat(Lifetimes.statics.get(0)).isSameAs(Lifetimes.statics.get(1));
    assertThat(Lifetimes.instances)
        .hasSize(2)
        .doesNotHaveDuplicates()
        .doesNotContain(Lifetimes.statics.get(0));
    assertThat(Lifetimes.instances).allMatch(MailLab::isClosed);
    assertThat(Lifetimes.statics.get(0).isClosed()).isTrue();
    assertThat(Set.copyOf(Lifetimes.smtpPorts)).hasSize(3);
    for (int port : Set.copyOf(Lifetimes.smtpPorts)) {
      assertThatThrownBy(() -> new Socket(MailLab.HOST, port).close())
          .isInstanceOf(ConnectException.class);
    }
  }

  @EnabledIf("dev.mailpath.diag.testkit.junit5.MailLabAnnotationTest#runByEngineKit")
  static class Failing {
    @LocalMailLab(domains = "example.com")
    static MailLab lab;

    @Test
    void fails() throws Exception {
      RawClient.query(lab.dnsAddress(), "evidence.example.com.", Type.A);
      fail("on purpose");
    }

    @Test
    void passes() {}
  }

  @Test
  void extension_failedTest_publishesTheLabActivityAsReportEntry() {
    List<Map<String, String>> entries =
        run(Failing.class).allEvents().reportingEntryPublished().stream()
            .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs())
            .toList();

    assertThat(entries).hasSize(1);
    assertThat(entries.get(0)).containsOnlyKeys("mailLab.lab");
    assertThat(entries.get(0).get("mailLab.lab"))
        .contains("evidence.example.com. A")
        .contains("domains=[example.com]");
  }

  @EnabledIf("dev.mailpath.diag.testkit.junit5.MailLabAnnotationTest#runByEngineKit")
  static class WrongType {
    @LocalMailLab(domains = "example.com")
    String lab;

    @Test
    void uses() {}
  }

  @EnabledIf("dev.mailpath.diag.testkit.junit5.MailLabAnnotationTest#runByEngineKit")
  static class FinalField {
    @LocalMailLab(domains = "example.com")
    final MailLab lab = null;

    @Test
    void uses() {}
  }

  @EnabledIf("dev.mailpath.diag.testkit.junit5.MailLabAnnotationTest#runByEngineKit")
  static class BadMailbox {
    @LocalMailLab(mailboxes = "alice@example.com:alice")
    MailLab lab;

    @Test
    void uses() {}
  }

  @EnabledIf("dev.mailpath.diag.testkit.junit5.MailLabAnnotationTest#runByEngineKit")
  static class BadZone {
    @LocalMailLab(zones = "no origin, no records")
    static MailLab lab;

    @Test
    void uses() {}
  }

  @EnabledIf("dev.mailpath.diag.testkit.junit5.MailLabAnnotationTest#runByEngineKit")
  static class MissingResource {
    @LocalMailLab(zoneResources = "zones/no-such.zone")
    MailLab lab;

    @Test
    void uses() {}
  }

  @EnabledIf("dev.mailpath.diag.testkit.junit5.MailLabAnnotationTest#runByEngineKit")
  static class DuplicateRelayServer {
    @LocalMailLab(
        relayServers = {
          @LocalMailLab.RelayServer(name = "mx"),
          @LocalMailLab.RelayServer(name = "mx")
        })
    MailLab lab;

    @Test
    void uses() {}
  }

  @EnabledIf("dev.mailpath.diag.testkit.junit5.MailLabAnnotationTest#runByEngineKit")
  static class DuplicateZone {
    @LocalMailLab(domains = "other.test", zoneResources = "zones/other.test.zone")
    MailLab lab;

    @Test
    void uses() {}
  }

  @Test
  void extension_misuse_failsWithConfigurationException() {
    Map<Class<?>, String> cases =
        Map.of(
            WrongType.class, "must be of type MailLab",
            FinalField.class, "must not be final",
            BadMailbox.class, "address:login:password",
            BadZone.class, "@LocalMailLab on lab",
            MissingResource.class, "zones/no-such.zone",
            DuplicateRelayServer.class, "already taken",
            DuplicateZone.class, "already added");
    cases.forEach(
        (sample, text) ->
            run(sample)
                .allEvents()
                .assertThatEvents()
                .as(sample.getSimpleName())
                .haveExactly(
                    1,
                    finishedWithFailure(
                        instanceOf(ExtensionConfigurationException.class),
                        message(m -> m.contains(text)))));
  }

  @EnabledIf("dev.mailpath.diag.testkit.junit5.MailLabAnnotationTest#runByEngineKit")
  static class WrongParameterType {
    @Test
    void uses(@LocalMailLab(domains = "example.com") String lab) {}
  }

  @Test
  void extension_parameterOfWrongType_failsResolution() {
    run(WrongParameterType.class)
        .testEvents()
        .assertThatEvents()
        .haveExactly(
            1,
            finishedWithFailure(
                instanceOf(ParameterResolutionException.class),
                message(m -> m.contains("must be of type MailLab"))));
  }
}
