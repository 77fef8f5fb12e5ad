package dev.mailpath.diag.smtp;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One way of asking a server to relay: a MAIL FROM and a RCPT TO built from the domains given to
 * {@link RelayPolicyTester}, plus the two controls that tell a closed server from one that refuses
 * (or accepts) everything.
 *
 * <p>The battery covers every combination nmap's {@code smtp-open-relay} script tries, and a few
 * more: a plain external recipient; empty, unqualified, local and IP-literal senders; the percent
 * hack; a double {@code @}; quoted local parts; {@code @relay:} source routes (RFC 5321 §4.1.2
 * keeps the syntax, Appendix C tells servers to ignore the route); UUCP bang paths. In the
 * templates of {@link #mailFromTemplate()} and {@link #rcptToTemplate()}, {@code ext} stands for
 * the external domain, {@code local} for the local domain and {@code [ip]} for the address literal
 * of the server actually connected to ({@code [IPv6:...]} for IPv6).
 *
 * <p>Controls ({@link #isControl()}) run in every anonymous pass, whatever variants are chosen:
 * {@link #LOCAL_DELIVERY} must be accepted, or the server is not taking mail at all; {@link
 * #UNKNOWN_LOCAL_USER} should be refused, or the server accepts every recipient at the dialogue and
 * its acceptances prove nothing either way.
 */
public enum RelayVariant {

  /** Control: an external sender to the real local recipient; a mail server must accept it. */
  LOCAL_DELIVERY(
      "local-delivery",
      true,
      "<probe@ext>",
      "<localRecipient>",
      "external sender to the local recipient (control: must be accepted)"),

  /** Control: an external sender to a made-up local user; a careful server refuses it. */
  UNKNOWN_LOCAL_USER(
      "unknown-local-user",
      true,
      "<probe@ext>",
      "<mailpath-nonexistent-XXXXXXXX@local>",
      "external sender to a made-up local user (control: should be refused)"),

  /** Third party to third party: the classic open relay test. */
  EXTERNAL_SENDER(
      "external-sender",
      false,
      "<probe@ext>",
      "<relaytest@ext>",
      "external sender to external recipient"),

  /** The null reverse path of bounces (RFC 5321 §4.5.5) to an external recipient. */
  NULL_SENDER(
      "null-sender", false, "<>", "<relaytest@ext>", "null sender (bounce) to external recipient"),

  /**
   * A sender in the server's own domain to an external recipient (relay by trusting the sender).
   */
  LOCAL_SENDER(
      "local-sender",
      false,
      "<probe@local>",
      "<relaytest@ext>",
      "local sender to external recipient"),

  /** A sender without a domain to an external recipient. */
  UNQUALIFIED_SENDER(
      "unqualified-sender",
      false,
      "<probe>",
      "<relaytest@ext>",
      "unqualified sender to external recipient"),

  /** A sender at the server's own address literal to an external recipient. */
  IP_LITERAL_SENDER(
      "ip-literal-sender",
      false,
      "<probe@[ip]>",
      "<relaytest@ext>",
      "sender at the server's address literal to external recipient"),

  /** The percent hack through the local domain: {@code relaytest%ext@local}. */
  PERCENT_HACK(
      "percent-hack",
      false,
      "<probe@[ip]>",
      "<relaytest%ext@local>",
      "percent hack via the local domain"),

  /** The percent hack through the server's address literal. */
  PERCENT_HACK_IP_LITERAL(
      "percent-hack-ip-literal",
      false,
      "<probe@[ip]>",
      "<relaytest%ext@[ip]>",
      "percent hack via the server's address literal"),

  /** The whole external address as a quoted local part, no domain. */
  QUOTED_RECIPIENT(
      "quoted-recipient",
      false,
      "<probe@[ip]>",
      "<\"relaytest@ext\">",
      "quoted external address without domain"),

  /** A quoted percent-hack local part, no domain. */
  QUOTED_PERCENT(
      "quoted-percent",
      false,
      "<probe@[ip]>",
      "<\"relaytest%ext\">",
      "quoted percent-hack local part without domain"),

  /** The external address as a quoted local part in the local domain. */
  QUOTED_LOCAL_DOMAIN(
      "quoted-local-domain",
      false,
      "<probe@[ip]>",
      "<\"relaytest@ext\"@local>",
      "quoted external address at the local domain"),

  /** The external address as a quoted local part at the server's address literal. */
  QUOTED_IP_LITERAL(
      "quoted-ip-literal",
      false,
      "<probe@[ip]>",
      "<\"relaytest@ext\"@[ip]>",
      "quoted external address at the server's address literal"),

  /** Two {@code @}: the external address followed by the local domain. */
  DOUBLE_AT(
      "double-at",
      false,
      "<probe@[ip]>",
      "<relaytest@ext@local>",
      "external address @ local domain"),

  /** Two {@code @}: the external address followed by the server's address literal. */
  DOUBLE_AT_IP_LITERAL(
      "double-at-ip-literal",
      false,
      "<probe@[ip]>",
      "<relaytest@ext@[ip]>",
      "external address @ the server's address literal"),

  /** An RFC 821 source route through the local domain. */
  SOURCE_ROUTE(
      "source-route",
      false,
      "<probe@[ip]>",
      "<@local:relaytest@ext>",
      "source route via the local domain"),

  /** An RFC 821 source route through the server's address literal. */
  SOURCE_ROUTE_IP_LITERAL(
      "source-route-ip-literal",
      false,
      "<probe@[ip]>",
      "<@[ip]:relaytest@ext>",
      "source route via the server's address literal"),

  /** A UUCP bang path without domain. */
  BANG_PATH("bang-path", false, "<probe@[ip]>", "<ext!relaytest>", "bang path"),

  /** A UUCP bang path in the local domain. */
  BANG_PATH_LOCAL(
      "bang-path-local",
      false,
      "<probe@[ip]>",
      "<ext!relaytest@local>",
      "bang path at the local domain"),

  /** A UUCP bang path at the server's address literal. */
  BANG_PATH_IP_LITERAL(
      "bang-path-ip-literal",
      false,
      "<probe@[ip]>",
      "<ext!relaytest@[ip]>",
      "bang path at the server's address literal");

  private final String id;
  private final boolean control;
  private final String mailFromTemplate;
  private final String rcptToTemplate;
  private final String description;

  RelayVariant(String id, boolean control, String mailFrom, String rcptTo, String description) {
    this.id = id;
    this.control = control;
    this.mailFromTemplate = mailFrom;
    this.rcptToTemplate = rcptTo;
    this.description = description;
  }

  /**
   * Returns the stable short name, as printed in reports, for example {@code percent-hack}.
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * Tells whether this is a control rather than a relay attempt.
   *
   * @return {@code true} for {@link #LOCAL_DELIVERY} and {@link #UNKNOWN_LOCAL_USER}
   */
  public boolean isControl() {
    return control;
  }

  /**
   * Returns the shape of the MAIL FROM path, for example {@code <probe@[ip]>}.
   *
   * @return the template
   */
  public String mailFromTemplate() {
    return mailFromTemplate;
  }

  /**
   * Returns the shape of the RCPT TO path, for example {@code <relaytest%ext@local>}.
   *
   * @return the template
   */
  public String rcptToTemplate() {
    return rcptToTemplate;
  }

  /**
   * Returns a one-line description, for example "percent hack via the local domain".
   *
   * @return the description
   */
  public String description() {
    return description;
  }

  /**
   * Returns every relay variant (the battery without the controls), in the order they run.
   *
   * @return the relay variants
   */
  public static List<RelayVariant> relayVariants() {
    return Arrays.stream(values()).filter(v -> !v.control).toList();
  }

  /**
   * Finds a variant by its {@link #id()}.
   *
   * @param id for example {@code bang-path}
   * @return the variant, or empty when no variant has that id
   */
  public static Optional<RelayVariant> byId(String id) {
    return Arrays.stream(values()).filter(v -> v.id.equals(id)).findFirst();
  }

  /** Returns the {@link #id()}. */
  @Override
  public String toString() {
    return id;
  }
}
