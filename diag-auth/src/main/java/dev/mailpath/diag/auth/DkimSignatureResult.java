package dev.mailpath.diag.auth;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.Finding;
import java.util.List;
import java.util.Optional;

/**
 * The verdict on one DKIM-Signature header field: its signing domain ({@code d=}), selector ({@code
 * s=}), algorithm, canonicalization, identity ({@code i=}), body length limit ({@code l=}), the
 * result with the reason when it is not PASS, and the findings that explain it (their codes say
 * which check failed: {@code dkim.body-hash}, {@code dkim.signature}, {@code dkim.key-missing},
 * ...).
 *
 * @param result the result
 * @param domain the signing domain ({@code d=}), lower case; empty text when the tag is missing
 * @param selector the selector ({@code s=}); empty text when the tag is missing
 * @param algorithm the {@code a=} value, for example {@code rsa-sha256}; empty text when missing
 * @param reason why the result is not PASS, in a sentence; empty for PASS
 * @param canonicalization the {@code c=} value as header/body, for example {@code relaxed/simple}
 *     ({@code simple/simple} when the tag is absent); empty text when it could not be read
 * @param identity the {@code i=} value when the signature has one
 * @param bodyLength the {@code l=} value when the signature has one
 * @param findings what the verification of this signature found, most important first
 */
public record DkimSignatureResult(
    DkimResult result,
    String domain,
    String selector,
    String algorithm,
    Optional<String> reason,
    String canonicalization,
    Optional<String> identity,
    Optional<Long> bodyLength,
    List<Finding> findings) {

  /**
   * Checks that no component is null and copies the list.
   *
   * @param result the result
   * @param domain the signing domain
   * @param selector the selector
   * @param algorithm the algorithm
   * @param reason why the result is not PASS
   * @param canonicalization the canonicalization, header/body
   * @param identity the {@code i=} value
   * @param bodyLength the {@code l=} value
   * @param findings what the verification found
   */
  public DkimSignatureResult {
    requireNonNull(result, "result");
    requireNonNull(domain, "domain");
    requireNonNull(selector, "selector");
    requireNonNull(algorithm, "algorithm");
    requireNonNull(reason, "reason");
    requireNonNull(canonicalization, "canonicalization");
    requireNonNull(identity, "identity");
    requireNonNull(bodyLength, "bodyLength");
    findings = List.copyOf(findings);
  }

  /**
   * Creates a verdict with the five basic components; canonicalization {@code simple/simple}, no
   * {@code i=}, no {@code l=}, no findings.
   *
   * @param result the result
   * @param domain the signing domain
   * @param selector the selector
   * @param algorithm the algorithm
   * @param reason why the result is not PASS
   */
  public DkimSignatureResult(
      DkimResult result,
      String domain,
      String selector,
      String algorithm,
      Optional<String> reason) {
    this(
        result,
        domain,
        selector,
        algorithm,
        reason,
        "simple/simple",
        Optional.empty(),
        Optional.empty(),
        List.of());
  }

  /**
   * Tells whether a finding with the given code is among this signature's findings.
   *
   * @param code the code
   * @return true when present
   */
  public boolean has(DkimFinding code) {
    return findings.stream().anyMatch(f -> f.is(code));
  }
}
