package dev.mailpath.diag.testkit.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.PolicySmtpServer.Relay;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The lab as a plain value, without JUnit's help: one lab for the class, started by hand. */
class MailLabTest {
  static MailLab lab;

  @BeforeAll
  static void start() {
    lab =
        MailLab.builder()
            .domain("example.com", "www A 127.0.0.2")
            .zone(
                "$ORIGIN other.test.\n@ SOA ns hostmaster 1 3600 600 86400 60\n@ NS ns\nns A 127.0.0.1\n")
            .mailbox("alice@example.com", "alice", "secret")
            .mailbox("bob@example.org:bob:pa:ss")
            .relayServer("closed", Relay.NONE)
            .relayServer("open", Relay.ANYONE)
            .relayServer("submission", Relay.AUTHENTICATED)
            .dnsFault(DnsFault.servfail().forName("broken.example.com"))
            .start();
  }

  @AfterAll
  static void stop() {
    lab.close();
  }

  // ---------------------------------------------------------------- DNS

  @Test
  void domain_mxQuery_pointsAtMxOfTheDomain() throws Exception {
    Message m = RawClient.query(lab.dnsAddress(), "example.com.", Type.MX);

    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    List<Record> answer = m.getSection(Section.ANSWER);
    assertThat(answer).hasSize(1);
    assertThat(((MXRecord) answer.get(0)).getTarget().toString()).isEqualTo("mx.example.com.");
    assertThat(((MXRecord) answer.get(0)).getPriority()).isEqualTo(10);
  }

  @Test
  void domain_mxHostAndRelayServerNames_resolveToLoopback() throws Exception {
    for (String name :
        List.of(
            "mx.example.com.",
            "ns1.example.com.",
            "closed.example.com.",
            "submission.example.com.")) {
      Message m = RawClient.query(lab.dnsAddress(), name, Type.A);
      assertThat(m.getSection(Section.ANSWER))
          .as(name)
          .singleElement()
          .extracting(Record::rdataToString)
          .isEqualTo("127.0.0.1");
    }
  }

  @Test
  void domain_extraRecords_areServed() throws Exception {
    Message m = RawClient.query(lab.dnsAddress(), "www.example.com.", Type.A);

    assertThat(m.getSection(Section.ANSWER))
        .singleElement()
        .extracting(Record::rdataToString)
        .isEqualTo("127.0.0.2");
  }

  @Test
  void zoneText_isServedBesideTheGeneratedZones() throws Exception {
    assertThat(RawClient.query(lab.dnsAddress(), "other.test.", Type.SOA).getRcode())
        .isEqualTo(Rcode.NOERROR);
  }

  @Test
  void dnsFault_appliesToItsName() throws Exception {
    assertThat(RawClient.query(lab.dnsAddress(), "broken.example.com.", Type.MX).getRcode())
        .isEqualTo(Rcode.SERVFAIL);
  }

  // ---------------------------------------------------------------- GreenMail

  @Test
  void greenMail_rawSmtpSession_deliversIntoTheMailbox() throws Exception {
    try (RawClient c = new RawClient(lab.smtpHost(), lab.smtpPort())) {
      assertThat(c.read()).startsWith("220");
      assertThat(c.send("EHLO client.example.net")).startsWith("250");
      assertThat(c.send("MAIL FROM:<carol@example.net>")).startsWith("250");
      assertThat(c.send("RCPT TO:<alice@example.com>")).startsWith("250");
      assertThat(c.send("DATA")).startsWith("354");
      assertThat(c.send("Subject: raw-smtp\r\n\r\nhello\r\n.")).startsWith("250");
      assertThat(c.send("QUIT")).startsWith("221");
    }

    assertThat(lab.awaitMessages(1, Duration.ofSeconds(2))).isTrue();
    assertThat(lab.receivedMessages("alice@example.com"))
        .anySatisfy(m -> assertThat(m.getSubject()).isEqualTo("raw-smtp"));
    assertThat(lab.receivedMessages("bob@example.org")).isEmpty();
  }

  @Test
  void greenMail_imapLogin_acceptsTheMailboxPassword() throws Exception {
    try (RawClient c = new RawClient(lab.imapAddress().getHostString(), lab.imapPort())) {
      assertThat(c.read()).startsWith("* OK");
      assertThat(c.send("a1 LOGIN alice " + lab.password("alice@example.com"))).startsWith("a1 OK");
      assertThat(c.send("a2 LOGOUT")).startsWith("* BYE");
    }
  }

  @Test
  void mailbox_lookup_byAddressOrLogin() {
    assertThat(lab.mailbox("bob").password()).isEqualTo("pa:ss");
    assertThat(lab.mailbox("ALICE@example.com").login()).isEqualTo("alice");
    assertThat(lab.mailbox("alice").toString()).doesNotContain("secret");
    assertThatThrownBy(() -> lab.password("nobody"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alice@example.com");
  }

  // ---------------------------------------------------------------- relay servers

  @Test
  void closedRelayServer_refusesRelayButTakesLocalMail() throws Exception {
    try (RawClient c =
        new RawClient(lab.relayServer("closed").host(), lab.relayServer("closed").port())) {
      assertThat(c.read()).isEqualTo("220 closed.example.com ESMTP mailpath-policy");
      c.send("EHLO client.example.net");
      c.send("MAIL FROM:<carol@example.net>");
      assertThat(c.send("RCPT TO:<someone@elsewhere.test>")).startsWith("554 5.7.1");
      assertThat(c.send("RCPT TO:<unknown@example.com>")).startsWith("550 5.1.1");
      assertThat(c.send("RCPT TO:<postmaster@example.org>")).startsWith("250");
      assertThat(c.send("RCPT TO:<alice@example.com>")).startsWith("250");
    }
  }

  @Test
  void openRelayServer_relaysForAnyone() throws Exception {
    try (RawClient c = new RawClient(MailLab.HOST, lab.relayServer("open").port())) {
      c.read();
      c.send("EHLO client.example.net");
      c.send("MAIL FROM:<carol@example.net>");
      assertThat(c.send("RCPT TO:<someone@elsewhere.test>")).startsWith("250");
    }
  }

  @Test
  void authenticatedRelayServer_relaysAfterAuthWithAMailboxLogin() throws Exception {
    String plain =
        Base64.getEncoder().encodeToString("\0alice\0secret".getBytes(StandardCharsets.UTF_8));
    try (RawClient c = new RawClient(MailLab.HOST, lab.relayServer("submission").port())) {
      c.read();
      c.send("EHLO client.example.net");
      c.send("MAIL FROM:<alice@example.com>");
      assertThat(c.send("RCPT TO:<someone@elsewhere.test>")).startsWith("554");
      c.send("RSET");
      assertThat(c.send("AUTH PLAIN " + plain)).startsWith("235");
      c.send("MAIL FROM:<alice@example.com>");
      assertThat(c.send("RCPT TO:<someone@elsewhere.test>")).startsWith("250");
    }
  }

  @Test
  void relayServer_unknownName_isRefusedWithTheKnownNames() {
    assertThatThrownBy(() -> lab.relayServer("nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[closed, open, submission]");
  }

  @Test
  void activity_listsQueriesAndServers() throws Exception {
    RawClient.query(lab.dnsAddress(), "activity.example.com.", Type.TXT);

    assertThat(lab.activity())
        .contains("activity.example.com. TXT")
        .contains("relay server closed (NONE)")
        .contains("smtp=127.0.0.1:" + lab.smtpPort());
  }

  // ---------------------------------------------------------------- builder and life cycle

  @Test
  void builder_badInput_isRefusedAtOnce() {
    MailLab.Builder b =
        MailLab.builder()
            .domain("example.com")
            .mailbox("a@example.com:a:x")
            .relayServer("closed", Relay.NONE);

    assertThatThrownBy(() -> b.domain("exa mple.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("domain");
    assertThatThrownBy(() -> b.domain("EXAMPLE.com.")).hasMessageContaining("already added");
    assertThatThrownBy(() -> b.domain("example.net", "www A not-an-address"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.zone("this is not a zone"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.zoneResource("zones/missing.zone"))
        .hasMessageContaining("not found");
    assertThatThrownBy(() -> b.mailbox("a@example.com:only-two"))
        .hasMessageContaining("address:login:password");
    assertThatThrownBy(() -> b.mailbox("A@example.com", "other", "x"))
        .hasMessageContaining("already added");
    assertThatThrownBy(() -> b.mailbox("c@example.com", "a", "x")).hasMessageContaining("login a");
    assertThatThrownBy(() -> b.mailbox("no-at-sign", "n", "x")).hasMessageContaining("address");
    assertThatThrownBy(() -> b.relayServer("closed", Relay.ANYONE)).hasMessageContaining("taken");
    assertThatThrownBy(() -> b.relayServer("Bad Name", Relay.ANYONE))
        .hasMessageContaining("DNS label");
  }

  @Test
  void start_duplicateZone_isRefusedBeforeAnythingStarts() {
    MailLab.Builder b =
        MailLab.builder()
            .domain("example.com")
            .zone("$ORIGIN example.com.\n@ SOA ns h 1 1 1 1 1\n@ NS ns\nns A 127.0.0.1\n");

    assertThatThrownBy(b::start)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already added");
  }

  @Test
  void close_stopsEveryServer_andIsIdempotent() throws Exception {
    MailLab own =
        MailLab.builder()
            .mailbox("dave@example.net:dave:pw")
            .relayServer("closed", Relay.NONE)
            .start();
    int[] ports = {own.smtpPort(), own.imapPort(), own.relayServer("closed").port()};

    own.close();
    own.close();

    assertThat(own.isClosed()).isTrue();
    assertThat(own.toString()).contains("closed");
    for (int port : ports) {
      assertThatThrownBy(() -> new Socket(MailLab.HOST, port).close())
          .as("port %d of %s", port, Arrays.toString(ports))
          .isInstanceOf(ConnectException.class);
    }
  }
}
