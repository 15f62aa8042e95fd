"""Run a sequence of ovs_datapath / ovs_vport requests over one plain
CPython netlink socket and print every reply, decoded, as JSON.

usage: ovs_raw.py STEPS_JSON

STEPS_JSON is a list of steps, each an object:
  op          dp-new | dp-del | dp-get | dp-set | dp-dump |
              vport-new | vport-del | vport-get | vport-set | vport-dump
  name        NAME attribute (datapath or vport name)
  dp_ifindex  ovs_header.dp_ifindex (default 0)
  dp          a datapath name: dp_ifindex is taken from a DP GET first
  features    OVS_DP_ATTR_USER_FEATURES (u32)
  upcall_pid  UPCALL_PID as a list of u32 (dp-new default [0], vport-new [0])
  type        OVS_VPORT_ATTR_TYPE (u32)
  port_no     OVS_VPORT_ATTR_PORT_NO (u32)
  flags       list of "ack", "echo" (NLM_F_REQUEST is always set)
  version     genl header version (default: the family's version)

Prints a list with one result per step:
  {"error": ERRNO or null (0 = ACK, null = no NLMSG_ERROR),
   "messages": [decoded replies that are not NLMSG_ERROR/NLMSG_DONE],
   "done": ERRNO in NLMSG_DONE or null}
"""

import json
import socket
import struct
import sys

import nlhelp

NLM_F_ACK = 0x4
NLM_F_ECHO = 0x8
NLM_F_DUMP = 0x300
FLAGS = {"ack": NLM_F_ACK, "echo": NLM_F_ECHO}

CMD = {"new": 1, "del": 2, "get": 3, "set": 4}
FAMILY = {"dp": ("ovs_datapath", 2), "vport": ("ovs_vport", 1)}

DP_NAME, DP_UPCALL_PID, DP_STATS, DP_MEGAFLOW, DP_FEATURES = 1, 2, 3, 4, 5
DP_CACHE, DP_PER_CPU = 7, 8
VP_PORT_NO, VP_TYPE, VP_NAME, VP_UPCALL_PID, VP_STATS = 1, 2, 3, 5, 6
VP_IFINDEX, VP_NETNSID = 8, 9


def attr(atype, payload):
    """One netlink attribute, padded to 4 bytes."""
    raw = struct.pack("=HH", 4 + len(payload), atype) + payload
    return raw + b"\0" * (-len(raw) % 4)


def u32s(values):
    return b"".join(struct.pack("=I", v) for v in values)


def cstr(text):
    return text.encode() + b"\0"


class Client:
    """One NETLINK_GENERIC socket plus the OVS family ids."""

    def __init__(self):
        self.sock = nlhelp.genl_socket()
        self.seq = 0
        self.ids = {}
        for kind, (name, _) in FAMILY.items():
            reply = self.roundtrip(nlhelp.getfamily(name, seq=self.next_seq()))
            fam = nlhelp.family(reply[0])
            if "error" in fam:
                raise SystemExit("family %s: errno %d" % (name, fam["error"]))
            self.ids[kind] = fam["id"]

    def next_seq(self):
        self.seq += 1
        return self.seq

    def roundtrip(self, request):
        """Send one request; return every datagram queued in reply.

        Netlink sends are synchronous: all replies are queued when send
        returns, so after the first (blocking) read the rest is read without
        waiting until EAGAIN.
        """
        self.sock.send(request)
        datagrams = [self.sock.recv(1 << 20)]
        while True:
            try:
                datagrams.append(self.sock.recv(1 << 20, socket.MSG_DONTWAIT))
            except BlockingIOError:
                return datagrams

    def request(self, kind, cmd, flags, dp_ifindex, attrs, version=None):
        _, default_version = FAMILY[kind]
        payload = struct.pack("=BBHi", cmd, default_version
                              if version is None else version, 0, dp_ifindex)
        payload += b"".join(attrs)
        header = struct.pack("=IHHII", 16 + len(payload), self.ids[kind],
                             nlhelp.NLM_F_REQUEST | flags, self.next_seq(), 0)
        return self.roundtrip(header + payload)


def messages(datagrams):
    """Split datagrams into netlink messages."""
    for data in datagrams:
        off = 0
        while off + 16 <= len(data):
            (length,) = struct.unpack_from("=I", data, off)
            if length < 16:
                break
            yield data[off:off + length]
            off += (length + 3) & ~3


def decode_dp(attrs, out):
    for atype, value in attrs:
        if atype == DP_NAME:
            out["name"] = value.rstrip(b"\0").decode()
        elif atype == DP_STATS:
            hit, missed, lost, flows = struct.unpack_from("=QQQQ", value)
            out["stats"] = {"hit": hit, "missed": missed, "lost": lost,
                            "flows": flows}
        elif atype == DP_MEGAFLOW:
            mask_hit, masks = struct.unpack_from("=QI", value)
            out["megaflow"] = {"mask_hit": mask_hit, "masks": masks}
        elif atype == DP_FEATURES:
            (out["features"],) = struct.unpack_from("=I", value)
        elif atype == DP_CACHE:
            (out["masks_cache_size"],) = struct.unpack_from("=I", value)
        elif atype == DP_PER_CPU:
            out["per_cpu_pids"] = list(
                struct.unpack("=%dI" % (len(value) // 4), value))
        else:
            out.setdefault("other_attrs", []).append(atype)


def decode_vport(attrs, out):
    for atype, value in attrs:
        if atype == VP_PORT_NO:
            (out["port_no"],) = struct.unpack_from("=I", value)
        elif atype == VP_TYPE:
            (out["type"],) = struct.unpack_from("=I", value)
        elif atype == VP_NAME:
            out["name"] = value.rstrip(b"\0").decode()
        elif atype == VP_IFINDEX:
            (out["ifindex"],) = struct.unpack_from("=i", value)
        elif atype == VP_NETNSID:
            (out["netnsid"],) = struct.unpack_from("=i", value)
        elif atype == VP_UPCALL_PID:
            out["upcall_pid"] = list(
                struct.unpack("=%dI" % (len(value) // 4), value))
        elif atype == VP_STATS:
            out["stats"] = list(struct.unpack_from("=8Q", value))
        else:
            out.setdefault("other_attrs", []).append(atype)


def decode(client, msg):
    """One reply message as a dict."""
    length, mtype, flags, seq, _pid = nlhelp.header(msg)
    out = {"nlmsg_type": mtype, "flags": flags, "seq": seq}
    if mtype in (nlhelp.NLMSG_ERROR, nlhelp.NLMSG_DONE):
        (err,) = struct.unpack_from("=i", msg, 16)
        out["errno"] = -err
        return out
    cmd, version, _resv, dp_ifindex = struct.unpack_from("=BBHi", msg, 16)
    out.update({"cmd": cmd, "version": version, "dp_ifindex": dp_ifindex})
    attrs = list(nlhelp.attrs(msg[24:length]))
    if mtype == client.ids["dp"]:
        out["family"] = "ovs_datapath"
        decode_dp(attrs, out)
    elif mtype == client.ids["vport"]:
        out["family"] = "ovs_vport"
        decode_vport(attrs, out)
    return out


def dp_ifindex_of(client, name):
    reply = client.request("dp", CMD["get"], 0, 0, [attr(DP_NAME, cstr(name))])
    first = decode(client, next(messages(reply)))
    if "dp_ifindex" not in first:
        raise SystemExit("DP GET %s failed: %r" % (name, first))
    return first["dp_ifindex"]


def build_attrs(kind, cmd, step):
    attrs = []
    if kind == "dp":
        if "name" in step:
            attrs.append(attr(DP_NAME, cstr(step["name"])))
        pids = step.get("upcall_pid", [0] if cmd == CMD["new"] else None)
        if pids is not None:
            attrs.append(attr(DP_UPCALL_PID, u32s(pids)))
        if "features" in step:
            attrs.append(attr(DP_FEATURES, u32s([step["features"]])))
    else:
        if "port_no" in step:
            attrs.append(attr(VP_PORT_NO, u32s([step["port_no"]])))
        if "type" in step:
            attrs.append(attr(VP_TYPE, u32s([step["type"]])))
        if "name" in step:
            attrs.append(attr(VP_NAME, cstr(step["name"])))
        pids = step.get("upcall_pid", [0] if cmd == CMD["new"] else None)
        if pids is not None:
            attrs.append(attr(VP_UPCALL_PID, u32s(pids)))
    return attrs


def run(client, step):
    kind, _, verb = step["op"].partition("-")
    dp_ifindex = step.get("dp_ifindex", 0)
    if "dp" in step:
        dp_ifindex = dp_ifindex_of(client, step["dp"])
    flags = 0
    for name in step.get("flags", []):
        flags |= FLAGS[name]
    if verb == "dump":
        cmd, flags = CMD["get"], flags | NLM_F_DUMP
    else:
        cmd = CMD[verb]
    reply = client.request(kind, cmd, flags, dp_ifindex,
                           build_attrs(kind, cmd, step), step.get("version"))
    result = {"error": None, "done": None, "messages": []}
    for msg in messages(reply):
        out = decode(client, msg)
        if out["nlmsg_type"] == nlhelp.NLMSG_ERROR:
            result["error"] = out["errno"]
        elif out["nlmsg_type"] == nlhelp.NLMSG_DONE:
            result["done"] = out["errno"]
        else:
            result["messages"].append(out)
    return result


def main():
    steps = json.loads(sys.argv[1])
    client = Client()
    print(json.dumps([run(client, step) for step in steps]))


main()
