package dev.mailpath.diag.apichecks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Compares each published module's public API with {@code api/<module>.txt} at the repository root
 * (docs/api-guidelines.md §7: every public API change is visible in review).
 */
class ApiSnapshotTest {

  @ParameterizedTest
  @EnumSource(PublishedModules.class)
  void publicApi_matchesCommittedSnapshot(PublishedModules module) {
    String listing =
        ApiListing.render(
            module.loadedClasses().stream()
                .filter(c -> !PublishedModules.isInternal(c.getPackageName()))
                .toList());
    assertThat(listing).as("API listing of %s", module.artifactId()).isNotEmpty();

    Optional<String> failure =
        ApiSnapshot.check(
            apiDir().resolve(module.artifactId() + ".txt"),
            listing,
            Boolean.getBoolean("api.update"));

    failure.ifPresent(Assertions::fail);
  }

  private static Path apiDir() {
    String dir = System.getProperty("api.dir");
    if (dir != null && !dir.isBlank()) {
      return Path.of(dir).toAbsolutePath().normalize();
    }
    // Run outside Maven (an IDE): the working directory is api-checks or the repository root.
    Path here = Path.of("").toAbsolutePath();
    return (here.endsWith("api-checks") ? here.getParent() : here).resolve("api");
  }
}
