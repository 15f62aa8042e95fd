"""Notification overflow of a small receive buffer, with CPython's socket API
through the preload library.

Three listeners join the ovs_datapath multicast group: one with the
smallest SO_RCVBUF, one with the smallest SO_RCVBUF and NETLINK_NO_ENOBUFS,
one with the default; another socket creates N datapaths (one notification
each). The listeners then read without blocking. Prints JSON: for each
listener, the notifications received and the ENOBUFS errors seen.

usage: rcvbuf_raw.py N
"""

import errno
import json
import socket
import struct
import sys

import nlhelp

OVS_DP_CMD_NEW = 1
OVS_DP_ATTR_NAME = 1
OVS_DP_ATTR_UPCALL_PID = 2
NLM_F_ACK = 0x4
NETLINK_NO_ENOBUFS = 5


def resolve(sock, name):
    sock.send(nlhelp.getfamily(name))
    fam = nlhelp.family(sock.recv(65536))
    return fam["id"], fam["groups"][0]["id"]


def dp_new(fam, name, seq):
    value = name.encode() + b"\0"
    attrs = struct.pack("=HH", 4 + len(value), OVS_DP_ATTR_NAME) + value
    attrs += b"\0" * (-len(attrs) % 4)
    attrs += struct.pack("=HHI", 8, OVS_DP_ATTR_UPCALL_PID, 0)
    payload = struct.pack("=BBHi", OVS_DP_CMD_NEW, 2, 0, 0) + attrs
    return struct.pack("=IHHII", 16 + len(payload), fam,
                       nlhelp.NLM_F_REQUEST | NLM_F_ACK, seq, 0) + payload


def drain(sock):
    got, enobufs = 0, 0
    while True:
        try:
            sock.recv(65536, socket.MSG_DONTWAIT)
            got += 1
        except BlockingIOError:
            return {"received": got, "enobufs": enobufs}
        except OSError as exc:
            if exc.errno != errno.ENOBUFS:
                raise
            enobufs += 1


def main():
    n = int(sys.argv[1])
    ctl = nlhelp.genl_socket()
    fam, group = resolve(ctl, "ovs_datapath")
    small = nlhelp.genl_socket()
    small.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
    rcvbuf = small.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
    quiet = nlhelp.genl_socket()
    quiet.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
    quiet.setsockopt(nlhelp.SOL_NETLINK, NETLINK_NO_ENOBUFS, 1)
    default = nlhelp.genl_socket()
    for s in (small, quiet, default):
        s.setsockopt(nlhelp.SOL_NETLINK, nlhelp.NETLINK_ADD_MEMBERSHIP, group)
    for i in range(n):
        ctl.send(dp_new(fam, "dp%d" % i, i + 1))
        (err,) = struct.unpack_from("=i", ctl.recv(65536), 16)
        assert err == 0, "dp NEW failed: %d" % err
    print(json.dumps({"rcvbuf": rcvbuf, "small": drain(small),
                      "quiet": drain(quiet), "default": drain(default)}))


main()
