package dev.mailpath.diag.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mailpath.diag.auth.internal.spf.SpfMacro;
import dev.mailpath.diag.auth.internal.spf.SpfParser;
import dev.mailpath.diag.auth.internal.spf.SpfRecord;
import dev.mailpath.diag.auth.internal.spf.SpfTerm;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for the SPF record parser and macro expander (Jazzer, {@code @FuzzTest}): arbitrary
 * bytes after {@code v=spf1 }. A plain build runs it over the seeds in {@code
 * SpfFuzzTestInputs/record/}. Promises: no exception on any record; every term of a record without
 * a syntax error expands, and the expansion truncates to a name of at most 253 characters.
 */
class SpfFuzzTest {

  @FuzzTest
  void record(byte[] input) {
    String text = "v=spf1 " + new String(input, StandardCharsets.ISO_8859_1);
    SpfRecord r = SpfParser.parse(text);
    assertThat(r).isNotNull();
    if (r.error().isPresent()) {
      assertThat(r.error().get().length()).isLessThan(1_000);
      return;
    }
    for (SpfTerm t : r.mechanisms()) {
      expand(t);
    }
    if (r.redirect() != null) {
      expand(r.redirect());
    }
    if (r.exp() != null) {
      expand(r.exp());
    }
  }

  private static void expand(SpfTerm t) {
    if (t.domainSpec() == null || t.kind() == SpfTerm.Kind.UNKNOWN_MODIFIER) {
      return;
    }
    String out = SpfMacro.expand(t.domainSpec(), l -> "a-b.c+d=e_f/g,h.example.com");
    assertThat(SpfMacro.truncate(out).length())
        .isLessThanOrEqualTo(Math.max(253, longestLabel(out)));
  }

  private static int longestLabel(String s) {
    int best = 0;
    for (String l : s.split("\\.", -1)) {
      best = Math.max(best, l.length());
    }
    return best;
  }
}
