//! [`Packet`]: the parts of a `struct sk_buff` the OVS data plane uses — the
//! frame, its accelerated outer VLAN tag, header offsets and the metadata
//! actions read and write. Key extraction ([`crate::extract`]) fills the
//! offsets; the executor (crate `dataplane`) edits the frame.

use crate::actions::TunnelInfo;

/// "No such header" in [`Packet`]'s offset fields.
pub const NO_OFFSET: u16 = u16::MAX;

/// An accelerated VLAN tag (`skb->vlan_proto`, `skb->vlan_tci`): the outer
/// tag of an Ethernet frame lives here, not in [`Packet::data`], once key
/// extraction has run (`parse_vlan_tag` with `untag_vlan`), exactly as the
/// kernel keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VlanTag {
    /// TPID (0x8100 or 0x88a8), host order.
    pub tpid: u16,
    /// TCI as carried on the wire (PCP, DEI, VID), host order; the
    /// key's "present" bit (0x1000) is not part of it.
    pub tci: u16,
}

/// A packet in the data plane (`struct sk_buff` plus `OVS_CB(skb)`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Packet {
    /// Bytes from the MAC header on (from the network header for L3
    /// packets, `MAC_PROTO_NONE`), without the accelerated tag in
    /// [`Packet::vlan`].
    pub data: Vec<u8>,
    /// The accelerated outer VLAN tag, if any.
    pub vlan: Option<VlanTag>,
    /// `skb->protocol`: the EtherType of what follows the L2 header (after
    /// all VLAN tags), host order.
    pub protocol: u16,
    /// `skb->mac_len`: bytes of L2 header in `data` (Ethernet header plus
    /// in-data VLAN tags); 0 for L3 packets.
    pub mac_len: u16,
    /// Offset of the network header in `data` (for MPLS: the label stack),
    /// or [`NO_OFFSET`].
    pub network: u16,
    /// Offset of the transport header in `data`, or [`NO_OFFSET`].
    pub transport: u16,
    /// Offset of the inner network header after an MPLS stack
    /// (`skb_inner_network_header`), or [`NO_OFFSET`].
    pub inner_network: u16,
    /// `skb->hash` (0 = none).
    pub hash: u32,
    /// `skb->l4_hash`: the hash covers the 4-tuple.
    pub l4_hash: bool,
    /// `skb->sw_hash`: the hash was set by software (`__skb_set_sw_hash`).
    pub sw_hash: bool,
    /// `skb->priority`.
    pub priority: u32,
    /// `skb->mark`.
    pub mark: u32,
    /// `OVS_CB(skb)->mru` (0 = none).
    pub mru: u16,
    /// `OVS_CB(skb)->cutlen`: bytes a `TRUNC` action cuts at the next
    /// output or userspace action (0 = none).
    pub cutlen: u32,
    /// Tunnel metadata set by `SET(TUNNEL)` (the skb's tunnel dst).
    pub tun_info: Option<Box<TunnelInfo>>,
    /// Datapath port the packet came in on (`OVS_CB(skb)->input_vport`),
    /// [`crate::key::IN_PORT_NONE`] when none.
    pub in_port: u16,
}

impl Packet {
    /// A packet holding an Ethernet frame exactly as received (offsets unset,
    /// no accelerated tag; key extraction sets them).
    pub fn from_frame(frame: &[u8]) -> Packet {
        Packet {
            data: frame.to_vec(),
            network: NO_OFFSET,
            transport: NO_OFFSET,
            inner_network: NO_OFFSET,
            in_port: crate::key::IN_PORT_NONE,
            ..Packet::default()
        }
    }

    /// `skb->len`: the bytes in `data` (the accelerated tag not counted).
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// True when `data` is empty.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The frame as it goes on the wire or into an upcall: `data` with the
    /// accelerated tag re-inserted after the MAC addresses
    /// (`__vlan_hwaccel_push_inside`).
    pub fn wire_bytes(&self, out: &mut Vec<u8>) {
        out.clear();
        match self.vlan {
            Some(tag) if self.data.len() >= 12 => {
                out.extend_from_slice(&self.data[..12]);
                out.extend_from_slice(&tag.tpid.to_be_bytes());
                out.extend_from_slice(&tag.tci.to_be_bytes());
                out.extend_from_slice(&self.data[12..]);
            }
            _ => out.extend_from_slice(&self.data),
        }
    }

    /// Length on the wire: `skb->len` plus 4 for an accelerated tag.
    pub fn wire_len(&self) -> usize {
        self.data.len() + if self.vlan.is_some() { 4 } else { 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_bytes_reinsert_the_accelerated_tag() {
        let mut p = Packet::from_frame(&[1u8; 14]);
        p.data[12] = 0x08;
        p.data[13] = 0x00;
        p.vlan = Some(VlanTag {
            tpid: 0x8100,
            tci: 0x2005,
        });
        let mut out = Vec::new();
        p.wire_bytes(&mut out);
        assert_eq!(out.len(), 18);
        assert_eq!(&out[12..16], &[0x81, 0x00, 0x20, 0x05]);
        assert_eq!(&out[16..18], &[0x08, 0x00]);
        assert_eq!(p.wire_len(), 18);
    }
}
