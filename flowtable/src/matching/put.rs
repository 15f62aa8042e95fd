//! `__ovs_nla_put_key`: a key (or, with `is_mask`, a mask) as
//! `OVS_KEY_ATTR_*` attributes in the kernel's canonical order. `swkey`
//! decides which attributes appear, `output` supplies their values.

use genl::Writer;

use super::attrs::*;
use super::tunnel_put::put_tunnel_attrs;
use crate::key::{tun_flags, FlowKey, IN_PORT_NONE, MPLS_LABEL_DEPTH, TUN_OPTS_MAX};

/// Appends the attributes of `output` (no enclosing nest).
pub(crate) fn put_key_attrs(w: &mut Writer, swkey: &FlowKey, output: &FlowKey, is_mask: bool) {
    w.attr(OVS_KEY_ATTR_RECIRC_ID, &output.recirc_id);
    w.attr(OVS_KEY_ATTR_DP_HASH, &output.dp_hash);
    w.attr(OVS_KEY_ATTR_PRIORITY, &output.priority);

    if swkey.tun_proto != 0 || is_mask {
        let present = tun_flags::GENEVE_OPT | tun_flags::VXLAN_OPT | tun_flags::ERSPAN_OPT;
        let len = usize::from(swkey.tun_opts_len);
        // TUN_METADATA_OPTS(output, swkey->tun_opts_len)
        let opts = if output.tun_flags() & present != 0 {
            &output.tun_opts[TUN_OPTS_MAX - len..]
        } else {
            &[][..]
        };
        let nest = w.nest_noflag(OVS_KEY_ATTR_TUNNEL);
        put_tunnel_attrs(w, &output.tun, opts, swkey.tun_proto, false);
        w.nest_end(nest);
    }

    if swkey.in_port() == IN_PORT_NONE {
        if is_mask && output.in_port() == 0xffff {
            w.attr_u32(OVS_KEY_ATTR_IN_PORT, 0xffff_ffff);
        }
    } else {
        let upper: u32 = if is_mask { 0xffff } else { 0 };
        w.attr_u32(
            OVS_KEY_ATTR_IN_PORT,
            upper << 16 | u32::from(output.in_port()),
        );
    }
    w.attr(OVS_KEY_ATTR_SKB_MARK, &output.skb_mark);

    put_ct(w, swkey, output);

    let mut encap = None;
    let mut in_encap = None;
    // ovs_key_mac_proto() ignores the SW_FLOW_KEY_INVALID bit.
    if swkey.mac_proto & !0x80 == MAC_PROTO_ETHERNET {
        let mut eth = [0u8; 12];
        eth[..6].copy_from_slice(&output.eth_src);
        eth[6..].copy_from_slice(&output.eth_dst);
        w.attr(OVS_KEY_ATTR_ETHERNET, &eth);

        let sw_type = swkey.eth_type();
        if swkey.vlan_tci != [0, 0] || eth_type_vlan(sw_type) {
            put_vlan(w, output.vlan_tpid, output.vlan_tci, is_mask);
            encap = Some(w.nest_noflag(OVS_KEY_ATTR_ENCAP));
            if swkey.vlan_tci == [0, 0] {
                return unencap(w, in_encap, encap);
            }
            if swkey.cvlan_tci != [0, 0] || eth_type_vlan(sw_type) {
                put_vlan(w, output.cvlan_tpid, output.cvlan_tci, is_mask);
                in_encap = Some(w.nest_noflag(OVS_KEY_ATTR_ENCAP));
                if swkey.cvlan_tci == [0, 0] {
                    return unencap(w, in_encap, encap);
                }
            }
        }
        if sw_type == ETH_P_802_2 {
            // 802.2 frames: no EtherType in the key; the mask's if not zero.
            if is_mask && output.eth_type != [0, 0] {
                w.attr(OVS_KEY_ATTR_ETHERTYPE, &output.eth_type);
            }
            return unencap(w, in_encap, encap);
        }
    }

    w.attr(OVS_KEY_ATTR_ETHERTYPE, &output.eth_type);
    let sw_type = swkey.eth_type();
    if eth_type_vlan(sw_type) {
        // A third tag: nothing is known about the rest of the packet.
        return unencap(w, in_encap, encap);
    }
    put_l3(w, swkey, output, is_mask);
    put_l4(w, swkey, output);
    unencap(w, in_encap, encap);
}

/// Closes the inner and outer `ENCAP` nests (the kernel's `unencap:`).
fn unencap(
    w: &mut Writer,
    in_encap: Option<genl::writer::Mark>,
    encap: Option<genl::writer::Mark>,
) {
    if let Some(m) = in_encap {
        w.nest_end(m);
    }
    if let Some(m) = encap {
        w.nest_end(m);
    }
}

/// `ovs_nla_put_vlan`: the TPID (0xffff in a mask) and the TCI.
fn put_vlan(w: &mut Writer, tpid: [u8; 2], tci: [u8; 2], is_mask: bool) {
    let tpid = if is_mask { [0xff, 0xff] } else { tpid };
    w.attr(OVS_KEY_ATTR_ETHERTYPE, &tpid);
    w.attr(OVS_KEY_ATTR_VLAN, &tci);
}

/// `ovs_ct_put_key`: the conntrack fields (zone, mark and labels are built
/// in) and the original-direction tuple when the key has one.
fn put_ct(w: &mut Writer, swkey: &FlowKey, output: &FlowKey) {
    w.attr_u32(OVS_KEY_ATTR_CT_STATE, u32::from(output.ct_state));
    w.attr(OVS_KEY_ATTR_CT_ZONE, &output.ct_zone);
    w.attr(OVS_KEY_ATTR_CT_MARK, &output.ct_mark);
    w.attr(OVS_KEY_ATTR_CT_LABELS, &output.ct_labels);
    if swkey.ct_orig_proto == 0 {
        return;
    }
    match swkey.eth_type() {
        ETH_P_IP => {
            let mut t = [0u8; 16];
            t[0..4].copy_from_slice(&output.ct_orig_ipv4_src);
            t[4..8].copy_from_slice(&output.ct_orig_ipv4_dst);
            t[8..10].copy_from_slice(&output.ct_orig_tp_src);
            t[10..12].copy_from_slice(&output.ct_orig_tp_dst);
            t[12] = output.ct_orig_proto;
            w.attr(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4, &t);
        }
        ETH_P_IPV6 => {
            let mut t = [0u8; 40];
            t[0..16].copy_from_slice(&output.ct_orig_ipv6_src);
            t[16..32].copy_from_slice(&output.ct_orig_ipv6_dst);
            t[32..34].copy_from_slice(&output.ct_orig_tp_src);
            t[34..36].copy_from_slice(&output.ct_orig_tp_dst);
            t[36] = output.ct_orig_proto;
            w.attr(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6, &t);
        }
        _ => {}
    }
}

/// The L3 attribute `swkey`'s EtherType selects.
fn put_l3(w: &mut Writer, swkey: &FlowKey, output: &FlowKey, is_mask: bool) {
    match swkey.eth_type() {
        ETH_P_IP => {
            let mut v = [0u8; 12];
            v[0..4].copy_from_slice(&output.ipv4_src);
            v[4..8].copy_from_slice(&output.ipv4_dst);
            v[8] = output.ip_proto;
            v[9] = output.ip_tos;
            v[10] = output.ip_ttl;
            v[11] = output.ip_frag;
            w.attr(OVS_KEY_ATTR_IPV4, &v);
        }
        ETH_P_IPV6 => {
            let mut v = [0u8; 40];
            v[0..16].copy_from_slice(&output.ipv6_src);
            v[16..32].copy_from_slice(&output.ipv6_dst);
            v[32..36].copy_from_slice(&output.ipv6_label);
            v[36] = output.ip_proto;
            v[37] = output.ip_tos;
            v[38] = output.ip_ttl;
            v[39] = output.ip_frag;
            w.attr(OVS_KEY_ATTR_IPV6, &v);
            w.attr(OVS_KEY_ATTR_IPV6_EXTHDRS, &output.ipv6_exthdrs);
        }
        ETH_P_NSH => {
            // nsh_key_to_nlattr: MD1 for a mask, or a key of MD type 1.
            let n = &output.nsh;
            let nest = w.nest_noflag(OVS_KEY_ATTR_NSH);
            let base = [
                n.flags,
                n.ttl,
                n.mdtype,
                n.np,
                n.path_hdr[0],
                n.path_hdr[1],
                n.path_hdr[2],
                n.path_hdr[3],
            ];
            w.attr(OVS_NSH_KEY_ATTR_BASE, &base);
            if is_mask || n.mdtype == NSH_M_TYPE1 {
                let mut md1 = [0u8; 16];
                for (i, c) in n.context.iter().enumerate() {
                    md1[4 * i..4 * i + 4].copy_from_slice(c);
                }
                w.attr(OVS_NSH_KEY_ATTR_MD1, &md1);
            }
            w.nest_end(nest);
        }
        ETH_P_ARP | ETH_P_RARP => {
            let mut v = [0u8; 24];
            v[0..4].copy_from_slice(&output.ipv4_src);
            v[4..8].copy_from_slice(&output.ipv4_dst);
            v[8..10].copy_from_slice(&u16::from(output.ip_proto).to_be_bytes());
            v[10..16].copy_from_slice(&output.arp_sha);
            v[16..22].copy_from_slice(&output.arp_tha);
            w.attr(OVS_KEY_ATTR_ARP, &v);
        }
        t if eth_p_mpls(t) => {
            let num = (u32::from_ne_bytes(output.mpls_num_labels_mask).count_ones() as usize)
                .min(MPLS_LABEL_DEPTH);
            let mut v = [0u8; 4 * MPLS_LABEL_DEPTH];
            for (i, lse) in output.mpls_lse.iter().take(num).enumerate() {
                v[4 * i..4 * i + 4].copy_from_slice(lse);
            }
            w.attr(OVS_KEY_ATTR_MPLS, &v[..4 * num]);
        }
        _ => {}
    }
}

/// The L4 attributes of an IPv4/IPv6 key that is not a later fragment.
fn put_l4(w: &mut Writer, swkey: &FlowKey, output: &FlowKey) {
    let t = swkey.eth_type();
    if !(t == ETH_P_IP || t == ETH_P_IPV6) || swkey.ip_frag == OVS_FRAG_TYPE_LATER {
        return;
    }
    let mut ports = [0u8; 4];
    ports[..2].copy_from_slice(&output.tp_src);
    ports[2..].copy_from_slice(&output.tp_dst);
    // ICMP type and code are the low bytes of the be16 port fields.
    let icmp = [output.tp_src[1], output.tp_dst[1]];
    match swkey.ip_proto {
        IPPROTO_TCP => {
            w.attr(OVS_KEY_ATTR_TCP, &ports);
            w.attr(OVS_KEY_ATTR_TCP_FLAGS, &output.tcp_flags);
        }
        IPPROTO_UDP => w.attr(OVS_KEY_ATTR_UDP, &ports),
        IPPROTO_SCTP => w.attr(OVS_KEY_ATTR_SCTP, &ports),
        IPPROTO_ICMP if t == ETH_P_IP => w.attr(OVS_KEY_ATTR_ICMP, &icmp),
        IPPROTO_ICMPV6 if t == ETH_P_IPV6 => {
            w.attr(OVS_KEY_ATTR_ICMPV6, &icmp);
            if swkey.tp_src == [0, NDISC_NEIGHBOUR_SOLICITATION]
                || swkey.tp_src == [0, NDISC_NEIGHBOUR_ADVERTISEMENT]
            {
                let mut nd = [0u8; 28];
                nd[0..16].copy_from_slice(&output.nd_target);
                nd[16..22].copy_from_slice(&output.nd_sll);
                nd[22..28].copy_from_slice(&output.nd_tll);
                w.attr(OVS_KEY_ATTR_ND, &nd);
            }
        }
        _ => {}
    }
}
