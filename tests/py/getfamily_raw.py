"""Resolve a family by hand over a plain CPython netlink socket and print
the decoded reply, plus the socket's port id, as JSON.

usage: getfamily_raw.py NAME [raw|dgram]
"""

import json
import socket
import sys

import nlhelp


def main():
    name = sys.argv[1]
    kind = socket.SOCK_DGRAM if sys.argv[2:] == ["dgram"] else socket.SOCK_RAW
    seq = 0x1234
    with nlhelp.genl_socket(kind) as s:
        request = nlhelp.getfamily(name, seq=seq)
        s.sendto(request, (0, 0))
        data, addr = s.recvfrom(65536)
        out = nlhelp.family(data)
        out["request_hex"] = request.hex()
        out["port_id"] = s.getsockname()[0]
        out["from"] = list(addr)
    print(json.dumps(out))


main()
