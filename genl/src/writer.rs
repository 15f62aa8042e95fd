//! Builds netlink messages into a reusable buffer: headers, attributes with
//! zeroed 4-byte padding (`nla_put`), nests closed by offset
//! (`nla_nest_end`). Appending never allocates once the buffer has grown to
//! its working size.

use crate::attr::{NLA_F_NESTED, NLA_HDRLEN};
use crate::nlmsg::{align4, NLMSG_HDRLEN};

/// An append-only message builder over a reusable `Vec<u8>`.
#[derive(Debug, Default, Clone)]
pub struct Writer {
    buf: Vec<u8>,
}

/// Where a message or nest started, to close it later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct Mark(usize);

impl Mark {
    /// The byte offset in the writer's buffer.
    pub fn pos(self) -> usize {
        self.0
    }
}

impl Writer {
    /// An empty writer.
    pub fn new() -> Self {
        Writer { buf: Vec::new() }
    }

    /// An empty writer with room for `cap` bytes.
    pub fn with_capacity(cap: usize) -> Self {
        Writer {
            buf: Vec::with_capacity(cap),
        }
    }

    /// Forgets the contents, keeping the allocation.
    pub fn clear(&mut self) {
        self.buf.clear();
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// True when nothing was written.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Drops everything after `mark` (a record that did not fit a dump part).
    pub fn rollback(&mut self, mark: Mark) {
        self.buf.truncate(mark.0);
    }

    /// Drops everything after the first `len` bytes.
    pub fn truncate(&mut self, len: usize) {
        self.buf.truncate(len);
    }

    /// Appends raw bytes, then zero padding to a 4-byte boundary.
    pub fn put_aligned(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        self.pad();
    }

    /// Appends raw bytes with no padding.
    pub fn put_raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    fn pad(&mut self) {
        let n = align4(self.buf.len()) - self.buf.len();
        self.buf.extend_from_slice(&[0u8; 3][..n]);
    }

    /// Starts a message (`nlmsg_put`): the length is filled in by
    /// [`Writer::end_msg`].
    pub fn begin_msg(&mut self, msg_type: u16, flags: u16, seq: u32, pid: u32) -> Mark {
        let start = self.buf.len();
        self.buf.extend_from_slice(&0u32.to_ne_bytes());
        self.buf.extend_from_slice(&msg_type.to_ne_bytes());
        self.buf.extend_from_slice(&flags.to_ne_bytes());
        self.buf.extend_from_slice(&seq.to_ne_bytes());
        self.buf.extend_from_slice(&pid.to_ne_bytes());
        Mark(start)
    }

    /// Appends a `genlmsghdr`.
    pub fn genl_hdr(&mut self, cmd: u8, version: u8) {
        self.buf.extend_from_slice(&[cmd, version, 0, 0]);
    }

    /// Appends a host-order u32 (e.g. `ovs_header.dp_ifindex`).
    pub fn put_u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_ne_bytes());
    }

    /// Closes a message: `nlmsg_len` = bytes since `mark` (`nlmsg_end`).
    pub fn end_msg(&mut self, mark: Mark) {
        let len = (self.buf.len() - mark.0) as u32;
        self.buf[mark.0..mark.0 + 4].copy_from_slice(&len.to_ne_bytes());
    }

    /// `nla_put`: an attribute with an arbitrary payload.
    pub fn attr(&mut self, kind: u16, payload: &[u8]) {
        let len = (NLA_HDRLEN + payload.len()) as u16;
        self.buf.extend_from_slice(&len.to_ne_bytes());
        self.buf.extend_from_slice(&kind.to_ne_bytes());
        self.put_aligned(payload);
    }

    /// `nla_put_u8`.
    pub fn attr_u8(&mut self, kind: u16, v: u8) {
        self.attr(kind, &[v]);
    }

    /// `nla_put_u16`.
    pub fn attr_u16(&mut self, kind: u16, v: u16) {
        self.attr(kind, &v.to_ne_bytes());
    }

    /// `nla_put_u32`.
    pub fn attr_u32(&mut self, kind: u16, v: u32) {
        self.attr(kind, &v.to_ne_bytes());
    }

    /// `nla_put_u64_64bit` on x86_64: no pad attribute.
    pub fn attr_u64(&mut self, kind: u16, v: u64) {
        self.attr(kind, &v.to_ne_bytes());
    }

    /// `nla_put_flag`.
    pub fn attr_flag(&mut self, kind: u16) {
        self.attr(kind, &[]);
    }

    /// `nla_put_string`: the bytes plus a terminating NUL.
    pub fn attr_str(&mut self, kind: u16, s: &[u8]) {
        let len = (NLA_HDRLEN + s.len() + 1) as u16;
        self.buf.extend_from_slice(&len.to_ne_bytes());
        self.buf.extend_from_slice(&kind.to_ne_bytes());
        self.buf.extend_from_slice(s);
        self.buf.push(0);
        self.pad();
    }

    /// `nla_nest_start`: a nest with `NLA_F_NESTED`.
    pub fn nest(&mut self, kind: u16) -> Mark {
        self.nest_noflag(kind | NLA_F_NESTED)
    }

    /// `nla_nest_start_noflag`: a nest without `NLA_F_NESTED`.
    pub fn nest_noflag(&mut self, kind: u16) -> Mark {
        let start = self.buf.len();
        self.buf.extend_from_slice(&0u16.to_ne_bytes());
        self.buf.extend_from_slice(&kind.to_ne_bytes());
        Mark(start)
    }

    /// `nla_nest_end`: the nest's length covers everything since `mark`.
    pub fn nest_end(&mut self, mark: Mark) {
        let len = (self.buf.len() - mark.0) as u16;
        self.buf[mark.0..mark.0 + 2].copy_from_slice(&len.to_ne_bytes());
    }

    /// Takes the buffer out, leaving the writer empty.
    pub fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buf)
    }
}

/// Length of a message with a `payload`-byte body (`nlmsg_total_size`).
pub const fn msg_total_size(payload: usize) -> usize {
    align4(NLMSG_HDRLEN + payload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attr::AttrIter;
    use crate::nlmsg::NlMsg;

    #[test]
    fn message_with_attrs_and_nest() {
        let mut w = Writer::new();
        let m = w.begin_msg(0x10, 0, 7, 42);
        w.genl_hdr(1, 2);
        w.attr_str(2, b"ovs_flow");
        let n = w.nest_noflag(6);
        let e = w.nest_noflag(1);
        w.attr_u32(1, 3);
        w.nest_end(e);
        w.nest_end(n);
        w.attr_u16(1, 0x26);
        w.end_msg(m);
        let msg = NlMsg::new_checked(w.as_bytes()).unwrap();
        assert_eq!(msg.len() as usize, w.len());
        assert_eq!((msg.seq(), msg.pid()), (7, 42));
        let attrs: Vec<_> = AttrIter::new(&msg.payload()[4..]).collect();
        assert_eq!(attrs.len(), 3);
        assert_eq!(attrs[0].payload, b"ovs_flow\0");
        assert_eq!(attrs[1].payload.len(), 12);
        // the u16 attribute is padded with zeroes to 8 bytes
        assert_eq!(&w.as_bytes()[w.len() - 8..], &[6, 0, 1, 0, 0x26, 0, 0, 0]);
    }

    #[test]
    fn rollback_drops_a_record() {
        let mut w = Writer::new();
        let a = w.begin_msg(1, 0, 0, 0);
        w.end_msg(a);
        let b = w.begin_msg(2, 0, 0, 0);
        w.attr_u32(1, 1);
        w.rollback(b);
        assert_eq!(w.len(), 16);
    }
}
