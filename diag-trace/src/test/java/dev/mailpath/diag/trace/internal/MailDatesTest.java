package dev.mailpath.diag.trace.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MailDatesTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Tue, 2 Jan 2024 09:00:00 +0000|2024-01-02T09:00:00Z",
        "Tue,  2 Jan 2024 10:00:00 +0100 (CET)|2024-01-02T10:00:00+01:00",
        "2 Jan 2024 09:00:00 -0000|2024-01-02T09:00:00Z",
        "2 Jan 24 09:00:12 GMT|2024-01-02T09:00:12Z",
        "02 Jan 99 09:00 EST|1999-01-02T09:00-05:00",
        "Tue, 02 Jan 2024 01:00:05 -0800 (PST)|2024-01-02T01:00:05-08:00",
        "Tuesday, 2 January 2024 09:00:00 UT|2024-01-02T09:00:00Z",
        "Mon Jan 01 10:00:00 CET 2024|2024-01-01T10:00:00+01:00",
        "2 Jan 2024 09:00:00 Z|2024-01-02T09:00:00Z",
        "2 Jan 2024 09:00:00 A|2024-01-02T09:00:00Z",
        "31 Dec 2016 23:59:60 +0000|2016-12-31T23:59:59Z",
        "(comment) 2 (another) Jan 2024 09:00:00 +0000|2024-01-02T09:00:00Z"
      })
  void parse_knownForms_readsInstant(String text, String expected) {
    assertThat(MailDates.parse(text)).contains(OffsetDateTime.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "yesterday",
        "2 Jan 2024 09:00:00",
        "32 Jan 2024 09:00:00 +0000",
        "2 Foo 2024 09:00:00 +0000",
        "2 Jan 2024 25:00:00 +0000",
        "2 Jan 2024 09:00:00 +9999",
        "2 Jan 2024 09:00:00 XYZT",
        "2 Jan 2024 09:x:00 +0000"
      })
  void parse_garbage_returnsEmpty(String text) {
    assertThat(MailDates.parse(text)).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void parse_offsetKept_notConvertedToUtc() {
    assertThat(MailDates.parse("Tue, 2 Jan 2024 04:00:00 -0500").orElseThrow().getOffset())
        .isEqualTo(ZoneOffset.ofHours(-5));
  }
}
