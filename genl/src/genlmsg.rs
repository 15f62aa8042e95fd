//! `struct genlmsghdr`: command, version, reserved.

/// Size of `struct genlmsghdr` (`GENL_HDRLEN`).
pub const GENL_HDRLEN: usize = 4;

/// A checked view of the 4-byte generic netlink header at the start of a
/// message payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GenlHdr {
    /// `cmd`.
    pub cmd: u8,
    /// `version`.
    pub version: u8,
    /// `reserved`.
    pub reserved: u16,
}

impl GenlHdr {
    /// Reads the header from the start of `payload`, if it is long enough.
    pub fn parse(payload: &[u8]) -> Option<GenlHdr> {
        let b = payload.get(..GENL_HDRLEN)?;
        Some(GenlHdr {
            cmd: b[0],
            version: b[1],
            reserved: u16::from_ne_bytes([b[2], b[3]]),
        })
    }
}
