/**
 * The mail posture of many domains as an Apache Spark job: {@link
 * dev.mailpath.diag.spark.SparkPostureJob} groups domains by their primary exchange host so that
 * each host is probed once per executor, limits connections and DNS queries per target, retries
 * temporary failures and writes one record per domain (JSON Lines or Parquet, one schema); a re-run
 * skips the domains already done. Spark itself is supplied by the cluster.
 */
package dev.mailpath.diag.spark;
