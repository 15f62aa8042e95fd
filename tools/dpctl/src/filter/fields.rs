//! The OpenFlow match fields `dump-flows filter=` understands (OVS's
//! `meta-flow` names and aliases), where each lives in a dumped flow, and
//! the protocol shorthands (`ip`, `tcp6`, `arp`, …).

use super::view::Fid;

/// How a field's value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// An integer (decimal, `0x` hex or `0` octal).
    Int,
    /// An IPv4 address.
    Ip4,
    /// An IPv6 address.
    Ip6,
    /// An Ethernet address.
    Mac,
    /// A port number or name.
    Port,
    /// `ct_state` flags (`+trk+new`, or a number).
    CtState,
    /// `tcp_flags` (`+syn-ack`, or a number).
    TcpFlags,
}

/// What must be true of the filter so far before a field may be set
/// (`mf_are_prereqs_ok`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prereq {
    /// Nothing.
    None,
    /// A VLAN header (the filter's TCI has CFI).
    Vlan,
    /// `dl_type` MPLS.
    Mpls,
    /// `dl_type` IPv4.
    Ip4,
    /// `dl_type` IPv6.
    Ip6,
    /// IPv4 or IPv6.
    IpAny,
    /// ARP or RARP.
    Arp,
    /// IP with `nw_proto` TCP.
    Tcp,
    /// IP with `nw_proto` UDP.
    Udp,
    /// IP with `nw_proto` SCTP.
    Sctp,
    /// IPv4 ICMP.
    Icmp4,
    /// ICMPv6.
    Icmp6,
    /// ICMPv6 neighbor discovery (type 135/136, code 0).
    Nd,
    /// ND solicitation (135).
    NdSolicit,
    /// ND advertisement (136).
    NdAdvert,
}

/// One field.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Its canonical name (the one in error messages).
    pub name: &'static str,
    /// Another accepted name.
    pub alias: Option<&'static str>,
    /// Where its bits are.
    pub fid: Fid,
    /// Its bits within that flow field.
    pub bits: u128,
    /// How far the value is shifted into them.
    pub shift: u32,
    /// Bits set in the value whenever the field is set (VLAN CFI).
    pub fixed: u128,
    /// Its width in bytes.
    pub width: u32,
    /// Value syntax.
    pub syntax: Syntax,
    /// Prerequisite.
    pub prereq: Prereq,
}

const fn fld(
    name: &'static str,
    alias: Option<&'static str>,
    fid: Fid,
    width: u32,
    syntax: Syntax,
    prereq: Prereq,
) -> Field {
    let bits = if width >= 16 {
        u128::MAX
    } else {
        (1u128 << (width * 8)) - 1
    };
    Field {
        name,
        alias,
        fid,
        bits,
        shift: 0,
        fixed: 0,
        width,
        syntax,
        prereq,
    }
}

const fn part(f: Field, bits: u128, shift: u32, fixed: u128) -> Field {
    Field {
        bits,
        shift,
        fixed,
        ..f
    }
}

use Prereq as P;
use Syntax as S;

/// Every field.
pub const FIELDS: &[Field] = &[
    fld("in_port", None, Fid::InPort, 2, S::Port, P::None),
    fld("skb_priority", None, Fid::Priority, 4, S::Int, P::None),
    fld("pkt_mark", None, Fid::SkbMark, 4, S::Int, P::None),
    fld("recirc_id", None, Fid::RecircId, 4, S::Int, P::None),
    fld("dp_hash", None, Fid::DpHash, 4, S::Int, P::None),
    fld("ct_state", None, Fid::CtState, 4, S::CtState, P::None),
    fld("ct_zone", None, Fid::CtZone, 2, S::Int, P::None),
    fld("ct_mark", None, Fid::CtMark, 4, S::Int, P::None),
    fld("tun_id", Some("tunnel_id"), Fid::TunId, 8, S::Int, P::None),
    fld("tun_src", None, Fid::TunSrc, 4, S::Ip4, P::None),
    fld("tun_dst", None, Fid::TunDst, 4, S::Ip4, P::None),
    fld("eth_src", Some("dl_src"), Fid::DlSrc, 6, S::Mac, P::None),
    fld("eth_dst", Some("dl_dst"), Fid::DlDst, 6, S::Mac, P::None),
    fld("eth_type", Some("dl_type"), Fid::DlType, 2, S::Int, P::None),
    fld("vlan_tci", None, Fid::VlanTci, 2, S::Int, P::None),
    part(
        fld("dl_vlan", None, Fid::VlanTci, 2, S::Int, P::None),
        0x0fff,
        0,
        0x1000,
    ),
    part(
        fld("vlan_vid", None, Fid::VlanTci, 2, S::Int, P::None),
        0x1fff,
        0,
        0,
    ),
    part(
        fld("dl_vlan_pcp", None, Fid::VlanTci, 1, S::Int, P::None),
        0xe000,
        13,
        0x1000,
    ),
    part(
        fld("vlan_pcp", None, Fid::VlanTci, 1, S::Int, P::Vlan),
        0xe000,
        13,
        0,
    ),
    part(
        fld("mpls_label", None, Fid::MplsLse, 4, S::Int, P::Mpls),
        0xffff_f000,
        12,
        0,
    ),
    part(
        fld("mpls_tc", None, Fid::MplsLse, 1, S::Int, P::Mpls),
        0xe00,
        9,
        0,
    ),
    part(
        fld("mpls_bos", None, Fid::MplsLse, 1, S::Int, P::Mpls),
        0x100,
        8,
        0,
    ),
    part(
        fld("mpls_ttl", None, Fid::MplsLse, 1, S::Int, P::Mpls),
        0xff,
        0,
        0,
    ),
    fld("ip_src", Some("nw_src"), Fid::NwSrc, 4, S::Ip4, P::Ip4),
    fld("ip_dst", Some("nw_dst"), Fid::NwDst, 4, S::Ip4, P::Ip4),
    fld("ipv6_src", None, Fid::Ipv6Src, 16, S::Ip6, P::Ip6),
    fld("ipv6_dst", None, Fid::Ipv6Dst, 16, S::Ip6, P::Ip6),
    part(
        fld("ipv6_label", None, Fid::Ipv6Label, 4, S::Int, P::Ip6),
        0xfffff,
        0,
        0,
    ),
    fld(
        "nw_proto",
        Some("ip_proto"),
        Fid::NwProto,
        1,
        S::Int,
        P::IpAny,
    ),
    part(
        fld("nw_tos", None, Fid::NwTos, 1, S::Int, P::IpAny),
        0xfc,
        0,
        0,
    ),
    part(
        fld("ip_dscp", None, Fid::NwTos, 1, S::Int, P::IpAny),
        0xfc,
        2,
        0,
    ),
    part(
        fld("nw_ecn", Some("ip_ecn"), Fid::NwTos, 1, S::Int, P::IpAny),
        0x03,
        0,
        0,
    ),
    fld("nw_ttl", None, Fid::NwTtl, 1, S::Int, P::IpAny),
    part(
        fld("arp_op", None, Fid::NwProto, 2, S::Int, P::Arp),
        0xff,
        0,
        0,
    ),
    fld("arp_spa", None, Fid::NwSrc, 4, S::Ip4, P::Arp),
    fld("arp_tpa", None, Fid::NwDst, 4, S::Ip4, P::Arp),
    fld("arp_sha", None, Fid::ArpSha, 6, S::Mac, P::Arp),
    fld("arp_tha", None, Fid::ArpTha, 6, S::Mac, P::Arp),
    fld("tcp_src", Some("tp_src"), Fid::TpSrc, 2, S::Int, P::Tcp),
    fld("tcp_dst", Some("tp_dst"), Fid::TpDst, 2, S::Int, P::Tcp),
    part(
        fld("tcp_flags", None, Fid::TcpFlags, 2, S::TcpFlags, P::Tcp),
        0x0fff,
        0,
        0,
    ),
    fld("udp_src", None, Fid::TpSrc, 2, S::Int, P::Udp),
    fld("udp_dst", None, Fid::TpDst, 2, S::Int, P::Udp),
    fld("sctp_src", None, Fid::TpSrc, 2, S::Int, P::Sctp),
    fld("sctp_dst", None, Fid::TpDst, 2, S::Int, P::Sctp),
    fld("icmp_type", None, Fid::TpSrc, 1, S::Int, P::Icmp4),
    fld("icmp_code", None, Fid::TpDst, 1, S::Int, P::Icmp4),
    fld("icmpv6_type", None, Fid::TpSrc, 1, S::Int, P::Icmp6),
    fld("icmpv6_code", None, Fid::TpDst, 1, S::Int, P::Icmp6),
    fld("nd_target", None, Fid::NdTarget, 16, S::Ip6, P::Nd),
    fld("nd_sll", None, Fid::ArpSha, 6, S::Mac, P::NdSolicit),
    fld("nd_tll", None, Fid::ArpTha, 6, S::Mac, P::NdAdvert),
];

/// The field named `name` (canonical name or alias).
pub fn field(name: &str) -> Option<&'static Field> {
    FIELDS
        .iter()
        .find(|f| f.name == name || f.alias == Some(name))
}

/// A protocol shorthand: its EtherType and IP protocol (0: none).
pub fn protocol(name: &str) -> Option<(u16, u8)> {
    Some(match name {
        "ip" => (0x0800, 0),
        "ipv6" => (0x86dd, 0),
        "icmp" => (0x0800, 1),
        "icmp6" => (0x86dd, 58),
        "tcp" => (0x0800, 6),
        "tcp6" => (0x86dd, 6),
        "udp" => (0x0800, 17),
        "udp6" => (0x86dd, 17),
        "sctp" => (0x0800, 132),
        "sctp6" => (0x86dd, 132),
        "arp" => (0x0806, 0),
        "rarp" => (0x8035, 0),
        "mpls" => (0x8847, 0),
        "mplsm" => (0x8848, 0),
        _ => return None,
    })
}
