package dev.mailpath.diag.smtp;

/**
 * What one {@link RelayPass} showed; {@link RelayReport#verdict()} combines the passes.
 *
 * <ul>
 *   <li>{@link #RELAYED}: at least one relay variant was accepted at RCPT.
 *   <li>{@link #REFUSED}: every relay variant was refused for good (5xx, or "authentication
 *       required"); for the anonymous pass, local delivery was accepted.
 *   <li>{@link #REFUSES_ALL}: anonymous pass only: relay variants and local delivery alike were
 *       refused for good.
 *   <li>{@link #INCONCLUSIVE}: some attempt got no final answer (4xx, greylisting, no reply,
 *       STARTTLS demanded but impossible, not tried), or AUTH failed.
 * </ul>
 */
public enum RelayPassResult {
  /** At least one relay variant was accepted. */
  RELAYED,
  /** Every relay variant was refused for good. */
  REFUSED,
  /** Even local delivery was refused for good. */
  REFUSES_ALL,
  /** No final answer. */
  INCONCLUSIVE
}
