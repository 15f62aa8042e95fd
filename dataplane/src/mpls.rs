//! `PUSH_MPLS`, `ADD_MPLS`, `POP_MPLS`: `push_mpls` / `pop_mpls` over
//! `skb_mpls_push` / `skb_mpls_pop`.

use flowtable::packet::NO_OFFSET;
use flowtable::Packet;
use genl::Errno;

use crate::skb::{
    ensure, shift_insert, shift_remove, to_off, KeyState, ETH_HLEN, MAC_PROTO_ETHERNET,
    MAC_PROTO_NONE, TAG_LEN,
};

/// `ETH_P_TEB`.
const ETH_P_TEB: u16 = 0x6558;

/// `eth_p_mpls`.
pub(crate) fn eth_p_mpls(t: u16) -> bool {
    t == 0x8847 || t == 0x8848
}

/// `push_mpls`: a label stack entry inserted after the first `mac_len`
/// bytes (`PUSH_MPLS` passes `skb->mac_len`; `ADD_MPLS` 0 unless its L3
/// tunnel flag is set, making the packet L3). The key is invalidated.
pub(crate) fn push_mpls(
    pkt: &mut Packet,
    kx: &mut KeyState<'_>,
    lse: [u8; 4],
    ethertype: [u8; 2],
    mac_len: usize,
) -> Result<(), Errno> {
    skb_mpls_push(
        pkt,
        lse,
        u16::from_be_bytes(ethertype),
        mac_len,
        mac_len != 0,
    )?;
    if mac_len == 0 {
        kx.key.mac_proto = MAC_PROTO_NONE;
    }
    kx.invalidate();
    Ok(())
}

/// `skb_mpls_push`.
fn skb_mpls_push(
    pkt: &mut Packet,
    lse: [u8; 4],
    proto: u16,
    mac_len: usize,
    ethernet: bool,
) -> Result<(), Errno> {
    if !eth_p_mpls(proto) {
        return Err(Errno::EINVAL);
    }
    // The kernel moves mac_len bytes from the MAC header unchecked; a
    // packet shorter than that cannot come out of key extraction.
    ensure(pkt, mac_len)?;
    // The first push records where the inner packet starts (inner_protocol
    // unset is modelled as no inner network offset).
    if pkt.inner_network == NO_OFFSET {
        pkt.inner_network = pkt.network;
    }
    pkt.data.splice(mac_len..mac_len, lse);
    // Headers keep their place relative to skb->head while data moves back.
    pkt.transport = shift_insert(pkt.transport, 0, TAG_LEN);
    pkt.inner_network = shift_insert(pkt.inner_network, 0, TAG_LEN);
    pkt.network = to_off(mac_len);
    pkt.mac_len = to_off(mac_len);
    if ethernet && mac_len >= ETH_HLEN {
        // skb_mod_eth_type on eth_hdr(): the Ethernet header's own type,
        // even when VLAN tags follow it in the frame.
        pkt.data[12..14].copy_from_slice(&proto.to_be_bytes());
    }
    pkt.protocol = proto;
    Ok(())
}

/// `pop_mpls`: the top label goes, the type before it becomes `ethertype`
/// (`ETH_P_TEB` makes the packet Ethernet again). The key is invalidated.
pub(crate) fn pop_mpls(
    pkt: &mut Packet,
    kx: &mut KeyState<'_>,
    ethertype: [u8; 2],
) -> Result<(), Errno> {
    let next = u16::from_be_bytes(ethertype);
    let mac_len = pkt.mac_len as usize;
    skb_mpls_pop(pkt, next, mac_len, kx.mac_proto() == MAC_PROTO_ETHERNET)?;
    if next == ETH_P_TEB {
        kx.key.mac_proto = MAC_PROTO_ETHERNET;
    }
    kx.invalidate();
    Ok(())
}

/// `skb_mpls_pop`: nothing for a non-MPLS packet.
fn skb_mpls_pop(pkt: &mut Packet, next: u16, mac_len: usize, ethernet: bool) -> Result<(), Errno> {
    if !eth_p_mpls(pkt.protocol) {
        return Ok(());
    }
    ensure(pkt, mac_len + TAG_LEN)?;
    pkt.data.drain(mac_len..mac_len + TAG_LEN);
    pkt.network = to_off(mac_len);
    pkt.transport = shift_remove(pkt.transport, 0, TAG_LEN);
    pkt.inner_network = shift_remove(pkt.inner_network, 0, TAG_LEN);
    if ethernet && mac_len >= ETH_HLEN {
        // The type field right before the (former) label stack.
        pkt.data[mac_len - 2..mac_len].copy_from_slice(&next.to_be_bytes());
    }
    pkt.protocol = next;
    if !eth_p_mpls(next) {
        // The last label is gone: the recorded inner header is stale.
        pkt.inner_network = NO_OFFSET;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowtable::FlowKey;

    fn ip_frame() -> Packet {
        let mut f = vec![1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 0x08, 0x00];
        f.extend_from_slice(&[0x45; 20]);
        f.extend_from_slice(&[7; 8]);
        let mut p = Packet::from_frame(&f);
        p.protocol = 0x0800;
        p.mac_len = 14;
        p.network = 14;
        p.transport = 34;
        p
    }

    #[test]
    fn push_then_pop_restores_the_frame() {
        let mut p = ip_frame();
        let orig = p.clone();
        let mut k = FlowKey::default();
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        push_mpls(&mut p, &mut kx, [0, 1, 0x41, 64], [0x88, 0x47], 14).unwrap();
        assert!(kx.invalid);
        assert_eq!(&p.data[12..18], &[0x88, 0x47, 0, 1, 0x41, 64]);
        assert_eq!(
            (
                p.protocol,
                p.network,
                p.mac_len,
                p.transport,
                p.inner_network
            ),
            (0x8847, 14, 14, 38, 18)
        );
        // a second push keeps the inner header
        push_mpls(&mut p, &mut kx, [0, 2, 0x40, 64], [0x88, 0x47], 14).unwrap();
        assert_eq!(p.inner_network, 22);
        assert_eq!(&p.data[14..22], &[0, 2, 0x40, 64, 0, 1, 0x41, 64]);
        pop_mpls(&mut p, &mut kx, [0x88, 0x47]).unwrap();
        assert_eq!(p.inner_network, 18);
        pop_mpls(&mut p, &mut kx, [0x08, 0x00]).unwrap();
        assert_eq!(p.data, orig.data);
        assert_eq!(
            (p.protocol, p.network, p.transport, p.inner_network),
            (0x0800, 14, 34, NO_OFFSET)
        );
        // popping a non-MPLS packet does nothing
        pop_mpls(&mut p, &mut kx, [0x08, 0x00]).unwrap();
        assert_eq!(p.data, orig.data);
    }

    #[test]
    fn add_mpls_without_l3_flag_makes_an_l3_packet() {
        let mut p = ip_frame();
        let mut k = FlowKey::default();
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        push_mpls(&mut p, &mut kx, [0, 1, 0x41, 64], [0x88, 0x47], 0).unwrap();
        assert_eq!(&p.data[0..6], &[0, 1, 0x41, 64, 1, 1]);
        assert_eq!((p.network, p.mac_len, p.protocol), (0, 0, 0x8847));
        assert_eq!(kx.key.mac_proto, MAC_PROTO_NONE);
        // pop with TEB: Ethernet again
        pop_mpls(&mut p, &mut kx, [0x65, 0x58]).unwrap();
        assert_eq!(kx.key.mac_proto, MAC_PROTO_ETHERNET);
        assert_eq!(p.data, ip_frame().data);
        assert_eq!(p.protocol, ETH_P_TEB);
    }

    #[test]
    fn errors() {
        let mut p = ip_frame();
        let mut k = FlowKey::default();
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        assert_eq!(
            push_mpls(&mut p, &mut kx, [0; 4], [0x08, 0x00], 14),
            Err(Errno::EINVAL)
        );
        assert!(!kx.invalid);
        let mut p = Packet::from_frame(&[0; 16]);
        p.protocol = 0x8847;
        p.mac_len = 14;
        assert_eq!(pop_mpls(&mut p, &mut kx, [8, 0]), Err(Errno::ENOMEM));
    }
}
