//! `struct nlmsghdr`: a checked zero-copy view, the flag and type constants,
//! and the walk over the messages of one datagram as `netlink_rcv_skb` does it.

/// Size of `struct nlmsghdr`.
pub const NLMSG_HDRLEN: usize = 16;

/// `NLMSG_NOOP`.
pub const NLMSG_NOOP: u16 = 1;
/// `NLMSG_ERROR`: an error or an ACK.
pub const NLMSG_ERROR: u16 = 2;
/// `NLMSG_DONE`: end of a dump.
pub const NLMSG_DONE: u16 = 3;
/// `NLMSG_OVERRUN`.
pub const NLMSG_OVERRUN: u16 = 4;
/// `NLMSG_MIN_TYPE`: types below this are control messages.
pub const NLMSG_MIN_TYPE: u16 = 0x10;

/// `NLM_F_REQUEST`.
pub const NLM_F_REQUEST: u16 = 0x1;
/// `NLM_F_MULTI`: part of a multipart (dump) reply.
pub const NLM_F_MULTI: u16 = 0x2;
/// `NLM_F_ACK`: ask for an ACK.
pub const NLM_F_ACK: u16 = 0x4;
/// `NLM_F_ECHO`: echo this request.
pub const NLM_F_ECHO: u16 = 0x8;
/// `NLM_F_ROOT` (dump modifier).
pub const NLM_F_ROOT: u16 = 0x100;
/// `NLM_F_MATCH` (dump modifier).
pub const NLM_F_MATCH: u16 = 0x200;
/// `NLM_F_DUMP` = `ROOT | MATCH`.
pub const NLM_F_DUMP: u16 = NLM_F_ROOT | NLM_F_MATCH;
/// `NLM_F_EXCL` (new-request modifier; shares its bit with `ROOT`).
pub const NLM_F_EXCL: u16 = 0x200;
/// `NLM_F_CREATE` (new-request modifier; shares its bit with `MATCH`).
pub const NLM_F_CREATE: u16 = 0x400;
/// `NLM_F_CAPPED` on `NLMSG_ERROR`: the request is not echoed in full.
pub const NLM_F_CAPPED: u16 = 0x100;
/// `NLM_F_ACK_TLVS` on `NLMSG_ERROR`: extended-ACK attributes follow.
pub const NLM_F_ACK_TLVS: u16 = 0x200;

/// Rounds up to the 4-byte netlink alignment (`NLMSG_ALIGN`, `NLA_ALIGN`).
pub const fn align4(len: usize) -> usize {
    (len + 3) & !3
}

/// A checked view of one netlink message: header plus `nlmsg_len - 16`
/// payload bytes, all inside the buffer.
#[derive(Clone, Copy, Debug)]
pub struct NlMsg<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> NlMsg<T> {
    /// Checks that the header fits and that `nlmsg_len` is at least the
    /// header and at most the buffer. After this no accessor can panic.
    pub fn new_checked(buf: T) -> Option<Self> {
        let b = buf.as_ref();
        if b.len() < NLMSG_HDRLEN {
            return None;
        }
        let len = u32::from_ne_bytes([b[0], b[1], b[2], b[3]]) as usize;
        if len < NLMSG_HDRLEN || len > b.len() {
            return None;
        }
        Some(NlMsg { buf })
    }

    fn u32_at(&self, at: usize) -> u32 {
        let b = self.buf.as_ref();
        u32::from_ne_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
    }

    fn u16_at(&self, at: usize) -> u16 {
        let b = self.buf.as_ref();
        u16::from_ne_bytes([b[at], b[at + 1]])
    }

    /// `nlmsg_len`.
    pub fn len(&self) -> u32 {
        self.u32_at(0)
    }

    /// Always false: a checked message holds at least its header.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// `nlmsg_type`.
    pub fn msg_type(&self) -> u16 {
        self.u16_at(4)
    }

    /// `nlmsg_flags`.
    pub fn flags(&self) -> u16 {
        self.u16_at(6)
    }

    /// `nlmsg_seq`.
    pub fn seq(&self) -> u32 {
        self.u32_at(8)
    }

    /// `nlmsg_pid`.
    pub fn pid(&self) -> u32 {
        self.u32_at(12)
    }

    /// The whole message, header included (`nlmsg_len` bytes).
    pub fn bytes(&self) -> &[u8] {
        &self.buf.as_ref()[..self.len() as usize]
    }

    /// The header's 16 bytes.
    pub fn header(&self) -> &[u8] {
        &self.buf.as_ref()[..NLMSG_HDRLEN]
    }

    /// The payload after the header (`nlmsg_data`, `nlmsg_len(nlh)` bytes).
    pub fn payload(&self) -> &[u8] {
        &self.buf.as_ref()[NLMSG_HDRLEN..self.len() as usize]
    }

    /// True for a dump request: both `NLM_F_ROOT` and `NLM_F_MATCH`.
    pub fn is_dump(&self) -> bool {
        self.flags() & NLM_F_DUMP == NLM_F_DUMP
    }
}

/// Walks the messages of one datagram with `netlink_rcv_skb`'s rules: stop
/// when fewer than 16 bytes remain, or at a header whose `nlmsg_len` is
/// shorter than a header or longer than what remains (those trailing bytes
/// are dropped silently); otherwise advance by the aligned length, clamped to
/// the datagram.
#[derive(Clone, Debug)]
pub struct MsgIter<'a> {
    rest: &'a [u8],
}

impl<'a> MsgIter<'a> {
    /// Starts a walk over `datagram`.
    pub fn new(datagram: &'a [u8]) -> Self {
        MsgIter { rest: datagram }
    }
}

impl<'a> Iterator for MsgIter<'a> {
    type Item = NlMsg<&'a [u8]>;

    fn next(&mut self) -> Option<Self::Item> {
        let msg = NlMsg::new_checked(self.rest)?;
        let step = align4(msg.len() as usize).min(self.rest.len());
        self.rest = &self.rest[step..];
        Some(msg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hdr(len: u32, ty: u16, flags: u16, seq: u32) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&len.to_ne_bytes());
        v.extend_from_slice(&ty.to_ne_bytes());
        v.extend_from_slice(&flags.to_ne_bytes());
        v.extend_from_slice(&seq.to_ne_bytes());
        v.extend_from_slice(&0u32.to_ne_bytes());
        v
    }

    #[test]
    fn rejects_short_and_overlong() {
        assert!(NlMsg::new_checked(&[0u8; 15][..]).is_none());
        assert!(NlMsg::new_checked(&hdr(8, 16, 1, 0)[..]).is_none());
        assert!(NlMsg::new_checked(&hdr(17, 16, 1, 0)[..]).is_none());
        let h = hdr(16, 16, 5, 7);
        let m = NlMsg::new_checked(&h[..]).unwrap();
        assert_eq!((m.msg_type(), m.flags(), m.seq()), (16, 5, 7));
        assert!(m.payload().is_empty());
    }

    #[test]
    fn walk_follows_netlink_rcv_skb() {
        // two messages, the first with an unaligned length of 18
        let mut d = hdr(18, 16, 1, 1);
        d.extend_from_slice(&[0xaa, 0xbb, 0, 0]);
        d.extend_from_slice(&hdr(16, 17, 1, 2));
        d.extend_from_slice(&[1, 2, 3]); // trailing garbage < 16 bytes: ignored
        let seqs: Vec<u32> = MsgIter::new(&d).map(|m| m.seq()).collect();
        assert_eq!(seqs, vec![1, 2]);
        // a bad length stops the walk
        let mut d = hdr(16, 16, 1, 1);
        d.extend_from_slice(&hdr(64, 16, 1, 2));
        assert_eq!(MsgIter::new(&d).count(), 1);
    }

    #[test]
    fn last_message_may_end_unaligned() {
        let d = hdr(16, 16, 1, 1);
        let mut d2 = d.clone();
        d2[0] = 17;
        d2.push(9);
        let v: Vec<_> = MsgIter::new(&d2).collect();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].payload(), &[9]);
    }
}
