package dev.mailpath.diag.auth;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The verdict on one DKIM-Signature header field: its signing domain ({@code d=}), selector ({@code
 * s=}), algorithm, and the result with the reason when it is not PASS.
 *
 * @param result the result
 * @param domain the signing domain ({@code d=}), lower case; empty text when the tag is missing
 * @param selector the selector ({@code s=}); empty text when the tag is missing
 * @param algorithm the {@code a=} value, for example {@code rsa-sha256}; empty text when missing
 * @param reason why the result is not PASS, in a sentence; empty for PASS
 */
public record DkimSignatureResult(
    DkimResult result, String domain, String selector, String algorithm, Optional<String> reason) {

  /**
   * Checks that no component is null.
   *
   * @param result the result
   * @param domain the signing domain
   * @param selector the selector
   * @param algorithm the algorithm
   * @param reason why the result is not PASS
   */
  public DkimSignatureResult {
    requireNonNull(result, "result");
    requireNonNull(domain, "domain");
    requireNonNull(selector, "selector");
    requireNonNull(algorithm, "algorithm");
    requireNonNull(reason, "reason");
  }
}
