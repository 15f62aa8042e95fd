//! The client ↔ ovsd protocol of `docs/protocol.md`: control-channel frames
//! and the setup message (pure encoding; no I/O). The daemon
//! (`ovsd::transport`) and the LD_PRELOAD library (`tools/preload`) both use
//! this one definition.

/// Magic of the setup message: "OVSD".
pub const MAGIC: u32 = 0x4F56_5344;
/// Protocol version carried by the setup message.
pub const VERSION: u32 = 1;
/// Size of a control frame and of the setup message.
pub const FRAME_LEN: usize = 16;

/// ovsd → client: answer to the setup message, `a` = autobind port id.
pub const OP_HELLO: u32 = 1;
/// ovsd → client: every reply to the oldest unanswered datagram is queued.
pub const OP_DONE: u32 = 2;
/// ovsd → client: answer to `BIND`, `a` = port id, `b` = errno.
pub const OP_BINDRES: u32 = 3;
/// ovsd → client: answer to `SETGROUPS`/`SOCKOPT`, `a` = errno.
pub const OP_OPTRES: u32 = 4;
/// client → ovsd: bind to port id `a` with legacy groups `b`.
pub const OP_BIND: u32 = 16;
/// client → ovsd: set legacy groups `a` (and bind to the autobind id).
pub const OP_SETGROUPS: u32 = 17;
/// client → ovsd: `setsockopt(SOL_NETLINK, a, b)`.
pub const OP_SOCKOPT: u32 = 18;

/// `SOCKOPT` option number (outside `SOL_NETLINK`'s) carrying the socket's
/// receive buffer size in bytes (`sk_rcvbuf`, as `getsockopt(SO_RCVBUF)`
/// reports it after a `SO_RCVBUF`/`SO_RCVBUFFORCE`): datagrams ovsd would
/// queue beyond it are dropped and reported with the overrun marker.
pub const SOCKOPT_RCVBUF: u32 = 0x1_0008;

/// Setup `sock_type` of an admin connection: ovsd writes one JSON document
/// (its lock instrumentation) on the data channel and closes.
pub const SOCK_ADMIN: u32 = 0x4144_4d4e;

/// `DONE` flag: a dump is in progress on this socket after this datagram.
pub const DONE_F_DUMP: u32 = 1;

/// The data-channel datagram that stands for "datagrams for you were
/// dropped" (`netlink_overrun`): a 16-byte netlink header with type 0
/// (never used by netlink), sequence `MAGIC` and port id `u32::MAX`. A client
/// turns it into one `ENOBUFS` from its next receive call and does not
/// return it as data.
pub fn overrun_marker() -> [u8; FRAME_LEN] {
    words([FRAME_LEN as u32, 0, MAGIC, u32::MAX])
}

/// True when `datagram` is the [`overrun_marker`].
pub fn is_overrun_marker(datagram: &[u8]) -> bool {
    datagram == overrun_marker()
}

/// One control frame: four host-order u32 `{op, a, b, c}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame {
    /// Operation code (`OP_*`).
    pub op: u32,
    /// First argument.
    pub a: u32,
    /// Second argument.
    pub b: u32,
    /// Third argument (unused so far, always 0).
    pub c: u32,
}

impl Frame {
    /// A frame with `op`, `a`, `b` and `c = 0`.
    pub fn new(op: u32, a: u32, b: u32) -> Frame {
        Frame { op, a, b, c: 0 }
    }

    /// The 16 wire bytes of this frame.
    pub fn encode(&self) -> [u8; FRAME_LEN] {
        words([self.op, self.a, self.b, self.c])
    }

    /// Parses a received datagram; `None` unless it is exactly 16 bytes.
    pub fn decode(buf: &[u8]) -> Option<Frame> {
        if buf.len() != FRAME_LEN {
            return None;
        }
        let w = |i: usize| u32::from_ne_bytes([buf[i], buf[i + 1], buf[i + 2], buf[i + 3]]);
        Some(Frame {
            op: w(0),
            a: w(4),
            b: w(8),
            c: w(12),
        })
    }
}

/// The setup message `{MAGIC, VERSION, sock_type, 0}`.
pub fn setup_message(sock_type: u32) -> [u8; FRAME_LEN] {
    words([MAGIC, VERSION, sock_type, 0])
}

/// Four host-order u32 as bytes.
fn words(w: [u32; 4]) -> [u8; FRAME_LEN] {
    let mut out = [0u8; FRAME_LEN];
    for (chunk, v) in out.chunks_exact_mut(4).zip(w) {
        chunk.copy_from_slice(&v.to_ne_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrun_marker_is_a_header_netlink_never_sends() {
        let m = overrun_marker();
        assert_eq!(u32::from_ne_bytes(m[..4].try_into().unwrap()), 16);
        assert_eq!(u16::from_ne_bytes([m[4], m[5]]), 0);
        assert!(is_overrun_marker(&m));
        assert!(!is_overrun_marker(&m[..12]));
    }

    #[test]
    fn roundtrip() {
        let f = Frame::new(OP_BIND, 0x1234_5678, 5);
        let b = f.encode();
        assert_eq!(&b[..4], &OP_BIND.to_ne_bytes());
        assert_eq!(Frame::decode(&b), Some(f));
    }

    #[test]
    fn decode_rejects_wrong_length() {
        assert_eq!(Frame::decode(&[0; 15]), None);
        assert_eq!(Frame::decode(&[0; 17]), None);
    }

    #[test]
    fn setup_layout() {
        let m = setup_message(2 /* SOCK_DGRAM */);
        assert_eq!(&m[..4], &0x4F56_5344u32.to_ne_bytes());
        assert_eq!(&m[4..8], &1u32.to_ne_bytes());
        assert_eq!(&m[8..12], &2u32.to_ne_bytes());
        assert_eq!(&m[12..], &[0; 4]);
    }
}
