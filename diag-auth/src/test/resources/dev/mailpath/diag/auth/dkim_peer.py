"""dkimpy as a DKIM oracle for DkimPeersIT: sign and verify.

Keys are fetched only from the loopback NSD given on the command line (a dnspython resolver
that never reads /etc/resolv.conf), never from the system resolver.

  sign <rsa.pem> <ed25519.key> <domain> <rsa-selector> <ed-selector> <out-dir> <message>...
  verify <port> <message>...          prints "<path>\t<True|False>" per message
"""
import os
import sys

import dkim
import dns.resolver


def dnsfunc_for(port):
    r = dns.resolver.Resolver(configure=False)
    r.nameservers = ["127.0.0.1"]
    r.port = port
    r.timeout = 2
    r.lifetime = 4

    def dnsfunc(name, timeout=5):
        n = name.decode() if isinstance(name, bytes) else name
        try:
            answer = r.resolve(n, "TXT", search=False)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return None
        for rr in answer:
            return b"".join(rr.strings)
        return None

    return dnsfunc


def main(argv):
    cmd = argv[1]
    if cmd == "sign":
        rsa = open(argv[2], "rb").read()
        ed = open(argv[3], "rb").read().strip()
        domain, rsa_sel, ed_sel, out_dir = argv[4].encode(), argv[5].encode(), argv[6].encode(), argv[7]
        for path in argv[8:]:
            msg = open(path, "rb").read()
            base = os.path.basename(path)[: -len(".eml")]
            for alg, sel, key in ((b"rsa-sha256", rsa_sel, rsa), (b"ed25519-sha256", ed_sel, ed)):
                for hc in (b"simple", b"relaxed"):
                    for bc in (b"simple", b"relaxed"):
                        sig = dkim.sign(msg, sel, domain, key, canonicalize=(hc, bc),
                                        signature_algorithm=alg)
                        out = os.path.join(out_dir, "%s.%s.%s-%s.eml" % (
                            base, alg.decode(), hc.decode(), bc.decode()))
                        with open(out, "wb") as f:
                            f.write(sig + msg)
                        print(out)
    elif cmd == "verify":
        dnsfunc = dnsfunc_for(int(argv[2]))
        for path in argv[3:]:
            msg = open(path, "rb").read()
            try:
                ok = dkim.DKIM(msg).verify(dnsfunc=dnsfunc)
            except Exception:  # dkimpy raises on some malformed input: that is a failure
                ok = False
            print("%s\t%s" % (path, bool(ok)))
    else:
        raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)
