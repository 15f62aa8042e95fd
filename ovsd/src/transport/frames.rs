//! The fixed-size frames of `docs/protocol.md`: the setup message on the data
//! channel and the 16-byte control frames.

/// Magic of the setup message ("OVSD").
pub const SETUP_MAGIC: u32 = 0x4F56_5344;
/// Protocol version of the setup message.
pub const SETUP_VERSION: u32 = 1;
/// Size of the setup message and of every control frame.
pub const FRAME_LEN: usize = 16;

/// `HELLO{a = autobind port id}` (ovsd → client).
pub const OP_HELLO: u32 = 1;
/// `DONE{a = flags}` (ovsd → client): every reply to one datagram is queued.
pub const OP_DONE: u32 = 2;
/// `BINDRES{a = port id, b = errno}` (ovsd → client).
pub const OP_BINDRES: u32 = 3;
/// `OPTRES{a = errno}` (ovsd → client).
pub const OP_OPTRES: u32 = 4;
/// `BIND{a = port id, b = groups}` (client → ovsd).
pub const OP_BIND: u32 = 16;
/// `SETGROUPS{a = groups}` (client → ovsd).
pub const OP_SETGROUPS: u32 = 17;
/// `SOCKOPT{a = option, b = value}` (client → ovsd).
pub const OP_SOCKOPT: u32 = 18;

/// Setup `sock_type` of an admin connection: ovsd writes one JSON document
/// (its lock instrumentation) on the data channel and closes.
pub const SOCK_ADMIN: u32 = 0x4144_4d4e;

/// `DONE` flag: a dump is still running on this socket.
pub const DONE_F_DUMP: u32 = 1;

/// A control frame `{op, a, b, c}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame {
    /// Operation.
    pub op: u32,
    /// First argument.
    pub a: u32,
    /// Second argument.
    pub b: u32,
    /// Third argument (unused, zero).
    pub c: u32,
}

impl Frame {
    /// A frame with two arguments.
    pub fn new(op: u32, a: u32, b: u32) -> Frame {
        Frame { op, a, b, c: 0 }
    }

    /// The 16 host-order bytes.
    pub fn encode(&self) -> [u8; FRAME_LEN] {
        let mut b = [0u8; FRAME_LEN];
        for (i, v) in [self.op, self.a, self.b, self.c].iter().enumerate() {
            b[i * 4..i * 4 + 4].copy_from_slice(&v.to_ne_bytes());
        }
        b
    }

    /// Reads a frame; anything but exactly 16 bytes is not one.
    pub fn decode(b: &[u8]) -> Option<Frame> {
        if b.len() != FRAME_LEN {
            return None;
        }
        let w = |i: usize| u32::from_ne_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        Some(Frame {
            op: w(0),
            a: w(4),
            b: w(8),
            c: w(12),
        })
    }
}

/// The setup message `{magic, version, sock_type, 0}`.
pub fn setup_message(sock_type: u32) -> [u8; FRAME_LEN] {
    Frame {
        op: SETUP_MAGIC,
        a: SETUP_VERSION,
        b: sock_type,
        c: 0,
    }
    .encode()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip() {
        let f = Frame::new(OP_BIND, 1234, 5);
        assert_eq!(Frame::decode(&f.encode()), Some(f));
        assert_eq!(Frame::decode(&[0u8; 15]), None);
        let s = Frame::decode(&setup_message(3)).unwrap();
        assert_eq!((s.op, s.a, s.b), (SETUP_MAGIC, 1, 3));
    }
}
