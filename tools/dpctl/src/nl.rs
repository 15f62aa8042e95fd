//! Request/reply over a [`Transport`]: sequence numbers, ACKs, dumps and
//! errno extraction. Generic netlink messages of the OVS families carry a
//! 4-byte `ovs_header` (the datapath's ifindex) after the genl header.

use crate::target::Transport;
use genl::nlmsg::{MsgIter, NLMSG_DONE, NLMSG_ERROR, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST};
use genl::{NlMsg, Writer};
use std::io;

/// A failed request: the errno the datapath answered (positive), or a
/// transport error mapped to its errno.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Errno(pub i32);

impl Errno {
    /// The C library's text for this errno (`strerror`).
    pub fn text(self) -> String {
        crate::errors::strerror(self.0)
    }
}

impl From<io::Error> for Errno {
    fn from(e: io::Error) -> Errno {
        Errno(match e.kind() {
            io::ErrorKind::ConnectionReset => libc::ECONNRESET,
            io::ErrorKind::TimedOut => libc::ETIMEDOUT,
            _ => e.raw_os_error().unwrap_or(libc::EIO),
        })
    }
}

/// One received generic netlink message of an OVS family (or nlctrl).
#[derive(Debug, Clone)]
pub struct Message {
    /// `nlmsg_type` (the family id).
    pub family: u16,
    /// `nlmsg_flags`.
    pub flags: u16,
    /// `nlmsg_seq`.
    pub seq: u32,
    /// genl command.
    pub cmd: u8,
    /// The OVS header's `dp_ifindex` (0 for nlctrl).
    pub dp_ifindex: i32,
    /// The attributes after the headers.
    pub attrs: Vec<u8>,
}

impl Message {
    /// Decodes a message whose family carries an `ovs_header` of `hdr` bytes.
    pub fn decode(bytes: &[u8], hdr: usize) -> Option<Message> {
        let m = NlMsg::new_checked(bytes)?;
        let p = m.payload();
        if p.len() < 4 + hdr {
            return None;
        }
        let dp_ifindex = if hdr >= 4 {
            i32::from_ne_bytes([p[4], p[5], p[6], p[7]])
        } else {
            0
        };
        Some(Message {
            family: m.msg_type(),
            flags: m.flags(),
            seq: m.seq(),
            cmd: p[0],
            dp_ifindex,
            attrs: p[4 + hdr..].to_vec(),
        })
    }

    /// The top-level attributes.
    pub fn iter(&self) -> genl::AttrIter<'_> {
        genl::AttrIter::new(&self.attrs)
    }

    /// The payload of top-level attribute `kind`.
    pub fn get(&self, kind: u16) -> Option<&[u8]> {
        self.iter().find(|a| a.kind == kind).map(|a| a.payload)
    }
}

/// A netlink client: one socket and its sequence numbers.
pub struct Client {
    sock: Box<dyn Transport>,
    seq: u32,
    buf: Vec<u8>,
}

/// What a request looks like before its attributes.
#[derive(Debug, Clone, Copy)]
pub struct Header {
    /// Family id.
    pub family: u16,
    /// genl command.
    pub cmd: u8,
    /// genl version.
    pub version: u8,
    /// `Some(dp_ifindex)` for OVS families, `None` for nlctrl.
    pub ovs: Option<i32>,
    /// Extra `nlmsg_flags` (CREATE, ECHO, ...).
    pub flags: u16,
}

impl Client {
    /// Wraps an open socket.
    pub fn new(sock: Box<dyn Transport>) -> Client {
        Client {
            sock,
            seq: 0,
            buf: vec![0u8; 1 << 17],
        }
    }

    /// The socket's port id.
    pub fn portid(&self) -> u32 {
        self.sock.portid()
    }

    /// Joins a multicast group.
    pub fn join(&mut self, group: u32) -> Result<(), Errno> {
        Ok(self.sock.join(group)?)
    }

    /// Builds one request datagram.
    pub fn build(
        &mut self,
        h: Header,
        dump: bool,
        attrs: impl FnOnce(&mut Writer),
    ) -> (u32, Vec<u8>) {
        self.seq += 1;
        let mut w = Writer::new();
        let flags = NLM_F_REQUEST | h.flags | if dump { NLM_F_DUMP } else { NLM_F_ACK };
        let m = w.begin_msg(h.family, flags, self.seq, 0);
        w.genl_hdr(h.cmd, h.version);
        if let Some(ifindex) = h.ovs {
            w.put_u32(ifindex as u32);
        }
        attrs(&mut w);
        w.end_msg(m);
        (self.seq, w.take())
    }

    /// Sends a request and collects its replies: for a do-request until the
    /// ACK (or error), for a dump until `NLMSG_DONE`.
    pub fn transact(
        &mut self,
        h: Header,
        dump: bool,
        attrs: impl FnOnce(&mut Writer),
    ) -> Result<Vec<Message>, Errno> {
        let (seq, datagram) = self.build(h, dump, attrs);
        self.sock.send(&datagram)?;
        let hdr = if h.ovs.is_some() { 4 } else { 0 };
        let mut out = Vec::new();
        loop {
            let n = self.sock.recv(&mut self.buf, true)?;
            for msg in MsgIter::new(&self.buf[..n]) {
                if msg.seq() != seq {
                    continue;
                }
                match msg.msg_type() {
                    NLMSG_ERROR | NLMSG_DONE => {
                        let p = msg.payload();
                        let err = if p.len() >= 4 {
                            i32::from_ne_bytes([p[0], p[1], p[2], p[3]])
                        } else {
                            0
                        };
                        if err != 0 {
                            return Err(Errno(-err));
                        }
                        if msg.msg_type() == NLMSG_DONE || !dump {
                            return Ok(out);
                        }
                    }
                    _ => {
                        if let Some(r) = Message::decode(msg.bytes(), hdr) {
                            out.push(r);
                        }
                    }
                }
            }
        }
    }

    /// Receives the next datagram's messages (any sequence number),
    /// waiting as long as it takes. A socket overrun (`ENOBUFS`: the
    /// datapath dropped messages for this socket) is reported once on
    /// stderr and the wait goes on.
    pub fn next_message(&mut self, hdr: usize) -> Result<Vec<Message>, Errno> {
        let n = loop {
            match self.sock.recv(&mut self.buf, true) {
                Ok(n) => break n,
                // The native client's wait is bounded: wait again.
                Err(e) if e.kind() == io::ErrorKind::TimedOut => continue,
                Err(e) if e.raw_os_error() == Some(libc::ENOBUFS) => {
                    eprintln!(
                        "{}: messages lost ({})",
                        crate::PROGRAM,
                        Errno(libc::ENOBUFS).text()
                    );
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
        };
        Ok(MsgIter::new(&self.buf[..n])
            .filter_map(|m| Message::decode(m.bytes(), hdr))
            .collect())
    }
}
