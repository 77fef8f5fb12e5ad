package dev.mailpath.diag.trace;

import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.mail.MovingMessage;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.user.UserException;
import com.icegreen.greenmail.user.UserManager;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailpath.diag.core.TlsMode;
import dev.mailpath.diag.smtp.SmtpClient;
import dev.mailpath.diag.smtp.SmtpTimeouts;
import jakarta.mail.Flags;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * GreenMail with SMTP and IMAP on 127.0.0.1 (ephemeral ports), one user {@code bob@example.net}
 * with the folders Junk and Trash, and a scripted delivery agent standing in for the server's
 * filters: the next message SMTP accepts goes to the Inbox, to Junk, to Trash marked deleted,
 * nowhere (a filter that discards it), or to the Inbox after a delay, delivered from another thread
 * (a slow queue).
 */
final class LocalMailbox implements AutoCloseable {
  static final String EMAIL = "bob@example.net";
  static final String LOGIN = "bob";
  static final String PASSWORD = "b0b-imap-Pa55";

  /** Where the next accepted message goes. */
  enum Delivery {
    INBOX,
    JUNK,
    TRASH_DELETED,
    DROP,
    LATE
  }

  private final GreenMail greenMail;
  private final ImapHostManager folders;
  private final GreenMailUser bob;
  private final MailFolder junk;
  private final MailFolder trash;
  private final ScheduledExecutorService slowQueue =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "local-mailbox-slow-queue");
            t.setDaemon(true);
            return t;
          });
  private volatile Delivery next = Delivery.INBOX;
  private volatile Duration lateBy = Duration.ZERO;

  private LocalMailbox() throws Exception {
    greenMail =
        new GreenMail(
            new ServerSetup[] {
              new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
              new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)
            });
    greenMail.start();
    bob = greenMail.setUser(EMAIL, LOGIN, PASSWORD);
    folders = greenMail.getManagers().getImapHostManager();
    junk = folders.createMailbox(bob, "Junk");
    trash = folders.createMailbox(bob, "Trash");
    UserManager users = greenMail.getManagers().getUserManager();
    users.setMessageDeliveryHandler(
        (message, address) -> {
          GreenMailUser user = users.getUserByEmail(address.getEmail());
          if (user == null) {
            user = users.createUser(address.getEmail(), address.getEmail(), address.getEmail());
          }
          return new Filing(user);
        });
  }

  static LocalMailbox start() throws Exception {
    return new LocalMailbox();
  }

  int smtpPort() {
    return greenMail.getSmtp().getPort();
  }

  int imapPort() {
    return greenMail.getImap().getPort();
  }

  /** Sends the next accepted message where {@code d} says. */
  void next(Delivery d) {
    this.next = d;
  }

  /** Delivers the next accepted message to the Inbox after {@code delay}, from another thread. */
  void nextLate(Duration delay) {
    this.lateBy = delay;
    this.next = Delivery.LATE;
  }

  /** A search of bob's mailbox over plain IMAP with short timeouts. */
  MailboxSearch.Builder search() {
    return MailboxSearch.builder()
        .server("127.0.0.1", imapPort())
        .tlsMode(TlsMode.NONE)
        .credentials(LOGIN, PASSWORD)
        .connectTimeout(Duration.ofSeconds(5))
        .timeout(Duration.ofSeconds(5));
  }

  /** A probe from alice@example.org to bob through this server, polling briskly, 5 s deadline. */
  RoundTripProbe.Builder probe() {
    return RoundTripProbe.builder()
        .smtpServer("127.0.0.1", smtpPort())
        .tlsMode(TlsMode.NONE)
        .client(SmtpClient.builder().timeouts(SmtpTimeouts.all(Duration.ofSeconds(5))).build())
        .from("alice@example.org")
        .to(EMAIL)
        .mailbox(search().build())
        .pollInterval(Duration.ofMillis(50), Duration.ofMillis(200))
        .deadline(Duration.ofSeconds(5));
  }

  /** Puts a message straight into a folder, as if delivered earlier. */
  void append(String folder, MimeMessage message, Flags flags, Date arrived) throws Exception {
    MailFolder f =
        switch (folder) {
          case "INBOX" -> folders.getInbox(bob);
          case "Junk" -> junk;
          case "Trash" -> trash;
          default -> throw new IllegalArgumentException(folder);
        };
    f.appendMessage(message, flags, arrived);
  }

  /** Removes every message from every folder. */
  void clear() throws Exception {
    junk.deleteAllMessages();
    trash.deleteAllMessages();
    folders.getInbox(bob).deleteAllMessages();
  }

  @Override
  public void close() {
    slowQueue.shutdownNow();
    greenMail.stop();
  }

  /** The recipient as the delivery agent sees it: files the message per the script. */
  private final class Filing implements GreenMailUser {
    private final GreenMailUser user;

    Filing(GreenMailUser user) {
      this.user = user;
    }

    @Override
    public void deliver(MovingMessage message) {
      MimeMessage m = message.getMessage();
      switch (next) {
        case INBOX -> user.deliver(m);
        case JUNK -> junk.appendMessage(m, new Flags(), new Date());
        case TRASH_DELETED -> trash.appendMessage(m, new Flags(Flags.Flag.DELETED), new Date());
        case DROP -> {
          // a filter discarded it silently
        }
        case LATE ->
            slowQueue.schedule(() -> user.deliver(m), lateBy.toMillis(), TimeUnit.MILLISECONDS);
      }
    }

    @Override
    public void deliver(MimeMessage msg) {
      user.deliver(msg);
    }

    @Override
    public String getEmail() {
      return user.getEmail();
    }

    @Override
    public String getLogin() {
      return user.getLogin();
    }

    @Override
    public void create() {
      user.create();
    }

    @Override
    public void delete() {
      user.delete();
    }

    @Override
    public String getPassword() {
      return user.getPassword();
    }

    @Override
    public void setPassword(String password) {
      user.setPassword(password);
    }

    @Override
    public void authenticate(String password) throws UserException {
      user.authenticate(password);
    }

    @Override
    public String getQualifiedMailboxName() {
      return user.getQualifiedMailboxName();
    }
  }
}
