//! IPv6 (the IPv6 branch of `key_extract_l3l4`, `parse_ipv6hdr`,
//! `ipv6_find_hdr`): addresses, traffic class, hop limit, flow label,
//! extension-header bits, fragment type and the upper-layer protocol, then
//! the transport header unless the packet is a later fragment.

use super::exthdrs::{get_ipv6_ext_hdrs, ipv6_ext_hdr, NEXTHDR_AUTH, NEXTHDR_ROUTING};
use super::hdr::{
    be16, bytes, offset, IPV6_HLEN, NEXTHDR_FRAGMENT, NEXTHDR_NONE, OVS_FRAG_TYPE_FIRST,
    OVS_FRAG_TYPE_NONE,
};
use super::{clear_ip, clear_tp, l4};
use crate::key::FlowKey;
use crate::matching::attrs::OVS_FRAG_TYPE_LATER;
use crate::packet::Packet;

/// What `parse_ipv6hdr` returned.
enum Parsed {
    /// The header chain ended at an upper-layer protocol (`nh_len` > 0).
    Header,
    /// A fragment with a non-zero offset (returned 0).
    LaterFragment,
    /// `-EINVAL`: the fixed header is missing.
    Short,
    /// `-EPROTO`: the extension-header chain is broken.
    BadChain,
}

/// The IPv6 and transport fields of `key` from the header at
/// `pkt.network`; sets `pkt.transport` (not for a later fragment).
pub(super) fn extract(pkt: &mut Packet, key: &mut FlowKey) {
    match parse_ipv6hdr(pkt, key) {
        Parsed::Header => {}
        Parsed::LaterFragment => {
            clear_tp(key);
            return;
        }
        Parsed::Short => {
            // key_extract_l3l4: -EINVAL clears ip and the addresses, then
            // falls through to -EPROTO's handling; neither is an error.
            clear_ip(key);
            key.ipv6_src = [0; 16];
            key.ipv6_dst = [0; 16];
            pkt.transport = pkt.network;
            return;
        }
        Parsed::BadChain => {
            pkt.transport = pkt.network;
            return;
        }
    }
    l4::extract(pkt, key, true);
}

/// `parse_ipv6hdr`.
fn parse_ipv6hdr(pkt: &mut Packet, key: &mut FlowKey) -> Parsed {
    let nh = usize::from(pkt.network);
    let d = &pkt.data;
    if d.len() < nh.saturating_add(IPV6_HLEN) {
        return Parsed::Short;
    }
    key.ipv6_exthdrs = get_ipv6_ext_hdrs(d, nh).to_ne_bytes();
    key.ip_proto = NEXTHDR_NONE;
    // ipv6_get_dsfield: the traffic class straddles the first two bytes.
    key.ip_tos = (be16(d, nh) >> 4) as u8;
    key.ip_ttl = d[nh + 7];
    // IPV6_FLOWINFO_FLOWLABEL: the low 20 bits of the first word.
    key.ipv6_label = [0, d[nh + 1] & 0x0f, d[nh + 2], d[nh + 3]];
    key.ipv6_src = bytes(d, nh + 8);
    key.ipv6_dst = bytes(d, nh + 24);

    let found = ipv6_find_hdr(d, nh);
    if found.fragment {
        if found.frag_off != 0 {
            key.ip_frag = OVS_FRAG_TYPE_LATER;
            key.ip_proto = NEXTHDR_FRAGMENT;
            return Parsed::LaterFragment;
        }
        key.ip_frag = OVS_FRAG_TYPE_FIRST;
    } else {
        key.ip_frag = OVS_FRAG_TYPE_NONE;
    }
    // parse_ipv6hdr: the chain's error is looked at only after the
    // fragment type is set (ipv6_find_hdr always reports the fragment).
    let Some((nexthdr, payload)) = found.header else {
        return Parsed::BadChain;
    };
    pkt.transport = offset(payload);
    key.ip_proto = nexthdr;
    Parsed::Header
}

/// What `ipv6_find_hdr(skb, &offset, -1, &frag_off, &flags)` reports.
struct Found {
    /// The upper-layer protocol and its offset, or `None` for the
    /// function's negative returns (`-EBADMSG`, `-ENOENT`).
    header: Option<(u8, usize)>,
    /// `IP6_FH_F_FRAG`: a fragment header was met.
    fragment: bool,
    /// The fragment offset (in bytes, low 3 bits clear) of a later
    /// fragment; 0 otherwise.
    frag_off: u16,
}

/// `ipv6_find_hdr` with `target` -1: walks the extension headers of the
/// IPv6 header at `nh` to the first that is not one (or `NEXTHDR_NONE`).
fn ipv6_find_hdr(data: &[u8], nh: usize) -> Found {
    let mut found = Found {
        header: None,
        fragment: false,
        frag_off: 0,
    };
    let mut start = nh + IPV6_HLEN;
    let mut nexthdr = data[nh + 6];
    loop {
        if !ipv6_ext_hdr(nexthdr) || nexthdr == NEXTHDR_NONE {
            found.header = Some((nexthdr, start));
            return found;
        }
        // -EBADMSG: the next-header and length bytes are missing.
        let Some(hp) = data.get(start..start + 2) else {
            return found;
        };
        // ipv6_find_hdr: a routing header must have its 4 fixed bytes.
        if nexthdr == NEXTHDR_ROUTING && data.len() < start + 4 {
            return found;
        }
        let hdrlen = if nexthdr == NEXTHDR_FRAGMENT {
            found.fragment = true;
            let Some(fp) = data.get(start + 2..start + 4) else {
                return found;
            };
            let frag_off = u16::from_be_bytes([fp[0], fp[1]]) & !0x7;
            if frag_off != 0 {
                // A later fragment: its next header is the answer only if
                // it is not another extension header (else -ENOENT).
                if !ipv6_ext_hdr(hp[0]) || hp[0] == NEXTHDR_NONE {
                    found.frag_off = frag_off;
                    found.header = Some((hp[0], start));
                }
                return found;
            }
            8
        } else if nexthdr == NEXTHDR_AUTH {
            // ipv6_authlen
            (usize::from(hp[1]) + 2) << 2
        } else {
            // ipv6_optlen
            (usize::from(hp[1]) + 1) << 3
        };
        if data.len() - start < hdrlen {
            return found;
        }
        nexthdr = hp[0];
        start += hdrlen;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::exthdrs::{OFPIEH12_FRAG, OFPIEH12_HOP};
    use crate::extract::key_extract;

    /// An Ethernet + IPv6 frame: traffic class 0xa5, label 0xbcdef, hop
    /// limit 33, next header `nexthdr`, then `rest`.
    fn ip6(nexthdr: u8, rest: &[u8]) -> Vec<u8> {
        let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x86, 0xdd];
        f.extend_from_slice(&[0x6a, 0x5b, 0xcd, 0xef, 0, 0, nexthdr, 33]);
        f.extend_from_slice(&[0xfe, 0x80]);
        f.extend_from_slice(&[0; 13]);
        f.push(1);
        f.extend_from_slice(&[0xfe, 0x80]);
        f.extend_from_slice(&[0; 13]);
        f.push(2);
        f.extend_from_slice(rest);
        f
    }

    fn run(f: &[u8]) -> (FlowKey, Packet) {
        let mut key = FlowKey::default();
        let mut p = Packet::from_frame(f);
        key_extract(&mut p, &mut key).unwrap();
        (key, p)
    }

    const UDP: [u8; 8] = [0, 7, 0, 9, 0, 8, 0, 0];

    #[test]
    fn fixed_header_fields() {
        let (k, p) = run(&ip6(17, &UDP));
        assert_eq!(k.ip_tos, 0xa5);
        assert_eq!(k.ip_ttl, 33);
        assert_eq!(k.ipv6_label, [0, 0x0b, 0xcd, 0xef]);
        assert_eq!(k.ipv6_src[0], 0xfe);
        assert_eq!(k.ipv6_src[15], 1);
        assert_eq!(k.ipv6_dst[15], 2);
        assert_eq!((k.ip_proto, k.ip_frag), (17, OVS_FRAG_TYPE_NONE));
        assert_eq!((k.tp_src, k.tp_dst), ([0, 7], [0, 9]));
        assert_eq!(k.ipv6_exthdrs, [0, 0]);
        assert_eq!(p.transport, 54);
    }

    #[test]
    fn extension_headers_are_skipped() {
        // Hop-by-hop (16 bytes: hdrlen 1), then UDP.
        let mut rest = vec![17, 1];
        rest.resize(16, 0);
        rest.extend_from_slice(&UDP);
        let (k, p) = run(&ip6(0, &rest));
        assert_eq!(k.ip_proto, 17);
        assert_eq!(k.tp_dst, [0, 9]);
        assert_eq!(p.transport, 70);
        assert_eq!(u16::from_ne_bytes(k.ipv6_exthdrs), OFPIEH12_HOP);
    }

    #[test]
    fn auth_header_length_is_in_words() {
        // AH with payload length 1: (1 + 2) * 4 = 12 bytes.
        let mut rest = vec![17, 1];
        rest.resize(12, 0);
        rest.extend_from_slice(&UDP);
        let (k, p) = run(&ip6(51, &rest));
        assert_eq!((k.ip_proto, p.transport), (17, 66));
    }

    #[test]
    fn first_and_later_fragments() {
        let mut first = vec![17, 0, 0, 1, 0, 0, 0, 1];
        first.extend_from_slice(&UDP);
        let (k, p) = run(&ip6(44, &first));
        assert_eq!((k.ip_frag, k.ip_proto), (OVS_FRAG_TYPE_FIRST, 17));
        assert_eq!(k.tp_src, [0, 7]);
        assert_eq!(p.transport, 62);
        assert_eq!(u16::from_ne_bytes(k.ipv6_exthdrs), OFPIEH12_FRAG);

        let mut later = vec![17, 0, 0x01, 0x01, 0, 0, 0, 1];
        later.extend_from_slice(&UDP);
        let (k, p) = run(&ip6(44, &later));
        assert_eq!((k.ip_frag, k.ip_proto), (OVS_FRAG_TYPE_LATER, 44));
        assert_eq!(k.tp_src, [0, 0]);
        assert_eq!(p.transport, crate::packet::NO_OFFSET);
    }

    #[test]
    fn later_fragment_followed_by_an_extension_header_is_a_broken_chain() {
        // ipv6_find_hdr returns -ENOENT with frag_off 0: "first" fragment,
        // protocol NEXTHDR_NONE, transport = network.
        let (k, p) = run(&ip6(44, &[60, 0, 0x01, 0x00, 0, 0, 0, 1]));
        assert_eq!((k.ip_frag, k.ip_proto), (OVS_FRAG_TYPE_FIRST, NEXTHDR_NONE));
        assert_eq!(p.transport, 14);
        assert_eq!(k.ipv6_src[15], 1);
    }

    #[test]
    fn truncated_chain_is_proto_none_with_addresses() {
        let (k, p) = run(&ip6(0, &[17, 1, 0, 0]));
        assert_eq!(k.ip_proto, NEXTHDR_NONE);
        assert_eq!(k.ip_frag, OVS_FRAG_TYPE_NONE);
        assert_eq!(k.ip_ttl, 33);
        assert_eq!(p.transport, 14);
    }

    #[test]
    fn no_next_header() {
        let (k, p) = run(&ip6(59, &[]));
        assert_eq!(k.ip_proto, 59);
        assert_eq!(p.transport, 54);
        assert_eq!(k.ipv6_exthdrs, 1u16.to_ne_bytes());
    }

    #[test]
    fn short_header_zeroes_ip_and_addresses() {
        let f = ip6(17, &[]);
        let (k, p) = run(&f[..53]);
        assert_eq!(k.eth_type(), 0x86dd);
        assert_eq!((k.ip_proto, k.ip_ttl, k.ipv6_src), (0, 0, [0; 16]));
        assert_eq!(p.transport, 14);
    }

    #[test]
    fn truncated_udp_zeroes_ports() {
        let (k, _) = run(&ip6(17, &UDP[..7]));
        assert_eq!((k.ip_proto, k.tp_src), (17, [0, 0]));
    }
}
