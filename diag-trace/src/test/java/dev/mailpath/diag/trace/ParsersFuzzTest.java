package dev.mailpath.diag.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mailpath.diag.core.TimeSource;
import dev.mailpath.diag.core.Transcript;
import dev.mailpath.diag.trace.internal.AuthResultsParser;
import dev.mailpath.diag.trace.internal.ImapTrace;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Fuzz targets for everything diag-trace reads from strangers: message headers (Received chains and
 * Authentication-Results), Postfix logs and the IMAP session trace (Jazzer, {@code @FuzzTest}). A
 * plain build runs each target over its committed seeds in {@code ParsersFuzzTestInputs/<method>/};
 * {@code -Pfuzz} fuzzes one target for a set time (docs/robustness.md). The promises asserted: no
 * exception at all (hostile text is a finding), and output bounded by a fixed multiple of the
 * input.
 */
class ParsersFuzzTest {
  private static Path logFile;

  static String text(byte[] input) {
    return new String(input, StandardCharsets.UTF_8);
  }

  /** One file reused by every run: the log source is read from disk, as in production. */
  static synchronized Path logFile() throws IOException {
    if (logFile == null) {
      logFile = Files.createTempFile("fuzz-postfix", ".log");
      logFile.toFile().deleteOnExit();
    }
    return logFile;
  }

  @FuzzTest
  void receivedChain(byte[] input) {
    ReceivedChainReport r = ReceivedChain.parse(input);

    assertThat(r.hops().size()).isLessThanOrEqualTo(input.length / 9 + 1); // "Received:" each
    assertThat(r.findings().size()).isLessThanOrEqualTo(8 * r.hops().size() + 8);
    assertThat(r.toString().length()).isLessThanOrEqualTo(64 * input.length + 4096);
  }

  @FuzzTest
  void authenticationResults(byte[] input) {
    String value = text(input);
    Optional<AuthenticationResults> parsed = AuthResultsParser.parse(value);

    parsed.ifPresent(
        ar -> {
          assertThat(ar.results().size()).isLessThanOrEqualTo(value.length() / 2 + 1);
          assertThat(ar.toString().length()).isLessThanOrEqualTo(8 * value.length() + 1024);
        });
    // The same text as a header field of a message: never an exception there either.
    ReceivedChainReport r = ReceivedChain.parse("Authentication-Results: " + value + "\r\n\r\n");
    assertThat(r.toString().length()).isLessThanOrEqualTo(64 * input.length + 4096);
  }

  @FuzzTest
  void postfixLog(byte[] input) throws IOException {
    Path file = logFile();
    Files.write(file, input);
    PostfixLogSource log =
        PostfixLogSource.builder().path(file).year(2024).zone(ZoneOffset.UTC).build();

    DeliveryLogReport r = log.find(MessageQuery.builder().build());

    assertThat(r.records().size()).isLessThanOrEqualTo(input.length / 20 + 1);
    assertThat(r.toString().length()).isLessThanOrEqualTo(16 * input.length + 8192);
    // The lazy form too, with a query that reads the recipient fields.
    try (var s = log.search(MessageQuery.builder().recipient("bob@example.net").build())) {
      assertThat(s.count()).isLessThanOrEqualTo(r.records().size());
    } catch (UncheckedIOException e) {
      throw new AssertionError("a readable file failed to read", e);
    }
  }

  @FuzzTest
  void imapTrace(byte[] input) {
    ImapTrace trace = new ImapTrace(TimeSource.system(), false);
    try (PrintStream out = trace.stream()) {
      out.write(input, 0, input.length);
    }
    trace.note("end");

    Transcript t = trace.transcript();
    assertThat(t.lines().size()).isLessThanOrEqualTo(Transcript.Limits.DEFAULT.maxLines() + 1);
    assertThat((long) t.toString().length())
        .isLessThanOrEqualTo(
            Math.min(
                4L * input.length + 4096,
                (long) (Transcript.Limits.DEFAULT.maxLines() + 2)
                    * (Transcript.Limits.DEFAULT.maxLineLength() + 64)));
    assertThat(trace.bytesReceived() + trace.bytesSent()).isLessThanOrEqualTo(2L * input.length);
  }
}
