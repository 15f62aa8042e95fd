//! ICMPv6 (`parse_icmpv6`): type and code, and for Neighbor Solicitation
//! and Advertisement the target address and the source/target link-layer
//! address options, with the kernel's handling of malformed options.

use super::hdr::bytes;
use crate::key::FlowKey;
use crate::matching::attrs::{NDISC_NEIGHBOUR_ADVERTISEMENT, NDISC_NEIGHBOUR_SOLICITATION};
use crate::packet::Packet;

/// `sizeof(struct nd_msg)`: ICMPv6 header plus target address.
const ND_MSG_LEN: usize = 24;
/// `ND_OPT_SOURCE_LL_ADDR`.
const ND_OPT_SOURCE_LL_ADDR: u8 = 1;
/// `ND_OPT_TARGET_LL_ADDR`.
const ND_OPT_TARGET_LL_ADDR: u8 = 2;

/// `parse_icmpv6` for the header at `pkt.transport` (its 8 bytes present).
pub(super) fn parse_icmpv6(pkt: &Packet, key: &mut FlowKey) {
    let th = usize::from(pkt.transport);
    let d = &pkt.data;
    let (icmp_type, code) = (d[th], d[th + 1]);
    // Type and code use the 16-bit port fields, in network order.
    key.tp_src = u16::from(icmp_type).to_be_bytes();
    key.tp_dst = u16::from(code).to_be_bytes();
    if code != 0
        || (icmp_type != NDISC_NEIGHBOUR_SOLICITATION && icmp_type != NDISC_NEIGHBOUR_ADVERTISEMENT)
    {
        return;
    }
    clear_nd(key);
    if !parse_nd(d, th, key) {
        // parse_icmpv6 "invalid": a repeated link-layer option voids all
        // three ND fields.
        clear_nd(key);
    }
}

/// The ND part of `parse_icmpv6`. Returns false for the "invalid" case; a
/// message too short for the target, or an option with length 0 or
/// running past the end, ends parsing and keeps what was found so far.
fn parse_nd(d: &[u8], th: usize, key: &mut FlowKey) -> bool {
    let mut icmp_len = d.len() - th;
    if icmp_len < ND_MSG_LEN {
        return true;
    }
    key.nd_target = bytes(d, th + 8);
    icmp_len -= ND_MSG_LEN;
    let mut opt = th + ND_MSG_LEN;
    while icmp_len >= 8 {
        let opt_type = d[opt];
        let opt_len = usize::from(d[opt + 1]) * 8;
        if opt_len == 0 || opt_len > icmp_len {
            return true;
        }
        // parse_icmpv6: only 8-byte options carry an Ethernet address; a
        // second one is an error only if the first was not all zeros.
        if opt_len == 8 {
            if opt_type == ND_OPT_SOURCE_LL_ADDR {
                if key.nd_sll != [0; 6] {
                    return false;
                }
                key.nd_sll = bytes(d, opt + 2);
            } else if opt_type == ND_OPT_TARGET_LL_ADDR {
                if key.nd_tll != [0; 6] {
                    return false;
                }
                key.nd_tll = bytes(d, opt + 2);
            }
        }
        icmp_len -= opt_len;
        opt += opt_len;
    }
    true
}

/// `memset(&key->ipv6.nd, 0, ...)`.
fn clear_nd(key: &mut FlowKey) {
    key.nd_target = [0; 16];
    key.nd_sll = [0; 6];
    key.nd_tll = [0; 6];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::key_extract;

    const TARGET: [u8; 16] = [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9];
    const SLL: [u8; 8] = [1, 1, 2, 0, 0, 0, 0, 0xaa];
    const TLL: [u8; 8] = [2, 1, 2, 0, 0, 0, 0, 0xbb];

    fn icmp6(icmp: &[u8]) -> Vec<u8> {
        let mut f = vec![0x33, 0x33, 0, 0, 0, 1, 2, 0, 0, 0, 0, 1, 0x86, 0xdd];
        f.extend_from_slice(&[0x60, 0, 0, 0, 0, 0, 58, 255]);
        f.extend_from_slice(&[0; 32]);
        f.extend_from_slice(icmp);
        f
    }

    fn nd(icmp_type: u8, code: u8, opts: &[&[u8]]) -> Vec<u8> {
        let mut m = vec![icmp_type, code, 0, 0, 0, 0, 0, 0];
        m.extend_from_slice(&TARGET);
        for o in opts {
            m.extend_from_slice(o);
        }
        icmp6(&m)
    }

    fn run(f: &[u8]) -> FlowKey {
        let mut key = FlowKey::default();
        key_extract(&mut Packet::from_frame(f), &mut key).unwrap();
        key
    }

    #[test]
    fn echo_request_type_and_code() {
        let k = run(&icmp6(&[128, 0, 0, 0, 0, 0, 0, 0]));
        assert_eq!((k.ip_proto, k.tp_src, k.tp_dst), (58, [0, 128], [0, 0]));
        assert_eq!(k.nd_target, [0; 16]);
    }

    #[test]
    fn solicitation_with_sll_and_advert_with_tll() {
        let k = run(&nd(135, 0, &[&SLL]));
        assert_eq!(k.tp_src, [0, 135]);
        assert_eq!(k.nd_target, TARGET);
        assert_eq!(k.nd_sll, [2, 0, 0, 0, 0, 0xaa]);
        assert_eq!(k.nd_tll, [0; 6]);
        let k = run(&nd(136, 0, &[&TLL, &[5, 1, 0, 0, 0, 0, 0, 0]]));
        assert_eq!(k.nd_tll, [2, 0, 0, 0, 0, 0xbb]);
        assert_eq!(k.nd_sll, [0; 6]);
    }

    #[test]
    fn nonzero_code_is_not_nd() {
        let k = run(&nd(135, 1, &[&SLL]));
        assert_eq!((k.tp_src, k.tp_dst), ([0, 135], [0, 1]));
        assert_eq!(k.nd_target, [0; 16]);
    }

    #[test]
    fn repeated_option_voids_nd() {
        let k = run(&nd(135, 0, &[&SLL, &SLL]));
        assert_eq!((k.nd_target, k.nd_sll), ([0; 16], [0; 6]));
        assert_eq!(k.tp_src, [0, 135]);
        // A first all-zero address does not count as seen.
        let zero = [1, 1, 0, 0, 0, 0, 0, 0];
        let k = run(&nd(135, 0, &[&zero, &SLL]));
        assert_eq!(k.nd_sll, [2, 0, 0, 0, 0, 0xaa]);
    }

    #[test]
    fn bad_option_length_keeps_what_was_parsed() {
        let k = run(&nd(136, 0, &[&TLL, &[1, 0, 0, 0, 0, 0, 0, 0]]));
        assert_eq!(k.nd_target, TARGET);
        assert_eq!(k.nd_tll, [2, 0, 0, 0, 0, 0xbb]);
        let k = run(&nd(136, 0, &[&[2, 2, 2, 0, 0, 0, 0, 0xbb]]));
        assert_eq!((k.nd_target, k.nd_tll), (TARGET, [0; 6]));
    }

    #[test]
    fn short_nd_message_has_no_target() {
        let f = nd(135, 0, &[]);
        let k = run(&f[..f.len() - 1]);
        assert_eq!(k.tp_src, [0, 135]);
        assert_eq!(k.nd_target, [0; 16]);
    }

    #[test]
    fn truncated_icmpv6_header_zeroes_tp() {
        let k = run(&icmp6(&[135, 0, 0, 0, 0, 0, 0]));
        assert_eq!((k.ip_proto, k.tp_src), (58, [0, 0]));
    }
}
