package dev.mailpath.diag.spark;

/**
 * The file format {@link SparkPostureJob#run(org.apache.spark.sql.SparkSession, String, String,
 * PostureOutputFormat)} writes; both hold the same columns ({@link SparkPostureJob#schema()}).
 */
public enum PostureOutputFormat {
  /** One JSON object a line (Spark's {@code json} source); read back with the schema. */
  JSON_LINES("json"),
  /** Apache Parquet, columnar and compressed; the schema travels with the files. */
  PARQUET("parquet");

  private final String source;

  PostureOutputFormat(String source) {
    this.source = source;
  }

  /**
   * Returns the name of Spark's data source for the format.
   *
   * @return {@code json} or {@code parquet}
   */
  public String source() {
    return source;
  }
}
