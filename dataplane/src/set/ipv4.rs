//! `SET(IPV4)`: `set_ipv4` with its checksum updates.

use flowtable::Packet;
use genl::Errno;

use super::masked_bytes;
use crate::csum;
use crate::skb::{be16, clear_hash, ensure, network, off, KeyState};

/// `IPPROTO_TCP`.
const TCP: u8 = 6;
/// `IPPROTO_UDP`.
const UDP: u8 = 17;

/// `set_ipv4`: `ovs_key_ipv4` is src 0..4, dst 4..8, proto 8, tos 9, ttl
/// 10, frag 11. Addresses are written only when they change (with the L4
/// pseudo-header and IP header checksums), tos and ttl when masked in.
pub(super) fn set_ipv4(
    pkt: &mut Packet,
    kx: &mut KeyState<'_>,
    v: &[u8],
    m: &[u8],
) -> Result<(), Errno> {
    let nh = network(pkt)?;
    ensure(pkt, nh + 20)?;
    if m[0..4] != [0; 4] {
        let new: [u8; 4] = masked_bytes(&pkt.data[nh + 12..nh + 16], &v[0..4], &m[0..4]);
        if new[..] != pkt.data[nh + 12..nh + 16] {
            set_ip_addr(pkt, nh, nh + 12, new);
            kx.key.ipv4_src = new;
        }
    }
    if m[4..8] != [0; 4] {
        let new: [u8; 4] = masked_bytes(&pkt.data[nh + 16..nh + 20], &v[4..8], &m[4..8]);
        if new[..] != pkt.data[nh + 16..nh + 20] {
            set_ip_addr(pkt, nh, nh + 16, new);
            kx.key.ipv4_dst = new;
        }
    }
    if m[9] != 0 {
        ipv4_change_dsfield(&mut pkt.data[nh..nh + 20], !m[9], v[9]);
        kx.key.ip_tos = pkt.data[nh + 1];
    }
    if m[10] != 0 {
        // set_ip_ttl
        let old = pkt.data[nh + 8];
        let new = crate::skb::masked(old, v[10], m[10]);
        csum::replace_at(&mut pkt.data, nh + 10, &[old, 0], &[new, 0]);
        pkt.data[nh + 8] = new;
        kx.key.ip_ttl = new;
    }
    Ok(())
}

/// `set_ip_addr`: the address at `at` becomes `new`, with the transport
/// checksum (`update_ip_l4_checksum`) and the header checksum updated and
/// the packet hash cleared.
fn set_ip_addr(pkt: &mut Packet, nh: usize, at: usize, new: [u8; 4]) {
    let old: [u8; 4] = pkt.data[at..at + 4].try_into().expect("4 bytes");
    update_ip_l4_checksum(pkt, nh, &old, &new);
    csum::replace_at(&mut pkt.data, nh + 10, &old, &new);
    clear_hash(pkt);
    pkt.data[at..at + 4].copy_from_slice(&new);
}

/// `update_ip_l4_checksum`: TCP and UDP pseudo-header updates; not for
/// non-first fragments; a zero UDP checksum (none) stays zero, an update
/// that yields zero is written as 0xffff (`CSUM_MANGLED_0`).
fn update_ip_l4_checksum(pkt: &mut Packet, nh: usize, old: &[u8], new: &[u8]) {
    if be16(&pkt.data, nh + 6) & 0x1fff != 0 {
        return;
    }
    let Some(th) = off(pkt.transport).filter(|&t| t <= pkt.data.len()) else {
        return;
    };
    let tlen = pkt.data.len() - th;
    match pkt.data[nh + 9] {
        TCP if tlen >= 20 => csum::replace_at(&mut pkt.data, th + 16, old, new),
        UDP if tlen >= 8 => udp_replace(&mut pkt.data, th + 6, old, new),
        _ => {}
    }
}

/// The UDP checksum rule shared with IPv6 and `set_udp`: only a non-zero
/// checksum is updated, and a result of 0 becomes `CSUM_MANGLED_0`.
pub(super) fn udp_replace(d: &mut [u8], at: usize, old: &[u8], new: &[u8]) {
    if d[at] == 0 && d[at + 1] == 0 {
        return;
    }
    csum::replace_at(d, at, old, new);
    if d[at] == 0 && d[at + 1] == 0 {
        d[at] = 0xff;
        d[at + 1] = 0xff;
    }
}

/// `ipv4_change_dsfield` (include/net/dsfield.h), its own checksum
/// arithmetic included: tos = (tos & mask) | value.
fn ipv4_change_dsfield(h: &mut [u8], mask: u8, value: u8) {
    let mut check = be16(h, 10) as u32;
    let dsfield = (h[1] & mask) | value;
    check += h[1] as u32;
    if (check + 1) >> 16 != 0 {
        check = (check + 1) & 0xffff;
    }
    check = check.wrapping_sub(dsfield as u32);
    check = check.wrapping_add(check >> 16);
    h[10..12].copy_from_slice(&(check as u16).to_be_bytes());
    h[1] = dsfield;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::set::testutil::*;
    use flowtable::FlowKey;

    fn tcp() -> Vec<u8> {
        let mut t = vec![0u8; 20];
        t[0..4].copy_from_slice(&[0x30, 0x39, 0x00, 0x50]);
        t[12] = 0x50;
        t.extend_from_slice(b"payload!");
        t
    }

    fn run(p: &mut Packet, v: &[u8; 12], m: &[u8; 12]) -> FlowKey {
        let mut k = FlowKey::default();
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        set_ipv4(p, &mut kx, v, m).unwrap();
        k
    }

    #[test]
    fn src_dst_rewrite_keeps_ip_and_tcp_checksums() {
        let mut p = ipv4_frame(6, &tcp());
        p.hash = 9;
        p.sw_hash = true;
        let v = [192, 168, 1, 1, 172, 16, 0, 9, 0, 0, 0, 0];
        let m = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0, 0, 0, 0];
        let k = run(&mut p, &v, &m);
        assert_eq!(&p.data[26..34], &[192, 168, 1, 1, 172, 16, 0, 9]);
        assert_eq!(k.ipv4_src, [192, 168, 1, 1]);
        assert_eq!(k.ipv4_dst, [172, 16, 0, 9]);
        assert!(ipv4_ok(&p));
        assert!(l4_v4_ok(&p));
        assert_eq!((p.hash, p.sw_hash), (0, false));
    }

    #[test]
    fn udp_zero_checksum_stays_zero_and_nonzero_is_updated() {
        let mut p = ipv4_frame(17, &[0, 53, 0, 54, 0, 12, 0, 0, 1, 2, 3, 4]);
        assert!(l4_v4_ok(&p));
        let v = [1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0];
        let m = [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0];
        run(&mut p, &v, &m);
        assert!(ipv4_ok(&p));
        assert!(l4_v4_ok(&p));
        // no checksum: untouched
        let mut p = ipv4_frame(17, &[0, 53, 0, 54, 0, 12, 0, 0, 1, 2, 3, 4]);
        p.data[40] = 0;
        p.data[41] = 0;
        run(&mut p, &v, &m);
        assert_eq!(&p.data[40..42], &[0, 0]);
        assert!(ipv4_ok(&p));
    }

    #[test]
    fn fragments_skip_l4_and_unchanged_addresses_do_nothing() {
        let mut p = ipv4_frame(6, &tcp());
        p.data[20] = 0x00;
        p.data[21] = 0x10; // fragment offset 16
        fix_ipv4(&mut p);
        let before_tcp = p.data[50..52].to_vec();
        let v = [9, 9, 9, 9, 0, 0, 0, 0, 0, 0, 0, 0];
        let m = [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0];
        run(&mut p, &v, &m);
        assert_eq!(p.data[50..52], before_tcp[..]);
        assert!(ipv4_ok(&p));
        // writing the same address leaves the hash alone
        let mut p = ipv4_frame(6, &tcp());
        p.hash = 5;
        let v = [10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        run(&mut p, &v, &m);
        assert_eq!(p.hash, 5);
    }

    #[test]
    fn tos_and_ttl_with_header_checksum() {
        for (tos, tmask, ttl) in [(0xb8u8, 0xfcu8, 1u8), (0x00, 0xff, 255), (0x03, 0x03, 0)] {
            let mut p = ipv4_frame(6, &tcp());
            let v = [0, 0, 0, 0, 0, 0, 0, 0, 0, tos, ttl, 0];
            let m = [0, 0, 0, 0, 0, 0, 0, 0, 0, tmask, 0xff, 0];
            let k = run(&mut p, &v, &m);
            assert_eq!(p.data[15], (0x10 & !tmask) | tos);
            assert_eq!(p.data[22], ttl);
            assert_eq!((k.ip_tos, k.ip_ttl), (p.data[15], ttl));
            assert!(ipv4_ok(&p), "tos {tos:#x} ttl {ttl}");
        }
        // the dsfield arithmetic against every tos value and several sums
        for check in [0u16, 1, 0x00ff, 0x8000, 0xfffe, 0xffff] {
            for tos in 0..=255u8 {
                let mut h = [
                    0x45, 0x10, 0, 20, 0, 0, 0, 0, 64, 6, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8,
                ];
                // pick the id so the header sums to `check`
                let c = crate::csum::checksum(&h);
                let id = crate::csum::fold(c as u64 + (!check) as u64);
                h[4..6].copy_from_slice(&id.to_be_bytes());
                let c = crate::csum::checksum(&h);
                h[10..12].copy_from_slice(&c.to_be_bytes());
                ipv4_change_dsfield(&mut h, 0, tos);
                assert_eq!(crate::csum::checksum(&h), 0, "tos {tos}");
            }
        }
    }

    #[test]
    fn short_or_headerless_packets_fail() {
        let mut p = ipv4_frame(6, &tcp());
        p.data.truncate(30);
        let mut k = FlowKey::default();
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        let v = [0u8; 12];
        let m = [0xffu8; 12];
        assert_eq!(set_ipv4(&mut p, &mut kx, &v, &m), Err(Errno::ENOMEM));
        p.network = flowtable::packet::NO_OFFSET;
        assert_eq!(set_ipv4(&mut p, &mut kx, &v, &m), Err(Errno::ENOMEM));
    }
}
