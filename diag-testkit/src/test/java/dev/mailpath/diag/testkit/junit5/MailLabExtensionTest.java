package dev.mailpath.diag.testkit.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.PolicySmtpServer.Relay;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@link MailLabExtension} registered with a builder: lifetimes, accessors, report entries, misuse.
 */
class MailLabExtensionTest {

  @RegisterExtension
  static MailLabExtension lab =
      MailLabExtension.builder()
          .domain("example.com")
          .mailbox("alice@example.com", "alice", "secret")
          .relayServer("closed", Relay.NONE)
          .dnsFault(DnsFault.refused().forName("refused.example.com"))
          .build();

  static MailLab startedBeforeBeforeAll;

  @BeforeAll
  static void remember() {
    startedBeforeBeforeAll = lab.get();
  }

  @Test
  void staticField_labRunsBeforeBeforeAllMethods_andIsSharedByTests() {
    assertThat(startedBeforeBeforeAll).isNotNull();
    assertThat(lab.get()).isSameAs(startedBeforeBeforeAll);
    assertThat(lab.get().isClosed()).isFalse();
  }

  @Test
  void accessors_answerFromTheRunningLab() throws Exception {
    MailLab running = lab.get();
    assertThat(lab.dnsAddress()).isEqualTo(running.dnsAddress());
    assertThat(lab.smtpHost()).isEqualTo("127.0.0.1");
    assertThat(lab.smtpPort()).isEqualTo(running.smtpPort());
    assertThat(lab.imapPort()).isEqualTo(running.imapPort());
    assertThat(lab.relayServer("closed")).isSameAs(running.relayServer("closed"));
    assertThat(lab.password("alice")).isEqualTo("secret");
    assertThat(lab.receivedMessages("alice@example.com"))
        .isEqualTo(running.receivedMessages("alice@example.com"));
  }

  @Test
  void dns_answersMx_andAppliesItsFault() throws Exception {
    Message mx = RawClient.query(lab.dnsAddress(), "example.com.", Type.MX);

    assertThat(((MXRecord) mx.getSection(Section.ANSWER).get(0)).getTarget().toString())
        .isEqualTo("mx.example.com.");
    assertThat(RawClient.query(lab.dnsAddress(), "refused.example.com.", Type.MX).getRcode())
        .isEqualTo(Rcode.REFUSED);
  }

  @Test
  void smtp_greenMailAndPolicyServerAnswer() throws Exception {
    try (RawClient c = new RawClient(lab.smtpHost(), lab.smtpPort())) {
      assertThat(c.read()).startsWith("220");
      assertThat(c.send("EHLO client.example.net")).startsWith("250");
      assertThat(c.send("MAIL FROM:<bob@example.net>")).startsWith("250");
      assertThat(c.send("RCPT TO:<alice@example.com>")).startsWith("250");
    }
    try (RawClient c = new RawClient(MailLab.HOST, lab.relayServer("closed").port())) {
      assertThat(c.read()).startsWith("220 closed.example.com");
      c.send("EHLO client.example.net");
      c.send("MAIL FROM:<bob@example.net>");
      assertThat(c.send("RCPT TO:<alice@example.com>")).startsWith("250");
      assertThat(c.send("RCPT TO:<someone@elsewhere.test>")).startsWith("554 5.7.1");
    }
  }

  @Test
  void parameter_withoutAnnotation_isTheRunningLab(MailLab running) {
    assertThat(running).isSameAs(lab.get());
  }

  @Nested
  class Inner {
    @Test
    void nestedClass_sharesTheOuterClassLab() {
      assertThat(lab.get()).isSameAs(startedBeforeBeforeAll);
    }
  }

  @Test
  void get_withNoLabRunning_throwsIllegalStateException() {
    MailLabExtension idle = MailLabExtension.builder().domain("example.com").build();

    assertThatThrownBy(idle::get)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no MailLab is running");
    assertThatThrownBy(idle::smtpPort).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void build_zonesThatClash_throwsIllegalArgumentException() {
    MailLabExtension.Builder b =
        MailLabExtension.builder()
            .domain("example.com")
            .zone("$ORIGIN example.com.\n@ SOA ns h 1 1 1 1 1\n@ NS ns\nns A 127.0.0.1\n");

    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already added");
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

  @EnabledIf("dev.mailpath.diag.testkit.junit5.MailLabExtensionTest#runByEngineKit")
  static class StaticSample {
    static final List<MailLab> seen = Collections.synchronizedList(new ArrayList<>());
    static final List<Integer> ports = Collections.synchronizedList(new ArrayList<>());

    @RegisterExtension
    static MailLabExtension lab =
        MailLabExtension.builder().mailbox("alice@example.com:alice:secret").build();

    @Test
    void first(MailLab param) {
      assertThat(param).isSameAs(lab.get());
      seen.add(lab.get());
      ports.add(lab.smtpPort());
    }

    @Test
    void second() {
      seen.add(lab.get());
    }
  }

  @Test
  void staticRegistration_oneLabPerClass_closedAfterTheClass() {
    run(StaticSample.class).testEvents().assertStatistics(s -> s.succeeded(2));

    assertThat(StaticSample.seen).hasSize(2);
    assertThat(StaticSample.seen.get(0)).isSameAs(StaticSample.seen.get(1));
    assertThat(StaticSample.seen.get(0).isClosed()).isTrue();
    assertThatThrownBy(() -> new Socket(MailLab.HOST, StaticSample.ports.get(0)).close())
        .isInstanceOf(ConnectException.class);
    assertThatThrownBy(StaticSample.lab::get).isInstanceOf(IllegalStateException.class);
  }

  @EnabledIf("dev.mailpath.diag.testkit.junit5.MailLabExtensionTest#runByEngineKit")
  static class InstanceSample {
    static final List<MailLab> seen = Collections.synchronizedList(new ArrayList<>());

    @RegisterExtension
    MailLabExtension lab = MailLabExtension.builder().domain("example.org").build();

    @Test
    void first(MailLab param) {
      assertThat(param).isSameAs(lab.get());
      seen.add(lab.get());
    }

    @Test
    void second() {
      seen.add(lab.get());
    }
  }

  @Test
  void instanceRegistration_oneLabPerTest_closedAfterEachTest() {
    run(InstanceSample.class).testEvents().assertStatistics(s -> s.succeeded(2));

    assertThat(InstanceSample.seen).hasSize(2).doesNotHaveDuplicates().allMatch(MailLab::isClosed);
  }

  @EnabledIf("dev.mailpath.diag.testkit.junit5.MailLabExtensionTest#runByEngineKit")
  static class FailingSample {
    @RegisterExtension
    static MailLabExtension lab = MailLabExtension.builder().domain("example.com").build();

    @Test
    void fails() throws Exception {
      RawClient.query(lab.dnsAddress(), "evidence.example.com.", Type.MX);
      fail("on purpose");
    }

    @Test
    void passes() {}
  }

  @Test
  void failedTest_publishesTheLabActivityAsReportEntry() {
    List<Map<String, String>> entries =
        run(FailingSample.class).allEvents().reportingEntryPublished().stream()
            .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs())
            .toList();

    assertThat(entries).singleElement().satisfies(e -> assertThat(e).containsOnlyKeys("mailLab"));
    assertThat(entries.get(0).get("mailLab"))
        .contains("evidence.example.com. MX")
        .contains("GreenMail messages received: 0");
  }

  @Test
  void failedTest_printsTheLabActivityToStandardErrorForSurefire() {
    java.io.PrintStream original = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      run(FailingSample.class);
    } finally {
      System.setErr(original);
    }

    assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8))
        .contains("[mailLab] activity of the mail lab used by failed test fails()")
        .contains("evidence.example.com. MX")
        .doesNotContain("passes()");
  }

  @EnabledIf("dev.mailpath.diag.testkit.junit5.MailLabExtensionTest#runByEngineKit")
  static class UnstartableSample {
    @RegisterExtension
    static MailLabExtension lab =
        MailLabExtension.builder()
            .relayServer("far", Relay.ANYONE, b -> b.bindAddress(address("192.0.2.1")))
            .build();

    @Test
    void uses() {}
  }

  static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal); // a literal: parsed, never looked up
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Test
  void labThatCannotStart_failsWithConfigurationException() {
    run(UnstartableSample.class)
        .allEvents()
        .assertThatEvents()
        .haveExactly(
            1,
            finishedWithFailure(
                instanceOf(ExtensionConfigurationException.class),
                message(m -> m.contains("loopback"))));
  }
}
