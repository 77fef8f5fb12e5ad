/**
 * Will other servers deliver to a domain securely, and is it blocklisted? MTA-STS (RFC 8461) and
 * TLS-RPT (RFC 8460), DNSSEC and DANE for SMTP (RFC 7672, 6698, 7671), and DNSBL listings. No
 * public list or policy host is ever asked unless the caller configured it, and every report says
 * which DNS servers were used.
 */
package dev.mailpath.diag.posture;
