//! Requests and replies over the native client [`ovsd::client::NlSocket`]:
//! family resolution, OVS datapath/vport/flow requests built with
//! [`genl::Writer`], and a minimal reply parser (message type, errno,
//! top-level attributes).

use crate::genl_wire::{self, Reply};
use genl::nlmsg::{NLMSG_DONE, NLMSG_ERROR, NLM_F_ACK, NLM_F_DUMP, NLM_F_ECHO, NLM_F_REQUEST};
use genl::ovs::datapath::*;
use genl::ovs::flow::*;
use genl::ovs::vport::*;
use genl::Writer;
use ovsd::client::NlSocket;
use std::io;
use std::path::Path;

/// Receive buffer size (what OVS uses).
pub const BUF: usize = 65536;

/// Family ids of the OVS families on one ovsd.
#[derive(Debug, Clone, Copy)]
pub struct Families {
    /// `ovs_datapath`.
    pub dp: u16,
    /// `ovs_vport`.
    pub vport: u16,
    /// `ovs_flow`.
    pub flow: u16,
}

impl Families {
    /// Resolves the three families with `CTRL_CMD_GETFAMILY` on `sock`.
    pub fn resolve(sock: &mut NlSocket) -> io::Result<Families> {
        let mut id = |name: &str| -> io::Result<u16> {
            sock.send(&genl_wire::getfamily_request(name, 1))?;
            let mut buf = vec![0u8; BUF];
            let n = sock.recv(&mut buf, true)?;
            match genl_wire::parse_reply(&buf[..n]) {
                Ok(Reply::Family(f)) => Ok(f.id),
                other => Err(io::Error::other(format!("GETFAMILY {name}: {other:?}"))),
            }
        };
        Ok(Families {
            dp: id("ovs_datapath")?,
            vport: id("ovs_vport")?,
            flow: id("ovs_flow")?,
        })
    }
}

/// One netlink message of a reply.
#[derive(Debug, Clone)]
pub struct Msg {
    /// `nlmsg_type`.
    pub ty: u16,
    /// The whole message (header included).
    pub bytes: Vec<u8>,
}

impl Msg {
    /// The positive errno of an `NLMSG_ERROR` (0 for an ACK).
    pub fn errno(&self) -> Option<i32> {
        (self.ty == NLMSG_ERROR)
            .then(|| -i32::from_ne_bytes(self.bytes[16..20].try_into().unwrap()))
    }

    /// `ovs_header.dp_ifindex` of an OVS message.
    pub fn dp_ifindex(&self) -> i32 {
        i32::from_ne_bytes(self.bytes[20..24].try_into().unwrap())
    }

    /// Top-level attributes after the genl and OVS headers.
    pub fn attrs(&self) -> Vec<(u16, Vec<u8>)> {
        attrs(&self.bytes[24..])
    }

    /// The payload of the first top-level attribute `kind`.
    pub fn attr(&self, kind: u16) -> Option<Vec<u8>> {
        self.attrs()
            .into_iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, v)| v)
    }

    /// A NUL-terminated string attribute.
    pub fn str_attr(&self, kind: u16) -> Option<String> {
        self.attr(kind).map(|v| {
            let end = v.iter().position(|&b| b == 0).unwrap_or(v.len());
            String::from_utf8_lossy(&v[..end]).into_owned()
        })
    }
}

/// Splits attributes into `(type without flags, payload)`.
pub fn attrs(mut buf: &[u8]) -> Vec<(u16, Vec<u8>)> {
    let mut out = Vec::new();
    while buf.len() >= 4 {
        let len = u16::from_ne_bytes([buf[0], buf[1]]) as usize;
        let ty = u16::from_ne_bytes([buf[2], buf[3]]) & 0x3fff;
        if len < 4 || len > buf.len() {
            break;
        }
        out.push((ty, buf[4..len].to_vec()));
        buf = &buf[((len + 3) & !3).min(buf.len())..];
    }
    out
}

/// Splits a datagram into its netlink messages.
pub fn messages(mut buf: &[u8]) -> Vec<Msg> {
    let mut out = Vec::new();
    while buf.len() >= 16 {
        let len = u32::from_ne_bytes(buf[..4].try_into().unwrap()) as usize;
        if len < 16 || len > buf.len() {
            break;
        }
        let ty = u16::from_ne_bytes([buf[4], buf[5]]);
        out.push(Msg {
            ty,
            bytes: buf[..len].to_vec(),
        });
        buf = &buf[((len + 3) & !3).min(buf.len())..];
    }
    out
}

/// Reads the replies to a request sent with `NLM_F_ACK` up to and including
/// its `NLMSG_ERROR`; returns the errno (0: ACK) and the messages before it.
pub fn read_ack(sock: &mut NlSocket) -> io::Result<(i32, Vec<Msg>)> {
    let mut buf = vec![0u8; BUF];
    let mut got = Vec::new();
    loop {
        let n = sock.recv(&mut buf, true)?;
        for m in messages(&buf[..n]) {
            if let Some(e) = m.errno() {
                return Ok((e, got));
            }
            got.push(m);
        }
    }
}

/// Reads a dump to its `NLMSG_DONE`; an `NLMSG_ERROR` ends it with `Err`.
pub fn read_dump(sock: &mut NlSocket) -> io::Result<Vec<Msg>> {
    let mut buf = vec![0u8; BUF];
    let mut got = Vec::new();
    loop {
        let n = sock.recv(&mut buf, true)?;
        for m in messages(&buf[..n]) {
            if m.ty == NLMSG_DONE {
                return Ok(got);
            }
            if let Some(e) = m.errno() {
                return Err(io::Error::from_raw_os_error(e));
            }
            got.push(m);
        }
    }
}

/// Sends a request and returns its errno (0: success) and reply messages.
pub fn call(sock: &mut NlSocket, req: &[u8]) -> io::Result<(i32, Vec<Msg>)> {
    sock.send(req)?;
    read_ack(sock)
}

/// Sends a dump request and reads it to the end.
pub fn dump(sock: &mut NlSocket, req: &[u8]) -> io::Result<Vec<Msg>> {
    sock.send(req)?;
    read_dump(sock)
}

/// Connects and resolves the families.
pub fn connect(path: &Path) -> io::Result<(NlSocket, Families)> {
    let mut s = NlSocket::connect(path)?;
    let f = Families::resolve(&mut s)?;
    Ok((s, f))
}

fn begin(
    w: &mut Writer,
    fam: u16,
    flags: u16,
    cmd: u8,
    version: u8,
    dp_ifindex: i32,
) -> genl::writer::Mark {
    let m = w.begin_msg(fam, NLM_F_REQUEST | flags, 1, 0);
    w.genl_hdr(cmd, version);
    w.put_u32(dp_ifindex as u32);
    m
}

/// Flags for a request that wants an ACK and the new object echoed.
pub const ECHO_ACK: u16 = NLM_F_ECHO | NLM_F_ACK;

/// `OVS_DP_CMD_NEW name` (upcall pid 0) with `flags` (add `NLM_F_ACK`).
pub fn dp_new(f: &Families, name: &str, flags: u16) -> Vec<u8> {
    let mut w = Writer::new();
    let m = begin(&mut w, f.dp, flags, OVS_DP_CMD_NEW, 2, 0);
    w.attr_str(OVS_DP_ATTR_NAME, name.as_bytes());
    w.attr_u32(OVS_DP_ATTR_UPCALL_PID, 0);
    w.end_msg(m);
    w.take()
}

/// `OVS_DP_CMD_DEL name` with `NLM_F_ACK`.
pub fn dp_del(f: &Families, name: &str) -> Vec<u8> {
    let mut w = Writer::new();
    let m = begin(&mut w, f.dp, NLM_F_ACK, OVS_DP_CMD_DEL, 2, 0);
    w.attr_str(OVS_DP_ATTR_NAME, name.as_bytes());
    w.end_msg(m);
    w.take()
}

/// `OVS_DP_CMD_GET` dump.
pub fn dp_dump(f: &Families) -> Vec<u8> {
    let mut w = Writer::new();
    let m = begin(&mut w, f.dp, NLM_F_DUMP, OVS_DP_CMD_GET, 2, 0);
    w.end_msg(m);
    w.take()
}

/// `OVS_VPORT_CMD_NEW` of an internal port `name` in datapath `dp_ifindex`.
pub fn vport_new(f: &Families, dp_ifindex: i32, name: &str) -> Vec<u8> {
    let mut w = Writer::new();
    let m = begin(&mut w, f.vport, NLM_F_ACK, OVS_VPORT_CMD_NEW, 1, dp_ifindex);
    w.attr_str(OVS_VPORT_ATTR_NAME, name.as_bytes());
    w.attr_u32(OVS_VPORT_ATTR_TYPE, OVS_VPORT_TYPE_INTERNAL);
    w.attr_u32(OVS_VPORT_ATTR_UPCALL_PID, 0);
    w.end_msg(m);
    w.take()
}

/// `OVS_VPORT_CMD_DEL name` in datapath `dp_ifindex`, with `NLM_F_ACK`.
pub fn vport_del(f: &Families, dp_ifindex: i32, name: &str) -> Vec<u8> {
    let mut w = Writer::new();
    let m = begin(&mut w, f.vport, NLM_F_ACK, OVS_VPORT_CMD_DEL, 1, dp_ifindex);
    w.attr_str(OVS_VPORT_ATTR_NAME, name.as_bytes());
    w.end_msg(m);
    w.take()
}

/// `OVS_VPORT_CMD_GET` dump of datapath `dp_ifindex`.
pub fn vport_dump(f: &Families, dp_ifindex: i32) -> Vec<u8> {
    let mut w = Writer::new();
    let m = begin(
        &mut w,
        f.vport,
        NLM_F_DUMP,
        OVS_VPORT_CMD_GET,
        1,
        dp_ifindex,
    );
    w.end_msg(m);
    w.take()
}

/// A flow of the load tests: `in_port(1),eth(src=SRC,dst=DST),
/// eth_type(0x88cc)` identified by a UFID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlowId {
    /// `OVS_FLOW_ATTR_UFID`.
    pub ufid: [u8; 16],
    /// The `OVS_KEY_ATTR_ETHERNET` payload (source, destination).
    pub eth: [u8; 12],
}

impl FlowId {
    /// The flow numbered `(a, b)`: distinct MACs and UFID per pair.
    pub fn new(a: u16, b: u16) -> FlowId {
        let [a0, a1] = a.to_be_bytes();
        let [b0, b1] = b.to_be_bytes();
        let mut ufid = [0u8; 16];
        ufid[..4].copy_from_slice(&[a0, a1, b0, b1]);
        ufid[15] = 0x5a;
        FlowId {
            ufid,
            eth: [2, 0, a0, a1, b0, b1, 2, 1, a0, a1, b0, b1],
        }
    }
}

/// The `OVS_FLOW_ATTR_ACTIONS` payload `output(port)`.
pub fn output_action(port: u32) -> Vec<u8> {
    let mut v = vec![8, 0, 1, 0];
    v.extend_from_slice(&port.to_ne_bytes());
    v
}

fn flow_key(w: &mut Writer, id: &FlowId) {
    let k = w.nest(OVS_FLOW_ATTR_KEY);
    w.attr_u32(3, 1); // OVS_KEY_ATTR_IN_PORT
    w.attr(4, &id.eth); // OVS_KEY_ATTR_ETHERNET
    w.attr(6, &0x88ccu16.to_be_bytes()); // OVS_KEY_ATTR_ETHERTYPE
    w.nest_end(k);
}

/// `OVS_FLOW_CMD_NEW` (`flags` added to `NLM_F_ACK`) or `SET` of a flow
/// with `output(port)`.
pub fn flow_put(f: &Families, dp: i32, cmd: u8, flags: u16, id: &FlowId, port: u32) -> Vec<u8> {
    let mut w = Writer::new();
    let m = begin(&mut w, f.flow, NLM_F_ACK | flags, cmd, 1, dp);
    flow_key(&mut w, id);
    let a = w.nest(OVS_FLOW_ATTR_ACTIONS);
    w.attr_u32(1, port); // OVS_ACTION_ATTR_OUTPUT
    w.nest_end(a);
    w.attr(OVS_FLOW_ATTR_UFID, &id.ufid);
    w.end_msg(m);
    w.take()
}

/// `OVS_FLOW_CMD_DEL` by UFID with `NLM_F_ACK`.
pub fn flow_del(f: &Families, dp: i32, id: &FlowId) -> Vec<u8> {
    let mut w = Writer::new();
    let m = begin(&mut w, f.flow, NLM_F_ACK, OVS_FLOW_CMD_DEL, 1, dp);
    w.attr(OVS_FLOW_ATTR_UFID, &id.ufid);
    w.end_msg(m);
    w.take()
}

/// `OVS_FLOW_CMD_GET` dump of datapath `dp`.
pub fn flow_dump(f: &Families, dp: i32) -> Vec<u8> {
    let mut w = Writer::new();
    let m = begin(&mut w, f.flow, NLM_F_DUMP, OVS_FLOW_CMD_GET, 1, dp);
    w.end_msg(m);
    w.take()
}

/// A dumped flow as `(UFID, ETHERNET key payload, ACTIONS payload)`.
pub fn dumped_flow(m: &Msg) -> ([u8; 16], Vec<u8>, Vec<u8>) {
    let ufid = m.attr(OVS_FLOW_ATTR_UFID).unwrap_or_default();
    let key = m.attr(OVS_FLOW_ATTR_KEY).unwrap_or_default();
    let eth = attrs(&key)
        .into_iter()
        .find(|(k, _)| *k == 4)
        .map(|(_, v)| v)
        .unwrap_or_default();
    let mut u = [0u8; 16];
    if ufid.len() == 16 {
        u.copy_from_slice(&ufid);
    }
    (u, eth, m.attr(OVS_FLOW_ATTR_ACTIONS).unwrap_or_default())
}
