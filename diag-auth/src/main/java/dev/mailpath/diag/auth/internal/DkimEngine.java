package dev.mailpath.diag.auth.internal;

import dev.mailpath.diag.auth.DkimFinding;
import dev.mailpath.diag.auth.DkimKeyReport;
import dev.mailpath.diag.auth.DkimReport;
import dev.mailpath.diag.auth.DkimResult;
import dev.mailpath.diag.auth.DkimSignatureResult;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.Severity;
import dev.mailpath.diag.core.TimeSource;
import dev.mailpath.diag.dns.RecordType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * DKIM verification (RFC 6376 §6, RFC 8463, RFC 8301) behind {@code DkimVerifier}: reads the header
 * block (at most {@link DkimHeaderBlock#MAX_HEADER_BYTES}), starts the key lookups, streams the
 * body through one canonicalizer and digest per signature in fixed-size chunks, then checks the
 * keys and signatures. Keys are cached for one call only (a message signed twice with one selector
 * asks once); no state survives a call.
 *
 * <p>Thread-safe.
 */
public final class DkimEngine {
  /** The most signatures verified per message. */
  public static final int MAX_SIGNATURES = 16;

  private static final int CHUNK = 64 * 1024;
  private static final int SAFE_RSA_BITS = 2048;
  private static final int RFC8301_RSA_BITS = 1024;

  private final AuthDns dns;
  private final TimeSource time;
  private final Executor executor;
  private final int minRsaBits;
  private final boolean allowSha1;

  /**
   * Creates the engine.
   *
   * @param dns the DNS helper
   * @param time the clock ({@code x=} expiry, report timestamps)
   * @param executor where async work and completions run
   * @param minRsaBits the smallest RSA key accepted
   * @param allowSha1 whether rsa-sha1 signatures can pass
   */
  public DkimEngine(
      AuthDns dns, TimeSource time, Executor executor, int minRsaBits, boolean allowSha1) {
    this.dns = dns;
    this.time = time;
    this.executor = executor;
    this.minRsaBits = minRsaBits;
    this.allowSha1 = allowSha1;
  }

  /** The message to read: an array or a stream. */
  private record Source(byte[] bytes, InputStream stream) {}

  /** One signature being verified. */
  private static final class SigWork {
    final DkimSignature sig;
    DkimCanon.Body body;
    byte[] bodyHash;
    long canonicalLength;
    byte[] signedData;

    SigWork(DkimSignature sig) {
      this.sig = sig;
    }
  }

  /** One message being verified. */
  private final class Work {
    final Instant startedAt = time.instant();
    final long t0 = time.nanoTime();
    final List<Finding> findings = new ArrayList<>();
    final List<SigWork> sigs = new ArrayList<>();
    final Map<String, CompletableFuture<AuthDns.Answer>> keys = new LinkedHashMap<>();
    final Map<String, DkimKey> parsedKeys = new HashMap<>();
    DkimHeaderBlock header;
  }

  /**
   * Verifies a message in the calling thread (key lookups run meanwhile).
   *
   * @param message the message bytes
   * @return the report
   */
  public DkimReport verify(byte[] message) {
    return await(prepare(new Source(message, null), () -> Thread.currentThread().isInterrupted()));
  }

  /**
   * Verifies a message read from a stream in the calling thread. The stream is not closed.
   *
   * @param message the stream
   * @return the report
   */
  public DkimReport verify(InputStream message) {
    return await(prepare(new Source(null, message), () -> Thread.currentThread().isInterrupted()));
  }

  /**
   * Verifies a message on the executor.
   *
   * @param message the bytes
   * @return the future report
   */
  public CompletableFuture<DkimReport> verifyAsync(byte[] message) {
    return async(new Source(message, null));
  }

  /**
   * Verifies a message read from a stream on the executor.
   *
   * @param message the stream
   * @return the future report
   */
  public CompletableFuture<DkimReport> verifyAsync(InputStream message) {
    return async(new Source(null, message));
  }

  private CompletableFuture<DkimReport> async(Source source) {
    CompletableFuture<DkimReport> result = new CompletableFuture<>();
    executor.execute(
        () -> {
          if (result.isDone()) {
            return;
          }
          try {
            Work w = prepare(source, result::isCancelled);
            result.whenComplete(
                (r, e) -> {
                  if (result.isCancelled()) {
                    w.keys.values().forEach(f -> f.cancel(true));
                  }
                });
            CompletableFuture.allOf(w.keys.values().toArray(CompletableFuture[]::new))
                .whenCompleteAsync(
                    (x, e) -> {
                      try {
                        result.complete(finish(w));
                      } catch (RuntimeException | Error t) {
                        result.completeExceptionally(t);
                      }
                    },
                    executor);
          } catch (CancellationException e) {
            result.cancel(false);
          } catch (RuntimeException | Error t) {
            result.completeExceptionally(t);
          }
        });
    return result;
  }

  private DkimReport await(Work w) {
    try {
      CompletableFuture.allOf(w.keys.values().toArray(CompletableFuture[]::new)).get();
    } catch (InterruptedException e) {
      w.keys.values().forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while fetching DKIM keys");
    } catch (ExecutionException e) {
      // a failed lookup is a TEMPERROR of its signature, handled in finish()
    }
    return finish(w);
  }

  // ---------------------------------------------------------------- reading

  private Work prepare(Source source, BooleanSupplier cancelled) {
    Work w = new Work();
    try {
      if (source.bytes() != null) {
        byte[] m = source.bytes();
        int end = DkimHeaderBlock.findEnd(m, 0, m.length);
        if (end < 0 && m.length > DkimHeaderBlock.MAX_HEADER_BYTES
            || end > DkimHeaderBlock.MAX_HEADER_BYTES) {
          tooLarge(w);
          return w;
        }
        start(w, DkimHeaderBlock.parse(m, end < 0 ? m.length : end, end >= 0));
        if (end >= 0) {
          for (int off = end; off < m.length; off += CHUNK) {
            if (cancelled.getAsBoolean()) {
              throw new CancellationException("cancelled");
            }
            feed(w, m, off, Math.min(CHUNK, m.length - off));
          }
        }
      } else {
        readStream(w, source.stream(), cancelled);
      }
    } catch (CancellationException e) {
      w.keys.values().forEach(f -> f.cancel(true));
      throw e;
    } catch (IOException e) {
      w.findings.add(
          DkimFinding.READ_ERROR.finding("Reading the message failed: " + e.getMessage()));
      w.sigs.clear();
      w.keys.values().forEach(f -> f.cancel(true));
      w.keys.clear();
      return w;
    }
    for (SigWork s : w.sigs) {
      if (s.body != null) {
        s.bodyHash = s.body.finish();
        s.canonicalLength = s.body.canonicalLength();
        s.signedData = signedData(w.header, s.sig);
        s.body = null;
      }
    }
    return w;
  }

  private void readStream(Work w, InputStream in, BooleanSupplier cancelled) throws IOException {
    byte[] buf = new byte[CHUNK];
    int len = 0;
    int scan = 0;
    while (true) {
      int end = DkimHeaderBlock.findEnd(buf, scan, len);
      if (end > DkimHeaderBlock.MAX_HEADER_BYTES) {
        tooLarge(w);
        return;
      }
      if (end >= 0) {
        start(w, DkimHeaderBlock.parse(buf, end, true));
        feed(w, buf, end, len - end);
        break;
      }
      scan = DkimHeaderBlock.lastLineStart(buf, len);
      if (len > DkimHeaderBlock.MAX_HEADER_BYTES) {
        tooLarge(w);
        return;
      }
      if (len == buf.length) {
        buf =
            Arrays.copyOf(buf, Math.min(buf.length * 2, DkimHeaderBlock.MAX_HEADER_BYTES + CHUNK));
      }
      int n = in.read(buf, len, buf.length - len);
      if (n < 0) {
        start(w, DkimHeaderBlock.parse(buf, len, false));
        return;
      }
      len += n;
    }
    byte[] chunk = new byte[CHUNK];
    while (true) {
      if (cancelled.getAsBoolean()) {
        throw new CancellationException("cancelled");
      }
      int n = in.read(chunk, 0, CHUNK);
      if (n < 0) {
        return;
      }
      feed(w, chunk, 0, n);
    }
  }

  private void tooLarge(Work w) {
    w.findings.add(
        DkimFinding.HEADER_TOO_LARGE.finding(
            "The header block is larger than "
                + DkimHeaderBlock.MAX_HEADER_BYTES / 1024
                + " KiB; the message was not verified"));
  }

  private void feed(Work w, byte[] b, int off, int len) {
    if (len <= 0) {
      return;
    }
    for (SigWork s : w.sigs) {
      if (s.body != null) {
        s.body.update(b, off, len);
      }
    }
  }

  /** Parses the signatures, starts the key lookups and sets up the body canonicalizers. */
  private void start(Work w, DkimHeaderBlock header) {
    w.header = header;
    if (!header.separatorFound()) {
      w.findings.add(
          DkimFinding.NO_BODY_SEPARATOR.finding(
              "No empty line ends the header; the body was taken as empty"));
    }
    if (header.malformedLines() > 0) {
      w.findings.add(
          DkimFinding.MALFORMED_HEADER.finding(
              header.malformedLines() + " header line(s) are not header fields and were skipped"));
    }
    long now = time.instant().getEpochSecond();
    int count = 0;
    for (DkimHeaderBlock.Field f : header.fields()) {
      if (!f.name().equalsIgnoreCase("DKIM-Signature")) {
        continue;
      }
      if (++count > MAX_SIGNATURES) {
        continue;
      }
      SigWork s = new SigWork(DkimSignature.parse(f, now));
      w.sigs.add(s);
      if (s.sig.problem.isPresent()) {
        continue;
      }
      String name = s.sig.keyName();
      if (!w.keys.containsKey(name)) {
        try {
          w.keys.put(name, dns.askAsync(name, RecordType.TXT));
        } catch (IllegalArgumentException e) {
          s.sig.problem =
              Optional.of(
                  new DkimSignature.Problem(
                      DkimResult.PERMERROR,
                      DkimFinding.SYNTAX,
                      "the key name " + DkimTagList.clip(name) + " is not a valid DNS name"));
          continue;
        }
      }
      try {
        MessageDigest md =
            MessageDigest.getInstance(s.sig.hash.equals("sha1") ? "SHA-1" : "SHA-256");
        s.body = new DkimCanon.Body(s.sig.bodyRelaxed, md, s.sig.bodyLength.orElse(-1L));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK lacks " + s.sig.hash, e);
      }
    }
    if (count > MAX_SIGNATURES) {
      w.findings.add(
          DkimFinding.TOO_MANY_SIGNATURES.finding(
              count
                  + " DKIM-Signature fields; only the first "
                  + MAX_SIGNATURES
                  + " were verified"));
    }
  }

  /**
   * Returns the data the signature covers, RFC 6376 §3.7: the signed fields (each name taken
   * bottom-up), then the signature field with an empty {@code b=} and no final CRLF.
   *
   * @param header the header block
   * @param sig the signature
   * @return the bytes to verify
   */
  public static byte[] signedData(DkimHeaderBlock header, DkimSignature sig) {
    List<DkimHeaderBlock.Field> fields = header.fields();
    Map<String, ArrayDeque<Integer>> byName = new HashMap<>();
    for (int i = fields.size() - 1; i >= 0; i--) {
      byName
          .computeIfAbsent(fields.get(i).name().toLowerCase(Locale.ROOT), k -> new ArrayDeque<>())
          .addLast(i);
    }
    StringBuilder sb = new StringBuilder();
    for (String name : sig.signedHeaders) {
      ArrayDeque<Integer> q = byName.get(name.toLowerCase(Locale.ROOT));
      Integer idx = q == null ? null : q.pollFirst();
      if (idx != null) {
        sb.append(DkimCanon.header(fields.get(idx).raw(), sig.headerRelaxed));
      }
    }
    String self = DkimSignature.withoutB(sig.field.raw());
    if (sig.headerRelaxed) {
      String c = DkimCanon.header(self + "\r\n", true);
      sb.append(c, 0, c.length() - 2);
    } else {
      sb.append(self);
    }
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  // ---------------------------------------------------------------- deciding

  private DkimReport finish(Work w) {
    List<DkimSignatureResult> results = new ArrayList<>();
    for (SigWork s : w.sigs) {
      results.add(evaluate(w, s));
    }
    boolean anyPass = results.stream().anyMatch(r -> r.result() == DkimResult.PASS);
    DkimReport.Builder b = DkimReport.builder().startedAt(w.startedAt);
    if (w.sigs.isEmpty() && w.findings.stream().noneMatch(f -> f.severity() == Severity.ERROR)) {
      w.findings.add(0, DkimFinding.UNSIGNED.finding("The message has no DKIM-Signature"));
    }
    w.findings.forEach(b::addFinding);
    for (DkimSignatureResult r : results) {
      if (anyPass && r.result() != DkimResult.PASS) {
        // another signature passed: this one's trouble no longer fails the message
        List<Finding> softened = new ArrayList<>();
        for (Finding f : r.findings()) {
          softened.add(
              f.severity().isAtLeast(Severity.ERROR) ? f.withSeverity(Severity.WARNING) : f);
        }
        r =
            new DkimSignatureResult(
                r.result(),
                r.domain(),
                r.selector(),
                r.algorithm(),
                r.reason(),
                r.canonicalization(),
                r.identity(),
                r.bodyLength(),
                softened);
      }
      b.addSignature(r);
      r.findings().forEach(b::addFinding);
    }
    return b.elapsed(Duration.ofNanos(time.nanoTime() - w.t0)).build();
  }

  private DkimSignatureResult evaluate(Work w, SigWork s) {
    DkimSignature sig = s.sig;
    List<Finding> findings = new ArrayList<>();
    String who = "d=" + sig.domain + " s=" + sig.selector + " (" + sig.algorithm + ")";
    Evidence field = Evidence.of("signature", DkimTagList.clip(oneLine(sig.field.value())));
    if (sig.problem.isPresent()) {
      DkimSignature.Problem p = sig.problem.get();
      findings.add(p.code().finding(who + ": " + p.reason(), field));
      return result(sig, p.result(), p.reason(), findings);
    }
    Evidence keyName = Evidence.of("key record", sig.keyName());
    if (sig.bodyLength.isPresent()) {
      long l = sig.bodyLength.get();
      if (l > s.canonicalLength) {
        String why = "l=" + l + " but the canonical body has only " + s.canonicalLength + " bytes";
        findings.add(DkimFinding.LENGTH_TOO_LONG.finding(who + ": " + why, field));
        return result(sig, DkimResult.PERMERROR, why, findings);
      }
      findings.add(
          DkimFinding.LENGTH_TAG.finding(
              who
                  + ": only the first "
                  + l
                  + " body bytes are signed"
                  + (l < s.canonicalLength
                      ? "; " + (s.canonicalLength - l) + " bytes after them are unsigned"
                      : "; unsigned content can be appended"),
              field));
    }
    AuthDns.Answer answer;
    try {
      answer = w.keys.get(sig.keyName()).getNow(null);
    } catch (CancellationException | java.util.concurrent.CompletionException e) {
      answer = null;
    }
    if (answer == null || answer.status() == AuthDns.Status.TEMPERROR) {
      String why =
          "the key record "
              + sig.keyName()
              + " could not be fetched"
              + (answer == null ? "" : ": " + answer.error().orElse("DNS error"));
      findings.add(DkimFinding.TEMPERROR.finding(who + ": " + why, keyName));
      return result(sig, DkimResult.TEMPERROR, why, findings);
    }
    if (answer.isVoid() || answer.texts().isEmpty()) {
      String why =
          "no key record at "
              + sig.keyName()
              + (answer.status() == AuthDns.Status.NXDOMAIN ? " (NXDOMAIN)" : " (no TXT record)");
      findings.add(DkimFinding.KEY_MISSING.finding(who + ": " + why, keyName));
      return result(sig, DkimResult.PERMERROR, why, findings);
    }
    String text = answer.texts().get(0);
    if (answer.texts().size() > 1) {
      findings.add(
          DkimFinding.KEY_MULTIPLE.finding(
              who
                  + ": "
                  + answer.texts().size()
                  + " TXT records at "
                  + sig.keyName()
                  + "; the first was used",
              keyName));
    }
    DkimKey key = w.parsedKeys.computeIfAbsent(text, DkimKey::parse);
    Evidence keyText = Evidence.of("key", DkimTagList.clip(text));
    if (key.problem().isPresent()) {
      DkimKey.Problem p = key.problem().get();
      findings.add(p.code().finding(who + ": " + p.reason(), keyName, keyText));
      return result(sig, DkimResult.PERMERROR, p.reason(), findings);
    }
    if (key.testing()) {
      findings.add(
          DkimFinding.TESTING.finding(who + ": the key is in testing mode (t=y)", keyName));
    }
    if (!key.keyType().equals(sig.keyType)) {
      String why = "the key is k=" + key.keyType() + " but the signature is " + sig.algorithm;
      findings.add(DkimFinding.KEY_TYPE_MISMATCH.finding(who + ": " + why, keyName, keyText));
      return result(sig, DkimResult.PERMERROR, why, findings);
    }
    if (!key.hashes().isEmpty() && !key.hashes().contains(sig.hash)) {
      String why = "the key allows only h=" + String.join(":", key.hashes());
      findings.add(DkimFinding.KEY_HASH_NOT_ALLOWED.finding(who + ": " + why, keyName, keyText));
      return result(sig, DkimResult.PERMERROR, why, findings);
    }
    if (key.strict() && sig.identity.isPresent()) {
      String i = sig.identity.get();
      String idomain = i.substring(i.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
      if (!idomain.equals(sig.domain)) {
        String why = "the key has t=s but i=" + i + " is in a subdomain of " + sig.domain;
        findings.add(DkimFinding.KEY_STRICT.finding(who + ": " + why, keyName, keyText));
        return result(sig, DkimResult.PERMERROR, why, findings);
      }
    }
    DkimResult policy = null;
    String policyWhy = null;
    if (key.keyType().equals("rsa")) {
      int bits = key.bits();
      if (bits < minRsaBits) {
        boolean rfc = bits < RFC8301_RSA_BITS;
        String why =
            "the RSA key has "
                + bits
                + " bits, fewer than "
                + (rfc
                    ? RFC8301_RSA_BITS + " (RFC 8301)"
                    : minRsaBits + " (this verifier's minimum)");
        findings.add(DkimFinding.KEY_TOO_SHORT.finding(who + ": " + why, keyName));
        if (rfc) {
          return result(sig, DkimResult.PERMERROR, why, findings);
        }
        policy = DkimResult.POLICY;
        policyWhy = why;
      } else if (bits < RFC8301_RSA_BITS) {
        findings.add(
            DkimFinding.KEY_TOO_SHORT.finding(
                Severity.WARNING,
                who + ": the RSA key has only " + bits + " bits (accepted by this verifier)",
                keyName));
      } else if (bits < SAFE_RSA_BITS) {
        findings.add(
            DkimFinding.KEY_WEAK.finding(who + ": the RSA key has " + bits + " bits", keyName));
      }
    }
    if (sig.hash.equals("sha1")) {
      if (allowSha1) {
        findings.add(
            DkimFinding.SHA1.finding(
                Severity.WARNING, who + ": rsa-sha1 is weak (accepted by this verifier)", field));
      } else if (policy == null) {
        policy = DkimResult.POLICY;
        policyWhy = "rsa-sha1 is too weak (RFC 8301)";
        findings.add(DkimFinding.SHA1.finding(who + ": " + policyWhy, field));
      }
    }
    if (!MessageDigest.isEqual(s.bodyHash, sig.bh)) {
      String why =
          "the body hash does not match: the body changed after signing, e.g. a footer was added";
      findings.add(0, DkimFinding.BODY_HASH.finding(who + ": " + why, field));
      return result(sig, DkimResult.FAIL, why, findings);
    }
    if (!signatureVerifies(key, sig, s.signedData)) {
      String why =
          "the signature does not verify: a signed header field changed (or the key does not match)";
      findings.add(0, DkimFinding.SIGNATURE.finding(who + ": " + why, field, keyName));
      return result(sig, DkimResult.FAIL, why, findings);
    }
    if (policy != null) {
      return result(sig, policy, "verified, but " + policyWhy, findings);
    }
    return result(sig, DkimResult.PASS, null, findings);
  }

  /** The first 200 characters of a field value, whitespace runs made one space. */
  private static String oneLine(String value) {
    StringBuilder sb = new StringBuilder();
    boolean ws = false;
    for (int i = 0; i < Math.min(value.length(), 200); i++) {
      char c = value.charAt(i);
      if (DkimTagList.isWs(c)) {
        ws = true;
      } else {
        if (ws && sb.length() > 0) {
          sb.append(' ');
        }
        ws = false;
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static boolean signatureVerifies(DkimKey key, DkimSignature sig, byte[] data) {
    try {
      Signature v;
      byte[] signed = data;
      if (key.keyType().equals("ed25519")) {
        v = Signature.getInstance("Ed25519");
        signed = MessageDigest.getInstance("SHA-256").digest(data);
      } else {
        v = Signature.getInstance(sig.hash.equals("sha1") ? "SHA1withRSA" : "SHA256withRSA");
      }
      v.initVerify(key.key().orElseThrow());
      v.update(signed);
      return v.verify(sig.b);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static DkimSignatureResult result(
      DkimSignature sig, DkimResult result, String reason, List<Finding> findings) {
    return new DkimSignatureResult(
        result,
        sig.domain,
        sig.selector,
        sig.algorithm,
        Optional.ofNullable(reason),
        sig.canonicalization,
        sig.identity,
        sig.bodyLength,
        findings);
  }

  // ---------------------------------------------------------------- key check

  /**
   * Checks a key record on its own.
   *
   * @param selector the selector
   * @param domain the domain, lower case
   * @return the future report
   */
  public CompletableFuture<DkimKeyReport> keyAsync(String selector, String domain) {
    Instant startedAt = time.instant();
    long t0 = time.nanoTime();
    String name = selector + "._domainkey." + domain;
    return dns.askAsync(name, RecordType.TXT)
        .thenApplyAsync(a -> keyReport(selector, domain, a, startedAt, t0), executor);
  }

  private DkimKeyReport keyReport(
      String selector, String domain, AuthDns.Answer a, Instant startedAt, long t0) {
    DkimKeyReport.Builder b =
        DkimKeyReport.builder().selector(selector).domain(domain).startedAt(startedAt);
    String name = selector + "._domainkey." + domain;
    Evidence keyName = Evidence.of("key record", name);
    if (a.status() == AuthDns.Status.TEMPERROR) {
      b.addFinding(
          DkimFinding.TEMPERROR.finding(
              name + " could not be fetched: " + a.error().orElse("DNS error"), keyName));
    } else if (a.isVoid() || a.texts().isEmpty()) {
      b.addFinding(DkimFinding.KEY_MISSING.finding("No TXT record at " + name, keyName));
    } else {
      String text = a.texts().get(0);
      DkimKey key = DkimKey.parse(text);
      b.record(text).keyType(key.keyType()).testing(key.testing()).strict(key.strict());
      if (key.bits() > 0) {
        b.keyBits(key.bits());
      }
      boolean usable = key.problem().isEmpty();
      if (key.problem().isPresent()) {
        b.addFinding(
            key.problem()
                .get()
                .code()
                .finding(name + ": " + key.problem().get().reason(), keyName));
      } else if (key.keyType().equals("rsa")) {
        int bits = key.bits();
        if (bits < minRsaBits) {
          usable = false;
          b.addFinding(
              DkimFinding.KEY_TOO_SHORT.finding(
                  name + ": the RSA key has " + bits + " bits, fewer than " + minRsaBits, keyName));
        } else if (bits < SAFE_RSA_BITS) {
          b.addFinding(
              DkimFinding.KEY_WEAK.finding(name + ": the RSA key has " + bits + " bits", keyName));
        }
      }
      if (key.testing()) {
        b.addFinding(
            DkimFinding.TESTING.finding(name + ": the key is in testing mode (t=y)", keyName));
      }
      if (!key.hashes().isEmpty() && !key.hashes().contains("sha256")) {
        usable = false;
        b.addFinding(
            DkimFinding.KEY_HASH_NOT_ALLOWED.finding(
                name + ": h=" + String.join(":", key.hashes()) + " does not allow sha256",
                keyName));
      }
      if (a.texts().size() > 1) {
        b.addFinding(
            DkimFinding.KEY_MULTIPLE.finding(
                name + " has " + a.texts().size() + " TXT records; verifiers may pick any of them",
                keyName));
      }
      b.usable(usable);
    }
    return b.elapsed(Duration.ofNanos(time.nanoTime() - t0)).build();
  }
}
