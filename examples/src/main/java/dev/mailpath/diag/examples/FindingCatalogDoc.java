package dev.mailpath.diag.examples;

import dev.mailpath.diag.core.FindingCatalog;
import dev.mailpath.diag.core.FindingCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the findings catalog, {@code docs/findings.md}, from the finding-code enums of every
 * module on the class path, so that the catalog and the code cannot drift apart (a test compares
 * them).
 *
 * <pre>
 * ./mvnw -q -pl examples -am install -DskipTests
 * ./mvnw -q -pl examples org.codehaus.mojo:exec-maven-plugin:3.5.1:java -Dexec.mainClass=dev.mailpath.diag.examples.FindingCatalogDoc
 * </pre>
 */
public final class FindingCatalogDoc {
  private FindingCatalogDoc() {}

  /**
   * Writes the catalog.
   *
   * @param args the output path; default {@code docs/findings.md}
   * @throws IOException when the file cannot be written
   */
  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "docs/findings.md");
    Files.writeString(out, render(FindingCatalog.all()), StandardCharsets.UTF_8);
    System.out.println("wrote " + out);
  }

  /**
   * Renders the catalog as Markdown.
   *
   * @param codes the codes, sorted by id
   * @return the document
   */
  public static String render(List<FindingCode> codes) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Findings catalog\n\n")
        .append(
            "Every finding a mailpath diagnosis can report. `code` is stable API: tools may switch")
        .append(
            " on it.\nSeverities: INFO (a fact), WARNING (fragile or against best practice), ERROR")
        .append(
            " (this path fails\nfor some mail), CRITICAL (a danger beyond delivery, such as an open")
        .append(" relay).\n\n")
        .append("This file is generated from the code (`FindingCatalogDoc` in `examples`); a test")
        .append(" fails when it is out\nof date.\n");
    String section = null;
    for (FindingCode c : codes) {
      String prefix = c.id().substring(0, c.id().indexOf('.'));
      if (!prefix.equals(section)) {
        section = prefix;
        sb.append("\n## ").append(prefix).append("\n\n");
        sb.append("| code | severity | title | explanation | next steps |\n");
        sb.append("|---|---|---|---|---|\n");
      }
      sb.append("| `")
          .append(c.id())
          .append("` | ")
          .append(c.defaultSeverity())
          .append(" | ")
          .append(cell(c.title()))
          .append(" | ")
          .append(cell(c.explanation()))
          .append(" | ")
          .append(cell(String.join("; ", c.nextSteps())))
          .append(" |\n");
    }
    return sb.toString();
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }
}
