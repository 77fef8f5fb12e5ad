package dev.mailpath.diag.trace;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.internal.Addresses;
import java.net.InetAddress;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One hop of a message's path: what one {@code Received:} field (RFC 5321 §4.4) says about the
 * server that accepted the message, where it came from, how, and when.
 *
 * <p>For the from clause, the field records the name the client announced (HELO/EHLO), the name the
 * server found in reverse DNS, and the connecting address; different servers write them in
 * different places (Postfix: {@code from HELO (RDNS [IP])}; Exim: {@code from RDNS ([IP]
 * helo=HELO)}; qmail: {@code from RDNS (HELO name) (IP)}), and this class holds them apart.
 *
 * <p>Immutable and thread-safe. {@link #builder()} is public so that users can fake hops in their
 * own tests.
 */
public final class ReceivedHop {
  private final int index;
  private final String raw;
  private final boolean parsed;
  private final String from;
  private final String heloName;
  private final String reverseName;
  private final InetAddress address;
  private final boolean reverseNameMissing;
  private final String by;
  private final String via;
  private final String with;
  private final String id;
  private final String forRecipient;
  private final OffsetDateTime date;
  private final Duration delay;
  private final TransportSecurity security;
  private final String tlsDetails;
  private final boolean authenticated;
  private final List<String> comments;

  private ReceivedHop(Builder b) {
    this.index = b.index;
    this.raw = requireNonNull(b.raw, "raw");
    this.parsed = b.parsed;
    this.from = b.from;
    this.heloName = b.heloName;
    this.reverseName = b.reverseName;
    this.address = b.address;
    this.reverseNameMissing = b.reverseNameMissing;
    this.by = b.by;
    this.via = b.via;
    this.with = b.with;
    this.id = b.id;
    this.forRecipient = b.forRecipient;
    this.date = b.date;
    this.delay = b.delay;
    this.security = requireNonNull(b.security, "security");
    this.tlsDetails = b.tlsDetails;
    this.authenticated = b.authenticated;
    this.comments = List.copyOf(b.comments);
  }

  /**
   * Starts building a hop (for tests that need a fake one).
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this hop.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.index = index;
    b.raw = raw;
    b.parsed = parsed;
    b.from = from;
    b.heloName = heloName;
    b.reverseName = reverseName;
    b.address = address;
    b.reverseNameMissing = reverseNameMissing;
    b.by = by;
    b.via = via;
    b.with = with;
    b.id = id;
    b.forRecipient = forRecipient;
    b.date = date;
    b.delay = delay;
    b.security = security;
    b.tlsDetails = tlsDetails;
    b.authenticated = authenticated;
    b.comments.addAll(comments);
    return b;
  }

  /**
   * Returns the position in transit order: 1 is the first server that received the message (the
   * bottom {@code Received:} field), the highest number the last (the top field).
   *
   * @return the 1-based index
   */
  public int index() {
    return index;
  }

  /**
   * Returns the field value as written, unfolded onto one line.
   *
   * @return the raw value
   */
  public String raw() {
    return raw;
  }

  /**
   * Tells whether the field could be read; an unreadable field keeps only {@link #raw()} (and its
   * date, if that could be read).
   *
   * @return {@code false} for a field reported as {@code trace.received.unparseable}
   */
  public boolean parsed() {
    return parsed;
  }

  /**
   * Returns the word after {@code from} as written (a host name, an address literal, or {@code
   * unknown}).
   *
   * @return the from domain
   */
  public Optional<String> from() {
    return Optional.ofNullable(from);
  }

  /**
   * Returns the name the sending client gave in HELO/EHLO.
   *
   * @return the HELO name, or empty when the field does not record it
   */
  public Optional<String> heloName() {
    return Optional.ofNullable(heloName);
  }

  /**
   * Returns the sending address's reverse DNS name as the receiving server found it.
   *
   * @return the name, without a final dot; empty when unknown or not recorded
   */
  public Optional<String> reverseName() {
    return Optional.ofNullable(reverseName);
  }

  /**
   * Returns the address the message came from (no DNS lookup is ever made to get it).
   *
   * @return the address, or empty when not recorded
   */
  public Optional<InetAddress> address() {
    return Optional.ofNullable(address);
  }

  /**
   * Tells whether the receiving server said that the address has no (verified) reverse DNS name:
   * {@code unknown}, {@code may be forged}, or a bare address literal as the from name.
   *
   * @return {@code true} when the reverse name is recorded as missing
   */
  public boolean reverseNameMissing() {
    return reverseNameMissing;
  }

  /**
   * Returns the host that received the message (the word after {@code by}).
   *
   * @return the receiving host, lower case, without a final dot
   */
  public Optional<String> by() {
    return Optional.ofNullable(by);
  }

  /**
   * Returns the {@code via} clause (the link, e.g. {@code Frontend Transport} at Microsoft).
   *
   * @return the via value
   */
  public Optional<String> via() {
    return Optional.ofNullable(via);
  }

  /**
   * Returns the {@code with} clause: the protocol (ESMTPS, LMTP, {@code Microsoft SMTP Server},
   * HTTP, local...).
   *
   * @return the protocol as written
   */
  public Optional<String> with() {
    return Optional.ofNullable(with);
  }

  /**
   * Returns the {@code id} clause: the receiving server's queue id, which its log also shows.
   *
   * @return the id
   */
  public Optional<String> id() {
    return Optional.ofNullable(id);
  }

  /**
   * Returns the {@code for} clause: the recipient this copy was accepted for.
   *
   * @return the recipient, without angle brackets
   */
  public Optional<String> forRecipient() {
    return Optional.ofNullable(forRecipient);
  }

  /**
   * Returns when this server received the message, with the zone offset it wrote.
   *
   * @return the date, or empty when missing or unreadable
   */
  public Optional<OffsetDateTime> date() {
    return Optional.ofNullable(date);
  }

  /**
   * Returns the time since the previous hop: this hop's date minus the previous hop's. Negative
   * when the clocks disagree (clock skew is shown, not hidden).
   *
   * @return the delay; empty for the first hop or when either date is unknown
   */
  public Optional<Duration> delay() {
    return Optional.ofNullable(delay);
  }

  /**
   * Returns whether the hop used TLS, as far as the field says.
   *
   * @return the transport security
   */
  public TransportSecurity security() {
    return security;
  }

  /**
   * Returns the TLS protocol and cipher the field recorded, for example {@code TLSv1.3
   * TLS_AES_256_GCM_SHA384}.
   *
   * @return the details, or empty when none were recorded
   */
  public Optional<String> tlsDetails() {
    return Optional.ofNullable(tlsDetails);
  }

  /**
   * Tells whether the client authenticated (ESMTPA, ESMTPSA per RFC 3848, or an {@code
   * Authenticated sender} comment): the hop where a user submitted the message.
   *
   * @return {@code true} for an authenticated hop
   */
  public boolean authenticated() {
    return authenticated;
  }

  /**
   * Returns the text of the field's comments, in order, without their parentheses.
   *
   * @return the comments
   */
  public List<String> comments() {
    return comments;
  }

  /**
   * Describes the sending side in the usual form {@code helo (rdns [address])}.
   *
   * @return the sender description, or {@code -} when the field has no from clause
   */
  public String describeFrom() {
    if (from == null && address == null) {
      return "-";
    }
    StringBuilder sb = new StringBuilder(heloName != null ? heloName : from != null ? from : "");
    String ip = address == null ? null : Addresses.format(address);
    String rdns = reverseName != null ? reverseName : reverseNameMissing ? "unknown" : null;
    if (rdns != null || ip != null) {
      sb.append(sb.length() > 0 ? " (" : "(");
      if (rdns != null) {
        sb.append(rdns);
      }
      if (ip != null) {
        sb.append(rdns != null ? " [" : "[").append(ip).append(']');
      }
      sb.append(')');
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ReceivedHop h)) {
      return false;
    }
    return index == h.index
        && raw.equals(h.raw)
        && parsed == h.parsed
        && Objects.equals(from, h.from)
        && Objects.equals(heloName, h.heloName)
        && Objects.equals(reverseName, h.reverseName)
        && Objects.equals(address, h.address)
        && reverseNameMissing == h.reverseNameMissing
        && Objects.equals(by, h.by)
        && Objects.equals(via, h.via)
        && Objects.equals(with, h.with)
        && Objects.equals(id, h.id)
        && Objects.equals(forRecipient, h.forRecipient)
        && Objects.equals(date, h.date)
        && Objects.equals(delay, h.delay)
        && security == h.security
        && Objects.equals(tlsDetails, h.tlsDetails)
        && authenticated == h.authenticated
        && comments.equals(h.comments);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, raw, date, delay);
  }

  /** Returns {@code #index from -> by with ... date}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("#").append(index).append(' ');
    if (!parsed) {
      return sb.append("(unparseable) ").append(raw).toString();
    }
    sb.append(describeFrom()).append(" -> ").append(by == null ? "-" : by);
    if (with != null) {
      sb.append(" with ").append(with);
    }
    sb.append(" [").append(security).append(authenticated ? ", authenticated" : "").append(']');
    if (date != null) {
      sb.append(" at ").append(date);
    }
    return sb.toString();
  }

  /** Builds a {@link ReceivedHop}; not thread-safe. */
  public static final class Builder {
    private int index = 1;
    private String raw;
    private boolean parsed = true;
    private String from;
    private String heloName;
    private String reverseName;
    private InetAddress address;
    private boolean reverseNameMissing;
    private String by;
    private String via;
    private String with;
    private String id;
    private String forRecipient;
    private OffsetDateTime date;
    private Duration delay;
    private TransportSecurity security = TransportSecurity.UNKNOWN;
    private String tlsDetails;
    private boolean authenticated;
    private final List<String> comments = new ArrayList<>();

    private Builder() {}

    /**
     * Sets the 1-based position in transit order.
     *
     * @param index at least 1
     * @return this builder
     */
    public Builder index(int index) {
      if (index < 1) {
        throw new IllegalArgumentException("index must be >= 1: " + index);
      }
      this.index = index;
      return this;
    }

    /**
     * Sets the unfolded field value.
     *
     * @param raw the value
     * @return this builder
     */
    public Builder raw(String raw) {
      this.raw = requireNonNull(raw, "raw");
      return this;
    }

    /**
     * Sets whether the field could be read.
     *
     * @param parsed {@code false} for an unreadable field
     * @return this builder
     */
    public Builder parsed(boolean parsed) {
      this.parsed = parsed;
      return this;
    }

    /**
     * Sets the word after {@code from}.
     *
     * @param from the from domain, or {@code null}
     * @return this builder
     */
    public Builder from(String from) {
      this.from = from;
      return this;
    }

    /**
     * Sets the HELO/EHLO name.
     *
     * @param heloName the name, or {@code null}
     * @return this builder
     */
    public Builder heloName(String heloName) {
      this.heloName = heloName;
      return this;
    }

    /**
     * Sets the reverse DNS name.
     *
     * @param reverseName the name, or {@code null}
     * @return this builder
     */
    public Builder reverseName(String reverseName) {
      this.reverseName = reverseName;
      return this;
    }

    /**
     * Sets the connecting address.
     *
     * @param address the address, or {@code null}
     * @return this builder
     */
    public Builder address(InetAddress address) {
      this.address = address;
      return this;
    }

    /**
     * Sets whether the server recorded the reverse name as missing or unverified.
     *
     * @param reverseNameMissing the flag
     * @return this builder
     */
    public Builder reverseNameMissing(boolean reverseNameMissing) {
      this.reverseNameMissing = reverseNameMissing;
      return this;
    }

    /**
     * Sets the receiving host.
     *
     * @param by the host, or {@code null}
     * @return this builder
     */
    public Builder by(String by) {
      this.by = by;
      return this;
    }

    /**
     * Sets the via clause.
     *
     * @param via the value, or {@code null}
     * @return this builder
     */
    public Builder via(String via) {
      this.via = via;
      return this;
    }

    /**
     * Sets the with clause.
     *
     * @param with the protocol, or {@code null}
     * @return this builder
     */
    public Builder with(String with) {
      this.with = with;
      return this;
    }

    /**
     * Sets the id clause.
     *
     * @param id the queue id, or {@code null}
     * @return this builder
     */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /**
     * Sets the for clause.
     *
     * @param forRecipient the recipient, or {@code null}
     * @return this builder
     */
    public Builder forRecipient(String forRecipient) {
      this.forRecipient = forRecipient;
      return this;
    }

    /**
     * Sets the date.
     *
     * @param date the date, or {@code null}
     * @return this builder
     */
    public Builder date(OffsetDateTime date) {
      this.date = date;
      return this;
    }

    /**
     * Sets the delay since the previous hop.
     *
     * @param delay the delay (may be negative), or {@code null}
     * @return this builder
     */
    public Builder delay(Duration delay) {
      this.delay = delay;
      return this;
    }

    /**
     * Sets the transport security.
     *
     * @param security the security
     * @return this builder
     */
    public Builder security(TransportSecurity security) {
      this.security = requireNonNull(security, "security");
      return this;
    }

    /**
     * Sets the recorded TLS details.
     *
     * @param tlsDetails the details, or {@code null}
     * @return this builder
     */
    public Builder tlsDetails(String tlsDetails) {
      this.tlsDetails = tlsDetails;
      return this;
    }

    /**
     * Sets whether the client authenticated.
     *
     * @param authenticated the flag
     * @return this builder
     */
    public Builder authenticated(boolean authenticated) {
      this.authenticated = authenticated;
      return this;
    }

    /**
     * Adds a comment.
     *
     * @param comment the comment text without parentheses
     * @return this builder
     */
    public Builder addComment(String comment) {
      comments.add(requireNonNull(comment, "comment"));
      return this;
    }

    /**
     * Returns the date set so far (for code that computes delays while building).
     *
     * @return the date, or empty
     */
    public Optional<OffsetDateTime> date() {
      return Optional.ofNullable(date);
    }

    /**
     * Builds the hop.
     *
     * @return the immutable hop
     * @throws NullPointerException when the raw value was not set
     */
    public ReceivedHop build() {
      return new ReceivedHop(this);
    }
  }
}
