package dev.mailpath.diag.trace;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import java.time.Duration;
import java.util.List;

/**
 * What one {@link InvestigationStage} of a {@link MissingMessageInvestigation} found.
 *
 * @param stage the stage
 * @param status checked and fine, a problem, not checked, or the source failed
 * @param source what was consulted, for example {@code postfix /var/log/mail.log} or {@code
 *     imap://bob@127.0.0.1:3143}; {@code ""} when nothing was
 * @param summary what the stage showed, in one line
 * @param evidence the facts behind the summary
 * @param findings the findings of the source's report (log records, mailbox search, route check)
 * @param elapsed how long the stage took
 */
public record StageResult(
    InvestigationStage stage,
    StageStatus status,
    String source,
    String summary,
    List<Evidence> evidence,
    List<Finding> findings,
    Duration elapsed) {

  /**
   * Validates the components and copies the lists.
   *
   * @param stage the stage
   * @param status checked and fine, a problem, not checked, or the source failed
   * @param source what was consulted, for example {@code postfix /var/log/mail.log} or {@code
   *     imap://bob@127.0.0.1:3143}; {@code ""} when nothing was
   * @param summary what the stage showed, in one line
   * @param evidence the facts behind the summary
   * @param findings the findings of the source's report (log records, mailbox search, route check)
   * @param elapsed how long the stage took
   */
  public StageResult {
    requireNonNull(stage, "stage");
    requireNonNull(status, "status");
    requireNonNull(source, "source");
    requireNonNull(summary, "summary");
    requireNonNull(elapsed, "elapsed");
    evidence = List.copyOf(evidence);
    findings = List.copyOf(findings);
  }

  /**
   * Creates the result of a stage that was not checked.
   *
   * @param stage the stage
   * @param why why not, for example "no gateway log was given"
   * @return the result, status {@link StageStatus#NOT_CHECKED}
   */
  public static StageResult notChecked(InvestigationStage stage, String why) {
    return new StageResult(
        stage, StageStatus.NOT_CHECKED, "", why, List.of(), List.of(), Duration.ZERO);
  }

  /**
   * Tells whether the stage was checked (whatever it found).
   *
   * @return {@code true} for {@link StageStatus#CHECKED_OK} and {@link StageStatus#PROBLEM}
   */
  public boolean checked() {
    return status == StageStatus.CHECKED_OK || status == StageStatus.PROBLEM;
  }

  /** Returns {@code [STATUS] Title (source): summary}. */
  @Override
  public String toString() {
    return "["
        + status
        + "] "
        + stage.title()
        + (source.isEmpty() ? "" : " (" + source + ")")
        + ": "
        + summary;
  }
}
