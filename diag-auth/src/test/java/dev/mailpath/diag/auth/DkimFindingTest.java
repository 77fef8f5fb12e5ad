package dev.mailpath.diag.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.core.FindingCatalog;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DkimFindingTest {

  @Test
  void everyCode_isDkimNamespaced_unique_explained_andInTheCatalog() {
    Set<String> ids = new HashSet<>();
    for (DkimFinding f : DkimFinding.values()) {
      assertThat(f.id()).matches("dkim\\.[a-z0-9-]+");
      assertThat(ids.add(f.id())).as(f.id()).isTrue();
      assertThat(f.title()).isNotBlank();
      assertThat(f.explanation()).isNotBlank();
      assertThat(f.nextSteps()).isNotEmpty();
      assertThat(FindingCatalog.lookup(f.id())).as(f.id()).contains(f);
    }
    assertThat(ids)
        .contains(
            "dkim.body-hash",
            "dkim.signature",
            "dkim.key-missing",
            "dkim.key-revoked",
            "dkim.key-too-short",
            "dkim.expired",
            "dkim.length-tag",
            "dkim.sha1",
            "dkim.syntax",
            "dkim.temperror",
            "dkim.testing");
  }
}
