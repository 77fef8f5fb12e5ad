package dev.mailpath.diag.testkit.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.EventConditions;
import org.junit.platform.testkit.engine.TestExecutionResultConditions;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

class LocalDnsZoneExtensionTest {
  static final String ZONE =
      """
      $ORIGIN example.org.
      $TTL 60
      @   SOA ns1 hostmaster 1 3600 600 86400 60
      @   NS  ns1
      ns1 A   127.0.0.1
      @   MX  10 ns1
      """;

  @LocalDnsZone(ZONE)
  static LocalDnsZoneServer shared;

  @LocalDnsZone(resources = "zones/other.test.zone")
  LocalDnsZoneServer perTest;

  static Message ask(LocalDnsZoneServer server, String name, int type) throws Exception {
    SimpleResolver r = new SimpleResolver(server.address());
    r.setTimeout(java.time.Duration.ofMillis(500));
    return r.send(Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString(name), type, 1)));
  }

  @Test
  void staticField_isStartedAndServesTheZone() throws Exception {
    Message m = ask(shared, "example.org.", Type.MX);

    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(m.getSection(Section.ANSWER)).hasSize(1);
  }

  @Test
  void instanceField_fromResource_isAFreshServer() throws Exception {
    assertThat(perTest).isNotSameAs(shared);
    assertThat(ask(perTest, "other.test.", Type.SOA).getRcode()).isEqualTo(Rcode.NOERROR);
  }

  @Test
  void parameter_isResolved(@LocalDnsZone(ZONE) LocalDnsZoneServer param) throws Exception {
    assertThat(param.address().getAddress().isLoopbackAddress()).isTrue();
    assertThat(ask(param, "example.org.", Type.SOA).getRcode()).isEqualTo(Rcode.NOERROR);
  }

  /** Samples run only through the engine test kit below, never as tests of their own. */
  static boolean runByEngineKit(ExtensionContext context) {
    return context.getConfigurationParameter(KIT).isPresent();
  }

  static final String KIT = "mailpath.engine-kit";

  @EnabledIf("dev.mailpath.diag.testkit.junit5.LocalDnsZoneExtensionTest#runByEngineKit")
  static class SampleUsage {
    static final AtomicReference<LocalDnsZoneServer> seen = new AtomicReference<>();

    @LocalDnsZone(ZONE)
    LocalDnsZoneServer dns;

    @Test
    void uses() {
      seen.set(dns);
    }
  }

  @EnabledIf("dev.mailpath.diag.testkit.junit5.LocalDnsZoneExtensionTest#runByEngineKit")
  static class WrongType {
    @LocalDnsZone(ZONE)
    String dns;

    @Test
    void uses() {}
  }

  @EnabledIf("dev.mailpath.diag.testkit.junit5.LocalDnsZoneExtensionTest#runByEngineKit")
  static class NoZone {
    @LocalDnsZone LocalDnsZoneServer dns;

    @Test
    void uses() {}
  }

  @Test
  void extension_afterTheTest_closesTheServer() throws Exception {
    EngineTestKit.engine("junit-jupiter")
        .configurationParameter(KIT, "true")
        .selectors(DiscoverySelectors.selectClass(SampleUsage.class))
        .execute()
        .testEvents()
        .assertStatistics(s -> s.succeeded(1));

    int port = SampleUsage.seen.get().port();
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
      assertThat(socket.getLocalPort()).isEqualTo(port);
    }
  }

  @Test
  void extension_misuse_failsWithConfigurationException() {
    for (Class<?> c : new Class<?>[] {WrongType.class, NoZone.class}) {
      EngineTestKit.engine("junit-jupiter")
          .configurationParameter(KIT, "true")
          .selectors(DiscoverySelectors.selectClass(c))
          .execute()
          .testEvents()
          .assertThatEvents()
          .haveExactly(
              1,
              EventConditions.finishedWithFailure(
                  TestExecutionResultConditions.instanceOf(ExtensionConfigurationException.class)));
    }
  }
}
