/**
 * mailpath's result model ({@code Finding}, {@code DiagnosticReport}, {@code Transcript}), the
 * shared value types ({@code DomainName}, {@code MailAddress}, {@code HostAndPort}) and settings
 * ({@code TlsMode}, {@code TlsSettings}, {@code DiagEnvironment}).
 */
module dev.mailpath.diag.core {
  exports dev.mailpath.diag.core;
  // Shared helpers (argument checks, printable text, address formatting) for the other mailpath
  // modules only; not API.
  exports dev.mailpath.diag.core.internal to
      dev.mailpath.diag.dns,
      dev.mailpath.diag.auth,
      dev.mailpath.diag.posture,
      dev.mailpath.diag.smtp,
      dev.mailpath.diag.trace;

  uses dev.mailpath.diag.core.FindingCatalog.Provider;
}
