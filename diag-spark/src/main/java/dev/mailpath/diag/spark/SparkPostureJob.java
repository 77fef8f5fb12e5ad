package dev.mailpath.diag.spark;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import dev.mailpath.diag.core.IpAddressText;
import dev.mailpath.diag.dns.DnsSettings;
import dev.mailpath.diag.posture.DnsblList;
import dev.mailpath.diag.posture.MailPostureCheck;
import dev.mailpath.diag.spark.internal.CheckPartition;
import dev.mailpath.diag.spark.internal.ExecutorChecks;
import dev.mailpath.diag.spark.internal.InputLines;
import dev.mailpath.diag.spark.internal.JobSettings;
import dev.mailpath.diag.spark.internal.KeyByExchange;
import dev.mailpath.diag.spark.internal.PostureRows;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructType;

/**
 * The mail posture of many domains on Apache Spark: {@link MailPostureCheck} run by the executors,
 * one record per domain.
 *
 * <pre>{@code
 * SparkPostureJob job = SparkPostureJob.builder()
 *     .dns(d -> d.server("10.0.0.53").maxInFlightPerServer(64).rateLimit(200))
 *     .maxConnectionsPerHost(2)
 *     .retries(2)
 *     .build();
 * Dataset<Row> records = job.run(spark.read().textFile("domains.txt"));   // lazy
 * job.run(spark, "s3a://bucket/domains.txt", "s3a://bucket/posture", PostureOutputFormat.PARQUET);
 * }</pre>
 *
 * <p><b>How it runs.</b> Stage 1 resolves each domain's MX records and keys the domain by its
 * primary exchange host; the domains are then repartitioned by that key, so all domains of one
 * provider land in one partition and so on one executor (a provider with more than {@link
 * Builder#maxDomainsPerGroup(int)} domains is split into groups of that size, so that one big
 * provider does not leave one task with most of the work). Stage 2 checks each partition with the
 * executor's single {@link MailPostureCheck} (one DNS transport, one SMTP client and one exchange
 * cache per executor JVM, built on first use), so each exchange host is probed once per executor
 * per run and its results joined to every domain it serves. A domain whose result is a temporary
 * failure is checked again up to {@link Builder#retries(int)} times with a doubling backoff.
 *
 * <p><b>Politeness.</b> {@link Builder#maxConnectionsPerHost(int)} bounds the SMTP connections at
 * once to one address per executor JVM, and {@link Builder#maxConnectionsPerMinutePerHost(int)}
 * their starts a minute; the bound across the cluster is executors × limit, and since the grouping
 * sends one provider's domains to one executor, a host is in practice contacted by one executor.
 * The DNS servers are guarded per executor by {@link DnsSettings#maxInFlightPerServer()} and {@link
 * DnsSettings#rateLimit()} (queries per second): an executor builds one {@link DnsSettings} per
 * run, and stage 1's MX lookups and every part of stage 2's check share its one budget per server,
 * however many task threads run them.
 *
 * <p>Immutable and thread-safe once built; the settings are serializable values that Spark ships to
 * the executors. Columns: {@link #schema()} and {@code docs/spark.md}.
 */
public final class SparkPostureJob {
  /** Domains of one primary exchange that one task checks at most, unless configured. */
  private static final int DEFAULT_MAX_DOMAINS_PER_GROUP = 10_000;

  private final JobSettings settings;
  private final int partitions;
  private final int maxDomainsPerGroup;

  private SparkPostureJob(Builder b) {
    this.settings =
        new JobSettings(
            "",
            servers(b.dns),
            b.dns.timeout(),
            b.dns.retries(),
            b.dns.tcpOnly(),
            b.dns.maxInFlightPerServer(),
            b.dns.rateLimit(),
            b.dns.deadline(),
            b.smtpPort,
            b.policyPort,
            b.smtpTimeout,
            b.trustAnchors,
            b.trustedCertificates,
            b.dkimSelectors,
            ExecutorChecks.dnsblText(b.dnsblLists),
            b.deadline,
            b.maxConnectionsPerHost,
            b.maxConnectionsPerMinutePerHost,
            b.exchangeCacheSize,
            b.maxInFlightPerPartition,
            b.retries,
            b.retryBackoff);
    this.partitions = b.partitions;
    this.maxDomainsPerGroup = b.maxDomainsPerGroup;
  }

  private static List<String> servers(DnsSettings dns) {
    List<String> out = new ArrayList<>();
    for (InetSocketAddress a : dns.servers()) {
      out.add(IpAddressText.format(a));
    }
    return out;
  }

  /**
   * Starts configuring a job.
   *
   * @return a builder with the executors' system resolvers, port 25 and 443, the JDK's trust store,
   *     the IANA root trust anchor, a 120 s deadline per domain, 20 s SMTP timeouts, 2 connections
   *     per host, 16 domains at once per task, 1 retry after 2 s, an exchange cache of 100,000
   *     hosts, groups of at most 10,000 domains and {@code spark.sql.shuffle.partitions} partitions
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this job's settings.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.dns = ExecutorChecks.dns(settings);
    b.smtpPort = settings.smtpPort();
    b.policyPort = settings.policyPort();
    b.smtpTimeout = settings.smtpTimeout();
    b.trustAnchors = settings.trustAnchors();
    b.trustedCertificates = settings.trustedCertificates();
    b.dkimSelectors = settings.dkimSelectors();
    b.dnsblLists = ExecutorChecks.dnsbl(settings.dnsblLists());
    b.deadline = settings.deadline();
    b.maxConnectionsPerHost = settings.maxConnectionsPerHost();
    b.maxConnectionsPerMinutePerHost = settings.maxConnectionsPerMinutePerHost();
    b.exchangeCacheSize = settings.exchangeCacheSize();
    b.maxInFlightPerPartition = settings.maxInFlightPerPartition();
    b.retries = settings.retries();
    b.retryBackoff = settings.retryBackoff();
    b.partitions = partitions;
    b.maxDomainsPerGroup = maxDomainsPerGroup;
    return b;
  }

  /**
   * Returns the schema of every record the job produces, documented column by column in {@code
   * docs/spark.md}. Read JSON Lines output back with it: {@code
   * spark.read().schema(SparkPostureJob.schema()).json(path)}.
   *
   * @return the schema
   */
  public static StructType schema() {
    return PostureRows.SCHEMA;
  }

  /**
   * Returns the limit of connections (SMTP, MTA-STS) at once to one address, per executor JVM.
   *
   * @return the limit
   */
  public int maxConnectionsPerHost() {
    return settings.maxConnectionsPerHost();
  }

  /**
   * Returns how many domains of one primary exchange one task checks at most.
   *
   * @return domains per group, 0 when a primary exchange's domains are never split
   */
  public int maxDomainsPerGroup() {
    return maxDomainsPerGroup;
  }

  /**
   * Returns the limit of connections (SMTP, MTA-STS) a minute to one address, per executor.
   *
   * @return connections a minute, 0 for no limit
   */
  public int maxConnectionsPerMinutePerHost() {
    return settings.maxConnectionsPerMinutePerHost();
  }

  /**
   * Returns how many domains one task checks at once.
   *
   * @return the limit
   */
  public int maxInFlightPerPartition() {
    return settings.maxInFlightPerPartition();
  }

  /**
   * Returns how many further attempts a temporary failure gets.
   *
   * @return the retries
   */
  public int retries() {
    return settings.retries();
  }

  /**
   * Returns the DNS settings the executors use.
   *
   * @return the settings
   */
  public DnsSettings dns() {
    return ExecutorChecks.dns(settings);
  }

  /**
   * Checks the domains: one record per distinct domain, of {@link #schema()}. Lines are read as
   * {@code run(SparkSession, ...)} reads them (first CSV field, lower case; blank lines, {@code #}
   * comments and a {@code domain} header skipped); a line that is not a domain name gets a record
   * with {@code error} set and nothing checked. The result is lazy: every action on it checks
   * again, so write it once (or cache it).
   *
   * @param domains the domains, one a row
   * @return the records
   */
  public Dataset<Row> run(Dataset<String> domains) {
    requireNonNull(domains, "domains");
    return check(clean(domains), domains.sparkSession());
  }

  private Dataset<Row> check(Dataset<String> cleaned, SparkSession spark) {
    JobSettings s = settings.withRunId(UUID.randomUUID().toString());
    Dataset<String> valid = cleaned.filter((FilterFunction<String>) InputLines::valid);
    Dataset<String> invalid = cleaned.filter((FilterFunction<String>) d -> !InputLines.valid(d));
    Dataset<Row> keyed = valid.mapPartitions(new KeyByExchange(s), Encoders.row(PostureRows.KEYED));
    int n =
        partitions > 0
            ? partitions
            : Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions", "200"));
    Dataset<Row> checked =
        grouped(keyed, n)
            .sortWithinPartitions("primary_exchange", "domain")
            .mapPartitions(new CheckPartition(s), Encoders.row(PostureRows.SCHEMA));
    Dataset<Row> rejected =
        invalid.map(
            (MapFunction<String, Row>) d -> PostureRows.rejected(d, "not a domain name"),
            Encoders.row(PostureRows.SCHEMA));
    return checked.union(rejected);
  }

  /**
   * Partitions keyed domains so that each primary exchange's domains go to one task, except that a
   * primary exchange with more than {@code maxDomainsPerGroup} domains is split into groups of
   * about that size (by a hash of the domain), each going to its own task: a provider that hosts a
   * third of a zone would otherwise leave one task with a third of the work while the others idle.
   * Each group probes the provider's hosts once. The sizes come from a window count, so nothing
   * runs before an action.
   *
   * @param keyed rows of domain and primary exchange
   * @param n partitions
   * @return the rows, partitioned
   */
  Dataset<Row> grouped(Dataset<Row> keyed, int n) {
    if (maxDomainsPerGroup == 0) {
      return keyed.repartition(n, col("primary_exchange"));
    }
    Column size = count(lit(1)).over(Window.partitionBy(col("primary_exchange")));
    Column group =
        when(
                size.gt(maxDomainsPerGroup),
                pmod(xxhash64(col("domain")), ceil(size.divide(maxDomainsPerGroup))))
            .otherwise(lit(0L));
    return keyed
        .withColumn("exchange_group", group)
        .repartition(n, col("primary_exchange"), col("exchange_group"))
        .select(col("domain"), col("primary_exchange"));
  }

  private static Dataset<String> clean(Dataset<String> lines) {
    return lines
        .map((MapFunction<String, String>) InputLines::domain, Encoders.STRING())
        .filter((FilterFunction<String>) d -> !d.isEmpty())
        .distinct();
  }

  /**
   * Checks the domains of a file and appends their records to the output, skipping the domains that
   * the output already holds a finished record for (not {@code incomplete}, or rejected as
   * malformed): run it again after a failure, or with a longer list, and only what is missing is
   * checked. A domain whose earlier record is incomplete is checked again and gets a second record;
   * the one with the latest {@code checked_at} is current.
   *
   * @param spark the session
   * @param input a text file (or directory of them) with one domain a line, or a CSV file whose
   *     first column is the domain; any path Spark reads ({@code hdfs://}, {@code s3a://}, local)
   * @param output the output directory; created on the first run
   * @param format how to write the records
   * @return what the run did
   * @throws UncheckedIOException when the output cannot be looked at
   */
  public PostureRunSummary run(
      SparkSession spark, String input, String output, PostureOutputFormat format) {
    requireNonNull(spark, "spark");
    requireNonNull(input, "input");
    requireNonNull(output, "output");
    requireNonNull(format, "format");
    Dataset<String> all = clean(spark.read().textFile(input)).cache();
    try {
      long inputCount = all.count();
      Dataset<String> todo = all;
      if (exists(spark, output)) {
        Dataset<Row> done =
            spark
                .read()
                .schema(PostureRows.SCHEMA)
                .format(format.source())
                .load(output)
                .filter(col("incomplete").equalTo(false).or(col("error").isNotNull()))
                .select("domain")
                .distinct();
        todo = all.toDF("domain").join(done, "domain", "left_anti").as(Encoders.STRING()).cache();
      }
      long todoCount = todo.count();
      if (todoCount > 0) {
        check(todo, spark).write().mode(SaveMode.Append).format(format.source()).save(output);
      }
      return new PostureRunSummary(inputCount, inputCount - todoCount, todoCount);
    } finally {
      all.unpersist();
    }
  }

  private static boolean exists(SparkSession spark, String output) {
    try {
      Path p = new Path(output);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      return fs.exists(new Path(p, "_SUCCESS")) || fs.exists(p) && fs.listStatus(p).length > 0;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look at the output " + output, e);
    }
  }

  /** Configures a {@link SparkPostureJob}. Not thread-safe; setters validate at once. */
  public static final class Builder {
    private DnsSettings dns = DnsSettings.system();
    private int smtpPort = 25;
    private int policyPort = 443;
    private Duration smtpTimeout = Duration.ofSeconds(20);
    private List<String> trustAnchors = List.of();
    private List<String> trustedCertificates = List.of();
    private List<String> dkimSelectors = List.of();
    private List<DnsblList> dnsblLists = List.of();
    private Duration deadline = Duration.ofSeconds(120);
    private int maxConnectionsPerHost = 2;
    private int maxConnectionsPerMinutePerHost;
    private int exchangeCacheSize = 100_000;
    private int maxInFlightPerPartition = 16;
    private int retries = 1;
    private Duration retryBackoff = Duration.ofSeconds(2);
    private int partitions;
    private int maxDomainsPerGroup = DEFAULT_MAX_DOMAINS_PER_GROUP;

    private Builder() {}

    /**
     * Sets the DNS servers and options of every executor: servers, timeout, retries, TCP only,
     * {@link DnsSettings#maxInFlightPerServer()} and {@link DnsSettings#rateLimit()} (queries per
     * second to one server, per executor). Servers must be IP addresses; none means each executor's
     * system resolvers.
     *
     * @param dns the settings
     * @return this builder
     */
    public Builder dns(DnsSettings dns) {
      this.dns = requireNonNull(dns, "dns");
      return this;
    }

    /**
     * Edits the DNS settings set so far.
     *
     * @param changes applied to a builder of the current settings
     * @return this builder
     */
    public Builder dns(Consumer<DnsSettings.Builder> changes) {
      DnsSettings.Builder b = dns.toBuilder();
      requireNonNull(changes, "changes").accept(b);
      this.dns = b.build();
      return this;
    }

    /**
     * Sets the SMTP port of the exchanges (25 unless testing).
     *
     * @param port 1 to 65535
     * @return this builder
     */
    public Builder smtpPort(int port) {
      MailPostureCheck.builder().smtpPort(port);
      this.smtpPort = port;
      return this;
    }

    /**
     * Sets the HTTPS port of MTA-STS policy hosts (443 unless testing).
     *
     * @param port 1 to 65535
     * @return this builder
     */
    public Builder policyPort(int port) {
      MailPostureCheck.builder().policyPort(port);
      this.policyPort = port;
      return this;
    }

    /**
     * Sets the timeout of every SMTP phase (connect, greeting, each reply, TLS handshake).
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder smtpTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("smtpTimeout must be positive: " + timeout);
      }
      this.smtpTimeout = timeout;
      return this;
    }

    /**
     * Sets the DNSSEC trust anchors (DS or DNSKEY records as text).
     *
     * @param anchors the anchors; empty for the IANA root's
     * @return this builder
     */
    public Builder trustAnchors(List<String> anchors) {
      List<String> copy = List.copyOf(requireNonNull(anchors, "anchors"));
      if (!copy.isEmpty()) {
        MailPostureCheck.builder().trustAnchors(copy);
      }
      this.trustAnchors = copy;
      return this;
    }

    /**
     * Trusts exactly these certificates (a private CA, a test lab) instead of the JDK's trust store
     * when judging exchange and policy-host certificates. PEM text, shipped to the executors as
     * text since a trust manager cannot be serialized.
     *
     * @param pemCertificates PEM certificates; empty for the JDK's trust store
     * @return this builder
     * @throws IllegalArgumentException when a certificate cannot be read
     */
    public Builder trustedCertificates(List<String> pemCertificates) {
      List<String> copy = List.copyOf(requireNonNull(pemCertificates, "pemCertificates"));
      if (!copy.isEmpty()) {
        ExecutorChecks.trustManager(copy);
      }
      this.trustedCertificates = copy;
      return this;
    }

    /**
     * Sets the DKIM selectors whose keys are looked up.
     *
     * @param selectors the selectors
     * @return this builder
     */
    public Builder dkimSelectors(List<String> selectors) {
      MailPostureCheck.builder().dkimSelectors(selectors);
      this.dkimSelectors = List.copyOf(selectors);
      return this;
    }

    /**
     * Sets the blocklists asked (none unless configured). A list travels as its zone and kind: the
     * well-known lists keep their return codes, any other gets the generic ones of {@link
     * DnsblList#ip(String)} or {@link DnsblList#domain(String)}.
     *
     * @param lists the lists
     * @return this builder
     */
    public Builder dnsblLists(List<DnsblList> lists) {
      this.dnsblLists = List.copyOf(requireNonNull(lists, "lists"));
      return this;
    }

    /**
     * Sets the bound of one domain's check.
     *
     * @param deadline positive
     * @return this builder
     */
    public Builder deadline(Duration deadline) {
      MailPostureCheck.builder().deadline(deadline);
      this.deadline = deadline;
      return this;
    }

    /**
     * Limits the connections at once to one address (SMTP sessions and MTA-STS policy fetches), per
     * executor JVM.
     *
     * @param max at least 1
     * @return this builder
     */
    public Builder maxConnectionsPerHost(int max) {
      MailPostureCheck.builder().maxConnectionsPerHost(max);
      this.maxConnectionsPerHost = max;
      return this;
    }

    /**
     * Limits the connections a minute to one address, per executor JVM (see {@link
     * MailPostureCheck.Builder#maxConnectionsPerMinutePerHost(int)}).
     *
     * @param max 1 to 1,000,000, or 0 for no limit (the default)
     * @return this builder
     */
    public Builder maxConnectionsPerMinutePerHost(int max) {
      MailPostureCheck.builder().maxConnectionsPerMinutePerHost(max);
      this.maxConnectionsPerMinutePerHost = max;
      return this;
    }

    /**
     * Sets how many exchange hosts an executor remembers during a run; a host forgotten is probed
     * again when another domain needs it.
     *
     * @param size at least 1
     * @return this builder
     */
    public Builder exchangeCacheSize(int size) {
      if (size < 1) {
        throw new IllegalArgumentException("exchangeCacheSize must be at least 1: " + size);
      }
      this.exchangeCacheSize = size;
      return this;
    }

    /**
     * Sets how many domains one task checks at once (each executor runs one task per core).
     *
     * @param maxInFlight 1 to 10,000
     * @return this builder
     */
    public Builder maxInFlightPerPartition(int maxInFlight) {
      if (maxInFlight < 1 || maxInFlight > 10_000) {
        throw new IllegalArgumentException(
            "maxInFlightPerPartition must be 1 to 10000: " + maxInFlight);
      }
      this.maxInFlightPerPartition = maxInFlight;
      return this;
    }

    /**
     * Sets how many more times a domain is checked when its result was a temporary failure (a DNS
     * timeout or SERVFAIL, a temperror, parts cut off by the deadline).
     *
     * @param retries 0 to 10
     * @return this builder
     */
    public Builder retries(int retries) {
      if (retries < 0 || retries > 10) {
        throw new IllegalArgumentException("retries must be 0 to 10: " + retries);
      }
      this.retries = retries;
      return this;
    }

    /**
     * Sets the wait before the first retry; each further retry waits twice as long.
     *
     * @param backoff zero or positive
     * @return this builder
     */
    public Builder retryBackoff(Duration backoff) {
      requireNonNull(backoff, "backoff");
      if (backoff.isNegative()) {
        throw new IllegalArgumentException("retryBackoff must not be negative: " + backoff);
      }
      this.retryBackoff = backoff;
      return this;
    }

    /**
     * Sets how many domains of one primary exchange one task checks at most. A provider whose
     * exchange is primary for more domains is split into groups of about this size, each checked by
     * its own task (and each probing the provider's hosts once, so such a host is probed once per
     * group rather than once per run); smaller providers stay whole. 0 never splits: every exchange
     * host is probed exactly once per executor, however long its one task takes.
     *
     * @param max domains per group, at least 1, or 0 for no split (default 10,000)
     * @return this builder
     * @throws IllegalArgumentException when negative
     */
    public Builder maxDomainsPerGroup(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxDomainsPerGroup must not be negative: " + max);
      }
      this.maxDomainsPerGroup = max;
      return this;
    }

    /**
     * Sets how many partitions the domains are grouped into by exchange host.
     *
     * @param partitions at least 1, or 0 for {@code spark.sql.shuffle.partitions}
     * @return this builder
     */
    public Builder partitions(int partitions) {
      if (partitions < 0) {
        throw new IllegalArgumentException("partitions must not be negative: " + partitions);
      }
      this.partitions = partitions;
      return this;
    }

    /**
     * Builds the job.
     *
     * @return the job
     */
    public SparkPostureJob build() {
      return new SparkPostureJob(this);
    }
  }
}
