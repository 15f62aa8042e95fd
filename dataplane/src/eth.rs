//! `PUSH_ETH` / `POP_ETH`: `push_eth` / `pop_eth` over `skb_eth_push` /
//! `skb_eth_pop`.

use flowtable::Packet;
use genl::Errno;

use crate::skb::{
    off, shift_insert, shift_remove, KeyState, ETH_HLEN, MAC_PROTO_ETHERNET, MAC_PROTO_NONE,
};
use crate::vlan::eth_type_vlan;
use crate::EPROTO;

/// `push_eth`: an L3 packet (network header at 0, no accelerated tag) gets
/// an Ethernet header whose type is `skb->protocol`; the key becomes
/// Ethernet and invalid.
pub(crate) fn push_eth(
    pkt: &mut Packet,
    kx: &mut KeyState<'_>,
    src: [u8; 6],
    dst: [u8; 6],
) -> Result<(), Errno> {
    if off(pkt.network) != Some(0) || pkt.vlan.is_some() {
        return Err(EPROTO);
    }
    let mut h = [0u8; ETH_HLEN];
    h[0..6].copy_from_slice(&dst);
    h[6..12].copy_from_slice(&src);
    h[12..14].copy_from_slice(&pkt.protocol.to_be_bytes());
    pkt.data.splice(0..0, h);
    pkt.network = shift_insert(pkt.network, 0, ETH_HLEN);
    pkt.transport = shift_insert(pkt.transport, 0, ETH_HLEN);
    pkt.inner_network = shift_insert(pkt.inner_network, 0, ETH_HLEN);
    pkt.mac_len = ETH_HLEN as u16;
    kx.key.mac_proto = MAC_PROTO_ETHERNET;
    kx.invalidate();
    Ok(())
}

/// `pop_eth`: an untagged Ethernet packet loses its Ethernet header; the
/// key becomes L3 and invalid.
pub(crate) fn pop_eth(pkt: &mut Packet, kx: &mut KeyState<'_>) -> Result<(), Errno> {
    let tagged = pkt.vlan.is_some() || eth_type_vlan(pkt.protocol);
    let nh = off(pkt.network).unwrap_or(0);
    if pkt.data.len() < ETH_HLEN || tagged || nh < ETH_HLEN {
        return Err(EPROTO);
    }
    pkt.data.drain(0..ETH_HLEN);
    pkt.network = shift_remove(pkt.network, 0, ETH_HLEN);
    pkt.transport = shift_remove(pkt.transport, 0, ETH_HLEN);
    pkt.inner_network = shift_remove(pkt.inner_network, 0, ETH_HLEN);
    pkt.mac_len = pkt.network;
    kx.key.mac_proto = MAC_PROTO_NONE;
    kx.invalidate();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowtable::FlowKey;

    #[test]
    fn pop_then_push_round_trip() {
        let mut f = vec![1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 0x08, 0x00];
        f.extend_from_slice(&[0x45; 20]);
        let mut p = Packet::from_frame(&f);
        p.protocol = 0x0800;
        p.mac_len = 14;
        p.network = 14;
        p.transport = 34;
        let mut k = FlowKey::default();
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        pop_eth(&mut p, &mut kx).unwrap();
        assert_eq!(
            (p.data.len(), p.network, p.transport, p.mac_len),
            (20, 0, 20, 0)
        );
        assert_eq!((kx.key.mac_proto, kx.invalid), (MAC_PROTO_NONE, true));
        assert_eq!(pop_eth(&mut p, &mut kx), Err(EPROTO));
        push_eth(&mut p, &mut kx, [2; 6], [1; 6]).unwrap();
        assert_eq!(p.data, f);
        assert_eq!((p.network, p.transport, p.mac_len), (14, 34, 14));
        assert_eq!(kx.key.mac_proto, MAC_PROTO_ETHERNET);
        assert_eq!(push_eth(&mut p, &mut kx, [2; 6], [1; 6]), Err(EPROTO));
    }

    #[test]
    fn pop_refuses_vlan_packets() {
        let mut p = Packet::from_frame(&[0; 40]);
        p.network = 14;
        p.vlan = Some(flowtable::VlanTag {
            tpid: 0x8100,
            tci: 1,
        });
        let mut k = FlowKey::default();
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        assert_eq!(pop_eth(&mut p, &mut kx), Err(EPROTO));
        p.vlan = None;
        p.protocol = 0x88a8;
        assert_eq!(pop_eth(&mut p, &mut kx), Err(EPROTO));
        assert!(!kx.invalid);
    }
}
