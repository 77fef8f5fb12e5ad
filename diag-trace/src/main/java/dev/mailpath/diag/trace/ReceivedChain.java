package dev.mailpath.diag.trace;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.core.internal.Checks;
import dev.mailpath.diag.trace.internal.AuthResultsParser;
import dev.mailpath.diag.trace.internal.HeaderFields;
import dev.mailpath.diag.trace.internal.MailDates;
import dev.mailpath.diag.trace.internal.ReceivedParser;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the path a message took from its {@code Received:} fields (RFC 5321 §4.4, RFC 5322 §3.6.7)
 * and its {@code Authentication-Results} fields (RFC 8601): the hops in transit order, the delay at
 * each hop, which hops used TLS and which were authenticated, and findings for clock skew, slow
 * hops, routing loops, overlong chains, clear-text hops and failed sender authentication. It is the
 * header analysis a mail administrator does by eye when a message arrived late, or arrived in the
 * Junk folder.
 *
 * <pre>{@code
 * ReceivedChainReport chain = ReceivedChain.parse(Files.readString(Path.of("message.eml")));
 * chain.hops();         // [#1 laptop (unknown [203.0.113.5]) -> submit.example.org ..., #2 ...]
 * chain.totalDelay();   // Optional[PT42S]
 * chain.findings();     // [trace.received.slow-hop WARNING ...]
 * System.out.println(chain);   // a hop table
 *
 * // thresholds other than the defaults
 * ReceivedChain strict = ReceivedChain.builder()
 *     .slowHopThreshold(Duration.ofMinutes(2))
 *     .trustedAuthservId("mx.example.net")
 *     .build();
 * ReceivedChainReport r = strict.analyze(mimeMessage);
 * }</pre>
 *
 * <p>The reader is lenient by design: it understands the forms of Postfix, Exim, Sendmail, qmail,
 * Microsoft Exchange / Microsoft 365 and the big webmail services, folded fields, nested comments,
 * dates with or without the day name and obsolete zones ({@code GMT}, {@code EST}). <b>An
 * unreadable field, date or header is a finding, never an exception.</b> Exceptions are only {@link
 * NullPointerException} for null arguments and {@link UncheckedIOException} when the caller's
 * stream (or a Jakarta Mail message) cannot be read.
 *
 * <p>No DNS lookups and no network: addresses are taken only from literals in the fields. Immutable
 * and thread-safe once built; one instance serves any number of calls.
 */
public final class ReceivedChain {
  private static final ReceivedChain DEFAULT = new Builder().build();

  private final Duration slowHopThreshold;
  private final Duration clockSkewTolerance;
  private final int hopWarningThreshold;
  private final int hopErrorThreshold;
  private final Set<String> trustedAuthservIds;
  private final DiagEnvironment environment;

  private ReceivedChain(Builder b) {
    this.environment = b.environment;
    this.slowHopThreshold = b.slowHopThreshold;
    this.clockSkewTolerance = b.clockSkewTolerance;
    this.hopWarningThreshold = b.hopWarningThreshold;
    this.hopErrorThreshold = b.hopErrorThreshold;
    this.trustedAuthservIds = Set.copyOf(b.trustedAuthservIds);
    if (hopErrorThreshold <= hopWarningThreshold) {
      throw new IllegalArgumentException(
          "hopErrorThreshold ("
              + hopErrorThreshold
              + ") must be greater than hopWarningThreshold ("
              + hopWarningThreshold
              + ")");
    }
  }

  /**
   * Starts configuring an analyser.
   *
   * @return a builder with the defaults: slow hop past 10 minutes, any negative delay is clock
   *     skew, warn past 25 hops, error at 100, every authserv-id trusted
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this analyser's settings.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.slowHopThreshold = slowHopThreshold;
    b.clockSkewTolerance = clockSkewTolerance;
    b.hopWarningThreshold = hopWarningThreshold;
    b.hopErrorThreshold = hopErrorThreshold;
    b.environment = environment;
    b.trustedAuthservIds.addAll(trustedAuthservIds);
    return b;
  }

  /**
   * Analyses a message held as text (a whole message or only its header) with the default settings.
   *
   * @param message the message; everything after the first empty line is ignored
   * @return the report
   */
  public static ReceivedChainReport parse(String message) {
    return DEFAULT.analyze(message);
  }

  /**
   * Analyses a message held as bytes with the default settings.
   *
   * @param message the message bytes (header decoded as UTF-8)
   * @return the report
   */
  public static ReceivedChainReport parse(byte[] message) {
    return DEFAULT.analyze(message);
  }

  /**
   * Analyses a message read from a stream with the default settings; only the header section is
   * read.
   *
   * @param message the stream, positioned at the start of the message; not closed
   * @return the report
   * @throws UncheckedIOException when reading the stream fails
   */
  public static ReceivedChainReport parse(InputStream message) {
    return DEFAULT.analyze(message);
  }

  /**
   * Analyses a Jakarta Mail message with the default settings.
   *
   * @param message the message
   * @return the report
   * @throws UncheckedIOException when Jakarta Mail cannot load the headers (for example the folder
   *     was closed)
   */
  public static ReceivedChainReport parse(MimeMessage message) {
    return DEFAULT.analyze(message);
  }

  /**
   * Analyses header fields given one by one, each as {@code "Name: value"} (folded or not), with
   * the default settings.
   *
   * @param fields the fields in header order (top first); a string without a colon is skipped
   * @return the report
   */
  public static ReceivedChainReport parseFields(List<String> fields) {
    return DEFAULT.analyzeFields(fields);
  }

  /**
   * Analyses a message held as text.
   *
   * @param message the message or its header
   * @return the report
   */
  public ReceivedChainReport analyze(String message) {
    requireNonNull(message, "message");
    return analyze(HeaderFields.parse(message));
  }

  /**
   * Analyses a message held as bytes.
   *
   * @param message the bytes
   * @return the report
   */
  public ReceivedChainReport analyze(byte[] message) {
    requireNonNull(message, "message");
    return analyze(HeaderFields.parse(message));
  }

  /**
   * Analyses a message read from a stream; only the header section is read.
   *
   * @param message the stream; not closed
   * @return the report
   * @throws UncheckedIOException when reading fails
   */
  public ReceivedChainReport analyze(InputStream message) {
    requireNonNull(message, "message");
    return analyze(HeaderFields.parse(message));
  }

  /**
   * Analyses a Jakarta Mail message (only its headers are used).
   *
   * @param message the message
   * @return the report
   * @throws UncheckedIOException when the headers cannot be loaded
   */
  public ReceivedChainReport analyze(MimeMessage message) {
    requireNonNull(message, "message");
    List<HeaderFields.Field> fields = new ArrayList<>();
    try {
      Enumeration<Header> e = message.getAllHeaders();
      while (e.hasMoreElements()) {
        Header h = e.nextElement();
        fields.add(new HeaderFields.Field(h.getName(), h.getValue() == null ? "" : h.getValue()));
      }
    } catch (MessagingException e) {
      throw new UncheckedIOException(
          new IOException("cannot read the message headers: " + e.getMessage(), e));
    }
    return analyze(HeaderFields.of(fields));
  }

  /**
   * Analyses header fields given one by one, each {@code "Name: value"}.
   *
   * @param fields the fields, top first
   * @return the report
   */
  public ReceivedChainReport analyzeFields(List<String> fields) {
    requireNonNull(fields, "fields");
    return analyze(HeaderFields.ofFields(fields));
  }

  private ReceivedChainReport analyze(HeaderFields header) {
    long start = environment.timeSource().nanoTime();
    ReceivedChainReport.Builder report =
        ReceivedChainReport.builder().startedAt(environment.timeSource().instant());
    header.named("Message-ID").stream()
        .findFirst()
        .map(f -> f.value().strip())
        .filter(s -> !s.isEmpty())
        .ifPresent(report::messageId);
    header.named("Date").stream()
        .findFirst()
        .flatMap(f -> MailDates.parse(f.value()))
        .ifPresent(report::messageDate);

    if (header.truncated()) {
      report.addFinding(
          TraceFinding.RECEIVED_HEADER_TRUNCATED.finding(
              "the header section is longer than "
                  + HeaderFields.MAX_HEADER_BYTES
                  + " bytes or has more than "
                  + HeaderFields.MAX_FIELDS
                  + " fields; the rest was not read",
              Evidence.of("fields-read", header.fields().size())));
    }
    List<HeaderFields.Field> received = header.named("Received");
    if (received.isEmpty()) {
      report.addFinding(TraceFinding.RECEIVED_NONE.finding("the message has no Received: fields"));
    }
    List<ReceivedHop> hops = new ArrayList<>();
    OffsetDateTime previousDate = null;
    boolean previousKnown = false;
    int n = received.size();
    for (int i = 0; i < n; i++) {
      // Received fields are prepended (RFC 5321 §4.4): the bottom one is the first hop.
      ReceivedParser.Result r = ReceivedParser.parse(received.get(n - 1 - i).value());
      int index = i + 1;
      ReceivedHop.Builder hop = r.hop.index(index);
      Evidence field =
          Evidence.of("received[" + index + "]", shorten(received.get(n - 1 - i).value()));
      OffsetDateTime date = hop.date().orElse(null);
      if (hop.build().parsed()) {
        if (r.dateMissing) {
          report.addFinding(
              TraceFinding.RECEIVED_MISSING_DATE.finding("hop " + index + " has no date", field));
        } else if (r.dateUnreadable) {
          report.addFinding(
              TraceFinding.RECEIVED_BAD_DATE.finding(
                  "hop " + index + " has an unreadable date", field));
        }
      } else {
        report.addFinding(
            TraceFinding.RECEIVED_UNPARSEABLE.finding(
                "hop " + index + " could not be read", field));
      }
      if (previousKnown && date != null) {
        Duration delay = Duration.between(previousDate, date);
        hop.delay(delay);
        if (delay.isNegative() && delay.abs().compareTo(clockSkewTolerance) > 0) {
          report.addFinding(
              TraceFinding.RECEIVED_CLOCK_SKEW.finding(
                  "hop "
                      + index
                      + " is dated "
                      + ReceivedChainReport.formatDelay(delay.negated(), false)
                      + " before hop "
                      + (index - 1),
                  field,
                  Evidence.of("delay", delay)));
        } else if (delay.compareTo(slowHopThreshold) > 0) {
          report.addFinding(
              TraceFinding.RECEIVED_SLOW_HOP.finding(
                  "hop "
                      + index
                      + " took "
                      + ReceivedChainReport.formatDelay(delay, false)
                      + " (threshold "
                      + ReceivedChainReport.formatDelay(slowHopThreshold, false)
                      + ")",
                  field,
                  Evidence.of("delay", delay)));
        }
      }
      previousDate = date;
      previousKnown = date != null;
      ReceivedHop built = hop.build();
      hops.add(built);
      if (built.parsed()
          && r.smtpFamily
          && built.security() == TransportSecurity.PLAINTEXT
          && built.from().isPresent()) {
        InetAddress a = built.address().orElse(null);
        if (a == null || !a.isLoopbackAddress()) {
          Severity s = a != null && isInternal(a) ? Severity.INFO : Severity.WARNING;
          report.addFinding(
              TraceFinding.RECEIVED_NO_TLS_HOP.finding(
                  s,
                  "hop "
                      + index
                      + " from "
                      + built.describeFrom()
                      + " to "
                      + built.by().orElse("?")
                      + " used "
                      + built.with().orElse("SMTP")
                      + " without TLS",
                  field));
        }
      }
      if (built.parsed()
          && built.reverseNameMissing()
          && built.address().map(a -> !a.isLoopbackAddress()).orElse(true)) {
        report.addFinding(
            TraceFinding.RECEIVED_RDNS_MISSING.finding(
                "hop " + index + ": " + built.describeFrom() + " had no verified reverse DNS name",
                field));
      }
    }
    hops.forEach(report::addHop);
    checkLoops(hops, report);
    if (n >= hopErrorThreshold) {
      report.addFinding(
          TraceFinding.RECEIVED_TOO_MANY_HOPS.finding(
              Severity.ERROR,
              n
                  + " Received: fields (at least "
                  + hopErrorThreshold
                  + " is treated as a loop, RFC 5321 §6.3)",
              Evidence.of("hops", n)));
    } else if (n > hopWarningThreshold) {
      report.addFinding(
          TraceFinding.RECEIVED_TOO_MANY_HOPS.finding(
              n + " Received: fields (more than " + hopWarningThreshold + ")",
              Evidence.of("hops", n)));
    }
    authenticationResults(header, report);
    return report.elapsed(Duration.ofNanos(environment.timeSource().nanoTime() - start)).build();
  }

  private void checkLoops(List<ReceivedHop> hops, ReceivedChainReport.Builder report) {
    Map<String, Integer> byCount = new HashMap<>();
    Map<String, Integer> pairCount = new HashMap<>();
    Set<String> loopedPairs = new LinkedHashSet<>();
    for (ReceivedHop h : hops) {
      if (h.by().isEmpty()) {
        continue;
      }
      String by = h.by().get();
      byCount.merge(by, 1, Integer::sum);
      String sender =
          h.reverseName()
              .or(h::heloName)
              .orElse(h.address().map(InetAddress::getHostAddress).orElse(null));
      if (sender != null) {
        String pair = sender.toLowerCase(Locale.ROOT) + " -> " + by;
        if (pairCount.merge(pair, 1, Integer::sum) == 2) {
          loopedPairs.add(pair);
        }
      }
    }
    List<String> manyTimes =
        byCount.entrySet().stream()
            .filter(e -> e.getValue() >= 3)
            .map(Map.Entry::getKey)
            .sorted()
            .toList();
    if (!loopedPairs.isEmpty() || !manyTimes.isEmpty()) {
      List<Evidence> ev = new ArrayList<>();
      loopedPairs.forEach(p -> ev.add(Evidence.of("repeated-pair", p + " x" + pairCount.get(p))));
      manyTimes.forEach(h -> ev.add(Evidence.of("repeated-host", h + " x" + byCount.get(h))));
      String what =
          !loopedPairs.isEmpty()
              ? "the hop " + loopedPairs.iterator().next() + " repeats"
              : manyTimes.get(0) + " appears " + byCount.get(manyTimes.get(0)) + " times";
      report.addFinding(
          TraceFinding.RECEIVED_LOOP.finding("routing loop: " + what, ev.toArray(Evidence[]::new)));
      return;
    }
    byCount.entrySet().stream()
        .filter(e -> e.getValue() == 2)
        .map(Map.Entry::getKey)
        .sorted()
        .forEach(
            h ->
                report.addFinding(
                    TraceFinding.RECEIVED_REPEATED_HOST.finding(
                        h + " appears twice (typical of a content filter on the same machine)",
                        Evidence.of("host", h))));
  }

  private void authenticationResults(HeaderFields header, ReceivedChainReport.Builder report) {
    for (HeaderFields.Field f : header.named("Authentication-Results")) {
      Optional<AuthenticationResults> parsed = AuthResultsParser.parse(f.value());
      if (parsed.isEmpty()) {
        report.addFinding(
            TraceFinding.AUTH_RESULTS_UNPARSEABLE.finding(
                "an Authentication-Results field could not be read",
                Evidence.of("field", shorten(f.value()))));
        continue;
      }
      AuthenticationResults ar = parsed.get();
      report.addAuthenticationResults(ar);
      if (!trustedAuthservIds.isEmpty()
          && ar.authservId()
              .map(id -> !trustedAuthservIds.contains(id.toLowerCase(Locale.ROOT)))
              .orElse(true)) {
        continue; // written by someone else: listed, but not judged (RFC 8601 §5)
      }
      for (AuthenticationResults.Result r : ar.results()) {
        if (!Set.of("spf", "dkim", "dmarc", "arc").contains(r.method())) {
          continue;
        }
        Evidence by = Evidence.of("authserv-id", ar.authservId().orElse("(none)"));
        Evidence what =
            Evidence.of(
                r.method(),
                r.result()
                    + r.properties().entrySet().stream()
                        .map(e -> " " + e.getKey() + "=" + e.getValue())
                        .reduce("", String::concat));
        if (r.failed()) {
          Severity s = r.method().equals("dmarc") ? Severity.ERROR : Severity.WARNING;
          report.addFinding(
              TraceFinding.AUTH_RESULTS_FAIL.finding(
                  s,
                  r.method() + "=fail at " + ar.authservId().orElse("(no authserv-id)"),
                  by,
                  what));
        } else if (r.error()) {
          report.addFinding(
              TraceFinding.AUTH_RESULTS_ERROR.finding(
                  r.method()
                      + "="
                      + r.result()
                      + " at "
                      + ar.authservId().orElse("(no authserv-id)"),
                  by,
                  what));
        }
      }
    }
  }

  private static boolean isInternal(InetAddress a) {
    if (a.isSiteLocalAddress() || a.isLinkLocalAddress()) {
      return true;
    }
    if (a instanceof Inet4Address) {
      byte[] b = a.getAddress();
      return (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64; // 100.64.0.0/10, carrier-grade NAT
    }
    return (a.getAddress()[0] & 0xfe) == 0xfc; // fc00::/7, unique local
  }

  private static String shorten(String value) {
    String s = value.replaceAll("\\s+", " ");
    return s.length() <= 300 ? s : s.substring(0, 297) + "...";
  }

  /** Configures a {@link ReceivedChain}; not thread-safe. */
  public static final class Builder {
    private Duration slowHopThreshold = Duration.ofMinutes(10);
    private Duration clockSkewTolerance = Duration.ZERO;
    private int hopWarningThreshold = 25;
    private int hopErrorThreshold = 100;
    private final Set<String> trustedAuthservIds = new LinkedHashSet<>();
    private DiagEnvironment environment = DiagEnvironment.system();

    private Builder() {}

    /**
     * Sets the seams; only the clock is used (for the report's start time and duration).
     *
     * @param environment the environment
     * @return this builder
     */
    public Builder environment(DiagEnvironment environment) {
      this.environment = requireNonNull(environment, "environment");
      return this;
    }

    /**
     * Changes some seams of the current environment.
     *
     * @param changes edits applied to a builder initialised from the current environment
     * @return this builder
     */
    public Builder environment(java.util.function.Consumer<DiagEnvironment.Builder> changes) {
      this.environment = environment.with(changes);
      return this;
    }

    /**
     * Sets the delay above which a hop is reported as slow ({@code trace.received.slow-hop}).
     *
     * @param threshold a positive duration; default 10 minutes
     * @return this builder
     */
    public Builder slowHopThreshold(Duration threshold) {
      this.slowHopThreshold = Checks.positive("slowHopThreshold", threshold);
      return this;
    }

    /**
     * Sets how far a hop may be dated before the previous one without a clock-skew finding.
     *
     * @param tolerance zero or positive; default zero (every negative delay is reported)
     * @return this builder
     */
    public Builder clockSkewTolerance(Duration tolerance) {
      requireNonNull(tolerance, "tolerance");
      if (tolerance.isNegative()) {
        throw new IllegalArgumentException("clockSkewTolerance must not be negative: " + tolerance);
      }
      this.clockSkewTolerance = tolerance;
      return this;
    }

    /**
     * Sets the hop count above which the chain is reported as too long (a WARNING).
     *
     * @param hops 1 to 1,000; default 25
     * @return this builder
     */
    public Builder hopWarningThreshold(int hops) {
      this.hopWarningThreshold = Checks.range("hopWarningThreshold", hops, 1, 1000);
      return this;
    }

    /**
     * Sets the hop count at which the chain is reported as an ERROR; RFC 5321 §6.3 suggests servers
     * reject at no fewer than 100.
     *
     * @param hops 2 to 1,000, greater than the warning threshold; default 100
     * @return this builder
     */
    public Builder hopErrorThreshold(int hops) {
      this.hopErrorThreshold = Checks.range("hopErrorThreshold", hops, 2, 1000);
      return this;
    }

    /**
     * Trusts {@code Authentication-Results} fields from this authserv-id (RFC 8601 §5). Once any is
     * set, fields from other ids are still listed in the report but raise no findings. With none
     * set (the default), every field is judged.
     *
     * @param authservId the id your boundary servers write, for example {@code mx.example.net}
     * @return this builder
     */
    public Builder trustedAuthservId(String authservId) {
      Checks.noLineBreaks("authservId", authservId);
      trustedAuthservIds.add(authservId.toLowerCase(Locale.ROOT));
      return this;
    }

    /**
     * Builds the analyser.
     *
     * @return the immutable analyser
     * @throws IllegalArgumentException when the error threshold is not above the warning one
     */
    public ReceivedChain build() {
      return new ReceivedChain(this);
    }
  }
}
