//! `HASH`: `execute_hash`, with a packet hash in the role of the kernel's
//! flow-dissector hash (`skb_get_hash`, `__skb_get_hash_symmetric`).
//!
//! The kernel hashes the dissected flow keys with siphash and a per-boot
//! random key, so its values cannot be reproduced; this hash is a jhash2
//! with a fixed seed over the same fields (EtherType, IP protocol,
//! addresses, ports, or the IPv6 flow label when non-zero, as
//! `FLOW_DISSECTOR_F_STOP_AT_FLOW_LABEL`), ordered as
//! `__flow_hash_consistentify` orders them (so it is symmetric, as the
//! kernel's is), never 0.

use flowtable::{FlowKey, Packet};

use crate::skb::{be16, off};

/// `OVS_HASH_ALG_L4`.
pub(crate) const ALG_L4: u32 = 0;
/// `OVS_HASH_ALG_SYM_L4`.
pub(crate) const ALG_SYM_L4: u32 = 1;
/// The fixed seed standing for the kernel's `hashrnd`.
const SEED: u32 = 0x5eed_0f05;

/// `execute_hash`: `key.dp_hash` = `jhash_1word(packet hash, basis)`, 1
/// instead of 0. Unknown algorithms hash 0.
pub(crate) fn execute_hash(pkt: &mut Packet, key: &mut FlowKey, alg: u32, basis: u32) {
    let h = match alg {
        ALG_L4 => skb_get_hash(pkt),
        ALG_SYM_L4 => flow_hash(pkt).0,
        _ => 0,
    };
    let mut h = jhash_1word(h, basis);
    if h == 0 {
        h = 1;
    }
    key.dp_hash = h.to_ne_bytes();
}

/// `skb_get_hash`: the packet's hash, computed and stored as a software
/// hash (`__skb_set_sw_hash`) unless it already has an L4 or software one.
pub(crate) fn skb_get_hash(pkt: &mut Packet) -> u32 {
    if !pkt.l4_hash && !pkt.sw_hash {
        let (h, l4) = flow_hash(pkt);
        pkt.hash = h;
        pkt.sw_hash = true;
        pkt.l4_hash = l4;
    }
    pkt.hash
}

/// `__flow_hash_from_keys` over the dissected packet: (hash, covers L4).
fn flow_hash(pkt: &Packet) -> (u32, bool) {
    let mut w = [0u32; 11];
    w[0] = pkt.protocol as u32;
    let (n, l4) = dissect(pkt, &mut w);
    let h = jhash2(&w[..n], SEED);
    (if h == 0 { 1 } else { h }, l4)
}

/// Fills `w` (after the EtherType in `w[0]`) with protocol, ordered
/// addresses and ordered ports or the flow label. Returns the number of
/// words to hash and whether ports or a label were found
/// (`flow_keys_have_l4`).
fn dissect(pkt: &Packet, w: &mut [u32; 11]) -> (usize, bool) {
    let d = &pkt.data;
    let nh = off(pkt.network).unwrap_or(pkt.mac_len as usize);
    let word = |at: usize| u32::from_be_bytes([d[at], d[at + 1], d[at + 2], d[at + 3]]);
    let (proto, th, n) = match pkt.protocol {
        0x0800 if nh + 20 <= d.len() => {
            let ihl = (d[nh] & 0x0f) as usize * 4;
            let (a, b) = (word(nh + 12), word(nh + 16));
            let (a, b) = if b < a { (b, a) } else { (a, b) };
            w[2] = a;
            w[3] = b;
            let frag = be16(d, nh + 6) & 0x3fff != 0;
            let th = (ihl >= 20 && !frag).then_some(nh + ihl);
            (d[nh + 9], th, 4)
        }
        0x86dd if nh + 40 <= d.len() => {
            let (src, dst) = (&d[nh + 8..nh + 24], &d[nh + 24..nh + 40]);
            let (a, b) = if dst < src { (dst, src) } else { (src, dst) };
            for i in 0..4 {
                w[2 + i] = word_of(a, i);
                w[6 + i] = word_of(b, i);
            }
            let label = word(nh) & 0x000f_ffff;
            if label != 0 {
                w[1] = d[nh + 6] as u32;
                w[10] = label;
                return (11, true);
            }
            let (proto, th) = skip_ipv6_ext(d, nh + 40, d[nh + 6]);
            (proto, th, 10)
        }
        _ => return (1, false),
    };
    w[1] = proto as u32;
    match th.filter(|&t| t + 4 <= d.len()) {
        Some(th) if matches!(proto, 6 | 17 | 33 | 132 | 136) => {
            let (s, t) = (be16(d, th) as u32, be16(d, th + 2) as u32);
            let (s, t) = if t < s { (t, s) } else { (s, t) };
            w[n] = (s << 16) | t;
            (n + 1, w[n] != 0)
        }
        _ => (n, false),
    }
}

/// Word `i` of a 16-byte address.
fn word_of(a: &[u8], i: usize) -> u32 {
    u32::from_be_bytes([a[4 * i], a[4 * i + 1], a[4 * i + 2], a[4 * i + 3]])
}

/// Walks hop-by-hop, routing and destination options headers; a fragment
/// header or a truncated chain ends the walk without a transport header.
fn skip_ipv6_ext(d: &[u8], mut at: usize, mut nh: u8) -> (u8, Option<usize>) {
    for _ in 0..8 {
        match nh {
            0 | 43 | 60 => {
                if at + 2 > d.len() {
                    return (nh, None);
                }
                let next = d[at];
                at += (d[at + 1] as usize + 1) * 8;
                nh = next;
            }
            44 => return (nh, None),
            _ => return (nh, Some(at)),
        }
    }
    (nh, None)
}

/// `__jhash_final`.
fn jhash_final(mut a: u32, mut b: u32, mut c: u32) -> u32 {
    c ^= b;
    c = c.wrapping_sub(b.rotate_left(14));
    a ^= c;
    a = a.wrapping_sub(c.rotate_left(11));
    b ^= a;
    b = b.wrapping_sub(a.rotate_left(25));
    c ^= b;
    c = c.wrapping_sub(b.rotate_left(16));
    a ^= c;
    a = a.wrapping_sub(c.rotate_left(4));
    b ^= a;
    b = b.wrapping_sub(a.rotate_left(14));
    c ^= b;
    c = c.wrapping_sub(b.rotate_left(24));
    let _ = a;
    c
}

/// `__jhash_mix`.
fn jhash_mix(a: &mut u32, b: &mut u32, c: &mut u32) {
    *a = a.wrapping_sub(*c);
    *a ^= c.rotate_left(4);
    *c = c.wrapping_add(*b);
    *b = b.wrapping_sub(*a);
    *b ^= a.rotate_left(6);
    *a = a.wrapping_add(*c);
    *c = c.wrapping_sub(*b);
    *c ^= b.rotate_left(8);
    *b = b.wrapping_add(*a);
    *a = a.wrapping_sub(*c);
    *a ^= c.rotate_left(16);
    *c = c.wrapping_add(*b);
    *b = b.wrapping_sub(*a);
    *b ^= a.rotate_left(19);
    *a = a.wrapping_add(*c);
    *c = c.wrapping_sub(*b);
    *c ^= b.rotate_left(4);
    *b = b.wrapping_add(*a);
}

/// `JHASH_INITVAL`.
const JHASH_INITVAL: u32 = 0xdead_beef;

/// `jhash2`.
fn jhash2(k: &[u32], initval: u32) -> u32 {
    let init = JHASH_INITVAL
        .wrapping_add((k.len() as u32) << 2)
        .wrapping_add(initval);
    let (mut a, mut b, mut c) = (init, init, init);
    let mut k = k;
    while k.len() > 3 {
        a = a.wrapping_add(k[0]);
        b = b.wrapping_add(k[1]);
        c = c.wrapping_add(k[2]);
        jhash_mix(&mut a, &mut b, &mut c);
        k = &k[3..];
    }
    match k.len() {
        3 => jhash_final(
            a.wrapping_add(k[0]),
            b.wrapping_add(k[1]),
            c.wrapping_add(k[2]),
        ),
        2 => jhash_final(a.wrapping_add(k[0]), b.wrapping_add(k[1]), c),
        1 => jhash_final(a.wrapping_add(k[0]), b, c),
        _ => c,
    }
}

/// `jhash_1word`.
pub(crate) fn jhash_1word(a: u32, initval: u32) -> u32 {
    let iv = initval.wrapping_add(JHASH_INITVAL).wrapping_add(1 << 2);
    jhash_final(a.wrapping_add(iv), iv, iv)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::set::testutil::*;

    fn tcp(sp: u16, dp: u16) -> Vec<u8> {
        let mut t = vec![0u8; 20];
        t[0..2].copy_from_slice(&sp.to_be_bytes());
        t[2..4].copy_from_slice(&dp.to_be_bytes());
        t
    }

    #[test]
    fn jhash_known_values() {
        // jhash_1word(0, 0): a = b = c = 0xdeadbeef + 4, then the final mix.
        let iv = 0xdead_beefu32.wrapping_add(4);
        assert_eq!(jhash_1word(0, 0), jhash_final(iv, iv, iv));
        assert_ne!(jhash_1word(1, 0), jhash_1word(0, 1));
        assert_eq!(jhash2(&[], 7), 0xdead_beefu32.wrapping_add(7));
    }

    #[test]
    fn l4_hash_is_cached_symmetric_and_port_sensitive() {
        let mut a = ipv4_frame(6, &tcp(1000, 80));
        let h = skb_get_hash(&mut a);
        assert!(a.sw_hash && a.l4_hash && h != 0);
        // reversed direction: same hash
        let mut b = ipv4_frame(6, &tcp(80, 1000));
        b.data[26..34].copy_from_slice(&[10, 0, 0, 2, 10, 0, 0, 1]);
        assert_eq!(skb_get_hash(&mut b), h);
        let mut c = ipv4_frame(6, &tcp(1001, 80));
        assert_ne!(skb_get_hash(&mut c), h);
        // cached: changing the packet does not change a software hash
        a.data[34] = 9;
        assert_eq!(skb_get_hash(&mut a), h);
    }

    #[test]
    fn execute_hash_sets_dp_hash_never_zero() {
        let mut p = ipv4_frame(17, &[0, 1, 0, 2, 0, 8, 0, 0]);
        let mut k = FlowKey::default();
        execute_hash(&mut p, &mut k, ALG_L4, 0);
        let l4 = u32::from_ne_bytes(k.dp_hash);
        assert_ne!(l4, 0);
        assert_eq!(l4, jhash_1word(p.hash, 0));
        execute_hash(&mut p, &mut k, ALG_SYM_L4, 0);
        assert_eq!(u32::from_ne_bytes(k.dp_hash), l4);
        execute_hash(&mut p, &mut k, 7, 3);
        assert_eq!(u32::from_ne_bytes(k.dp_hash), jhash_1word(0, 3).max(1));
        // fragments and non-IP: no L4 part
        let mut f = ipv4_frame(6, &tcp(1, 2));
        f.data[20] = 0x20; // MF
        skb_get_hash(&mut f);
        assert!(!f.l4_hash);
        let mut arp = Packet::from_frame(&[0; 42]);
        arp.protocol = 0x0806;
        assert_ne!(skb_get_hash(&mut arp), 0);
        assert!(!arp.l4_hash);
    }

    #[test]
    fn ipv6_label_or_ports() {
        let mut p = ipv6_frame(6, &[], 6, &tcp(5, 6));
        skb_get_hash(&mut p);
        assert!(p.l4_hash); // the flow label (0x12345) counts
        let mut q = ipv6_frame(6, &[], 6, &tcp(5, 6));
        q.data[15] = 0;
        q.data[16] = 0;
        q.data[17] = 0;
        skb_get_hash(&mut q);
        assert!(q.l4_hash);
        let mut r = ipv6_frame(6, &[], 6, &tcp(5, 7));
        r.data[15..18].fill(0);
        assert_ne!(skb_get_hash(&mut r), q.hash);
    }
}
