package dev.mailpath.diag.auth.internal;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.dns.DnsLookup;
import dev.mailpath.diag.dns.DnsQuery;
import dev.mailpath.diag.dns.DnsQueryReport;
import dev.mailpath.diag.dns.DnsRecord;
import dev.mailpath.diag.dns.RecordType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The DNS questions of SPF, DKIM and DMARC, asked through one {@link DnsQuery} (so through the
 * caller's {@code DnsSettings}) and classified the way the authentication RFCs need them: records,
 * no records of that type (NODATA), the name does not exist (NXDOMAIN), or a temporary error
 * (timeout, SERVFAIL, REFUSED, an unreadable reply). A temporary error is never "no record".
 *
 * <p>Thread-safe; one instance serves any number of concurrent checks.
 */
public final class AuthDns {

  /** How a question ended. */
  public enum Status {
    /** NOERROR with at least one record of the type asked. */
    RECORDS,
    /** NOERROR without a record of the type asked. */
    NODATA,
    /** The name does not exist. */
    NXDOMAIN,
    /** No usable answer: timeout, network error, SERVFAIL, REFUSED, unreadable reply. */
    TEMPERROR
  }

  /**
   * One answered (or failed) question.
   *
   * @param name the name asked
   * @param type the type asked
   * @param status how it ended
   * @param records the answer records of the type asked (CNAMEs left out)
   * @param lookup what was asked of which server, for the report
   * @param error why it failed, when {@code status} is {@link Status#TEMPERROR}
   */
  public record Answer(
      String name,
      RecordType type,
      Status status,
      List<DnsRecord> records,
      DnsLookup lookup,
      Optional<String> error) {

    /** Copies the list. */
    public Answer {
      records = List.copyOf(records);
    }

    /**
     * Returns the TXT records' texts, each one's strings joined without a separator (RFC 7208 §3.3,
     * RFC 6376 §3.6.2.2).
     *
     * @return one text per TXT record, in answer order
     */
    public List<String> texts() {
      List<String> out = new ArrayList<>(records.size());
      for (DnsRecord r : records) {
        out.add(String.join("", txtStrings(r.data())));
      }
      return out;
    }

    /**
     * Returns whether the name does not exist or has no records of the type: a "void lookup" in RFC
     * 7208 §4.6.4's terms.
     *
     * @return true for NXDOMAIN and NODATA
     */
    public boolean isVoid() {
      return status == Status.NXDOMAIN || status == Status.NODATA;
    }
  }

  private final DnsQuery query;

  /**
   * Creates the helper on a query configured with the caller's DNS settings and environment.
   *
   * @param query the query client (recursion desired)
   */
  public AuthDns(DnsQuery query) {
    this.query = requireNonNull(query, "query");
  }

  /**
   * Returns the query client.
   *
   * @return the client
   */
  public DnsQuery query() {
    return query;
  }

  /**
   * Asks one question and classifies the answer. Callers check names first: a malformed name throws
   * {@link IllegalArgumentException}, as {@link DnsQuery} does.
   *
   * @param name the name
   * @param type the record type
   * @return the classified answer; never completes exceptionally for DNS trouble
   */
  public CompletableFuture<Answer> askAsync(String name, RecordType type) {
    return query.askAsync(name, type).thenApply(r -> classify(name, type, r));
  }

  /**
   * Asks one question and waits for the classified answer.
   *
   * @param name the name
   * @param type the record type
   * @return the answer
   */
  public Answer ask(String name, RecordType type) {
    return classify(name, type, query.ask(name, type));
  }

  /**
   * Classifies a report.
   *
   * @param name the name asked
   * @param type the type asked
   * @param r the report
   * @return the answer
   */
  public static Answer classify(String name, RecordType type, DnsQueryReport r) {
    DnsLookup lookup = r.toLookup();
    if (r.status() != DnsQueryReport.Status.ANSWERED) {
      String why =
          r.error()
              .orElse(
                  switch (r.status()) {
                    case TIMEOUT -> "no reply (timeout)";
                    case MALFORMED -> "unreadable reply";
                    default -> "network error";
                  });
      return new Answer(name, type, Status.TEMPERROR, List.of(), lookup, Optional.of(why));
    }
    String rcode = r.rcode();
    if ("NXDOMAIN".equals(rcode)) {
      return new Answer(name, type, Status.NXDOMAIN, List.of(), lookup, Optional.empty());
    }
    if (!"NOERROR".equals(rcode)) {
      return new Answer(
          name, type, Status.TEMPERROR, List.of(), lookup, Optional.of("server answered " + rcode));
    }
    List<DnsRecord> records = r.answers(type);
    return new Answer(
        name,
        type,
        records.isEmpty() ? Status.NODATA : Status.RECORDS,
        records,
        lookup,
        Optional.empty());
  }

  /**
   * Splits a TXT record's presentation form ({@code "v=spf1 a" " -all"}, with {@code \"}, {@code
   * \\} and {@code \DDD} escapes) into its character strings, decoded as UTF-8 (invalid bytes
   * become U+FFFD). An unquoted form is taken as one string per whitespace-separated word.
   *
   * @param presentation the record data as {@link DnsRecord#data()} gives it
   * @return the strings, in order
   */
  public static List<String> txtStrings(String presentation) {
    List<String> out = new ArrayList<>();
    int n = presentation.length();
    int i = 0;
    while (i < n) {
      char c = presentation.charAt(i);
      if (c == ' ' || c == '\t') {
        i++;
        continue;
      }
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      boolean quoted = c == '"';
      if (quoted) {
        i++;
      }
      while (i < n) {
        c = presentation.charAt(i);
        if (quoted ? c == '"' : (c == ' ' || c == '\t')) {
          break;
        }
        if (c == '\\' && i + 1 < n) {
          char d = presentation.charAt(i + 1);
          if (i + 3 < n
              && Character.isDigit(d)
              && Character.isDigit(presentation.charAt(i + 2))
              && Character.isDigit(presentation.charAt(i + 3))) {
            buf.write(Integer.parseInt(presentation.substring(i + 1, i + 4)) & 0xff);
            i += 4;
          } else {
            buf.write(d);
            i += 2;
          }
          continue;
        }
        int cp = presentation.codePointAt(i);
        byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        buf.write(b, 0, b.length);
        i += Character.charCount(cp);
      }
      if (quoted && i < n) {
        i++; // closing quote
      }
      out.add(buf.toString(StandardCharsets.UTF_8));
    }
    return out;
  }
}
