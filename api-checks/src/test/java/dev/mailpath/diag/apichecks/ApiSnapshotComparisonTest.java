package dev.mailpath.diag.apichecks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiSnapshotComparisonTest {

  private static final String V1 = "dev.mailpath.diag.apichecks.fixture.v1.";
  private static final String V2 = "dev.mailpath.diag.apichecks.fixture.v2.";

  private static String listing(Class<?>... classes) {
    return ApiListing.render(List.of(classes));
  }

  /** Version 2 of the fixture under version 1's name: the same class with one changed signature. */
  private static String changedListing() {
    return listing(
            dev.mailpath.diag.apichecks.fixture.v2.Client.class,
            dev.mailpath.diag.apichecks.fixture.v2.Client.Builder.class)
        .replace(V2, V1);
  }

  private static String originalListing() {
    return listing(
        dev.mailpath.diag.apichecks.fixture.v1.Client.class,
        dev.mailpath.diag.apichecks.fixture.v1.Client.Builder.class);
  }

  @Test
  void render_listsPublicMembersWithGenericsSortedAndLeavesOutTheRest() {
    assertThat(originalListing())
        .isEqualTo(
            "public final class dev.mailpath.diag.apichecks.fixture.v1.Client\n"
                + "  public Client()\n"
                + "  public java.util.concurrent.CompletableFuture<java.util.List<java.lang.String>>"
                + " sendAsync(java.lang.String, java.time.Duration)\n"
                + "  public static <T extends java.lang.Comparable<T>> T max(java.util.List<? extends"
                + " T>, T...)\n"
                + "  public static final int DEFAULT_PORT\n"
                + "public static final class dev.mailpath.diag.apichecks.fixture.v1.Client.Builder\n"
                + "  public dev.mailpath.diag.apichecks.fixture.v1.Client.Builder port(int)\n");
  }

  @Test
  void check_changedSignature_failsWithDiffAndUpdateHint(@TempDir Path dir) throws Exception {
    Path snapshot = dir.resolve("diag-fixture.txt");
    Files.writeString(snapshot, originalListing());

    String failure = ApiSnapshot.check(snapshot, changedListing(), false).orElseThrow();

    assertThat(failure)
        .contains("--- api/diag-fixture.txt (committed)")
        .contains("+++ api/diag-fixture.txt (generated)")
        .contains(
            "-  public java.util.concurrent.CompletableFuture<java.util.List<java.lang.String>>"
                + " sendAsync(java.lang.String, java.time.Duration)")
        .contains(
            "+  public java.util.concurrent.CompletableFuture<java.util.List<java.lang.String>>"
                + " sendAsync(java.lang.String, long)")
        .contains("./mvnw -pl api-checks -am verify -Dapi.update=true");
  }

  @Test
  void check_sameApi_passes(@TempDir Path dir) throws Exception {
    Path snapshot = dir.resolve("diag-fixture.txt");
    Files.writeString(snapshot, originalListing());

    assertThat(ApiSnapshot.check(snapshot, originalListing(), false)).isEmpty();
  }

  @Test
  void check_update_rewritesSnapshotInsteadOfFailing(@TempDir Path dir) throws Exception {
    Path snapshot = dir.resolve("api").resolve("diag-fixture.txt");

    assertThat(ApiSnapshot.check(snapshot, changedListing(), true)).isEmpty();

    assertThat(snapshot).hasContent(changedListing());
    assertThat(ApiSnapshot.check(snapshot, changedListing(), false)).isEmpty();
  }

  @Test
  void check_missingSnapshot_failsWithHint(@TempDir Path dir) {
    assertThat(ApiSnapshot.check(dir.resolve("none.txt"), "x\n", false))
        .hasValueSatisfying(m -> assertThat(m).contains("-Dapi.update=true"));
  }
}
