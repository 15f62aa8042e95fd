//! From the kernel's unions to [`FlowKey`]'s separate fields: the bytes the
//! parsers left in the L3 and tunnel-address unions are copied into the
//! fields the key's own EtherType (and tunnel family) selects — the ones
//! `__ovs_nla_put_key` reads back and packet extraction fills — so a key
//! holds only those, and the mask covers only those.

use super::attrs::*;
use super::state::{arr, off, Side};
use crate::key::FlowKey;

/// Copies `side`'s union bytes into its fields, as the key `key` selects.
/// `key` is the parsed key (for the mask side too).
pub(crate) fn project(side: &Side, key: &FlowKey) -> FlowKey {
    let mut k = side.k;
    let u = &side.l3;
    // Label and extension headers share their bytes with nothing else.
    k.ipv6_label = arr(&u[off::IPV6_LABEL..]);
    k.ipv6_exthdrs = arr(&u[off::IPV6_EXTHDRS..]);
    match key.eth_type() {
        ETH_P_IP => {
            k.ipv4_src = arr(&u[off::IPV4_SRC..]);
            k.ipv4_dst = arr(&u[off::IPV4_DST..]);
            k.ct_orig_ipv4_src = arr(&u[off::CT4_SRC..]);
            k.ct_orig_ipv4_dst = arr(&u[off::CT4_DST..]);
        }
        ETH_P_ARP | ETH_P_RARP => {
            k.ipv4_src = arr(&u[off::IPV4_SRC..]);
            k.ipv4_dst = arr(&u[off::IPV4_DST..]);
            k.arp_sha = arr(&u[off::ARP_SHA..]);
            k.arp_tha = arr(&u[off::ARP_THA..]);
        }
        ETH_P_IPV6 => {
            k.ipv6_src = arr(&u[off::IPV6_SRC..]);
            k.ipv6_dst = arr(&u[off::IPV6_DST..]);
            let nd = is_nd(key);
            if nd {
                k.nd_target = arr(&u[off::ND_TARGET..]);
                k.nd_sll = arr(&u[off::ND_SLL..]);
                k.nd_tll = arr(&u[off::ND_TLL..]);
            }
            // An ND key with an original tuple (only possible in a key: the
            // mask may not have both) reads the same bytes for both.
            if !nd || side.k.ct_orig_proto != 0 {
                k.ct_orig_ipv6_src = arr(&u[off::CT6_SRC..]);
                k.ct_orig_ipv6_dst = arr(&u[off::CT6_DST..]);
            }
        }
        t if eth_p_mpls(t) => {
            k.mpls_num_labels_mask = arr(&u[off::MPLS_NUM..]);
            for (i, lse) in k.mpls_lse.iter_mut().enumerate() {
                *lse = arr(&u[off::MPLS_LSE + 4 * i..]);
            }
        }
        ETH_P_NSH => {
            let b = &u[off::NSH..];
            k.nsh.flags = b[0];
            k.nsh.ttl = b[1];
            k.nsh.mdtype = b[2];
            k.nsh.np = b[3];
            k.nsh.path_hdr = arr(&b[4..]);
            for (i, c) in k.nsh.context.iter_mut().enumerate() {
                *c = arr(&b[8 + 4 * i..]);
            }
        }
        _ => {}
    }
    let t = &side.tun;
    match key.tun_proto {
        AF_INET6 => {
            k.tun.ipv6_src = arr(&t[0..]);
            k.tun.ipv6_dst = arr(&t[16..]);
        }
        AF_INET => {
            k.tun.ipv4_src = arr(&t[0..]);
            k.tun.ipv4_dst = arr(&t[4..]);
        }
        _ => {}
    }
    k
}

/// Does `__ovs_nla_put_key` emit ND for this IPv6 key (ICMPv6 neighbour
/// solicitation or advertisement)?
fn is_nd(key: &FlowKey) -> bool {
    key.ip_proto == IPPROTO_ICMPV6
        && (key.tp_src == [0, NDISC_NEIGHBOUR_SOLICITATION]
            || key.tp_src == [0, NDISC_NEIGHBOUR_ADVERTISEMENT])
}

/// Copies every view of the unions (for keys whose EtherType is not known
/// yet: `ovs_nla_get_flow_metadata`, tunnel actions): conntrack tuples and
/// tunnel addresses by the tunnel family.
pub(crate) fn project_metadata(side: &Side) -> FlowKey {
    let mut k = side.k;
    let u = &side.l3;
    k.ct_orig_ipv4_src = arr(&u[off::CT4_SRC..]);
    k.ct_orig_ipv4_dst = arr(&u[off::CT4_DST..]);
    k.ct_orig_ipv6_src = arr(&u[off::CT6_SRC..]);
    k.ct_orig_ipv6_dst = arr(&u[off::CT6_DST..]);
    let t = &side.tun;
    if k.tun_proto == AF_INET6 {
        k.tun.ipv6_src = arr(&t[0..]);
        k.tun.ipv6_dst = arr(&t[16..]);
    } else if k.tun_proto == AF_INET {
        k.tun.ipv4_src = arr(&t[0..]);
        k.tun.ipv4_dst = arr(&t[4..]);
    }
    k
}
