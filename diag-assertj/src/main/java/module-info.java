/**
 * AssertJ assertions on mailpath reports, findings and transcripts: {@code DiagAssertions}. For
 * tests; users add it with test scope.
 */
module dev.mailpath.diag.assertj {
  requires transitive dev.mailpath.diag.core;
  requires transitive dev.mailpath.diag.dns;
  requires transitive dev.mailpath.diag.smtp;
  requires transitive dev.mailpath.diag.trace;
  requires transitive org.assertj.core;

  exports dev.mailpath.diag.assertj;
}
