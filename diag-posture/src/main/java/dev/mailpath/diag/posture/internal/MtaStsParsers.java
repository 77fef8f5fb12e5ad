package dev.mailpath.diag.posture.internal;

import dev.mailpath.diag.posture.MtaStsMode;
import dev.mailpath.diag.posture.MtaStsPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Parsers of RFC 8461 (the {@code _mta-sts} TXT record and the policy file) and RFC 8460 (the
 * {@code _smtp._tls} TXT record). Each runs in time linear in its input and reports problems as
 * text instead of throwing. Stateless.
 */
public final class MtaStsParsers {
  /** The largest {@code max_age} RFC 8461 allows (one year). */
  public static final long MAX_AGE_LIMIT = 31_557_600L;

  /** At most this many problems are kept; the rest are counted in the last one. */
  static final int MAX_PROBLEMS = 20;

  private MtaStsParsers() {}

  /**
   * A parsed policy file.
   *
   * @param policy the policy when version, mode and max_age are valid (and mx present unless mode
   *     is none); empty otherwise
   * @param problems what does not follow the grammar, one line each
   */
  public record PolicyResult(Optional<MtaStsPolicy> policy, List<String> problems) {
    /**
     * Copies the list.
     *
     * @param policy the policy
     * @param problems the problems
     */
    public PolicyResult {
      problems = List.copyOf(problems);
    }
  }

  /**
   * A parsed {@code _mta-sts} record.
   *
   * @param id the {@code id} value when the record is valid
   * @param problems what is wrong
   */
  public record RecordResult(Optional<String> id, List<String> problems) {
    /**
     * Copies the list.
     *
     * @param id the id
     * @param problems the problems
     */
    public RecordResult {
      problems = List.copyOf(problems);
    }
  }

  /**
   * A parsed {@code _smtp._tls} record.
   *
   * @param rua the destinations, in order
   * @param syntax grammar problems
   * @param badSchemes destinations whose scheme is neither mailto nor https
   */
  public record TlsRptResult(List<String> rua, List<String> syntax, List<String> badSchemes) {
    /**
     * Copies the lists.
     *
     * @param rua the destinations
     * @param syntax grammar problems
     * @param badSchemes bad destinations
     */
    public TlsRptResult {
      rua = List.copyOf(rua);
      syntax = List.copyOf(syntax);
      badSchemes = List.copyOf(badSchemes);
    }
  }

  private static void problem(List<String> problems, String text) {
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(text);
    } else if (problems.size() == MAX_PROBLEMS) {
      problems.add("more problems not listed");
    }
  }

  /**
   * Parses a policy file. Lines end with LF or CRLF (RFC 8461 §3.2 allows both); each is {@code
   * key: value}; unknown keys are ignored; a repeated version, mode or max_age is a problem (the
   * first counts).
   *
   * @param text the body, decoded
   * @return the policy and problems
   */
  public static PolicyResult parsePolicy(String text) {
    List<String> problems = new ArrayList<>();
    String version = null;
    String mode = null;
    String maxAge = null;
    List<String> mx = new ArrayList<>();
    int n = text.length();
    int start = 0;
    int lineNo = 0;
    while (start < n) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = n;
      }
      lineNo++;
      int stop = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
      String line = text.substring(start, stop);
      start = end + 1;
      if (line.isBlank()) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        problem(problems, "line " + lineNo + " is not \"key: value\": " + clip(line));
        continue;
      }
      String key = line.substring(0, colon);
      String value = line.substring(colon + 1).strip();
      if (!key.matches("[A-Za-z0-9_.-]{1,32}")) {
        problem(problems, "line " + lineNo + " has an invalid key: " + clip(key));
        continue;
      }
      switch (key) {
        case "version" -> {
          if (version != null) {
            problem(problems, "line " + lineNo + " repeats version");
          } else {
            version = value;
          }
        }
        case "mode" -> {
          if (mode != null) {
            problem(problems, "line " + lineNo + " repeats mode");
          } else {
            mode = value;
          }
        }
        case "max_age" -> {
          if (maxAge != null) {
            problem(problems, "line " + lineNo + " repeats max_age");
          } else {
            maxAge = value;
          }
        }
        case "mx" -> {
          if (validMxPattern(value)) {
            mx.add(value.toLowerCase(Locale.ROOT));
          } else {
            problem(problems, "line " + lineNo + " has an invalid mx pattern: " + clip(value));
          }
        }
        default -> {
          // RFC 8461 §3.2: unknown fields are ignored
        }
      }
    }
    boolean usable = true;
    if (version == null) {
      problem(problems, "no version field (version: STSv1)");
      usable = false;
    } else if (!version.equals("STSv1")) {
      problem(problems, "version is " + clip(version) + ", not STSv1");
      usable = false;
    }
    MtaStsMode m = null;
    if (mode == null) {
      problem(problems, "no mode field (enforce, testing or none)");
      usable = false;
    } else {
      for (MtaStsMode candidate : MtaStsMode.values()) {
        if (candidate.value().equals(mode)) {
          m = candidate;
        }
      }
      if (m == null) {
        problem(problems, "mode is " + clip(mode) + ", not enforce, testing or none");
        usable = false;
      }
    }
    long age = -1;
    if (maxAge == null) {
      problem(problems, "no max_age field");
      usable = false;
    } else if (!maxAge.matches("[0-9]{1,10}")) {
      problem(problems, "max_age is " + clip(maxAge) + ", not a number of seconds");
      usable = false;
    } else {
      age = Long.parseLong(maxAge);
      if (age > MAX_AGE_LIMIT) {
        problem(problems, "max_age " + age + " is above the maximum " + MAX_AGE_LIMIT);
        usable = false;
      }
    }
    if (mx.isEmpty() && m != MtaStsMode.NONE) {
      problem(problems, "no valid mx field: every MX host fails the policy");
      usable = false;
    }
    Optional<MtaStsPolicy> policy =
        usable ? Optional.of(new MtaStsPolicy(m, mx, Duration.ofSeconds(age))) : Optional.empty();
    return new PolicyResult(policy, problems);
  }

  /**
   * Tells whether a value is an RFC 8461 mx pattern: a host name, or {@code *.} and a domain.
   *
   * @param value the value
   * @return true when valid
   */
  static boolean validMxPattern(String value) {
    String d = value.startsWith("*.") ? value.substring(2) : value;
    if (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    if (d.isEmpty() || d.length() > 253) {
      return false;
    }
    for (String label : d.split("\\.", -1)) {
      if (!label.matches("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")) {
        return false;
      }
    }
    return true;
  }

  /**
   * Splits a TXT record into {@code key=value} fields separated by {@code ;} with optional
   * whitespace; an empty last field (a final {@code ;}) is dropped.
   */
  private static List<String[]> fields(String text, List<String> problems) {
    List<String[]> out = new ArrayList<>();
    String[] parts = text.split(";", -1);
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i].strip();
      if (p.isEmpty()) {
        if (i != parts.length - 1) {
          problem(problems, "empty field");
        }
        continue;
      }
      int eq = p.indexOf('=');
      if (eq <= 0) {
        problem(problems, "field is not key=value: " + clip(p));
        continue;
      }
      out.add(new String[] {p.substring(0, eq), p.substring(eq + 1)});
    }
    return out;
  }

  /**
   * Tells whether a TXT text is an MTA-STS record candidate (RFC 8461 §3.1: starts {@code
   * v=STSv1;}, or is exactly {@code v=STSv1}).
   *
   * @param text the text
   * @return true when it starts with the version
   */
  public static boolean isStsRecord(String text) {
    return text.startsWith("v=STSv1;") || text.equals("v=STSv1");
  }

  /**
   * Parses an {@code _mta-sts} record: {@code v=STSv1; id=<1*32 ALPHA/DIGIT>} plus extension
   * fields.
   *
   * @param text the record text
   * @return the id and problems
   */
  public static RecordResult parseRecord(String text) {
    List<String> problems = new ArrayList<>();
    List<String[]> fields = fields(text, problems);
    String id = null;
    for (int i = 0; i < fields.size(); i++) {
      String key = fields.get(i)[0].strip();
      String value = fields.get(i)[1];
      if (i == 0) {
        if (!key.equals("v") || !value.equals("STSv1")) {
          problem(problems, "the record does not start with v=STSv1");
        }
      } else if (key.equals("id")) {
        if (id != null) {
          problem(problems, "id appears more than once");
        } else if (!value.matches("[A-Za-z0-9]{1,32}")) {
          problem(problems, "id " + clip(value) + " is not 1 to 32 letters and digits");
          id = "";
        } else {
          id = value;
        }
      } else if (!key.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")) {
        problem(problems, "invalid field name " + clip(key));
      } else if (!value.matches("[\\x21-\\x3a\\x3c\\x3e-\\x7e]+")) {
        problem(problems, "invalid value of field " + key + ": " + clip(value));
      }
    }
    if (id == null) {
      problem(problems, "no id field");
    }
    Optional<String> valid =
        problems.isEmpty() && id != null && !id.isEmpty() ? Optional.of(id) : Optional.empty();
    return new RecordResult(valid, problems);
  }

  /**
   * Tells whether a TXT text is a TLS-RPT record candidate (RFC 8460 §3: starts with {@code
   * v=TLSRPTv1}).
   *
   * @param text the text
   * @return true when it starts with the version
   */
  public static boolean isTlsRptRecord(String text) {
    return text.startsWith("v=TLSRPTv1;") || text.equals("v=TLSRPTv1");
  }

  /**
   * Parses a {@code _smtp._tls} record: {@code v=TLSRPTv1; rua=<uri>[,<uri>...]} plus extension
   * fields. Each destination must be {@code mailto:} or {@code https:}.
   *
   * @param text the record text
   * @return the destinations and problems
   */
  public static TlsRptResult parseTlsRpt(String text) {
    List<String> syntax = new ArrayList<>();
    List<String> bad = new ArrayList<>();
    List<String> rua = new ArrayList<>();
    List<String[]> fields = fields(text, syntax);
    boolean seenRua = false;
    for (int i = 0; i < fields.size(); i++) {
      String key = fields.get(i)[0].strip();
      String value = fields.get(i)[1].strip();
      if (i == 0) {
        if (!key.equals("v") || !value.equals("TLSRPTv1")) {
          problem(syntax, "the record does not start with v=TLSRPTv1");
        }
      } else if (key.equals("rua")) {
        if (seenRua) {
          problem(syntax, "more than one rua field (list destinations in one, comma-separated)");
          continue;
        }
        seenRua = true;
        for (String uri : value.split(",", -1)) {
          String u = uri.strip();
          if (u.isEmpty()) {
            problem(syntax, "empty destination in rua");
            continue;
          }
          String lower = u.toLowerCase(Locale.ROOT);
          if (lower.startsWith("mailto:")) {
            if (u.length() == 7 || u.indexOf('@') < 0) {
              problem(syntax, "mailto destination without an address: " + clip(u));
              continue;
            }
          } else if (lower.startsWith("https://")) {
            if (u.length() == 8) {
              problem(syntax, "https destination without a host: " + clip(u));
              continue;
            }
          } else {
            problem(bad, clip(u));
            continue;
          }
          if (u.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
            problem(syntax, "destination with spaces or non-ASCII characters: " + clip(u));
            continue;
          }
          rua.add(u);
        }
      } else if (!key.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")) {
        problem(syntax, "invalid field name " + clip(key));
      }
    }
    if (!seenRua) {
      problem(syntax, "no rua field: senders do not know where to report");
    }
    return new TlsRptResult(rua, syntax, bad);
  }

  /**
   * Shortens untrusted text for a finding: at most 80 characters, control characters escaped.
   *
   * @param s the text
   * @return the printable, bounded form
   */
  public static String clip(String s) {
    StringBuilder sb = new StringBuilder();
    int n = Math.min(s.length(), 80);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (s.length() > 80) {
      sb.append("...");
    }
    return sb.toString();
  }
}
