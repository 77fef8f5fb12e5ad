package dev.mailpath.diag.trace.internal;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the dates found in mail headers leniently: RFC 5322 §3.3 {@code date-time} with and without
 * the day name, the obsolete forms of §4.3 (two-digit years, zone names such as {@code GMT} and
 * {@code EST}, military zones), missing seconds, trailing comments such as {@code (PST)}, and the
 * {@code Date.toString()} form some Java servers write ({@code Mon Jan 01 10:00:00 CET 2024}).
 * Tokens are classified rather than read by position, so both orders work.
 */
public final class MailDates {
  private MailDates() {}

  private static final String[] MONTHS = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"
  };

  private static final String[] DAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

  // RFC 5322 §4.3 obs-zone, plus names servers commonly write although no RFC defines them.
  // Military single letters are "-0000" (§4.3: their sign was historically wrong).
  private static final Map<String, Integer> ZONES =
      Map.ofEntries(
          Map.entry("ut", 0),
          Map.entry("utc", 0),
          Map.entry("gmt", 0),
          Map.entry("z", 0),
          Map.entry("est", -5 * 60),
          Map.entry("edt", -4 * 60),
          Map.entry("cst", -6 * 60),
          Map.entry("cdt", -5 * 60),
          Map.entry("mst", -7 * 60),
          Map.entry("mdt", -6 * 60),
          Map.entry("pst", -8 * 60),
          Map.entry("pdt", -7 * 60),
          Map.entry("wet", 0),
          Map.entry("west", 60),
          Map.entry("bst", 60),
          Map.entry("cet", 60),
          Map.entry("cest", 120),
          Map.entry("met", 60),
          Map.entry("mest", 120),
          Map.entry("eet", 120),
          Map.entry("eest", 180),
          Map.entry("msk", 180),
          Map.entry("jst", 9 * 60),
          Map.entry("kst", 9 * 60),
          Map.entry("hkt", 8 * 60),
          Map.entry("sgt", 8 * 60),
          Map.entry("aest", 10 * 60),
          Map.entry("aedt", 11 * 60),
          Map.entry("nzst", 12 * 60),
          Map.entry("nzdt", 13 * 60));

  /**
   * Parses a header date.
   *
   * @param text the date text, possibly with comments
   * @return the date with its zone offset, or empty when it cannot be read
   */
  public static Optional<OffsetDateTime> parse(String text) {
    String s = stripComments(text).replace(',', ' ').trim();
    if (s.isEmpty()) {
      return Optional.empty();
    }
    int day = -1;
    int month = -1;
    int year = -1;
    int hour = -1;
    int minute = -1;
    int second = 0;
    Integer offsetMinutes = null;
    for (String raw : s.split("\\s+")) {
      String t = raw.toLowerCase(Locale.ROOT);
      if (t.isEmpty()) {
        continue;
      }
      if (t.indexOf(':') > 0 && hour < 0) {
        String[] p = t.split(":");
        if (p.length < 2 || p.length > 3 || !allDigits(p)) {
          return Optional.empty();
        }
        hour = Integer.parseInt(p[0]);
        minute = Integer.parseInt(p[1]);
        second = p.length == 3 ? Integer.parseInt(p[2]) : 0;
      } else if ((t.startsWith("+") || t.startsWith("-"))
          && t.length() == 5
          && allDigits(t.substring(1))) {
        int hh = Integer.parseInt(t.substring(1, 3));
        int mm = Integer.parseInt(t.substring(3));
        if (hh > 23 || mm > 59) {
          return Optional.empty();
        }
        offsetMinutes = (t.charAt(0) == '-' ? -1 : 1) * (hh * 60 + mm);
      } else if (allDigits(t)) {
        int v = Integer.parseInt(t.length() > 6 ? t.substring(0, 6) : t);
        if (day < 0 && t.length() <= 2) {
          day = v;
        } else if (year < 0) {
          year = obsoleteYear(v, t.length());
        } else {
          return Optional.empty();
        }
      } else if (month < 0 && monthIndex(t) >= 0) {
        month = monthIndex(t) + 1;
      } else if (isDay(t)) {
        continue;
      } else if (offsetMinutes == null && ZONES.containsKey(t)) {
        offsetMinutes = ZONES.get(t);
      } else if (offsetMinutes == null
          && t.length() == 1
          && Character.isLetter(t.charAt(0))
          && t.charAt(0) != 'j') {
        offsetMinutes = 0;
      } else {
        return Optional.empty();
      }
    }
    if (day < 1 || month < 1 || year < 0 || hour < 0 || offsetMinutes == null) {
      return Optional.empty();
    }
    try {
      // A leap second (60) is legal in RFC 5322; java.time has none, so it becomes :59.
      LocalDateTime local = LocalDateTime.of(year, month, day, hour, minute, Math.min(second, 59));
      return Optional.of(OffsetDateTime.of(local, ZoneOffset.ofTotalSeconds(offsetMinutes * 60)));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  private static int obsoleteYear(int v, int digits) {
    // RFC 5322 §4.3: two-digit years 00-49 are 2000-2049, 50-99 are 1950-1999; three-digit
    // years have 1900 added.
    if (digits == 2) {
      return v < 50 ? 2000 + v : 1900 + v;
    }
    if (digits == 3) {
      return 1900 + v;
    }
    return v;
  }

  private static int monthIndex(String t) {
    if (t.length() < 3) {
      return -1;
    }
    String p = t.substring(0, 3);
    for (int i = 0; i < MONTHS.length; i++) {
      if (MONTHS[i].equals(p) && fullMonth(i).startsWith(t)) {
        return i;
      }
    }
    return -1;
  }

  private static String fullMonth(int i) {
    return new String[] {
          "january",
          "february",
          "march",
          "april",
          "may",
          "june",
          "july",
          "august",
          "september",
          "october",
          "november",
          "december"
        }
        [i];
  }

  private static boolean isDay(String t) {
    if (t.length() < 3) {
      return false;
    }
    for (String d : DAYS) {
      if (t.startsWith(d)) {
        return t.chars().allMatch(Character::isLetter);
      }
    }
    return false;
  }

  private static boolean allDigits(String... parts) {
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 9) {
        return false;
      }
      for (int i = 0; i < p.length(); i++) {
        if (p.charAt(i) < '0' || p.charAt(i) > '9') {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Removes RFC 5322 comments, nested ones included; an unbalanced comment runs to the end.
   *
   * @param text any text
   * @return the text without comments
   */
  public static String stripComments(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    int depth = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && depth > 0 && i + 1 < text.length()) {
        i++;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && depth > 0) {
        depth--;
      } else if (depth == 0) {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
