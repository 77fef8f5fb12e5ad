package dev.mailpath.diag.trace;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random and truncated input never throws: unreadable data is a finding, not an exception. */
class GarbageInputTest {
  private static final String ALPHABET =
      "()[]<>;:=@. \t\r\n\"\\abcXYZ019-_/fromby with id for via ESMTPS TLSv1.3 2024 Jan Mon +0000 GMT \u00e9\u0000";

  static String noise(Random r, int max) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(max);
    for (int i = 0; i < n; i++) {
      sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }

  @Test
  void parse_randomReceivedAndAuthResultsFields_neverThrows() {
    Random r = new Random(8);
    String sample =
        ReceivedChainTest.resource("office365.eml")
            + ReceivedChainTest.resource("exim-sendmail-qmail.txt");
    for (int i = 0; i < 2000; i++) {
      List<String> fields = new ArrayList<>();
      fields.add("Received: " + noise(r, 200));
      fields.add("Authentication-Results: " + noise(r, 120));
      fields.add("Received: " + sample.substring(r.nextInt(sample.length())));
      String message = sample.substring(0, r.nextInt(sample.length())) + noise(r, 50);
      assertThatCode(
              () -> {
                ReceivedChain.parseFields(fields).toString();
                ReceivedChain.parse(message).toString();
                ReceivedChain.parse(message.getBytes(java.nio.charset.StandardCharsets.UTF_8));
              })
          .as("input %s / %s", fields, message)
          .doesNotThrowAnyException();
    }
  }

  @Test
  void search_randomAndTruncatedLogLines_neverThrows() throws Exception {
    Random r = new Random(9);
    List<String> real = java.nio.file.Files.readAllLines(PostfixLogSourceTest.log());
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      String line = real.get(r.nextInt(real.size()));
      lines.add(
          r.nextBoolean()
              ? line.substring(0, r.nextInt(line.length() + 1))
              : line.substring(0, Math.min(line.length(), 60)) + noise(r, 80));
    }

    assertThatCode(
            () ->
                PostfixLogSource.builder()
                    .year(2024)
                    .lines(lines)
                    .build()
                    .find(MessageQuery.builder().build())
                    .toString())
        .doesNotThrowAnyException();
  }
}
