package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.smtp.SmtpExchange;
import dev.mailpath.diag.smtp.SmtpFinding;
import dev.mailpath.diag.smtp.SmtpPhase;
import dev.mailpath.diag.smtp.SmtpReply;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The greeting (RFC 5321 §4.3.1) and the names around it: the banner host name against the reverse
 * DNS of the server's address, and the EHLO reply's name against both. State lives in the {@link
 * Engine}; this class holds the algorithm.
 */
final class BannerPhase {
  private BannerPhase() {}

  static boolean readBanner(Engine eng) {
    Deadline d = eng.phaseDeadline(eng.o.timeouts.banner());
    long t0 = eng.time.nanoTime();
    ReplyReader.Result r = eng.wire.read(d);
    SmtpReply reply = eng.afterRead(SmtpPhase.BANNER, "", r, d);
    Duration el = eng.since(t0);
    eng.steps.add(new SmtpExchange(SmtpPhase.BANNER, "", reply, el));
    eng.timings.add("banner", el);
    eng.banner = reply;
    if (!reply.received()) {
      return false;
    }
    if (reply.code() != 220) {
      eng.addFinding(
          SmtpFinding.BANNER_NOT_220.finding(
              reply.isTemporaryFailure() ? Severity.WARNING : Severity.ERROR,
              "The server greeted with " + reply.firstLine() + " instead of 220",
              Evidence.of("phase", SmtpPhase.BANNER),
              Evidence.of("reply", reply.firstLine()),
              Evidence.of("transcript-line", r.lastLineIndex())));
      if (reply.code() == 421) {
        eng.serverClosing = true;
      }
      eng.end(SmtpPhase.BANNER, "greeting was " + reply.firstLine());
      return false;
    }
    eng.checkReverseDns(reply);
    return true;
  }

  static void checkReverseDns(Engine eng, SmtpReply greeting) {
    if (eng.remote == null) {
      return;
    }
    Optional<HostResolver.Reverse> rev;
    try {
      rev = eng.resolver().reverse(eng.remote.getAddress());
    } catch (RuntimeException e) {
      Engine.LOG.debug("reverse lookup failed", e);
      return;
    }
    if (rev.isEmpty()) {
      return;
    }
    eng.reverse = rev.get();
    String name = normalizeName(firstWord(greeting.lines().get(0)));
    eng.bannerName = name;
    List<String> ptr = rev.get().names();
    List<String> confirmed = rev.get().confirmedNames();
    if (confirmed.contains(name)) {
      return;
    }
    String ip = eng.remote.getAddress().getHostAddress();
    String summary;
    if (ptr.isEmpty()) {
      summary = "The banner names " + name + " but " + ip + " has no PTR record";
    } else if (ptr.contains(name)) {
      summary =
          "The banner name "
              + name
              + " is the PTR name of "
              + ip
              + ", but it does not resolve back to it";
    } else {
      summary =
          "The banner names "
              + name
              + " but the PTR record of "
              + ip
              + " says "
              + String.join(", ", ptr);
    }
    eng.addFinding(
        SmtpFinding.BANNER_RDNS_MISMATCH.finding(
            summary,
            Evidence.of("phase", SmtpPhase.BANNER),
            Evidence.of("banner-name", name),
            Evidence.of("address", ip),
            Evidence.of("ptr", ptr.isEmpty() ? "(none)" : String.join(", ", ptr)),
            Evidence.of("forward-confirmed", String.join(", ", confirmed))));
  }

  static String normalizeName(String n) {
    String name = n.toLowerCase(Locale.ROOT);
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }

  static void checkEhloName(Engine eng, SmtpPhase phase) {
    if (eng.reverse == null || eng.caps == null || eng.caps.domain().isEmpty()) {
      return;
    }
    String name = normalizeName(eng.caps.domain());
    // A name already reported for the banner is not reported again.
    if (name.equals(eng.bannerName) || eng.reverse.confirmedNames().contains(name)) {
      return;
    }
    eng.addOnce(
        "ehlo-rdns",
        SmtpFinding.EHLO_RDNS_MISMATCH.finding(
            "The EHLO greeting names "
                + name
                + " but the reverse DNS of "
                + eng.remote.getAddress().getHostAddress()
                + " says "
                + (eng.reverse.names().isEmpty()
                    ? "nothing (no PTR)"
                    : String.join(", ", eng.reverse.names())),
            Evidence.of("phase", phase),
            Evidence.of("ehlo-name", name),
            Evidence.of(
                "ptr",
                eng.reverse.names().isEmpty()
                    ? "(none)"
                    : String.join(", ", eng.reverse.names()))));
  }

  static String firstWord(String s) {
    String t = s.strip();
    int sp = t.indexOf(' ');
    return sp < 0 ? t : t.substring(0, sp);
  }
}
