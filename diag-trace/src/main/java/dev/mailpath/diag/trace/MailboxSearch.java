package dev.mailpath.diag.trace;

import static java.util.Objects.requireNonNull;

import dev.mailpath.diag.core.DiagEnvironment;
import dev.mailpath.diag.core.Evidence;
import dev.mailpath.diag.core.Finding;
import dev.mailpath.diag.core.HostAndPort;
import dev.mailpath.diag.core.Outcome;
import dev.mailpath.diag.core.TlsMode;
import dev.mailpath.diag.core.TlsSettings;
import dev.mailpath.diag.core.internal.Addresses;
import dev.mailpath.diag.core.internal.CancellableCall;
import dev.mailpath.diag.core.internal.Checks;
import dev.mailpath.diag.core.internal.IpLiterals;
import dev.mailpath.diag.core.internal.Secrets;
import dev.mailpath.diag.dns.AddressReport;
import dev.mailpath.diag.dns.DnsSettings;
import dev.mailpath.diag.dns.MxResolver;
import dev.mailpath.diag.trace.internal.CapturingSocketFactory;
import dev.mailpath.diag.trace.internal.ImapTrace;
import dev.mailpath.diag.trace.internal.TlsNameSocketFactory;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.FolderClosedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.StoreClosedException;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.search.AndTerm;
import jakarta.mail.search.ComparisonTerm;
import jakarta.mail.search.FromStringTerm;
import jakarta.mail.search.HeaderTerm;
import jakarta.mail.search.OrTerm;
import jakarta.mail.search.ReceivedDateTerm;
import jakarta.mail.search.RecipientStringTerm;
import jakarta.mail.search.SearchTerm;
import jakarta.mail.search.SubjectTerm;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a message in every folder of an IMAP mailbox (RFC 3501) by Message-ID, sender, recipient,
 * subject and time window: the field guide's Part 4, "The message was delivered to the mailbox -
 * where did it go?". It tells which folder holds the message and what that means (the Junk folder,
 * Deleted Items, an archive, a folder a rule moved it to), whether it is marked deleted or read,
 * when it arrived, and its {@code Received:} chain.
 *
 * <pre>{@code
 * MailboxSearch mailbox = MailboxSearch.builder()
 *     .server("imap.example.net", 993)              // resolved through diag-dns, not the JDK
 *     .dns(d -> d.server("127.0.0.1:5353"))
 *     .credentials("bob", password)
 *     .timeout(Duration.ofSeconds(10))
 *     .build();
 * MailboxSearchReport r = mailbox.search(MessageQuery.builder()
 *     .sender("alice@example.org")
 *     .window(Instant.parse("2024-01-02T08:00:00Z"), Instant.parse("2024-01-02T12:00:00Z"))
 *     .build());
 * r.hits();       // [Junk [junk] uid=3 2024-01-02T09:00:43Z <abc@example.org> ...]
 * r.findings();   // [trace.mailbox.found-in-junk WARNING "The message is in the Junk folder"]
 * }</pre>
 *
 * <p><b>On the wire.</b> Folders are listed once; each is opened read-only (EXAMINE, so no {@code
 * \Seen} flag changes) and searched on the server (IMAP SEARCH); only the matching messages'
 * envelope, flags, UID and selected header fields are fetched, never bodies and never whole
 * folders, so the number of commands does not grow with the size of a folder. Because IMAP matches
 * headers by substring and SINCE/BEFORE by day, the server narrows and the client then matches
 * exactly. Folder roles come from SPECIAL-USE attributes (RFC 6154) or, without them, from names
 * such as "Junk E-mail", "Spam", "Deleted Items". The report counts commands and bytes and keeps a
 * transcript, with authentication redacted. Only {@link #fetchSource(MailboxHit)}, asked for one
 * hit, fetches a whole message (read-only, {@code BODY.PEEK[]}, bounded by {@link
 * Builder#maxSourceSize(int)}).
 *
 * <p><b>Errors.</b> Unreachable servers, TLS failures, refused logins, timeouts and folders that
 * cannot be searched are findings in a normally returned report (outcome INCONCLUSIVE when no
 * folder could be searched). Misuse throws: {@link IllegalArgumentException} from the builder,
 * {@link IllegalStateException} from {@link Builder#build()} without server or credentials, {@link
 * CancellationException} when the thread is interrupted. Every Jakarta Mail timeout (connect, read,
 * write) is set; none is infinite.
 *
 * <p>The password is never logged, printed or put in a report. Immutable and thread-safe once
 * built; one instance serves any number of concurrent searches (each opens its own session).
 */
public final class MailboxSearch {
  private static final Logger LOG = LoggerFactory.getLogger(MailboxSearch.class);
  private static final String[] HEADERS = {
    "Received", "Authentication-Results", "Message-ID", "Date"
  };

  private final String host;
  private final int port;
  private final TlsMode tlsMode;
  private final TlsSettings tls;
  private final String tlsName;
  private final String user;
  private final String password;
  private final Duration connectTimeout;
  private final Duration timeout;
  private final int maxCandidatesPerFolder;
  private final int maxFolders;
  private final int maxSourceSize;
  private final DnsSettings dns;
  private final ReceivedChain receivedChain;
  private final DiagEnvironment environment;

  private MailboxSearch(Builder b) {
    if (b.host == null) {
      throw new IllegalStateException("set the server with server(host, port)");
    }
    if (b.user == null) {
      throw new IllegalStateException("set the login with credentials(user, password)");
    }
    this.host = b.host;
    this.port = b.port > 0 ? b.port : b.tlsMode == TlsMode.IMPLICIT ? 993 : 143;
    this.tlsMode = b.tlsMode;
    this.tls = b.tls;
    this.tlsName = b.tls.expectedName().orElse(b.host);
    this.user = b.user;
    this.password = b.password;
    this.connectTimeout = b.connectTimeout;
    this.timeout = b.timeout;
    this.maxCandidatesPerFolder = b.maxCandidatesPerFolder;
    this.maxFolders = b.maxFolders;
    this.maxSourceSize = b.maxSourceSize;
    this.dns = b.dns;
    this.receivedChain = b.receivedChain;
    this.environment = b.environment;
  }

  /**
   * Starts configuring a search.
   *
   * @return a builder with the defaults: implicit TLS (port 993), connect timeout 10 s, read and
   *     write timeout 30 s, at most 200 candidates per folder and 1,000 folders
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this search's settings (the password included).
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host;
    b.port = port;
    b.tlsMode = tlsMode;
    b.tls = tls;
    b.user = user;
    b.password = password;
    b.connectTimeout = connectTimeout;
    b.timeout = timeout;
    b.maxCandidatesPerFolder = maxCandidatesPerFolder;
    b.maxFolders = maxFolders;
    b.maxSourceSize = maxSourceSize;
    b.dns = dns;
    b.receivedChain = receivedChain;
    b.environment = environment;
    return b;
  }

  /**
   * Searches every folder for messages matching the query.
   *
   * @param query what to find
   * @return the report; network, TLS, login and server failures are findings in it
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public MailboxSearchReport search(MessageQuery query) {
    requireNonNull(query, "query");
    return new Run(query, CancellableCall::registerWithCurrent).run();
  }

  /**
   * Searches without blocking the caller, on the environment's executor. {@code cancel(true)} on
   * the future closes the IMAP connection and stops the search within one timeout tick.
   *
   * @param query what to find
   * @return a future of the report; it never completes exceptionally for server failures
   */
  public CompletableFuture<MailboxSearchReport> searchAsync(MessageQuery query) {
    requireNonNull(query, "query");
    return CancellableCall.start(environment.executor(), call -> search(query));
  }

  /**
   * Fetches the full source of one message the search found, for example to check its SPF, DKIM and
   * DMARC with {@link MessageAuthentication#verify(byte[])}. It opens a short session of its own
   * (the search's session is closed when the search returns), opens the hit's folder read-only
   * (EXAMINE), finds the message by its UID, asks its size first and fetches it with {@code
   * BODY.PEEK[]} (no {@code \Seen} flag changes) only when it is at most {@link
   * Builder#maxSourceSize(int)} bytes. The session is not recorded in a transcript (it would hold
   * the message); the login is never in a report.
   *
   * @param hit a hit of a search by this client (its folder and UID are used)
   * @return the report; connection, login, a message gone since the search, or one larger than the
   *     limit are findings in it ({@code trace.auth.source-unavailable}, {@code
   *     trace.auth.source-too-large}, {@code trace.imap.*})
   * @throws CancellationException when the thread is interrupted (the flag is set again)
   */
  public MessageSourceReport fetchSource(MailboxHit hit) {
    requireNonNull(hit, "hit");
    return new Run(null, CancellableCall::registerWithCurrent).fetch(hit);
  }

  /**
   * Fetches the full source of one message without blocking the caller, on the environment's
   * executor. {@code cancel(true)} on the future closes the IMAP connection.
   *
   * @param hit a hit of a search by this client
   * @return a future of the report; it never completes exceptionally for server failures
   */
  public CompletableFuture<MessageSourceReport> fetchSourceAsync(MailboxHit hit) {
    requireNonNull(hit, "hit");
    return CancellableCall.start(environment.executor(), call -> fetchSource(hit));
  }

  /**
   * Returns the largest message source {@link #fetchSource(MailboxHit)} fetches.
   *
   * @return the limit in bytes
   */
  public int maxSourceSize() {
    return maxSourceSize;
  }

  /** Returns {@code MailboxSearch[imaps://user@host:port]}; never the password. */
  @Override
  public String toString() {
    return "MailboxSearch[" + url() + "]";
  }

  private String url() {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return (tlsMode == TlsMode.IMPLICIT ? "imaps" : "imap") + "://" + user + "@" + h + ":" + port;
  }

  /** One search; holds the per-call state so the client stays immutable. */
  private final class Run {
    final MessageQuery query;
    final Consumer<Socket> sockets;
    final long start = environment.timeSource().nanoTime();
    final MailboxSearchReport.Builder report = MailboxSearchReport.builder();
    // A server may quote the login in its NO reply: the password and its encodings are scrubbed
    // from the transcript and the findings.
    final Secrets secrets = new Secrets().addCredentials(user, password);
    final ImapTrace trace =
        new ImapTrace(environment.timeSource(), tlsMode == TlsMode.IMPLICIT, secrets);
    final List<Finding> findings = new ArrayList<>();
    boolean anyFolderSearched;

    Run(MessageQuery query, Consumer<Socket> sockets) {
      this.query = query;
      this.sockets = sockets;
      report.server(url()).user(user).startedAt(environment.timeSource().instant());
      if (query != null) {
        report.query(query);
      }
    }

    MailboxSearchReport run() {
      InetAddress address = resolve();
      if (address == null) {
        return finish(Outcome.INCONCLUSIVE);
      }
      String protocol = tlsMode == TlsMode.IMPLICIT ? "imaps" : "imap";
      Session session = Session.getInstance(properties(protocol, address));
      session.setDebugOut(trace.stream());
      session.setDebug(true);
      trace.note(
          "Connecting to "
              + Addresses.format(address)
              + ":"
              + port
              + (tlsMode == TlsMode.IMPLICIT ? " (implicit TLS)" : ""));
      Store store = null;
      try {
        store = session.getStore(protocol);
        store.connect(Addresses.format(address), port, user, password);
      } catch (AuthenticationFailedException e) {
        findings.add(
            TraceFinding.IMAP_AUTH_FAILED.finding(
                "the server refused the login of " + user + ": " + safe(e),
                Evidence.of("server", url())));
        close(store);
        return finish(Outcome.INCONCLUSIVE);
      } catch (MessagingException e) {
        findings.add(connectFinding(e));
        close(store);
        return finish(Outcome.INCONCLUSIVE);
      }
      try {
        searchFolders(store);
      } finally {
        close(store);
      }
      return finish(anyFolderSearched ? null : Outcome.INCONCLUSIVE);
    }

    /** Fetches one hit's source in a session of its own, without a transcript. */
    MessageSourceReport fetch(MailboxHit hit) {
      Instant startedAt = environment.timeSource().instant();
      Evidence where = Evidence.of("folder", hit.folder());
      if (hit.uid().isEmpty()) {
        findings.add(
            TraceFinding.AUTH_SOURCE_UNAVAILABLE.finding(
                "the message in " + hit.folder() + " has no UID to fetch it by", where));
        return source(hit, null, OptionalLong.empty(), startedAt);
      }
      long uid = hit.uid().getAsLong();
      InetAddress address = resolve();
      if (address == null) {
        return source(hit, null, OptionalLong.empty(), startedAt);
      }
      String protocol = tlsMode == TlsMode.IMPLICIT ? "imaps" : "imap";
      Session session = Session.getInstance(properties(protocol, address));
      session.setDebug(false); // no transcript: it would hold the whole message
      Store store = null;
      Folder folder = null;
      OptionalLong size = OptionalLong.empty();
      try {
        store = session.getStore(protocol);
        store.connect(Addresses.format(address), port, user, password);
        folder = store.getFolder(hit.folder());
        folder.open(Folder.READ_ONLY); // EXAMINE: flags stay untouched
        Message m = folder instanceof UIDFolder u ? u.getMessageByUID(uid) : null;
        if (m == null) {
          findings.add(
              TraceFinding.AUTH_SOURCE_UNAVAILABLE.finding(
                  "uid " + uid + " is no longer in " + hit.folder() + " (moved or expunged)",
                  where));
          return source(hit, null, size, startedAt);
        }
        int announced = m.getSize();
        if (announced >= 0) {
          size = OptionalLong.of(announced);
        }
        if (announced > maxSourceSize) {
          findings.add(tooLarge(hit, announced));
          return source(hit, null, size, startedAt);
        }
        Bounded out = new Bounded(maxSourceSize);
        try {
          m.writeTo(out); // BODY.PEEK[]: mail.imap.peek is set
        } catch (Bounded.Exceeded e) {
          findings.add(tooLarge(hit, out.size()));
          return source(hit, null, size, startedAt);
        }
        return source(hit, out.toByteArray(), size, startedAt);
      } catch (AuthenticationFailedException e) {
        findings.add(
            TraceFinding.IMAP_AUTH_FAILED.finding(
                "the server refused the login of " + user + ": " + safe(e),
                Evidence.of("server", url())));
      } catch (FolderClosedException | StoreClosedException e) {
        findings.add(connectionLost(e));
      } catch (MessagingException e) {
        if (store == null || !store.isConnected()) {
          findings.add(connectFinding(e));
        } else {
          findings.add(
              TraceFinding.AUTH_SOURCE_UNAVAILABLE.finding(
                  "fetching uid " + uid + " from " + hit.folder() + " failed: " + safe(e), where));
        }
      } catch (java.io.IOException e) {
        findings.add(
            TraceFinding.AUTH_SOURCE_UNAVAILABLE.finding(
                "reading uid " + uid + " from " + hit.folder() + " failed: " + safe(e), where));
      } finally {
        try {
          if (folder != null && folder.isOpen()) {
            folder.close(false);
          }
        } catch (MessagingException e) {
          LOG.debug("closing {} failed: {}", hit.folder(), e.toString());
        }
        close(store);
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new CancellationException("fetching the message source interrupted");
      }
      return source(hit, null, size, startedAt);
    }

    private Finding tooLarge(MailboxHit hit, long bytes) {
      return TraceFinding.AUTH_SOURCE_TOO_LARGE.finding(
          "the message in "
              + hit.folder()
              + " has "
              + bytes
              + " bytes or more; the limit is "
              + maxSourceSize,
          Evidence.of("folder", hit.folder()),
          Evidence.of("limit", maxSourceSize));
    }

    private MessageSourceReport source(
        MailboxHit hit, byte[] bytes, OptionalLong size, Instant startedAt) {
      return new MessageSourceReport(
          url(),
          hit.folder(),
          hit.uid(),
          bytes != null,
          bytes == null ? new byte[0] : bytes,
          size,
          findings.stream().map(secrets::scrub).toList(),
          startedAt,
          Duration.ofNanos(environment.timeSource().nanoTime() - start));
    }

    private InetAddress resolve() {
      // The host was checked by HostAndPort: a literal is parsed here, never by the JDK.
      InetAddress literal = IpLiterals.parse(host).orElse(null);
      if (literal != null) {
        return literal;
      }
      AddressReport a =
          MxResolver.builder().dns(dns).environment(environment).build().addresses(host);
      if (a.addresses().isEmpty()) {
        List<Evidence> ev = new ArrayList<>();
        ev.add(Evidence.of("host", host));
        a.findings().forEach(f -> ev.add(Evidence.of(f.code(), f.summary())));
        findings.add(
            TraceFinding.IMAP_CONNECT_FAILED.finding(
                host + " has no address", ev.toArray(Evidence[]::new)));
        return null;
      }
      return a.addresses().get(0);
    }

    private Properties properties(String protocol, InetAddress address) {
      Properties p = new Properties();
      String pre = "mail." + protocol + ".";
      // Jakarta Mail waits forever by default; every timeout is set (milliseconds).
      p.setProperty(pre + "connectiontimeout", String.valueOf(connectTimeout.toMillis()));
      p.setProperty(pre + "timeout", String.valueOf(timeout.toMillis()));
      p.setProperty(pre + "writetimeout", String.valueOf(timeout.toMillis()));
      p.setProperty(pre + "connectionpooltimeout", String.valueOf(timeout.toMillis()));
      p.setProperty(pre + "peek", "true");
      p.setProperty("mail.debug.auth", "false");
      // Every socket is made here, by address (the name was resolved through diag-dns), and
      // told to the call so that cancelling it closes the connection.
      p.put(
          pre + "socketFactory", new CapturingSocketFactory(environment.socketFactory(), sockets));
      if (tlsMode != TlsMode.NONE) {
        // TLS to the address, with SNI and certificate checks against the expected name.
        p.put(
            pre + "ssl.socketFactory",
            new TlsNameSocketFactory(sslContext().getSocketFactory(), tlsName, sockets));
        p.setProperty(pre + "ssl.checkserveridentity", "false");
      }
      if (tlsMode.usesStartTls()) {
        p.setProperty(pre + "starttls.enable", "true");
        p.setProperty(
            pre + "starttls.required", String.valueOf(tlsMode == TlsMode.STARTTLS_REQUIRED));
      }
      return p;
    }

    /**
     * The TLS context: the caller's as it is, or one around the caller's (or the JDK's) trust
     * manager. An IMAP search logs in with a password, so a certificate that does not validate
     * always ends the session, whatever the failure policy: a password must never go into a session
     * nobody could verify.
     */
    private SSLContext sslContext() {
      Optional<SSLContext> given = tls.sslContext();
      if (given.isPresent()) {
        return given.get();
      }
      try {
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tls.trustManager().map(tm -> new TrustManager[] {tm}).orElse(null), null);
        return c;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK cannot create a TLS context", e);
      }
    }

    private void searchFolders(Store store) {
      Folder[] all;
      try {
        all = store.getDefaultFolder().list("*");
      } catch (MessagingException e) {
        findings.add(
            TraceFinding.IMAP_FOLDER_FAILED.finding("listing the folders failed: " + safe(e)));
        return;
      }
      int n = Math.min(all.length, maxFolders);
      for (int i = 0; i < n; i++) {
        if (Thread.currentThread().isInterrupted()) {
          throw new CancellationException("mailbox search interrupted");
        }
        if (!searchFolder(all[i])) {
          return; // the connection is gone
        }
      }
      if (all.length > n) {
        findings.add(
            TraceFinding.IMAP_TRUNCATED.finding(
                "the mailbox has " + all.length + " folders; only " + n + " were searched"));
      }
    }

    /** Searches one folder; returns false when the connection is lost and the search must stop. */
    private boolean searchFolder(Folder folder) {
      String name = folder.getFullName();
      List<String> attributes = attributes(folder);
      char sep = separator(folder);
      Optional<FolderRole> special = FolderRole.fromSpecialUse(attributes);
      FolderRole role = FolderRole.of(name, sep, attributes);
      boolean specialUse = special.isPresent() && !name.equalsIgnoreCase("INBOX");
      try {
        if ((folder.getType() & Folder.HOLDS_MESSAGES) == 0) {
          return true; // a pure parent folder: nothing to search
        }
      } catch (MessagingException e) {
        return true;
      }
      int messages = -1;
      int candidates = -1;
      try {
        folder.open(Folder.READ_ONLY); // EXAMINE: flags stay untouched
        messages = folder.getMessageCount();
        Message[] found = messages == 0 ? new Message[0] : candidates(folder, messages);
        candidates = found.length;
        if (found.length > maxCandidatesPerFolder) {
          findings.add(
              TraceFinding.IMAP_TRUNCATED.finding(
                  name
                      + ": "
                      + found.length
                      + " candidates, the newest "
                      + maxCandidatesPerFolder
                      + " were examined",
                  Evidence.of("folder", name)));
          found = Arrays.copyOfRange(found, found.length - maxCandidatesPerFolder, found.length);
        }
        if (found.length > 0) {
          FetchProfile fp = new FetchProfile();
          fp.add(FetchProfile.Item.ENVELOPE);
          fp.add(FetchProfile.Item.FLAGS);
          fp.add(UIDFolder.FetchProfileItem.UID);
          for (String h : HEADERS) {
            fp.add(h);
          }
          folder.fetch(found, fp); // one FETCH for all candidates: headers only, never bodies
          for (Message m : found) {
            hit(folder, role, m);
          }
        }
        anyFolderSearched = true;
        report.addFolder(
            new MailboxFolder(
                name, role, specialUse, attributes, messages, candidates, Optional.empty()));
        return true;
      } catch (FolderClosedException | StoreClosedException e) {
        findings.add(connectionLost(e));
        report.addFolder(
            new MailboxFolder(
                name, role, specialUse, attributes, messages, candidates, Optional.of(safe(e))));
        return false;
      } catch (MessagingException e) {
        findings.add(
            TraceFinding.IMAP_FOLDER_FAILED.finding(
                name + " could not be searched: " + safe(e), Evidence.of("folder", name)));
        report.addFolder(
            new MailboxFolder(
                name, role, specialUse, attributes, messages, candidates, Optional.of(safe(e))));
        return true;
      } finally {
        try {
          if (folder.isOpen()) {
            folder.close(false);
          }
        } catch (MessagingException e) {
          LOG.debug("closing {} failed: {}", name, e.toString());
        }
      }
    }

    private Message[] candidates(Folder folder, int messages) throws MessagingException {
      SearchTerm term = term();
      if (term == null) {
        // Nothing to search on: the newest messages, without a SEARCH command.
        int first = Math.max(1, messages - maxCandidatesPerFolder + 1);
        return folder.getMessages(first, messages);
      }
      return folder.search(term);
    }

    /**
     * The server-side narrowing; every term is one IMAP supports, so nothing falls back to the
     * client.
     */
    private SearchTerm term() {
      List<SearchTerm> terms = new ArrayList<>();
      query.messageId().ifPresent(id -> terms.add(new HeaderTerm("Message-ID", id)));
      query.sender().ifPresent(s -> terms.add(new FromStringTerm(s)));
      query
          .recipient()
          .ifPresent(
              r ->
                  terms.add(
                      new OrTerm(
                          new RecipientStringTerm(Message.RecipientType.TO, r),
                          new RecipientStringTerm(Message.RecipientType.CC, r))));
      query.subject().ifPresent(s -> terms.add(new SubjectTerm(s)));
      // SINCE/BEFORE compare dates only, in the server's zone: widen by a day on each side and
      // check the exact internal date on the client.
      query
          .since()
          .ifPresent(
              s ->
                  terms.add(
                      new ReceivedDateTerm(
                          ComparisonTerm.GE, Date.from(s.minus(Duration.ofDays(1))))));
      query
          .until()
          .ifPresent(
              u ->
                  terms.add(
                      new ReceivedDateTerm(
                          ComparisonTerm.LT, Date.from(u.plus(Duration.ofDays(1))))));
      if (terms.isEmpty()) {
        return null;
      }
      return terms.size() == 1 ? terms.get(0) : new AndTerm(terms.toArray(SearchTerm[]::new));
    }

    private void hit(Folder folder, FolderRole role, Message m) throws MessagingException {
      String[] ids = m.getHeader("Message-ID");
      String messageId = ids != null && ids.length > 0 ? ids[0].strip() : null;
      if (!query.matchesMessageId(messageId)) {
        return;
      }
      List<String> from = addresses(m.getFrom());
      if (query.sender().isPresent() && from.stream().noneMatch(query::matchesSender)) {
        return;
      }
      List<String> rcpts = new ArrayList<>(addresses(m.getRecipients(Message.RecipientType.TO)));
      rcpts.addAll(addresses(m.getRecipients(Message.RecipientType.CC)));
      if (query.recipient().isPresent() && rcpts.stream().noneMatch(query::matchesRecipient)) {
        return;
      }
      if (!query.matchesSubject(m.getSubject())) {
        return;
      }
      Instant internal = m.getReceivedDate() == null ? null : m.getReceivedDate().toInstant();
      if (!query.inWindow(internal)) {
        return;
      }
      List<String> fields = new ArrayList<>();
      for (String h : HEADERS) {
        String[] values = m.getHeader(h);
        if (values != null) {
          for (String v : values) {
            fields.add(h + ": " + v);
          }
        }
      }
      OptionalLong uid =
          folder instanceof UIDFolder u ? OptionalLong.of(u.getUID(m)) : OptionalLong.empty();
      MailboxHit hit =
          new MailboxHit(
              folder.getFullName(),
              role,
              uid,
              flags(m.getFlags()),
              Optional.ofNullable(internal),
              Optional.ofNullable(messageId),
              from,
              Optional.ofNullable(m.getSubject()),
              receivedChain.analyzeFields(fields));
      report.addHit(hit);
      Evidence where = Evidence.of("folder", folder.getFullName());
      String what = messageId != null ? messageId : "the message";
      switch (role) {
        case INBOX ->
            findings.add(TraceFinding.MAILBOX_FOUND.finding(what + " is in the Inbox", where));
        case JUNK ->
            findings.add(
                TraceFinding.MAILBOX_FOUND_IN_JUNK.finding(
                    what + " is in " + folder.getFullName(), where));
        case TRASH ->
            findings.add(
                TraceFinding.MAILBOX_FOUND_IN_TRASH.finding(
                    what + " is in " + folder.getFullName(), where));
        case ARCHIVE ->
            findings.add(
                TraceFinding.MAILBOX_FOUND_IN_ARCHIVE.finding(
                    what + " is in " + folder.getFullName(), where));
        case ALL -> {
          // A virtual "All Mail" view holds every message; it says nothing about where it is.
        }
        default ->
            findings.add(
                TraceFinding.MAILBOX_FOUND_IN_FOLDER.finding(
                    what + " is in " + folder.getFullName(), where));
      }
      if (hit.deleted()) {
        findings.add(
            TraceFinding.MAILBOX_DELETED_FLAG.finding(
                what + " in " + folder.getFullName() + " is marked \\Deleted", where));
      }
    }

    private Finding connectFinding(MessagingException e) {
      Throwable cause = rootCause(e);
      Evidence server = Evidence.of("server", url());
      for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
        if (t instanceof SSLException) {
          return TraceFinding.IMAP_TLS_FAILED.finding(
              "TLS with " + url() + " failed: " + t.getMessage(),
              server,
              Evidence.of("tls-name", tlsName));
        }
      }
      if (cause instanceof SocketTimeoutException) {
        return TraceFinding.IMAP_TIMEOUT.finding(
            "no answer from " + url() + " within the timeout: " + cause.getMessage(), server);
      }
      if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
        return TraceFinding.IMAP_CONNECT_FAILED.finding(
            "could not connect to " + url() + ": " + cause.getMessage(), server);
      }
      return TraceFinding.IMAP_CONNECT_FAILED.finding(
          "connecting to " + url() + " failed: " + safe(e), server);
    }

    private Finding connectionLost(MessagingException e) {
      Throwable cause = rootCause(e);
      if (cause instanceof SocketTimeoutException) {
        return TraceFinding.IMAP_TIMEOUT.finding(
            "the server stopped answering: " + cause.getMessage(), Evidence.of("server", url()));
      }
      return TraceFinding.IMAP_CONNECT_FAILED.finding(
          "the connection was lost: " + safe(e), Evidence.of("server", url()));
    }

    private MailboxSearchReport finish(Outcome outcome) {
      if (anyFolderSearched && report.build().hits().isEmpty()) {
        findings.add(
            TraceFinding.MAILBOX_NOT_FOUND.finding("no folder holds a message matching " + query));
      }
      findings.forEach(f -> report.addFinding(secrets.scrub(f)));
      report
          .transcript(trace.transcript())
          .wire(trace.commands(), trace.bytesSent(), trace.bytesReceived())
          .elapsed(Duration.ofNanos(environment.timeSource().nanoTime() - start));
      if (outcome != null) {
        report.outcome(outcome);
      }
      return report.build();
    }
  }

  /** A byte sink that stops at a limit, so that a lying RFC822.SIZE cannot exhaust memory. */
  private static final class Bounded extends java.io.OutputStream {
    /** Thrown when the limit is passed. */
    static final class Exceeded extends java.io.IOException {
      private static final long serialVersionUID = 1L;

      Exceeded() {
        super("message larger than the limit");
      }
    }

    private final int limit;
    private final java.io.ByteArrayOutputStream bytes;

    Bounded(int limit) {
      this.limit = limit;
      this.bytes = new java.io.ByteArrayOutputStream(Math.min(limit, 64 * 1024));
    }

    @Override
    public void write(int b) throws Exceeded {
      if (bytes.size() + 1 > limit) {
        throw new Exceeded();
      }
      bytes.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws Exceeded {
      if (bytes.size() + (long) len > limit) {
        throw new Exceeded();
      }
      bytes.write(b, off, len);
    }

    int size() {
      return bytes.size();
    }

    byte[] toByteArray() {
      return bytes.toByteArray();
    }
  }

  private static List<String> attributes(Folder folder) {
    try {
      // The LIST attributes, SPECIAL-USE ones included (RFC 6154), as the server sent them.
      String[] a = folder instanceof IMAPFolder imap ? imap.getAttributes() : null;
      return a == null ? List.of() : Arrays.asList(a);
    } catch (MessagingException e) {
      return List.of();
    }
  }

  private static char separator(Folder f) {
    try {
      return f.getSeparator();
    } catch (MessagingException e) {
      return 0;
    }
  }

  private static Set<String> flags(Flags flags) {
    Set<String> out = new HashSet<>();
    for (Flags.Flag f : flags.getSystemFlags()) {
      if (f == Flags.Flag.SEEN) {
        out.add("\\Seen");
      } else if (f == Flags.Flag.DELETED) {
        out.add("\\Deleted");
      } else if (f == Flags.Flag.FLAGGED) {
        out.add("\\Flagged");
      } else if (f == Flags.Flag.ANSWERED) {
        out.add("\\Answered");
      } else if (f == Flags.Flag.DRAFT) {
        out.add("\\Draft");
      } else if (f == Flags.Flag.RECENT) {
        out.add("\\Recent");
      }
    }
    out.addAll(Arrays.asList(flags.getUserFlags()));
    return out;
  }

  private static List<String> addresses(Address[] addresses) {
    if (addresses == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (Address a : addresses) {
      out.add(a instanceof InternetAddress ia ? ia.getAddress() : a.toString());
    }
    return out;
  }

  private static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c;
  }

  /** The exception's message, which Jakarta Mail never fills with the password. */
  private static String safe(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
  }

  private static void close(Store store) {
    if (store != null) {
      try {
        store.close();
      } catch (MessagingException e) {
        LOG.debug("closing the store failed: {}", e.toString());
      }
    }
  }

  /**
   * Rejects CR, LF and NUL in a secret like {@link Checks#noLineBreaks}, but with a message that
   * says where and never what: the value must not reach an exception message, a log or a report.
   */
  private static String secret(String name, String value) {
    if (value == null) {
      throw new NullPointerException(name);
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        String what = c == '\r' ? "CR" : c == '\n' ? "LF" : "NUL";
        throw new IllegalArgumentException(
            name + " must not contain " + what + " (found at index " + i + "; value not shown)");
      }
    }
    return value;
  }

  /** Configures a {@link MailboxSearch}; not thread-safe. */
  public static final class Builder {
    private String host;
    private int port;
    private TlsMode tlsMode = TlsMode.IMPLICIT;
    private TlsSettings tls = TlsSettings.system();
    private String user;
    private String password;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration timeout = Duration.ofSeconds(30);
    private int maxCandidatesPerFolder = 200;
    private int maxFolders = 1000;
    private int maxSourceSize = 10 * 1024 * 1024;
    private DnsSettings dns = DnsSettings.system();
    private ReceivedChain receivedChain = ReceivedChain.builder().build();
    private DiagEnvironment environment = DiagEnvironment.system();

    private Builder() {}

    /**
     * Sets the server. A host name is resolved through diag-dns ({@link #dns(DnsSettings)}), never
     * through the JDK; an address literal is read by this library and used as it is, so no text
     * given here ever reaches the JDK's name service.
     *
     * @param host a host name, an IPv4 literal, or an IPv6 literal with or without brackets (read
     *     by {@link HostAndPort#of(String, int)})
     * @param port 1 to 65535
     * @return this builder
     * @throws IllegalArgumentException naming the problem when the host is neither a valid host
     *     name nor an IP literal ({@code .:1}, {@code bad host}) or the port is out of range
     */
    public Builder server(String host, int port) {
      return server(HostAndPort.of(Checks.noLineBreaks("host", host), port));
    }

    /**
     * Sets the server from a checked host and port.
     *
     * @param server the server
     * @return this builder
     */
    public Builder server(HostAndPort server) {
      requireNonNull(server, "server");
      this.host = server.host();
      this.port = server.port();
      return this;
    }

    /**
     * Sets when TLS starts: {@link TlsMode#IMPLICIT} (IMAPS, port 993 by default; the default),
     * {@link TlsMode#STARTTLS_REQUIRED} or {@link TlsMode#STARTTLS_IF_OFFERED} (RFC 2595, port 143
     * by default), or {@link TlsMode#NONE} (the password goes in clear: only for a lab).
     *
     * @param tlsMode the mode
     * @return this builder
     */
    public Builder tlsMode(TlsMode tlsMode) {
      this.tlsMode = requireNonNull(tlsMode, "tlsMode");
      return this;
    }

    /**
     * Sets the certificate trust and the expected name (when it differs from the host given to
     * {@link #server(String, int)}, for example when connecting by address). A certificate that
     * does not validate always ends an IMAP session, whatever the failure policy, because the
     * search logs in with a password.
     *
     * @param tls the TLS settings
     * @return this builder
     */
    public Builder tls(TlsSettings tls) {
      this.tls = requireNonNull(tls, "tls");
      return this;
    }

    /**
     * Changes some TLS settings, starting from the current ones.
     *
     * @param changes edits applied to a builder initialised from the current settings
     * @return this builder
     */
    public Builder tls(Consumer<TlsSettings.Builder> changes) {
      TlsSettings.Builder b = tls.toBuilder();
      changes.accept(b);
      this.tls = b.build();
      return this;
    }

    /**
     * Sets the login. The password is kept only in this builder and the client built from it: never
     * logged, printed or put in a report.
     *
     * @param user the user name
     * @param password the password
     * @return this builder
     */
    public Builder credentials(String user, String password) {
      this.user = Checks.noLineBreaks("user", user);
      this.password = secret("password", password);
      return this;
    }

    /**
     * Sets the connection timeout.
     *
     * @param timeout positive, at most a day; default 10 s
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Checks.positive("connectTimeout", timeout);
      return this;
    }

    /**
     * Sets the read and write timeout of every command.
     *
     * @param timeout positive, at most a day; default 30 s
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Checks.positive("timeout", timeout);
      return this;
    }

    /**
     * Sets how many server-side candidates per folder are fetched and checked at most (the newest);
     * more are reported as {@code trace.imap.truncated}.
     *
     * @param max 1 to 10,000; default 200
     * @return this builder
     */
    public Builder maxCandidatesPerFolder(int max) {
      this.maxCandidatesPerFolder = Checks.range("maxCandidatesPerFolder", max, 1, 10_000);
      return this;
    }

    /**
     * Sets how many folders are searched at most.
     *
     * @param max 1 to 100,000; default 1,000
     * @return this builder
     */
    public Builder maxFolders(int max) {
      this.maxFolders = Checks.range("maxFolders", max, 1, 100_000);
      return this;
    }

    /**
     * Sets the largest message {@link MailboxSearch#fetchSource(MailboxHit)} fetches; a larger one
     * is reported as {@code trace.auth.source-too-large} and not downloaded.
     *
     * @param bytes 1 to 1 GiB; default 10 MiB
     * @return this builder
     */
    public Builder maxSourceSize(int bytes) {
      this.maxSourceSize = Checks.range("maxSourceSize", bytes, 1, 1 << 30);
      return this;
    }

    /**
     * Sets the DNS servers a host name is resolved through (never the JDK's lookup); by default the
     * system's resolvers. An IP address needs no DNS.
     *
     * @param dns the DNS settings
     * @return this builder
     */
    public Builder dns(DnsSettings dns) {
      this.dns = requireNonNull(dns, "dns");
      return this;
    }

    /**
     * Changes some DNS settings, starting from the current ones.
     *
     * @param changes edits applied to a builder initialised from the current settings
     * @return this builder
     */
    public Builder dns(Consumer<DnsSettings.Builder> changes) {
      DnsSettings.Builder b = dns.toBuilder();
      changes.accept(b);
      this.dns = b.build();
      return this;
    }

    /**
     * Sets the analyser for the hits' Received chains.
     *
     * @param receivedChain the analyser
     * @return this builder
     */
    public Builder receivedChain(ReceivedChain receivedChain) {
      this.receivedChain = requireNonNull(receivedChain, "receivedChain");
      return this;
    }

    /**
     * Sets the environment: clock, TLS context (for example one trusting a test CA), executor.
     *
     * @param environment the environment
     * @return this builder
     */
    public Builder environment(DiagEnvironment environment) {
      this.environment = requireNonNull(environment, "environment");
      return this;
    }

    /**
     * Changes some seams of the current environment, keeping the others.
     *
     * @param changes edits to a builder initialised from the current environment
     * @return this builder
     */
    public Builder environment(java.util.function.Consumer<DiagEnvironment.Builder> changes) {
      requireNonNull(changes, "changes");
      this.environment = environment.with(changes);
      return this;
    }

    /**
     * Builds the search.
     *
     * @return the immutable, thread-safe search
     * @throws IllegalStateException when the server or the credentials are missing
     */
    public MailboxSearch build() {
      return new MailboxSearch(this);
    }
  }
}
