//! `ovs_key_from_nlattrs`: metadata, then Ethernet, L3 and L4 attributes
//! into the key or mask; any attribute left unconsumed is an error.

use genl::Errno;

use super::attrs::*;
use super::metadata::{metadata_from_nlattrs, parse_eth_type_from_nlattrs};
use super::nsh::nsh_key_from_nlattr;
use super::state::{arr, off, Attrs, Builder};
use crate::key::MPLS_LABEL_DEPTH;

/// Parses the attributes named in `attrs` (a copy: bits are cleared as they
/// are consumed) into the key or mask.
pub(crate) fn ovs_key_from_nlattrs(
    b: &mut Builder,
    mut attrs: u64,
    a: &Attrs<'_>,
    is_mask: bool,
) -> Result<(), Errno> {
    metadata_from_nlattrs(b, &mut attrs, a, is_mask)?;

    if attrs & bit(OVS_KEY_ATTR_ETHERNET) != 0 {
        let d: [u8; 12] = arr(a.data(OVS_KEY_ATTR_ETHERNET));
        let k = &mut b.side(is_mask).k;
        k.eth_src = arr(&d[0..6]);
        k.eth_dst = arr(&d[6..12]);
        attrs &= !bit(OVS_KEY_ATTR_ETHERNET);
        // A VLAN attribute not consumed by parse_vlan_from_nlattrs().
        if attrs & bit(OVS_KEY_ATTR_VLAN) != 0 {
            return Err(Errno::EINVAL);
        }
        if attrs & bit(OVS_KEY_ATTR_ETHERTYPE) != 0 {
            parse_eth_type_from_nlattrs(b, &mut attrs, a, is_mask)?;
        } else if !is_mask {
            b.side(false).k.eth_type = ETH_P_802_2.to_be_bytes();
        }
    } else if b.key().k.eth_type == [0, 0] {
        // Either an Ethernet header or an EtherType is required (the key's,
        // even while parsing the mask).
        return Err(Errno::EINVAL);
    }

    let s = b.side(is_mask);
    if attrs & bit(OVS_KEY_ATTR_IPV4) != 0 {
        // struct ovs_key_ipv4: src, dst, proto, tos, ttl, frag
        let d: [u8; 12] = arr(a.data(OVS_KEY_ATTR_IPV4));
        if !is_mask && d[11] > OVS_FRAG_TYPE_MAX {
            return Err(Errno::EINVAL);
        }
        s.k.ip_proto = d[8];
        s.k.ip_tos = d[9];
        s.k.ip_ttl = d[10];
        s.k.ip_frag = d[11];
        s.l3_put(off::IPV4_SRC, &d[0..4]);
        s.l3_put(off::IPV4_DST, &d[4..8]);
        attrs &= !bit(OVS_KEY_ATTR_IPV4);
    }
    if attrs & bit(OVS_KEY_ATTR_IPV6) != 0 {
        // struct ovs_key_ipv6: src, dst, label, proto, tclass, hlimit, frag
        let d: [u8; 40] = arr(a.data(OVS_KEY_ATTR_IPV6));
        if !is_mask && d[39] > OVS_FRAG_TYPE_MAX {
            return Err(Errno::EINVAL);
        }
        if !is_mask && u32::from_be_bytes(arr(&d[32..36])) & 0xfff0_0000 != 0 {
            return Err(Errno::EINVAL);
        }
        s.l3_put(off::IPV6_LABEL, &d[32..36]);
        s.k.ip_proto = d[36];
        s.k.ip_tos = d[37];
        s.k.ip_ttl = d[38];
        s.k.ip_frag = d[39];
        s.l3_put(off::IPV6_SRC, &d[0..16]);
        s.l3_put(off::IPV6_DST, &d[16..32]);
        attrs &= !bit(OVS_KEY_ATTR_IPV6);
    }
    if attrs & bit(OVS_KEY_ATTR_IPV6_EXTHDRS) != 0 {
        s.l3_put(
            off::IPV6_EXTHDRS,
            &arr::<2>(a.data(OVS_KEY_ATTR_IPV6_EXTHDRS)),
        );
        attrs &= !bit(OVS_KEY_ATTR_IPV6_EXTHDRS);
    }
    if attrs & bit(OVS_KEY_ATTR_ARP) != 0 {
        // struct ovs_key_arp: sip, tip, op, sha, tha, pad
        let d: [u8; 24] = arr(a.data(OVS_KEY_ATTR_ARP));
        let op = u16::from_be_bytes([d[8], d[9]]);
        if !is_mask && op & 0xff00 != 0 {
            return Err(Errno::EINVAL);
        }
        s.l3_put(off::IPV4_SRC, &d[0..4]);
        s.l3_put(off::IPV4_DST, &d[4..8]);
        s.k.ip_proto = op as u8;
        s.l3_put(off::ARP_SHA, &d[10..16]);
        s.l3_put(off::ARP_THA, &d[16..22]);
        attrs &= !bit(OVS_KEY_ATTR_ARP);
    }
    if attrs & bit(OVS_KEY_ATTR_NSH) != 0 {
        nsh_key_from_nlattr(a.data(OVS_KEY_ATTR_NSH), b, is_mask).map_err(|_| Errno::EINVAL)?;
        attrs &= !bit(OVS_KEY_ATTR_NSH);
    }
    let s = b.side(is_mask);
    if attrs & bit(OVS_KEY_ATTR_MPLS) != 0 {
        let d = a.data(OVS_KEY_ATTR_MPLS);
        let count = d.len() / 4;
        if count == 0 || count > MPLS_LABEL_DEPTH || d.len() & 3 != 0 {
            return Err(Errno::EINVAL);
        }
        for (i, lse) in d.chunks_exact(4).enumerate() {
            s.l3_put(off::MPLS_LSE + 4 * i, lse);
        }
        let num_labels_mask = (1u32 << count) - 1;
        s.l3_put(off::MPLS_NUM, &num_labels_mask.to_ne_bytes());
        attrs &= !bit(OVS_KEY_ATTR_MPLS);
    }
    for t in [
        OVS_KEY_ATTR_TCP,
        OVS_KEY_ATTR_TCP_FLAGS,
        OVS_KEY_ATTR_UDP,
        OVS_KEY_ATTR_SCTP,
    ] {
        if attrs & bit(t) != 0 {
            let d: [u8; 4] = arr(a.data(t));
            if t == OVS_KEY_ATTR_TCP_FLAGS {
                s.k.tcp_flags = [d[0], d[1]];
            } else {
                s.k.tp_src = [d[0], d[1]];
                s.k.tp_dst = [d[2], d[3]];
            }
            attrs &= !bit(t);
        }
    }
    for t in [OVS_KEY_ATTR_ICMP, OVS_KEY_ATTR_ICMPV6] {
        if attrs & bit(t) != 0 {
            // type and code, each stored as a be16
            let d: [u8; 2] = arr(a.data(t));
            s.k.tp_src = u16::from(d[0]).to_be_bytes();
            s.k.tp_dst = u16::from(d[1]).to_be_bytes();
            attrs &= !bit(t);
        }
    }
    if attrs & bit(OVS_KEY_ATTR_ND) != 0 {
        let d: [u8; 28] = arr(a.data(OVS_KEY_ATTR_ND));
        s.l3_put(off::ND_TARGET, &d[0..16]);
        s.l3_put(off::ND_SLL, &d[16..22]);
        s.l3_put(off::ND_TLL, &d[22..28]);
        attrs &= !bit(OVS_KEY_ATTR_ND);
    }
    if attrs != 0 {
        // Unknown key attributes.
        return Err(Errno::EINVAL);
    }
    Ok(())
}
