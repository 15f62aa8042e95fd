//! `SET(IPV6)`: `set_ipv6` with the transport checksum updates and the
//! routing-header rule.

use flowtable::Packet;
use genl::Errno;

use super::ipv4::udp_replace;
use super::masked_bytes;
use crate::csum;
use crate::skb::{clear_hash, ensure, masked, network, off, KeyState};

/// `NEXTHDR_TCP`.
const TCP: u8 = 6;
/// `NEXTHDR_UDP`.
const UDP: u8 = 17;
/// `NEXTHDR_ROUTING`.
const ROUTING: u8 = 43;
/// `NEXTHDR_FRAGMENT`.
const FRAGMENT: u8 = 44;
/// `NEXTHDR_AUTH`.
const AUTH: u8 = 51;
/// `NEXTHDR_ICMP` (ICMPv6).
const ICMP: u8 = 58;
/// `NEXTHDR_NONE`.
const NONE: u8 = 59;

/// `set_ipv6`: `ovs_key_ipv6` is src 0..16, dst 16..32, label 32..36
/// (be32), proto 36, tclass 37, hlimit 38, frag 39.
pub(super) fn set_ipv6(
    pkt: &mut Packet,
    kx: &mut KeyState<'_>,
    v: &[u8],
    m: &[u8],
) -> Result<(), Errno> {
    let nh = network(pkt)?;
    ensure(pkt, nh + 40)?;
    let l4_proto = kx.key.ip_proto;
    if m[0..16].iter().any(|&b| b != 0) {
        let new: [u8; 16] = masked_bytes(&pkt.data[nh + 8..nh + 24], &v[0..16], &m[0..16]);
        if new[..] != pkt.data[nh + 8..nh + 24] {
            set_ipv6_addr(pkt, l4_proto, nh + 8, &new, true);
            kx.key.ipv6_src = new;
        }
    }
    if m[16..32].iter().any(|&b| b != 0) {
        let new: [u8; 16] = masked_bytes(&pkt.data[nh + 24..nh + 40], &v[16..32], &m[16..32]);
        if new[..] != pkt.data[nh + 24..nh + 40] {
            // The destination is in the checksum only when no routing
            // header with segments left will replace it.
            let recalc = !ipv6_ext_hdr(pkt.data[nh + 6]) || !has_routing_header(&pkt.data, nh);
            set_ipv6_addr(pkt, l4_proto, nh + 24, &new, recalc);
            kx.key.ipv6_dst = new;
        }
    }
    let d = &mut pkt.data;
    if m[37] != 0 {
        // set_ipv6_dsfield, then ipv6_change_dsfield(nh, ~mask, new)
        let word = u16::from_be_bytes([d[nh], d[nh + 1]]);
        let old = (word >> 4) as u8;
        let new = masked(old, v[37], m[37]);
        let keep = (((!m[37]) as u16) << 4) | 0xf00f;
        let w = (word & keep) | ((new as u16) << 4);
        d[nh..nh + 2].copy_from_slice(&w.to_be_bytes());
        kx.key.ip_tos = (u16::from_be_bytes([d[nh], d[nh + 1]]) >> 4) as u8;
    }
    if m[32..36] != [0; 4] {
        // set_ipv6_fl: the 24 bits after the version/tclass nibble; the
        // mask never covers the top 4 so the tclass nibble is kept.
        let ofl = u32::from_be_bytes([0, d[nh + 1], d[nh + 2], d[nh + 3]]);
        let fl = u32::from_be_bytes([v[32], v[33], v[34], v[35]]);
        let mask = u32::from_be_bytes([m[32], m[33], m[34], m[35]]);
        let fl = (fl & mask) | (ofl & !mask);
        d[nh + 1] = (fl >> 16) as u8;
        d[nh + 2] = (fl >> 8) as u8;
        d[nh + 3] = fl as u8;
        let label = u32::from_be_bytes([d[nh], d[nh + 1], d[nh + 2], d[nh + 3]]) & 0x000f_ffff;
        kx.key.ipv6_label = label.to_be_bytes();
    }
    if m[38] != 0 {
        // set_ipv6_ttl
        d[nh + 7] = masked(d[nh + 7], v[38], m[38]);
        kx.key.ip_ttl = d[nh + 7];
    }
    Ok(())
}

/// `set_ipv6_addr`: writes the address at `at`, updating the transport
/// checksum when `recalc` (`update_ipv6_checksum`), clearing the hash.
fn set_ipv6_addr(pkt: &mut Packet, l4_proto: u8, at: usize, new: &[u8; 16], recalc: bool) {
    if recalc {
        update_ipv6_checksum(pkt, l4_proto, at, new);
    }
    clear_hash(pkt);
    pkt.data[at..at + 16].copy_from_slice(new);
}

/// `update_ipv6_checksum`: TCP, UDP (zero-checksum rule) and ICMPv6, by the
/// key's transport protocol; nothing for fragments.
fn update_ipv6_checksum(pkt: &mut Packet, l4_proto: u8, at: usize, new: &[u8; 16]) {
    if l4_proto == FRAGMENT {
        return;
    }
    let Some(th) = off(pkt.transport).filter(|&t| t <= pkt.data.len()) else {
        return;
    };
    let tlen = pkt.data.len() - th;
    let old: [u8; 16] = pkt.data[at..at + 16].try_into().expect("16 bytes");
    match l4_proto {
        TCP if tlen >= 20 => csum::replace_at(&mut pkt.data, th + 16, &old, new),
        UDP if tlen >= 8 => udp_replace(&mut pkt.data, th + 6, &old, new),
        ICMP if tlen >= 8 => csum::replace_at(&mut pkt.data, th + 2, &old, new),
        _ => {}
    }
}

/// `ipv6_ext_hdr`.
fn ipv6_ext_hdr(nexthdr: u8) -> bool {
    matches!(nexthdr, 0 | ROUTING | FRAGMENT | AUTH | NONE | 60)
}

/// `ipv6_find_hdr(skb, &0, NEXTHDR_ROUTING, NULL, IP6_FH_F_SKIP_RH) ==
/// NEXTHDR_ROUTING`: a routing header with segments left is present
/// (errors count as "not found").
fn has_routing_header(d: &[u8], nh: usize) -> bool {
    let mut start = nh + 40;
    let mut nexthdr = d[nh + 6];
    loop {
        let mut found = nexthdr == ROUTING;
        if !ipv6_ext_hdr(nexthdr) || nexthdr == NONE {
            return found;
        }
        if start + 2 > d.len() {
            return false;
        }
        if nexthdr == ROUTING {
            if start + 4 > d.len() {
                return false;
            }
            if d[start + 3] == 0 {
                found = false; // segments_left == 0 with IP6_FH_F_SKIP_RH
            }
        }
        let hdrlen = if nexthdr == FRAGMENT {
            if start + 4 > d.len() {
                return false;
            }
            if u16::from_be_bytes([d[start + 2], d[start + 3]]) & !7 != 0 {
                return found;
            }
            8
        } else if nexthdr == AUTH {
            (d[start + 1] as usize + 2) << 2
        } else {
            (d[start + 1] as usize + 1) << 3
        };
        if found {
            return true;
        }
        if d.len() - start < hdrlen {
            return false;
        }
        nexthdr = d[start];
        start += hdrlen;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::set::testutil::*;
    use flowtable::FlowKey;

    fn run(p: &mut Packet, proto: u8, v: &[u8; 40], m: &[u8; 40]) -> FlowKey {
        let mut k = FlowKey {
            ip_proto: proto,
            ..FlowKey::default()
        };
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        set_ipv6(p, &mut kx, v, m).unwrap();
        k
    }

    fn addrs(src: u8, dst: u8) -> ([u8; 40], [u8; 40]) {
        let mut v = [0u8; 40];
        let mut m = [0u8; 40];
        v[0..16].fill(src);
        v[16..32].fill(dst);
        m[0..32].fill(0xff);
        (v, m)
    }

    #[test]
    fn addresses_update_tcp_udp_icmpv6_checksums() {
        let mut tcp = vec![0u8; 20];
        tcp[0..4].copy_from_slice(&[0, 80, 0x1f, 0x90]);
        tcp[12] = 0x50;
        for (proto, l4) in [
            (6u8, tcp),
            (17, vec![0, 53, 0, 54, 0, 10, 0, 0, 9, 9]),
            (58, vec![128, 0, 0, 0, 0, 1, 0, 1, 7, 7]),
        ] {
            let mut p = ipv6_frame(proto, &[], proto, &l4);
            assert!(l4_v6_ok(&p, proto));
            let (v, m) = addrs(0xfe, 0x01);
            let k = run(&mut p, proto, &v, &m);
            assert_eq!(&p.data[22..38], &[0xfe; 16]);
            assert_eq!(k.ipv6_dst, [0x01; 16]);
            assert!(l4_v6_ok(&p, proto), "proto {proto}");
        }
    }

    #[test]
    fn routing_header_with_segments_left_skips_dst_checksum() {
        let l4 = vec![0, 53, 0, 54, 0, 10, 0, 0, 9, 9];
        // routing header: next UDP, len 0 (8 bytes), type 0, segments left 1
        let rh = [17, 0, 0, 1, 0, 0, 0, 0];
        let mut p = ipv6_frame(ROUTING, &rh, 17, &l4);
        let before = p.data[p.transport as usize + 6..p.transport as usize + 8].to_vec();
        let (mut v, mut m) = addrs(0, 0x77);
        m[0..16].fill(0);
        v[0..16].fill(0);
        run(&mut p, 17, &v, &m);
        let th = p.transport as usize;
        assert_eq!(p.data[th + 6..th + 8], before[..]);
        assert_eq!(&p.data[38..54], &[0x77; 16]);
        // segments left 0: the checksum is updated
        let rh = [17, 0, 0, 0, 0, 0, 0, 0];
        let mut p = ipv6_frame(ROUTING, &rh, 17, &l4);
        run(&mut p, 17, &v, &m);
        assert!(l4_v6_ok(&p, 17));
        // a hop-by-hop header before: still found / skipped correctly
        let ext = [ROUTING, 0, 1, 4, 0, 0, 0, 0, 17, 0, 0, 0, 0, 0, 0, 0];
        let p = ipv6_frame(0, &ext, 17, &l4);
        assert!(!has_routing_header(&p.data, 14));
        let ext = [ROUTING, 0, 1, 4, 0, 0, 0, 0, 17, 0, 0, 2, 0, 0, 0, 0];
        let p = ipv6_frame(0, &ext, 17, &l4);
        assert!(has_routing_header(&p.data, 14));
        // truncated extension chain: not found, no panic
        let mut p = ipv6_frame(0, &ext, 17, &l4);
        p.data.truncate(56);
        assert!(!has_routing_header(&p.data, 14));
    }

    #[test]
    fn tclass_label_hlimit() {
        let mut p = ipv6_frame(59, &[], 59, &[]);
        // header starts 6a b1 23 45: tclass 0xab, label 0x12345
        let mut v = [0u8; 40];
        let mut m = [0u8; 40];
        v[37] = 0x50;
        m[37] = 0xf0;
        v[32..36].copy_from_slice(&0x000f_0001u32.to_be_bytes());
        m[32..36].copy_from_slice(&0x000f_00ffu32.to_be_bytes());
        v[38] = 3;
        m[38] = 0xff;
        let k = run(&mut p, 59, &v, &m);
        // tclass 0x5b, label 0xf2301
        assert_eq!(&p.data[14..18], &[0x65, 0xbf, 0x23, 0x01]);
        assert_eq!(k.ip_tos, 0x5b);
        assert_eq!(k.ipv6_label, 0x000f_2301u32.to_be_bytes());
        assert_eq!((p.data[21], k.ip_ttl), (3, 3));
    }

    #[test]
    fn fragment_protocol_skips_checksum() {
        let l4 = vec![0, 53, 0, 54, 0, 10, 0x12, 0x34, 9, 9];
        let mut p = ipv6_frame(17, &[], 17, &l4);
        let th = p.transport as usize;
        let before = p.data[th + 6..th + 8].to_vec();
        let (v, m) = addrs(5, 6);
        run(&mut p, FRAGMENT, &v, &m);
        assert_eq!(p.data[th + 6..th + 8], before[..]);
        assert_eq!(&p.data[22..38], &[5; 16]);
    }
}
