//! The transport layer of IPv4 and IPv6 packets (the L4 half of
//! `key_extract_l3l4`): TCP ports and flags, UDP and SCTP ports, ICMP type
//! and code; ICMPv6 goes to `icmpv6.rs`. A header too short for its fields
//! zeroes them (`memset(&key->tp, ...)`), it is not an error.

use super::clear_tp;
use super::hdr::{bytes, ICMP_HLEN};
use super::icmpv6;
use crate::key::FlowKey;
use crate::matching::attrs::{
    IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP,
};
use crate::packet::Packet;

/// `sizeof(struct tcphdr)`.
const TCP_HLEN: usize = 20;
/// `sizeof(struct udphdr)`.
const UDP_HLEN: usize = 8;
/// `sizeof(struct sctphdr)`.
const SCTP_HLEN: usize = 12;

/// The transport fields for `key.ip_proto` from the header at
/// `pkt.transport` (`ipv6` selects ICMPv6 over ICMP).
pub(super) fn extract(pkt: &mut Packet, key: &mut FlowKey, ipv6: bool) {
    let th = usize::from(pkt.transport);
    let d = &pkt.data;
    match key.ip_proto {
        IPPROTO_TCP => {
            if tcphdr_ok(d, th) {
                key.tp_src = bytes(d, th);
                key.tp_dst = bytes(d, th + 2);
                // TCP_FLAGS_BE16: the 16 bits holding the data offset and
                // flags, masked to the 12 flag bits.
                key.tcp_flags = [d[th + 12] & 0x0f, d[th + 13]];
            } else {
                clear_tp(key);
            }
        }
        IPPROTO_UDP | IPPROTO_SCTP => {
            let len = if key.ip_proto == IPPROTO_UDP {
                UDP_HLEN
            } else {
                SCTP_HLEN
            };
            // udphdr_ok / sctphdr_ok: the ports come first in both.
            if has(d, th, len) {
                key.tp_src = bytes(d, th);
                key.tp_dst = bytes(d, th + 2);
            } else {
                clear_tp(key);
            }
        }
        IPPROTO_ICMP if !ipv6 => {
            // icmphdr_ok; type and code are stored as be16 "ports".
            if has(d, th, ICMP_HLEN) {
                key.tp_src = u16::from(d[th]).to_be_bytes();
                key.tp_dst = u16::from(d[th + 1]).to_be_bytes();
            } else {
                clear_tp(key);
            }
        }
        IPPROTO_ICMPV6 if ipv6 => {
            // icmp6hdr_ok, then parse_icmpv6.
            if has(d, th, ICMP_HLEN) {
                icmpv6::parse_icmpv6(pkt, key);
            } else {
                clear_tp(key);
            }
        }
        _ => {}
    }
}

/// `pskb_may_pull(skb, th + len)` on a linear frame.
fn has(data: &[u8], th: usize, len: usize) -> bool {
    data.len() >= th.saturating_add(len)
}

/// `tcphdr_ok`: the fixed header, a data offset of at least 5 words, and
/// the options within the frame.
fn tcphdr_ok(data: &[u8], th: usize) -> bool {
    if !has(data, th, TCP_HLEN) {
        return false;
    }
    let tcp_len = usize::from(data[th + 12] >> 4) * 4;
    tcp_len >= TCP_HLEN && data.len() >= th + tcp_len
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::key_extract;

    fn ip4(proto: u8, l4: &[u8]) -> Vec<u8> {
        let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
        f.extend_from_slice(&[0x45, 0, 0, 0, 0, 0, 0, 0, 64, proto, 0, 0]);
        f.extend_from_slice(&[10, 0, 0, 1, 10, 0, 0, 2]);
        f.extend_from_slice(l4);
        f
    }

    fn run(f: &[u8]) -> FlowKey {
        let mut key = FlowKey::default();
        key_extract(&mut Packet::from_frame(f), &mut key).unwrap();
        key
    }

    fn tcp(doff: u8, flags: u16) -> Vec<u8> {
        let mut t = vec![0x04, 0xd2, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0];
        t.push((doff << 4) | (flags >> 8) as u8);
        t.push(flags as u8);
        t.extend_from_slice(&[0xff, 0xff, 0, 0, 0, 0]);
        t
    }

    #[test]
    fn tcp_ports_and_twelve_flag_bits() {
        let k = run(&ip4(6, &tcp(5, 0x0fff)));
        assert_eq!((k.tp_src, k.tp_dst), ([0x04, 0xd2], [0, 0x50]));
        assert_eq!(k.tcp_flags, [0x0f, 0xff]);
        let k = run(&ip4(6, &tcp(5, 0x0012)));
        assert_eq!(k.tcp_flags, [0x00, 0x12]);
    }

    #[test]
    fn tcp_bad_data_offset_or_short_zeroes_tp() {
        let k = run(&ip4(6, &tcp(4, 0x002)));
        assert_eq!((k.tp_src, k.tcp_flags), ([0, 0], [0, 0]));
        // Data offset 6 (24 bytes) but only 20 present.
        let k = run(&ip4(6, &tcp(6, 0x002)));
        assert_eq!((k.tp_src, k.tcp_flags), ([0, 0], [0, 0]));
        let k = run(&ip4(6, &tcp(5, 0x002)[..19]));
        assert_eq!(k.tp_dst, [0, 0]);
        assert_eq!(k.ip_proto, 6);
    }

    #[test]
    fn udp_sctp_icmp() {
        let k = run(&ip4(17, &[0, 1, 0, 2, 0, 8, 0, 0]));
        assert_eq!((k.tp_src, k.tp_dst), ([0, 1], [0, 2]));
        let k = run(&ip4(17, &[0, 1, 0, 2, 0, 8, 0]));
        assert_eq!((k.tp_src, k.tp_dst), ([0, 0], [0, 0]));
        let k = run(&ip4(132, &[0, 3, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0]));
        assert_eq!((k.tp_src, k.tp_dst), ([0, 3], [0, 4]));
        let k = run(&ip4(132, &[0, 3, 0, 4, 0, 0, 0, 0, 0, 0, 0]));
        assert_eq!(k.tp_src, [0, 0]);
        let k = run(&ip4(1, &[8, 3, 0, 0, 0, 0, 0, 0]));
        assert_eq!((k.tp_src, k.tp_dst), ([0, 8], [0, 3]));
        let k = run(&ip4(1, &[8, 3, 0, 0, 0, 0, 0]));
        assert_eq!(k.tp_src, [0, 0]);
    }

    #[test]
    fn icmpv6_in_ipv4_is_not_parsed() {
        let k = run(&ip4(58, &[135, 0, 0, 0, 0, 0, 0, 0]));
        assert_eq!((k.ip_proto, k.tp_src), (58, [0, 0]));
    }
}
