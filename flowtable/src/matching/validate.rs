//! `match_validate`: the key attributes an EtherType / IP protocol requires,
//! and the mask attributes allowed (L3 masks need an exact EtherType, L4
//! masks an exact IP protocol, ND an exact ICMPv6 type).

use super::attrs::*;
use crate::key::FlowKey;

/// Checks `key_attrs` / `mask_attrs` (after VLAN processing) against the
/// parsed key and, when the match has one, mask.
pub(crate) fn match_validate(
    key: &FlowKey,
    mask: Option<&FlowKey>,
    key_attrs: u64,
    mask_attrs: u64,
) -> bool {
    let mut key_expected = 0u64;
    let mut mask_allowed = key_attrs;
    mask_allowed &= !(bit(OVS_KEY_ATTR_IPV4)
        | bit(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4)
        | bit(OVS_KEY_ATTR_IPV6)
        | bit(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6)
        | bit(OVS_KEY_ATTR_TCP)
        | bit(OVS_KEY_ATTR_TCP_FLAGS)
        | bit(OVS_KEY_ATTR_UDP)
        | bit(OVS_KEY_ATTR_SCTP)
        | bit(OVS_KEY_ATTR_ICMP)
        | bit(OVS_KEY_ATTR_ICMPV6)
        | bit(OVS_KEY_ATTR_ARP)
        | bit(OVS_KEY_ATTR_ND)
        | bit(OVS_KEY_ATTR_MPLS)
        | bit(OVS_KEY_ATTR_NSH));
    mask_allowed |=
        bit(OVS_KEY_ATTR_TUNNEL) | bit(OVS_KEY_ATTR_IN_PORT) | bit(OVS_KEY_ATTR_ETHERTYPE);

    let eth_type = key.eth_type();
    let exact_eth = mask.is_some_and(|m| m.eth_type == [0xff, 0xff]);
    let exact_proto = mask.is_some_and(|m| m.ip_proto == 0xff);

    if eth_type == ETH_P_ARP || eth_type == ETH_P_RARP {
        key_expected |= bit(OVS_KEY_ATTR_ARP);
        if exact_eth {
            mask_allowed |= bit(OVS_KEY_ATTR_ARP);
        }
    }
    if eth_p_mpls(eth_type) {
        key_expected |= bit(OVS_KEY_ATTR_MPLS);
        if exact_eth {
            mask_allowed |= bit(OVS_KEY_ATTR_MPLS);
        }
    }
    let ipv4 = eth_type == ETH_P_IP;
    let ipv6 = eth_type == ETH_P_IPV6;
    if ipv4 || ipv6 {
        let (l3, ct) = if ipv4 {
            (OVS_KEY_ATTR_IPV4, OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4)
        } else {
            (OVS_KEY_ATTR_IPV6, OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6)
        };
        key_expected |= bit(l3);
        if exact_eth {
            mask_allowed |= bit(l3) | bit(ct);
        }
        if key.ip_frag != OVS_FRAG_TYPE_LATER {
            let l4 = match key.ip_proto {
                IPPROTO_UDP => bit(OVS_KEY_ATTR_UDP),
                IPPROTO_SCTP => bit(OVS_KEY_ATTR_SCTP),
                IPPROTO_TCP => bit(OVS_KEY_ATTR_TCP) | bit(OVS_KEY_ATTR_TCP_FLAGS),
                IPPROTO_ICMP if ipv4 => bit(OVS_KEY_ATTR_ICMP),
                IPPROTO_ICMPV6 if ipv6 => bit(OVS_KEY_ATTR_ICMPV6),
                _ => 0,
            };
            key_expected |= l4;
            if exact_proto {
                mask_allowed |= l4;
            }
            let nd = [0, NDISC_NEIGHBOUR_SOLICITATION];
            let na = [0, NDISC_NEIGHBOUR_ADVERTISEMENT];
            if ipv6 && key.ip_proto == IPPROTO_ICMPV6 && (key.tp_src == nd || key.tp_src == na) {
                key_expected |= bit(OVS_KEY_ATTR_ND);
                // The conntrack original tuple shares the ND fields' space.
                mask_allowed &= !bit(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6);
                if mask.is_some_and(|m| m.tp_src == [0, 0xff]) {
                    mask_allowed |= bit(OVS_KEY_ATTR_ND);
                }
            }
        }
    }
    if eth_type == ETH_P_NSH {
        key_expected |= bit(OVS_KEY_ATTR_NSH);
        if exact_eth {
            mask_allowed |= bit(OVS_KEY_ATTR_NSH);
        }
    }
    key_attrs & key_expected == key_expected && mask_attrs & mask_allowed == mask_attrs
}
