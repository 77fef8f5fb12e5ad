package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.smtp.SmtpExchange;
import dev.mailpath.diag.smtp.SmtpFinding;
import dev.mailpath.diag.smtp.SmtpPhase;
import dev.mailpath.diag.smtp.SmtpReply;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The mail transaction: MAIL, RCPT, DATA and the message (RFC 5321 §3.3), one command at a time or
 * pipelined (RFC 2920). State lives in the {@link Engine}; this class holds the algorithm.
 */
final class TransactionPhase {
  private TransactionPhase() {}

  // ---------------------------------------------------------------- mail transaction

  static String mailLine(Engine eng, String path, List<String> params) {
    List<String> ps = new ArrayList<>(params);
    if (eng.o.smtpUtf8) {
      if (eng.caps != null && eng.caps.smtpUtf8()) {
        ps.add("SMTPUTF8");
      } else {
        eng.addOnce(
            "smtputf8",
            SmtpFinding.SMTPUTF8_NOT_OFFERED.finding(
                "SMTPUTF8 was requested but the EHLO reply does not offer it",
                Evidence.of("phase", SmtpPhase.MAIL)));
      }
    }
    return "MAIL FROM:" + path + (ps.isEmpty() ? "" : " " + String.join(" ", ps));
  }

  static void afterMail(Engine eng, String line, SmtpReply r) {
    eng.acceptedRcpts = 0;
    if (r.isIntermediate()) {
      eng.unexpected(SmtpPhase.MAIL, line, r, "250");
    } else {
      eng.judge(SmtpPhase.MAIL, line, r, null);
    }
  }

  static void afterRcpt(Engine eng, String line, SmtpReply r) {
    if (r.isPositive()) {
      eng.acceptedRcpts++;
    } else if (r.isIntermediate()) {
      eng.unexpected(SmtpPhase.RCPT, line, r, "250 or 251");
    } else {
      eng.judge(SmtpPhase.RCPT, line, r, null);
    }
  }

  static void afterDataInit(Engine eng, SmtpReply r) {
    eng.dataInitAccepted = r.code() == 354;
    if (!r.received() || eng.dataInitAccepted) {
      return;
    }
    if (r.isPositive() || r.isIntermediate()) {
      eng.addFinding(
          SmtpFinding.DATA_UNEXPECTED_REPLY.finding(
              "DATA was answered " + r.firstLine() + " instead of 354; the message was not sent",
              Evidence.of("phase", SmtpPhase.DATA),
              Evidence.of("reply", r.firstLine())));
    } else {
      eng.judge(SmtpPhase.DATA, "DATA", r, null);
    }
  }

  /**
   * Sends MAIL FROM (RFC 5321 §4.1.1.2).
   *
   * @param path the reverse path, already in angle brackets
   * @param params ESMTP parameters
   * @return the reply
   */
  static SmtpReply mail(Engine eng, String path, List<String> params) {
    if (!eng.usable()) {
      return eng.notConnected();
    }
    eng.lastMailFrom = path;
    String line = eng.mailLine(path, params);
    SmtpReply r = eng.exchange(SmtpPhase.MAIL, line, line, eng.o.timeouts.mail());
    eng.afterMail(line, r);
    return r;
  }

  /**
   * Sends RCPT TO (RFC 5321 §4.1.1.3).
   *
   * @param path the forward path, already in angle brackets
   * @return the reply
   */
  static SmtpReply rcpt(Engine eng, String path) {
    String line = "RCPT TO:" + path;
    SmtpReply r = eng.exchange(SmtpPhase.RCPT, line, line, eng.o.timeouts.rcpt());
    eng.afterRcpt(line, r);
    return r;
  }

  /**
   * Sends DATA, then the message and the final dot when the server answers 354.
   *
   * @param message the message
   * @return the reply to the final dot, or the reply to DATA when it was not 354
   */
  static SmtpReply data(Engine eng, MessageContent message) {
    SmtpReply r = eng.exchange(SmtpPhase.DATA, "DATA", "DATA", eng.o.timeouts.dataInit());
    eng.afterDataInit(r);
    if (!eng.dataInitAccepted) {
      return r;
    }
    return eng.sendMessage(message);
  }

  static SmtpReply sendMessage(Engine eng, MessageContent message) {
    Instant now = eng.time.instant();
    String domain = eng.messageIdDomain();
    MessageContent.Framed framed = message.prepare(now, eng.env.random(), domain);
    byte[] bytes = framed == null ? message.render(now, eng.env.random(), domain) : null;
    int size = framed == null ? bytes.length : framed.size();
    long t0 = eng.time.nanoTime();
    try {
      if (framed != null) {
        eng.wire.sendPrepared(framed, () -> eng.phaseDeadline(eng.o.timeouts.dataBlock()));
      } else {
        eng.wire.sendData(bytes, () -> eng.phaseDeadline(eng.o.timeouts.dataBlock()));
      }
    } catch (IOException e) {
      eng.writeFailed(SmtpPhase.DATA, "the message", e);
      SmtpReply none = SmtpReply.none("send failed: " + e.getMessage());
      eng.steps.add(new SmtpExchange(SmtpPhase.DATA, ".", none, eng.since(t0)));
      return none;
    }
    // RFC 5321 §4.5.3.2.6: wait long for the reply to the final dot; giving up early risks
    // duplicate deliveries (§6.1).
    SmtpReply r = eng.readFor(SmtpPhase.DATA, ".", eng.phaseDeadline(eng.o.timeouts.dataEnd()), t0);
    if (r.isIntermediate()) {
      eng.unexpected(SmtpPhase.DATA, "end of data", r, "250");
    } else {
      eng.judge(SmtpPhase.DATA, "end of data (message of " + size + " bytes)", r, null);
    }
    return r;
  }

  static final java.util.regex.Pattern HOST_CHARS =
      java.util.regex.Pattern.compile("[A-Za-z0-9.-]+");

  static String messageIdDomain(Engine eng) {
    String from = eng.lastMailFrom;
    if (from != null) {
      int at = from.lastIndexOf('@');
      if (at > 0) {
        String d = from.substring(at + 1).replace(">", "").strip();
        if (!d.isEmpty() && HOST_CHARS.matcher(d).matches()) {
          return d;
        }
      }
    }
    if (eng.lastEhloName != null && HOST_CHARS.matcher(eng.lastEhloName).matches()) {
      return eng.lastEhloName;
    }
    return "mailpath.invalid";
  }

  /**
   * Sends MAIL, the RCPTs and optionally DATA as one PIPELINING group (RFC 2920 §3.1), then reads
   * the replies in order.
   *
   * @param path the reverse path
   * @param params MAIL parameters
   * @param rcpts the forward paths
   * @param message the message to send after DATA, or {@code null} to stop before DATA
   * @return the last reply read
   */
  static SmtpReply pipelined(
      Engine eng, String path, List<String> params, List<String> rcpts, MessageContent message) {
    if (!eng.usable()) {
      return eng.notConnected();
    }
    eng.checkUnsolicited(SmtpPhase.MAIL);
    if (!eng.usable()) {
      return eng.notConnected();
    }
    eng.lastMailFrom = path;
    List<String> lines = new ArrayList<>();
    List<SmtpPhase> phases = new ArrayList<>();
    List<Duration> timeouts = new ArrayList<>();
    lines.add(eng.mailLine(path, params));
    phases.add(SmtpPhase.MAIL);
    timeouts.add(eng.o.timeouts.mail());
    for (String r : rcpts) {
      lines.add("RCPT TO:" + r);
      phases.add(SmtpPhase.RCPT);
      timeouts.add(eng.o.timeouts.rcpt());
    }
    if (message != null) {
      // RFC 2920 §3.1: DATA may be the last command of a group.
      lines.add("DATA");
      phases.add(SmtpPhase.DATA);
      timeouts.add(eng.o.timeouts.dataInit());
    }
    long t0 = eng.time.nanoTime();
    try {
      eng.wire.sendLines(lines, lines, eng.phaseDeadline(eng.o.timeouts.mail()));
    } catch (IOException e) {
      eng.writeFailed(SmtpPhase.MAIL, "the pipelined MAIL group", e);
      return SmtpReply.none("send failed: " + e.getMessage());
    }
    SmtpReply last = null;
    for (int i = 0; i < lines.size(); i++) {
      SmtpReply r =
          eng.readFor(phases.get(i), lines.get(i), eng.phaseDeadline(timeouts.get(i)), t0);
      t0 = eng.time.nanoTime();
      last = r;
      if (!r.received()) {
        return r;
      }
      switch (phases.get(i)) {
        case MAIL:
          eng.afterMail(lines.get(i), r);
          break;
        case RCPT:
          eng.afterRcpt(lines.get(i), r);
          break;
        default:
          eng.afterDataInit(r);
      }
    }
    if (message != null && eng.dataInitAccepted) {
      if (eng.acceptedRcpts == 0) {
        // RFC 2920 §3.1: no recipient was accepted but DATA got 354 anyway: send an empty
        // message (just the dot), which the server must then reject.
        try {
          eng.wire.sendData(new byte[0], () -> eng.phaseDeadline(eng.o.timeouts.dataBlock()));
        } catch (IOException e) {
          eng.writeFailed(SmtpPhase.DATA, "the final dot", e);
          return SmtpReply.none("send failed: " + e.getMessage());
        }
        return eng.readFor(
            SmtpPhase.DATA, ".", eng.phaseDeadline(eng.o.timeouts.dataEnd()), eng.time.nanoTime());
      }
      return eng.sendMessage(message);
    }
    return last;
  }

  /** Notes that PIPELINING was requested but not offered (once). */
  static void pipeliningNotOffered(Engine eng) {
    eng.addOnce(
        "pipelining",
        SmtpFinding.PIPELINING_NOT_OFFERED.finding(
            "PIPELINING was requested but the EHLO reply does not offer it; commands were sent one by one",
            Evidence.of("phase", SmtpPhase.MAIL)));
  }
}
