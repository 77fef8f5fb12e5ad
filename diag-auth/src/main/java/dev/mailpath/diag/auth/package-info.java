/**
 * Why a message was rejected or sent to Junk, and whether a sending domain is set up right: SPF
 * ({@code SpfCheck}), DKIM ({@code DkimVerifier}) and DMARC ({@code DmarcCheck}). Every check asks
 * DNS through the servers of its {@link dev.mailpath.diag.dns.DnsSettings}, reports every query it
 * made, and turns timeouts and SERVFAIL into a temporary error, never into "no record".
 */
package dev.mailpath.diag.auth;
