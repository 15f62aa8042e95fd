"""Hand-rolled generic netlink helpers for the ovsd client tests.

Only the standard library: the point is to exercise CPython's own socket
API against ovsd through the preload library.
"""

import errno
import os
import socket
import struct

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
GENL_ID_CTRL = 0x10
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLM_F_REQUEST = 0x1
CTRL_CMD_NEWFAMILY = 1
CTRL_CMD_GETFAMILY = 3

CTRL_ATTR = {1: "id", 2: "name", 3: "version", 4: "hdrsize", 5: "maxattr",
             6: "ops", 7: "groups"}


def genl_socket(kind=socket.SOCK_RAW):
    """A NETLINK_GENERIC socket (the preload library redirects it to ovsd)."""
    return socket.socket(socket.AF_NETLINK, kind, NETLINK_GENERIC)


def getfamily(name, seq=1, flags=NLM_F_REQUEST):
    """A CTRL_CMD_GETFAMILY request for `name`, built with struct."""
    value = name.encode() + b"\0"
    attr = struct.pack("=HH", 4 + len(value), 2) + value
    attr += b"\0" * (-len(attr) % 4)
    payload = struct.pack("=BBH", CTRL_CMD_GETFAMILY, 1, 0) + attr
    return struct.pack("=IHHII", 16 + len(payload), GENL_ID_CTRL, flags,
                       seq, 0) + payload


def header(data):
    """(len, type, flags, seq, pid) of the first netlink message."""
    return struct.unpack_from("=IHHII", data, 0)


def attrs(buf):
    """Iterate (type, payload) over a run of netlink attributes."""
    off = 0
    while off + 4 <= len(buf):
        alen, atype = struct.unpack_from("=HH", buf, off)
        if alen < 4:
            raise ValueError("bad attribute length %d" % alen)
        yield atype & 0x3FFF, buf[off + 4:off + alen]
        off += (alen + 3) & ~3


def family(data):
    """Decode a NEWFAMILY message into a dict; error replies give
    {"error": errno, "echo": bytes}."""
    length, mtype, flags, seq, pid = header(data)
    out = {"type": mtype, "flags": flags, "seq": seq, "pid": pid,
           "len": length, "datagram_len": len(data)}
    if mtype == NLMSG_ERROR:
        (err,) = struct.unpack_from("=i", data, 16)
        out["error"] = -err
        out["echo_hex"] = data[20:length].hex()
        return out
    cmd, version = struct.unpack_from("=BB", data, 16)
    out["cmd"] = cmd
    out["genl_version"] = version
    for atype, value in attrs(data[20:length]):
        key = CTRL_ATTR.get(atype)
        if key == "name":
            out["name"] = value.rstrip(b"\0").decode()
        elif key == "id":
            (out["id"],) = struct.unpack_from("=H", value)
        elif key in ("version", "hdrsize", "maxattr"):
            (out[key],) = struct.unpack_from("=I", value)
        elif key == "ops":
            out["ops"] = []
            for index, op in attrs(value):
                fields = dict(attrs(op))
                out["ops"].append({
                    "index": index,
                    "id": struct.unpack("=I", fields[1])[0],
                    "flags": struct.unpack("=I", fields[2])[0]
                    if 2 in fields else None})
        elif key == "groups":
            out["groups"] = []
            for index, grp in attrs(value):
                fields = dict(attrs(grp))
                out["groups"].append({
                    "index": index,
                    "name": fields[1].rstrip(b"\0").decode(),
                    "id": struct.unpack("=I", fields[2])[0]})
    return out


def expect_errno(code, func, *args):
    """Call func(*args) and check that it raises OSError with `code`."""
    try:
        func(*args)
    except OSError as exc:
        assert exc.errno == code, "expected %s, got %r" % (
            errno.errorcode[code], exc)
        return exc
    raise AssertionError("expected %s, call succeeded" % errno.errorcode[code])


def pid():
    """This process's pid (the kernel's first autobind port id)."""
    return os.getpid()
