//! `PUSH_VLAN` / `POP_VLAN` with the accelerated-tag model
//! (`skb_vlan_push`, `skb_vlan_pop`, `__skb_vlan_pop`).

use flowtable::{Packet, VlanTag};
use genl::Errno;

use crate::skb::{
    ensure, off, reset_mac_len, shift_inner_insert, shift_inner_remove, to_off, KeyState, ETH_HLEN,
    TAG_LEN,
};

/// `VLAN_CFI_MASK`: the key's "tag present" bit.
const VLAN_CFI_MASK: u16 = 0x1000;

/// `eth_type_vlan`.
pub(crate) fn eth_type_vlan(t: u16) -> bool {
    t == 0x8100 || t == 0x88a8
}

/// `push_vlan`: with no accelerated tag the key takes the new tag; with one,
/// the key is invalidated and the present tag moves into the frame
/// (`skb_vlan_push`). Then `skb_reset_mac_len`.
pub(crate) fn push_vlan(
    pkt: &mut Packet,
    kx: &mut KeyState<'_>,
    tpid: [u8; 2],
    tci: [u8; 2],
) -> Result<(), Errno> {
    if pkt.vlan.is_some() {
        kx.invalidate();
    } else {
        kx.key.vlan_tci = tci;
        kx.key.vlan_tpid = tpid;
    }
    let r = skb_vlan_push(
        pkt,
        u16::from_be_bytes(tpid),
        u16::from_be_bytes(tci) & !VLAN_CFI_MASK,
    );
    reset_mac_len(pkt);
    r
}

/// `skb_vlan_push`.
fn skb_vlan_push(pkt: &mut Packet, tpid: u16, tci: u16) -> Result<(), Errno> {
    if let Some(cur) = pkt.vlan {
        // __vlan_insert_tag: the MAC addresses move 4 bytes forward, the
        // old tag lands after them.
        if pkt.data.len() < ETH_HLEN {
            return Err(Errno::EINVAL);
        }
        let mut tag = [0u8; 4];
        tag[..2].copy_from_slice(&cur.tpid.to_be_bytes());
        tag[2..].copy_from_slice(&cur.tci.to_be_bytes());
        pkt.data.splice(12..12, tag);
        pkt.protocol = cur.tpid;
        // network_header -= VLAN_HLEN: it stays at the same data offset,
        // now just after the outer EtherType (the in-data tag's TCI).
        shift_inner_insert(pkt, 12, TAG_LEN);
    }
    pkt.vlan = Some(VlanTag { tpid, tci });
    Ok(())
}

/// `pop_vlan`: `skb_vlan_pop`, then the key loses its tag unless another
/// one became the accelerated tag (then it is invalidated).
pub(crate) fn pop_vlan(pkt: &mut Packet, kx: &mut KeyState<'_>) -> Result<(), Errno> {
    let r = skb_vlan_pop(pkt);
    if pkt.vlan.is_some() {
        kx.invalidate();
    } else {
        kx.key.vlan_tci = [0; 2];
        kx.key.vlan_tpid = [0; 2];
    }
    r
}

/// `skb_vlan_pop`: drop the accelerated tag (or the first in-data tag when
/// there is none), then move a following in-data tag to the accelerated
/// slot.
fn skb_vlan_pop(pkt: &mut Packet) -> Result<(), Errno> {
    if pkt.vlan.is_some() {
        pkt.vlan = None;
    } else {
        if !eth_type_vlan(pkt.protocol) {
            return Ok(());
        }
        skb_vlan_pop_data(pkt)?;
    }
    if !eth_type_vlan(pkt.protocol) {
        return Ok(());
    }
    let tpid = pkt.protocol;
    let tci = skb_vlan_pop_data(pkt)?;
    pkt.vlan = Some(VlanTag { tpid, tci });
    Ok(())
}

/// `__skb_vlan_pop`: removes the tag at offset 12 of the frame and returns
/// its TCI; `skb->protocol` becomes the encapsulated type
/// (`vlan_set_encap_proto`).
fn skb_vlan_pop_data(pkt: &mut Packet) -> Result<u16, Errno> {
    ensure(pkt, ETH_HLEN + TAG_LEN)?;
    let d = &mut pkt.data;
    let tci = u16::from_be_bytes([d[14], d[15]]);
    let proto = u16::from_be_bytes([d[16], d[17]]);
    pkt.protocol = if proto >= 0x0600 {
        proto
    } else if d.len() >= 20 && d[18] == 0xff && d[19] == 0xff {
        0x0001 // ETH_P_802_3
    } else {
        0x0004 // ETH_P_802_2
    };
    d.drain(12..16);
    pkt.network = match off(pkt.network) {
        Some(n) if n >= 16 => to_off(n - TAG_LEN),
        _ => ETH_HLEN as u16, // skb_set_network_header(skb, ETH_HLEN)
    };
    shift_inner_remove(pkt, 12, TAG_LEN);
    reset_mac_len(pkt);
    Ok(tci)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowtable::FlowKey;

    fn ip_frame() -> Packet {
        let mut f = vec![1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 0x08, 0x00];
        f.extend_from_slice(&[0x45; 20]);
        let mut p = Packet::from_frame(&f);
        p.protocol = 0x0800;
        p.mac_len = 14;
        p.network = 14;
        p.transport = 34;
        p
    }

    #[test]
    fn push_without_tag_is_accelerated_and_updates_key() {
        let mut p = ip_frame();
        let mut k = FlowKey::default();
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        push_vlan(&mut p, &mut kx, [0x81, 0], [0x10, 0x05]).unwrap();
        assert_eq!(
            p.vlan,
            Some(VlanTag {
                tpid: 0x8100,
                tci: 5
            })
        );
        assert!(!kx.invalid);
        assert_eq!((k.vlan_tpid, k.vlan_tci), ([0x81, 0], [0x10, 0x05]));
        assert_eq!(p.data.len(), 34);
    }

    #[test]
    fn push_with_tag_moves_it_into_the_frame() {
        let mut p = ip_frame();
        p.vlan = Some(VlanTag {
            tpid: 0x8100,
            tci: 7,
        });
        let mut k = FlowKey::default();
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        push_vlan(&mut p, &mut kx, [0x88, 0xa8], [0x10, 0x09]).unwrap();
        assert!(kx.invalid);
        assert_eq!(&p.data[12..18], &[0x81, 0x00, 0x00, 0x07, 0x08, 0x00]);
        assert_eq!(
            p.vlan,
            Some(VlanTag {
                tpid: 0x88a8,
                tci: 9
            })
        );
        assert_eq!(p.protocol, 0x8100);
        assert_eq!((p.network, p.mac_len, p.transport), (14, 14, 38));
        let mut out = Vec::new();
        p.wire_bytes(&mut out);
        assert_eq!(&out[12..22], &[0x88, 0xa8, 0, 9, 0x81, 0, 0, 7, 8, 0]);
    }

    #[test]
    fn pop_accelerated_then_in_data_tag_becomes_accelerated() {
        let mut p = ip_frame();
        p.vlan = Some(VlanTag {
            tpid: 0x8100,
            tci: 7,
        });
        let mut k = FlowKey::default();
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        push_vlan(&mut p, &mut kx, [0x88, 0xa8], [0x10, 0x09]).unwrap();
        let mut k = FlowKey::default();
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        pop_vlan(&mut p, &mut kx).unwrap();
        assert!(kx.invalid);
        assert_eq!(
            p.vlan,
            Some(VlanTag {
                tpid: 0x8100,
                tci: 7
            })
        );
        assert_eq!(p.data, ip_frame().data);
        assert_eq!(
            (p.protocol, p.network, p.mac_len, p.transport),
            (0x0800, 14, 14, 34)
        );
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        k_set(&mut kx);
        pop_vlan(&mut p, &mut kx).unwrap();
        assert!(!kx.invalid);
        assert_eq!(kx.key.vlan_tci, [0, 0]);
        assert_eq!(p.vlan, None);
        // nothing left to pop: a no-op
        pop_vlan(&mut p, &mut kx).unwrap();
        assert_eq!(p.data, ip_frame().data);
    }

    fn k_set(kx: &mut KeyState<'_>) {
        kx.key.vlan_tci = [0x10, 7];
    }

    #[test]
    fn pop_in_data_tag_when_not_accelerated() {
        let mut f = vec![1u8; 12];
        f.extend_from_slice(&[0x81, 0x00, 0x00, 0x03, 0x08, 0x00]);
        f.extend_from_slice(&[0x45; 20]);
        let mut p = Packet::from_frame(&f);
        p.protocol = 0x8100;
        p.network = 14;
        p.mac_len = 14;
        let mut k = FlowKey::default();
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        pop_vlan(&mut p, &mut kx).unwrap();
        assert_eq!(p.data.len(), 34);
        assert_eq!(&p.data[12..14], &[8, 0]);
        assert_eq!((p.protocol, p.network), (0x0800, 14));
        // a short frame with a VLAN protocol fails
        let mut p = Packet::from_frame(&[0; 16]);
        p.protocol = 0x8100;
        assert_eq!(pop_vlan(&mut p, &mut kx), Err(Errno::ENOMEM));
    }
}
