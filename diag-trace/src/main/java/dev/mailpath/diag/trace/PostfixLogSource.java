package dev.mailpath.diag.trace;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.internal.Checks;
import dev.mailpath.diag.trace.internal.BoundedLines;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;

/**
 * Reads a Postfix mail log and follows each queue id through its life: {@code smtpd} (client=),
 * {@code cleanup} (message-id=, header and milter rejects), {@code qmgr} (from=, size, nrcpt,
 * expiry, removed), the delivery agents {@code smtp}, {@code lmtp}, {@code local}, {@code virtual},
 * {@code pipe} and {@code error} (to=, orig_to=, relay=, delay=, delays=, dsn=,
 * status=sent/deferred/bounced with the reason), {@code bounce} (the non-delivery notification's
 * queue id) and {@code postsuper}. {@code NOQUEUE} rejects at RCPT become records of their own,
 * with the reply text. Short (hex) and long ({@code enable_long_queue_ids}) queue ids both work.
 *
 * <pre>{@code
 * PostfixLogSource log = PostfixLogSource.builder()
 *     .path(Path.of("/var/log/mail.log"))      // or .lines(listOfLines); .gz files are unpacked
 *     .zone(ZoneId.of("Europe/Berlin"))        // syslog timestamps are local time
 *     .year(2024)                              // and have no year
 *     .build();
 * DeliveryLogReport r = log.find(MessageQuery.builder().recipient("bob@example.net").build());
 * System.out.println(r);   // each queue id's trail, and trace.log.* findings
 * }</pre>
 *
 * <p>Timestamps: classic syslog ({@code Jan 2 09:00:02}, read in {@link Builder#zone(ZoneId)}, year
 * from {@link Builder#year(int)} or guessed so that no line lies in the future, and a
 * December-to-January step in the log moves to the next year) and RFC 3339 ({@code
 * 2024-01-02T09:00:02.123456+01:00}, as rsyslog and journald write).
 *
 * <p>Lines that are not Postfix lines, or that cannot be read, are skipped: garbage never throws. A
 * missing or unreadable file is an {@link UncheckedIOException} from {@link #search} and a {@code
 * trace.log.unreadable} finding from {@link #find}. Numbers no queue could hold (a {@code size}
 * beyond a {@code long}) are ignored. Memory stays bounded: at most {@link
 * Builder#maxOpenMessages(int)} queue ids are followed at once (the oldest is given up, as if the
 * log ended for it), each record keeps at most 200 raw lines and 1,000 delivery events (the first
 * and the latest 500), and a line is read up to 16,384 characters (the rest is dropped, so a file
 * without line breaks is cheap too). {@link #find} reports cut lines, and each record its omitted
 * events, as {@code trace.log.truncated}. Time is linear in the length of the log: every line is
 * read without backtracking.
 *
 * <p>Immutable and thread-safe; every search reads the log anew.
 */
public final class PostfixLogSource implements DeliveryLogSource {
  private static final String ALPHABET = "0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-y";
  private static final Pattern LINE =
      Pattern.compile(
          "^(?:(?<iso>\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d))"
              + "|(?<bsd>(?<mon>[A-Z][a-z]{2}) +(?<day>\\d{1,2}) (?<time>\\d\\d:\\d\\d:\\d\\d)))"
              + "\\s+(?<host>\\S+)\\s+(?<prog>[^\\s\\[:]+)(?:\\[\\d+\\])?:\\s(?<msg>.*)$");
  private static final Pattern QUEUE_LINE =
      Pattern.compile(
          "^(?<qid>[0-9A-F]{5,20}|[" + ALPHABET + "]{6,}z[" + ALPHABET + "]+): (?<body>.*)$");
  private static final Pattern NOQUEUE =
      Pattern.compile("^NOQUEUE: (?<action>(?:milter-)?(?:reject|discard|hold)): (?<rest>.*)$");
  private static final Pattern ACTION =
      Pattern.compile("^(?<action>(?:milter-)?(?:reject|discard|hold|redirect)): (?<rest>.*)$");
  private static final Pattern FROM =
      Pattern.compile(
          "^from=<(?<from>[^>]*)>(?:, size=(?<size>\\d+))?(?:, nrcpt=(?<n>\\d+))?(?<rest>.*)$");
  private static final Pattern KV_RELAY = Pattern.compile("(?:^|, )relay=([^,]+)");
  private static final Pattern KV_DELAY = Pattern.compile("(?:^|, )delay=([\\d.]+)");
  private static final Pattern KV_DELAYS = Pattern.compile("(?:^|, )delays=([\\d./]+)");
  private static final Pattern KV_DSN = Pattern.compile("(?:^|, )dsn=(\\d\\.\\d{1,3}\\.\\d{1,3})");
  private static final Pattern QUEUED_AS = Pattern.compile("queued as ([0-9A-Za-z]{5,})");
  private static final Pattern DSN_ANY = Pattern.compile("\\b([245]\\.\\d{1,3}\\.\\d{1,3})\\b");

  /**
   * Characters of one log line read at most; the rest of a longer line is dropped and the cut is
   * reported ({@code trace.log.truncated}). Syslog daemons cut far shorter (rsyslog at 8 KiB).
   */
  static final int MAX_LINE_LENGTH = 16_384;

  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };

  private final Path path;
  private final Supplier<? extends Stream<String>> lines;
  private final String name;
  private final Integer year;
  private final ZoneId zone;
  private final DiagEnvironment environment;
  private final int maxOpenMessages;

  private PostfixLogSource(Builder b) {
    if ((b.path == null) == (b.lines == null)) {
      throw new IllegalStateException("set exactly one of path(...) and lines(...)");
    }
    this.path = b.path;
    this.lines = b.lines;
    this.name = b.name != null ? b.name : "postfix " + (path != null ? path : "(lines)");
    this.year = b.year;
    this.zone = b.zone;
    this.environment = b.environment;
    this.maxOpenMessages = b.maxOpenMessages;
  }

  /**
   * Starts configuring a source.
   *
   * @return a builder; set {@link Builder#path(Path)} or {@link Builder#lines(List)}
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Creates a source for a log file with the defaults (UTC, year guessed).
   *
   * @param path the log file ({@code .gz} files are unpacked)
   * @return the source
   */
  public static PostfixLogSource of(Path path) {
    return builder().path(path).build();
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Streams the records matching the query. A record is complete, and handed out, when the log says
   * {@code removed} (or for a NOQUEUE reject at once); queue ids still open when the log ends come
   * last.
   *
   * @param query what to find (the subject is ignored: Postfix does not log it)
   * @return the records, lazily; close the stream
   * @throws UncheckedIOException when the file cannot be opened or read
   */
  @Override
  public Stream<DeliveryRecord> search(MessageQuery query) {
    requireNonNull(query, "query");
    Stream<String> input = input();
    try {
      Reader reader = new Reader(input.iterator(), query);
      return StreamSupport.stream(
              Spliterators.spliteratorUnknownSize(
                  reader, Spliterator.NONNULL | Spliterator.ORDERED),
              false)
          .onClose(input::close);
    } catch (RuntimeException e) {
      input.close();
      throw e;
    }
  }

  /**
   * Searches and collects the result into a report, as {@link DeliveryLogSource#find} does, and
   * also reports ({@code trace.log.truncated}) the lines that were longer than 16,384 characters
   * and were cut.
   *
   * @param query what to find
   * @return the report; never throws for I/O failures or for anything in the log
   */
  @Override
  public DeliveryLogReport find(MessageQuery query) {
    requireNonNull(query, "query");
    // A log source has no environment: start and duration come from the system clock.
    long start = System.nanoTime();
    DeliveryLogReport.Builder b =
        DeliveryLogReport.builder().source(name).query(query).startedAt(Instant.now());
    int count = 0;
    Reader reader = null;
    try (Stream<String> input = input()) {
      reader = new Reader(input.iterator(), query);
      while (reader.hasNext()) {
        DeliveryRecord r = reader.next();
        if (count == query.limit()) {
          b.truncated(true);
          break;
        }
        b.addRecord(r);
        count++;
      }
    } catch (UncheckedIOException e) {
      b.addFinding(
          TraceFinding.LOG_UNREADABLE.finding(
              "reading " + name + " failed: " + e.getCause().getMessage(),
              Evidence.of("source", name)));
      cutLines(reader, b);
      return b.outcome(Outcome.INCONCLUSIVE)
          .elapsed(Duration.ofNanos(System.nanoTime() - start))
          .build();
    }
    cutLines(reader, b);
    if (count == 0) {
      b.addFinding(
          TraceFinding.LOG_NOT_FOUND.finding(
              name + " has no record for " + query, Evidence.of("query", query)));
    }
    return b.elapsed(Duration.ofNanos(System.nanoTime() - start)).build();
  }

  private void cutLines(Reader reader, DeliveryLogReport.Builder b) {
    if (reader != null && reader.cutLines > 0) {
      b.addFinding(
          TraceFinding.LOG_TRUNCATED.finding(
              reader.cutLines
                  + (reader.cutLines == 1 ? " line" : " lines")
                  + " of "
                  + name
                  + " longer than "
                  + MAX_LINE_LENGTH
                  + " characters were cut to that length",
              Evidence.of("source", name),
              Evidence.of("cut-lines", reader.cutLines),
              Evidence.of("first-cut-line", reader.firstCutLine)));
    }
  }

  private Stream<String> input() {
    return path != null ? open(path) : lines.get();
  }

  private static Stream<String> open(Path path) {
    InputStream file = null;
    try {
      file = Files.newInputStream(path);
      InputStream in = file;
      if (path.getFileName().toString().endsWith(".gz")) {
        in = new GZIPInputStream(in, 65536); // reads the header: throws on a file that is not gzip
      }
      // Logs hold UTF-8 (SMTPUTF8 addresses) and sometimes garbage: replace, never fail.
      InputStreamReader r =
          new InputStreamReader(
              in,
              StandardCharsets.UTF_8
                  .newDecoder()
                  .onMalformedInput(CodingErrorAction.REPLACE)
                  .onUnmappableCharacter(CodingErrorAction.REPLACE));
      // Not BufferedReader.lines(): it holds a whole line, and a file without line breaks is one.
      BoundedLines lines = new BoundedLines(r, MAX_LINE_LENGTH);
      return StreamSupport.stream(
              Spliterators.spliteratorUnknownSize(lines, Spliterator.NONNULL | Spliterator.ORDERED),
              false)
          .onClose(
              () -> {
                try {
                  r.close();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | RuntimeException e) {
      closeQuietly(file, e);
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot read " + path + ": " + e, io);
      }
      throw (RuntimeException) e;
    }
  }

  private static void closeQuietly(InputStream in, Exception failure) {
    if (in != null) {
      try {
        in.close();
      } catch (IOException e) {
        failure.addSuppressed(e);
      }
    }
  }

  /** Follows queue ids through the lines and hands out finished records that match. */
  private final class Reader implements Iterator<DeliveryRecord> {
    private final Iterator<String> input;
    private final MessageQuery query;
    private final LinkedHashMap<String, DeliveryRecord.Builder> open = new LinkedHashMap<>();
    private final Deque<DeliveryRecord> ready = new ArrayDeque<>();
    private boolean drained;
    private int currentYear = -1;
    private int lastMonth = -1;
    private long lineNumber;
    private long cutLines;
    private long firstCutLine;
    private boolean lineCut;

    Reader(Iterator<String> input, MessageQuery query) {
      this.input = input;
      this.query = query;
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty()) {
        if (input.hasNext()) {
          line(input.next());
        } else if (!drained) {
          drained = true;
          for (DeliveryRecord.Builder b : open.values()) {
            offer(b.build());
          }
          open.clear();
        } else {
          return false;
        }
      }
      return true;
    }

    @Override
    public DeliveryRecord next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.removeFirst();
    }

    private void offer(DeliveryRecord r) {
      if (matches(r)) {
        ready.addLast(r);
      }
    }

    private boolean matches(DeliveryRecord r) {
      if (!query.matchesMessageId(r.messageId().orElse(null))) {
        return false;
      }
      if (query.sender().isPresent() && !query.matchesSender(r.sender().orElse(null))) {
        return false;
      }
      if (query.recipient().isPresent()
          && r.attempts().stream()
              .noneMatch(
                  a ->
                      query.matchesRecipient(a.recipient().orElse(null))
                          || query.matchesRecipient(a.originalRecipient().orElse(null)))) {
        return false;
      }
      return query.overlaps(r.firstSeen(), r.lastSeen());
    }

    private void line(String text) {
      lineNumber++;
      String raw = text;
      lineCut = raw.length() > MAX_LINE_LENGTH;
      if (lineCut) {
        // Bounded time and memory per line; the cut is reported by find().
        raw = raw.substring(0, MAX_LINE_LENGTH);
        if (cutLines++ == 0) {
          firstCutLine = lineNumber;
        }
      }
      Matcher m = LINE.matcher(raw);
      if (!m.matches()) {
        return; // not a syslog line: garbage is skipped, never fatal
      }
      String prog = m.group("prog");
      if (!prog.startsWith("postfix")) {
        return; // dovecot, amavis, opendkim...: other programs
      }
      Instant time = time(m);
      if (time == null) {
        return;
      }
      String service = prog.substring(prog.lastIndexOf('/') + 1);
      String msg = m.group("msg");
      Matcher nq = NOQUEUE.matcher(msg);
      if (nq.matches()) {
        noQueue(raw, time, service, nq.group("action"), nq.group("rest"));
        return;
      }
      Matcher q = QUEUE_LINE.matcher(msg);
      if (!q.matches()) {
        return; // warning:, connect from, statistics, ...
      }
      String qid = q.group("qid");
      String body = q.group("body");
      DeliveryRecord.Builder b = open.get(qid);
      if (b == null) {
        b = DeliveryRecord.builder().source(name).queueId(qid);
        open.put(qid, b);
        if (open.size() > maxOpenMessages) {
          // Bounded memory: give up the oldest queue id, as if the log ended for it.
          Map.Entry<String, DeliveryRecord.Builder> eldest = open.entrySet().iterator().next();
          open.remove(eldest.getKey());
          offer(eldest.getValue().build());
        }
      }
      b.seen(time).addLine(raw);
      body(b, qid, time, service, body);
    }

    private void body(
        DeliveryRecord.Builder b, String qid, Instant time, String service, String body) {
      if (body.startsWith("client=")) {
        String c = body.substring(7);
        int comma = c.indexOf(',');
        b.client(comma >= 0 ? c.substring(0, comma) : c);
      } else if (body.startsWith("message-id=")) {
        String id = body.substring(11).strip();
        if (!id.isEmpty()) {
          b.messageId(id);
        }
      } else if (body.startsWith("uid=")) {
        String from = angleValue(body, "from=<", true);
        if (from != null) {
          b.sender(from);
        }
      } else if (body.startsWith("from=<")) {
        Matcher f = FROM.matcher(body);
        if (f.matches()) {
          b.sender(f.group("from"));
          parseSize(f.group("size")).ifPresent(b::size);
          String rest = f.group("rest");
          if (rest.contains("status=expired")) {
            b.addAttempt(
                attempt(
                    time,
                    service,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    DeliveryStatus.EXPIRED,
                    "returned to sender"));
          }
        }
      } else if (body.startsWith("to=<")) {
        delivery(b, time, service, body);
      } else if (body.equals("removed")) {
        b.removed(true);
        open.remove(qid);
        offer(b.build());
      } else if (body.startsWith("sender non-delivery notification: ")) {
        b.bounceQueueId(body.substring(body.lastIndexOf(' ') + 1));
      } else if (body.startsWith("placed on hold")) {
        b.addAttempt(
            attempt(time, service, null, null, null, null, null, null, DeliveryStatus.HELD, body));
      } else {
        Matcher a = ACTION.matcher(body);
        if (a.matches()) {
          filterAction(b, time, service, a.group("action"), a.group("rest"));
        }
      }
    }

    private void delivery(DeliveryRecord.Builder b, Instant time, String service, String body) {
      Delivery d = Delivery.parse(body, lineCut);
      if (d == null) {
        return;
      }
      DeliveryStatus status =
          switch (d.status) {
            case "sent", "deliverable" -> DeliveryStatus.SENT;
            case "deferred" -> DeliveryStatus.DEFERRED;
            case "bounced", "undeliverable" -> DeliveryStatus.BOUNCED;
            case "expired" -> DeliveryStatus.EXPIRED;
            default -> null;
          };
      if (status == null) {
        return;
      }
      String kv = d.kv;
      b.addAttempt(
          attempt(
              time,
              service,
              d.to,
              angleValue(kv, "orig_to=<", false),
              group(KV_RELAY, kv),
              group(KV_DELAY, kv),
              group(KV_DELAYS, kv),
              group(KV_DSN, kv),
              status,
              d.reason));
    }

    private void filterAction(
        DeliveryRecord.Builder b, Instant time, String service, String action, String rest) {
      DeliveryStatus status =
          action.endsWith("reject")
              ? DeliveryStatus.REJECTED
              : action.endsWith("discard")
                  ? DeliveryStatus.DISCARDED
                  : action.endsWith("hold") ? DeliveryStatus.HELD : null;
      String from = angleValue(rest, "from=<", true);
      if (from != null) {
        b.sender(from);
      }
      String client = clientInReject(rest);
      if (client != null) {
        b.client(client);
      }
      String helo = angleValue(rest, "helo=<", true);
      if (helo != null && !helo.isEmpty()) {
        b.helo(helo);
      }
      if (status == null) {
        return; // redirect: the next lines show where it went
      }
      String reason = reason(rest);
      b.addAttempt(
          attempt(
              time,
              service,
              angleValue(rest, "to=<", true),
              null,
              null,
              null,
              null,
              dsnIn(reason),
              status,
              reason));
    }

    private void noQueue(String raw, Instant time, String service, String action, String rest) {
      DeliveryRecord.Builder b = DeliveryRecord.builder().source(name).seen(time).addLine(raw);
      filterAction(b, time, service, action, rest);
      offer(b.build());
    }

    private Instant time(Matcher m) {
      try {
        if (m.group("iso") != null) {
          String iso = m.group("iso");
          if (iso.matches(".*[+-]\\d{4}$")) {
            iso = iso.substring(0, iso.length() - 2) + ":" + iso.substring(iso.length() - 2);
          }
          return OffsetDateTime.parse(iso).toInstant();
        }
        int month = -1;
        for (int i = 0; i < MONTHS.length; i++) {
          if (MONTHS[i].equals(m.group("mon"))) {
            month = i + 1;
          }
        }
        if (month < 0) {
          return null;
        }
        int day = Integer.parseInt(m.group("day"));
        if (currentYear < 0) {
          currentYear = startYear(month, day);
        } else if (month < lastMonth && lastMonth - month > 6) {
          currentYear++; // December -> January in the same log
        }
        lastMonth = month;
        LocalDateTime local =
            LocalDateTime.of(
                LocalDate.of(currentYear, month, day), java.time.LocalTime.parse(m.group("time")));
        return local.atZone(zone).toInstant();
      } catch (DateTimeException | NumberFormatException e) {
        return null;
      }
    }

    private int startYear(int month, int day) {
      if (year != null) {
        return year;
      }
      // Syslog timestamps have no year: take the current one, unless that puts the line in the
      // future, in which case the log is from last year.
      LocalDate today = LocalDate.ofInstant(environment.timeSource().instant(), zone);
      int y = today.getYear();
      LocalDate candidate;
      try {
        candidate = LocalDate.of(y, month, day);
      } catch (DateTimeException e) {
        return y - 1; // 29 February in a year without it: the log is from an earlier year
      }
      return candidate.isAfter(today.plusDays(1)) ? y - 1 : y;
    }
  }

  /*
   * The helpers below read the free-text parts of a line by scanning, not with backtracking
   * regular expressions: a hostile line ("from=<" or "[" repeated) must cost time linear in its
   * length. Each says which expression it stands for.
   */

  /**
   * The reply text of a reject: {@code \]: (.*?); from=<}, else {@code helo=<[^>]*>: (.*)$}, else
   * all of it.
   */
  static String reason(String rest) {
    int open = rest.indexOf("]: ");
    if (open >= 0) {
      // Only the first "]: " matters: if no "; from=<" follows it, none follows a later one.
      int close = rest.indexOf("; from=<", open + 3);
      if (close >= 0) {
        return rest.substring(open + 3, close);
      }
    }
    int from = 0;
    while (true) {
      int helo = rest.indexOf("helo=<", from);
      if (helo < 0) {
        return rest;
      }
      int gt = rest.indexOf('>', helo + 6);
      if (gt < 0) {
        return rest; // no '>' after this "helo=<", so none after a later one
      }
      if (rest.startsWith(">: ", gt)) {
        return rest.substring(gt + 3);
      }
      // Every "helo=<" before gt ends at the same '>': continue after it.
      from = gt + 1;
    }
  }

  /**
   * The text between {@code key} and the next {@code >}: {@code \bkey([^>]*)>} when {@code word} is
   * set, else {@code (?:^|, )key([^>]*)>}.
   */
  static String angleValue(String text, String key, boolean word) {
    int from = 0;
    while (true) {
      int i = text.indexOf(key, from);
      if (i < 0) {
        return null;
      }
      boolean start =
          i == 0
              || (word ? !isWordChar(text.charAt(i - 1)) : i >= 2 && text.startsWith(", ", i - 2));
      if (start) {
        // The first such key decides: if no '>' follows it, none follows a later one.
        int gt = text.indexOf('>', i + key.length());
        return gt < 0 ? null : text.substring(i + key.length(), gt);
      }
      from = i + 1;
    }
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  /**
   * The client of a reject, {@code name[address]}: {@code \bfrom (\S+\[[^\]]*\])}, that is after a
   * word "from " the run of non-blanks up to its last {@code [} (not the first character) that a
   * {@code ]} follows, and on to that {@code ]}.
   */
  static String clientInReject(String rest) {
    int lastClose = rest.lastIndexOf(']');
    if (lastClose < 0) {
      return null;
    }
    int from = 0;
    while (true) {
      int i = rest.indexOf("from ", from);
      if (i < 0) {
        return null;
      }
      from = i + 1;
      if (i > 0 && isWordChar(rest.charAt(i - 1))) {
        continue;
      }
      int start = i + 5;
      int bracket = -1;
      int j = start;
      // The runs scanned here are disjoint for different "from ": each ends at a blank.
      while (j < rest.length() && !Character.isWhitespace(rest.charAt(j))) {
        if (rest.charAt(j) == '[' && j > start && j < lastClose) {
          bracket = j;
        }
        j++;
      }
      if (bracket >= 0) {
        return rest.substring(start, rest.indexOf(']', bracket) + 1);
      }
      // A "from " may begin in the last four characters of the run ("[from "): look there again.
      from = Math.max(from, j - 4);
    }
  }

  /** A delivery line {@code to=<...>, kv..., status=word (reason)}, read in linear time. */
  private record Delivery(String to, String kv, String status, String reason) {
    /**
     * Reads what {@code ^to=<([^>]*)>, (.*?)status=([a-z]+)(?: \((.*)\))?\s*$} matches: the first
     * {@code status=} whose word is followed by nothing but blanks, or by {@code " ("} and text
     * ending in {@code ")"} and blanks. A line that was cut has lost its closing parenthesis: then
     * the first {@code status=word (} starts a reason that runs to the cut.
     */
    static Delivery parse(String body, boolean cut) {
      int gt = body.indexOf('>', 4);
      if (!body.startsWith("to=<") || gt < 0 || !body.startsWith(", ", gt + 1)) {
        return null;
      }
      int kvStart = gt + 3;
      int end = body.length();
      while (end > kvStart && Character.isWhitespace(body.charAt(end - 1))) {
        end--;
      }
      int at = kvStart;
      while (true) {
        int p = body.indexOf("status=", at);
        if (p < 0) {
          return null;
        }
        at = p + 1;
        int w = p + 7;
        int q = w;
        while (q < body.length() && body.charAt(q) >= 'a' && body.charAt(q) <= 'z') {
          q++;
        }
        if (q == w) {
          continue;
        }
        // Strings are cut only on success, so a candidate that fails costs its word only.
        if (q >= end) {
          return new Delivery(
              body.substring(4, gt), body.substring(kvStart, p), body.substring(w, q), "");
        }
        if (body.startsWith(" (", q) && end - 1 >= q + 2 && body.charAt(end - 1) == ')') {
          return new Delivery(
              body.substring(4, gt),
              body.substring(kvStart, p),
              body.substring(w, q),
              body.substring(q + 2, end - 1));
        }
        if (cut && body.startsWith(" (", q)) {
          return new Delivery(
              body.substring(4, gt),
              body.substring(kvStart, p),
              body.substring(w, q),
              body.substring(q + 2, end));
        }
      }
    }
  }

  private static OptionalLong parseSize(String digits) {
    if (digits == null || digits.length() > 18) {
      return OptionalLong.empty(); // not a size any queue holds: ignored, never an exception
    }
    return OptionalLong.of(Long.parseLong(digits));
  }

  private static String dsnIn(String text) {
    Matcher d = DSN_ANY.matcher(text);
    return d.find() ? d.group(1) : null;
  }

  private static String group(Pattern p, String text) {
    Matcher m = p.matcher(text);
    return m.find() ? m.group(1) : null;
  }

  private static DeliveryAttempt attempt(
      Instant time,
      String service,
      String to,
      String origTo,
      String relay,
      String delay,
      String delays,
      String dsn,
      DeliveryStatus status,
      String reason) {
    Optional<Duration> d = Optional.empty();
    if (delay != null) {
      try {
        d = Optional.of(Duration.ofNanos((long) (Double.parseDouble(delay) * 1_000_000_000L)));
      } catch (NumberFormatException e) {
        d = Optional.empty();
      }
    }
    Matcher q = QUEUED_AS.matcher(reason);
    return new DeliveryAttempt(
        time,
        service,
        Optional.ofNullable(to),
        Optional.ofNullable(origTo),
        Optional.ofNullable(relay),
        d,
        Optional.ofNullable(delays),
        Optional.ofNullable(dsn),
        status,
        reason,
        status == DeliveryStatus.SENT && q.find() ? Optional.of(q.group(1)) : Optional.empty());
  }

  /** Configures a {@link PostfixLogSource}; not thread-safe. */
  public static final class Builder {
    private Path path;
    private Supplier<? extends Stream<String>> lines;
    private String name;
    private Integer year;
    private ZoneId zone = ZoneOffset.UTC;
    private DiagEnvironment environment = DiagEnvironment.system();
    private int maxOpenMessages = 100_000;

    private Builder() {}

    /**
     * Reads this file (unpacking {@code .gz}); it is opened anew for each search.
     *
     * @param path the log file
     * @return this builder
     */
    public Builder path(Path path) {
      this.path = requireNonNull(path, "path");
      return this;
    }

    /**
     * Reads these lines (for tests and for logs fetched by other means).
     *
     * @param lines the log lines, copied
     * @return this builder
     */
    public Builder lines(List<String> lines) {
      List<String> copy = List.copyOf(lines);
      this.lines = copy::stream;
      return this;
    }

    /**
     * Reads lines from a supplier called once per search, for example a remote log streamed without
     * copying it into memory.
     *
     * @param lines supplies a fresh stream per search; the stream is closed after the search
     * @return this builder
     */
    public Builder lines(Supplier<? extends Stream<String>> lines) {
      this.lines = requireNonNull(lines, "lines");
      return this;
    }

    /**
     * Sets the name shown in reports.
     *
     * @param name for example {@code postfix mx1}
     * @return this builder
     */
    public Builder name(String name) {
      this.name = Checks.noLineBreaks("name", name);
      return this;
    }

    /**
     * Sets the year of the first classic syslog timestamp (which carries none). Without it, the
     * current year is assumed unless that puts the first line in the future.
     *
     * @param year for example 2024
     * @return this builder
     */
    public Builder year(int year) {
      this.year = Checks.range("year", year, 1970, 9999);
      return this;
    }

    /**
     * Sets the time zone of classic syslog timestamps (RFC 3339 timestamps carry their own).
     *
     * @param zone the zone; default UTC
     * @return this builder
     */
    public Builder zone(ZoneId zone) {
      this.zone = requireNonNull(zone, "zone");
      return this;
    }

    /**
     * Sets the environment (its clock guesses the year of syslog timestamps).
     *
     * @param environment the environment
     * @return this builder
     */
    public Builder environment(DiagEnvironment environment) {
      this.environment = requireNonNull(environment, "environment");
      return this;
    }

    /**
     * Changes some seams of the current environment, keeping the others.
     *
     * @param changes edits to a builder initialised from the current environment
     * @return this builder
     */
    public Builder environment(java.util.function.Consumer<DiagEnvironment.Builder> changes) {
      requireNonNull(changes, "changes");
      this.environment = environment.with(changes);
      return this;
    }

    /**
     * Sets how many queue ids are followed at once before the oldest is given up.
     *
     * @param max 1 to 10,000,000; default 100,000
     * @return this builder
     */
    public Builder maxOpenMessages(int max) {
      this.maxOpenMessages = Checks.range("maxOpenMessages", max, 1, 10_000_000);
      return this;
    }

    /**
     * Builds the source.
     *
     * @return the immutable source
     * @throws IllegalStateException unless exactly one of path and lines was set
     */
    public PostfixLogSource build() {
      return new PostfixLogSource(this);
    }
  }
}
