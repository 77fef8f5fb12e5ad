package dev.mailpath.diag.smtp.internal;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DomainName;
import dev.mailpath.diag.core.MailAddress;
import dev.mailpath.diag.core.internal.Checks;

/** What a delivery path check asks for: the recipient and its domain, read with the one parsers. */
public final class DeliveryTargets {
  /** RFC 5321 §4.5.3.1.3: a path is at most 256 octets. */
  private static final int MAX_PATH = 256;

  private DeliveryTargets() {}

  /**
   * Reads {@code DeliveryPathCheck.check}'s argument: an address (through {@link MailAddress#of})
   * or a domain (through {@link DomainName#of}, asking for {@code postmaster}).
   *
   * @param addressOrDomain the text
   * @return the target
   * @throws IllegalArgumentException naming {@code addressOrDomain} and the problem
   */
  public static DeliveryPathRun.Target parse(String addressOrDomain) {
    requireNonNull(addressOrDomain, "addressOrDomain");
    Checks.noLineBreaks("addressOrDomain", addressOrDomain);
    if (addressOrDomain.isBlank()) {
      throw new IllegalArgumentException(
          "addressOrDomain must be an address such as alice@example.org or a domain");
    }
    if (addressOrDomain.indexOf('@') >= 0) {
      return of(addressOrDomain, Inputs.mailAddress("addressOrDomain", addressOrDomain));
    }
    DomainName domain;
    try {
      domain = DomainName.of(addressOrDomain);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("addressOrDomain: " + e.getMessage(), e);
    }
    return of(addressOrDomain, "postmaster", domain);
  }

  /**
   * Makes the target of an address.
   *
   * @param given the input as given, for the report
   * @param address the recipient
   * @return the target
   * @throws IllegalArgumentException when the domain is an address literal
   */
  public static DeliveryPathRun.Target of(String given, MailAddress address) {
    DomainName domain =
        address
            .domainName()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "addressOrDomain has an address literal as domain; a delivery path starts"
                            + " from a domain's MX records (use SmtpConversation to talk to an"
                            + " address): '"
                            + given
                            + "'"));
    return of(given, address.localPart(), domain);
  }

  /**
   * Makes the target of a local part in a domain.
   *
   * @param given the input as given, for the report
   * @param local the local part
   * @param domain the domain
   * @return the target
   * @throws IllegalArgumentException when the path is longer than RFC 5321 allows
   */
  public static DeliveryPathRun.Target of(String given, String local, DomainName domain) {
    String recipient = local + "@" + domain.ascii();
    if (recipient.length() > MAX_PATH) {
      throw new IllegalArgumentException(
          "addressOrDomain is "
              + recipient.length()
              + " characters; RFC 5321 §4.5.3.1.3 allows 256");
    }
    return new DeliveryPathRun.Target(given, recipient, domain.given(), domain.ascii());
  }
}
