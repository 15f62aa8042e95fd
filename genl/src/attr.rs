//! Netlink attributes (`struct nlattr`): a zero-copy iterator with the
//! kernel's `nla_ok`/`nla_next` rules.

use crate::nlmsg::align4;

/// Size of `struct nlattr`.
pub const NLA_HDRLEN: usize = 4;
/// `NLA_F_NESTED`.
pub const NLA_F_NESTED: u16 = 0x8000;
/// `NLA_F_NET_BYTEORDER`.
pub const NLA_F_NET_BYTEORDER: u16 = 0x4000;
/// `NLA_TYPE_MASK`.
pub const NLA_TYPE_MASK: u16 = !(NLA_F_NESTED | NLA_F_NET_BYTEORDER);

/// One attribute: its type (flags stripped), whether `NLA_F_NESTED` was set,
/// its payload, and the offset of its header from a base the iterator was
/// given (the request's `nlmsghdr`, for extended-ACK offsets).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attr<'a> {
    /// `nla_type(nla)`.
    pub kind: u16,
    /// `NLA_F_NESTED` was set.
    pub nested: bool,
    /// The payload (`nla_len - 4` bytes).
    pub payload: &'a [u8],
    /// Offset of the attribute header from the iterator's base.
    pub offset: u32,
}

impl<'a> Attr<'a> {
    /// The payload as a host-order u8, if at least 1 byte.
    pub fn u8(&self) -> Option<u8> {
        self.payload.first().copied()
    }

    /// The payload as a host-order u16, if at least 2 bytes (`nla_get_u16`
    /// reads the first bytes of a longer payload, as liberal parsing allows).
    pub fn u16(&self) -> Option<u16> {
        let b = self.payload.get(..2)?;
        Some(u16::from_ne_bytes([b[0], b[1]]))
    }

    /// The payload as a host-order u32, if at least 4 bytes.
    pub fn u32(&self) -> Option<u32> {
        let b = self.payload.get(..4)?;
        Some(u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// The payload as a host-order u64, if at least 8 bytes.
    pub fn u64(&self) -> Option<u64> {
        let b = self.payload.get(..8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Some(u64::from_ne_bytes(a))
    }

    /// The payload up to its first NUL (a `NLA_NUL_STRING` that passed policy
    /// has one), as bytes.
    pub fn c_str(&self) -> &'a [u8] {
        let end = self
            .payload
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(self.payload.len());
        &self.payload[..end]
    }

    /// Iterates the attributes nested in this one's payload; their offsets
    /// stay relative to the same base.
    pub fn nested_iter(&self) -> AttrIter<'a> {
        AttrIter::with_base(self.payload, self.offset + NLA_HDRLEN as u32)
    }
}

/// Iterates attributes with `nla_ok`: stops at fewer than 4 bytes, a length
/// below 4, or a length beyond what remains. What is left afterwards (the
/// kernel's `rem > 0`) is reported by [`AttrIter::leftover`].
#[derive(Clone, Debug)]
pub struct AttrIter<'a> {
    rest: &'a [u8],
    at: u32,
}

impl<'a> AttrIter<'a> {
    /// Iterates `buf`, reporting offsets relative to `buf` itself.
    pub fn new(buf: &'a [u8]) -> Self {
        AttrIter { rest: buf, at: 0 }
    }

    /// Iterates `buf`, which starts `base` bytes after the offset origin.
    pub fn with_base(buf: &'a [u8], base: u32) -> Self {
        AttrIter {
            rest: buf,
            at: base,
        }
    }

    /// Bytes not consumed so far (after the walk ends: the kernel's
    /// "bytes leftover after parsing attributes").
    pub fn leftover(&self) -> usize {
        self.rest.len()
    }
}

impl<'a> Iterator for AttrIter<'a> {
    type Item = Attr<'a>;

    fn next(&mut self) -> Option<Attr<'a>> {
        let r = self.rest;
        if r.len() < NLA_HDRLEN {
            return None;
        }
        let len = u16::from_ne_bytes([r[0], r[1]]) as usize;
        if len < NLA_HDRLEN || len > r.len() {
            return None;
        }
        let raw_type = u16::from_ne_bytes([r[2], r[3]]);
        let attr = Attr {
            kind: raw_type & NLA_TYPE_MASK,
            nested: raw_type & NLA_F_NESTED != 0,
            payload: &r[NLA_HDRLEN..len],
            offset: self.at,
        };
        // nla_next: the kernel subtracts the aligned length, possibly going
        // below zero; nothing is left over in that case.
        let step = align4(len).min(r.len());
        self.rest = &r[step..];
        self.at += step as u32;
        Some(attr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iterates_and_reports_leftover() {
        // type 1 u32 = 7; type 0x8002 nested empty; then 3 stray bytes
        let mut b = vec![8, 0, 1, 0, 7, 0, 0, 0, 4, 0, 2, 0x80];
        b.extend_from_slice(&[1, 2, 3]);
        let mut it = AttrIter::with_base(&b, 20);
        let a = it.next().unwrap();
        assert_eq!(
            (a.kind, a.nested, a.u32(), a.offset),
            (1, false, Some(7), 20)
        );
        let n = it.next().unwrap();
        assert_eq!(
            (n.kind, n.nested, n.payload.len(), n.offset),
            (2, true, 0, 28)
        );
        assert!(it.next().is_none());
        assert_eq!(it.leftover(), 3);
    }

    #[test]
    fn unaligned_last_attribute_leaves_nothing() {
        let b = [5u8, 0, 3, 0, b'x'];
        let mut it = AttrIter::new(&b);
        assert_eq!(it.next().unwrap().payload, b"x");
        assert_eq!(it.leftover(), 0);
    }

    #[test]
    fn c_str_stops_at_nul() {
        let b = [8u8, 0, 1, 0, b'd', b'p', 0, b'z'];
        let a = AttrIter::new(&b).next().unwrap();
        assert_eq!(a.c_str(), b"dp");
    }
}
