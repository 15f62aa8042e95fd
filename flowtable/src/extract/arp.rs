//! ARP and RARP (the ARP branch of `key_extract_l3l4`): opcode, sender and
//! target addresses of Ethernet/IPv4 ARP, kept where `sw_flow_key` keeps
//! them (opcode in `ip_proto`, IPs in `ipv4_src`/`ipv4_dst`).

use super::clear_ip;
use super::hdr::{be16, bytes};
use crate::key::FlowKey;
use crate::matching::attrs::ETH_P_IP;
use crate::packet::Packet;

/// `sizeof(struct arp_eth_header)`.
const ARP_ETH_LEN: usize = 28;
/// `ARPHRD_ETHER`.
const ARPHRD_ETHER: u16 = 1;

/// The ARP fields of `key` from the header at `pkt.network`; a short
/// header or one that is not Ethernet/IPv4 zeroes them.
pub(super) fn extract(pkt: &mut Packet, key: &mut FlowKey) {
    let nh = usize::from(pkt.network);
    let d = &pkt.data;
    // arphdr_ok, then the hardware/protocol type and address lengths.
    let ok = d.len() >= nh.saturating_add(ARP_ETH_LEN)
        && be16(d, nh) == ARPHRD_ETHER
        && be16(d, nh + 2) == ETH_P_IP
        && d[nh + 4] == 6
        && d[nh + 5] == 4;
    if !ok {
        clear_ip(key);
        clear_ipv4(key);
        return;
    }
    // key_extract_l3l4: only the low 8 bits of the opcode are matched; a
    // larger opcode reads as 0.
    let op = be16(d, nh + 6);
    key.ip_proto = u8::try_from(op).unwrap_or(0);
    key.arp_sha = bytes(d, nh + 8);
    key.ipv4_src = bytes(d, nh + 14);
    key.arp_tha = bytes(d, nh + 18);
    key.ipv4_dst = bytes(d, nh + 24);
}

/// `memset(&key->ipv4, 0, ...)`: addresses and the ARP hardware addresses
/// (not the conntrack original tuple, which is metadata here).
pub(super) fn clear_ipv4(key: &mut FlowKey) {
    key.ipv4_src = [0; 4];
    key.ipv4_dst = [0; 4];
    key.arp_sha = [0; 6];
    key.arp_tha = [0; 6];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::key_extract;

    fn arp(op: u16, hrd: u16) -> Vec<u8> {
        let mut f = vec![0xff; 6];
        f.extend_from_slice(&[2, 0, 0, 0, 0, 1, 0x08, 0x06]);
        f.extend_from_slice(&hrd.to_be_bytes());
        f.extend_from_slice(&[0x08, 0x00, 6, 4]);
        f.extend_from_slice(&op.to_be_bytes());
        f.extend_from_slice(&[2, 0, 0, 0, 0, 1, 10, 0, 0, 1]);
        f.extend_from_slice(&[0, 0, 0, 0, 0, 0, 10, 0, 0, 2]);
        f
    }

    fn run(f: &[u8]) -> FlowKey {
        let mut key = FlowKey::default();
        key_extract(&mut Packet::from_frame(f), &mut key).unwrap();
        key
    }

    #[test]
    fn request_fields() {
        let k = run(&arp(1, 1));
        assert_eq!(k.eth_type(), 0x0806);
        assert_eq!(k.ip_proto, 1);
        assert_eq!(k.arp_sha, [2, 0, 0, 0, 0, 1]);
        assert_eq!(k.ipv4_src, [10, 0, 0, 1]);
        assert_eq!(k.arp_tha, [0; 6]);
        assert_eq!(k.ipv4_dst, [10, 0, 0, 2]);
    }

    #[test]
    fn rarp_uses_the_same_fields() {
        let mut f = arp(3, 1);
        f[12..14].copy_from_slice(&[0x80, 0x35]);
        let k = run(&f);
        assert_eq!(k.eth_type(), 0x8035);
        assert_eq!(k.ip_proto, 3);
        assert_eq!(k.ipv4_dst, [10, 0, 0, 2]);
    }

    #[test]
    fn large_opcode_reads_as_zero() {
        let k = run(&arp(0x0101, 1));
        assert_eq!(k.ip_proto, 0);
        assert_eq!(k.ipv4_src, [10, 0, 0, 1]);
    }

    #[test]
    fn non_ethernet_or_short_arp_is_zero() {
        let k = run(&arp(1, 6));
        assert_eq!((k.ip_proto, k.ipv4_src, k.arp_sha), (0, [0; 4], [0; 6]));
        let f = arp(1, 1);
        let k = run(&f[..f.len() - 1]);
        assert_eq!((k.ip_proto, k.ipv4_dst), (0, [0; 4]));
        assert_eq!(k.eth_type(), 0x0806);
    }
}
