/** The Spark functions and executor-side state of diag-spark; not API. */
package dev.mailpath.diag.spark.internal;
