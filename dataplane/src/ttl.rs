//! `DEC_TTL`: `execute_dec_ttl` (the expiry handling is in the executor).

use flowtable::Packet;
use genl::Errno;

use crate::csum;
use crate::skb::{ensure, network, KeyState};

/// `-EHOSTUNREACH`: the TTL would expire.
pub(crate) const EHOSTUNREACH: Errno = Errno(113);

/// `execute_dec_ttl`: decrements the IPv4 TTL (with the header checksum) or
/// the IPv6 hop limit, by `skb->protocol`; other packets are left alone.
/// `Err(EHOSTUNREACH)` when the value is already 1 or 0.
pub(crate) fn execute_dec_ttl(pkt: &mut Packet, kx: &mut KeyState<'_>) -> Result<(), Errno> {
    match pkt.protocol {
        0x86dd => {
            let nh = network(pkt)?;
            ensure(pkt, nh + 40)?;
            let hl = pkt.data[nh + 7];
            if hl <= 1 {
                return Err(EHOSTUNREACH);
            }
            pkt.data[nh + 7] = hl - 1;
            kx.key.ip_ttl = hl - 1;
        }
        0x0800 => {
            let nh = network(pkt)?;
            ensure(pkt, nh + 20)?;
            let ttl = pkt.data[nh + 8];
            if ttl <= 1 {
                return Err(EHOSTUNREACH);
            }
            pkt.data[nh + 8] = ttl - 1;
            csum::replace_at(&mut pkt.data, nh + 10, &[ttl, 0], &[ttl - 1, 0]);
            kx.key.ip_ttl = ttl - 1;
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::set::testutil::*;
    use flowtable::FlowKey;

    #[test]
    fn ipv4_ttl_and_checksum() {
        let mut p = ipv4_frame(17, &[0, 1, 0, 2, 0, 8, 0, 0]);
        let mut k = FlowKey::default();
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        for expect in (1..64).rev() {
            execute_dec_ttl(&mut p, &mut kx).unwrap();
            assert_eq!((p.data[22], kx.key.ip_ttl), (expect, expect));
            assert!(ipv4_ok(&p));
        }
        assert_eq!(execute_dec_ttl(&mut p, &mut kx), Err(EHOSTUNREACH));
        assert_eq!(p.data[22], 1);
    }

    #[test]
    fn ipv6_hop_limit_and_other_protocols() {
        let mut p = ipv6_frame(59, &[], 59, &[]);
        p.data[21] = 2;
        let mut k = FlowKey::default();
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        execute_dec_ttl(&mut p, &mut kx).unwrap();
        assert_eq!((p.data[21], kx.key.ip_ttl), (1, 1));
        assert_eq!(execute_dec_ttl(&mut p, &mut kx), Err(EHOSTUNREACH));
        let mut arp = Packet::from_frame(&[0; 42]);
        arp.protocol = 0x0806;
        assert_eq!(execute_dec_ttl(&mut arp, &mut kx), Ok(()));
        let mut short = Packet::from_frame(&[0; 30]);
        short.protocol = 0x0800;
        short.network = 14;
        assert_eq!(execute_dec_ttl(&mut short, &mut kx), Err(Errno::ENOMEM));
    }
}
