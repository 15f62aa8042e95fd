//! `get_ipv6_ext_hdrs`: which IPv6 extension headers a packet carries, and
//! whether they repeat or come out of RFC 2460's recommended order, as the
//! `OFPIEH12_*` bits of `OVS_KEY_ATTR_IPV6_EXTHDRS` (host order).

use super::hdr::{IPV6_HLEN, NEXTHDR_FRAGMENT, NEXTHDR_NONE};

/// "No next header" encountered.
pub const OFPIEH12_NONEXT: u16 = 1 << 0;
/// Encapsulating Security Payload header present (never set: see below).
pub const OFPIEH12_ESP: u16 = 1 << 1;
/// Authentication header present.
pub const OFPIEH12_AUTH: u16 = 1 << 2;
/// One or two destination options headers present.
pub const OFPIEH12_DEST: u16 = 1 << 3;
/// Fragment header present.
pub const OFPIEH12_FRAG: u16 = 1 << 4;
/// Routing header present.
pub const OFPIEH12_ROUTER: u16 = 1 << 5;
/// Hop-by-hop options header present (as the first extension header).
pub const OFPIEH12_HOP: u16 = 1 << 6;
/// Unexpected repeats encountered.
pub const OFPIEH12_UNREP: u16 = 1 << 7;
/// Unexpected sequencing encountered.
pub const OFPIEH12_UNSEQ: u16 = 1 << 8;

/// `NEXTHDR_HOP`.
pub(super) const NEXTHDR_HOP: u8 = 0;
/// `NEXTHDR_ROUTING`.
pub(super) const NEXTHDR_ROUTING: u8 = 43;
/// `NEXTHDR_AUTH`.
pub(super) const NEXTHDR_AUTH: u8 = 51;
/// `NEXTHDR_DEST`.
pub(super) const NEXTHDR_DEST: u8 = 60;

/// `ipv6_ext_hdr`: the next-header values that are extension headers
/// (ESP is not one of them).
pub(super) fn ipv6_ext_hdr(nexthdr: u8) -> bool {
    matches!(
        nexthdr,
        NEXTHDR_HOP
            | NEXTHDR_ROUTING
            | NEXTHDR_FRAGMENT
            | NEXTHDR_AUTH
            | NEXTHDR_NONE
            | NEXTHDR_DEST
    )
}

/// `get_ipv6_ext_hdrs` for the IPv6 header at `nh` (its 40 bytes present).
///
/// As in the kernel, every header is skipped with the generic option
/// length `(hdrlen + 1) * 8` (an AH's real length differs), the walk stops
/// quietly at a header whose first two bytes are missing, and ESP is never
/// seen: `ipv6_ext_hdr()` does not list it, so the loop ends before it.
pub(super) fn get_ipv6_ext_hdrs(data: &[u8], nh: usize) -> u16 {
    const AFTER_DEST: u16 = OFPIEH12_HOP | OFPIEH12_DEST | OFPIEH12_UNREP;
    const AFTER_ROUTER: u16 = AFTER_DEST | OFPIEH12_ROUTER;
    const AFTER_FRAG: u16 = AFTER_ROUTER | OFPIEH12_FRAG;

    let mut next = data[nh + 6];
    let mut start = nh + IPV6_HLEN;
    let mut dest_count = 0u32;
    let mut h = 0u16;
    while ipv6_ext_hdr(next) {
        match next {
            NEXTHDR_NONE => return h | OFPIEH12_NONEXT,
            NEXTHDR_AUTH => {
                if h & OFPIEH12_AUTH != 0 {
                    h |= OFPIEH12_UNREP;
                }
                if h & !AFTER_FRAG != 0 || dest_count >= 2 {
                    h |= OFPIEH12_UNSEQ;
                }
                h |= OFPIEH12_AUTH;
            }
            NEXTHDR_DEST => {
                match dest_count {
                    0 => {
                        if h & !(OFPIEH12_HOP | OFPIEH12_UNREP) != 0 {
                            h |= OFPIEH12_UNSEQ;
                        }
                        h |= OFPIEH12_DEST;
                    }
                    1 => {
                        let ok = AFTER_FRAG | OFPIEH12_AUTH | OFPIEH12_ESP;
                        if h & !ok != 0 {
                            h |= OFPIEH12_UNSEQ;
                        }
                    }
                    _ => h |= OFPIEH12_UNREP,
                }
                dest_count += 1;
            }
            NEXTHDR_FRAGMENT => {
                if h & OFPIEH12_FRAG != 0 {
                    h |= OFPIEH12_UNREP;
                }
                if h & !AFTER_ROUTER != 0 || dest_count >= 2 {
                    h |= OFPIEH12_UNSEQ;
                }
                h |= OFPIEH12_FRAG;
            }
            NEXTHDR_ROUTING => {
                if h & OFPIEH12_ROUTER != 0 {
                    h |= OFPIEH12_UNREP;
                }
                if h & !AFTER_DEST != 0 || dest_count >= 2 {
                    h |= OFPIEH12_UNSEQ;
                }
                h |= OFPIEH12_ROUTER;
            }
            // NEXTHDR_HOP (the only extension header left).
            _ => {
                if h & OFPIEH12_HOP != 0 {
                    h |= OFPIEH12_UNREP;
                }
                // get_ipv6_ext_hdrs: HOP only counts as the first header.
                if h == 0 {
                    h |= OFPIEH12_HOP;
                } else {
                    h |= OFPIEH12_UNSEQ;
                }
            }
        }
        let Some(hp) = data.get(start..start + 2) else {
            break;
        };
        next = hp[0];
        start += (usize::from(hp[1]) + 1) * 8;
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An IPv6 header (40 bytes, next header `first`) and then `hdrs`, each
    /// an 8-byte extension header with the given next header.
    fn chain(first: u8, hdrs: &[u8]) -> Vec<u8> {
        let mut d = vec![0x60, 0, 0, 0, 0, 0, first, 64];
        d.resize(IPV6_HLEN, 0);
        for &n in hdrs {
            d.extend_from_slice(&[n, 0, 0, 0, 0, 0, 0, 0]);
        }
        d
    }

    #[test]
    fn recommended_order_sets_only_presence_bits() {
        // HOP, DEST, ROUTING, FRAG, AUTH, DEST, TCP
        let d = chain(0, &[60, 43, 44, 51, 60, 6]);
        let want = OFPIEH12_HOP | OFPIEH12_DEST | OFPIEH12_ROUTER | OFPIEH12_FRAG | OFPIEH12_AUTH;
        assert_eq!(get_ipv6_ext_hdrs(&d, 0), want);
    }

    #[test]
    fn hop_not_first_is_unseq_repeats_are_unrep() {
        let d = chain(60, &[0, 17]);
        assert_eq!(get_ipv6_ext_hdrs(&d, 0), OFPIEH12_DEST | OFPIEH12_UNSEQ);
        // A second routing header also breaks the order (ROUTER is not
        // among the headers allowed before one).
        let d = chain(43, &[43, 17]);
        assert_eq!(
            get_ipv6_ext_hdrs(&d, 0),
            OFPIEH12_ROUTER | OFPIEH12_UNREP | OFPIEH12_UNSEQ
        );
        let d = chain(60, &[60, 60, 17]);
        assert_eq!(get_ipv6_ext_hdrs(&d, 0), OFPIEH12_DEST | OFPIEH12_UNREP);
    }

    #[test]
    fn routing_after_fragment_is_unseq() {
        let d = chain(44, &[43, 6]);
        assert_eq!(
            get_ipv6_ext_hdrs(&d, 0),
            OFPIEH12_FRAG | OFPIEH12_ROUTER | OFPIEH12_UNSEQ
        );
    }

    #[test]
    fn no_next_header_and_esp() {
        let d = chain(0, &[59]);
        assert_eq!(get_ipv6_ext_hdrs(&d, 0), OFPIEH12_HOP | OFPIEH12_NONEXT);
        // ESP (50) is not an extension header to ipv6_ext_hdr().
        let d = chain(0, &[50]);
        assert_eq!(get_ipv6_ext_hdrs(&d, 0), OFPIEH12_HOP);
    }

    #[test]
    fn truncated_chain_keeps_what_was_seen() {
        // HOP announced, nothing after the fixed header.
        let d = chain(0, &[]);
        assert_eq!(get_ipv6_ext_hdrs(&d, 0), OFPIEH12_HOP);
    }
}
