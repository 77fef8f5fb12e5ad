package dev.mailpath.diag.auth;

/**
 * What the policy asks a receiver to do with a message: nothing, Junk, or refuse. A message that
 * passes, a {@code p=none} policy and a policy in test mode ({@code t=y}) all give {@link #NONE}.
 */
public enum DmarcDisposition {
  /** Handle the message as if DMARC had not been applied. */
  NONE,
  /** Treat the message as suspicious (for example, deliver to the Junk folder). */
  QUARANTINE,
  /** Refuse the message (typically a 5xx reply at DATA). */
  REJECT
}
