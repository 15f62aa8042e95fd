//! Attribute numbers, payload lengths and constants of the flow key uAPI
//! (`enum ovs_key_attr`, `enum ovs_tunnel_key_attr`, `enum ovs_nsh_key_attr`,
//! the `ovs_*_key_lens` tables of `flow_netlink.c`).

/// `OVS_KEY_ATTR_ENCAP`: nested inner VLAN / L3 attributes.
pub const OVS_KEY_ATTR_ENCAP: u16 = 1;
/// `OVS_KEY_ATTR_PRIORITY`: u32.
pub const OVS_KEY_ATTR_PRIORITY: u16 = 2;
/// `OVS_KEY_ATTR_IN_PORT`: u32.
pub const OVS_KEY_ATTR_IN_PORT: u16 = 3;
/// `OVS_KEY_ATTR_ETHERNET`: `struct ovs_key_ethernet`.
pub const OVS_KEY_ATTR_ETHERNET: u16 = 4;
/// `OVS_KEY_ATTR_VLAN`: be16 TCI.
pub const OVS_KEY_ATTR_VLAN: u16 = 5;
/// `OVS_KEY_ATTR_ETHERTYPE`: be16.
pub const OVS_KEY_ATTR_ETHERTYPE: u16 = 6;
/// `OVS_KEY_ATTR_IPV4`: `struct ovs_key_ipv4`.
pub const OVS_KEY_ATTR_IPV4: u16 = 7;
/// `OVS_KEY_ATTR_IPV6`: `struct ovs_key_ipv6`.
pub const OVS_KEY_ATTR_IPV6: u16 = 8;
/// `OVS_KEY_ATTR_TCP`: `struct ovs_key_tcp`.
pub const OVS_KEY_ATTR_TCP: u16 = 9;
/// `OVS_KEY_ATTR_UDP`: `struct ovs_key_udp`.
pub const OVS_KEY_ATTR_UDP: u16 = 10;
/// `OVS_KEY_ATTR_ICMP`: `struct ovs_key_icmp`.
pub const OVS_KEY_ATTR_ICMP: u16 = 11;
/// `OVS_KEY_ATTR_ICMPV6`: `struct ovs_key_icmpv6`.
pub const OVS_KEY_ATTR_ICMPV6: u16 = 12;
/// `OVS_KEY_ATTR_ARP`: `struct ovs_key_arp`.
pub const OVS_KEY_ATTR_ARP: u16 = 13;
/// `OVS_KEY_ATTR_ND`: `struct ovs_key_nd`.
pub const OVS_KEY_ATTR_ND: u16 = 14;
/// `OVS_KEY_ATTR_SKB_MARK`: u32.
pub const OVS_KEY_ATTR_SKB_MARK: u16 = 15;
/// `OVS_KEY_ATTR_TUNNEL`: nested `OVS_TUNNEL_KEY_ATTR_*`.
pub const OVS_KEY_ATTR_TUNNEL: u16 = 16;
/// `OVS_KEY_ATTR_SCTP`: `struct ovs_key_sctp`.
pub const OVS_KEY_ATTR_SCTP: u16 = 17;
/// `OVS_KEY_ATTR_TCP_FLAGS`: be16.
pub const OVS_KEY_ATTR_TCP_FLAGS: u16 = 18;
/// `OVS_KEY_ATTR_DP_HASH`: u32.
pub const OVS_KEY_ATTR_DP_HASH: u16 = 19;
/// `OVS_KEY_ATTR_RECIRC_ID`: u32.
pub const OVS_KEY_ATTR_RECIRC_ID: u16 = 20;
/// `OVS_KEY_ATTR_MPLS`: array of be32 label stack entries.
pub const OVS_KEY_ATTR_MPLS: u16 = 21;
/// `OVS_KEY_ATTR_CT_STATE`: u32.
pub const OVS_KEY_ATTR_CT_STATE: u16 = 22;
/// `OVS_KEY_ATTR_CT_ZONE`: u16.
pub const OVS_KEY_ATTR_CT_ZONE: u16 = 23;
/// `OVS_KEY_ATTR_CT_MARK`: u32.
pub const OVS_KEY_ATTR_CT_MARK: u16 = 24;
/// `OVS_KEY_ATTR_CT_LABELS`: 16 bytes.
pub const OVS_KEY_ATTR_CT_LABELS: u16 = 25;
/// `OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4`: `struct ovs_key_ct_tuple_ipv4`.
pub const OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4: u16 = 26;
/// `OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6`: `struct ovs_key_ct_tuple_ipv6`.
pub const OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6: u16 = 27;
/// `OVS_KEY_ATTR_NSH`: nested `OVS_NSH_KEY_ATTR_*`.
pub const OVS_KEY_ATTR_NSH: u16 = 28;
/// `OVS_KEY_ATTR_PACKET_TYPE`: userspace only, rejected.
pub const OVS_KEY_ATTR_PACKET_TYPE: u16 = 29;
/// `OVS_KEY_ATTR_ND_EXTENSIONS`: userspace only, rejected.
pub const OVS_KEY_ATTR_ND_EXTENSIONS: u16 = 30;
/// `OVS_KEY_ATTR_TUNNEL_INFO`: kernel internal, rejected.
pub const OVS_KEY_ATTR_TUNNEL_INFO: u16 = 31;
/// `OVS_KEY_ATTR_IPV6_EXTHDRS`: `struct ovs_key_ipv6_exthdrs` (u16).
pub const OVS_KEY_ATTR_IPV6_EXTHDRS: u16 = 32;
/// `OVS_KEY_ATTR_MAX`.
pub const OVS_KEY_ATTR_MAX: u16 = 32;

/// `OVS_TUNNEL_KEY_ATTR_ID`: be64.
pub const OVS_TUNNEL_KEY_ATTR_ID: u16 = 0;
/// `OVS_TUNNEL_KEY_ATTR_IPV4_SRC`: be32.
pub const OVS_TUNNEL_KEY_ATTR_IPV4_SRC: u16 = 1;
/// `OVS_TUNNEL_KEY_ATTR_IPV4_DST`: be32.
pub const OVS_TUNNEL_KEY_ATTR_IPV4_DST: u16 = 2;
/// `OVS_TUNNEL_KEY_ATTR_TOS`: u8.
pub const OVS_TUNNEL_KEY_ATTR_TOS: u16 = 3;
/// `OVS_TUNNEL_KEY_ATTR_TTL`: u8.
pub const OVS_TUNNEL_KEY_ATTR_TTL: u16 = 4;
/// `OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT`: flag.
pub const OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT: u16 = 5;
/// `OVS_TUNNEL_KEY_ATTR_CSUM`: flag.
pub const OVS_TUNNEL_KEY_ATTR_CSUM: u16 = 6;
/// `OVS_TUNNEL_KEY_ATTR_OAM`: flag.
pub const OVS_TUNNEL_KEY_ATTR_OAM: u16 = 7;
/// `OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS`: Geneve option TLVs.
pub const OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS: u16 = 8;
/// `OVS_TUNNEL_KEY_ATTR_TP_SRC`: be16.
pub const OVS_TUNNEL_KEY_ATTR_TP_SRC: u16 = 9;
/// `OVS_TUNNEL_KEY_ATTR_TP_DST`: be16.
pub const OVS_TUNNEL_KEY_ATTR_TP_DST: u16 = 10;
/// `OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS`: nested `OVS_VXLAN_EXT_*`.
pub const OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS: u16 = 11;
/// `OVS_TUNNEL_KEY_ATTR_IPV6_SRC`: 16 bytes.
pub const OVS_TUNNEL_KEY_ATTR_IPV6_SRC: u16 = 12;
/// `OVS_TUNNEL_KEY_ATTR_IPV6_DST`: 16 bytes.
pub const OVS_TUNNEL_KEY_ATTR_IPV6_DST: u16 = 13;
/// `OVS_TUNNEL_KEY_ATTR_PAD`: ignored (must be empty).
pub const OVS_TUNNEL_KEY_ATTR_PAD: u16 = 14;
/// `OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS`: `struct erspan_metadata`.
pub const OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS: u16 = 15;
/// `OVS_TUNNEL_KEY_ATTR_IPV4_INFO_BRIDGE`: flag.
pub const OVS_TUNNEL_KEY_ATTR_IPV4_INFO_BRIDGE: u16 = 16;
/// `OVS_TUNNEL_KEY_ATTR_MAX`.
pub const OVS_TUNNEL_KEY_ATTR_MAX: u16 = 16;

/// `OVS_VXLAN_EXT_GBP`: u32.
pub const OVS_VXLAN_EXT_GBP: u16 = 1;
/// `OVS_VXLAN_EXT_MAX`.
pub const OVS_VXLAN_EXT_MAX: u16 = 1;

/// `OVS_NSH_KEY_ATTR_BASE`: `struct ovs_nsh_key_base` (8 bytes).
pub const OVS_NSH_KEY_ATTR_BASE: u16 = 1;
/// `OVS_NSH_KEY_ATTR_MD1`: `struct ovs_nsh_key_md1` (16 bytes).
pub const OVS_NSH_KEY_ATTR_MD1: u16 = 2;
/// `OVS_NSH_KEY_ATTR_MD2`: variable; not supported in flow keys.
pub const OVS_NSH_KEY_ATTR_MD2: u16 = 3;
/// `OVS_NSH_KEY_ATTR_MAX`.
pub const OVS_NSH_KEY_ATTR_MAX: u16 = 3;

/// `ETH_P_IP`.
pub const ETH_P_IP: u16 = 0x0800;
/// `ETH_P_ARP`.
pub const ETH_P_ARP: u16 = 0x0806;
/// `ETH_P_RARP`.
pub const ETH_P_RARP: u16 = 0x8035;
/// `ETH_P_IPV6`.
pub const ETH_P_IPV6: u16 = 0x86dd;
/// `ETH_P_8021Q`.
pub const ETH_P_8021Q: u16 = 0x8100;
/// `ETH_P_8021AD`.
pub const ETH_P_8021AD: u16 = 0x88a8;
/// `ETH_P_MPLS_UC`.
pub const ETH_P_MPLS_UC: u16 = 0x8847;
/// `ETH_P_MPLS_MC`.
pub const ETH_P_MPLS_MC: u16 = 0x8848;
/// `ETH_P_NSH`.
pub const ETH_P_NSH: u16 = 0x894f;
/// `ETH_P_802_2`: what a key without EtherType stores (an 802.2 frame).
pub const ETH_P_802_2: u16 = 0x0004;
/// `ETH_P_802_3_MIN`: smallest value that is an EtherType.
pub const ETH_P_802_3_MIN: u16 = 0x0600;

/// `AF_INET`: [`crate::FlowKey::tun_proto`] of an IPv4 tunnel.
pub const AF_INET: u8 = 2;
/// `AF_INET6`: [`crate::FlowKey::tun_proto`] of an IPv6 tunnel.
pub const AF_INET6: u8 = 10;

/// `MAC_PROTO_ETHERNET`.
pub const MAC_PROTO_ETHERNET: u8 = 0;
/// `MAC_PROTO_NONE` (a layer 3 flow).
pub const MAC_PROTO_NONE: u8 = 1;

/// `OVS_FRAG_TYPE_LATER`.
pub const OVS_FRAG_TYPE_LATER: u8 = 2;
/// `OVS_FRAG_TYPE_MAX`.
pub const OVS_FRAG_TYPE_MAX: u8 = 2;

/// `VLAN_CFI_MASK`: the "tag present" bit of a TCI.
pub const VLAN_CFI_MASK: u16 = 0x1000;
/// `CT_SUPPORTED_MASK` (conntrack built in).
pub const CT_SUPPORTED_MASK: u32 = 0xff;
/// `NSH_M_TYPE1`.
pub const NSH_M_TYPE1: u8 = 1;
/// `sizeof(struct erspan_metadata)`.
pub const ERSPAN_METADATA_LEN: u8 = 12;
/// `sizeof(struct vxlan_metadata)`.
pub const VXLAN_METADATA_LEN: u8 = 4;
/// `IPPROTO_ICMP`.
pub const IPPROTO_ICMP: u8 = 1;
/// `IPPROTO_TCP`.
pub const IPPROTO_TCP: u8 = 6;
/// `IPPROTO_UDP`.
pub const IPPROTO_UDP: u8 = 17;
/// `IPPROTO_ICMPV6`.
pub const IPPROTO_ICMPV6: u8 = 58;
/// `IPPROTO_SCTP`.
pub const IPPROTO_SCTP: u8 = 132;
/// `NDISC_NEIGHBOUR_SOLICITATION`.
pub const NDISC_NEIGHBOUR_SOLICITATION: u8 = 135;
/// `NDISC_NEIGHBOUR_ADVERTISEMENT`.
pub const NDISC_NEIGHBOUR_ADVERTISEMENT: u8 = 136;

/// An entry of an `ovs_len_tbl`: the payload length an attribute must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Len {
    /// Exactly this many bytes (types missing from a table have 0).
    Fixed(usize),
    /// `OVS_ATTR_NESTED`: any length, holds attributes.
    Nested,
    /// `OVS_ATTR_VARIABLE`: any length.
    Variable,
}

impl Len {
    /// `check_attr_len`.
    pub fn accepts(self, len: usize) -> bool {
        match self {
            Len::Fixed(n) => n == len,
            Len::Nested | Len::Variable => true,
        }
    }
}

/// `ovs_key_lens[type]` (`type` ≤ [`OVS_KEY_ATTR_MAX`]).
pub fn key_len(kind: u16) -> Len {
    match kind {
        OVS_KEY_ATTR_ENCAP | OVS_KEY_ATTR_TUNNEL | OVS_KEY_ATTR_NSH => Len::Nested,
        OVS_KEY_ATTR_MPLS => Len::Variable,
        OVS_KEY_ATTR_PRIORITY
        | OVS_KEY_ATTR_IN_PORT
        | OVS_KEY_ATTR_SKB_MARK
        | OVS_KEY_ATTR_RECIRC_ID
        | OVS_KEY_ATTR_DP_HASH
        | OVS_KEY_ATTR_CT_STATE
        | OVS_KEY_ATTR_CT_MARK => Len::Fixed(4),
        OVS_KEY_ATTR_ETHERNET => Len::Fixed(12),
        OVS_KEY_ATTR_VLAN
        | OVS_KEY_ATTR_ETHERTYPE
        | OVS_KEY_ATTR_TCP_FLAGS
        | OVS_KEY_ATTR_ICMP
        | OVS_KEY_ATTR_ICMPV6
        | OVS_KEY_ATTR_CT_ZONE
        | OVS_KEY_ATTR_IPV6_EXTHDRS => Len::Fixed(2),
        OVS_KEY_ATTR_IPV4 => Len::Fixed(12),
        OVS_KEY_ATTR_IPV6 | OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6 => Len::Fixed(40),
        OVS_KEY_ATTR_TCP | OVS_KEY_ATTR_UDP | OVS_KEY_ATTR_SCTP => Len::Fixed(4),
        OVS_KEY_ATTR_ARP => Len::Fixed(24),
        OVS_KEY_ATTR_ND => Len::Fixed(28),
        OVS_KEY_ATTR_CT_LABELS | OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4 => Len::Fixed(16),
        _ => Len::Fixed(0),
    }
}

/// `ovs_tunnel_key_lens[type]` (`type` ≤ [`OVS_TUNNEL_KEY_ATTR_MAX`]).
pub fn tunnel_len(kind: u16) -> Len {
    match kind {
        OVS_TUNNEL_KEY_ATTR_ID => Len::Fixed(8),
        OVS_TUNNEL_KEY_ATTR_IPV4_SRC | OVS_TUNNEL_KEY_ATTR_IPV4_DST => Len::Fixed(4),
        OVS_TUNNEL_KEY_ATTR_TOS | OVS_TUNNEL_KEY_ATTR_TTL => Len::Fixed(1),
        OVS_TUNNEL_KEY_ATTR_TP_SRC | OVS_TUNNEL_KEY_ATTR_TP_DST => Len::Fixed(2),
        OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS | OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS => Len::Variable,
        OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS => Len::Nested,
        OVS_TUNNEL_KEY_ATTR_IPV6_SRC | OVS_TUNNEL_KEY_ATTR_IPV6_DST => Len::Fixed(16),
        _ => Len::Fixed(0),
    }
}

/// `ovs_vxlan_ext_key_lens[type]`.
pub fn vxlan_ext_len(kind: u16) -> Len {
    match kind {
        OVS_VXLAN_EXT_GBP => Len::Fixed(4),
        _ => Len::Fixed(0),
    }
}

/// `ovs_nsh_key_attr_lens[type]`.
pub fn nsh_len(kind: u16) -> Len {
    match kind {
        OVS_NSH_KEY_ATTR_BASE => Len::Fixed(8),
        OVS_NSH_KEY_ATTR_MD1 => Len::Fixed(16),
        OVS_NSH_KEY_ATTR_MD2 => Len::Variable,
        _ => Len::Fixed(0),
    }
}

/// `eth_type_vlan`: 802.1Q or 802.1ad.
pub fn eth_type_vlan(t: u16) -> bool {
    t == ETH_P_8021Q || t == ETH_P_8021AD
}

/// `eth_p_mpls`: MPLS unicast or multicast.
pub fn eth_p_mpls(t: u16) -> bool {
    t == ETH_P_MPLS_UC || t == ETH_P_MPLS_MC
}

/// One bit of an attribute bitmap (`1ULL << type`).
pub const fn bit(kind: u16) -> u64 {
    1u64 << kind
}
