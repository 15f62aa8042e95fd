//! Header access shared by the parsers: bounds-checked reads from the
//! frame, `check_header`, and the protocol constants extraction uses beyond
//! those of [`crate::matching::attrs`].
//!
//! The frame is linear and complete, so every `pskb_may_pull` of the kernel
//! succeeds exactly when the bytes exist; the only failures left are the
//! explicit `skb->len` checks.

use genl::Errno;

use crate::packet::NO_OFFSET;

/// `ETH_HLEN`: destination, source, EtherType.
pub const ETH_HLEN: usize = 14;
/// `2 * ETH_ALEN`: the two MAC addresses.
pub const ETH_ADDRS_LEN: usize = 12;
/// `VLAN_HLEN`: one 802.1Q/802.1ad tag (TPID + TCI).
pub const VLAN_HLEN: usize = 4;
/// `sizeof(struct icmphdr)` and `sizeof(struct icmp6hdr)`.
pub const ICMP_HLEN: usize = 8;
/// `sizeof(struct ipv6hdr)`.
pub const IPV6_HLEN: usize = 40;
/// `OVS_FRAG_TYPE_NONE`.
pub const OVS_FRAG_TYPE_NONE: u8 = 0;
/// `OVS_FRAG_TYPE_FIRST`.
pub const OVS_FRAG_TYPE_FIRST: u8 = 1;
/// `NEXTHDR_FRAGMENT`: what `ip_proto` holds for a later IPv6 fragment.
pub const NEXTHDR_FRAGMENT: u8 = 44;
/// `NEXTHDR_NONE`: `ip_proto` of an IPv6 packet whose header chain failed.
pub const NEXTHDR_NONE: u8 = 59;

/// `check_header`: `-EINVAL` when the frame is shorter than `len` bytes
/// (its `-ENOMEM` for a failed pull cannot happen on a linear frame).
pub fn check_header(data: &[u8], len: usize) -> Result<(), Errno> {
    if data.len() < len {
        return Err(Errno::EINVAL);
    }
    Ok(())
}

/// The big-endian u16 at `at`; the caller has checked the bounds.
pub fn be16(data: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([data[at], data[at + 1]])
}

/// The `N` bytes at `at`; the caller has checked the bounds.
pub fn bytes<const N: usize>(data: &[u8], at: usize) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&data[at..at + N]);
    out
}

/// An offset into the frame as [`crate::Packet`] keeps it (frames are at
/// most 65535 bytes; anything beyond reads as [`NO_OFFSET`]).
pub fn offset(at: usize) -> u16 {
    u16::try_from(at).unwrap_or(NO_OFFSET)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_header_is_einval_when_short() {
        assert_eq!(check_header(&[0; 13], ETH_HLEN), Err(Errno::EINVAL));
        assert_eq!(check_header(&[0; 14], ETH_HLEN), Ok(()));
    }

    #[test]
    fn reads_are_big_endian() {
        let d = [0x12, 0x34, 0x56];
        assert_eq!(be16(&d, 1), 0x3456);
        assert_eq!(bytes::<2>(&d, 0), [0x12, 0x34]);
        assert_eq!(offset(70_000), NO_OFFSET);
        assert_eq!(offset(14), 14);
    }
}
