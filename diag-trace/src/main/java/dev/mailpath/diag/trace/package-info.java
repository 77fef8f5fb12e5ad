/**
 * Following a message: {@link dev.mailpath.diag.trace.ReceivedChain} reads the {@code Received:}
 * and {@code Authentication-Results} fields of a message into hops, delays and findings; {@link
 * dev.mailpath.diag.trace.DeliveryLogSource} and {@link dev.mailpath.diag.trace.PostfixLogSource}
 * search delivery logs ("message tracking"); {@link dev.mailpath.diag.trace.MailboxSearch} finds a
 * message in every folder of an IMAP mailbox; {@link dev.mailpath.diag.trace.RoundTripProbe} sends
 * a tagged test message over SMTP and watches the mailbox until it arrives; {@link
 * dev.mailpath.diag.trace.MissingMessageInvestigation} combines them into the field guide's "I
 * never received that message" investigation and concludes where the message is.
 *
 * <p>Error model: whatever a message, a log or a server holds is data. An unreadable header field,
 * a garbage log line, a refused IMAP login or a timeout becomes a {@link
 * dev.mailpath.diag.core.Finding} (codes in {@link dev.mailpath.diag.trace.TraceFinding}) in a
 * normally returned report. Exceptions are for misuse only ({@link NullPointerException}, {@link
 * IllegalArgumentException}) and for failing to read a stream or file the caller handed over
 * ({@link java.io.UncheckedIOException}, where a method says so).
 *
 * <p>Nullness: parameters and return values are never {@code null} unless a method says so; absent
 * values are {@link java.util.Optional#empty()}.
 */
package dev.mailpath.diag.trace;
