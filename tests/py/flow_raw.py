"""Add one flow whose actions neither ovs-dpctl 3.1 nor the 6.12
ovs-dpctl.py can parse (hash, push_mpls, pop_mpls, dec_ttl, pop_eth), with
a hand-built OVS_FLOW_CMD_NEW over a plain CPython netlink socket.

usage: flow_raw.py DATAPATH CASE

CASE is one of the names in CASES below. Every flow matches in_port(1) and
an exact EtherType (plus, for IPv4, proto=17, frag=no and its own UDP
destination port); the rest is wildcarded. Prints
"CASE: ok" or "CASE: errno N (text)" and exits 0 or 1. Standard library
only, self-contained (the real-kernel oracle runs it in its VM too).
"""

import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
NLMSG_ERROR = 2
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 0x1, 0x4, 0x200, 0x400
OVS_FLOW_CMD_NEW = 1

# enum ovs_flow_attr, ovs_key_attr, ovs_action_attr (uapi openvswitch.h)
FLOW_KEY, FLOW_ACTIONS, FLOW_MASK = 1, 2, 7
KEY_IN_PORT, KEY_ETHERNET, KEY_ETHERTYPE, KEY_IPV4, KEY_UDP = 3, 4, 6, 7, 10
KEY_MPLS = 21
ACT_OUTPUT, ACT_RECIRC, ACT_HASH, ACT_PUSH_MPLS, ACT_POP_MPLS = 1, 7, 8, 9, 10
ACT_POP_ETH, ACT_DEC_TTL = 15, 23
DEC_TTL_ATTR_ACTION = 1
NLA_F_NESTED = 0x8000


def attr(atype, payload):
    """One netlink attribute, padded to 4 bytes."""
    raw = struct.pack("=HH", 4 + len(payload), atype) + payload
    return raw + b"\0" * (-len(raw) % 4)


def u32(value):
    return struct.pack("=I", value)


def ipv4_udp(dport):
    """Key and mask: in_port(1),eth(),eth_type(0x0800),
    ipv4(proto=17,frag=no),udp(dst=DPORT)."""
    key = (attr(KEY_IN_PORT, u32(1)) + attr(KEY_ETHERNET, bytes(12))
           + attr(KEY_ETHERTYPE, struct.pack("!H", 0x0800))
           + attr(KEY_IPV4, struct.pack("!IIBBBB", 0, 0, 17, 0, 0, 0))
           + attr(KEY_UDP, struct.pack("!HH", 0, dport)))
    mask = (attr(KEY_IN_PORT, u32(0xFFFFFFFF)) + attr(KEY_ETHERNET, bytes(12))
            + attr(KEY_ETHERTYPE, b"\xff\xff")
            + attr(KEY_IPV4, struct.pack("!IIBBBB", 0, 0, 0xFF, 0, 0, 0xFF))
            + attr(KEY_UDP, struct.pack("!HH", 0, 0xFFFF)))
    return key, mask


def mpls(label):
    """Key and mask: in_port(1),eth(),eth_type(0x8847),mpls(label=LABEL,
    tc=0,ttl=64,bos=1)."""
    lse = struct.pack("!I", (label << 12) | (1 << 8) | 64)
    key = (attr(KEY_IN_PORT, u32(1)) + attr(KEY_ETHERNET, bytes(12))
           + attr(KEY_ETHERTYPE, struct.pack("!H", 0x8847))
           + attr(KEY_MPLS, lse))
    mask = (attr(KEY_IN_PORT, u32(0xFFFFFFFF)) + attr(KEY_ETHERNET, bytes(12))
            + attr(KEY_ETHERTYPE, b"\xff\xff")
            + attr(KEY_MPLS, b"\xff\xff\xff\xff"))
    return key, mask


def output(port):
    return attr(ACT_OUTPUT, u32(port))


CASES = {
    # hash(l4(0)),recirc(5)
    "hash": (ipv4_udp(8001),
             attr(ACT_HASH, struct.pack("=II", 0, 0)) + attr(ACT_RECIRC, u32(5))),
    # hash with the symmetric L4 algorithm (1)
    "hash_sym_l4": (ipv4_udp(8002),
                    attr(ACT_HASH, struct.pack("=II", 1, 7)) + output(2)),
    # an unknown hash algorithm: refused
    "hash_bad_alg": (ipv4_udp(8003),
                     attr(ACT_HASH, struct.pack("=II", 9, 0)) + output(2)),
    # push_mpls(label=77,tc=0,ttl=64,bos=1,eth_type=0x8847),2
    "push_mpls": (ipv4_udp(8004),
                  attr(ACT_PUSH_MPLS, struct.pack("!IH2x", (77 << 12) | (1 << 8) | 64,
                                                  0x8847)) + output(2)),
    # push_mpls with a non-MPLS EtherType: refused
    "push_mpls_bad_ethertype": (ipv4_udp(8005),
                                attr(ACT_PUSH_MPLS,
                                     struct.pack("!IH2x", (77 << 12) | (1 << 8) | 64,
                                                 0x0800)) + output(2)),
    # pop_mpls(eth_type=0x800),2
    "pop_mpls": (mpls(300), attr(ACT_POP_MPLS, struct.pack("!H", 0x0800)) + output(2)),
    # pop_mpls on a flow that is not MPLS: refused
    "pop_mpls_not_mpls": (ipv4_udp(8006),
                          attr(ACT_POP_MPLS, struct.pack("!H", 0x0800)) + output(2)),
    # dec_ttl(le_1(drop)),2
    "dec_ttl": (ipv4_udp(8007),
                attr(ACT_DEC_TTL | NLA_F_NESTED,
                     attr(DEC_TTL_ATTR_ACTION | NLA_F_NESTED, b"")) + output(2)),
    # dec_ttl(le_1(1)),2
    "dec_ttl_output": (ipv4_udp(8008),
                       attr(ACT_DEC_TTL | NLA_F_NESTED,
                            attr(DEC_TTL_ATTR_ACTION | NLA_F_NESTED, output(1)))
                       + output(2)),
    # pop_eth,2
    "pop_eth": (ipv4_udp(8009), attr(ACT_POP_ETH, b"") + output(2)),
}


def roundtrip(sock, msg):
    sock.send(msg)
    return sock.recv(65536)


def family_id(sock, name):
    value = name.encode() + b"\0"
    payload = struct.pack("=BBH", 3, 1, 0) + attr(2, value)
    reply = roundtrip(sock, struct.pack("=IHHII", 16 + len(payload), GENL_ID_CTRL,
                                        NLM_F_REQUEST, 1, 0) + payload)
    off = 20
    while off + 4 <= len(reply):
        alen, atype = struct.unpack_from("=HH", reply, off)
        if atype == 1:
            return struct.unpack_from("=H", reply, off + 4)[0]
        off += (alen + 3) & ~3
    raise SystemExit("no family %s" % name)


def main(argv):
    if len(argv) != 3 or argv[2] not in CASES:
        raise SystemExit("usage: flow_raw.py DATAPATH {%s}" % "|".join(CASES))
    dp, case = argv[1], argv[2]
    (key, mask), actions = CASES[case]
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    fam = family_id(sock, "ovs_flow")
    payload = struct.pack("=BBHi", OVS_FLOW_CMD_NEW, 1, 0, socket.if_nametoindex(dp))
    payload += (attr(FLOW_KEY | NLA_F_NESTED, key) + attr(FLOW_MASK | NLA_F_NESTED, mask)
                + attr(FLOW_ACTIONS | NLA_F_NESTED, actions))
    flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL
    reply = roundtrip(sock, struct.pack("=IHHII", 16 + len(payload), fam, flags, 2, 0)
                      + payload)
    mtype = struct.unpack_from("=H", reply, 4)[0]
    code = -struct.unpack_from("=i", reply, 16)[0] if mtype == NLMSG_ERROR else 0
    if code:
        print("%s: errno %d (%s)" % (case, code, os.strerror(code)))
        return 1
    print("%s: ok" % case)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
