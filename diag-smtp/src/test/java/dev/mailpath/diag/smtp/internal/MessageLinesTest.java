package dev.mailpath.diag.smtp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageLinesTest {

  private static List<String> split(String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    return MessageLines.split(b).stream()
        .map(r -> new String(b, r[0], r[1], StandardCharsets.US_ASCII))
        .toList();
  }

  @Test
  void split_mixedLineEndings_givesSameLines() {
    assertThat(split("a\r\nb\nc\rd")).containsExactly("a", "b", "c", "d");
  }

  @Test
  void split_trailingTerminator_addsNoEmptyLine() {
    assertThat(split("a\r\n")).containsExactly("a");
  }

  @Test
  void split_blankLines_areKept() {
    assertThat(split("h: v\r\n\r\nbody\n\n")).containsExactly("h: v", "", "body", "");
  }
}
