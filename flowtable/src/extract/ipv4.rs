//! IPv4 (the IPv4 branch of `key_extract_l3l4`, `check_iphdr`): addresses,
//! protocol, TOS, TTL, fragment type, then the transport header unless the
//! packet is a later fragment.

use genl::Errno;

use super::arp::clear_ipv4;
use super::hdr::{be16, bytes, check_header, offset, OVS_FRAG_TYPE_FIRST, OVS_FRAG_TYPE_NONE};
use super::{clear_ip, clear_tp, l4};
use crate::key::FlowKey;
use crate::matching::attrs::OVS_FRAG_TYPE_LATER;
use crate::packet::Packet;

/// `sizeof(struct iphdr)`.
const IPV4_HLEN: usize = 20;
/// `IP_OFFSET`: the fragment offset bits of `frag_off`.
const IP_OFFSET: u16 = 0x1fff;
/// `IP_MF`: more fragments.
const IP_MF: u16 = 0x2000;

/// The IPv4 and transport fields of `key` from the header at
/// `pkt.network`; sets `pkt.transport`.
pub(super) fn extract(pkt: &mut Packet, key: &mut FlowKey) {
    let nh = usize::from(pkt.network);
    let ip_len = match check_iphdr(&pkt.data, nh) {
        Ok(len) => len,
        Err(_) => {
            // key_extract_l3l4: a bad header is not an error; the IP fields
            // are zero and the transport header is the network header.
            clear_ip(key);
            clear_ipv4(key);
            pkt.transport = pkt.network;
            return;
        }
    };
    pkt.transport = offset(nh + ip_len);
    let d = &pkt.data;
    key.ipv4_src = bytes(d, nh + 12);
    key.ipv4_dst = bytes(d, nh + 16);
    key.ip_proto = d[nh + 9];
    key.ip_tos = d[nh + 1];
    key.ip_ttl = d[nh + 8];

    let frag_off = be16(d, nh + 6);
    if frag_off & IP_OFFSET != 0 {
        key.ip_frag = OVS_FRAG_TYPE_LATER;
        clear_tp(key);
        return;
    }
    key.ip_frag = if frag_off & IP_MF != 0 {
        OVS_FRAG_TYPE_FIRST
    } else {
        OVS_FRAG_TYPE_NONE
    };
    l4::extract(pkt, key, false);
}

/// `check_iphdr`: the header length (IHL × 4), or `-EINVAL` when the
/// fixed header is missing, the IHL is below 5, or the options run past
/// the frame. The version field is not checked.
fn check_iphdr(data: &[u8], nh: usize) -> Result<usize, Errno> {
    check_header(data, nh.saturating_add(IPV4_HLEN))?;
    let ip_len = usize::from(data[nh] & 0x0f) * 4;
    if ip_len < IPV4_HLEN || data.len() < nh + ip_len {
        return Err(Errno::EINVAL);
    }
    Ok(ip_len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::key_extract;
    use crate::packet::NO_OFFSET;

    fn ip4(ihl: u8, frag_off: u16, proto: u8, l4: &[u8]) -> Vec<u8> {
        let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
        f.extend_from_slice(&[0x40 | ihl, 0xb8, 0, 0, 0, 1]);
        f.extend_from_slice(&frag_off.to_be_bytes());
        f.extend_from_slice(&[63, proto, 0, 0, 192, 168, 0, 1, 192, 168, 0, 2]);
        f.resize(14 + usize::from(ihl.max(5)) * 4, 1);
        f.extend_from_slice(l4);
        f
    }

    fn run(f: &[u8]) -> (FlowKey, Packet) {
        let mut key = FlowKey::default();
        let mut p = Packet::from_frame(f);
        key_extract(&mut p, &mut key).unwrap();
        (key, p)
    }

    #[test]
    fn header_fields() {
        let (k, p) = run(&ip4(5, 0, 17, &[0, 53, 0x30, 0x39, 0, 8, 0, 0]));
        assert_eq!(k.ipv4_src, [192, 168, 0, 1]);
        assert_eq!(k.ipv4_dst, [192, 168, 0, 2]);
        assert_eq!(
            (k.ip_proto, k.ip_tos, k.ip_ttl, k.ip_frag),
            (17, 0xb8, 63, 0)
        );
        assert_eq!((k.tp_src, k.tp_dst), ([0, 53], [0x30, 0x39]));
        assert_eq!(p.transport, 34);
    }

    #[test]
    fn options_move_the_transport_header() {
        let (k, p) = run(&ip4(7, 0, 17, &[0, 1, 0, 2, 0, 8, 0, 0]));
        assert_eq!(p.transport, 42);
        assert_eq!((k.tp_src, k.tp_dst), ([0, 1], [0, 2]));
    }

    #[test]
    fn first_fragment_has_ports_later_does_not() {
        let (k, _) = run(&ip4(5, IP_MF, 17, &[0, 1, 0, 2, 0, 8, 0, 0]));
        assert_eq!(k.ip_frag, OVS_FRAG_TYPE_FIRST);
        assert_eq!(k.tp_dst, [0, 2]);
        let (k, p) = run(&ip4(5, IP_MF | 3, 17, &[0, 1, 0, 2, 0, 8, 0, 0]));
        assert_eq!(k.ip_frag, OVS_FRAG_TYPE_LATER);
        assert_eq!((k.tp_src, k.tp_dst), ([0, 0], [0, 0]));
        assert_eq!(k.ip_proto, 17);
        assert_eq!(p.transport, 34);
    }

    #[test]
    fn truncated_or_bad_header_zeroes_ip_not_an_error() {
        let f = ip4(5, 0, 6, &[]);
        for bad in [f[..33].to_vec(), ip4(4, 0, 6, &[]), {
            let mut g = ip4(6, 0, 6, &[]);
            g.pop();
            g
        }] {
            let (k, p) = run(&bad);
            assert_eq!(k.eth_type(), 0x0800);
            assert_eq!((k.ip_proto, k.ip_ttl, k.ipv4_src), (0, 0, [0; 4]));
            assert_eq!(p.transport, 14);
            assert_ne!(p.transport, NO_OFFSET);
        }
    }

    #[test]
    fn version_is_not_checked() {
        let mut f = ip4(5, 0, 1, &[8, 0, 0, 0, 0, 0, 0, 0]);
        f[14] = 0x65;
        let (k, _) = run(&f);
        assert_eq!((k.ip_proto, k.tp_src), (1, [0, 8]));
    }
}
