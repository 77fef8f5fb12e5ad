package dev.mailpath.diag.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.FindingCatalog;
import dev.mailpath.diag.core.FindingCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keeps the findings catalog and the code in step. */
class FindingCatalogTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void catalog_everyRegisteredCode_isDocumentedAndTheDocIsCurrent() throws IOException {
    List<FindingCode> codes = FindingCatalog.all();
    String doc = Files.readString(ROOT.resolve("docs/findings.md"), StandardCharsets.UTF_8);

    assertThat(codes).isNotEmpty();
    for (FindingCode c : codes) {
      assertThat(doc).as("docs/findings.md documents %s", c.id()).contains("| `" + c.id() + "` |");
      assertThat(c.explanation()).as("explanation of %s", c.id()).isNotBlank();
      // lower case, dot-separated, hyphens inside words ("mta-sts.mode-testing")
      assertThat(c.id()).matches("[a-z0-9]+(-[a-z0-9]+)*(\\.[a-z0-9]+(-[a-z0-9]+)*)+");
    }
    assertThat(doc)
        .as("docs/findings.md is generated; regenerate it with FindingCatalogDoc")
        .isEqualTo(FindingCatalogDoc.render(codes));
  }

  @Test
  void sources_everyFindingCodeEnum_isRegisteredInTheCatalog() throws IOException {
    Set<String> registered = new HashSet<>();
    FindingCatalog.all().forEach(c -> registered.add(c.getClass().getName()));
    List<String> enums = new ArrayList<>();
    Pattern p = Pattern.compile("(?m)^public enum (\\w+) implements FindingCode");
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path f : files.filter(FindingCatalogTest::isMainSource).toList()) {
        Matcher m = p.matcher(Files.readString(f, StandardCharsets.UTF_8));
        if (m.find()) {
          // A public top-level enum lives in the file of its name: the path is the class name.
          String path = f.toString().replace('\\', '/').replaceAll("^.*/src/main/java/", "");
          enums.add(path.substring(0, path.length() - ".java".length()).replace('/', '.'));
        }
      }
    }
    assertThat(enums).isNotEmpty();
    assertThat(registered).containsAll(enums);
  }

  @Test
  void sources_findingsAreOnlyMadeFromFindingCodes() throws IOException {
    // Library code creates findings through FindingCode.finding(...), so every emitted code is an
    // enum constant and therefore in the catalog; a hand-made Finding could carry any string.
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path f : files.filter(FindingCatalogTest::isMainSource).toList()) {
        String text = Files.readString(f, StandardCharsets.UTF_8);
        // FindingCode makes findings; Finding.mapText copies one, keeping its code.
        if (text.contains("new Finding(")
            && !f.endsWith("FindingCode.java")
            && !f.endsWith("Finding.java")) {
          offenders.add(ROOT.relativize(f).toString());
        }
      }
    }
    assertThat(offenders).isEmpty();
  }

  private static boolean isMainSource(Path f) {
    String s = f.toString().replace('\\', '/');
    return s.endsWith(".java")
        && s.contains("/src/main/java/")
        && !s.contains("/target/")
        && !s.contains("/examples/");
  }
}
