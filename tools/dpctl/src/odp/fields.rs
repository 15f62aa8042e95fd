//! The fields of the fixed-layout key attributes: name, offset, type, in
//! the order odp-util prints them.

use super::attrs::*;

/// How a field is stored and printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 6-byte MAC address.
    Eth,
    /// IPv4 address.
    Ip4,
    /// IPv6 address.
    Ip6,
    /// u8, decimal.
    U8,
    /// u8, hexadecimal.
    U8x,
    /// Big-endian u16, decimal.
    Be16,
    /// Big-endian u16, hexadecimal.
    Be16x,
    /// IPv6 flow label (big-endian u32, 20 bits, hexadecimal).
    Label,
    /// `OVS_FRAG_TYPE_*` (no, first, later).
    Frag,
}

impl Kind {
    /// Width in bytes.
    pub fn width(self) -> usize {
        match self {
            Kind::Eth => 6,
            Kind::Ip4 | Kind::Label => 4,
            Kind::Ip6 => 16,
            Kind::U8 | Kind::U8x | Kind::Frag => 1,
            Kind::Be16 | Kind::Be16x => 2,
        }
    }
}

/// One field of a key struct.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Its name in the flow syntax.
    pub name: &'static str,
    /// Byte offset in the attribute.
    pub off: usize,
    /// Type.
    pub kind: Kind,
}

const fn f(name: &'static str, off: usize, kind: Kind) -> Field {
    Field { name, off, kind }
}

/// The printed fields of struct-typed key attribute `kind`.
pub fn fields(kind: u16) -> Option<&'static [Field]> {
    use Kind::*;
    static ETH: [Field; 2] = [f("src", 0, Eth), f("dst", 6, Eth)];
    static IPV4: [Field; 6] = [
        f("src", 0, Ip4),
        f("dst", 4, Ip4),
        f("proto", 8, U8),
        f("tos", 9, U8x),
        f("ttl", 10, U8),
        f("frag", 11, Frag),
    ];
    static IPV6: [Field; 7] = [
        f("src", 0, Ip6),
        f("dst", 16, Ip6),
        f("label", 32, Label),
        f("proto", 36, U8),
        f("tclass", 37, U8x),
        f("hlimit", 38, U8),
        f("frag", 39, Frag),
    ];
    static TP: [Field; 2] = [f("src", 0, Be16), f("dst", 2, Be16)];
    static ICMP: [Field; 2] = [f("type", 0, U8), f("code", 1, U8)];
    static ARP: [Field; 5] = [
        f("sip", 0, Ip4),
        f("tip", 4, Ip4),
        f("op", 8, Be16),
        f("sha", 10, Eth),
        f("tha", 16, Eth),
    ];
    static ND: [Field; 3] = [f("target", 0, Ip6), f("sll", 16, Eth), f("tll", 22, Eth)];
    static CT4: [Field; 5] = [
        f("src", 0, Ip4),
        f("dst", 4, Ip4),
        f("proto", 12, U8),
        f("tp_src", 8, Be16),
        f("tp_dst", 10, Be16),
    ];
    static CT6: [Field; 5] = [
        f("src", 0, Ip6),
        f("dst", 16, Ip6),
        f("proto", 36, U8),
        f("src_port", 32, Be16),
        f("dst_port", 34, Be16),
    ];
    Some(match kind {
        KEY_ETHERNET => &ETH,
        KEY_IPV4 => &IPV4,
        KEY_IPV6 => &IPV6,
        KEY_TCP | KEY_UDP | KEY_SCTP => &TP,
        KEY_ICMP | KEY_ICMPV6 => &ICMP,
        KEY_ARP => &ARP,
        KEY_ND => &ND,
        KEY_CT_ORIG_TUPLE_IPV4 => &CT4,
        KEY_CT_ORIG_TUPLE_IPV6 => &CT6,
        _ => return None,
    })
}
