//! Attribute numbers and wire constants the actions code uses
//! (`include/uapi/linux/openvswitch.h`, plus the kernel-internal ones).

/// `enum ovs_action_attr`.
pub mod act {
    /// `OVS_ACTION_ATTR_UNSPEC`.
    pub const UNSPEC: u16 = 0;
    /// `OVS_ACTION_ATTR_OUTPUT`: u32 port.
    pub const OUTPUT: u16 = 1;
    /// `OVS_ACTION_ATTR_USERSPACE`: nested `OVS_USERSPACE_ATTR_*`.
    pub const USERSPACE: u16 = 2;
    /// `OVS_ACTION_ATTR_SET`: one nested `OVS_KEY_ATTR_*`.
    pub const SET: u16 = 3;
    /// `OVS_ACTION_ATTR_PUSH_VLAN`.
    pub const PUSH_VLAN: u16 = 4;
    /// `OVS_ACTION_ATTR_POP_VLAN`.
    pub const POP_VLAN: u16 = 5;
    /// `OVS_ACTION_ATTR_SAMPLE`.
    pub const SAMPLE: u16 = 6;
    /// `OVS_ACTION_ATTR_RECIRC`.
    pub const RECIRC: u16 = 7;
    /// `OVS_ACTION_ATTR_HASH`.
    pub const HASH: u16 = 8;
    /// `OVS_ACTION_ATTR_PUSH_MPLS`.
    pub const PUSH_MPLS: u16 = 9;
    /// `OVS_ACTION_ATTR_POP_MPLS`.
    pub const POP_MPLS: u16 = 10;
    /// `OVS_ACTION_ATTR_SET_MASKED`.
    pub const SET_MASKED: u16 = 11;
    /// `OVS_ACTION_ATTR_CT`.
    pub const CT: u16 = 12;
    /// `OVS_ACTION_ATTR_TRUNC`.
    pub const TRUNC: u16 = 13;
    /// `OVS_ACTION_ATTR_PUSH_ETH`.
    pub const PUSH_ETH: u16 = 14;
    /// `OVS_ACTION_ATTR_POP_ETH`.
    pub const POP_ETH: u16 = 15;
    /// `OVS_ACTION_ATTR_CT_CLEAR`.
    pub const CT_CLEAR: u16 = 16;
    /// `OVS_ACTION_ATTR_PUSH_NSH`.
    pub const PUSH_NSH: u16 = 17;
    /// `OVS_ACTION_ATTR_POP_NSH`.
    pub const POP_NSH: u16 = 18;
    /// `OVS_ACTION_ATTR_METER`.
    pub const METER: u16 = 19;
    /// `OVS_ACTION_ATTR_CLONE`.
    pub const CLONE: u16 = 20;
    /// `OVS_ACTION_ATTR_CHECK_PKT_LEN`.
    pub const CHECK_PKT_LEN: u16 = 21;
    /// `OVS_ACTION_ATTR_ADD_MPLS`.
    pub const ADD_MPLS: u16 = 22;
    /// `OVS_ACTION_ATTR_DEC_TTL`.
    pub const DEC_TTL: u16 = 23;
    /// `OVS_ACTION_ATTR_DROP`.
    pub const DROP: u16 = 24;
    /// `OVS_ACTION_ATTR_PSAMPLE`.
    pub const PSAMPLE: u16 = 25;
    /// `OVS_ACTION_ATTR_MAX`.
    pub const MAX: u16 = 25;
}

/// `enum ovs_key_attr` (the types a SET may carry, and a few more).
pub mod key {
    /// `OVS_KEY_ATTR_PRIORITY`.
    pub const PRIORITY: u16 = 2;
    /// `OVS_KEY_ATTR_ETHERNET`.
    pub const ETHERNET: u16 = 4;
    /// `OVS_KEY_ATTR_IPV4`.
    pub const IPV4: u16 = 7;
    /// `OVS_KEY_ATTR_IPV6`.
    pub const IPV6: u16 = 8;
    /// `OVS_KEY_ATTR_TCP`.
    pub const TCP: u16 = 9;
    /// `OVS_KEY_ATTR_UDP`.
    pub const UDP: u16 = 10;
    /// `OVS_KEY_ATTR_SKB_MARK`.
    pub const SKB_MARK: u16 = 15;
    /// `OVS_KEY_ATTR_TUNNEL`.
    pub const TUNNEL: u16 = 16;
    /// `OVS_KEY_ATTR_SCTP`.
    pub const SCTP: u16 = 17;
    /// `OVS_KEY_ATTR_MPLS`.
    pub const MPLS: u16 = 21;
    /// `OVS_KEY_ATTR_CT_MARK`.
    pub const CT_MARK: u16 = 24;
    /// `OVS_KEY_ATTR_CT_LABELS`.
    pub const CT_LABELS: u16 = 25;
    /// `OVS_KEY_ATTR_NSH`.
    pub const NSH: u16 = 28;
    /// `OVS_KEY_ATTR_MAX`.
    pub const MAX: u16 = 32;
}

/// `OVS_USERSPACE_ATTR_*`.
pub mod userspace {
    /// `OVS_USERSPACE_ATTR_PID`.
    pub const PID: u16 = 1;
    /// `OVS_USERSPACE_ATTR_USERDATA`.
    pub const USERDATA: u16 = 2;
    /// `OVS_USERSPACE_ATTR_EGRESS_TUN_PORT`.
    pub const EGRESS_TUN_PORT: u16 = 3;
    /// `OVS_USERSPACE_ATTR_ACTIONS`.
    pub const ACTIONS: u16 = 4;
    /// `OVS_USERSPACE_ATTR_MAX`.
    pub const MAX: u16 = 4;
}

/// `OVS_SAMPLE_ATTR_*`.
pub mod sample {
    /// `OVS_SAMPLE_ATTR_PROBABILITY`.
    pub const PROBABILITY: u16 = 1;
    /// `OVS_SAMPLE_ATTR_ACTIONS`.
    pub const ACTIONS: u16 = 2;
    /// `OVS_SAMPLE_ATTR_MAX`.
    pub const MAX: u16 = 2;
}

/// `OVS_CHECK_PKT_LEN_ATTR_*`.
pub mod cpl {
    /// `OVS_CHECK_PKT_LEN_ATTR_PKT_LEN`.
    pub const PKT_LEN: u16 = 1;
    /// `OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_GREATER`.
    pub const ACTIONS_IF_GREATER: u16 = 2;
    /// `OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_LESS_EQUAL`.
    pub const ACTIONS_IF_LESS_EQUAL: u16 = 3;
    /// `OVS_CHECK_PKT_LEN_ATTR_MAX`.
    pub const MAX: u16 = 3;
}

/// `OVS_DEC_TTL_ATTR_*`.
pub mod dec_ttl {
    /// `OVS_DEC_TTL_ATTR_ACTION`.
    pub const ACTION: u16 = 1;
    /// `OVS_DEC_TTL_ATTR_MAX`.
    pub const MAX: u16 = 1;
}

/// `OVS_PSAMPLE_ATTR_*`.
pub mod psample {
    /// `OVS_PSAMPLE_ATTR_GROUP`.
    pub const GROUP: u16 = 1;
    /// `OVS_PSAMPLE_ATTR_COOKIE`.
    pub const COOKIE: u16 = 2;
    /// `OVS_PSAMPLE_ATTR_MAX`.
    pub const MAX: u16 = 2;
    /// `OVS_PSAMPLE_COOKIE_MAX_SIZE`.
    pub const COOKIE_MAX_SIZE: u16 = 16;
}

/// `OVS_CT_ATTR_*`.
pub mod ct {
    /// `OVS_CT_ATTR_COMMIT`.
    pub const COMMIT: u16 = 1;
    /// `OVS_CT_ATTR_ZONE`.
    pub const ZONE: u16 = 2;
    /// `OVS_CT_ATTR_MARK`.
    pub const MARK: u16 = 3;
    /// `OVS_CT_ATTR_LABELS`.
    pub const LABELS: u16 = 4;
    /// `OVS_CT_ATTR_HELPER`.
    pub const HELPER: u16 = 5;
    /// `OVS_CT_ATTR_NAT`.
    pub const NAT: u16 = 6;
    /// `OVS_CT_ATTR_FORCE_COMMIT`.
    pub const FORCE_COMMIT: u16 = 7;
    /// `OVS_CT_ATTR_EVENTMASK`.
    pub const EVENTMASK: u16 = 8;
    /// `OVS_CT_ATTR_TIMEOUT`.
    pub const TIMEOUT: u16 = 9;
    /// `OVS_CT_ATTR_MAX`.
    pub const MAX: u16 = 9;
}

/// `OVS_NAT_ATTR_*`.
pub mod nat {
    /// `OVS_NAT_ATTR_SRC`.
    pub const SRC: u16 = 1;
    /// `OVS_NAT_ATTR_DST`.
    pub const DST: u16 = 2;
    /// `OVS_NAT_ATTR_IP_MIN`.
    pub const IP_MIN: u16 = 3;
    /// `OVS_NAT_ATTR_IP_MAX`.
    pub const IP_MAX: u16 = 4;
    /// `OVS_NAT_ATTR_PROTO_MIN`.
    pub const PROTO_MIN: u16 = 5;
    /// `OVS_NAT_ATTR_PROTO_MAX`.
    pub const PROTO_MAX: u16 = 6;
    /// `OVS_NAT_ATTR_PERSISTENT`.
    pub const PERSISTENT: u16 = 7;
    /// `OVS_NAT_ATTR_PROTO_HASH`.
    pub const PROTO_HASH: u16 = 8;
    /// `OVS_NAT_ATTR_PROTO_RANDOM`.
    pub const PROTO_RANDOM: u16 = 9;
    /// `OVS_NAT_ATTR_MAX`.
    pub const MAX: u16 = 9;
}

/// `OVS_TUNNEL_KEY_ATTR_*` (numbering starts at 0).
pub mod tun {
    /// `OVS_TUNNEL_KEY_ATTR_ID`.
    pub const ID: u16 = 0;
    /// `OVS_TUNNEL_KEY_ATTR_IPV4_SRC`.
    pub const IPV4_SRC: u16 = 1;
    /// `OVS_TUNNEL_KEY_ATTR_IPV4_DST`.
    pub const IPV4_DST: u16 = 2;
    /// `OVS_TUNNEL_KEY_ATTR_TOS`.
    pub const TOS: u16 = 3;
    /// `OVS_TUNNEL_KEY_ATTR_TTL`.
    pub const TTL: u16 = 4;
    /// `OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT`.
    pub const DONT_FRAGMENT: u16 = 5;
    /// `OVS_TUNNEL_KEY_ATTR_CSUM`.
    pub const CSUM: u16 = 6;
    /// `OVS_TUNNEL_KEY_ATTR_OAM`.
    pub const OAM: u16 = 7;
    /// `OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS`.
    pub const GENEVE_OPTS: u16 = 8;
    /// `OVS_TUNNEL_KEY_ATTR_TP_SRC`.
    pub const TP_SRC: u16 = 9;
    /// `OVS_TUNNEL_KEY_ATTR_TP_DST`.
    pub const TP_DST: u16 = 10;
    /// `OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS`.
    pub const VXLAN_OPTS: u16 = 11;
    /// `OVS_TUNNEL_KEY_ATTR_IPV6_SRC`.
    pub const IPV6_SRC: u16 = 12;
    /// `OVS_TUNNEL_KEY_ATTR_IPV6_DST`.
    pub const IPV6_DST: u16 = 13;
    /// `OVS_TUNNEL_KEY_ATTR_PAD`.
    pub const PAD: u16 = 14;
    /// `OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS`.
    pub const ERSPAN_OPTS: u16 = 15;
    /// `OVS_TUNNEL_KEY_ATTR_IPV4_INFO_BRIDGE`.
    pub const IPV4_INFO_BRIDGE: u16 = 16;
    /// `OVS_TUNNEL_KEY_ATTR_MAX`.
    pub const MAX: u16 = 16;
    /// `OVS_VXLAN_EXT_GBP` (inside `VXLAN_OPTS`).
    pub const VXLAN_EXT_GBP: u16 = 1;
    /// `OVS_VXLAN_EXT_MAX`.
    pub const VXLAN_EXT_MAX: u16 = 1;
}

/// `OVS_NSH_KEY_ATTR_*`.
pub mod nsh {
    /// `OVS_NSH_KEY_ATTR_BASE`: `struct ovs_nsh_key_base` (8 bytes).
    pub const BASE: u16 = 1;
    /// `OVS_NSH_KEY_ATTR_MD1`: `struct ovs_nsh_key_md1` (16 bytes).
    pub const MD1: u16 = 2;
    /// `OVS_NSH_KEY_ATTR_MD2`: variable.
    pub const MD2: u16 = 3;
    /// `OVS_NSH_KEY_ATTR_MAX`.
    pub const MAX: u16 = 3;
    /// `NSH_M_TYPE1`.
    pub const M_TYPE1: u8 = 1;
    /// `NSH_M_TYPE2`.
    pub const M_TYPE2: u8 = 2;
    /// `NSH_CTX_HDRS_MAX_LEN`.
    pub const CTX_HDRS_MAX_LEN: usize = 248;
}

/// EtherTypes the validation looks at.
pub mod eth_p {
    /// `ETH_P_IP`.
    pub const IP: u16 = 0x0800;
    /// `ETH_P_ARP`.
    pub const ARP: u16 = 0x0806;
    /// `ETH_P_RARP`.
    pub const RARP: u16 = 0x8035;
    /// `ETH_P_IPV6`.
    pub const IPV6: u16 = 0x86dd;
    /// `ETH_P_8021Q`.
    pub const VLAN_8021Q: u16 = 0x8100;
    /// `ETH_P_8021AD`.
    pub const VLAN_8021AD: u16 = 0x88a8;
    /// `ETH_P_MPLS_UC`.
    pub const MPLS_UC: u16 = 0x8847;
    /// `ETH_P_MPLS_MC`.
    pub const MPLS_MC: u16 = 0x8848;
    /// `ETH_P_TEB`.
    pub const TEB: u16 = 0x6558;
    /// `ETH_P_NSH`.
    pub const NSH: u16 = 0x894f;

    /// `eth_p_mpls`.
    pub fn is_mpls(t: u16) -> bool {
        t == MPLS_UC || t == MPLS_MC
    }
}

/// `MAC_PROTO_ETHERNET`.
pub const MAC_PROTO_ETHERNET: u8 = 0;
/// `MAC_PROTO_NONE`.
pub const MAC_PROTO_NONE: u8 = 1;
/// `SW_FLOW_KEY_INVALID`, a flag bit kept in `mac_proto`.
pub const SW_FLOW_KEY_INVALID: u8 = 0x80;
/// `DP_MAX_PORTS`: output ports must be below it.
pub const DP_MAX_PORTS: u32 = 65535;
/// `ETH_HLEN`: the smallest truncation length.
pub const ETH_HLEN: u32 = 14;
/// `VLAN_CFI_MASK` (the "tag present" bit of a TCI).
pub const VLAN_CFI_MASK: u16 = 0x1000;
/// `OVS_COPY_ACTIONS_MAX_DEPTH`.
pub const MAX_DEPTH: u32 = 16;
/// `OVS_MPLS_L3_TUNNEL_FLAG_MASK`.
pub const MPLS_L3_TUNNEL_FLAG: u16 = 1;
/// `OVS_HASH_ALG_L4`.
pub const HASH_ALG_L4: u32 = 0;
/// `OVS_HASH_ALG_SYM_L4`.
pub const HASH_ALG_SYM_L4: u32 = 1;
/// `IPPROTO_TCP`.
pub const IPPROTO_TCP: u8 = 6;
/// `IPPROTO_UDP`.
pub const IPPROTO_UDP: u8 = 17;
/// `IPPROTO_SCTP`.
pub const IPPROTO_SCTP: u8 = 132;
/// `NFPROTO_IPV4`.
pub const NFPROTO_IPV4: u8 = 2;
/// `NFPROTO_IPV6`.
pub const NFPROTO_IPV6: u8 = 10;
/// `AF_INET`.
pub const AF_INET: u8 = 2;
/// `AF_INET6`.
pub const AF_INET6: u8 = 10;
