/**
 * Every mailpath report as one self-contained HTML page: {@code DiagHtml}. The page builders live
 * in a package that is not exported.
 */
module dev.mailpath.diag.html {
  requires transitive dev.mailpath.diag.core;
  // The pictures read the delivery path, relay, root-server and Received-chain reports.
  requires dev.mailpath.diag.dns;
  requires dev.mailpath.diag.smtp;
  requires dev.mailpath.diag.trace;

  exports dev.mailpath.diag.html;
}
