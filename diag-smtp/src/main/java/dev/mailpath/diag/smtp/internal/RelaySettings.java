package dev.mailpath.diag.smtp.internal;

import dev.mailpath.diag.core.TlsMode;
import dev.mailpath.diag.smtp.RelayVariant;
import dev.mailpath.diag.smtp.SmtpCredentials;
import java.time.Duration;
import java.util.List;

/**
 * The settings of a relay test. Only {@code RelayPolicyTester.Builder} fills them, on a fresh
 * instance per {@code build()}, so a published instance never changes.
 */
public final class RelaySettings {
  /** Creates empty settings. */
  public RelaySettings() {}

  /** Connection settings shared by every session: host, port, timeouts, TLS, environment, DNS. */
  public Options options;

  /** The domain the server receives for. */
  public String localDomain;

  /** The real local recipient of the local-delivery control. */
  public String localRecipient;

  /** The domain the server must not relay to. */
  public String externalDomain;

  /** The local part of the external recipient. */
  public String externalUser;

  /** EHLO argument. */
  public String ehloName;

  /** Credentials for the authenticated pass, or null. */
  public SmtpCredentials credentials;

  /** When to use TLS, or null for the default (STARTTLS when demanded, and before AUTH). */
  public TlsMode tlsMode;

  /** The relay variants of the anonymous pass (controls excluded), in battery order. */
  public List<RelayVariant> variants;

  /** Overall deadline of one test. */
  public Duration deadline;

  /** Attempts on one connection before a fresh one is opened. */
  public int attemptsPerConnection;

  /** Connections one test may open. */
  public int maxConnections;

  /** Whether to send DATA after the first accepted relay recipient of each pass. */
  public boolean sendTestMessage;
}
