#!/usr/bin/env bash
# Installs the third-party servers and tools that ring-3 tests (*IT, failsafe) start on loopback,
# on a Debian 12 machine, as root, without prompting. Idempotent: installed packages are skipped,
# and apt-get update runs once, only when something is missing.
#
# Tests start their own instances on loopback with throwaway configuration. A system daemon that
# a package would start on install (NSD on port 53, later Postfix on 25, Dovecot on 143...) is
# kept from starting, and stopped and disabled if it runs anyway.
#
# Usage: sudo .ci/install-peers.sh
set -euo pipefail

# Packages, one per line: adding a peer is one line here.
PACKAGES=(
  nsd            # authoritative DNS: dev.mailpath.diag.testkit.peer.NsdServer
  bind9-dnsutils # dig, for cross-checks: dev.mailpath.diag.testkit.peer.DigClient
  postfix        # SMTP server: dev.mailpath.diag.testkit.peer.PostfixServer (also smtp-sink/smtp-source)
  dovecot-core   # SASL for Postfix: PostfixServer's AUTH
  dovecot-imapd  # IMAP for the round-trip and mailbox tests
  swaks          # peer in the SMTP benchmark
  chromium       # headless browser: diag-html's rendering test
  python3-spf    # pyspf: the SPF oracle of diag-auth's ITs and benchmark
  python3-dkim   # dkimpy (dkimsign/dkimverify): the DKIM oracle, RSA and Ed25519
  python3-nacl   # Ed25519 for dkimpy
  opendkim-tools # OpenDKIM's signer (opendkim-testmsg) and key generator
  libopendmarc2  # OpenDMARC's library: the DMARC (RFC 7489, PSL) oracle of DmarcOpendmarcIT
  publicsuffix   # the Public Suffix List that oracle reads
  python3-dnspython # the DNS library pyspf and dkimpy are pointed at the loopback servers with
  unbound        # validating resolver: dev.mailpath.diag.testkit.peer.UnboundServer (DNSSEC oracle)
  ldnsutils      # ldns-keygen/ldns-signzone, for DNSSEC-signed lab zones
  rbldnsd        # DNSBL server: dev.mailpath.diag.testkit.peer.RbldnsdServer (diag-posture's DnsblRbldnsdIT)
)

# "service:daemon" pairs: system services the packages above start, and the daemon's process
# name. Test harnesses never use these instances.
SERVICES=(
  nsd:nsd
  unbound:unbound
  rbldnsd:rbldnsd
  postfix:master
  dovecot:dovecot
)

export DEBIAN_FRONTEND=noninteractive

log() { printf 'install-peers: %s\n' "$*"; }
die() { printf 'install-peers: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root (try: sudo $0)"
command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script is for Debian/Ubuntu"

installed() {
  # stricter than "dpkg -s", which also succeeds for removed packages with leftover config
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -qx 'install ok installed'
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  if installed "$pkg"; then
    log "$pkg already installed"
  else
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} > 0)); then
  # Keep maintainer scripts from starting daemons while installing (the standard policy-rc.d
  # switch, honoured by invoke-rc.d and deb-systemd-invoke); an existing policy is left alone.
  policy=/usr/sbin/policy-rc.d
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  # Postfix asks for a mail configuration type; the tests bring their own, so take none.
  if command -v debconf-set-selections >/dev/null 2>&1; then
    printf '%s\n' \
      "postfix postfix/main_mailer_type select No configuration" \
      "postfix postfix/mailname string localhost" | debconf-set-selections
  fi
  log "installing: ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}"
fi

for pkg in "${PACKAGES[@]}"; do
  installed "$pkg" || die "$pkg did not install"
done

# Is this process the packaged system daemon? Test instances run with "-c <tempdir>/nsd.conf";
# the packaged ones with no -c (systemd: "nsd -d -P ''") or a config under /etc.
system_instance() {
  local cmdline=$1
  [[ " $cmdline " != *" -c "* || " $cmdline " == *" -c /etc/"* ]]
}

for entry in "${SERVICES[@]}"; do
  service_name=${entry%%:*}
  daemon=${entry#*:}
  if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
    systemctl disable --now "$service_name" >/dev/null 2>&1 || true
  else
    service "$service_name" stop >/dev/null 2>&1 || true
    if command -v update-rc.d >/dev/null 2>&1 && [[ -e /etc/init.d/$service_name ]]; then
      update-rc.d "$service_name" disable >/dev/null 2>&1 || true
    fi
  fi
  # Without an init system the daemon may still run: scan /proc (procps may be absent) and end
  # only system instances, never a test's.
  for dir in /proc/[0-9]*; do
    [[ -r $dir/comm && $(<"$dir/comm") == "$daemon" ]] 2>/dev/null || continue
    cmdline=$(tr '\0' ' ' <"$dir/cmdline" 2>/dev/null || true)
    if [[ -n $cmdline ]] && system_instance "$cmdline"; then
      log "stopping system $daemon (pid ${dir#/proc/}: $cmdline)"
      kill "${dir#/proc/}" 2>/dev/null || true
    fi
  done
done

log "ready: ${PACKAGES[*]}"
