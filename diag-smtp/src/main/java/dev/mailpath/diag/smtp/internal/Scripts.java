package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.TlsMode;
import dev.mailpath.diag.smtp.SmtpPhase;
import java.util.ArrayList;
import java.util.List;

/** How a script's {@link TlsMode} and its STARTTLS steps become the steps that are played. */
public final class Scripts {
  private Scripts() {}

  /**
   * Tells whether a step is one of the two STARTTLS steps.
   *
   * @param s the step
   * @return {@code true} for STARTTLS and STARTTLS-if-offered
   */
  public static boolean isStartTls(Step s) {
    return s.kind() == Step.Kind.STARTTLS || s.kind() == Step.Kind.STARTTLS_IF_OFFERED;
  }

  /**
   * Returns the STARTTLS step of a STARTTLS mode.
   *
   * @param mode {@link TlsMode#STARTTLS_REQUIRED} or {@link TlsMode#STARTTLS_IF_OFFERED}
   * @return the step
   */
  public static Step startTlsStep(TlsMode mode) {
    return Step.of(
        mode == TlsMode.STARTTLS_REQUIRED ? Step.Kind.STARTTLS : Step.Kind.STARTTLS_IF_OFFERED,
        SmtpPhase.TLS,
        "");
  }

  /**
   * Gives every STARTTLS step of a script the kind of a new STARTTLS mode.
   *
   * @param steps the steps
   * @param mode the new mode, one of the STARTTLS modes
   * @return the steps with their STARTTLS steps changed
   */
  public static List<Step> withStartTlsMode(List<Step> steps, TlsMode mode) {
    List<Step> s = new ArrayList<>();
    for (Step step : steps) {
      s.add(isStartTls(step) ? startTlsStep(mode) : step);
    }
    return s;
  }

  /**
   * Returns the steps as played: a STARTTLS mode without a STARTTLS step gets one right after the
   * first EHLO (or HELO), or, in a script without either, an EHLO in the client's name and the
   * STARTTLS first thing. A STARTTLS step with no EHLO or HELO before it gets an EHLO in the
   * client's name first: STARTTLS is an extension only an EHLO reply can offer (RFC 3207 §4), and
   * whether it is offered decides what STARTTLS-if-offered does.
   *
   * @param steps the script's steps
   * @param mode the script's mode
   * @return the steps to play
   */
  public static List<Step> played(List<Step> steps, TlsMode mode) {
    if (steps.stream().anyMatch(Scripts::isStartTls)) {
      return withEhloBeforeStartTls(steps);
    }
    if (!mode.usesStartTls()) {
      return steps;
    }
    Step tls = startTlsStep(mode);
    List<Step> s = new ArrayList<>(steps);
    for (int i = 0; i < s.size(); i++) {
      Step.Kind k = s.get(i).kind();
      if (k == Step.Kind.EHLO || k == Step.Kind.HELO) {
        s.add(i + 1, tls);
        return s;
      }
    }
    // An empty EHLO name means the client's default name (see Engine's EHLO step).
    s.add(0, tls);
    s.add(0, Step.of(Step.Kind.EHLO, SmtpPhase.EHLO, ""));
    return s;
  }

  private static List<Step> withEhloBeforeStartTls(List<Step> steps) {
    for (int i = 0; i < steps.size(); i++) {
      Step.Kind k = steps.get(i).kind();
      if (k == Step.Kind.EHLO || k == Step.Kind.HELO) {
        return steps;
      }
      if (isStartTls(steps.get(i))) {
        List<Step> s = new ArrayList<>(steps);
        s.add(i, Step.of(Step.Kind.EHLO, SmtpPhase.EHLO, ""));
        return s;
      }
    }
    return steps;
  }
}
