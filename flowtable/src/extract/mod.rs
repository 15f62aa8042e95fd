//! Key extraction from packet bytes: what `key_extract` and its helpers in
//! `net/openvswitch/flow.c` do.
//!
//! Files, one layer each: `l2.rs` Ethernet, VLAN tags and the EtherType
//! (802.2/SNAP); `arp.rs`; `ipv4.rs`; `ipv6.rs` with `exthdrs.rs` (the
//! extension-header bits); `l4.rs` TCP/UDP/SCTP/ICMP; `icmpv6.rs` ICMPv6
//! and Neighbor Discovery; `mpls.rs`; `nsh.rs`; `hdr.rs` bounds-checked
//! reads.
//!
//! Differences from the kernel, all invisible to flow matching:
//! - The L2–L4 fields of the key (`eth_src` through `nsh`) are zeroed first.
//!   The kernel leaves whatever its (uninitialised or reused) key held in
//!   fields the packet's protocols do not set; [`FlowKey`] keeps the
//!   kernel's unions as separate fields and promises that only the fields
//!   the EtherType selects are non-zero (what `matching::parse_key` builds).
//! - `pkt.transport` and `pkt.inner_network` are reset to [`NO_OFFSET`]
//!   unless extraction sets them; the kernel leaves them untouched, but a
//!   stale offset would point into a frame whose VLAN tag was just removed.
//! - Memsets of the kernel's `ipv4`/`ipv6` unions do not clear the
//!   conntrack original-tuple fields: those are metadata here, and the
//!   kernel rewrites them in `ovs_ct_fill_key` right after extraction.
//! - No GSO: `SKB_GSO_UDP` never marks a packet as a first fragment.
//! - The frame is linear and complete, so no pull fails: the kernel's
//!   `-ENOMEM` paths (`pskb_may_pull`, `skb_linearize`,
//!   `skb_ensure_writable` failing) cannot occur.

mod arp;
mod exthdrs;
mod hdr;
mod icmpv6;
mod ipv4;
mod ipv6;
mod l2;
mod l4;
mod mpls;
mod nsh;

use std::mem::offset_of;

use crate::actions::consts::SW_FLOW_KEY_INVALID;
use crate::key::FlowKey;
use crate::matching::attrs::{
    eth_p_mpls, eth_type_vlan, ETH_P_ARP, ETH_P_IP, ETH_P_IPV6, ETH_P_NSH, ETH_P_RARP,
    MAC_PROTO_ETHERNET, MAC_PROTO_NONE,
};
use crate::packet::{Packet, NO_OFFSET};
use genl::Errno;

pub use exthdrs::{
    OFPIEH12_AUTH, OFPIEH12_DEST, OFPIEH12_ESP, OFPIEH12_FRAG, OFPIEH12_HOP, OFPIEH12_NONEXT,
    OFPIEH12_ROUTER, OFPIEH12_UNREP, OFPIEH12_UNSEQ,
};
pub use hdr::{OVS_FRAG_TYPE_FIRST, OVS_FRAG_TYPE_NONE};

/// `key_extract`: fills the L2–L4 fields of `key` from `pkt` and sets
/// `pkt`'s offsets (`mac_len`, `network`, `transport`, `inner_network`) and
/// `protocol`. Metadata already in `key` (`in_port`, `mac_proto`, tunnel,
/// recirc id, ...) is kept; for L3 packets (`mac_proto` = 1) the EtherType is
/// taken from `pkt.protocol`. The outer VLAN tag of an Ethernet frame moves
/// from `pkt.data` into `pkt.vlan` (`parse_vlan_tag` with `untag_vlan`).
/// Errors are the kernel's (`-ENOMEM` where it fails to pull a header it
/// needs, `-EINVAL` for an unknown `mac_proto`).
///
/// In practice: `-EINVAL` for an Ethernet frame shorter than 14 bytes, an L3
/// packet whose `protocol` is a VLAN TPID, an NSH header that is short, not
/// version 0, or of an unknown MD type, and a `mac_proto` other than 0 or 1
/// (ignoring the `SW_FLOW_KEY_INVALID` bit, as `ovs_key_mac_proto` does; the
/// bit itself is left for [`key_update`] to clear). Truncated headers are
/// not errors: the key gets what the kernel gives it (see the modules).
pub fn key_extract(pkt: &mut Packet, key: &mut FlowKey) -> Result<(), Errno> {
    // key_extract: "Flags are always used as part of stats" — and every
    // other L2–L4 field with them (see the module doc).
    clear_l2_l4(key);
    pkt.transport = NO_OFFSET;
    pkt.inner_network = NO_OFFSET;

    match key.mac_proto & !SW_FLOW_KEY_INVALID {
        MAC_PROTO_NONE => {
            // key_extract: an L3 packet cannot carry a VLAN tag.
            if eth_type_vlan(pkt.protocol) {
                return Err(Errno::EINVAL);
            }
            pkt.network = 0;
            key.eth_type = pkt.protocol.to_be_bytes();
        }
        // key_extract_mac_proto: anything else is -EINVAL.
        MAC_PROTO_ETHERNET => l2::extract_ethernet(pkt, key)?,
        _ => return Err(Errno::EINVAL),
    }
    // skb_reset_mac_len: the L2 header ends where the network header starts.
    pkt.mac_len = pkt.network;
    key_extract_l3l4(pkt, key)
}

/// `ovs_flow_key_update`: [`key_extract`], then, on success, clears the
/// `SW_FLOW_KEY_INVALID` bit an action set in `mac_proto`.
pub fn key_update(pkt: &mut Packet, key: &mut FlowKey) -> Result<(), Errno> {
    key_extract(pkt, key)?;
    key.mac_proto &= !SW_FLOW_KEY_INVALID;
    Ok(())
}

/// `key_extract_l3l4` (`ovs_flow_key_update_l3l4`): the L3 and L4 fields
/// for `key`'s EtherType, from the network header at `pkt.network`
/// (`pkt.mac_len` for MPLS). Conntrack uses it alone after reassembly;
/// unlike [`key_extract`] it clears only what the kernel clears.
pub fn key_extract_l3l4(pkt: &mut Packet, key: &mut FlowKey) -> Result<(), Errno> {
    match key.eth_type() {
        ETH_P_IP => ipv4::extract(pkt, key),
        ETH_P_ARP | ETH_P_RARP => arp::extract(pkt, key),
        t if eth_p_mpls(t) => mpls::extract(pkt, key),
        ETH_P_IPV6 => ipv6::extract(pkt, key),
        ETH_P_NSH => return nsh::extract(pkt, key),
        _ => {}
    }
    Ok(())
}

/// Zeroes the key's L2–L4 fields (`eth_src` up to the tunnel key).
fn clear_l2_l4(key: &mut FlowKey) {
    let from = offset_of!(FlowKey, eth_src);
    let to = offset_of!(FlowKey, tun);
    key.as_bytes_mut()[from..to].fill(0);
}

/// `memset(&key->ip, 0, ...)`: protocol, TOS, TTL, fragment type.
fn clear_ip(key: &mut FlowKey) {
    key.ip_proto = 0;
    key.ip_tos = 0;
    key.ip_ttl = 0;
    key.ip_frag = 0;
}

/// `memset(&key->tp, 0, ...)`: ports (ICMP type/code) and TCP flags.
fn clear_tp(key: &mut FlowKey) {
    key.tp_src = [0; 2];
    key.tp_dst = [0; 2];
    key.tcp_flags = [0; 2];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::VlanTag;

    fn udp4_frame() -> Vec<u8> {
        let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
        f.extend_from_slice(&[
            0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ]);
        f.extend_from_slice(&[0x12, 0x34, 0x56, 0x78, 0, 8, 0, 0]);
        f
    }

    #[test]
    fn metadata_and_conntrack_survive_stale_l3_fields_do_not() {
        let mut key = FlowKey {
            in_port: 7u16.to_ne_bytes(),
            recirc_id: 9u32.to_ne_bytes(),
            ct_state: 0x21,
            ct_orig_ipv4_src: [1, 2, 3, 4],
            ..FlowKey::default()
        };
        key.tun.id = [0, 0, 0, 0, 0, 0, 0, 5];
        key.ipv6_src = [0xaa; 16];
        key.nsh.np = 3;
        let mut pkt = Packet::from_frame(&udp4_frame());
        key_extract(&mut pkt, &mut key).unwrap();
        assert_eq!(key.in_port(), 7);
        assert_eq!(key.recirc_id(), 9);
        assert_eq!(key.ct_state, 0x21);
        assert_eq!(key.ct_orig_ipv4_src, [1, 2, 3, 4]);
        assert_eq!(key.tun.id[7], 5);
        assert_eq!(key.ipv6_src, [0; 16]);
        assert_eq!(key.nsh.np, 0);
        assert_eq!(key.tp_src, [0x12, 0x34]);
        assert_eq!((pkt.mac_len, pkt.network, pkt.transport), (14, 14, 34));
        assert_eq!(pkt.protocol, 0x0800);
    }

    #[test]
    fn l3_packets_take_the_ethertype_from_protocol() {
        let f = udp4_frame();
        let mut pkt = Packet::from_frame(&f[14..]);
        pkt.protocol = 0x0800;
        pkt.vlan = Some(VlanTag {
            tpid: 0x8100,
            tci: 5,
        });
        let mut key = FlowKey {
            mac_proto: MAC_PROTO_NONE,
            ..FlowKey::default()
        };
        key_extract(&mut pkt, &mut key).unwrap();
        assert_eq!(key.eth_type(), 0x0800);
        assert_eq!(key.vlan_tci, [0, 0]);
        assert_eq!(key.ipv4_dst, [10, 0, 0, 2]);
        assert_eq!((pkt.mac_len, pkt.network, pkt.transport), (0, 0, 20));
    }

    #[test]
    fn l3_vlan_protocol_and_unknown_mac_proto_are_einval() {
        let mut pkt = Packet::from_frame(&[0; 40]);
        pkt.protocol = 0x88a8;
        let mut key = FlowKey {
            mac_proto: MAC_PROTO_NONE,
            ..FlowKey::default()
        };
        assert_eq!(key_extract(&mut pkt, &mut key), Err(Errno::EINVAL));
        key.mac_proto = 2;
        assert_eq!(key_extract(&mut pkt, &mut key), Err(Errno::EINVAL));
    }

    #[test]
    fn short_ethernet_frame_is_einval() {
        let mut pkt = Packet::from_frame(&[0; 13]);
        let mut key = FlowKey::default();
        assert_eq!(key_extract(&mut pkt, &mut key), Err(Errno::EINVAL));
    }

    #[test]
    fn key_update_clears_the_invalid_bit_extract_keeps_it() {
        let mut key = FlowKey {
            mac_proto: SW_FLOW_KEY_INVALID,
            ..FlowKey::default()
        };
        let mut pkt = Packet::from_frame(&udp4_frame());
        key_extract(&mut pkt, &mut key).unwrap();
        assert_eq!(key.mac_proto, SW_FLOW_KEY_INVALID);
        assert_eq!(key.eth_type(), 0x0800);
        let mut pkt = Packet::from_frame(&udp4_frame());
        key_update(&mut pkt, &mut key).unwrap();
        assert_eq!(key.mac_proto, 0);
    }

    #[test]
    fn unknown_ethertype_leaves_transport_unset() {
        let mut f = udp4_frame();
        f[12] = 0x88;
        f[13] = 0xb5;
        let mut pkt = Packet::from_frame(&f);
        pkt.transport = 3;
        let mut key = FlowKey::default();
        key_extract(&mut pkt, &mut key).unwrap();
        assert_eq!(key.eth_type(), 0x88b5);
        assert_eq!(key.ip_proto, 0);
        assert_eq!(pkt.transport, NO_OFFSET);
        assert_eq!(pkt.network, 14);
    }
}
