"""With no daemon listening, creating a NETLINK_GENERIC socket under the
preload library fails with EPROTONOSUPPORT, while NETLINK_ROUTE sockets are
left to the kernel. Prints "ok"."""

import errno
import socket

import nlhelp

for kind in (socket.SOCK_RAW, socket.SOCK_DGRAM):
    nlhelp.expect_errno(errno.EPROTONOSUPPORT, nlhelp.genl_socket, kind)

with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                   socket.NETLINK_ROUTE) as route:
    route.bind((0, 0))
    assert route.getsockname()[0] != 0
print("ok")
