/**
 * SMTP diagnostics: {@code SmtpClient} and its {@code SmtpConversation} scripts, interactive {@code
 * SmtpSession}s, {@code RelayPolicyTester} and {@code DeliveryPathCheck}, with their reports and
 * finding codes. The line client and the phases of a conversation live in a package that is not
 * exported.
 */
module dev.mailpath.diag.smtp {
  requires transitive dev.mailpath.diag.core;
  requires transitive dev.mailpath.diag.dns;
  // MimeMessage appears in SmtpConversation.data and SmtpSession.data.
  requires transitive jakarta.mail;
  // The Jakarta Mail implementation that writes messages; none of its types is used here.
  requires org.eclipse.angus.mail;
  // RFC 2253 names of certificate subjects (javax.naming.ldap).
  requires java.naming;
  requires org.slf4j;

  exports dev.mailpath.diag.smtp;

  provides dev.mailpath.diag.core.FindingCatalog.Provider with
      dev.mailpath.diag.smtp.internal.SmtpFindingProvider,
      dev.mailpath.diag.smtp.internal.RelayFindingProvider,
      dev.mailpath.diag.smtp.internal.DeliveryPathFindingProvider;
}
