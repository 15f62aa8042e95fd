//! `nla_for_each_nested` with the kernel's signed remainder: the walk stops
//! at the first attribute that does not fit (`nla_ok`), and the remainder
//! goes negative when the last attribute's padding runs past the end — the
//! key parsers reject both (`if (rem)`), some nested ones only a positive one.

/// One attribute: `nla_type` (flag bits stripped) and its payload.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Nla<'a> {
    /// `nla_type(nla)`.
    pub kind: u16,
    /// `nla_data(nla)`, `nla_len(nla)` bytes.
    pub data: &'a [u8],
}

/// Iterates the attributes in a nested payload.
#[derive(Clone, Debug)]
pub(crate) struct NlaIter<'a> {
    buf: &'a [u8],
    pos: usize,
    rem: isize,
}

impl<'a> NlaIter<'a> {
    /// Walks `buf` (the payload of the enclosing attribute).
    pub fn new(buf: &'a [u8]) -> Self {
        NlaIter {
            buf,
            pos: 0,
            rem: buf.len() as isize,
        }
    }

    /// The kernel's `rem` after the walk (negative after an unpadded last
    /// attribute, positive when bytes were left that hold no attribute).
    pub fn rem(&self) -> isize {
        self.rem
    }
}

impl<'a> Iterator for NlaIter<'a> {
    type Item = Nla<'a>;

    fn next(&mut self) -> Option<Nla<'a>> {
        // nla_ok
        if self.rem < 4 {
            return None;
        }
        let b = &self.buf[self.pos..];
        let len = u16::from_ne_bytes([b[0], b[1]]) as usize;
        if len < 4 || len as isize > self.rem {
            return None;
        }
        let kind = u16::from_ne_bytes([b[2], b[3]]) & genl::attr::NLA_TYPE_MASK;
        let data = &b[4..len];
        // nla_next
        let step = (len + 3) & !3;
        self.rem -= step as isize;
        self.pos = (self.pos + step).min(self.buf.len());
        Some(Nla { kind, data })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpadded_last_attribute_leaves_negative_remainder() {
        let b = [5u8, 0, 3, 0, 9];
        let mut it = NlaIter::new(&b);
        assert_eq!(it.next().unwrap().data, &[9]);
        assert!(it.next().is_none());
        assert_eq!(it.rem(), -3);
    }

    #[test]
    fn trailing_garbage_leaves_positive_remainder() {
        let b = [4u8, 0, 0x01, 0x80, 1, 2];
        let mut it = NlaIter::new(&b);
        let a = it.next().unwrap();
        assert_eq!((a.kind, a.data.len()), (1, 0));
        assert!(it.next().is_none());
        assert_eq!(it.rem(), 2);
    }
}
