package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.internal.IpLiterals;
import dev.mailpath.diag.smtp.RelayVariant;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;

/**
 * Builds the MAIL FROM and RCPT TO paths of each {@link RelayVariant} from the test's domains and
 * the server's address literal, following the templates documented on the enum.
 */
public final class RelayPaths {
  /** Local part of the probe's sender, as in the templates. */
  static final String SENDER = "probe";

  private final String localDomain;
  private final String localRecipient;
  private final String externalDomain;
  private final String externalUser;
  private final String unknownLocalUser;

  /**
   * Creates the paths of one test.
   *
   * @param localDomain the domain the server receives for
   * @param localRecipient the real local recipient (address without brackets)
   * @param externalDomain the domain it must not relay to
   * @param externalUser the local part of the external recipient
   * @param unknownLocalUser the made-up local part of the unknown-user control
   */
  public RelayPaths(
      String localDomain,
      String localRecipient,
      String externalDomain,
      String externalUser,
      String unknownLocalUser) {
    this.localDomain = localDomain;
    this.localRecipient = localRecipient;
    this.externalDomain = externalDomain;
    this.externalUser = externalUser;
    this.unknownLocalUser = unknownLocalUser;
  }

  /**
   * Returns the address literal for an address, as RFC 5321 §4.1.3 writes it.
   *
   * @param address the server's address
   * @return {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]}
   */
  public static String literal(InetAddress address) {
    String text = dev.mailpath.diag.core.internal.Addresses.format(address);
    return address instanceof Inet6Address ? "[IPv6:" + text + "]" : "[" + text + "]";
  }

  /**
   * Returns the address literal of the server from a report's remote address.
   *
   * @param remote for example {@code 127.0.0.1:25} or {@code [::1]:25}
   * @return the literal, or empty when the text is not an address
   */
  public static Optional<String> literalOf(String remote) {
    int colon = remote.lastIndexOf(':');
    if (colon <= 0) {
      return Optional.empty();
    }
    return IpLiterals.parse(remote.substring(0, colon)).map(RelayPaths::literal);
  }

  /**
   * Returns the reverse path of a variant.
   *
   * @param v the variant
   * @param ip the server's address literal, for example {@code [127.0.0.1]}
   * @return the path in angle brackets
   */
  public String mailFrom(RelayVariant v, String ip) {
    switch (v) {
      case LOCAL_DELIVERY:
      case UNKNOWN_LOCAL_USER:
      case EXTERNAL_SENDER:
        return "<" + SENDER + "@" + externalDomain + ">";
      case NULL_SENDER:
        return "<>";
      case LOCAL_SENDER:
        return "<" + SENDER + "@" + localDomain + ">";
      case UNQUALIFIED_SENDER:
        return "<" + SENDER + ">";
      default:
        // nmap's smtp-open-relay uses the server's own address literal as the sender of every
        // address trick, so that sender checks do not hide what the recipient trick does.
        return "<" + SENDER + "@" + ip + ">";
    }
  }

  /**
   * Returns the forward path of a variant.
   *
   * @param v the variant
   * @param ip the server's address literal, for example {@code [127.0.0.1]}
   * @return the path in angle brackets
   */
  public String rcptTo(RelayVariant v, String ip) {
    String ext = externalUser + "@" + externalDomain;
    String pct = externalUser + "%" + externalDomain;
    String bang = externalDomain + "!" + externalUser;
    switch (v) {
      case LOCAL_DELIVERY:
        return "<" + localRecipient + ">";
      case UNKNOWN_LOCAL_USER:
        return "<" + unknownLocalUser + "@" + localDomain + ">";
      case EXTERNAL_SENDER:
      case NULL_SENDER:
      case LOCAL_SENDER:
      case UNQUALIFIED_SENDER:
      case IP_LITERAL_SENDER:
        return "<" + ext + ">";
      case PERCENT_HACK:
        return "<" + pct + "@" + localDomain + ">";
      case PERCENT_HACK_IP_LITERAL:
        return "<" + pct + "@" + ip + ">";
      case QUOTED_RECIPIENT:
        return "<\"" + ext + "\">";
      case QUOTED_PERCENT:
        return "<\"" + pct + "\">";
      case QUOTED_LOCAL_DOMAIN:
        return "<\"" + ext + "\"@" + localDomain + ">";
      case QUOTED_IP_LITERAL:
        return "<\"" + ext + "\"@" + ip + ">";
      case DOUBLE_AT:
        return "<" + ext + "@" + localDomain + ">";
      case DOUBLE_AT_IP_LITERAL:
        return "<" + ext + "@" + ip + ">";
      case SOURCE_ROUTE:
        return "<@" + localDomain + ":" + ext + ">";
      case SOURCE_ROUTE_IP_LITERAL:
        return "<@" + ip + ":" + ext + ">";
      case BANG_PATH:
        return "<" + bang + ">";
      case BANG_PATH_LOCAL:
        return "<" + bang + "@" + localDomain + ">";
      case BANG_PATH_IP_LITERAL:
        return "<" + bang + "@" + ip + ">";
      default:
        throw new AssertionError(v);
    }
  }
}
