package dev.mailpath.diag.smtp;

import dev.mailpath.diag.core.TimeSource;
import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.smtp.internal.Deadline;
import dev.mailpath.diag.smtp.internal.ReplyReader;
import dev.mailpath.diag.testkit.LinearTime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SMTP reply reader and the EHLO parser take time linear in their input (size doubling). */
class ParsersLinearTimeTest {
  static final int N = 64 * 1024;

  static Runnable reading(String wire) {
    byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
    return () -> {
      ReplyReader reader =
          new ReplyReader(
              ParsersFuzzTest.source(new java.io.ByteArrayInputStream(bytes)),
              Transcript.recorder(TimeSource.system()),
              ReplyReader.DEFAULT_MAX_LINE,
              Integer.MAX_VALUE,
              Integer.MAX_VALUE,
              1000);
      Deadline d = Deadline.after(TimeSource.system(), Duration.ofMinutes(1), false);
      while (reader.read(d).ok()) {
        // read every reply until EOF
      }
    };
  }

  @Test
  void replyReader_manyContinuationLines_isLinear() {
    LinearTime.assertLinear(
        "ReplyReader on 250-x lines", n -> reading("250-x\r\n".repeat(n / 7) + "250 end\r\n"), N);
  }

  @Test
  void replyReader_bareCarriageReturns_isLinear() {
    LinearTime.assertLinear(
        "ReplyReader on 250 x\\r lines", n -> reading("250 x\r".repeat(n / 6)), N);
  }

  @Test
  void ehlo_manyAuthEqualsLines_isLinear() {
    LinearTime.assertLinear(
        "EhloCapabilities on AUTH=<distinct> lines",
        n -> {
          List<String> lines = new ArrayList<>();
          lines.add("mx.example.org");
          for (int i = 0; lines.size() * 12 < n; i++) {
            lines.add("AUTH=M" + i);
          }
          return () -> EhloCapabilities.parse(lines);
        },
        N);
  }

  @Test
  void ehlo_oneLineOfManyParameters_isLinear() {
    LinearTime.assertLinear(
        "EhloCapabilities on AUTH a b c ...",
        n -> {
          List<String> lines = List.of("mx.example.org", "AUTH" + " X".repeat(n / 2));
          return () -> EhloCapabilities.parse(lines);
        },
        N);
  }
}
