//! `SET(TCP)`, `SET(UDP)`, `SET(SCTP)`: `set_tcp`, `set_udp`, `set_sctp`.

use flowtable::Packet;
use genl::Errno;

use super::ipv4::udp_replace;
use crate::csum;
use crate::skb::{clear_hash, ensure, masked, transport, KeyState};

/// The masked new value of the be16 port at `at`.
fn new_port(d: &[u8], at: usize, v: &[u8], m: &[u8]) -> [u8; 2] {
    [masked(d[at], v[0], m[0]), masked(d[at + 1], v[1], m[1])]
}

/// `set_tp_port`: one port with the checksum at `check` updated
/// (`inet_proto_csum_replace2`, no pseudo-header).
fn set_tp_port(d: &mut [u8], at: usize, new: [u8; 2], check: usize) {
    let old = [d[at], d[at + 1]];
    csum::replace_at(d, check, &old, &new);
    d[at..at + 2].copy_from_slice(&new);
}

/// `set_tcp`: ports written when they change, checksum at 16 updated.
pub(super) fn set_tcp(
    pkt: &mut Packet,
    kx: &mut KeyState<'_>,
    v: &[u8],
    m: &[u8],
) -> Result<(), Errno> {
    let th = transport(pkt)?;
    ensure(pkt, th + 20)?;
    let d = &mut pkt.data;
    let src = new_port(d, th, &v[0..2], &m[0..2]);
    if src[..] != d[th..th + 2] {
        set_tp_port(d, th, src, th + 16);
        kx.key.tp_src = src;
    }
    let dst = new_port(d, th + 2, &v[2..4], &m[2..4]);
    if dst[..] != d[th + 2..th + 4] {
        set_tp_port(d, th + 2, dst, th + 16);
        kx.key.tp_dst = dst;
    }
    clear_hash(pkt);
    Ok(())
}

/// `set_udp`: with a checksum, changed ports update it (`CSUM_MANGLED_0`
/// for a zero result); without one (0), both ports are written as is.
pub(super) fn set_udp(
    pkt: &mut Packet,
    kx: &mut KeyState<'_>,
    v: &[u8],
    m: &[u8],
) -> Result<(), Errno> {
    let th = transport(pkt)?;
    ensure(pkt, th + 8)?;
    let d = &mut pkt.data;
    let src = new_port(d, th, &v[0..2], &m[0..2]);
    let dst = new_port(d, th + 2, &v[2..4], &m[2..4]);
    if d[th + 6] != 0 || d[th + 7] != 0 {
        if src[..] != d[th..th + 2] {
            let old = [d[th], d[th + 1]];
            udp_replace(d, th + 6, &old, &src);
            d[th..th + 2].copy_from_slice(&src);
            kx.key.tp_src = src;
        }
        if dst[..] != d[th + 2..th + 4] {
            let old = [d[th + 2], d[th + 3]];
            udp_replace(d, th + 6, &old, &dst);
            d[th + 2..th + 4].copy_from_slice(&dst);
            kx.key.tp_dst = dst;
        }
    } else {
        d[th..th + 2].copy_from_slice(&src);
        d[th + 2..th + 4].copy_from_slice(&dst);
        kx.key.tp_src = src;
        kx.key.tp_dst = dst;
    }
    clear_hash(pkt);
    Ok(())
}

/// `set_sctp`: ports written, the CRC32c recomputed over the whole SCTP
/// packet; a wrong checksum stays wrong by the same difference ("carry any
/// checksum errors through").
pub(super) fn set_sctp(
    pkt: &mut Packet,
    kx: &mut KeyState<'_>,
    v: &[u8],
    m: &[u8],
) -> Result<(), Errno> {
    let th = transport(pkt)?;
    ensure(pkt, th + 12)?;
    let d = &mut pkt.data;
    let old_csum = [d[th + 8], d[th + 9], d[th + 10], d[th + 11]];
    let old_correct = csum::sctp_checksum(&d[th..]);
    let src = new_port(d, th, &v[0..2], &m[0..2]);
    let dst = new_port(d, th + 2, &v[2..4], &m[2..4]);
    d[th..th + 2].copy_from_slice(&src);
    d[th + 2..th + 4].copy_from_slice(&dst);
    let new_csum = csum::sctp_checksum(&d[th..]);
    for i in 0..4 {
        d[th + 8 + i] = old_csum[i] ^ old_correct[i] ^ new_csum[i];
    }
    clear_hash(pkt);
    kx.key.tp_src = src;
    kx.key.tp_dst = dst;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::set::testutil::*;
    use flowtable::FlowKey;

    fn key() -> FlowKey {
        FlowKey::default()
    }

    #[test]
    fn tcp_ports_keep_checksum() {
        let mut t = vec![0u8; 20];
        t[0..4].copy_from_slice(&[0x30, 0x39, 0x00, 0x50]);
        t[12] = 0x50;
        let mut p = ipv4_frame(6, &t);
        p.l4_hash = true;
        let mut k = key();
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        set_tcp(&mut p, &mut kx, &[0x12, 0x34, 0, 0], &[0xff, 0xff, 0, 0]).unwrap();
        assert_eq!(&p.data[34..38], &[0x12, 0x34, 0x00, 0x50]);
        assert!(l4_v4_ok(&p));
        assert_eq!(k.tp_src, [0x12, 0x34]);
        assert_eq!(k.tp_dst, [0, 0]); // unchanged port: key untouched
        assert!(!p.l4_hash);
    }

    #[test]
    fn udp_with_and_without_checksum() {
        let mut p = ipv4_frame(17, &[0, 53, 0, 54, 0, 10, 0, 0, 1, 2]);
        let mut k = key();
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        set_udp(&mut p, &mut kx, &[1, 1, 2, 2], &[0xff; 4]).unwrap();
        assert!(l4_v4_ok(&p));
        assert_eq!((k.tp_src, k.tp_dst), ([1, 1], [2, 2]));
        let mut p = ipv4_frame(17, &[0, 53, 0, 54, 0, 10, 0, 0, 1, 2]);
        p.data[40] = 0;
        p.data[41] = 0;
        let mut k = key();
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        set_udp(&mut p, &mut kx, &[0, 53, 9, 9], &[0, 0, 0xff, 0xff]).unwrap();
        assert_eq!(&p.data[34..42], &[0, 53, 9, 9, 0, 10, 0, 0]);
        assert_eq!((k.tp_src, k.tp_dst), ([0, 53], [9, 9]));
    }

    #[test]
    fn udp_checksum_never_becomes_zero() {
        // find a port rewrite whose update yields 0 and check it reads 0xffff
        let mut hit = false;
        for port in 0..=u16::MAX {
            let mut p = ipv4_frame(17, &[0, 53, 0, 54, 0, 10, 0, 0, 1, 2]);
            let mut k = key();
            let mut kx = KeyState {
                key: &mut k,
                invalid: false,
            };
            let b = port.to_be_bytes();
            set_udp(&mut p, &mut kx, &[b[0], b[1], 0, 0], &[0xff, 0xff, 0, 0]).unwrap();
            assert_ne!(&p.data[40..42], &[0, 0]);
            if p.data[40..42] == [0xff, 0xff] {
                hit = true;
                assert!(l4_v4_ok(&p));
                break;
            }
        }
        assert!(hit);
    }

    #[test]
    fn sctp_crc_recomputed_and_errors_carried() {
        let mut s = vec![0u8; 28];
        s[0..4].copy_from_slice(&[0x0b, 0x59, 0x0b, 0x5a]);
        s[12] = 1;
        let c = csum::sctp_checksum(&s);
        s[8..12].copy_from_slice(&c);
        let mut p = ipv4_frame(132, &s);
        let mut k = key();
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        set_sctp(&mut p, &mut kx, &[0, 0, 0x13, 0x88], &[0, 0, 0xff, 0xff]).unwrap();
        assert_eq!(&p.data[34..38], &[0x0b, 0x59, 0x13, 0x88]);
        assert_eq!(p.data[42..46], csum::sctp_checksum(&p.data[34..]));
        assert_eq!((kx.key.tp_src, kx.key.tp_dst), ([0x0b, 0x59], [0x13, 0x88]));
        // a bad checksum stays bad by the same xor
        p.data[42] ^= 0x5a;
        set_sctp(&mut p, &mut kx, &[1, 2, 0, 0], &[0xff, 0xff, 0, 0]).unwrap();
        let good = csum::sctp_checksum(&p.data[34..]);
        assert_eq!(p.data[42] ^ good[0], 0x5a);
        assert_eq!(p.data[43..46], good[1..]);
    }

    #[test]
    fn short_transport_fails() {
        let mut p = ipv4_frame(6, &[0; 10]);
        let mut k = key();
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        assert_eq!(
            set_tcp(&mut p, &mut kx, &[0; 4], &[0xff; 4]),
            Err(Errno::ENOMEM)
        );
        assert!(set_udp(&mut p, &mut kx, &[0; 4], &[0xff; 4]).is_ok());
        assert!(set_sctp(&mut p, &mut kx, &[0; 4], &[0xff; 4]).is_err());
    }
}
