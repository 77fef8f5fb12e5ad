package dev.mailpath.diag.core.internal;

import dev.mailpath.diag.core.Finding;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The secrets one conversation knows (a password, the SASL lines built from it) and the one rule
 * that keeps them out of everything recorded: every occurrence of a secret, or of one of its
 * encodings, becomes {@value #REDACTED}. Client lines are redacted where they are built; this class
 * catches the rest, above all a server that echoes what it got ({@code 535 5.7.8 'AGJvYgBz...'},
 * Sendmail's {@code 500 5.5.1 Command unrecognized: "..."}, an IMAP {@code NO} quoting the login).
 *
 * <p>For a password the forms searched are the password itself, its IMAP quoted-string form, its
 * base64 (SASL LOGIN) and the base64 of the SASL PLAIN message ({@code \0user\0password}, also with
 * the user as authorization identity), each base64 form with and without padding. Forms shorter
 * than {@value #MIN_LENGTH} characters are not searched: they would match ordinary words of a
 * reply, and are too short to be worth hiding. Thread-safe: a reader thread may scrub while the
 * caller's thread adds a secret.
 */
public final class Secrets {
  /** What a secret is replaced with. */
  public static final String REDACTED = "[redacted]";

  /** The shortest form that is searched for. */
  public static final int MIN_LENGTH = 4;

  private final Set<String> all = new LinkedHashSet<>();
  private volatile List<String> forms = List.of();

  /** Creates an empty set: {@link #scrub(String)} returns its argument until a secret is added. */
  public Secrets() {}

  /**
   * Adds a user name and password, with every form in which a mail protocol sends the password.
   *
   * @param user the user name (not itself a secret; part of the SASL PLAIN message)
   * @param password the password
   * @return this set
   */
  public Secrets addCredentials(String user, String password) {
    List<String> add = new ArrayList<>();
    add.add(password);
    add.add(quoted(password));
    add.addAll(base64Forms(password));
    add.addAll(base64Forms("\0" + user + "\0" + password));
    add.addAll(base64Forms(user + "\0" + user + "\0" + password));
    return addAll(add);
  }

  /**
   * Adds a secret line sent in a SASL exchange (base64 text), with its base64 forms and, when it
   * decodes, the decoded text and its NUL-separated parts (the password of a PLAIN message).
   *
   * @param line the line as sent
   * @return this set
   */
  public Secrets addSaslLine(String line) {
    List<String> add = new ArrayList<>();
    String t = line.strip();
    add.add(t);
    if (t.endsWith("=")) {
      add.add(t.replaceAll("=+$", ""));
    }
    try {
      String decoded = new String(Base64.getMimeDecoder().decode(t), StandardCharsets.UTF_8);
      add.add(decoded);
      String[] parts = decoded.split("\0");
      // PLAIN is authzid NUL authcid NUL password (RFC 4616 §2): the last part is the secret.
      if (parts.length > 1) {
        add.add(parts[parts.length - 1]);
      }
    } catch (IllegalArgumentException e) {
      // not base64: the line itself is the secret
    }
    return addAll(add);
  }

  /**
   * Adds one secret text as it is and in base64.
   *
   * @param secret the text
   * @return this set
   */
  public Secrets add(String secret) {
    List<String> add = new ArrayList<>();
    add.add(secret);
    add.addAll(base64Forms(secret));
    return addAll(add);
  }

  private synchronized Secrets addAll(List<String> add) {
    boolean changed = false;
    for (String s : add) {
      if (s != null && s.length() >= MIN_LENGTH && !s.equals(REDACTED)) {
        changed |= all.add(s);
      }
    }
    if (changed) {
      List<String> sorted = new ArrayList<>(all);
      // Longest first, so that a padded base64 form goes whole before its unpadded prefix.
      sorted.sort(Comparator.comparingInt(String::length).reversed());
      forms = List.copyOf(sorted);
    }
    return this;
  }

  /**
   * Tells whether no secret is known.
   *
   * @return {@code true} when {@link #scrub(String)} changes nothing
   */
  public boolean isEmpty() {
    return forms.isEmpty();
  }

  /**
   * Replaces every occurrence of a known secret form.
   *
   * @param text the text to record
   * @return the text with each secret replaced by {@value #REDACTED}
   */
  public String scrub(String text) {
    List<String> f = forms;
    if (text == null || f.isEmpty()) {
      return text;
    }
    String out = text;
    for (String s : f) {
      if (out.contains(s)) {
        out = out.replace(s, REDACTED);
      }
    }
    return out;
  }

  /**
   * Scrubs the summary, explanation, next steps and evidence of a finding.
   *
   * @param f the finding
   * @return the same finding when it held no secret, else a scrubbed copy
   */
  public Finding scrub(Finding f) {
    if (isEmpty()) {
      return f;
    }
    return f.mapText(this::scrub);
  }

  private static List<String> base64Forms(String s) {
    String b = Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    String unpadded = b.replaceAll("=+$", "");
    return unpadded.equals(b) ? List.of(b) : List.of(b, unpadded);
  }

  /** The IMAP quoted-string form (RFC 3501 §4.3): backslash and double quote escaped. */
  private static String quoted(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /** Never prints a secret. */
  @Override
  public String toString() {
    return "Secrets[" + forms.size() + " forms]";
  }
}
