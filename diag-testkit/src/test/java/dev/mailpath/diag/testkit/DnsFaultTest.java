package dev.mailpath.diag.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

class DnsFaultTest {

  private static final Name BROKEN = Name.fromConstantString("broken.example.org.");
  private static final Name OTHER = Name.fromConstantString("other.example.org.");

  @Test
  void forName_withoutTrailingDotAnyCase_matchesQueryNameOnly() {
    DnsFault fault = DnsFault.servfail().forName("Broken.EXAMPLE.org");

    assertThat(fault.matches(BROKEN, Type.A, false)).isTrue();
    assertThat(fault.matches(OTHER, Type.A, false)).isFalse();
  }

  @Test
  void forType_mnemonicAnyCase_equalsNumericForm() {
    assertThat(DnsFault.drop().forType("mx")).isEqualTo(DnsFault.drop().forType(Type.MX));
    assertThat(DnsFault.drop().forType("MX").matches(BROKEN, Type.A, false)).isFalse();
    assertThat(DnsFault.drop().forType("MX").matches(BROKEN, Type.MX, true)).isTrue();
  }

  @Test
  void restrictions_returnNewValues_leavingOriginalUnchanged() {
    DnsFault base = DnsFault.refused();

    DnsFault narrowed = base.forName("broken.example.org").onlyTcp().times(2);

    assertThat(base.matches(OTHER, Type.A, false)).isTrue();
    assertThat(base.timesLimit()).isEqualTo(DnsFault.UNLIMITED);
    assertThat(narrowed.matches(BROKEN, Type.A, false)).isFalse();
    assertThat(narrowed.matches(BROKEN, Type.A, true)).isTrue();
    assertThat(narrowed.timesLimit()).isEqualTo(2);
  }

  @Test
  void transportBoundFaults_matchOnlyTheirTransport() {
    assertThat(DnsFault.truncate().matches(BROKEN, Type.A, true)).isFalse();
    assertThat(DnsFault.oversizeUdpWithoutTc().matches(BROKEN, Type.A, true)).isFalse();
    assertThat(DnsFault.tcpLengthLie().matches(BROKEN, Type.A, false)).isFalse();
    assertThat(DnsFault.tcpLengthLie().matches(BROKEN, Type.A, true)).isTrue();
  }

  @Test
  void hostileFaults_matchBothTransportsAndPrintTheirFactory() {
    assertThat(DnsFault.tcpFlood().matches(BROKEN, Type.A, false)).isTrue();
    assertThat(DnsFault.tcpFlood().matches(BROKEN, Type.A, true)).isTrue();
    assertThat(DnsFault.tcpFlood().onlyTcp().matches(BROKEN, Type.A, false)).isFalse();
    assertThat(DnsFault.tcpFlood()).hasToString("DnsFault.tcpFlood()");
    assertThat(DnsFault.wrongClass().forType("MX"))
        .hasToString("DnsFault.wrongClass().forType(\"MX\")");
    assertThat(DnsFault.nxdomainWithoutQuestion())
        .hasToString("DnsFault.nxdomainWithoutQuestion()");
    assertThat(DnsFault.wrongClass()).isNotEqualTo(DnsFault.wrongId());
  }

  @Test
  void onlyTcp_onUdpOnlyFault_throwsIllegalState() {
    assertThatThrownBy(() -> DnsFault.truncate().onlyTcp())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("truncate");
    assertThatThrownBy(() -> DnsFault.tcpLengthLie().onlyUdp())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void equals_sameFactoryAndRestrictions_isEqualWithSameHashCode() {
    DnsFault a = DnsFault.delay(Duration.ofMillis(5)).forName("x.example").forType("A").times(3);
    DnsFault b = DnsFault.delay(Duration.ofMillis(5)).forName("X.example.").forType(1).times(3);
    UnaryOperator<byte[]> op = bytes -> bytes;

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(DnsFault.delay(Duration.ofMillis(6)).forName("x.example"));
    assertThat(DnsFault.servfail()).isNotEqualTo(DnsFault.refused());
    assertThat(DnsFault.rawReply(op)).isEqualTo(DnsFault.rawReply(op));
    assertThat(DnsFault.rawReply(op)).isNotEqualTo(DnsFault.rawReply(bytes -> bytes));
  }

  @Test
  void toString_readsLikeTheJavaThatBuiltIt() {
    assertThat(DnsFault.servfail().forName("broken.example.org").forType("MX").onlyUdp().times(2))
        .hasToString(
            "DnsFault.servfail().forName(\"broken.example.org.\").forType(\"MX\").onlyUdp()"
                + ".times(2)");
    assertThat(DnsFault.outOfBailiwickAdditional("evil.example", "192.0.2.1"))
        .hasToString("DnsFault.outOfBailiwickAdditional(\"evil.example.\", \"192.0.2.1\")");
    assertThat(DnsFault.rcode(4)).hasToString("DnsFault.rcode(4) /* NOTIMP */");
    assertThat(DnsFault.compressionLoop()).hasToString("DnsFault.compressionLoop()");
  }

  @Test
  void forName_invalidName_isRejectedNamingParameter() {
    assertThatThrownBy(() -> DnsFault.drop().forName("bad..name"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
    assertThatThrownBy(() -> DnsFault.drop().forName(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
  }

  @Test
  void forType_unknownMnemonic_isRejected() {
    assertThatThrownBy(() -> DnsFault.drop().forType("NOPE"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("type");
    assertThatThrownBy(() -> DnsFault.drop().forType(70000))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void times_lessThanOne_isRejected() {
    assertThatThrownBy(() -> DnsFault.drop().times(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("count");
  }

  @Test
  void delay_negative_isRejected() {
    assertThatThrownBy(() -> DnsFault.delay(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delay");
  }

  @Test
  void rcode_outOfRange_isRejected() {
    assertThatThrownBy(() -> DnsFault.rcode(4096))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rcode");
  }

  @Test
  void outOfBailiwickAdditional_hostNameInsteadOfLiteral_isRejectedWithoutLookup() {
    assertThatThrownBy(() -> DnsFault.outOfBailiwickAdditional("evil.example", "localhost"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("address");
  }

  @Test
  void outOfBailiwickAdditional_ipv6Literal_isAccepted() {
    assertThat(DnsFault.outOfBailiwickAdditional("evil.example", "2001:db8::1").extraAddress())
        .isNotNull();
  }
}
