//! The match being parsed (`struct sw_flow_match`) and the attribute table
//! the parsers share (`const struct nlattr *a[OVS_KEY_ATTR_MAX + 1]`).
//!
//! The kernel keeps the L3 fields (IPv4/ARP/IPv6/ND/MPLS/NSH and the
//! conntrack original tuple) in one union, and the tunnel's IPv4 and IPv6
//! addresses in another; an attribute for one protocol can overwrite bytes
//! another already wrote. To reproduce that, the parsers write those fields
//! into byte images of the unions at the kernel's offsets ([`Side::l3`],
//! [`Side::tun`]); [`super::project`] copies them into [`FlowKey`]'s
//! separate fields once the key's EtherType is known.

use crate::key::FlowKey;

use super::attrs::OVS_KEY_ATTR_MAX;

/// Size of the kernel's L3 union (`ipv6` is its largest member).
pub(crate) const L3_LEN: usize = 72;
/// Size of `ip_tunnel_key.u`.
pub(crate) const TUN_ADDR_LEN: usize = 32;

/// Offsets in the L3 union (`struct sw_flow_key`, x86_64).
pub(crate) mod off {
    /// `ipv4.addr.src` (ARP: sender IP).
    pub const IPV4_SRC: usize = 0;
    /// `ipv4.addr.dst` (ARP: target IP).
    pub const IPV4_DST: usize = 4;
    /// `ipv4.ct_orig.src`.
    pub const CT4_SRC: usize = 8;
    /// `ipv4.ct_orig.dst`.
    pub const CT4_DST: usize = 12;
    /// `ipv4.arp.sha`.
    pub const ARP_SHA: usize = 8;
    /// `ipv4.arp.tha`.
    pub const ARP_THA: usize = 14;
    /// `ipv6.addr.src`.
    pub const IPV6_SRC: usize = 0;
    /// `ipv6.addr.dst`.
    pub const IPV6_DST: usize = 16;
    /// `ipv6.label`.
    pub const IPV6_LABEL: usize = 32;
    /// `ipv6.exthdrs`.
    pub const IPV6_EXTHDRS: usize = 36;
    /// `ipv6.ct_orig.src`.
    pub const CT6_SRC: usize = 40;
    /// `ipv6.ct_orig.dst`.
    pub const CT6_DST: usize = 56;
    /// `ipv6.nd.target`.
    pub const ND_TARGET: usize = 40;
    /// `ipv6.nd.sll`.
    pub const ND_SLL: usize = 56;
    /// `ipv6.nd.tll`.
    pub const ND_TLL: usize = 62;
    /// `mpls.num_labels_mask`.
    pub const MPLS_NUM: usize = 0;
    /// `mpls.lse[0]`.
    pub const MPLS_LSE: usize = 4;
    /// `nsh` (base, then context).
    pub const NSH: usize = 0;
}

/// One side of the match: the key or the mask.
#[derive(Clone)]
pub(crate) struct Side {
    /// Every field that is not in a kernel union.
    pub k: FlowKey,
    /// The L3 union's bytes.
    pub l3: [u8; L3_LEN],
    /// The tunnel address union's bytes.
    pub tun: [u8; TUN_ADDR_LEN],
}

impl Side {
    fn new() -> Side {
        Side {
            k: FlowKey::default(),
            l3: [0; L3_LEN],
            tun: [0; TUN_ADDR_LEN],
        }
    }

    /// Copies `v` into the L3 union at `at` (`SW_FLOW_KEY_MEMCPY`).
    pub fn l3_put(&mut self, at: usize, v: &[u8]) {
        self.l3[at..at + v.len()].copy_from_slice(v);
    }
}

/// `struct sw_flow_match`: the key and the mask being built.
#[derive(Clone)]
pub(crate) struct Builder {
    sides: [Side; 2],
}

impl Builder {
    /// A zeroed key and mask (`ovs_match_init` with a zeroed key).
    pub fn new() -> Builder {
        Builder {
            sides: [Side::new(), Side::new()],
        }
    }

    /// The side `is_mask` selects, to write.
    pub fn side(&mut self, is_mask: bool) -> &mut Side {
        &mut self.sides[is_mask as usize]
    }

    /// The key side (`match->key`), to read.
    pub fn key(&self) -> &Side {
        &self.sides[0]
    }

    /// The mask side (`match->mask`), to read.
    pub fn mask(&self) -> &Side {
        &self.sides[1]
    }
}

/// `a[]`: the last attribute seen of each type. Key and mask parsing share
/// it, so a mask attribute that was all zeros (skipped) leaves the key's
/// attribute in place — the VLAN mask code reads it (`encode_vlan_from_nlattrs`).
#[derive(Clone, Copy)]
pub(crate) struct Attrs<'a> {
    a: [Option<&'a [u8]>; OVS_KEY_ATTR_MAX as usize + 1],
}

impl Default for Attrs<'_> {
    fn default() -> Self {
        Attrs {
            a: [None; OVS_KEY_ATTR_MAX as usize + 1],
        }
    }
}

impl<'a> Attrs<'a> {
    /// `a[kind]`.
    pub fn get(&self, kind: u16) -> Option<&'a [u8]> {
        self.a[kind as usize]
    }

    /// `a[kind]`, which the caller knows is set (its bit is in the bitmap).
    pub fn data(&self, kind: u16) -> &'a [u8] {
        self.a[kind as usize].unwrap_or(&[])
    }

    /// `a[kind] = data`.
    pub fn set(&mut self, kind: u16, data: &'a [u8]) {
        self.a[kind as usize] = Some(data);
    }
}

/// `nla_get_be16` (0 for a missing or short payload, which validated
/// attributes never are).
pub(crate) fn be16(d: &[u8]) -> u16 {
    match d {
        [a, b, ..] => u16::from_be_bytes([*a, *b]),
        _ => 0,
    }
}

/// `nla_get_u32`, host order.
pub(crate) fn ne32(d: &[u8]) -> u32 {
    match d {
        [a, b, c, e, ..] => u32::from_ne_bytes([*a, *b, *c, *e]),
        _ => 0,
    }
}

/// The first `N` bytes of `d` (zero-filled when short).
pub(crate) fn arr<const N: usize>(d: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    let n = d.len().min(N);
    out[..n].copy_from_slice(&d[..n]);
    out
}
