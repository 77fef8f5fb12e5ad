package dev.mailpath.diag.trace;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.internal.Checks;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What to look for when a message is missing: the answers to the field guide's first questions
 * ("What was the sending address? Approximately what time was the message sent?") plus anything
 * else known. Delivery logs ({@link DeliveryLogSource}) and mailboxes ({@link MailboxSearch}) take
 * the same query; every criterion set must match (AND), unset criteria match everything.
 *
 * <pre>{@code
 * MessageQuery q = MessageQuery.builder()
 *     .sender("alice@example.org")
 *     .recipient("bob@example.net")
 *     .window(Instant.parse("2024-01-02T08:00:00Z"), Instant.parse("2024-01-02T10:00:00Z"))
 *     .build();
 * }</pre>
 *
 * <p>Matching rules: a Message-ID matches exactly (angle brackets optional); an address with an
 * {@code @} matches an address exactly, ignoring case; text without {@code @} matches as a
 * case-insensitive substring of the address; the subject matches as a case-insensitive substring
 * (logs usually have no subject and ignore it); the window is half-open, {@code [since, until)}.
 * Immutable and thread-safe.
 */
public final class MessageQuery {
  private final String messageId;
  private final String sender;
  private final String recipient;
  private final String subject;
  private final Instant since;
  private final Instant until;
  private final int limit;

  private MessageQuery(Builder b) {
    this.messageId = b.messageId;
    this.sender = b.sender;
    this.recipient = b.recipient;
    this.subject = b.subject;
    this.since = b.since;
    this.until = b.until;
    this.limit = b.limit;
    if (since != null && until != null && !since.isBefore(until)) {
      throw new IllegalArgumentException(
          "since (" + since + ") must be before until (" + until + ")");
    }
  }

  /**
   * Starts building a query.
   *
   * @return a builder that matches everything, limit 1,000
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Creates a query for one Message-ID.
   *
   * @param messageId the id, with or without angle brackets
   * @return the query
   */
  public static MessageQuery byMessageId(String messageId) {
    return builder().messageId(messageId).build();
  }

  /**
   * Returns a builder initialised with this query.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.messageId = messageId;
    b.sender = sender;
    b.recipient = recipient;
    b.subject = subject;
    b.since = since;
    b.until = until;
    b.limit = limit;
    return b;
  }

  /**
   * Returns the Message-ID to find, without angle brackets.
   *
   * @return the id
   */
  public Optional<String> messageId() {
    return Optional.ofNullable(messageId);
  }

  /**
   * Returns the sender (envelope sender in logs, {@code From:} in mailboxes).
   *
   * @return the sender address or fragment
   */
  public Optional<String> sender() {
    return Optional.ofNullable(sender);
  }

  /**
   * Returns the recipient (envelope recipient in logs, {@code To:}/{@code Cc:} in mailboxes).
   *
   * @return the recipient address or fragment
   */
  public Optional<String> recipient() {
    return Optional.ofNullable(recipient);
  }

  /**
   * Returns the subject text to find.
   *
   * @return the text
   */
  public Optional<String> subject() {
    return Optional.ofNullable(subject);
  }

  /**
   * Returns the start of the time window (inclusive).
   *
   * @return the start
   */
  public Optional<Instant> since() {
    return Optional.ofNullable(since);
  }

  /**
   * Returns the end of the time window (exclusive).
   *
   * @return the end
   */
  public Optional<Instant> until() {
    return Optional.ofNullable(until);
  }

  /**
   * Returns how many results are collected at most.
   *
   * @return the limit
   */
  public int limit() {
    return limit;
  }

  /**
   * Tells whether a Message-ID matches this query's (true when the query has none).
   *
   * @param candidate the id, with or without angle brackets, or {@code null}
   * @return {@code true} on a match
   */
  public boolean matchesMessageId(String candidate) {
    if (messageId == null) {
      return true;
    }
    return candidate != null && messageId.equals(stripAngles(candidate));
  }

  /**
   * Tells whether an address matches the sender criterion (true when the query has none).
   *
   * @param address the address, or {@code null}
   * @return {@code true} on a match
   */
  public boolean matchesSender(String address) {
    return sender == null || matchesAddress(sender, address);
  }

  /**
   * Tells whether an address matches the recipient criterion (true when the query has none).
   *
   * @param address the address, or {@code null}
   * @return {@code true} on a match
   */
  public boolean matchesRecipient(String address) {
    return recipient == null || matchesAddress(recipient, address);
  }

  /**
   * Tells whether a subject matches (true when the query has no subject criterion).
   *
   * @param candidate the subject, or {@code null}
   * @return {@code true} on a match
   */
  public boolean matchesSubject(String candidate) {
    return subject == null
        || (candidate != null
            && candidate.toLowerCase(Locale.ROOT).contains(subject.toLowerCase(Locale.ROOT)));
  }

  /**
   * Tells whether an instant lies in the window (true when the query has none).
   *
   * @param t the instant, or {@code null} (which matches only when there is no window)
   * @return {@code true} when {@code since <= t < until}
   */
  public boolean inWindow(Instant t) {
    if (since == null && until == null) {
      return true;
    }
    return t != null
        && (since == null || !t.isBefore(since))
        && (until == null || t.isBefore(until));
  }

  /**
   * Tells whether a period overlaps the window.
   *
   * @param first the start of the period
   * @param last the end of the period (inclusive)
   * @return {@code true} when they overlap, or when the query has no window
   */
  public boolean overlaps(Instant first, Instant last) {
    if (since == null && until == null) {
      return true;
    }
    if (first == null || last == null) {
      return false;
    }
    return (until == null || first.isBefore(until)) && (since == null || !last.isBefore(since));
  }

  static boolean matchesAddress(String wanted, String address) {
    if (address == null) {
      return false;
    }
    String a = stripAngles(address).toLowerCase(Locale.ROOT);
    String w = wanted.toLowerCase(Locale.ROOT);
    return w.indexOf('@') >= 0 ? a.equals(w) : a.contains(w);
  }

  static String stripAngles(String s) {
    String t = s.strip();
    if (t.startsWith("<") && t.endsWith(">") && t.length() >= 2) {
      t = t.substring(1, t.length() - 1).strip();
    }
    return t;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MessageQuery q
        && Objects.equals(messageId, q.messageId)
        && Objects.equals(sender, q.sender)
        && Objects.equals(recipient, q.recipient)
        && Objects.equals(subject, q.subject)
        && Objects.equals(since, q.since)
        && Objects.equals(until, q.until)
        && limit == q.limit;
  }

  @Override
  public int hashCode() {
    return Objects.hash(messageId, sender, recipient, subject, since, until, limit);
  }

  /** Returns the criteria as {@code message-id=<...> from=... to=... since=... until=...}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (messageId != null) {
      sb.append("message-id=<").append(messageId).append("> ");
    }
    if (sender != null) {
      sender().ifPresent(s -> sb.append("from=").append(s).append(' '));
    }
    recipient().ifPresent(s -> sb.append("to=").append(s).append(' '));
    subject().ifPresent(s -> sb.append("subject~\"").append(s).append("\" "));
    since().ifPresent(s -> sb.append("since=").append(s).append(' '));
    until().ifPresent(s -> sb.append("until=").append(s).append(' '));
    return sb.length() == 0 ? "(everything)" : sb.toString().strip();
  }

  /** Builds a {@link MessageQuery}; not thread-safe. */
  public static final class Builder {
    private String messageId;
    private String sender;
    private String recipient;
    private String subject;
    private Instant since;
    private Instant until;
    private int limit = 1000;

    private Builder() {}

    /**
     * Sets the Message-ID.
     *
     * @param messageId with or without angle brackets; no line breaks
     * @return this builder
     */
    public Builder messageId(String messageId) {
      String id = stripAngles(Checks.noLineBreaks("messageId", messageId));
      if (id.isEmpty() || id.indexOf(' ') >= 0) {
        throw new IllegalArgumentException(
            "messageId must be a non-empty id without spaces: " + messageId);
      }
      this.messageId = id;
      return this;
    }

    /**
     * Sets the sender: a full address matches exactly, a fragment (a domain) as a substring.
     *
     * @param sender the address or fragment; no line breaks
     * @return this builder
     */
    public Builder sender(String sender) {
      this.sender = nonBlank("sender", sender);
      return this;
    }

    /**
     * Sets the recipient: a full address matches exactly, a fragment as a substring.
     *
     * @param recipient the address or fragment; no line breaks
     * @return this builder
     */
    public Builder recipient(String recipient) {
      this.recipient = nonBlank("recipient", recipient);
      return this;
    }

    /**
     * Sets subject text to find (mailboxes only; logs ignore it).
     *
     * @param subject the text; no line breaks
     * @return this builder
     */
    public Builder subject(String subject) {
      this.subject = nonBlank("subject", subject);
      return this;
    }

    /**
     * Sets the time window, for example the hours around the time the user says the message was
     * sent.
     *
     * @param since the start, inclusive
     * @param until the end, exclusive; after {@code since}
     * @return this builder
     */
    public Builder window(Instant since, Instant until) {
      this.since = requireNonNull(since, "since");
      this.until = requireNonNull(until, "until");
      return this;
    }

    /**
     * Sets the window around an approximate time, the answer to "approximately what time was the
     * message sent?": {@code [time - tolerance, time + tolerance)}.
     *
     * <pre>{@code
     * MessageQuery.builder().sender("alice@example.org").recipient("bob@example.net")
     *     .around(Instant.parse("2024-01-02T09:00:00Z"), Duration.ofHours(2))
     *     .build();
     * }</pre>
     *
     * @param time when the message was sent, roughly
     * @param tolerance how far off that may be; positive, at most a day
     * @return this builder
     */
    public Builder around(Instant time, Duration tolerance) {
      requireNonNull(time, "time");
      Checks.positive("tolerance", tolerance);
      return window(time.minus(tolerance), time.plus(tolerance));
    }

    /**
     * Sets only the start of the window.
     *
     * @param since the start, inclusive
     * @return this builder
     */
    public Builder since(Instant since) {
      this.since = requireNonNull(since, "since");
      return this;
    }

    /**
     * Sets only the end of the window.
     *
     * @param until the end, exclusive
     * @return this builder
     */
    public Builder until(Instant until) {
      this.until = requireNonNull(until, "until");
      return this;
    }

    /**
     * Sets how many results are collected at most.
     *
     * @param limit 1 to 100,000; default 1,000
     * @return this builder
     */
    public Builder limit(int limit) {
      this.limit = Checks.range("limit", limit, 1, 100_000);
      return this;
    }

    /**
     * Builds the query.
     *
     * @return the immutable query
     * @throws IllegalArgumentException when the window is empty
     */
    public MessageQuery build() {
      return new MessageQuery(this);
    }

    private static String nonBlank(String name, String value) {
      String v = Checks.noLineBreaks(name, value).strip();
      if (v.isEmpty()) {
        throw new IllegalArgumentException(name + " must not be blank");
      }
      return v;
    }
  }
}
