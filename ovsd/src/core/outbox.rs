//! The datagrams one request produces for its sender, packed into one
//! reusable buffer (no allocation per datagram once warm).

use genl::Writer;

/// Datagrams queued for the requesting socket, in order.
#[derive(Debug, Default)]
pub struct Outbox {
    w: Writer,
    ends: Vec<usize>,
    open: usize,
}

impl Outbox {
    /// An empty outbox.
    pub fn new() -> Self {
        Outbox::default()
    }

    /// Forgets all datagrams, keeping the buffers.
    pub fn clear(&mut self) {
        self.w.clear();
        self.ends.clear();
        self.open = 0;
    }

    /// The writer for the datagram being built; close it with
    /// [`Outbox::end_datagram`].
    pub fn writer(&mut self) -> &mut Writer {
        &mut self.w
    }

    /// Closes the datagram being built (nothing happens if it is empty).
    pub fn end_datagram(&mut self) {
        let end = self.w.len();
        if end > self.open {
            self.ends.push(end);
            self.open = end;
        }
    }

    /// Bytes of the datagram being built so far.
    pub fn open_len(&self) -> usize {
        self.w.len() - self.open
    }

    /// Number of complete datagrams.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there is no complete datagram.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The complete datagrams, in order.
    pub fn datagrams(&self) -> impl Iterator<Item = &[u8]> + '_ {
        let buf = self.w.as_bytes();
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let d = &buf[start..end];
            start = end;
            d
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datagrams_keep_their_boundaries() {
        let mut o = Outbox::new();
        o.writer().put_raw(&[1, 2]);
        o.end_datagram();
        o.end_datagram(); // empty: ignored
        o.writer().put_raw(&[3]);
        o.end_datagram();
        let v: Vec<&[u8]> = o.datagrams().collect();
        assert_eq!(v, vec![&[1u8, 2][..], &[3u8][..]]);
        o.clear();
        assert!(o.is_empty());
    }
}
