package dev.mailpath.diag.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.FindingCatalog;
import dev.mailpath.diag.core.FindingCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FindingCatalogTraceTest {

  static List<String> documentedCodes() throws IOException {
    String doc = Files.readString(Path.of("../docs/findings.md"));
    Matcher m = Pattern.compile("(?m)^\\| `([a-z0-9.-]+)` \\|").matcher(doc);
    List<String> codes = new java.util.ArrayList<>();
    while (m.find()) {
      if (m.group(1).startsWith("trace.")) {
        codes.add(m.group(1));
      }
    }
    return codes;
  }

  @Test
  void all_serviceLoader_listsEveryTraceCode() {
    List<String> registered =
        FindingCatalog.all().stream()
            .map(FindingCode::id)
            .filter(id -> id.startsWith("trace."))
            .toList();

    assertThat(registered)
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(TraceFinding.values()).map(TraceFinding::id).toList());
  }

  @Test
  void docs_findingsCatalog_documentsExactlyTheTraceCodes() throws IOException {
    assertThat(documentedCodes())
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(TraceFinding.values()).map(TraceFinding::id).toList());
  }

  @Test
  void codes_followTheNamingScheme() {
    for (TraceFinding f : TraceFinding.values()) {
      assertThat(f.id()).matches("trace\\.[a-z]+(-[a-z]+)*\\.[a-z]+(-[a-z]+)*");
      assertThat(f.explanation()).hasSizeGreaterThan(60);
      assertThat(f.nextSteps()).isNotEmpty();
    }
  }
}
