//! `metadata_from_nlattrs`: priority, in_port, skb_mark, dp_hash,
//! recirc_id, tunnel, conntrack fields, and the MAC protocol (with the
//! EtherType of a layer 3 flow).

use genl::Errno;

use super::attrs::*;
use super::state::{arr, be16, ne32, off, Attrs, Builder};
use super::tunnel::ip_tun_from_nlattr;
use crate::key::IN_PORT_NONE;

/// Parses the metadata attributes named in `attrs`, clearing their bits.
pub(crate) fn metadata_from_nlattrs(
    b: &mut Builder,
    attrs: &mut u64,
    a: &Attrs<'_>,
    is_mask: bool,
) -> Result<(), Errno> {
    let s = b.side(is_mask);
    if *attrs & bit(OVS_KEY_ATTR_DP_HASH) != 0 {
        s.k.dp_hash = arr(a.data(OVS_KEY_ATTR_DP_HASH));
        *attrs &= !bit(OVS_KEY_ATTR_DP_HASH);
    }
    if *attrs & bit(OVS_KEY_ATTR_RECIRC_ID) != 0 {
        s.k.recirc_id = arr(a.data(OVS_KEY_ATTR_RECIRC_ID));
        *attrs &= !bit(OVS_KEY_ATTR_RECIRC_ID);
    }
    if *attrs & bit(OVS_KEY_ATTR_PRIORITY) != 0 {
        s.k.priority = arr(a.data(OVS_KEY_ATTR_PRIORITY));
        *attrs &= !bit(OVS_KEY_ATTR_PRIORITY);
    }
    if *attrs & bit(OVS_KEY_ATTR_IN_PORT) != 0 {
        let mut in_port = ne32(a.data(OVS_KEY_ATTR_IN_PORT));
        if is_mask {
            // Always exact match in_port.
            in_port = 0xffff_ffff;
        } else if in_port >= u32::from(IN_PORT_NONE) {
            return Err(Errno::EINVAL);
        }
        s.k.in_port = (in_port as u16).to_ne_bytes();
        *attrs &= !bit(OVS_KEY_ATTR_IN_PORT);
    } else if !is_mask {
        s.k.in_port = IN_PORT_NONE.to_ne_bytes();
    }
    if *attrs & bit(OVS_KEY_ATTR_SKB_MARK) != 0 {
        s.k.skb_mark = arr(a.data(OVS_KEY_ATTR_SKB_MARK));
        *attrs &= !bit(OVS_KEY_ATTR_SKB_MARK);
    }
    if *attrs & bit(OVS_KEY_ATTR_TUNNEL) != 0 {
        // Whatever ip_tun_from_nlattr() failed with becomes -EINVAL.
        ip_tun_from_nlattr(a.data(OVS_KEY_ATTR_TUNNEL), b, is_mask).map_err(|_| Errno::EINVAL)?;
        *attrs &= !bit(OVS_KEY_ATTR_TUNNEL);
    }
    let s = b.side(is_mask);
    // Conntrack is built in (ovs_ct_verify() accepts all four).
    if *attrs & bit(OVS_KEY_ATTR_CT_STATE) != 0 {
        let ct_state = ne32(a.data(OVS_KEY_ATTR_CT_STATE));
        if ct_state & !CT_SUPPORTED_MASK != 0 {
            return Err(Errno::EINVAL);
        }
        s.k.ct_state = ct_state as u8;
        *attrs &= !bit(OVS_KEY_ATTR_CT_STATE);
    }
    if *attrs & bit(OVS_KEY_ATTR_CT_ZONE) != 0 {
        s.k.ct_zone = arr(a.data(OVS_KEY_ATTR_CT_ZONE));
        *attrs &= !bit(OVS_KEY_ATTR_CT_ZONE);
    }
    if *attrs & bit(OVS_KEY_ATTR_CT_MARK) != 0 {
        s.k.ct_mark = arr(a.data(OVS_KEY_ATTR_CT_MARK));
        *attrs &= !bit(OVS_KEY_ATTR_CT_MARK);
    }
    if *attrs & bit(OVS_KEY_ATTR_CT_LABELS) != 0 {
        s.k.ct_labels = arr(a.data(OVS_KEY_ATTR_CT_LABELS));
        *attrs &= !bit(OVS_KEY_ATTR_CT_LABELS);
    }
    if *attrs & bit(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4) != 0 {
        // struct ovs_key_ct_tuple_ipv4: src, dst, sport, dport, proto
        let d: [u8; 16] = arr(a.data(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4));
        s.l3_put(off::CT4_SRC, &d[0..4]);
        s.l3_put(off::CT4_DST, &d[4..8]);
        s.k.ct_orig_tp_src = [d[8], d[9]];
        s.k.ct_orig_tp_dst = [d[10], d[11]];
        s.k.ct_orig_proto = d[12];
        *attrs &= !bit(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4);
    }
    if *attrs & bit(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6) != 0 {
        let d: [u8; 40] = arr(a.data(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6));
        s.l3_put(off::CT6_SRC, &d[0..16]);
        s.l3_put(off::CT6_DST, &d[16..32]);
        s.k.ct_orig_tp_src = [d[32], d[33]];
        s.k.ct_orig_tp_dst = [d[34], d[35]];
        s.k.ct_orig_proto = d[36];
        *attrs &= !bit(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6);
    }
    // Layer 3 packets: an EtherType without Ethernet addresses.
    let mac_proto =
        if *attrs & bit(OVS_KEY_ATTR_ETHERNET) == 0 && *attrs & bit(OVS_KEY_ATTR_ETHERTYPE) != 0 {
            MAC_PROTO_NONE
        } else {
            MAC_PROTO_ETHERNET
        };
    // Always exact match mac_proto.
    s.k.mac_proto = if is_mask { 0xff } else { mac_proto };
    if mac_proto == MAC_PROTO_NONE {
        return parse_eth_type_from_nlattrs(b, attrs, a, is_mask);
    }
    Ok(())
}

/// `parse_eth_type_from_nlattrs`: the mask's EtherType is always exact; a
/// key's must be at least 0x0600.
pub(crate) fn parse_eth_type_from_nlattrs(
    b: &mut Builder,
    attrs: &mut u64,
    a: &Attrs<'_>,
    is_mask: bool,
) -> Result<(), Errno> {
    let mut eth_type = be16(a.data(OVS_KEY_ATTR_ETHERTYPE));
    if is_mask {
        eth_type = 0xffff;
    } else if eth_type < ETH_P_802_3_MIN {
        return Err(Errno::EINVAL);
    }
    b.side(is_mask).k.eth_type = eth_type.to_be_bytes();
    *attrs &= !bit(OVS_KEY_ATTR_ETHERTYPE);
    Ok(())
}
