//! `SET(ETHERNET)`: `set_eth_addr`.

use flowtable::Packet;
use genl::Errno;

use super::masked_bytes;
use crate::skb::{ensure, KeyState, ETH_HLEN};

/// `set_eth_addr`: masked write of both MAC addresses (`ovs_key_ethernet`:
/// source at 0, destination at 6); the key takes the packet's new values.
pub(super) fn set_eth_addr(
    pkt: &mut Packet,
    kx: &mut KeyState<'_>,
    v: &[u8],
    m: &[u8],
) -> Result<(), Errno> {
    ensure(pkt, ETH_HLEN)?;
    let d = &mut pkt.data;
    // ether_addr_copy_masked
    let src: [u8; 6] = masked_bytes(&d[6..12], &v[0..6], &m[0..6]);
    let dst: [u8; 6] = masked_bytes(&d[0..6], &v[6..12], &m[6..12]);
    d[6..12].copy_from_slice(&src);
    d[0..6].copy_from_slice(&dst);
    kx.key.eth_src = src;
    kx.key.eth_dst = dst;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowtable::FlowKey;

    #[test]
    fn masked_mac_write_updates_key() {
        let mut p = Packet::from_frame(&[0x11; 20]);
        let mut k = FlowKey::default();
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        let mut v = [0u8; 12];
        let mut m = [0u8; 12];
        v[0..6].copy_from_slice(&[0xaa; 6]); // src
        m[0..6].copy_from_slice(&[0xff; 6]);
        v[6] = 0x20; // dst first byte, high nibble only
        m[6] = 0xf0;
        set_eth_addr(&mut p, &mut kx, &v, &m).unwrap();
        assert_eq!(&p.data[6..12], &[0xaa; 6]);
        assert_eq!(&p.data[0..6], &[0x21, 0x11, 0x11, 0x11, 0x11, 0x11]);
        assert_eq!(kx.key.eth_src, [0xaa; 6]);
        assert_eq!(kx.key.eth_dst, [0x21, 0x11, 0x11, 0x11, 0x11, 0x11]);
        assert_eq!(&p.data[12..], &[0x11; 8]);
        let mut short = Packet::from_frame(&[0; 13]);
        assert_eq!(
            set_eth_addr(&mut short, &mut kx, &v, &m),
            Err(Errno::ENOMEM)
        );
    }
}
