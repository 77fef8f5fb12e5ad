package dev.mailpath.diag.posture;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.OptionalInt;

/**
 * The score of one {@link PostureCategory}: the percentage of its scored tests (required tests that
 * passed or failed, see {@link PostureTest#scored()}) that passed, rounded down; empty when no test
 * could be scored (nothing applied, or nothing could be decided).
 *
 * @param category the category
 * @param score 0 to 100, or empty
 * @param tests every test of the category, scored or not, in a fixed order
 */
public record PostureScore(PostureCategory category, OptionalInt score, List<PostureTest> tests) {

  /**
   * Checks and copies the components.
   *
   * @param category the category
   * @param score 0 to 100, or empty
   * @param tests the tests
   * @throws NullPointerException when one is null
   * @throws IllegalArgumentException when the score is outside 0..100
   */
  public PostureScore {
    requireNonNull(category, "category");
    requireNonNull(score, "score");
    tests = List.copyOf(tests);
    if (score.isPresent() && (score.getAsInt() < 0 || score.getAsInt() > 100)) {
      throw new IllegalArgumentException("score must be 0..100: " + score.getAsInt());
    }
  }

  /**
   * Scores a category from its tests by the written rule.
   *
   * @param category the category
   * @param tests its tests
   * @return the score
   */
  public static PostureScore of(PostureCategory category, List<PostureTest> tests) {
    long scored = tests.stream().filter(PostureTest::scored).count();
    long passed =
        tests.stream()
            .filter(t -> t.scored() && t.result() == dev.mailpath.diag.core.Outcome.PASS)
            .count();
    OptionalInt score =
        scored == 0 ? OptionalInt.empty() : OptionalInt.of((int) (passed * 100 / scored));
    return new PostureScore(category, score, tests);
  }

  /**
   * Tells whether every scored test passed (internet.nl's green category).
   *
   * @return true when the score is 100
   */
  public boolean passed() {
    return score.isPresent() && score.getAsInt() == 100;
  }

  @Override
  public String toString() {
    StringBuilder sb =
        new StringBuilder(category.title())
            .append(": ")
            .append(score.isPresent() ? score.getAsInt() + "%" : "not scored");
    for (PostureTest t : tests) {
      sb.append("\n    ").append(t);
    }
    return sb.toString();
  }
}
