//! `struct sw_flow_key`: every field a flow can match, in one fixed-size,
//! padding-free block of bytes. The same struct holds a mask (a 1 bit =
//! "this bit matters"). Multi-byte fields keep the byte order they have on
//! the wire: `be` fields network order, the others host order, so
//! (de)serializing is a copy.
//!
//! Where the kernel stores one thing in another's place, so does this key
//! (mirroring `sw_flow_key`'s unions and reuse):
//! - ARP: opcode (low 8 bits) in `ip_proto`; sender/target IP in
//!   `ipv4_src`/`ipv4_dst`; hardware addresses in `arp_sha`/`arp_tha`.
//! - ICMP/ICMPv6: type in `tp_src`, code in `tp_dst`, each as a be16.
//! - `in_port` = 65535 (`DP_MAX_PORTS`) means "no input port".
//! - 802.2 frames (no EtherType): `eth_type` = 0x0004 (`ETH_P_802_2`).
//! - Tunnel options occupy the end of `tun_opts` (its last `tun_opts_len`
//!   bytes), as in the kernel.
//!
//! Fields the kernel keeps in unions are separate here; a key only ever has
//! the ones its EtherType/protocol selects set, the others zero, which is
//! equivalent for masked matching.

use bytemuck::{Pod, Zeroable};

/// `IP_TUNNEL_OPTS_MAX`: bytes of tunnel options a key can hold.
pub const TUN_OPTS_MAX: usize = 255;
/// `MPLS_LABEL_DEPTH`.
pub const MPLS_LABEL_DEPTH: usize = 3;
/// `DP_MAX_PORTS`: the `in_port` value meaning "none".
pub const IN_PORT_NONE: u16 = 65535;

/// Tunnel flag bits kept in [`TunnelKey::flags`] (`TUNNEL_*` / `IP_TUNNEL_*_BIT`).
pub mod tun_flags {
    /// A tunnel id is present (`TUNNEL_KEY`).
    pub const KEY: u16 = 1 << 0;
    /// `OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT`.
    pub const DONT_FRAGMENT: u16 = 1 << 1;
    /// `OVS_TUNNEL_KEY_ATTR_CSUM`.
    pub const CSUM: u16 = 1 << 2;
    /// `OVS_TUNNEL_KEY_ATTR_OAM`.
    pub const OAM: u16 = 1 << 3;
    /// Geneve options present.
    pub const GENEVE_OPT: u16 = 1 << 4;
    /// VXLAN (GBP) options present.
    pub const VXLAN_OPT: u16 = 1 << 5;
    /// ERSPAN options present.
    pub const ERSPAN_OPT: u16 = 1 << 6;
}

/// `struct ip_tunnel_key` as the flow key keeps it.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
pub struct TunnelKey {
    /// be64 tunnel id.
    pub id: [u8; 8],
    /// be32 outer IPv4 source.
    pub ipv4_src: [u8; 4],
    /// be32 outer IPv4 destination.
    pub ipv4_dst: [u8; 4],
    /// Outer IPv6 source.
    pub ipv6_src: [u8; 16],
    /// Outer IPv6 destination.
    pub ipv6_dst: [u8; 16],
    /// Outer TOS / traffic class.
    pub tos: u8,
    /// Outer TTL / hop limit.
    pub ttl: u8,
    /// [`tun_flags`], host order.
    pub flags: [u8; 2],
    /// be16 outer transport source port.
    pub tp_src: [u8; 2],
    /// be16 outer transport destination port.
    pub tp_dst: [u8; 2],
}

/// `struct ovs_key_nsh`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
pub struct NshKey {
    /// Base header flags.
    pub flags: u8,
    /// TTL.
    pub ttl: u8,
    /// MD type.
    pub mdtype: u8,
    /// Next protocol.
    pub np: u8,
    /// be32 service path header (SPI and SI).
    pub path_hdr: [u8; 4],
    /// MD1 context headers, be32 each.
    pub context: [[u8; 4]; 4],
}

/// `struct sw_flow_key`. Field order puts what almost every mask covers
/// first and the large, rarely matched tunnel options last, so masks have
/// short significant ranges.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Pod, Zeroable)]
pub struct FlowKey {
    // --- metadata (host order) ---
    /// `OVS_KEY_ATTR_RECIRC_ID`.
    pub recirc_id: [u8; 4],
    /// `OVS_KEY_ATTR_DP_HASH`.
    pub dp_hash: [u8; 4],
    /// `OVS_KEY_ATTR_PRIORITY`.
    pub priority: [u8; 4],
    /// `OVS_KEY_ATTR_SKB_MARK`.
    pub skb_mark: [u8; 4],
    /// `OVS_KEY_ATTR_IN_PORT` (16 bits kept; [`IN_PORT_NONE`] = none).
    pub in_port: [u8; 2],
    /// `MAC_PROTO_ETHERNET` 0 / `MAC_PROTO_NONE` 1.
    pub mac_proto: u8,
    /// Tunnel address family: 0 none, `AF_INET` 2, `AF_INET6` 10.
    pub tun_proto: u8,
    // --- conntrack ---
    /// `OVS_KEY_ATTR_CT_STATE` (8 bits).
    pub ct_state: u8,
    /// Protocol of the conntrack original-direction tuple.
    pub ct_orig_proto: u8,
    /// `OVS_KEY_ATTR_CT_ZONE`.
    pub ct_zone: [u8; 2],
    /// `OVS_KEY_ATTR_CT_MARK`.
    pub ct_mark: [u8; 4],
    /// `OVS_KEY_ATTR_CT_LABELS`.
    pub ct_labels: [u8; 16],
    /// be16 original-direction transport source port.
    pub ct_orig_tp_src: [u8; 2],
    /// be16 original-direction transport destination port.
    pub ct_orig_tp_dst: [u8; 2],
    /// be32 original-direction IPv4 source.
    pub ct_orig_ipv4_src: [u8; 4],
    /// be32 original-direction IPv4 destination.
    pub ct_orig_ipv4_dst: [u8; 4],
    /// Original-direction IPv6 source.
    pub ct_orig_ipv6_src: [u8; 16],
    /// Original-direction IPv6 destination.
    pub ct_orig_ipv6_dst: [u8; 16],
    // --- L2 (network order) ---
    /// Ethernet source.
    pub eth_src: [u8; 6],
    /// Ethernet destination.
    pub eth_dst: [u8; 6],
    /// Outer VLAN TPID.
    pub vlan_tpid: [u8; 2],
    /// Outer VLAN TCI (0x1000 = tag present).
    pub vlan_tci: [u8; 2],
    /// Inner VLAN TPID.
    pub cvlan_tpid: [u8; 2],
    /// Inner VLAN TCI.
    pub cvlan_tci: [u8; 2],
    /// EtherType (0x0004 for 802.2 frames).
    pub eth_type: [u8; 2],
    // --- L3 ---
    /// IP protocol, or the low 8 bits of the ARP opcode.
    pub ip_proto: u8,
    /// IP TOS / IPv6 traffic class.
    pub ip_tos: u8,
    /// IP TTL / IPv6 hop limit.
    pub ip_ttl: u8,
    /// `OVS_FRAG_TYPE_*`.
    pub ip_frag: u8,
    /// be32 IPv4 (or ARP sender IP) source.
    pub ipv4_src: [u8; 4],
    /// be32 IPv4 (or ARP target IP) destination.
    pub ipv4_dst: [u8; 4],
    // --- L4 (network order), next to IPv4 so common masks stay short ---
    /// Transport source port (ICMP: type).
    pub tp_src: [u8; 2],
    /// Transport destination port (ICMP: code).
    pub tp_dst: [u8; 2],
    /// TCP flags (12 bits).
    pub tcp_flags: [u8; 2],
    /// ARP sender hardware address.
    pub arp_sha: [u8; 6],
    /// ARP target hardware address.
    pub arp_tha: [u8; 6],
    /// IPv6 source.
    pub ipv6_src: [u8; 16],
    /// IPv6 destination.
    pub ipv6_dst: [u8; 16],
    /// be32 IPv6 flow label (20 bits).
    pub ipv6_label: [u8; 4],
    /// `OVS_KEY_ATTR_IPV6_EXTHDRS` bits, host order.
    pub ipv6_exthdrs: [u8; 2],
    /// ND target.
    pub nd_target: [u8; 16],
    /// ND source link-layer address.
    pub nd_sll: [u8; 6],
    /// ND target link-layer address.
    pub nd_tll: [u8; 6],
    /// MPLS label stack entries, be32 each.
    pub mpls_lse: [[u8; 4]; MPLS_LABEL_DEPTH],
    /// Which `mpls_lse` entries are present (bit i = entry i), host order.
    pub mpls_num_labels_mask: [u8; 4],
    /// NSH.
    pub nsh: NshKey,
    // --- tunnel ---
    /// The tunnel key.
    pub tun: TunnelKey,
    /// Bytes used in `tun_opts`.
    pub tun_opts_len: u8,
    /// Tunnel options (Geneve TLVs, VXLAN GBP, ERSPAN metadata).
    pub tun_opts: [u8; TUN_OPTS_MAX],
    /// Zero padding to a whole number of 8-byte words.
    pub _pad: [u8; KEY_PAD],
}

/// Bytes of the key's fields before padding (checked against the struct's
/// size by a test).
const KEY_UNPADDED: usize = 558;
/// Zero bytes that make the key a multiple of 8 bytes long.
pub const KEY_PAD: usize = (8 - KEY_UNPADDED % 8) % 8;
/// Size of a key in bytes.
pub const KEY_LEN: usize = KEY_UNPADDED + KEY_PAD;
/// Size of a key in 8-byte words.
pub const KEY_WORDS: usize = KEY_LEN / 8;

impl Default for FlowKey {
    fn default() -> Self {
        FlowKey::zeroed()
    }
}

impl FlowKey {
    /// The key's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        bytemuck::bytes_of(self)
    }

    /// The key's bytes, writable.
    pub fn as_bytes_mut(&mut self) -> &mut [u8] {
        bytemuck::bytes_of_mut(self)
    }

    /// Word `i` (8 bytes, native order) of the key.
    pub fn word(&self, i: usize) -> u64 {
        let b = &self.as_bytes()[i * 8..i * 8 + 8];
        u64::from_ne_bytes(b.try_into().expect("8 bytes"))
    }

    /// A key with every bit set (an exact-match mask over everything).
    pub fn all_ones() -> FlowKey {
        let mut k = FlowKey::zeroed();
        k.as_bytes_mut().fill(0xff);
        k._pad = [0; KEY_PAD];
        k
    }

    /// `in_port` as a number.
    pub fn in_port(&self) -> u16 {
        u16::from_ne_bytes(self.in_port)
    }

    /// The EtherType as a number.
    pub fn eth_type(&self) -> u16 {
        u16::from_be_bytes(self.eth_type)
    }

    /// `recirc_id` as a number.
    pub fn recirc_id(&self) -> u32 {
        u32::from_ne_bytes(self.recirc_id)
    }

    /// The tunnel flags ([`tun_flags`]).
    pub fn tun_flags(&self) -> u16 {
        u16::from_ne_bytes(self.tun.flags)
    }

    /// True when the outer VLAN tag is present (TCI has 0x1000).
    pub fn has_vlan(&self) -> bool {
        u16::from_be_bytes(self.vlan_tci) & 0x1000 != 0
    }

    /// True for Ethernet flows (`MAC_PROTO_ETHERNET`).
    pub fn is_ethernet(&self) -> bool {
        self.mac_proto == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_has_no_padding_and_whole_words() {
        assert_eq!(std::mem::size_of::<FlowKey>(), KEY_LEN);
        assert_eq!(KEY_LEN % 8, 0);
        assert_eq!(std::mem::size_of::<TunnelKey>(), 56);
    }

    #[test]
    fn all_ones_leaves_padding_zero() {
        let k = FlowKey::all_ones();
        assert_eq!(k.in_port(), 0xffff);
        assert!(k._pad.iter().all(|&b| b == 0));
    }
}
