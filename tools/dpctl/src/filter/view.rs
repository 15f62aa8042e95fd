//! A dumped flow seen as OpenFlow fields: each field's value and the
//! flow's mask for it (what `odp_flow_key_to_flow` and
//! `odp_flow_key_to_mask` give ovs-dpctl). A field the flow does not
//! match on has mask 0.

use crate::odp::attrs::*;
use genl::AttrIter;
use std::collections::HashMap;

/// The flow fields a filter can name (`struct flow` members).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fid {
    /// `in_port`.
    InPort,
    /// `skb_priority`.
    Priority,
    /// `pkt_mark`.
    SkbMark,
    /// `recirc_id`.
    RecircId,
    /// `dp_hash`.
    DpHash,
    /// `ct_state`.
    CtState,
    /// `ct_zone`.
    CtZone,
    /// `ct_mark`.
    CtMark,
    /// `tun_id`.
    TunId,
    /// `tun_src`.
    TunSrc,
    /// `tun_dst`.
    TunDst,
    /// `dl_src`.
    DlSrc,
    /// `dl_dst`.
    DlDst,
    /// `dl_type` (the innermost EtherType).
    DlType,
    /// The outer VLAN TCI.
    VlanTci,
    /// The first MPLS label stack entry.
    MplsLse,
    /// IPv4 source, or ARP's sender address.
    NwSrc,
    /// IPv4 destination, or ARP's target address.
    NwDst,
    /// `ipv6_src`.
    Ipv6Src,
    /// `ipv6_dst`.
    Ipv6Dst,
    /// `ipv6_label`.
    Ipv6Label,
    /// IP protocol, or the ARP opcode's low byte.
    NwProto,
    /// The IPv4 TOS / IPv6 traffic class byte.
    NwTos,
    /// TTL / hop limit.
    NwTtl,
    /// L4 source port, or the ICMP type.
    TpSrc,
    /// L4 destination port, or the ICMP code.
    TpDst,
    /// `tcp_flags`.
    TcpFlags,
    /// ARP sender / ND source link-layer address.
    ArpSha,
    /// ARP target / ND target link-layer address.
    ArpTha,
    /// `nd_target`.
    NdTarget,
}

/// Field values and masks of one flow.
pub type View = HashMap<Fid, (u128, u128)>;

fn uint(b: &[u8]) -> u128 {
    b.iter().fold(0u128, |acc, &x| acc << 8 | x as u128)
}

fn ne(b: &[u8]) -> u128 {
    match b.len() {
        2 => u16::from_ne_bytes([b[0], b[1]]) as u128,
        4 => u32::from_ne_bytes([b[0], b[1], b[2], b[3]]) as u128,
        _ => uint(b),
    }
}

/// Big-endian bytes `off..off+n` of key and mask into `fid`.
fn put(v: &mut View, fid: Fid, k: &[u8], m: Option<&[u8]>, off: usize, n: usize) {
    let Some(kb) = k.get(off..off + n) else {
        return;
    };
    let mb = m.and_then(|m| m.get(off..off + n)).map_or(0, uint);
    v.insert(fid, (uint(kb), mb));
}

fn put_ne(v: &mut View, fid: Fid, k: &[u8], m: Option<&[u8]>) {
    v.insert(fid, (ne(k), m.map_or(0, ne)));
}

/// Decodes a dumped flow's key and mask attributes.
pub fn view(key: &[u8], mask: Option<&[u8]>) -> View {
    let mut v = View::new();
    decode(&mut v, key, mask);
    // A flow that matches an EtherType and has no VLAN header matches
    // "no VLAN": TCI 0, exactly (as odp_flow_key_to_mask reads it).
    let exact_type = v.get(&Fid::DlType).is_some_and(|&(_, m)| m == 0xffff);
    if exact_type && !v.contains_key(&Fid::VlanTci) {
        v.insert(Fid::VlanTci, (0, 0xffff));
    }
    v
}

fn decode(v: &mut View, key: &[u8], mask: Option<&[u8]>) {
    for a in AttrIter::new(key) {
        let m = mask.and_then(|m| AttrIter::new(m).find(|x| x.kind == a.kind));
        let mp = m.as_ref().map(|m| m.payload);
        let k = a.payload;
        match a.kind {
            KEY_ENCAP => decode(v, k, mp),
            KEY_IN_PORT => put_ne(v, Fid::InPort, k, mp),
            KEY_PRIORITY => put_ne(v, Fid::Priority, k, mp),
            KEY_SKB_MARK => put_ne(v, Fid::SkbMark, k, mp),
            KEY_RECIRC_ID => put_ne(v, Fid::RecircId, k, mp),
            KEY_DP_HASH => put_ne(v, Fid::DpHash, k, mp),
            KEY_CT_STATE => put_ne(v, Fid::CtState, k, mp),
            KEY_CT_ZONE => put_ne(v, Fid::CtZone, k, mp),
            KEY_CT_MARK => put_ne(v, Fid::CtMark, k, mp),
            KEY_TUNNEL => {
                for t in AttrIter::new(k) {
                    let tm = mp.and_then(|m| AttrIter::new(m).find(|x| x.kind == t.kind));
                    let tm = tm.as_ref().map(|x| x.payload);
                    let fid = match t.kind {
                        TUN_ID => Fid::TunId,
                        TUN_IPV4_SRC => Fid::TunSrc,
                        TUN_IPV4_DST => Fid::TunDst,
                        _ => continue,
                    };
                    put(v, fid, t.payload, tm, 0, t.payload.len());
                }
            }
            KEY_ETHERNET => {
                put(v, Fid::DlSrc, k, mp, 0, 6);
                put(v, Fid::DlDst, k, mp, 6, 6);
            }
            KEY_ETHERTYPE => put(v, Fid::DlType, k, mp, 0, 2),
            // The outer header's TCI (the first seen).
            KEY_VLAN if !v.contains_key(&Fid::VlanTci) => put(v, Fid::VlanTci, k, mp, 0, 2),
            KEY_MPLS => put(v, Fid::MplsLse, k, mp, 0, 4),
            KEY_IPV4 => {
                put(v, Fid::NwSrc, k, mp, 0, 4);
                put(v, Fid::NwDst, k, mp, 4, 4);
                put(v, Fid::NwProto, k, mp, 8, 1);
                put(v, Fid::NwTos, k, mp, 9, 1);
                put(v, Fid::NwTtl, k, mp, 10, 1);
            }
            KEY_IPV6 => {
                put(v, Fid::Ipv6Src, k, mp, 0, 16);
                put(v, Fid::Ipv6Dst, k, mp, 16, 16);
                put(v, Fid::Ipv6Label, k, mp, 32, 4);
                put(v, Fid::NwProto, k, mp, 36, 1);
                put(v, Fid::NwTos, k, mp, 37, 1);
                put(v, Fid::NwTtl, k, mp, 38, 1);
            }
            KEY_TCP | KEY_UDP | KEY_SCTP => {
                put(v, Fid::TpSrc, k, mp, 0, 2);
                put(v, Fid::TpDst, k, mp, 2, 2);
            }
            KEY_ICMP | KEY_ICMPV6 => {
                put(v, Fid::TpSrc, k, mp, 0, 1);
                put(v, Fid::TpDst, k, mp, 1, 1);
            }
            KEY_TCP_FLAGS => put(v, Fid::TcpFlags, k, mp, 0, 2),
            KEY_ARP => {
                put(v, Fid::NwSrc, k, mp, 0, 4);
                put(v, Fid::NwDst, k, mp, 4, 4);
                // The opcode's low byte is struct flow's nw_proto.
                put(v, Fid::NwProto, k, mp, 9, 1);
                put(v, Fid::ArpSha, k, mp, 10, 6);
                put(v, Fid::ArpTha, k, mp, 16, 6);
            }
            KEY_ND => {
                put(v, Fid::NdTarget, k, mp, 0, 16);
                put(v, Fid::ArpSha, k, mp, 16, 6);
                put(v, Fid::ArpTha, k, mp, 22, 6);
            }
            _ => {}
        }
    }
}
