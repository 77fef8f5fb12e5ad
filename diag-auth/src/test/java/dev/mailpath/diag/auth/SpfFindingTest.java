package dev.mailpath.diag.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailpath.diag.auth.internal.AuthFindingCatalog;
import dev.mailpath.diag.core.FindingCode;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SpfFindingTest {

  @Test
  void codes_uniqueSpfIdsWithTextAndRegistered() {
    Set<String> ids = new HashSet<>();
    for (SpfFinding f : SpfFinding.values()) {
      assertThat(f.id()).matches("spf\\.[a-z]+(-[a-z]+)*");
      assertThat(ids.add(f.id())).as(f.id()).isTrue();
      assertThat(f.title()).isNotBlank();
      assertThat(f.explanation()).isNotBlank();
      assertThat(f.nextSteps()).isNotEmpty();
    }
    assertThat(new AuthFindingCatalog().codes())
        .extracting(FindingCode::id)
        .containsAll(Arrays.stream(SpfFinding.values()).map(SpfFinding::id).toList());
    assertThat(ids)
        .contains(
            "spf.too-many-lookups",
            "spf.void-lookups",
            "spf.multiple-records",
            "spf.syntax",
            "spf.include-none",
            "spf.redirect-none",
            "spf.temperror",
            "spf.dns-timeout",
            "spf.pass-all",
            "spf.ptr-used",
            "spf.neutral-all");
  }
}
