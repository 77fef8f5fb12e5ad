# Evaluates SPF cases with pyspf (Debian's python3-spf), resolving only through the loopback
# name server given on the command line: spf.DNSLookup is replaced by a dnspython resolver that
# knows nothing of /etc/resolv.conf.
#
# usage: pyspf_oracle.py HOST PORT < cases.tsv   (name \t ip \t mailfrom \t helo per line)
# prints: name \t result \t explanation-or-empty per line
import sys

import dns.exception
import dns.resolver
import spf

host, port = sys.argv[1], int(sys.argv[2])
resolver = dns.resolver.Resolver(configure=False)
resolver.nameservers = [host]
resolver.port = port
resolver.timeout = 2.0
resolver.lifetime = 4.0


def lookup(name, qtype, tcpfallback=True, timeout=30):
    out = []
    try:
        answer = resolver.resolve(name, qtype, search=False, raise_on_no_answer=False)
        if answer.rrset is None:
            return out
        for rdata in answer.rrset:
            if qtype in ('A', 'AAAA'):
                out.append(((name, qtype), rdata.address))
            elif qtype == 'MX':
                out.append(((name, qtype), (rdata.preference, rdata.exchange)))
            elif qtype == 'PTR':
                out.append(((name, qtype), rdata.target.to_text(True)))
            elif qtype in ('TXT', 'SPF'):
                out.append(((name, qtype), list(rdata.strings)))
    except dns.resolver.NXDOMAIN:
        pass
    except dns.resolver.NoAnswer:
        pass
    except (dns.exception.Timeout, dns.resolver.NoNameservers) as x:
        raise spf.TempError('DNS ' + str(x))
    return out


spf.DNSLookup = lookup

for line in sys.stdin:
    line = line.rstrip('\n')
    if not line:
        continue
    name, ip, mailfrom, helo = line.split('\t')
    q = spf.query(i=ip, s=mailfrom, h=helo, receiver='unknown', timeout=10)
    default_fail = q.exps.get('fail') if hasattr(q, 'exps') else None
    result, code, text = q.check()
    explanation = ''
    if result == 'fail' and text != default_fail:
        explanation = text
    print('%s\t%s\t%s' % (name, result, explanation.replace('\t', ' ').replace('\n', ' ')))
    sys.stdout.flush()
