//! The link layer of an Ethernet frame: addresses, the outer and inner VLAN
//! tags (`parse_vlan`, `parse_vlan_tag`) and the EtherType, including
//! 802.2 LLC and SNAP frames (`parse_ethertype`).

use genl::Errno;

use super::hdr::{be16, bytes, check_header, offset, ETH_ADDRS_LEN, ETH_HLEN, VLAN_HLEN};
use crate::key::FlowKey;
use crate::matching::attrs::{eth_type_vlan, ETH_P_802_2, ETH_P_802_3_MIN, VLAN_CFI_MASK};
use crate::packet::{Packet, VlanTag};

/// `sizeof(struct llc_snap_hdr)`: DSAP, SSAP, control, OUI, EtherType.
const LLC_SNAP_LEN: usize = 8;
/// `LLC_SAP_SNAP`.
const LLC_SAP_SNAP: u8 = 0xaa;

/// The Ethernet part of `key_extract`: addresses, VLAN tags (the outer one
/// leaves `pkt.data` for `pkt.vlan`), EtherType; sets `pkt.protocol` and
/// `pkt.network` (just past the L2 header).
pub(super) fn extract_ethernet(pkt: &mut Packet, key: &mut FlowKey) -> Result<(), Errno> {
    check_header(&pkt.data, ETH_HLEN)?;
    key.eth_dst = bytes(&pkt.data, 0);
    key.eth_src = bytes(&pkt.data, 6);

    let mut at = ETH_ADDRS_LEN;
    parse_vlan(pkt, key, &mut at);
    let eth_type = parse_ethertype(&pkt.data, &mut at);
    key.eth_type = eth_type.to_be_bytes();

    // key_extract: a doubly tagged packet keeps the inner TPID as its
    // protocol (skb_vlan_pop() shifts the EtherType in later).
    pkt.protocol = if u16::from_be_bytes(key.cvlan_tci) & VLAN_CFI_MASK != 0 {
        u16::from_be_bytes(key.cvlan_tpid)
    } else {
        eth_type
    };
    pkt.network = offset(at);
    Ok(())
}

/// `parse_vlan`: the outer tag from `pkt.vlan` (already accelerated) or
/// from the frame (then removed from it and accelerated), and, only if
/// there was an outer tag, the inner tag from the frame (left in place).
/// `at` is the offset of the next TPID/EtherType, moved past the inner tag.
fn parse_vlan(pkt: &mut Packet, key: &mut FlowKey, at: &mut usize) {
    if let Some(tag) = pkt.vlan {
        key.vlan_tci = (tag.tci | VLAN_CFI_MASK).to_be_bytes();
        key.vlan_tpid = tag.tpid.to_be_bytes();
    } else {
        // parse_vlan: a missing or truncated outer tag ends VLAN parsing.
        let Some(tag) = parse_vlan_tag(&pkt.data, *at) else {
            return;
        };
        key.vlan_tci = (tag.tci | VLAN_CFI_MASK).to_be_bytes();
        key.vlan_tpid = tag.tpid.to_be_bytes();
        // parse_vlan_tag with untag_vlan: __skb_vlan_pop() +
        // __vlan_hwaccel_put_tag(); `at` now names what followed the tag.
        let len = pkt.data.len();
        pkt.data.copy_within(*at + VLAN_HLEN.., *at);
        pkt.data.truncate(len - VLAN_HLEN);
        pkt.vlan = Some(tag);
    }
    if let Some(tag) = parse_vlan_tag(&pkt.data, *at) {
        key.cvlan_tci = (tag.tci | VLAN_CFI_MASK).to_be_bytes();
        key.cvlan_tpid = tag.tpid.to_be_bytes();
        *at += VLAN_HLEN;
    }
}

/// `parse_vlan_tag`: the tag at `at` (TCI as on the wire), or `None` when
/// the TPID is not 802.1Q/802.1ad or fewer than a tag plus an EtherType's
/// bytes remain (a truncated tag is then read as the EtherType).
fn parse_vlan_tag(data: &[u8], at: usize) -> Option<VlanTag> {
    let tpid = be16(data, at);
    if !eth_type_vlan(tpid) {
        return None;
    }
    // parse_vlan_tag: skb->len < sizeof(struct vlan_head) + sizeof(__be16).
    if data.len() - at < VLAN_HLEN + 2 {
        return None;
    }
    Some(VlanTag {
        tpid,
        tci: be16(data, at + 2),
    })
}

/// `eth_proto_is_802_3`: a value at or above 0x0600 is an EtherType, below
/// it an 802.3 length.
fn eth_proto_is_802_3(proto: u16) -> bool {
    proto >= ETH_P_802_3_MIN
}

/// `parse_ethertype`: the EtherType at `at`, or for an 802.3 length the
/// EtherType of a SNAP header (DSAP = SSAP = 0xaa, OUI 0), else
/// `ETH_P_802_2`. Moves `at` past the EtherType/length and any SNAP header.
fn parse_ethertype(data: &[u8], at: &mut usize) -> u16 {
    let proto = be16(data, *at);
    *at += 2;
    if eth_proto_is_802_3(proto) {
        return proto;
    }
    if data.len() - *at < LLC_SNAP_LEN {
        return ETH_P_802_2;
    }
    let llc: [u8; LLC_SNAP_LEN] = bytes(data, *at);
    // parse_ethertype: the control byte is not checked.
    if llc[0] != LLC_SAP_SNAP || llc[1] != LLC_SAP_SNAP || (llc[3] | llc[4] | llc[5]) != 0 {
        return ETH_P_802_2;
    }
    // parse_ethertype: the SNAP header is pulled even when what it carries
    // is not an EtherType.
    *at += LLC_SNAP_LEN;
    let inner = u16::from_be_bytes([llc[6], llc[7]]);
    if eth_proto_is_802_3(inner) {
        inner
    } else {
        ETH_P_802_2
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::key_extract;

    const MACS: [u8; 12] = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1];

    fn frame(rest: &[u8]) -> Vec<u8> {
        let mut f = MACS.to_vec();
        f.extend_from_slice(rest);
        f
    }

    fn run(pkt: &mut Packet) -> FlowKey {
        let mut key = FlowKey::default();
        key_extract(pkt, &mut key).unwrap();
        key
    }

    #[test]
    fn addresses_and_ethertype() {
        let mut p = Packet::from_frame(&frame(&[0x12, 0x34, 0xee]));
        let k = run(&mut p);
        assert_eq!(k.eth_dst, [2, 0, 0, 0, 0, 2]);
        assert_eq!(k.eth_src, [2, 0, 0, 0, 0, 1]);
        assert_eq!(k.eth_type(), 0x1234);
        assert_eq!((p.protocol, p.mac_len, p.network), (0x1234, 14, 14));
    }

    #[test]
    fn outer_tag_moves_into_pkt_vlan() {
        let mut p = Packet::from_frame(&frame(&[0x81, 0x00, 0x20, 0x05, 0x86, 0xdd, 9]));
        let k = run(&mut p);
        assert_eq!(k.vlan_tpid, [0x81, 0x00]);
        assert_eq!(k.vlan_tci, [0x30, 0x05]);
        assert_eq!(k.cvlan_tci, [0, 0]);
        assert_eq!(k.eth_type(), 0x86dd);
        assert_eq!(
            p.vlan,
            Some(VlanTag {
                tpid: 0x8100,
                tci: 0x2005
            })
        );
        assert_eq!(p.data, frame(&[0x86, 0xdd, 9]));
        assert_eq!((p.protocol, p.mac_len, p.network), (0x86dd, 14, 14));
    }

    #[test]
    fn double_tag_inner_stays_in_frame() {
        let f = frame(&[0x88, 0xa8, 0x00, 0x0a, 0x81, 0x00, 0xe0, 0x14, 0x08, 0x06]);
        let mut p = Packet::from_frame(&f);
        let k = run(&mut p);
        assert_eq!(k.vlan_tpid, [0x88, 0xa8]);
        assert_eq!(k.vlan_tci, [0x10, 0x0a]);
        assert_eq!(k.cvlan_tpid, [0x81, 0x00]);
        assert_eq!(k.cvlan_tci, [0xf0, 0x14]);
        assert_eq!(k.eth_type(), 0x0806);
        assert_eq!(p.data.len(), 18);
        assert_eq!(&p.data[12..14], &[0x81, 0x00]);
        // The inner TPID is the protocol of a doubly tagged packet.
        assert_eq!((p.protocol, p.mac_len, p.network), (0x8100, 18, 18));
    }

    #[test]
    fn accelerated_tag_makes_the_frame_tag_the_inner_one() {
        let mut p = Packet::from_frame(&frame(&[0x81, 0x00, 0x00, 0x07, 0x08, 0x00]));
        p.vlan = Some(VlanTag {
            tpid: 0x88a8,
            tci: 0x1003,
        });
        let k = run(&mut p);
        assert_eq!(k.vlan_tci, [0x10, 0x03]);
        assert_eq!(k.vlan_tpid, [0x88, 0xa8]);
        assert_eq!(k.cvlan_tci, [0x10, 0x07]);
        assert_eq!(k.eth_type(), 0x0800);
        assert_eq!(p.data.len(), 18);
        assert_eq!(p.network, 18);
    }

    #[test]
    fn truncated_outer_tag_is_the_ethertype() {
        // Four bytes after the addresses: a TPID and a TCI but no EtherType.
        let mut p = Packet::from_frame(&frame(&[0x81, 0x00, 0x00, 0x05]));
        let k = run(&mut p);
        assert_eq!(k.eth_type(), 0x8100);
        assert_eq!((k.vlan_tci, k.vlan_tpid), ([0, 0], [0, 0]));
        assert_eq!(p.vlan, None);
        assert_eq!(p.data.len(), 16);
        assert_eq!((p.protocol, p.network), (0x8100, 14));
    }

    #[test]
    fn truncated_inner_tag_is_the_ethertype() {
        let f = frame(&[0x81, 0x00, 0x00, 0x05, 0x81, 0x00, 0x00, 0x06]);
        let mut p = Packet::from_frame(&f);
        let k = run(&mut p);
        assert_eq!(k.vlan_tci, [0x10, 0x05]);
        assert_eq!(k.cvlan_tci, [0, 0]);
        assert_eq!(k.eth_type(), 0x8100);
        assert_eq!(p.data.len(), 16);
        assert_eq!((p.protocol, p.network), (0x8100, 14));
    }

    #[test]
    fn third_tag_is_the_ethertype() {
        let f = frame(&[
            0x81, 0x00, 0x00, 0x01, 0x81, 0x00, 0x00, 0x02, 0x81, 0x00, 0x00, 0x03, 0x08, 0x00,
        ]);
        let mut p = Packet::from_frame(&f);
        let k = run(&mut p);
        assert_eq!(k.eth_type(), 0x8100);
        assert_eq!(k.cvlan_tci, [0x10, 0x02]);
        assert_eq!(p.network, 18);
    }

    #[test]
    fn llc_without_snap_is_802_2() {
        let mut p = Packet::from_frame(&frame(&[0x00, 0x20, 0x42, 0x42, 0x03, 0, 0, 0, 0, 0]));
        let k = run(&mut p);
        assert_eq!(k.eth_type(), ETH_P_802_2);
        assert_eq!(p.network, 14);
        assert_eq!(p.protocol, ETH_P_802_2);
    }

    #[test]
    fn short_llc_is_802_2() {
        let mut p = Packet::from_frame(&frame(&[0x00, 0x05, 0xaa, 0xaa, 0x03]));
        let k = run(&mut p);
        assert_eq!(k.eth_type(), ETH_P_802_2);
        assert_eq!(p.network, 14);
    }

    #[test]
    fn snap_carries_an_ethertype() {
        let f = frame(&[0x00, 0x30, 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x06, 1]);
        let mut p = Packet::from_frame(&f);
        let k = run(&mut p);
        assert_eq!(k.eth_type(), 0x0806);
        assert_eq!((p.network, p.mac_len, p.protocol), (22, 22, 0x0806));
    }

    #[test]
    fn snap_with_a_length_is_802_2_but_pulled() {
        let f = frame(&[0x00, 0x30, 0xaa, 0xaa, 0x03, 0, 0, 0, 0x00, 0x40]);
        let mut p = Packet::from_frame(&f);
        let k = run(&mut p);
        assert_eq!(k.eth_type(), ETH_P_802_2);
        assert_eq!(p.network, 22);
    }

    #[test]
    fn snap_with_nonzero_oui_is_802_2() {
        let f = frame(&[0x00, 0x30, 0xaa, 0xaa, 0x03, 0, 0, 1, 0x08, 0x00]);
        let mut p = Packet::from_frame(&f);
        let k = run(&mut p);
        assert_eq!(k.eth_type(), ETH_P_802_2);
        assert_eq!(p.network, 14);
    }
}
