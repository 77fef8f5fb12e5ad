package dev.mailpath.diag.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailpath.diag.posture.MailPostureCheck;
import dev.mailpath.diag.posture.MailPostureReport;
import dev.mailpath.diag.posture.PostureCategory;
import dev.mailpath.diag.spark.internal.ExecutorChecks;
import dev.mailpath.diag.testkit.DnsFault;
import dev.mailpath.diag.testkit.DnssecTestSigner;
import dev.mailpath.diag.testkit.LocalDnsZoneServer;
import dev.mailpath.diag.testkit.PolicySmtpServer;
import dev.mailpath.diag.testkit.TestCertificates;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job in Spark's local mode (two task threads in one JVM, so one executor) against the test
 * kit's servers on loopback: a zone of 30 domains served by three exchange hosts, one SMTP server
 * with STARTTLS on each of 127.0.0.1, 127.0.0.2 and 127.0.0.3 (the job connects to every exchange
 * on one port), counting connections at the servers.
 */
class SparkPostureJobTest {
  static final String ROOT =
      "$ORIGIN .\n$TTL 300\n@ SOA ns.test. h.test. 1 3600 600 86400 300\n@ NS ns.test.\n"
          + "test. NS ns.test.\nns.test. A 127.0.0.1\n";
  static final int DOMAINS = 30;
  static final int HOSTS = 3;

  static TestCertificates.ServerCertificate cert;
  static final List<PolicySmtpServer> smtp = new ArrayList<>();
  static LocalDnsZoneServer dns;
  static SparkSession spark;
  static String anchor = DnssecTestSigner.create(".").ds();

  @BeforeAll
  static void start() throws Exception {
    cert = TestCertificates.selfSigned("mx0.prov.test", "mx1.prov.test", "mx2.prov.test");
    for (int h = 0; h < HOSTS; h++) {
      PolicySmtpServer.Builder b =
          PolicySmtpServer.builder()
              .hostname("mx" + h + ".prov.test")
              .localDomain("prov.test")
              .startTls(cert.serverContext())
              .bindAddress(InetAddress.getByName("127.0.0." + (h + 1)));
      if (h > 0) {
        b.port(smtp.get(0).port());
      }
      smtp.add(b.start());
    }
    StringBuilder zone =
        new StringBuilder("$ORIGIN test.\n$TTL 300\n@ SOA ns h 1 3600 600 86400 300\n@ NS ns\n")
            .append("ns A 127.0.0.1\n");
    for (int h = 0; h < HOSTS; h++) {
      zone.append("mx").append(h).append(".prov A 127.0.0.").append(h + 1).append('\n');
    }
    for (int i = 0; i < DOMAINS; i++) {
      domainRecords(zone, "d" + i, i % HOSTS);
    }
    domainRecords(zone, "retry", 0);
    domainRecords(zone, "later", 1);
    zone.append("open MX 10 mx0.prov\nopen TXT \"v=spf1 +all\"\n");
    zone.append("nomail-a MX 0 .\nnomail-b MX 0 .\n");
    dns = LocalDnsZoneServer.builder().zone(".", ROOT).zone("test.", zone.toString()).start();
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("diag-spark-test")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            // A few dozen rows: interpreting the plans is faster than compiling them.
            .config("spark.sql.codegen.wholeStage", "false")
            .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
            .getOrCreate();
  }

  static void domainRecords(StringBuilder zone, String name, int host) {
    zone.append(name)
        .append(" MX 10 mx")
        .append(host)
        .append(".prov\n")
        .append(name)
        .append(" TXT \"v=spf1 ip4:127.0.0.0/8 -all\"\n")
        .append("_dmarc.")
        .append(name)
        .append(" TXT \"v=DMARC1; p=reject; rua=mailto:d@")
        .append(name)
        .append(".test\"\n")
        .append("s1._domainkey.")
        .append(name)
        .append(" TXT \"v=DKIM1; p=\"\n");
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    List<AutoCloseable> all = new ArrayList<>(smtp);
    all.add(dns);
    for (AutoCloseable c : all) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // best effort
      }
    }
  }

  static SparkPostureJob.Builder job() {
    return SparkPostureJob.builder()
        .dns(d -> d.server(dns.address()).timeout(Duration.ofMillis(800)).retries(0))
        .trustedCertificates(List.of(cert.certificatePem()))
        .trustAnchors(List.of(anchor))
        .smtpPort(smtp.get(0).port())
        .smtpTimeout(Duration.ofSeconds(5))
        .deadline(Duration.ofSeconds(30))
        .maxInFlightPerPartition(4)
        .retryBackoff(Duration.ofMillis(100))
        .partitions(4);
  }

  static List<String> domains(int n) {
    return IntStream.range(0, n).mapToObj(i -> "d" + i + ".test").collect(Collectors.toList());
  }

  static int[] connections() {
    return smtp.stream().mapToInt(PolicySmtpServer::connectionCount).toArray();
  }

  static int[] since(int[] before) {
    int[] now = connections();
    return IntStream.range(0, now.length).map(i -> now[i] - before[i]).toArray();
  }

  @Test
  void everyDomainGetsARecordAndEachExchangeHostIsProbedOnce() {
    int[] before = connections();
    List<String> input = new ArrayList<>(domains(DOMAINS));
    input.add("D0.TEST."); // the same domain again, written differently
    input.add("open.test");
    input.add("not a domain!");
    Dataset<Row> out = job().build().run(spark.createDataset(input, Encoders.STRING()));
    List<Row> rows = out.collectAsList();

    assertThat(since(before)).as("SMTP connections per exchange host").containsExactly(1, 1, 1);
    assertThat(rows).extracting(r -> r.<String>getAs("domain")).doesNotHaveDuplicates();
    assertThat(rows).hasSize(DOMAINS + 2);
    Map<String, Row> byDomain =
        rows.stream().collect(Collectors.toMap(r -> r.getAs("domain"), r -> r));

    // The same scores as one MailPostureCheck gives for the domain.
    MailPostureCheck direct =
        MailPostureCheck.builder()
            .dns(job().build().dns())
            .tls(t -> t.trustManager(ExecutorChecks.trustManager(List.of(cert.certificatePem()))))
            .trustAnchors(List.of(anchor))
            .smtpPort(smtp.get(0).port())
            .build();
    MailPostureReport expected = direct.check("d4.test");
    Row d4 = byDomain.get("d4.test");
    assertThat(d4.<Integer>getAs("score")).isEqualTo(expected.score().getAsInt());
    assertThat(d4.getJavaMap(d4.fieldIndex("category_scores")))
        .containsEntry("AUTHENTICATION", 100)
        .containsEntry(
            "STARTTLS_DANE",
            expected.score(PostureCategory.STARTTLS_DANE).orElseThrow().score().getAsInt());

    for (int i = 0; i < DOMAINS; i++) {
      Row r = byDomain.get("d" + i + ".test");
      String host = "mx" + (i % HOSTS) + ".prov.test";
      assertThat(r.<String>getAs("primary_exchange")).isEqualTo(host);
      assertThat(r.<Boolean>getAs("incomplete")).as(r.<String>getAs("report_json")).isFalse();
      assertThat(r.<Integer>getAs("score")).isEqualTo(expected.score().getAsInt());
      assertThat(r.<Integer>getAs("attempts")).isEqualTo(1);
      assertThat(r.<String>getAs("dmarc_policy")).isEqualTo("reject");
      List<Row> exchanges = r.getList(r.fieldIndex("exchanges"));
      assertThat(exchanges)
          .singleElement()
          .satisfies(e -> assertThat(e.getString(0)).isEqualTo(host));
      Row address = exchanges.get(0).<Row>getList(3).get(0);
      assertThat(address.<String>getAs("address")).isEqualTo("127.0.0." + (i % HOSTS + 1));
      assertThat(address.<Boolean>getAs("starttls")).isTrue();
      assertThat(address.<String>getAs("tls_protocol")).startsWith("TLSv1.");
      assertThat(address.<Boolean>getAs("certificate_valid")).isTrue();
      assertThat(r.<String>getAs("report_json")).contains("\"domain\":\"d" + i + ".test\"");
    }
    Row open = byDomain.get("open.test");
    assertThat(open.getList(open.fieldIndex("tests")))
        .anySatisfy(
            t -> {
              assertThat(((Row) t).getString(0)).isEqualTo("spf.policy");
              assertThat(((Row) t).getString(3)).isEqualTo("FAIL");
            });
    assertThat(open.getList(open.fieldIndex("findings"))).isNotEmpty();
    Row rejected = byDomain.get("not a domain!");
    assertThat(rejected.<String>getAs("error")).isEqualTo("not a domain name");
    assertThat(rejected.<Integer>getAs("attempts")).isZero();
    assertThat(out.schema()).isEqualTo(SparkPostureJob.schema());
  }

  @Test
  void jsonLinesAndParquetAreWrittenAndReadBackAndAReRunSkipsDoneDomains(@TempDir Path dir)
      throws IOException {
    Path input = dir.resolve("domains.csv");
    List<String> lines = new ArrayList<>(List.of("domain,owner"));
    domains(6).forEach(d -> lines.add(d + ",customer"));
    Files.write(input, lines);
    SparkPostureJob job = job().build();
    for (PostureOutputFormat format : PostureOutputFormat.values()) {
      String output = dir.resolve("out-" + format).toUri().toString();
      PostureRunSummary first = job.run(spark, input.toUri().toString(), output, format);
      assertThat(first).isEqualTo(new PostureRunSummary(6, 0, 6));

      Dataset<Row> back =
          spark.read().schema(SparkPostureJob.schema()).format(format.source()).load(output);
      assertThat(back.count()).isEqualTo(6);
      List<Row> rows = back.collectAsList();
      assertThat(rows)
          .extracting(r -> r.<String>getAs("domain"))
          .containsExactlyInAnyOrderElementsOf(domains(6));
      assertThat(rows).allSatisfy(r -> assertThat(r.<Integer>getAs("score")).isNotNull());
      if (format == PostureOutputFormat.PARQUET) {
        assertThat(spark.read().parquet(output).schema().fieldNames())
            .containsExactly(SparkPostureJob.schema().fieldNames());
      } else {
        String line =
            Files.list(Path.of(java.net.URI.create(output)))
                .filter(p -> p.getFileName().toString().endsWith(".json"))
                .flatMap(
                    p -> {
                      try {
                        return Files.readAllLines(p).stream();
                      } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                      }
                    })
                .findFirst()
                .orElseThrow();
        assertThat(line).startsWith("{\"domain\":\"d").contains("\"category_scores\":{");
      }

      // The same list again plus one new domain: only the new one is checked.
      List<String> more = new ArrayList<>(lines);
      more.add("later.test");
      Files.write(input, more);
      int[] before = connections();
      PostureRunSummary second = job.run(spark, input.toUri().toString(), output, format);
      assertThat(second).isEqualTo(new PostureRunSummary(7, 6, 1));
      assertThat(since(before)).as("only later.test's exchange").containsExactly(0, 1, 0);
      assertThat(
              spark
                  .read()
                  .schema(SparkPostureJob.schema())
                  .format(format.source())
                  .load(output)
                  .count())
          .isEqualTo(7);

      before = connections();
      PostureRunSummary third = job.run(spark, input.toUri().toString(), output, format);
      assertThat(third).isEqualTo(new PostureRunSummary(7, 7, 0));
      assertThat(since(before)).containsExactly(0, 0, 0);
      Files.write(input, lines);
    }
  }

  @Test
  void aDomainWhoseDnsTimesOutFirstIsCheckedAgain() {
    // The first query for retry.test's SPF record goes unanswered; the second is answered.
    dns.setFaults(List.of(DnsFault.drop().forName("retry.test").forType("TXT").times(1)));
    try {
      List<Row> rows =
          job()
              .retries(2)
              .build()
              .run(spark.createDataset(List.of("retry.test", "d1.test"), Encoders.STRING()))
              .collectAsList();
      Map<String, Row> byDomain =
          rows.stream().collect(Collectors.toMap(r -> r.getAs("domain"), r -> r));
      Row retried = byDomain.get("retry.test");
      assertThat(retried.<Integer>getAs("attempts"))
          .as(retried.<String>getAs("report_json"))
          .isEqualTo(2);
      assertThat(retried.<Boolean>getAs("incomplete")).isFalse();
      assertThat(retried.getJavaMap(retried.fieldIndex("category_scores")))
          .containsEntry("AUTHENTICATION", 100);
      assertThat(byDomain.get("d1.test").<Integer>getAs("attempts")).isEqualTo(1);
    } finally {
      dns.clearFaults();
    }
  }

  @Test
  void withoutRetriesTheTemporaryFailureIsRecordedAsIs() {
    dns.setFaults(List.of(DnsFault.drop().forName("retry.test").forType("TXT").times(1)));
    try {
      Row r =
          job()
              .retries(0)
              .build()
              .run(spark.createDataset(List.of("retry.test"), Encoders.STRING()))
              .first();
      assertThat(r.<Integer>getAs("attempts")).isEqualTo(1);
      assertThat(r.getList(r.fieldIndex("findings")))
          .extracting(f -> ((Row) f).getString(0))
          .as(r.<String>getAs("report_json"))
          .containsAnyOf("spf.dns-timeout", "spf.temperror", "dns.timeout");
    } finally {
      dns.clearFaults();
    }
  }

  /** How many distinct partitions each primary exchange's domains were put in. */
  static java.util.Map<String, Long> partitionsPerExchange(Dataset<Row> grouped) {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    for (Row r :
        grouped
            .withColumn("pid", org.apache.spark.sql.functions.spark_partition_id())
            .groupBy("primary_exchange")
            .agg(org.apache.spark.sql.functions.countDistinct("pid").as("n"))
            .collectAsList()) {
      out.put(r.getString(0), r.getLong(1));
    }
    return out;
  }

  static Dataset<Row> keyed(int big, int small) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < big; i++) {
      rows.add(org.apache.spark.sql.RowFactory.create("b" + i + ".test", "mx.big.test"));
    }
    for (int i = 0; i < small; i++) {
      rows.add(org.apache.spark.sql.RowFactory.create("s" + i + ".test", "mx.small.test"));
    }
    return spark.createDataFrame(rows, dev.mailpath.diag.spark.internal.PostureRows.KEYED);
  }

  @Test
  void aBigProviderIsSplitIntoGroupsWhileASmallOneStaysInOnePartition() {
    Dataset<Row> keyed = keyed(200, 20);

    Dataset<Row> grouped = job().maxDomainsPerGroup(40).build().grouped(keyed, 16);

    assertThat(grouped.count()).isEqualTo(220);
    assertThat(grouped.columns()).containsExactly("domain", "primary_exchange");
    java.util.Map<String, Long> spread = partitionsPerExchange(grouped);
    // 200 domains in groups of about 40: five groups, spread over more than one partition.
    assertThat(spread.get("mx.big.test")).isBetween(2L, 5L);
    assertThat(spread.get("mx.small.test")).isEqualTo(1L);
  }

  @Test
  void withoutASplitEveryProviderStaysInOnePartition() {
    Dataset<Row> keyed = keyed(200, 20);

    Dataset<Row> grouped = job().maxDomainsPerGroup(0).build().grouped(keyed, 16);

    assertThat(grouped.count()).isEqualTo(220);
    assertThat(partitionsPerExchange(grouped))
        .containsEntry("mx.big.test", 1L)
        .containsEntry("mx.small.test", 1L);
  }

  @Test
  void settingsAreCheckedAtOnceAndRoundTrip() {
    assertThatThrownBy(() -> SparkPostureJob.builder().retries(-1)).hasMessageContaining("retries");
    assertThatThrownBy(() -> SparkPostureJob.builder().maxConnectionsPerHost(0))
        .hasMessageContaining("maxConnectionsPerHost");
    assertThatThrownBy(() -> SparkPostureJob.builder().maxConnectionsPerMinutePerHost(-1))
        .hasMessageContaining("maxConnectionsPerMinutePerHost");
    assertThatThrownBy(() -> SparkPostureJob.builder().maxDomainsPerGroup(-1))
        .hasMessageContaining("maxDomainsPerGroup");
    assertThatThrownBy(() -> SparkPostureJob.builder().maxInFlightPerPartition(0))
        .hasMessageContaining("maxInFlightPerPartition");
    assertThatThrownBy(() -> SparkPostureJob.builder().trustedCertificates(List.of("nope")))
        .hasMessageContaining("trustedCertificates");
    SparkPostureJob j =
        job()
            .dns(d -> d.maxInFlightPerServer(8).rateLimit(50))
            .maxConnectionsPerHost(3)
            .maxConnectionsPerMinutePerHost(30)
            .maxDomainsPerGroup(500)
            .build();
    SparkPostureJob copy = j.toBuilder().build();
    assertThat(copy.dns()).isEqualTo(j.dns());
    assertThat(copy.dns().rateLimit()).isEqualTo(50);
    assertThat(copy.dns().maxInFlightPerServer()).isEqualTo(8);
    assertThat(copy.maxConnectionsPerHost()).isEqualTo(3);
    assertThat(copy.maxConnectionsPerMinutePerHost()).isEqualTo(30);
    assertThat(copy.maxDomainsPerGroup()).isEqualTo(500);
    assertThat(SparkPostureJob.builder().build().maxDomainsPerGroup()).isEqualTo(10_000);
    assertThat(Arrays.asList(SparkPostureJob.schema().fieldNames()))
        .startsWith("domain", "primary_exchange", "score", "category_scores");
  }

  @Test
  void theSparkSubmitProgramWritesOneRecordPerDomainAndSaysWhatItDid(@TempDir Path dir)
      throws IOException {
    Path input = dir.resolve("domains.txt");
    Files.write(input, List.of("nomail-a.test", "nomail-b.test", "# a comment", ""));
    String output = dir.resolve("out").toUri().toString();
    String[] args = {
      "--format",
      "jsonl",
      "--dns",
      "127.0.0.1:" + dns.port(),
      "--retries",
      "0",
      "--deadline",
      "20",
      "--partitions",
      "2",
      input.toUri().toString(),
      output
    };
    assertThat(PostureJobMain.run(spark, args))
        .startsWith("2 domains in the input, 0 already done, 2 checked");
    List<Row> rows = spark.read().schema(SparkPostureJob.schema()).json(output).collectAsList();
    assertThat(rows)
        .extracting(r -> r.<String>getAs("domain"))
        .containsExactlyInAnyOrder("nomail-a.test", "nomail-b.test");
    assertThat(rows).allSatisfy(r -> assertThat(r.getList(r.fieldIndex("exchanges"))).isEmpty());
    assertThat(PostureJobMain.run(spark, args))
        .startsWith("2 domains in the input, 2 already done");

    assertThatThrownBy(() -> PostureJobMain.main(new String[] {"only-input"}))
        .hasMessageContaining("expected INPUT and OUTPUT");
    assertThatThrownBy(() -> PostureJobMain.main(new String[] {"--format", "xml", "a", "b"}))
        .hasMessageContaining("unknown format");
  }
}
