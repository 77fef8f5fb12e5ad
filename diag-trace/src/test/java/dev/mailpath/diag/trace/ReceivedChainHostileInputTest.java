package dev.mailpath.diag.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.mailpath.diag.trace.internal.ReceivedParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile {@code Received:} fields: linear time, and address literals read without the JDK's name
 * service. The time bound is a hang guard, not a speed target.
 */
class ReceivedChainHostileInputTest {
  private static final String DATE = "; Tue, 2 Jan 2024 09:00:00 +0000";

  @Test
  void parse_withClauseOfAMegabyteOfWords_finishes() {
    String message = "Received: from a by b with " + "x ".repeat(500_000) + DATE + "\n\n";

    ReceivedChainReport r =
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> ReceivedChain.parse(message));

    assertThat(r.hops()).hasSize(1);
    assertThat(r.hops().get(0).with()).hasValueSatisfying(w -> assertThat(w).hasSize(999_999));
  }

  @Test
  void parse_multiWordWithAndVia_keepsTheLastClauseOfEach() {
    ReceivedChainReport r =
        ReceivedChain.parseFields(
            List.of(
                "Received: from a.example by b.example via Frontend Transport with Microsoft SMTP"
                    + " Server id 15.20 with ESMTPS tls"
                    + DATE));

    ReceivedHop hop = r.hops().get(0);
    assertThat(hop.via()).contains("Frontend Transport");
    assertThat(hop.with()).contains("ESMTPS tls");
  }

  @Test
  void parse_headerOverTheCap_reportsTheCut() {
    String message =
        "Received: from a by b" + DATE + "\nX-Pad: " + "y".repeat(4_200_000) + "\n\nbody";

    ReceivedChainReport fromText = ReceivedChain.parse(message);
    ReceivedChainReport fromStream =
        ReceivedChain.parse(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));

    assertThat(fromText.hasFinding(TraceFinding.RECEIVED_HEADER_TRUNCATED)).isTrue();
    assertThat(fromStream.hasFinding(TraceFinding.RECEIVED_HEADER_TRUNCATED)).isTrue();
    assertThat(fromText.hops()).hasSize(1);
  }

  @Test
  void parse_moreFieldsThanTheCap_reportsTheCut() {
    String message = "Received: from a by b" + DATE + "\n" + "X: y\n".repeat(10_000) + "\n";

    ReceivedChainReport r = ReceivedChain.parse(message);

    assertThat(r.hasFinding(TraceFinding.RECEIVED_HEADER_TRUNCATED)).isTrue();
  }

  @Test
  void parse_ordinaryMessage_reportsNoCut() {
    String message = "Received: from a by b" + DATE + "\nX-Pad: y\n\n" + "z".repeat(5_000_000);

    assertThat(ReceivedChain.parse(message).hasFinding(TraceFinding.RECEIVED_HEADER_TRUNCATED))
        .isFalse();
    assertThat(
            ReceivedChain.parse(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)))
                .hasFinding(TraceFinding.RECEIVED_HEADER_TRUNCATED))
        .isFalse();
  }

  @Test
  void toAddress_textThatIsNoLiteral_isNull() {
    assertThat(ReceivedParser.toAddress(".:1")).isNull();
    assertThat(ReceivedParser.toAddress("1.2.3")).isNull();
    assertThat(ReceivedParser.toAddress("::1:")).isNull();
    assertThat(ReceivedParser.toAddress("2001:db8::1%eth0")).isNotNull();
    assertThat(ReceivedParser.toAddress("192.0.2.1")).isNotNull();
  }

  /**
   * Runs {@link NameServiceProbe} in a JVM whose name service is a hosts file naming {@code .:1}:
   * the old reader handed that text to {@code InetAddress.getByName}, which looked it up.
   */
  @Test
  void parse_addressTextAHostsFileNames_isNeverLookedUp(@TempDir Path dir) throws Exception {
    Path hosts = dir.resolve("hosts");
    Files.writeString(hosts, "127.0.0.7 .:1\n127.0.0.7 1:2:3:4:5:6:7:8:9\n");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-Djdk.net.hosts.file=" + hosts,
                "-cp",
                System.getProperty("java.class.path"),
                NameServiceProbe.class.getName())
            .redirectErrorStream(true)
            .start();
    boolean ended = p.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly();
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(ended).as(out).isTrue();
    assertThat(out)
        .as("the probe JVM's name service knows the name (so the test is not vacuous)")
        .contains("jdk=.:1/127.0.0.7");
    assertThat(out).contains("toAddress=null", "hop=none", "longHop=none");
  }

  /** Entry point of the probe JVM; prints what the reader made of hostile address text. */
  public static final class NameServiceProbe {
    private NameServiceProbe() {}

    /**
     * Prints the JDK's and the reader's view of {@code .:1}.
     *
     * @param args unused
     * @throws IOException never
     */
    public static void main(String[] args) throws IOException {
      String jdk;
      try {
        jdk = InetAddress.getByName(".:1").toString();
      } catch (IOException e) {
        jdk = e.toString();
      }
      System.out.println("jdk=" + jdk);
      System.out.println("toAddress=" + ReceivedParser.toAddress(".:1"));
      System.out.println("hop=" + hop("Received: from [.:1] (x [.:1]) by b.example" + DATE));
      System.out.println(
          "longHop=" + hop("Received: from [1:2:3:4:5:6:7:8:9] by b.example" + DATE));
    }

    private static String hop(String field) {
      return ReceivedChain.parseFields(List.of(field)).hops().get(0).address().stream()
          .map(InetAddress::toString)
          .findFirst()
          .orElse("none");
    }
  }
}
