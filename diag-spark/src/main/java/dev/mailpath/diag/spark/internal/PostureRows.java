package dev.mailpath.diag.spark.internal;

import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.json.DiagJson;
import dev.mailpath.diag.posture.AddressPosture;
import dev.mailpath.diag.posture.DaneReport;
import dev.mailpath.diag.posture.DnsblReport;
import dev.mailpath.diag.posture.ExchangePosture;
import dev.mailpath.diag.posture.MailPostureReport;
import dev.mailpath.diag.posture.PostureScore;
import dev.mailpath.diag.posture.PostureTest;
import dev.mailpath.diag.smtp.TlsInfo;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The one schema of the job's output and the conversion of a {@link MailPostureReport} to a row of
 * it. docs/spark.md documents every column; change both together.
 */
public final class PostureRows {
  private PostureRows() {}

  /** The schema of stage 1: a domain and the host it is grouped by. */
  public static final StructType KEYED =
      new StructType(
          new StructField[] {
            field("domain", DataTypes.StringType, false),
            field("primary_exchange", DataTypes.StringType, false)
          });

  private static final StructType TEST =
      struct(
          field("id", DataTypes.StringType, false),
          field("category", DataTypes.StringType, false),
          field("required", DataTypes.BooleanType, false),
          field("result", DataTypes.StringType, false));

  private static final StructType ADDRESS =
      struct(
          field("address", DataTypes.StringType, false),
          field("ipv6", DataTypes.BooleanType, false),
          field("reachable", DataTypes.BooleanType, false),
          field("starttls", DataTypes.BooleanType, false),
          field("tls_protocol", DataTypes.StringType, true),
          field("certificate_valid", DataTypes.BooleanType, true));

  private static final StructType EXCHANGE =
      struct(
          field("host", DataTypes.StringType, false),
          field("preference", DataTypes.IntegerType, false),
          field("dnssec", DataTypes.StringType, false),
          field("addresses", DataTypes.createArrayType(ADDRESS, false), false));

  private static final StructType FINDING =
      struct(
          field("code", DataTypes.StringType, false),
          field("severity", DataTypes.StringType, false),
          field("summary", DataTypes.StringType, false));

  /** The schema of every record the job writes. */
  public static final StructType SCHEMA =
      struct(
          field("domain", DataTypes.StringType, false),
          field("primary_exchange", DataTypes.StringType, true),
          field("score", DataTypes.IntegerType, true),
          field(
              "category_scores",
              DataTypes.createMapType(DataTypes.StringType, DataTypes.IntegerType, true),
              true),
          field("tests", DataTypes.createArrayType(TEST, false), true),
          field("exchanges", DataTypes.createArrayType(EXCHANGE, false), true),
          field("mta_sts_mode", DataTypes.StringType, true),
          field("dmarc_policy", DataTypes.StringType, true),
          field("dnssec", DataTypes.StringType, true),
          field("dane", DataTypes.StringType, true),
          field("listed", DataTypes.BooleanType, true),
          field("findings", DataTypes.createArrayType(FINDING, false), true),
          field("outcome", DataTypes.StringType, true),
          field("incomplete", DataTypes.BooleanType, false),
          field("error", DataTypes.StringType, true),
          field("elapsed_ms", DataTypes.LongType, true),
          field("checked_at", DataTypes.TimestampType, true),
          field("attempts", DataTypes.IntegerType, false),
          field("report_json", DataTypes.StringType, true));

  private static StructField field(String name, DataType type, boolean nullable) {
    return DataTypes.createStructField(name, type, nullable);
  }

  private static StructType struct(StructField... fields) {
    return DataTypes.createStructType(fields);
  }

  /**
   * Converts a report to a record.
   *
   * @param domain the domain as the input named it (the key re-runs compare)
   * @param primaryExchange the host the domain was grouped by
   * @param r the report
   * @param attempts how many checks it took
   * @return the row
   */
  public static Row row(String domain, String primaryExchange, MailPostureReport r, int attempts) {
    Map<String, Integer> categories = new LinkedHashMap<>();
    for (PostureScore s : r.scores()) {
      categories.put(
          s.category().name(),
          s.score().isPresent() ? Integer.valueOf(s.score().getAsInt()) : null);
    }
    List<Row> tests = new ArrayList<>();
    for (PostureTest t : r.tests()) {
      tests.add(RowFactory.create(t.id(), t.category().name(), t.required(), t.result().name()));
    }
    List<Row> exchanges = new ArrayList<>();
    for (ExchangePosture e : r.exchanges()) {
      List<Row> addresses = new ArrayList<>();
      for (AddressPosture a : e.addresses()) {
        addresses.add(
            RowFactory.create(
                a.address(),
                a.ipv6(),
                a.reachable(),
                a.startTls(),
                a.tls().flatMap(TlsInfo::protocol).orElse(null),
                a.tls().map(TlsInfo::verified).orElse(null)));
      }
      exchanges.add(
          RowFactory.create(e.host(), e.preference(), e.addressStatus().name(), seq(addresses)));
    }
    List<Row> findings = new ArrayList<>();
    for (Finding f : r.findings()) {
      findings.add(RowFactory.create(f.code(), f.severity().name(), f.summary()));
    }
    String dane =
        r.tests().stream()
            .filter(t -> t.id().equals("dane.valid"))
            .map(t -> t.result().name())
            .findFirst()
            .orElse(null);
    return RowFactory.create(
        domain,
        primaryExchange,
        r.score().isPresent() ? Integer.valueOf(r.score().getAsInt()) : null,
        CollectionConverters.asScala(categories),
        seq(tests),
        seq(exchanges),
        r.mtaSts()
            .flatMap(m -> m.policy())
            .map(p -> p.mode().name().toLowerCase(Locale.ROOT))
            .orElse(null),
        r.dmarc()
            .flatMap(d -> d.appliedPolicy())
            .map(p -> p.name().toLowerCase(Locale.ROOT))
            .orElse(null),
        r.dane().map(DaneReport::mxStatus).map(Enum::name).orElse(null),
        dane,
        r.dnsbl().stream().anyMatch(DnsblReport::listed),
        seq(findings),
        r.outcome().name(),
        r.incomplete(),
        null,
        r.elapsed().toMillis(),
        Timestamp.from(r.startedAt()),
        attempts,
        DiagJson.toJson(r));
  }

  /**
   * The record of an input line that is not a domain name: nothing was checked.
   *
   * @param domain the line
   * @param error why it was not checked
   * @return the row
   */
  public static Row rejected(String domain, String error) {
    return RowFactory.create(
        domain, null, null, null, null, null, null, null, null, null, null, null, null, true, error,
        null, null, 0, null);
  }

  private static scala.collection.immutable.Seq<Row> seq(List<Row> rows) {
    return CollectionConverters.asScala(rows).toSeq();
  }
}
