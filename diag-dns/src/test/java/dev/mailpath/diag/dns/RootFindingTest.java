package dev.mailpath.diag.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.FindingCatalog;
import dev.mailpath.diag.core.FindingCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RootFindingTest {
  static final Path CATALOG = Path.of("..", "docs", "findings.md");

  @Test
  void ids_areUniqueStableAndPrefixed() {
    Set<String> ids = new HashSet<>();
    for (RootFinding f : RootFinding.values()) {
      assertThat(ids.add(f.id())).as(f.id()).isTrue();
      assertThat(f.id()).matches("dns\\.(root|trace)\\.[a-z]+(-[a-z]+)*");
    }
  }

  @Test
  void everyCode_hasCatalogText() {
    for (RootFinding f : RootFinding.values()) {
      assertThat(f.title()).as(f.id()).isNotBlank();
      assertThat(f.explanation()).as(f.id()).hasSizeGreaterThan(80);
      assertThat(f.nextSteps()).as(f.id()).isNotEmpty();
      assertThat(f.defaultSeverity()).as(f.id()).isNotNull();
    }
  }

  @Test
  void everyCode_isRegisteredInTheCatalog() {
    assertThat(FindingCatalog.all())
        .extracting(FindingCode::id)
        .contains(
            java.util.Arrays.stream(RootFinding.values())
                .map(RootFinding::id)
                .toArray(String[]::new));
    assertThat(FindingCatalog.lookup("dns.root.hints-stale")).contains(RootFinding.HINTS_STALE);
  }

  @Test
  void everyCode_isDocumentedInTheFindingsCatalog() throws IOException {
    String doc = Files.readString(CATALOG);
    for (RootFinding f : RootFinding.values()) {
      assertThat(doc)
          .as(f.id())
          .contains("| `" + f.id() + "` | " + f.defaultSeverity() + " | " + f.title() + " |");
    }
  }
}
