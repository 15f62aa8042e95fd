"""After a send returns, the reply must already be readable: a zero-timeout
select()/poll() right after sendto() reports the socket readable, and a
MSG_DONTWAIT read gets the reply (netlink sends are synchronous).

usage: poll_zero.py NAME...   (prints "ok")
"""

import select
import socket
import sys

import nlhelp


def check(name, seq):
    with nlhelp.genl_socket() as s:
        s.send(nlhelp.getfamily(name, seq=seq))
        readable, _, _ = select.select([s], [], [], 0)
        assert readable == [s], \
            "select(timeout=0) right after send: reply for %r not readable" % name
        poller = select.poll()
        poller.register(s, select.POLLIN)
        events = poller.poll(0)
        assert events and events[0][1] & select.POLLIN, \
            "poll(0) right after send: reply for %r not readable" % name
        data = s.recv(65536, socket.MSG_DONTWAIT)
        assert nlhelp.header(data)[3] == seq, "reply has the wrong seq"
        return nlhelp.family(data)


def main():
    for seq, name in enumerate(sys.argv[1:], start=1):
        check(name, seq)
    print("ok")


main()
