//! A request builder and reply reader over the sans-I/O core, for tests.
#![allow(dead_code)]

use genl::attr::AttrIter;
use genl::nlmsg::{
    MsgIter, NLMSG_DONE, NLMSG_ERROR, NLM_F_ACK, NLM_F_DUMP, NLM_F_ECHO, NLM_F_REQUEST,
};
use genl::Writer;
use ovsd::core::{Core, CoreConfig, Creds, Outbox, Sink, Socket};
use std::sync::{Arc, Mutex};

/// Collects multicast datagrams delivered to a socket.
#[derive(Default)]
pub struct Collect(pub Mutex<Vec<Vec<u8>>>);

impl Sink for Collect {
    fn deliver(&self, d: &[u8]) -> bool {
        self.0.lock().unwrap().push(d.to_vec());
        true
    }
}

impl Collect {
    /// Takes what arrived so far.
    pub fn take(&self) -> Vec<Vec<u8>> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// An attribute to put in a request.
#[derive(Clone)]
pub enum A {
    /// u32.
    U32(u16, u32),
    /// u16.
    U16(u16, u16),
    /// NUL-terminated string.
    Str(u16, &'static str),
    /// Raw payload.
    Raw(u16, Vec<u8>),
    /// Nested, with `NLA_F_NESTED`.
    Nest(u16, Vec<A>),
}

fn put(w: &mut Writer, attrs: &[A]) {
    for a in attrs {
        match a {
            A::U32(t, v) => w.attr_u32(*t, *v),
            A::U16(t, v) => w.attr_u16(*t, *v),
            A::Str(t, s) => w.attr_str(*t, s.as_bytes()),
            A::Raw(t, p) => w.attr(*t, p),
            A::Nest(t, inner) => {
                let n = w.nest(*t);
                put(w, inner);
                w.nest_end(n);
            }
        }
    }
}

/// One parsed reply message.
#[derive(Debug, Clone, PartialEq)]
pub struct Msg {
    /// The raw bytes.
    pub bytes: Vec<u8>,
}

impl Msg {
    fn view(&self) -> genl::NlMsg<&[u8]> {
        genl::NlMsg::new_checked(&self.bytes[..]).unwrap()
    }
    /// `nlmsg_type`.
    pub fn ty(&self) -> u16 {
        self.view().msg_type()
    }
    /// `nlmsg_flags`.
    pub fn flags(&self) -> u16 {
        self.view().flags()
    }
    /// The errno of an `NLMSG_ERROR`/`NLMSG_DONE` (positive), else None.
    pub fn errno(&self) -> Option<i32> {
        let v = self.view();
        (v.msg_type() == NLMSG_ERROR || v.msg_type() == NLMSG_DONE)
            .then(|| -i32::from_ne_bytes(v.payload()[..4].try_into().unwrap()))
    }
    /// genl command.
    pub fn cmd(&self) -> u8 {
        self.view().payload()[0]
    }
    /// `ovs_header.dp_ifindex`.
    pub fn dp_ifindex(&self) -> i32 {
        i32::from_ne_bytes(self.view().payload()[4..8].try_into().unwrap())
    }
    /// Attribute payload of `kind` (top level, after the OVS header).
    pub fn attr(&self, kind: u16) -> Option<Vec<u8>> {
        AttrIter::new(&self.view().payload()[8..])
            .find(|a| a.kind == kind)
            .map(|a| a.payload.to_vec())
    }
    /// A u32 attribute.
    pub fn u32(&self, kind: u16) -> Option<u32> {
        self.attr(kind)
            .map(|p| u32::from_ne_bytes(p[..4].try_into().unwrap()))
    }
    /// Attribute types in order.
    pub fn kinds(&self) -> Vec<u16> {
        AttrIter::new(&self.view().payload()[8..])
            .map(|a| a.kind)
            .collect()
    }
}

/// A netlink socket on an in-process core.
pub struct Client {
    /// The core.
    pub core: Arc<Core>,
    /// The socket.
    pub sock: Socket,
    /// Its multicast inbox.
    pub mcast: Arc<Collect>,
    seq: u32,
}

impl Client {
    /// A socket on `core` for process `pid`.
    pub fn new(core: &Arc<Core>, pid: u32) -> Client {
        let mcast = Arc::new(Collect::default());
        let sock = core.open_socket(
            Creds {
                pid,
                uid: 0,
                gid: 0,
            },
            mcast.clone(),
        );
        Client {
            core: core.clone(),
            sock,
            mcast,
            seq: 0,
        }
    }

    /// Family id by name.
    pub fn family(&self, name: &str) -> u16 {
        self.core.registry().by_name(name.as_bytes()).unwrap().id
    }

    /// Multicast group id of a family's only group.
    pub fn group(&self, name: &str) -> u32 {
        let f = self.core.registry().by_name(name.as_bytes()).unwrap();
        f.group_id(f.spec.groups[0]).unwrap()
    }

    /// Sends one request and returns every message queued for this socket
    /// (dumps run to the end).
    pub fn req(
        &mut self,
        family: &str,
        cmd: u8,
        flags: u16,
        dp_ifindex: i32,
        attrs: &[A],
    ) -> Vec<Msg> {
        self.req_version(family, cmd, 0, flags, dp_ifindex, attrs)
    }

    /// As `req` with an explicit genl version (0 = the family's).
    pub fn req_version(
        &mut self,
        family: &str,
        cmd: u8,
        version: u8,
        flags: u16,
        dp_ifindex: i32,
        attrs: &[A],
    ) -> Vec<Msg> {
        self.seq += 1;
        let fam = self.core.registry().by_name(family.as_bytes()).unwrap();
        let v = if version == 0 {
            fam.spec.version as u8
        } else {
            version
        };
        let mut w = Writer::new();
        let m = w.begin_msg(fam.id, NLM_F_REQUEST | flags, self.seq, 0);
        w.genl_hdr(cmd, v);
        w.put_u32(dp_ifindex as u32);
        put(&mut w, attrs);
        w.end_msg(m);
        self.send(w.as_bytes())
    }

    /// Sends raw bytes; returns the replies.
    pub fn send(&mut self, bytes: &[u8]) -> Vec<Msg> {
        let mut out = Outbox::new();
        self.core.process(&mut self.sock, bytes, &mut out);
        while self.core.dump_pending(&self.sock) {
            self.core.dump_next(&mut self.sock, &mut out);
        }
        out.datagrams()
            .flat_map(|d| {
                MsgIter::new(d)
                    .map(|m| Msg {
                        bytes: m.bytes().to_vec(),
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// A request with ACK whose only outcome is an error: its errno (0 = ACK).
    pub fn errno(&mut self, family: &str, cmd: u8, dp_ifindex: i32, attrs: &[A]) -> i32 {
        let r = self.req(family, cmd, NLM_F_ACK, dp_ifindex, attrs);
        r.last().and_then(Msg::errno).expect("an ACK or error")
    }

    /// A dump: the records and the errno in `NLMSG_DONE`.
    pub fn dump(&mut self, family: &str, cmd: u8, dp_ifindex: i32) -> (Vec<Msg>, i32) {
        let mut r = self.req(family, cmd, NLM_F_DUMP, dp_ifindex, &[]);
        let done = r.pop().expect("NLMSG_DONE");
        assert_eq!(done.ty(), NLMSG_DONE);
        (r, done.errno().unwrap())
    }

    /// NEW/SET/DEL with ECHO|ACK: the echoed object message.
    pub fn echo(&mut self, family: &str, cmd: u8, dp_ifindex: i32, attrs: &[A]) -> Msg {
        let r = self.req(family, cmd, NLM_F_ECHO | NLM_F_ACK, dp_ifindex, attrs);
        assert_eq!(
            r.last().and_then(Msg::errno),
            Some(0),
            "{family} cmd {cmd} failed: {r:?}"
        );
        r[0].clone()
    }
}

/// A core with the virtual backend whose ifindexes start at 2 (as in a
/// fresh network namespace where lo is 1).
pub fn core() -> Arc<Core> {
    core_with(CoreConfig::default())
}

/// A core from `cfg` with the virtual backend numbered from 2.
pub fn core_with(mut cfg: CoreConfig) -> Arc<Core> {
    cfg.backend = Arc::new(vport::VirtualBackend::with_first_ifindex(2));
    Core::new(cfg)
}
