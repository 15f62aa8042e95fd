"""CPython socket API facts that hold for a real kernel netlink socket and
must hold for a NETLINK_GENERIC socket redirected to ovsd.

usage: sockapi.py CASE FAMILY   (prints "ok"; an AssertionError names what broke)

FAMILY is any family with a multicast group: an ovs_* family against ovsd,
"nlctrl" to check the facts themselves against the running kernel.
"""

import ctypes
import errno
import os
import socket
import sys

import nlhelp

MSG_PEEK_TRUNC = socket.MSG_PEEK | socket.MSG_TRUNC
FAMILY = sys.argv[2] if len(sys.argv) > 2 else "ovs_vport"


def identity():
    """family/type/proto, SO_* introspection, socket(fileno=dup), peer."""
    for kind in (socket.SOCK_RAW, socket.SOCK_DGRAM):
        with nlhelp.genl_socket(kind) as s:
            assert (s.family, s.type, s.proto) == (
                socket.AF_NETLINK, kind, nlhelp.NETLINK_GENERIC), (s.family, s.type, s.proto)
            assert s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) == kind
            assert s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL) == 16
            assert s.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN) == socket.AF_NETLINK
            with socket.socket(fileno=os.dup(s.fileno())) as copy:
                assert (copy.family, copy.type, copy.proto) == (
                    socket.AF_NETLINK, kind, 16), (copy.family, copy.type, copy.proto)
                assert copy.getsockname() == (0, 0), copy.getsockname()
            assert s.getpeername() == (0, 0), s.getpeername()


def getsockname():
    """0 before bind; the pid after autobind; the explicit id after bind;
    a kernel-style negative id for a second socket autobound by send."""
    with nlhelp.genl_socket() as first, nlhelp.genl_socket() as second, \
            nlhelp.genl_socket() as third:
        assert first.getsockname() == (0, 0), first.getsockname()
        first.bind((0, 0))
        assert first.getsockname() == (os.getpid(), 0), \
            (first.getsockname(), os.getpid())
        port = os.getpid() | (20 << 22)
        second.bind((port, 0))
        assert second.getsockname() == (port, 0), second.getsockname()
        assert third.getsockname() == (0, 0), third.getsockname()
        third.send(nlhelp.getfamily(FAMILY))
        auto = third.getsockname()[0]
        assert auto >= 0x80000000, "autobind after send gave %#x" % auto
        assert nlhelp.header(third.recv(65536))[4] == auto, \
            "reply nlmsg_pid is not the socket's port id"


def recvfrom():
    """The source address of a reply is the kernel, (0, 0)."""
    with nlhelp.genl_socket() as s:
        s.sendto(nlhelp.getfamily(FAMILY), (0, 0))
        data, addr = s.recvfrom(65536)
        assert addr == (0, 0), addr
        assert nlhelp.family(data).get("name") == FAMILY
        s.send(nlhelp.getfamily(FAMILY))
        data, anc, flags, addr = s.recvmsg(65536)
        assert (anc, flags, addr) == ([], 0, (0, 0)), (anc, flags, addr)


def peek_trunc():
    """MSG_PEEK|MSG_TRUNC reports the full datagram length and leaves the
    datagram queued (iproute2's zero-length size probe)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.recv.restype = ctypes.c_ssize_t
    libc.recv.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    with nlhelp.genl_socket() as s:
        s.send(nlhelp.getfamily(FAMILY))
        size = libc.recv(s.fileno(), None, 0, MSG_PEEK_TRUNC)
        assert size > 20, "recv(NULL, 0, MSG_PEEK|MSG_TRUNC) = %d errno %d" % (
            size, ctypes.get_errno())
        small = bytearray(16)
        nbytes, _, flags, addr = s.recvmsg_into([small], 0, MSG_PEEK_TRUNC)
        assert nbytes == size, (nbytes, size)
        assert flags & socket.MSG_TRUNC, "MSG_TRUNC not set in msg_flags"
        assert addr == (0, 0), addr
        data = s.recv(size)
        assert len(data) == size == nlhelp.header(data)[0], (len(data), size)
        assert bytes(small) == data[:16]
        nlhelp.expect_errno(errno.EAGAIN, s.recv, 65536, socket.MSG_DONTWAIT)


def nonblocking():
    """Nothing queued: EAGAIN with MSG_DONTWAIT and on a non-blocking
    socket, also once the one reply has been read."""
    with nlhelp.genl_socket() as s:
        nlhelp.expect_errno(errno.EAGAIN, s.recv, 65536, socket.MSG_DONTWAIT)
        s.setblocking(False)
        nlhelp.expect_errno(errno.EAGAIN, s.recv, 65536)
        s.send(nlhelp.getfamily(FAMILY))
        assert nlhelp.family(s.recv(65536)).get("name") == FAMILY
        nlhelp.expect_errno(errno.EAGAIN, s.recv, 65536)
        nlhelp.expect_errno(errno.EAGAIN, s.recvfrom, 65536)


def eaddrinuse():
    """A port id held by one socket cannot be bound by another."""
    with nlhelp.genl_socket() as a, nlhelp.genl_socket() as b, \
            nlhelp.genl_socket() as c:
        a.bind((0, 0))
        assert a.getsockname()[0] == os.getpid()
        port = os.getpid() | (21 << 22)
        b.bind((port, 0))
        nlhelp.expect_errno(errno.EADDRINUSE, c.bind, (port, 0))
        nlhelp.expect_errno(errno.EADDRINUSE, c.bind, (os.getpid(), 0))
        c.bind((port + (1 << 22), 0))
        assert c.getsockname()[0] == port + (1 << 22)
        b.bind((port, 0))
        nlhelp.expect_errno(errno.EINVAL, b.bind, (port + (2 << 22), 0))


def membership():
    """Joining the family's first multicast group by id works; group 0 is
    EINVAL."""
    with nlhelp.genl_socket() as s:
        s.send(nlhelp.getfamily(FAMILY))
        groups = nlhelp.family(s.recv(65536)).get("groups", [])
        ids = [g["id"] for g in groups]
        assert ids and ids[0] != 0, groups
        s.setsockopt(nlhelp.SOL_NETLINK, nlhelp.NETLINK_ADD_MEMBERSHIP, ids[0])
        nlhelp.expect_errno(errno.EINVAL, s.setsockopt, nlhelp.SOL_NETLINK,
                            nlhelp.NETLINK_ADD_MEMBERSHIP, 0)
        s.setsockopt(nlhelp.SOL_NETLINK, 2, ids[0])


CASES = {f.__name__: f for f in (identity, getsockname, recvfrom, peek_trunc,
                                 nonblocking, eaddrinuse, membership)}

if __name__ == "__main__":
    CASES[sys.argv[1]]()
    print("ok")
