//! `SET(MPLS)`: `set_mpls` / `skb_mpls_update_lse`.

use flowtable::Packet;
use genl::Errno;

use super::masked_bytes;
use crate::skb::{ensure, network, KeyState, TAG_LEN};

/// `set_mpls`: the top label stack entry (at the network header) becomes
/// the masked value; the key's first LSE follows.
pub(super) fn set_mpls(
    pkt: &mut Packet,
    kx: &mut KeyState<'_>,
    v: &[u8],
    m: &[u8],
) -> Result<(), Errno> {
    let nh = network(pkt)?;
    ensure(pkt, nh + TAG_LEN)?; // pskb_may_pull
    let lse: [u8; 4] = masked_bytes(&pkt.data[nh..nh + 4], &v[0..4], &m[0..4]);
    // skb_mpls_update_lse
    if !crate::mpls::eth_p_mpls(pkt.protocol) {
        return Err(Errno::EINVAL);
    }
    ensure(pkt, pkt.mac_len as usize + TAG_LEN)?;
    pkt.data[nh..nh + 4].copy_from_slice(&lse);
    kx.key.mpls_lse[0] = lse;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowtable::FlowKey;

    #[test]
    fn top_label_is_rewritten() {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x88, 0x47, 0x00, 0x01, 0x41, 0x40, 0x45]);
        let mut p = Packet::from_frame(&f);
        p.protocol = 0x8847;
        p.mac_len = 14;
        p.network = 14;
        let mut k = FlowKey::default();
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        // label 0x00014 -> 0x00020, TTL kept
        set_mpls(&mut p, &mut kx, &[0, 2, 0, 0], &[0xff, 0xff, 0xf0, 0]).unwrap();
        assert_eq!(&p.data[14..18], &[0x00, 0x02, 0x01, 0x40]);
        assert_eq!(k.mpls_lse[0], [0x00, 0x02, 0x01, 0x40]);
        p.protocol = 0x0800;
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        assert_eq!(
            set_mpls(&mut p, &mut kx, &[0; 4], &[0xff; 4]),
            Err(Errno::EINVAL)
        );
    }
}
