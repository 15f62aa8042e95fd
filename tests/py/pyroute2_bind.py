"""pyroute2's GenericNetlinkSocket resolves ovsd's families by name.

usage: pyroute2_bind.py NAME   (prints JSON: {"prid": .., "groups": {..}}
                                 or {"error": code})
"""

import json
import sys

from pyroute2.netlink import genlmsg
from pyroute2.netlink.exceptions import NetlinkError
from pyroute2.netlink.generic import GenericNetlinkSocket


class ovs_header_msg(genlmsg):
    """An OVS genl message: the genl header plus the dp_ifindex header."""

    fields = genlmsg.fields + (("dpifindex", "I"),)
    nla_map = ()


def main():
    sock = GenericNetlinkSocket()
    try:
        sock.bind(sys.argv[1], ovs_header_msg)
        out = {"prid": sock.prid, "groups": dict(sock.mcast_groups)}
    except NetlinkError as exc:
        out = {"error": exc.code}
    finally:
        sock.close()
    print(json.dumps(out))


main()
