package dev.mailpath.diag.posture.internal;

import dev.mailpath.diag.dns.DnsLookup;
import dev.mailpath.diag.dns.DnsQueryReport;
import dev.mailpath.diag.dns.DnsRecord;
import dev.mailpath.diag.dns.RecordType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A TXT question of the posture checks, classified as the MTA-STS and TLS-RPT RFCs need it: texts
 * found, none (NODATA or NXDOMAIN), or a temporary error. The pattern of diag-auth's {@code
 * AuthDns}, reduced to TXT.
 *
 * @param status how the question ended
 * @param texts one text per TXT record, its strings joined without a separator
 * @param lookup what was asked of which server
 * @param error why it failed, for {@link Status#TEMPERROR}
 */
public record TxtLookup(
    Status status, List<String> texts, DnsLookup lookup, Optional<String> error) {

  /** How a TXT question ended. */
  public enum Status {
    /** At least one TXT record. */
    RECORDS,
    /** The name exists without TXT records, or does not exist. */
    NONE,
    /** Timeout, SERVFAIL, REFUSED, an unreadable reply. */
    TEMPERROR
  }

  /**
   * Copies the list.
   *
   * @param status how the question ended
   * @param texts the texts
   * @param lookup the lookup
   * @param error the error
   */
  public TxtLookup {
    texts = List.copyOf(texts);
  }

  /**
   * Classifies a TXT query report.
   *
   * @param r the report
   * @return the classified answer
   */
  public static TxtLookup classify(DnsQueryReport r) {
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
      return new TxtLookup(Status.TEMPERROR, List.of(), lookup, Optional.of(why));
    }
    String rcode = r.rcode();
    if ("NXDOMAIN".equals(rcode)) {
      return new TxtLookup(Status.NONE, List.of(), lookup, Optional.empty());
    }
    if (!"NOERROR".equals(rcode)) {
      return new TxtLookup(
          Status.TEMPERROR, List.of(), lookup, Optional.of("server answered " + rcode));
    }
    List<String> texts = new ArrayList<>();
    for (DnsRecord rec : r.answers(RecordType.TXT)) {
      texts.add(String.join("", txtStrings(rec.data())));
    }
    return new TxtLookup(
        texts.isEmpty() ? Status.NONE : Status.RECORDS, texts, lookup, Optional.empty());
  }

  /**
   * Splits a TXT record's presentation form ({@code "v=STSv1;" " id=1"}, with {@code \"}, {@code
   * \\} and {@code \DDD} escapes) into its character strings, decoded as UTF-8.
   *
   * @param presentation the record data
   * @return the strings, in order
   */
  static List<String> txtStrings(String presentation) {
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
        i++;
      }
      out.add(buf.toString(StandardCharsets.UTF_8));
    }
    return out;
  }
}
