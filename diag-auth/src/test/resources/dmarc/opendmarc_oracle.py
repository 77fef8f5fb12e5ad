"""OpenDMARC (libopendmarc, RFC 7489 with the Public Suffix List) as an oracle for DmarcOpendmarcIT.

Usage: /usr/bin/python3 opendmarc_oracle.py <server-ip> <port> <public_suffix_list.dat>
Reads cases from stdin, one per line: from|spf-domain|spf(pass/none)|dkim-domain|dkim(pass/fail/none)
Prints one line per case: from|policy|utilized-domain|query-status

The library is told to ask only the given server (OPENDMARC_LIB_T.nsaddr_list), never the system
resolver. The struct layout follows /usr/include/opendmarc/dmarc.h, which includes <sys/param.h>
(MAXPATHLEN 4096 on Linux) and has MAXNS (3) addresses.
"""
import ctypes
import socket
import sys

lib = ctypes.CDLL("libopendmarc.so.2")


class SockaddrIn(ctypes.Structure):
    _fields_ = [("sin_family", ctypes.c_ushort), ("sin_port", ctypes.c_ushort),
                ("sin_addr", ctypes.c_ubyte * 4), ("sin_zero", ctypes.c_ubyte * 8)]


class LibInit(ctypes.Structure):
    _fields_ = [("tld_type", ctypes.c_int), ("tld_source_file", ctypes.c_char * 4096),
                ("nscount", ctypes.c_int), ("nsaddr_list", SockaddrIn * 3)]


POLICY = {14: "absent", 15: "pass", 16: "reject", 17: "quarantine", 18: "none"}
lib.opendmarc_policy_connect_init.restype = ctypes.c_void_p
lib.opendmarc_policy_connect_init.argtypes = [ctypes.c_char_p, ctypes.c_int]
lib.opendmarc_policy_connect_shutdown.argtypes = [ctypes.c_void_p]
lib.opendmarc_policy_store_from_domain.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
lib.opendmarc_policy_store_spf.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                           ctypes.c_int, ctypes.c_char_p]
lib.opendmarc_policy_store_dkim.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p,
                                            ctypes.c_int, ctypes.c_char_p]
lib.opendmarc_policy_query_dmarc.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
lib.opendmarc_get_policy_to_enforce.argtypes = [ctypes.c_void_p]
lib.opendmarc_policy_fetch_utilized_domain.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                                       ctypes.c_size_t]


def main():
    ip, port, psl = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    init = LibInit()
    init.tld_type = 1  # OPENDMARC_TLD_TYPE_MOZILLA
    init.tld_source_file = psl.encode()
    init.nscount = 1
    init.nsaddr_list[0].sin_family = socket.AF_INET
    init.nsaddr_list[0].sin_port = socket.htons(port)
    init.nsaddr_list[0].sin_addr[:] = list(socket.inet_aton(ip))
    status = lib.opendmarc_policy_library_init(ctypes.byref(init))
    if status != 0:
        print("library_init failed: %d" % status, file=sys.stderr)
        sys.exit(2)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        frm, spf_dom, spf, dkim_dom, dkim = line.split("|")
        ctx = lib.opendmarc_policy_connect_init(b"192.0.2.99", 4)
        lib.opendmarc_policy_store_from_domain(ctx, frm.encode())
        lib.opendmarc_policy_store_spf(ctx, spf_dom.encode(), 1 if spf == "pass" else 0, 1, None)
        if dkim != "none":
            lib.opendmarc_policy_store_dkim(ctx, dkim_dom.encode(), b"s1",
                                            1 if dkim == "pass" else 2, None)
        q = lib.opendmarc_policy_query_dmarc(ctx, frm.encode())
        pol = lib.opendmarc_get_policy_to_enforce(ctx)
        buf = ctypes.create_string_buffer(256)
        lib.opendmarc_policy_fetch_utilized_domain(ctx, buf, 256)
        print("%s|%s|%s|%d" % (frm, POLICY.get(pol, str(pol)), buf.value.decode(), q))
        sys.stdout.flush()
        lib.opendmarc_policy_connect_shutdown(ctx)


main()
