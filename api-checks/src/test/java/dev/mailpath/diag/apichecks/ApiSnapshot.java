package dev.mailpath.diag.apichecks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Compares a generated API listing with its committed snapshot, or rewrites the snapshot when asked
 * to ({@code -Dapi.update=true}).
 */
final class ApiSnapshot {
  static final String UPDATE_HINT = "./mvnw -pl api-checks -am verify -Dapi.update=true";

  /** How many differing lines of each side the failure message shows. */
  private static final int MAX_SHOWN = 40;

  private ApiSnapshot() {}

  /**
   * Checks {@code actual} against the file, or writes it there when {@code update} is set.
   *
   * @return a failure message, empty when the snapshot matches or was rewritten
   */
  static Optional<String> check(Path file, String actual, boolean update) {
    try {
      if (update) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, actual, StandardCharsets.UTF_8);
        return Optional.empty();
      }
      if (!Files.exists(file)) {
        return Optional.of(
            "no API snapshot at "
                + file.getFileName()
                + "; create it with "
                + UPDATE_HINT
                + " and commit it");
      }
      String expected = Files.readString(file, StandardCharsets.UTF_8);
      return difference(file.getFileName().toString(), expected, actual);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Returns a unified-looking diff of the first region where the two texts differ, or empty when
   * they are equal.
   */
  static Optional<String> difference(String name, String expected, String actual) {
    if (expected.equals(actual)) {
      return Optional.empty();
    }
    List<String> e = expected.lines().toList();
    List<String> a = actual.lines().toList();
    int start = 0;
    while (start < e.size() && start < a.size() && e.get(start).equals(a.get(start))) {
      start++;
    }
    int endE = e.size();
    int endA = a.size();
    while (endE > start && endA > start && e.get(endE - 1).equals(a.get(endA - 1))) {
      endE--;
      endA--;
    }
    StringBuilder sb = new StringBuilder();
    sb.append("The public API differs from api/")
        .append(name)
        .append(". If the change is intended, run\n    ")
        .append(UPDATE_HINT)
        .append("\nand commit the file, so that the change shows in review.\n");
    sb.append("--- api/").append(name).append(" (committed)\n");
    sb.append("+++ api/").append(name).append(" (generated)\n");
    sb.append("@@ -")
        .append(start + 1)
        .append(',')
        .append(endE - start)
        .append(" +")
        .append(start + 1)
        .append(',')
        .append(endA - start)
        .append(" @@\n");
    if (start > 0) {
      sb.append(' ').append(e.get(start - 1)).append('\n');
    }
    appendSide(sb, '-', e.subList(start, endE));
    appendSide(sb, '+', a.subList(start, endA));
    if (expected.endsWith("\n") != actual.endsWith("\n")) {
      sb.append("\\ the files differ in their final line break\n");
    }
    return Optional.of(sb.toString());
  }

  private static void appendSide(StringBuilder sb, char sign, List<String> lines) {
    for (int i = 0; i < lines.size() && i < MAX_SHOWN; i++) {
      sb.append(sign).append(lines.get(i)).append('\n');
    }
    if (lines.size() > MAX_SHOWN) {
      sb.append(sign).append(" ... ").append(lines.size() - MAX_SHOWN).append(" more lines\n");
    }
  }
}
