//! The kernel's `OVS_KEY_ATTR_*`, `OVS_TUNNEL_KEY_ATTR_*` and
//! `OVS_ACTION_ATTR_*` numbers (include/uapi/linux/openvswitch.h).

#![allow(missing_docs)]

pub const KEY_ENCAP: u16 = 1;
pub const KEY_PRIORITY: u16 = 2;
pub const KEY_IN_PORT: u16 = 3;
pub const KEY_ETHERNET: u16 = 4;
pub const KEY_VLAN: u16 = 5;
pub const KEY_ETHERTYPE: u16 = 6;
pub const KEY_IPV4: u16 = 7;
pub const KEY_IPV6: u16 = 8;
pub const KEY_TCP: u16 = 9;
pub const KEY_UDP: u16 = 10;
pub const KEY_ICMP: u16 = 11;
pub const KEY_ICMPV6: u16 = 12;
pub const KEY_ARP: u16 = 13;
pub const KEY_ND: u16 = 14;
pub const KEY_SKB_MARK: u16 = 15;
pub const KEY_TUNNEL: u16 = 16;
pub const KEY_SCTP: u16 = 17;
pub const KEY_TCP_FLAGS: u16 = 18;
pub const KEY_DP_HASH: u16 = 19;
pub const KEY_RECIRC_ID: u16 = 20;
pub const KEY_MPLS: u16 = 21;
pub const KEY_CT_STATE: u16 = 22;
pub const KEY_CT_ZONE: u16 = 23;
pub const KEY_CT_MARK: u16 = 24;
pub const KEY_CT_LABELS: u16 = 25;
pub const KEY_CT_ORIG_TUPLE_IPV4: u16 = 26;
pub const KEY_CT_ORIG_TUPLE_IPV6: u16 = 27;

pub const TUN_ID: u16 = 0;
pub const TUN_IPV4_SRC: u16 = 1;
pub const TUN_IPV4_DST: u16 = 2;
pub const TUN_TOS: u16 = 3;
pub const TUN_TTL: u16 = 4;
pub const TUN_DONT_FRAGMENT: u16 = 5;
pub const TUN_CSUM: u16 = 6;
pub const TUN_OAM: u16 = 7;
pub const TUN_GENEVE_OPTS: u16 = 8;
pub const TUN_TP_SRC: u16 = 9;
pub const TUN_TP_DST: u16 = 10;
pub const TUN_VXLAN_OPTS: u16 = 11;
pub const TUN_IPV6_SRC: u16 = 12;
pub const TUN_IPV6_DST: u16 = 13;
pub const TUN_PAD: u16 = 14;

pub const ACT_OUTPUT: u16 = 1;
pub const ACT_USERSPACE: u16 = 2;
pub const ACT_SET: u16 = 3;
pub const ACT_PUSH_VLAN: u16 = 4;
pub const ACT_POP_VLAN: u16 = 5;
pub const ACT_SAMPLE: u16 = 6;
pub const ACT_RECIRC: u16 = 7;
pub const ACT_HASH: u16 = 8;
pub const ACT_PUSH_MPLS: u16 = 9;
pub const ACT_POP_MPLS: u16 = 10;
pub const ACT_SET_MASKED: u16 = 11;
pub const ACT_CT: u16 = 12;
pub const ACT_TRUNC: u16 = 13;
pub const ACT_PUSH_ETH: u16 = 14;
pub const ACT_POP_ETH: u16 = 15;
pub const ACT_CT_CLEAR: u16 = 16;
pub const ACT_METER: u16 = 19;
pub const ACT_CLONE: u16 = 20;
pub const ACT_CHECK_PKT_LEN: u16 = 21;
pub const ACT_ADD_MPLS: u16 = 22;
pub const ACT_DEC_TTL: u16 = 23;
pub const ACT_DROP: u16 = 24;

/// `OVS_KEY_ATTR_*` names as odp-util prints them (`None`: printed
/// generically as `keyN`).
pub fn key_name(kind: u16) -> Option<&'static str> {
    Some(match kind {
        KEY_ENCAP => "encap",
        KEY_PRIORITY => "skb_priority",
        KEY_IN_PORT => "in_port",
        KEY_ETHERNET => "eth",
        KEY_VLAN => "vlan",
        KEY_ETHERTYPE => "eth_type",
        KEY_IPV4 => "ipv4",
        KEY_IPV6 => "ipv6",
        KEY_TCP => "tcp",
        KEY_UDP => "udp",
        KEY_ICMP => "icmp",
        KEY_ICMPV6 => "icmpv6",
        KEY_ARP => "arp",
        KEY_ND => "nd",
        KEY_SKB_MARK => "skb_mark",
        KEY_TUNNEL => "tunnel",
        KEY_SCTP => "sctp",
        KEY_TCP_FLAGS => "tcp_flags",
        KEY_DP_HASH => "dp_hash",
        KEY_RECIRC_ID => "recirc_id",
        KEY_MPLS => "mpls",
        KEY_CT_STATE => "ct_state",
        KEY_CT_ZONE => "ct_zone",
        KEY_CT_MARK => "ct_mark",
        KEY_CT_LABELS => "ct_label",
        KEY_CT_ORIG_TUPLE_IPV4 => "ct_tuple4",
        KEY_CT_ORIG_TUPLE_IPV6 => "ct_tuple6",
        _ => return None,
    })
}

/// The fixed payload length of a key attribute (`None`: variable/nested).
pub fn key_len(kind: u16) -> Option<usize> {
    Some(match kind {
        KEY_PRIORITY | KEY_IN_PORT | KEY_SKB_MARK | KEY_DP_HASH | KEY_RECIRC_ID | KEY_CT_STATE
        | KEY_CT_MARK => 4,
        KEY_ETHERNET => 12,
        KEY_VLAN | KEY_ETHERTYPE | KEY_TCP_FLAGS | KEY_CT_ZONE => 2,
        KEY_IPV4 => 12,
        KEY_IPV6 => 40,
        KEY_TCP | KEY_UDP | KEY_SCTP => 4,
        KEY_ICMP | KEY_ICMPV6 => 2,
        KEY_ARP => 24,
        KEY_ND => 28,
        KEY_CT_LABELS => 16,
        KEY_CT_ORIG_TUPLE_IPV4 => 16,
        KEY_CT_ORIG_TUPLE_IPV6 => 40,
        _ => return None,
    })
}
