/**
 * The missing-message investigation: {@code ReceivedChain} analysis, {@code MailboxSearch} over
 * IMAP, delivery-log sources such as {@code PostfixLogSource}, the {@code RoundTripProbe} and the
 * {@code MissingMessageInvestigation} that walks the field guide's four parts. Parsers and the IMAP
 * trace live in a package that is not exported.
 */
module dev.mailpath.diag.trace {
  requires transitive dev.mailpath.diag.core;
  // DnsSettings on MailboxSearch, DeliveryPathCheck and SmtpClient on the investigation's builders.
  requires transitive dev.mailpath.diag.dns;
  requires transitive dev.mailpath.diag.smtp;
  // SPF, DKIM and DMARC in MessageAuthentication and the investigation's verdict.
  requires transitive dev.mailpath.diag.auth;
  // MimeMessage in ReceivedChain.analyze; IMAP through the Jakarta Mail API.
  requires transitive jakarta.mail;
  // IMAP specifics (SPECIAL-USE attributes, Message-ID search) of the Angus implementation.
  requires org.eclipse.angus.mail;
  requires org.slf4j;

  exports dev.mailpath.diag.trace;

  provides dev.mailpath.diag.core.FindingCatalog.Provider with
      dev.mailpath.diag.trace.internal.TraceFindingCatalog;
}
