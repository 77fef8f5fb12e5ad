/**
 * The {@code telnet host 25} session as an API: {@link dev.mailpath.diag.smtp.SmtpConversation}
 * plays an immutable script and returns an {@link dev.mailpath.diag.smtp.SmtpReport}; {@link
 * dev.mailpath.diag.smtp.SmtpSession} is the interactive twin for JShell.
 *
 * <p>Everything the server or the network does (refusals, 4xx/5xx replies, hostile or malformed
 * replies, timeouts, TLS failures) becomes a {@link dev.mailpath.diag.core.Finding} with a code
 * from {@link dev.mailpath.diag.smtp.SmtpFinding}; exceptions are thrown only for misuse, such as
 * an argument holding CR, LF or NUL.
 *
 * <p>Nullness: parameters and return values are never {@code null} unless a method says so; passing
 * {@code null} throws {@link NullPointerException} naming the parameter.
 */
package dev.mailpath.diag.smtp;
