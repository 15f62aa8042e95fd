//! Flow keys and masks as netlink attributes (`flow_netlink.c`, match side):
//! `OVS_FLOW_ATTR_KEY` / `OVS_FLOW_ATTR_MASK` into a [`FlowKey`] pair with
//! the kernel's validation and errnos ([`parse_match`], [`parse_key`]), and
//! back in the kernel's canonical order ([`put_key`]).
//!
//! Where values land in [`FlowKey`] (beyond what `key.rs` documents):
//! - Tunnel options sit at the end of `tun_opts`, as in the kernel
//!   (`TUN_METADATA_OFFSET`: bytes `255 - len .. 255`); a VXLAN GBP is a
//!   host-order u32 there; an ERSPAN key records `tun_opts_len` 12.
//! - An 802.2 key (Ethernet without EtherType) has `eth_type` 0x0004
//!   (`ETH_P_802_2`).
//! - Fields the kernel keeps in unions are filled only where the key's own
//!   EtherType reads them (see `project.rs`); the mask likewise.
//! - A mask's `tun_proto`, `mac_proto` and `tun_opts_len` are 0xff when
//!   matched; `in_port` 0xffff.
//!
//! Every rejection is `EINVAL` (the kernel turns every inner error into it).

pub mod attrs;
mod exact;
mod fields;
mod get;
mod metadata;
mod nla;
mod nsh;
mod parse;
mod project;
mod put;
mod state;
mod tunnel;
mod tunnel_put;
mod validate;
mod vlan;

#[cfg(test)]
mod tests;

use genl::{Errno, Writer};

use crate::key::FlowKey;

pub use tunnel_put::put_tunnel_attrs;

/// A parsed match: the key as given (unmasked) and the mask.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// The key, unmasked (`match->key`).
    pub key: FlowKey,
    /// The mask (`match->mask->key`); all zeros for [`parse_key`].
    pub mask: FlowKey,
}

/// `ovs_nla_get_match` for flow NEW/SET: `key` = payload of
/// `OVS_FLOW_ATTR_KEY` (a list of `OVS_KEY_ATTR_*`), `mask` = payload of
/// `OVS_FLOW_ATTR_MASK` if present. Without a mask: exact match on exactly
/// the fields the key mentioned (plus the whole tunnel key if present).
pub fn parse_match(key: &[u8], mask: Option<&[u8]>) -> Result<Match, Errno> {
    get::get_match(key, mask.map_or(get::MaskArg::Exact, get::MaskArg::Given))
}

/// `ovs_nla_get_match` with no mask at all (`match->mask == NULL`), as flow
/// GET and DEL parse their key: only the key's own rules apply.
pub fn parse_key(key: &[u8]) -> Result<FlowKey, Errno> {
    get::get_match(key, get::MaskArg::NoMask).map(|m| m.key)
}

/// `parse_flow_nlattrs` + `ovs_nla_get_flow_metadata` (packet EXECUTE):
/// only the metadata of a packet key — priority, in_port (65535 when
/// absent), skb_mark, dp_hash, recirc_id, tunnel, conntrack fields (tuples
/// in both `ct_orig_ipv4_*` and `ct_orig_ipv6_*` views), `mac_proto`, and
/// the EtherType of a layer 3 key. Also returns the bitmap of attribute
/// types present (`1 << type`), which the caller checks after extraction.
pub fn parse_metadata(key: &[u8]) -> Result<(FlowKey, u64), Errno> {
    get::get_metadata(key)
}

/// `ip_tun_from_nlattr` into a fresh key, as `validate_and_copy_set_tun`
/// uses it: `payload` = the nested `OVS_TUNNEL_KEY_ATTR_*` list. Returns a
/// key holding `tun`, `tun_proto`, `tun_opts(_len)` and the option
/// attribute type seen (`OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS` / `VXLAN_OPTS` /
/// `ERSPAN_OPTS`, or 0).
pub fn parse_tunnel(payload: &[u8]) -> Result<(FlowKey, u16), Errno> {
    get::get_tunnel(payload)
}

/// `ovs_nla_put_key`: appends attribute `attr` (`OVS_FLOW_ATTR_KEY` /
/// `OVS_FLOW_ATTR_MASK` / `OVS_PACKET_ATTR_KEY`, a nest without
/// `NLA_F_NESTED`) holding the key's attributes in the kernel's canonical
/// order. For a mask, `swkey` is the flow's (masked) key and `output` the
/// mask (`is_mask`), exactly as `__ovs_nla_put_key(swkey, output, is_mask)`.
pub fn put_key(w: &mut Writer, swkey: &FlowKey, output: &FlowKey, attr: u16, is_mask: bool) {
    let nest = w.nest_noflag(attr);
    put::put_key_attrs(w, swkey, output, is_mask);
    w.nest_end(nest);
}
