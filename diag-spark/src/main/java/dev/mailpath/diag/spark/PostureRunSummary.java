package dev.mailpath.diag.spark;

/**
 * What one {@link SparkPostureJob#run(org.apache.spark.sql.SparkSession, String, String,
 * PostureOutputFormat)} did.
 *
 * @param inputDomains distinct domains (and other non-empty lines) in the input
 * @param skippedDomains of those, the ones the output already held a finished record for
 * @param checkedDomains the ones checked by this run and appended to the output
 */
public record PostureRunSummary(long inputDomains, long skippedDomains, long checkedDomains) {

  /**
   * Checks the components.
   *
   * @param inputDomains see the record component
   * @param skippedDomains see the record component
   * @param checkedDomains see the record component
   * @throws IllegalArgumentException when a count is negative
   */
  public PostureRunSummary {
    if (inputDomains < 0 || skippedDomains < 0 || checkedDomains < 0) {
      throw new IllegalArgumentException("counts must not be negative");
    }
  }
}
