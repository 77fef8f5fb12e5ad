package dev.mailpath.diag.benchmarks;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The one transaction every client of the SMTP benchmark sends: EHLO with a fixed name, one sender,
 * one recipient, and the same message of five header lines and a 1 KiB body (12 lines of 78
 * characters and one of 62, 1,024 bytes with their CRLFs, the shape smtp-source's {@code -l 1024}
 * sends).
 */
final class SmtpMessage {
  static final String EHLO_NAME = "bench.mailpath.test";
  static final String FROM = "sender@bench.mailpath.test";
  static final String TO = "sink@bench.mailpath.test";
  static final List<String> HEADER_LINES =
      List.of(
          "From: <" + FROM + ">",
          "To: <" + TO + ">",
          "Subject: mailpath SMTP benchmark",
          "Date: Thu, 01 Jan 2026 00:00:00 +0000",
          "Message-ID: <benchmark@bench.mailpath.test>");

  /** The body with LF line ends; every client sends it with CRLF. */
  static final String BODY = body();

  /** Body bytes on the wire, CRLFs included. */
  static final int BODY_WIRE_BYTES = 1024;

  private SmtpMessage() {}

  private static String body() {
    StringBuilder b = new StringBuilder();
    for (int i = 1; i <= 12; i++) {
      b.append((char) ('0' + i % 10)).append("X".repeat(77)).append('\n');
    }
    b.append("X".repeat(62)).append('\n');
    return b.toString();
  }

  /** Headers, a blank line and the body, with CRLF line ends, no final dot. */
  static String crlfText() {
    return (String.join("\n", HEADER_LINES) + "\n\n" + BODY).replace("\n", "\r\n");
  }

  /** The message as Jakarta Mail sees it, parsed once from the same text. */
  static MimeMessage mime(Session session) {
    try {
      MimeMessage m =
          new MimeMessage(
              session, new ByteArrayInputStream(crlfText().getBytes(StandardCharsets.US_ASCII)));
      return m;
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  static InternetAddress[] recipients() {
    try {
      return new InternetAddress[] {new InternetAddress(TO)};
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }
}
