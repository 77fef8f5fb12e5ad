package dev.mailpath.diag.auth;

/** Which identity an SPF check authorized, RFC 7208 §2.3 and §2.4. */
public enum SpfIdentity {
  /** The domain of the SMTP MAIL FROM (the envelope sender, RFC 5321.MailFrom). */
  MAIL_FROM,
  /** The HELO/EHLO name, checked when MAIL FROM is empty (a bounce) or on its own. */
  HELO
}
