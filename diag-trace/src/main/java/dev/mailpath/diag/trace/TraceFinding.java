package dev.mailpath.diag.trace;

import dev.mailpath.diag.core.FindingCode;
import dev.mailpath.diag.core.Severity;
import java.util.List;

/**
 * The finding codes of diag-trace: {@code Received:} chains, {@code Authentication-Results},
 * delivery logs ("message tracking") and mailbox searches. Each constant's {@link #id()} is stable
 * API; the catalog text (title, explanation, next steps) is what {@code docs/findings-trace.md}
 * shows.
 */
public enum TraceFinding implements FindingCode.WithText {

  // ---- Received: chain (RFC 5321 §4.4, RFC 5322 §3.6.7) -------------------------------------

  /** The message has no {@code Received:} field at all. */
  RECEIVED_NONE(
      "trace.received.none",
      Severity.INFO,
      "The message has no Received: fields",
      "Every SMTP server that accepts a message must prepend a Received: field (RFC 5321 §4.4)."
          + " A message without any never crossed an SMTP server: it is a draft, a copy saved by"
          + " the sending client (Sent folder), or it was injected straight into the mailbox.",
      "Check that you are looking at the recipient's copy, not the sender's Sent copy",
      "Look at the copy in the recipient's mailbox, or ask the sender for the full headers"),

  /** The header section was cut to keep memory bounded. */
  RECEIVED_HEADER_TRUNCATED(
      "trace.received.header-truncated",
      Severity.INFO,
      "The header section was too large to read whole",
      "The header section is longer than 4 MiB or holds more than 10,000 fields, so only its"
          + " beginning was read. Received: fields further down (the earliest hops) and"
          + " Authentication-Results there are missing from the analysis. Real messages have far"
          + " smaller headers: a header this large is broken or hostile.",
      "Look at the raw header section in the message source",
      "Check which system added so many fields (a loop adds one Received: field per pass)"),

  /** A {@code Received:} field could not be read. */
  RECEIVED_UNPARSEABLE(
      "trace.received.unparseable",
      Severity.WARNING,
      "A Received: field could not be read",
      "The field has neither the from/by clauses nor a date that RFC 5321 §4.4 prescribes, so"
          + " the hop it records is unknown. Some software writes free text here; a damaged or"
          + " forged header looks the same. The rest of the chain is still analysed, but the delay"
          + " around this hop is unknown.",
      "Read the raw field in the message source (Show original / View source)",
      "Identify the software that wrote it from the neighbouring hops' by clauses"),

  /** A {@code Received:} field has no date. */
  RECEIVED_MISSING_DATE(
      "trace.received.missing-date",
      Severity.WARNING,
      "A Received: field has no date",
      "RFC 5321 §4.4 requires each Received: field to end with \"; date-time\". Without it the"
          + " time spent at this hop, and around it, cannot be measured.",
      "Compare the dates of the neighbouring hops instead",
      "Check the logs of the server named in the by clause for the message's queue id"),

  /** A {@code Received:} date could not be read. */
  RECEIVED_BAD_DATE(
      "trace.received.bad-date",
      Severity.WARNING,
      "A Received: date could not be read",
      "The text after the last \";\" of the field is not an RFC 5322 date-time (nor one of the"
          + " obsolete forms of §4.3), so the delay at this hop is unknown.",
      "Read the raw field; the server that wrote it may need its date format fixed"),

  /** A hop is dated before the previous one. */
  RECEIVED_CLOCK_SKEW(
      "trace.received.clock-skew",
      Severity.WARNING,
      "A hop is dated before the previous hop (clock skew)",
      "Mail cannot arrive before it was sent, so a negative delay means that the clocks of the"
          + " two servers disagree (or one of them has the wrong time zone). Delays computed"
          + " across these hops are not trustworthy; the negative value is shown as it is, not"
          + " hidden.",
      "Check the time and time zone of the servers in the by clauses of both hops",
      "Make sure both servers synchronise their clocks (NTP)"),

  /** A hop took longer than the configured threshold. */
  RECEIVED_SLOW_HOP(
      "trace.received.slow-hop",
      Severity.WARNING,
      "A hop took a long time",
      "The message waited long between two servers. Typical causes: the receiving server"
          + " greylisted the sender (a first attempt is refused with a 4xx and retried minutes"
          + " later), the sending server's queue was backed up or deferred the message after a"
          + " temporary failure, a content filter was slow, or the receiving server was"
          + " unreachable for a while.",
      "Search the sending server's log for the queue id and look for deferrals (status=deferred)",
      "Check the receiving server's queue and greylisting policy",
      "Check the queues on all your servers; if the message is stuck, try releasing it"),

  /** The same pair of servers appears twice, or one server three or more times. */
  RECEIVED_LOOP(
      "trace.received.loop",
      Severity.ERROR,
      "The message went round in a loop",
      "The same server received the message from the same neighbour more than once, or one"
          + " server appears three or more times. Routing loops happen when two servers each"
          + " believe the other is responsible for a domain (MX, relay host or transport maps"
          + " pointing at each other), or when forwarding rules send mail back and forth. Each"
          + " lap adds a Received: field until a server gives up (RFC 5321 §6.3) and bounces it.",
      "Compare the routing of the recipient domain on the servers that repeat (MX records,"
          + " relay host, transport maps, smart hosts)",
      "Check forwarding rules and aliases that point back to an earlier address"),

  /** The same server appears twice with different neighbours: usually a content filter. */
  RECEIVED_REPEATED_HOST(
      "trace.received.repeated-host",
      Severity.INFO,
      "The same server appears twice in the chain",
      "A server that hands the message to a content filter (anti-virus, anti-spam) on the same"
          + " machine and gets it back records two hops with the same by host. That is normal; a"
          + " repeating pair of servers would be a loop.",
      "Nothing to do unless the delay between the two hops is long (a slow filter)"),

  /** More hops than a healthy path has. */
  RECEIVED_TOO_MANY_HOPS(
      "trace.received.too-many-hops",
      Severity.WARNING,
      "The message has an unusually long Received: chain",
      "A normal path has a handful of hops. RFC 5321 §6.3 lets servers treat a long chain as a"
          + " loop and reject the message, normally past 100 Received: fields (Postfix already"
          + " bounces at 50, its hopcount_limit). A long chain is either a loop or forwarding"
          + " that is chained too deep.",
      "Look for repeating servers in the chain (a routing loop)",
      "Check forwarding and alias chains of the recipient"),

  /** A hop between different machines went over SMTP without TLS. */
  RECEIVED_NO_TLS_HOP(
      "trace.received.no-tls-hop",
      Severity.WARNING,
      "A hop between servers was not encrypted",
      "The with clause names a plain protocol (SMTP, ESMTP, ESMTPA: RFC 3848) and no TLS"
          + " details were recorded, so the message crossed the network in clear text at this"
          + " hop. Between machines inside one data centre that may be accepted practice; across"
          + " the internet it exposes the message and usually means STARTTLS was not offered or"
          + " failed.",
      "Test the receiving server with telnet to port 25 and EHLO: is STARTTLS offered?",
      "Check the sending server's TLS policy for this destination"),

  /** The from clause's address has no reverse DNS, or the server said it may be forged. */
  RECEIVED_RDNS_MISSING(
      "trace.received.rdns-missing",
      Severity.INFO,
      "A sending server had no verified reverse DNS name",
      "The receiving server recorded the connecting address as \"unknown\" or \"may be"
          + " forged\": the address has no PTR record, or the PTR name does not resolve back to"
          + " it. Many receivers reject or score such mail as spam, so this hop can explain mail"
          + " that went to the Junk folder.",
      "Look up the PTR record of the address with nslookup",
      "Ask whoever controls the address block to set a PTR naming the mail server"),

  // ---- Authentication-Results (RFC 8601) ----------------------------------------------------

  /** SPF, DKIM, DMARC or ARC failed. */
  AUTH_RESULTS_FAIL(
      "trace.auth-results.fail",
      Severity.WARNING,
      "Sender authentication failed (SPF, DKIM, DMARC or ARC)",
      "The receiving server checked the sender and recorded a failure in Authentication-Results"
          + " (RFC 8601). A DMARC failure usually makes the receiver quarantine (Junk folder) or"
          + " reject the message; SPF and DKIM failures feed into spam scores. Forwarding breaks"
          + " SPF, and mailing lists that modify messages break DKIM.",
      "Check the Junk E-mail folder of the recipient",
      "Check the sending domain's SPF record includes the server that sent it",
      "Check the DKIM signature of the sending domain and that nothing modified the message"),

  /** A temporary or permanent error while checking. */
  AUTH_RESULTS_ERROR(
      "trace.auth-results.error",
      Severity.WARNING,
      "Sender authentication could not be evaluated (temperror or permerror)",
      "The check itself failed: temperror is usually a DNS timeout while fetching the SPF,"
          + " DKIM or DMARC record; permerror means a broken record (SPF syntax, too many DNS"
          + " lookups, a malformed key).",
      "Look up the sender's SPF (TXT), DKIM (selector._domainkey TXT) and DMARC (_dmarc TXT)"
          + " records with nslookup",
      "Validate the records with a checker and fix their syntax"),

  /** An Authentication-Results field could not be read. */
  AUTH_RESULTS_UNPARSEABLE(
      "trace.auth-results.unparseable",
      Severity.INFO,
      "An Authentication-Results field could not be read",
      "The field does not follow RFC 8601 (authserv-id; method=result ...), so its results are"
          + " unknown.",
      "Read the raw field in the message source"),

  // ---- Message authentication (SPF, DKIM, DMARC re-checked by mailpath) -----------------------

  /** The message fails DMARC: the sender's policy decides its fate. */
  AUTH_DMARC_FAIL(
      "trace.auth.dmarc-fail",
      Severity.ERROR,
      "The message fails DMARC: the sender's policy sends it to Junk or refuses it",
      "Neither an SPF pass nor a DKIM pass is aligned with the domain in From: (RFC 9989), so"
          + " receivers apply the policy the From: domain publishes: quarantine puts the message in"
          + " Junk, reject refuses it with a 5.7.x reply. The summary says which identifier failed"
          + " and why.",
      "If SPF failed: add the sending server to the SPF record of the MAIL FROM domain (the"
          + " provider's include or ip4:/ip6: of the server)",
      "If DKIM failed or did not align: sign with d= equal to the From: domain (or its"
          + " organizational domain) and publish the key under selector._domainkey",
      "If the message was forwarded or went through a mailing list, that broke SPF and maybe"
          + " DKIM: ask the forwarder to use ARC or SRS"),

  /** Nothing authenticated the From: domain and it publishes no DMARC policy. */
  AUTH_UNAUTHENTICATED(
      "trace.auth.unauthenticated",
      Severity.WARNING,
      "Nothing authenticates the sender's domain",
      "No aligned SPF or DKIM pass vouches for the From: domain, and it publishes no DMARC"
          + " policy, so receivers judge the message on reputation and content alone: a common"
          + " reason for the Junk folder, and large mailbox providers refuse such mail outright.",
      "Publish SPF for the MAIL FROM domain, sign with DKIM, then publish a DMARC record"
          + " (start with p=none and reports)"),

  /** The receiver's Authentication-Results differ from mailpath's own verdict. */
  AUTH_RECEIVER_DISAGREES(
      "trace.auth.receiver-disagrees",
      Severity.WARNING,
      "The receiver's Authentication-Results differ from a fresh check",
      "The receiving server recorded a different SPF, DKIM or DMARC result than mailpath computes"
          + " now. Usual causes: DNS changed since delivery (a key rotated, SPF edited), the"
          + " message was altered after the receiver checked it (a footer, a gateway rewriting"
          + " links), or the receiver evaluated a different connecting IP.",
      "Compare the DNS records with what they were at delivery time",
      "Check gateways after the receiving server for changes to the message"),

  /** The receiver and mailpath agree that a method failed. */
  AUTH_RECEIVER_AGREES(
      "trace.auth.receiver-agrees",
      Severity.INFO,
      "The receiver's verdict is confirmed",
      "mailpath's fresh check reaches the same SPF, DKIM and DMARC results the receiving server"
          + " recorded; the summary says why it failed.",
      "Fix the cause named in the summary"),

  /** The connecting IP of the receiving hop is unknown. */
  AUTH_NO_CONNECTION(
      "trace.auth.no-connection",
      Severity.WARNING,
      "The connecting server of the receiving hop is unknown: SPF not checked",
      "Neither a Received-SPF field nor a Received field with a client address says which"
          + " server handed the message to the receiver, so SPF cannot be evaluated and DMARC can"
          + " only pass through DKIM.",
      "Give the connecting IP, HELO name and MAIL FROM explicitly (from the receiver's log)"),

  /** No usable From: field. */
  AUTH_NO_FROM(
      "trace.auth.no-from",
      Severity.ERROR,
      "The message has no usable From: domain: DMARC cannot be evaluated",
      "DMARC checks the domain of the From: field (RFC 5322.From). This message has no From:"
          + " field, or one without a readable address; many receivers reject such messages.",
      "Fix the sending software so that every message has exactly one From: address"),

  /** Only the connection was checked: the message itself was not available. */
  AUTH_CONNECTION_ONLY(
      "trace.auth.connection-only",
      Severity.INFO,
      "Only the connection was checked: From: and DKIM were not available",
      "The receiver refused the message before it had it (or it could not be read), so only the"
          + " connection is known: the client's IP, its HELO name and the MAIL FROM address. SPF"
          + " is evaluated for them, and DMARC for the MAIL FROM domain, as if From: had the same"
          + " domain; a message whose From: domain differs may have had another DMARC result, and"
          + " DKIM could not be verified.",
      "Ask the sender for a copy of the refused message (the bounce often quotes its header) to"
          + " check From: and DKIM as well"),

  /** The message source of a hit could not be fetched. */
  AUTH_SOURCE_UNAVAILABLE(
      "trace.auth.source-unavailable",
      Severity.WARNING,
      "The message source could not be fetched from the mailbox",
      "Checking SPF, DKIM and DMARC needs the message as stored, but the mailbox did not give it:"
          + " the connection failed, the login was refused, the message has no UID or was moved"
          + " or expunged since the search.",
      "Save the message from the mail client (Show original / Save as .eml) and check it with"
          + " MessageAuthentication"),

  /** The message source is larger than the limit. */
  AUTH_SOURCE_TOO_LARGE(
      "trace.auth.source-too-large",
      Severity.WARNING,
      "The message is too large to fetch for the authentication check",
      "The message's size (IMAP RFC822.SIZE) is above the limit set for fetching message"
          + " sources, so it was not downloaded and SPF, DKIM and DMARC were not checked.",
      "Save the message from the mail client and check it with MessageAuthentication",
      "Raise MailboxSearch.Builder.maxSourceSize if the message should be fetched"),

  /** ARC sets present; not validated. */
  AUTH_ARC_PRESENT(
      "trace.auth.arc-present",
      Severity.INFO,
      "The message carries ARC sets (an intermediary vouched for earlier results)",
      "A forwarder or mailing list recorded the authentication results it saw before it changed"
          + " the message (ARC, RFC 8617). Receivers that trust that intermediary may deliver a"
          + " message that fails DMARC. mailpath counts the sets but does not validate them.",
      "Read the ARC-Authentication-Results fields for the results before forwarding"),

  // ---- Delivery logs (message tracking) ------------------------------------------------------

  /** The log has no trace of the message. */
  LOG_NOT_FOUND(
      "trace.log.not-found",
      Severity.WARNING,
      "The delivery log has no record of the message",
      "Message tracking found nothing for the search. Either the message never reached this"
          + " server (it was lost, rejected or delayed further out), the search terms are off"
          + " (address spelling, time window, time zone of the log), or the log does not cover"
          + " that period.",
      "Widen the time window and check the time zone of the log",
      "Check the systems in front of this server (gateways, spam filters, firewalls) and their"
          + " logs: start at the outside and work your way in",
      "Send a test message from an outside mail system (e.g. a webmail account) to the user"),

  /** The log could not be read. */
  LOG_UNREADABLE(
      "trace.log.unreadable",
      Severity.ERROR,
      "The delivery log could not be read",
      "Reading the log failed (missing file, permissions, I/O error), so the search is"
          + " incomplete and says nothing about the message.",
      "Check the path and the permissions of the log file",
      "Check where syslog writes mail logs (maillog_file or the syslog configuration)"),

  /** Delivered into a mailbox. */
  LOG_DELIVERED(
      "trace.log.delivered",
      Severity.INFO,
      "The message was delivered to the mailbox",
      "The log shows final delivery (status=sent by local, virtual, lmtp or pipe): the server"
          + " handed the message to the mailbox store. If the user cannot see it, something"
          + " moved or deleted it after delivery.",
      "Check the Junk E-mail folder and the Deleted Items folder",
      "Check the user's rules, filters and forwarding",
      "Search every folder of the mailbox for the Message-ID"),

  /** Handed to another server (relay or content filter). */
  LOG_RELAYED(
      "trace.log.relayed",
      Severity.INFO,
      "The message was handed to another server",
      "The log shows status=sent over SMTP or LMTP to a relay: this server is done with the"
          + " message and the next one (named in relay=) took responsibility. The reply often"
          + " says \"queued as ID\": that is the queue id to search for on the next server.",
      "Search the next server's log for the queue id in the reply",
      "If the next server is a content filter on this machine, search this log for that id"),

  /** Deferred: still retrying. */
  LOG_DEFERRED(
      "trace.log.deferred",
      Severity.WARNING,
      "Delivery was deferred and will be retried",
      "The server could not deliver the message for now (a 4xx reply, a timeout, an unreachable"
          + " destination) and keeps it in its queue to retry. Mail stuck in a queue is one of"
          + " the usual reasons for a message that was sent but never arrived.",
      "Read the deferral reason: connection problems point at DNS or firewalls, 4xx replies at"
          + " the receiving server's policy (greylisting, rate limits)",
      "Look at the queue (mailq, postqueue -p) and try releasing or flushing the message"),

  /** Bounced: permanent failure. */
  LOG_BOUNCED(
      "trace.log.bounced",
      Severity.ERROR,
      "Delivery failed permanently (bounced)",
      "The receiving side refused the message with a permanent (5xx) error, or delivery failed"
          + " in a way that will not get better by retrying. The sender should have received a"
          + " non-delivery report (NDR).",
      "Read the reply text and the DSN code (RFC 3463): 5.1.1 is an unknown user, 5.7.1 a"
          + " policy refusal",
      "Ask the sender whether they received a bounce (NDR)"),

  /** Expired in the queue. */
  LOG_EXPIRED(
      "trace.log.expired",
      Severity.ERROR,
      "The message expired in the queue and was returned to the sender",
      "The message was deferred again and again until the maximal queue lifetime ran out, then"
          + " returned to the sender. The deferral reasons before the expiry say why.",
      "Read the deferral reasons of the earlier attempts",
      "Check the destination's MX records and reachability with nslookup and telnet"),

  /** Rejected during the SMTP dialogue or by a filter. */
  LOG_REJECTED(
      "trace.log.rejected",
      Severity.ERROR,
      "The server rejected the message",
      "The message was refused before it was queued (NOQUEUE reject at RCPT TO: relay denied,"
          + " unknown user, blocklisted client) or by a header, body or milter check. The"
          + " sending server owns the message and should have produced a bounce.",
      "Read the reply text: it names the rule that rejected it",
      "Ask the sender whether they received a bounce (NDR)",
      "Check the relay settings and the recipient restrictions"),

  /** Discarded or put on hold by a filter. */
  LOG_HELD(
      "trace.log.held",
      Severity.WARNING,
      "A filter put the message on hold or discarded it",
      "A header/body check or a milter (anti-spam, anti-virus) decided to hold the message in"
          + " the hold queue or to discard it silently. Held mail waits for an administrator;"
          + " discarded mail is gone without a bounce.",
      "Look at the hold queue (postqueue -p, messages marked '!') and release with postsuper -H",
      "Check the logs and console of the anti-virus / anti-spam software"),

  /** Still in the queue at the end of the log. */
  LOG_STILL_QUEUED(
      "trace.log.still-queued",
      Severity.WARNING,
      "The message was still in the queue at the end of the log",
      "The log shows the message arriving but never leaving (no \"removed\" line): it is still"
          + " queued, or the log stops before it left.",
      "Look at the queue for the queue id (mailq, postqueue -p)",
      "Search the next log file in the rotation"),

  /** Recipient rewritten by an alias, forward or virtual map. */
  LOG_REDIRECTED(
      "trace.log.redirected",
      Severity.INFO,
      "The recipient address was rewritten (alias or forwarding)",
      "The log records an original recipient (orig_to=) that differs from the delivered one: an"
          + " alias, virtual alias or forwarding rule sent the message elsewhere. A forwarding"
          + " rule is a system function that can make a message seem to disappear.",
      "Check forwarding configured for the recipient (aliases, virtual maps, directory"
          + " settings)"),

  /** Parts of the log were cut to keep time and memory bounded. */
  LOG_TRUNCATED(
      "trace.log.truncated",
      Severity.INFO,
      "Parts of the delivery log were cut to keep memory bounded",
      "The log holds more than the reader keeps: lines longer than 16,384 characters (a file"
          + " without line breaks, such as a NUL-filled file left by copy-truncate rotation, is"
          + " one long line) were cut to that length, or a message had more than 1,000 delivery"
          + " events, of which only the first and the last 500 were kept. The status of each"
          + " recipient comes from the events kept.",
      "Look at the cut lines or the omitted events in the log itself (the finding says how many"
          + " and where)",
      "Check the log rotation (copytruncate) and the syslog configuration if the file holds"
          + " binary data"),

  // ---- Mailbox search (IMAP) ----------------------------------------------------------------

  /** Could not connect. */
  IMAP_CONNECT_FAILED(
      "trace.imap.connect-failed",
      Severity.ERROR,
      "Could not connect to the IMAP server",
      "The TCP connection was refused, timed out or could not be opened, so no mailbox could"
          + " be searched. The search says nothing about the message.",
      "Check the host and port (143 for IMAP, 993 for IMAPS) and that the server runs",
      "Test with telnet to the port: an IMAP server greets with \"* OK\""),

  /** TLS failed. */
  IMAP_TLS_FAILED(
      "trace.imap.tls-failed",
      Severity.ERROR,
      "The TLS handshake with the IMAP server failed",
      "The server's certificate was not trusted or did not match the expected name, or the two"
          + " sides share no protocol version or cipher. The search did not run.",
      "Check the certificate chain and the name it is issued for",
      "Check that the port speaks implicit TLS (993) rather than plain IMAP (143)"),

  /** Login refused. */
  IMAP_AUTH_FAILED(
      "trace.imap.auth-failed",
      Severity.ERROR,
      "The IMAP server refused the login",
      "The user name or password was not accepted (or the account is locked, or the mechanism"
          + " is not allowed without TLS). No mailbox was searched.",
      "Check the user name and password, and whether the server requires TLS before login",
      "Ask the user's permission before opening their mailbox, and use an account allowed to"),

  /** A read timed out. */
  IMAP_TIMEOUT(
      "trace.imap.timeout",
      Severity.ERROR,
      "The IMAP server stopped answering",
      "A command got no complete reply within the read timeout. The search is incomplete.",
      "Retry with a longer timeout; check the server's load"),

  /** A folder could not be opened or searched. */
  IMAP_FOLDER_FAILED(
      "trace.imap.folder-failed",
      Severity.WARNING,
      "A folder could not be searched",
      "Opening or searching one folder failed (no permission, a server error, an unsupported"
          + " search). Other folders were still searched, but the message could be in this one.",
      "Open the folder in a mail client and search it by hand"),

  /** More candidates than the limit. */
  IMAP_TRUNCATED(
      "trace.imap.truncated",
      Severity.INFO,
      "More messages matched than were examined",
      "The server-side search returned more candidates than the configured limit, so only the"
          + " most recent ones were fetched and checked.",
      "Narrow the search: add the Message-ID, sender or a shorter time window"),

  /** Found in the Inbox. */
  MAILBOX_FOUND(
      "trace.mailbox.found",
      Severity.INFO,
      "The message is in the Inbox",
      "The message reached the mailbox and is in the Inbox. If the user does not see it, look"
          + " at the client: a view filter, sorting, or a client that directs new messages to a"
          + " local folder.",
      "Check for viewing filters in the client",
      "Check the client profile for rules or a local folder that takes new messages"),

  /** Found in the Junk folder. */
  MAILBOX_FOUND_IN_JUNK(
      "trace.mailbox.found-in-junk",
      Severity.WARNING,
      "The message is in the Junk folder",
      "The message was delivered, then filed as spam by the server's or the client's junk"
          + " filter. The Received: chain and Authentication-Results of the hit often show why"
          + " (failed SPF/DKIM/DMARC, no reverse DNS).",
      "Show the user where it is; mark it as not junk",
      "Check the spam filter's log and score for the message",
      "Check the sender's SPF, DKIM and DMARC"),

  /** Found in Trash. */
  MAILBOX_FOUND_IN_TRASH(
      "trace.mailbox.found-in-trash",
      Severity.WARNING,
      "The message is in the Deleted Items (Trash) folder",
      "The message was delivered and then deleted: by the user, by a rule, or by another device"
          + " on the same account.",
      "Check the user's rules (including Out of Office rules)",
      "Ask whether other devices or delegates use the mailbox"),

  /** Found in an archive folder. */
  MAILBOX_FOUND_IN_ARCHIVE(
      "trace.mailbox.found-in-archive",
      Severity.INFO,
      "The message is in an archive folder",
      "The message was delivered and later moved to an archive, by hand or by an"
          + " auto-archiving policy.",
      "Check auto-archiving settings in the client and on the server"),

  /** Found in another folder. */
  MAILBOX_FOUND_IN_FOLDER(
      "trace.mailbox.found-in-folder",
      Severity.INFO,
      "The message is in a folder other than the Inbox",
      "The message was delivered and then moved: most often by a rule (server-side Sieve or a"
          + " client rule), sometimes by hand.",
      "Check the user's rules (Tools -> Rules and Alerts, or the server's Sieve script)"),

  /** Marked deleted, awaiting expunge. */
  MAILBOX_DELETED_FLAG(
      "trace.mailbox.deleted-flag",
      Severity.WARNING,
      "The message is marked as deleted",
      "The message carries the IMAP \\Deleted flag: a client deleted it, and it disappears for"
          + " good at the next expunge. Many clients hide such messages.",
      "Clear the \\Deleted flag to restore it before the folder is expunged"),

  /** Nothing found anywhere. */
  MAILBOX_NOT_FOUND(
      "trace.mailbox.not-found",
      Severity.WARNING,
      "The message is in no folder of the mailbox",
      "No folder holds a message matching the search. It never reached this mailbox, was"
          + " deleted and expunged, forwarded elsewhere, or moved to a local file (a PST or"
          + " similar) outside the server.",
      "Use message tracking (the delivery log) to see whether the server delivered it",
      "Check recoverable items if the server keeps deleted messages",
      "Search local archive files in the client profile"),

  // ---- Round-trip probe (RoundTripProbe) --------------------------------------------------

  /** The probe message arrived in the Inbox. */
  ROUNDTRIP_ARRIVED(
      "trace.roundtrip.arrived",
      Severity.INFO,
      "The probe message arrived in the Inbox",
      "A uniquely tagged test message was accepted over SMTP and found in the recipient's Inbox"
          + " over IMAP: the whole path, from submission through every relay to the mailbox,"
          + " works right now. The delay is measured from the end of DATA to the poll that saw"
          + " the message, so it is an upper bound with the poll interval as its precision.",
      "Nothing to do; keep the delay as a baseline to compare with later probes"),

  /** The probe message was filed in the Junk folder. */
  ROUNDTRIP_IN_JUNK(
      "trace.roundtrip.in-junk",
      Severity.WARNING,
      "The probe message landed in the Junk folder",
      "The path delivers, but a spam filter (on the server, or a junk rule of the mailbox) filed"
          + " the test message as junk. Real mail from the same sender through the same path is"
          + " likely to end up there as well. The Received chain and Authentication-Results of the"
          + " probe often say why: failed SPF, DKIM or DMARC, no reverse DNS for a hop, or the"
          + " content itself.",
      "Check the Junk E-mail folder for other mail from the same sender",
      "Check the probe's Authentication-Results: does the sending domain's SPF include the server"
          + " that sent it, and is the message DKIM-signed?",
      "Check the anti-spam software's log and score for the probe"),

  /** The probe message was filed in a folder other than the Inbox and Junk. */
  ROUNDTRIP_IN_FOLDER(
      "trace.roundtrip.in-folder",
      Severity.WARNING,
      "The probe message was filed outside the Inbox",
      "The test message was delivered, then moved to another folder (Trash, an archive, a folder"
          + " of a rule) before the probe found it. A server-side rule (Sieve) or a client that is"
          + " online for the mailbox moved it; real mail meeting the same rule goes the same way.",
      "Check for rules (Tools -> Rules and Alerts, or the server's Sieve script), including Out"
          + " of Office rules",
      "Ask whether other devices or delegates use the mailbox"),

  /** The probe message took longer than the threshold to arrive. */
  ROUNDTRIP_SLOW(
      "trace.roundtrip.slow",
      Severity.WARNING,
      "The probe message was slow to arrive",
      "The message arrived, but later than the configured threshold. Typical causes: greylisting"
          + " (the first attempt is refused with a 4xx and retried minutes later), a backed-up"
          + " queue, a slow content filter, or a relay that defers. The Received chain of the"
          + " probe shows at which hop the time was spent.",
      "Read the probe's Received chain for the slowest hop",
      "Check the queues on the servers of that hop; look for deferrals in their logs"),

  /** The probe message did not arrive before the deadline. */
  ROUNDTRIP_NEVER_ARRIVED(
      "trace.roundtrip.never-arrived",
      Severity.ERROR,
      "The probe message never arrived",
      "The server accepted the message (250 after DATA), yet no folder of the mailbox held it"
          + " when the deadline passed. Accepting a message makes the server responsible for it"
          + " (RFC 5321 §6.1): it is queued or deferred somewhere on the way, was rejected later"
          + " (a bounce should reach the sender), was discarded by a filter, or was delivered to"
          + " another mailbox (forwarding, an alias).",
      "Check message tracking (the delivery log) on the server that accepted it, using the"
          + " probe's Message-ID",
      "Check the queues on all your servers; if it is stuck, try releasing it and see what"
          + " happens",
      "Look for a bounce (NDR) in the sender's mailbox"),

  /** SMTP did not accept the probe message. */
  ROUNDTRIP_SMTP_REFUSED(
      "trace.roundtrip.smtp-refused",
      Severity.ERROR,
      "The SMTP server did not accept the probe message",
      "The submission failed before the server took responsibility for the message: no"
          + " connection, a refused greeting, TLS or AUTH failure, or a 4xx/5xx reply to MAIL, RCPT"
          + " or DATA. The mailbox was not polled. The SMTP transcript shows where it stopped.",
      "Read the SMTP transcript: the last reply names the reason",
      "Test with telnet to the server's port and type the same commands"),

  /** The probe was sent, but the mailbox could not be searched. */
  ROUNDTRIP_NOT_VERIFIED(
      "trace.roundtrip.not-verified",
      Severity.WARNING,
      "The probe was sent, but the mailbox could not be searched",
      "The server accepted the message, but every IMAP search failed (connection, TLS, login),"
          + " so whether it arrived is unknown. The IMAP findings say why.",
      "Check the IMAP host, port, TLS setting and login",
      "Look for the probe's Message-ID in the mailbox with a mail client"),

  // ---- Missing-message investigation (MissingMessageInvestigation) --------------------------

  /** Conclusion: the message never reached our systems. */
  INVESTIGATION_NEVER_REACHED_US(
      "trace.investigation.never-reached-us",
      Severity.WARNING,
      "The message never reached our systems",
      "No log of the systems checked has a record of the message for that sender, recipient and"
          + " time. Either it was never sent, it was lost or refused before it reached us (the"
          + " sender's server, DNS, a firewall), or the search terms are off. Prove your own"
          + " system sound first: the field guide's Part 2 starts at the outside and works its"
          + " way in.",
      "Ask the sender for the exact time and the bounce message (NDR), if they received one",
      "Check the systems in front of the mail server (gateways, spam filters, firewalls) and"
          + " their logs: start at the outside and work your way in",
      "Test inbound routing by sending yourself a message from an outside mail system (e.g. a"
          + " webmail account), then send the affected user a message from that same system",
      "Look up the MX records of the recipient's domain with nslookup, and test the"
          + " lowest-preference exchange with telnet to port 25",
      "How widespread is this? Look for consistencies: sending domain, sending address,"
          + " receiving address"),

  /** Conclusion: the message reached our edge but not the mail server. */
  INVESTIGATION_REACHED_US_NOT_SERVER(
      "trace.investigation.reached-us-not-server",
      Severity.ERROR,
      "The message reached our systems but not the mail server",
      "A system in front of the mail server (a gateway, a spam filter appliance, a relay) has"
          + " a record of the message, but the mail server has none: it was held, refused or"
          + " lost between the two, or it is still queued on the gateway.",
      "Read the gateway's audit trail for the message: did it pass it on, hold it or refuse it?",
      "Check the console and logs of any anti-virus and anti-spam software on the gateway",
      "Check the gateway's queue and its route to the mail server (relay host, transport,"
          + " firewall)",
      "Raise logging levels if necessary"),

  /** Conclusion: the mail server has the message but did not deliver it. */
  INVESTIGATION_NOT_DELIVERED(
      "trace.investigation.reached-server-not-mailbox",
      Severity.ERROR,
      "The mail server received the message but did not deliver it to the mailbox",
      "Message tracking sees the message, but not its delivery to the mailbox. It is typically"
          + " stuck in a queue (deferred, still queued, on hold), stuck in a routing loop,"
          + " segregated by anti-virus or anti-spam filtering, or it bounced. The summary says"
          + " which; the audit trail in the delivery log says why.",
      "Read through the audit trail of the message in message tracking",
      "Check the queues (mailq, postqueue -p) on all your servers; if it is stuck, try"
          + " releasing it and see what happens",
      "Check the logs of any anti-virus and anti-spam software"),

  /** Conclusion: delivered to the mailbox; where it is now is not known. */
  INVESTIGATION_REACHED_MAILBOX(
      "trace.investigation.reached-mailbox",
      Severity.WARNING,
      "The message was delivered to the mailbox, but it is not where the user looks",
      "Message tracking reports delivery to the mailbox, which rules out the first three"
          + " possibilities. Either the mailbox was not searched, or no folder holds the message"
          + " any more: it was deleted and expunged, forwarded by a rule, or moved to a local"
          + " archive (a PST file) by the client. Most missing messages end here.",
      "Check the Junk E-mail folder and the Deleted Items folder in the user's mailbox",
      "Check for forwarding configured for the recipient",
      "Check for rules (including Out of Office rules) and auto-archiving; search all PST files"
          + " in the Outlook profile and on the local and mapped drives",
      "Look at the Recover Deleted Items area"),

  /** Conclusion: in the mailbox, outside the Inbox or marked deleted. */
  INVESTIGATION_IN_MAILBOX_MOVED(
      "trace.investigation.in-mailbox-moved",
      Severity.WARNING,
      "The message is in the mailbox, but moved or deleted",
      "The message reached the mailbox and was segregated or deleted afterwards: by a system"
          + " function (forwarding), a client function (junk filtering, a profile that moves new"
          + " mail), a user function (rules, auto-archiving) or by hand. Your goal is to find"
          + " out what happened and calmly point it out to the user.",
      "Show the user where the message is, without lecturing: they will likely feel"
          + " embarrassed already",
      "Check for rules (Tools -> Rules and Alerts, or the server's Sieve script), including Out"
          + " of Office rules",
      "Check for auto-archiving and for other devices or delegates using the mailbox"),

  /** Conclusion: in the Inbox. */
  INVESTIGATION_IN_INBOX(
      "trace.investigation.in-inbox",
      Severity.INFO,
      "The message is in the Inbox",
      "The message reached the mailbox and sits in the Inbox. If the user cannot see it, the"
          + " cause is in the client software: a viewing filter, sorting, or a profile that"
          + " directs new messages to a personal folder.",
      "Check for and disable any viewing filters in the client (View -> Arrange By -> Custom)",
      "Check all workstations the user logs on to for a profile that directs new messages to a"
          + " Personal Folder (PST) instead of the mailbox",
      "Show the user where the message is, calmly"),

  /** The sender's authentication explains where the message went. */
  INVESTIGATION_AUTHENTICATION_FAILED(
      "trace.investigation.authentication-failed",
      Severity.ERROR,
      "The sender's SPF, DKIM or DMARC failed: that is why the message went to Junk or was refused",
      "The message was found in the Junk folder, or the delivery log shows it refused with a"
          + " 5.7.x reply, and a fresh SPF, DKIM and DMARC check of it (or of its connection)"
          + " fails. Receivers send such mail to Junk or refuse it as the sender's DMARC policy"
          + " asks. The summary gives the verdict; the next steps say what the sender must fix.",
      "Have the sender fix the SPF, DKIM or DMARC setup named in the summary, then send again"),

  /** Conclusion: the sources given cannot answer the question. */
  INVESTIGATION_INCONCLUSIVE(
      "trace.investigation.inconclusive",
      Severity.WARNING,
      "The investigation could not locate the message",
      "The sources that were checked do not settle where the message is: a source was missing,"
          + " could not be read, or says too little (a mailbox without the message but no"
          + " message tracking, for example). Stages reported as not checked were not guessed.",
      "Check message tracking (the mail server's delivery log) for the sender, recipient and"
          + " time",
      "With the user's permission, search their mailbox",
      "Ask the sender for the exact time, the Message-ID and the bounce message (NDR)");

  private final Text text;

  TraceFinding(
      String id, Severity severity, String title, String explanation, String... nextSteps) {
    this.text = new Text(id, severity, title, explanation, List.of(nextSteps));
  }

  @Override
  public Text text() {
    return text;
  }
}
