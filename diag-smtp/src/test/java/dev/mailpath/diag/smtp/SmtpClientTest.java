package dev.mailpath.diag.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.core.HostAndPort;
import dev.mailpath.diag.core.MailAddress;
import dev.mailpath.diag.core.TlsFailurePolicy;
import dev.mailpath.diag.core.TlsMode;
import dev.mailpath.diag.core.TlsSettings;
import dev.mailpath.diag.dns.DnsSettings;
import dev.mailpath.diag.smtp.internal.Step;
import dev.mailpath.diag.testkit.ScriptedSmtpServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client: settings once, scripts per call, async calls that really cancel. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SmtpClientTest {

  private static final SmtpClient SLOW =
      SmtpClient.builder().timeouts(SmtpTimeouts.all(Duration.ofSeconds(30))).build();

  @Test
  void runAsync_cancelWhileServerStalls_closesTheConnectionAtOnce() throws Exception {
    try (StallingPeer peer = new StallingPeer()) {
      CompletableFuture<SmtpReport> f =
          SLOW.runAsync(SmtpConversation.to(peer.host(), peer.port()).ehlo("c.test"));
      assertThat(peer.awaitConnected(Duration.ofSeconds(5))).isTrue();

      f.cancel(true);

      // The read timeout is 30 s: the peer sees the end long before any timeout could fire.
      assertThat(peer.awaitClientGone(Duration.ofSeconds(3))).isTrue();
      assertThat(f).isCancelled();
    }
  }

  @Test
  void runAsync_runsOnTheEnvironmentsExecutor() throws Exception {
    ExecutorService one = Executors.newSingleThreadExecutor();
    AtomicInteger tasks = new AtomicInteger();
    Executor counting =
        r -> {
          tasks.incrementAndGet();
          one.execute(r);
        };
    try (ScriptedSmtpServer server =
        ScriptedSmtpServer.builder()
            .reply(220, "mx.test")
            .expect("QUIT")
            .reply(221, "bye")
            .start()) {
      SmtpClient client = SLOW.toBuilder().environment(e -> e.executor(counting)).build();

      SmtpReport r =
          client
              .runAsync(SmtpConversation.to(server.host(), server.port()))
              .get(10, TimeUnit.SECONDS);

      assertThat(r.completed()).isTrue();
      assertThat(tasks.get()).isEqualTo(1);
    } finally {
      one.shutdownNow();
    }
  }

  @Test
  void builder_defaultsAndToBuilder_areEqualSettings() {
    SmtpClient c =
        SmtpClient.builder()
            .dns(d -> d.server("127.0.0.1:5353"))
            .deadline(Duration.ofSeconds(30))
            .tls(t -> t.failurePolicy(TlsFailurePolicy.REPORT_AND_CONTINUE))
            .ehloName("probe.example.org")
            .build();

    assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
    assertThat(c.dns().servers()).hasSize(1);
    assertThat(c.tls().failurePolicy()).isEqualTo(TlsFailurePolicy.REPORT_AND_CONTINUE);
    assertThat(c.ehloName()).contains("probe.example.org");
    assertThat(SmtpClient.system().dns()).isEqualTo(DnsSettings.system());
    assertThat(SmtpClient.system().tls()).isEqualTo(TlsSettings.system());
    assertThat(SmtpClient.system().deadline()).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void builder_badSettings_throwNamingThem() {
    assertThatThrownBy(() -> SmtpClient.builder().deadline(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deadline");
    assertThatThrownBy(() -> SmtpClient.builder().ehloName("two words"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ehloName");
    assertThatThrownBy(() -> SmtpClient.builder().tls((TlsSettings) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("tls");
  }

  @Test
  void open_hostAndPort_greetsThroughTheClient() {
    try (ScriptedSmtpServer server =
            ScriptedSmtpServer.builder()
                .reply(220, "mx.test")
                .expect("QUIT")
                .reply(221, "bye")
                .start();
        SmtpSession s = SLOW.open(HostAndPort.of(server.host(), server.port()))) {
      assertThat(s.banner().code()).isEqualTo(220);
    }
  }

  @Test
  void to_malformedHostOrPort_throwsBeforeConnecting() {
    assertThatThrownBy(() -> SmtpConversation.to("mx .example.org", 25))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host");
    assertThatThrownBy(() -> SmtpConversation.to("mx.example.org", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port");
    assertThat(SmtpConversation.to("[::1]", 25).host()).isEqualTo("::1");
  }

  // ---------------------------------------------------------------- one TLS mode

  @Test
  void tlsMode_startTlsModeWithoutStep_putsStartTlsAfterTheFirstEhlo() {
    SmtpConversation c =
        SmtpConversation.to("127.0.0.1", 25)
            .ehlo("c.test")
            .mailFrom("a@b.test")
            .tlsMode(TlsMode.STARTTLS_REQUIRED);

    assertThat(kinds(c)).containsExactly(Step.Kind.EHLO, Step.Kind.STARTTLS, Step.Kind.MAIL);
    assertThat(kinds(c.tlsMode(TlsMode.STARTTLS_IF_OFFERED)))
        .containsExactly(Step.Kind.EHLO, Step.Kind.STARTTLS_IF_OFFERED, Step.Kind.MAIL);
  }

  @Test
  void tlsMode_startTlsModeWithoutEhlo_greetsFirst() {
    SmtpConversation c = SmtpConversation.to("127.0.0.1", 25).tlsMode(TlsMode.STARTTLS_REQUIRED);

    assertThat(kinds(c)).containsExactly(Step.Kind.EHLO, Step.Kind.STARTTLS);
  }

  @Test
  void startTlsSteps_areTheStepFormsOfTheStartTlsModes() {
    SmtpConversation c = SmtpConversation.to("127.0.0.1", 25).ehlo("c.test");

    assertThat(c.tlsMode()).isEqualTo(TlsMode.NONE);
    assertThat(c.startTls().tlsMode()).isEqualTo(TlsMode.STARTTLS_REQUIRED);
    assertThat(c.startTlsIfOffered().tlsMode()).isEqualTo(TlsMode.STARTTLS_IF_OFFERED);
    assertThat(kinds(c.startTls())).containsExactly(Step.Kind.EHLO, Step.Kind.STARTTLS);
  }

  @Test
  void tlsMode_contradictingAStartTlsStep_throws() {
    SmtpConversation c = SmtpConversation.to("127.0.0.1", 25).ehlo("c.test").startTls();

    assertThatThrownBy(() -> c.tlsMode(TlsMode.NONE)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> c.tlsMode(TlsMode.IMPLICIT)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () -> SmtpConversation.to("127.0.0.1", 465).tlsMode(TlsMode.IMPLICIT).startTls())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void mailFrom_mailAddressOverload_sendsTheAddress() {
    try (ScriptedSmtpServer server =
        ScriptedSmtpServer.builder()
            .reply(220, "mx.test")
            .expect("EHLO")
            .reply(250, "mx.test")
            .expect("MAIL FROM:<a@b.test>")
            .reply(250, "ok")
            .expect("RCPT TO:<c@d.test>")
            .reply(250, "ok")
            .start()) {
      SmtpReport r =
          SLOW.run(
              SmtpConversation.to(server.host(), server.port())
                  .ehlo("c.test")
                  .mailFrom(MailAddress.of("a@b.test"))
                  .rcptTo(MailAddress.of("c@d.test"))
                  .quitAfter(SmtpPhase.RCPT));

      assertThat(server.mismatches()).isEmpty();
      assertThat(r.completed()).isTrue();
    }
  }

  private static List<Step.Kind> kinds(SmtpConversation c) {
    return c.playedSteps().stream().map(Step::kind).toList();
  }
}
