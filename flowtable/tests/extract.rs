//! Extraction and netlink parsing agree: for a hand-built frame of every
//! protocol the key knows, the key `key_extract` produces equals, byte for
//! byte, the key `matching::parse_key` builds from the `OVS_KEY_ATTR_*`
//! attributes written by hand for the same packet (what ovs-vswitchd sends
//! when it installs a flow for it). Equal keys match under every mask, so
//! packets hit the flows users install.
//!
//! The comparison is of whole keys, metadata included: the extraction key
//! starts with the metadata the attributes carry (`in_port` 1,
//! `mac_proto`), everything else zero on both sides (no tunnel, recirc id,
//! conntrack state). Each key is also written back with `put_key` (the
//! kernel's canonical form, as an upcall carries it) and parsed again.
//!
//! Not covered here, because the kernel itself produces keys its netlink
//! parser cannot express (asserted by value in the unit tests instead): a
//! truncated VLAN tag (EtherType 0x8100 with TCI 0) and an MPLS stack whose
//! bottom is missing (`mpls_num_labels_mask` 0).

use flowtable::extract::{key_extract, OFPIEH12_DEST, OFPIEH12_FRAG, OFPIEH12_HOP};
use flowtable::matching::attrs::*;
use flowtable::matching::{parse_key, parse_match, put_key};
use flowtable::{FlowKey, Mask, Packet, VlanTag};
use genl::Writer;

// ---------------------------------------------------------------- attributes

/// A list of `OVS_KEY_ATTR_*` attributes being built.
#[derive(Default)]
struct A(Writer);

impl A {
    fn new() -> A {
        A(Writer::new())
    }
    fn put(mut self, t: u16, d: &[u8]) -> A {
        self.0.attr(t, d);
        self
    }
    fn be16(self, t: u16, v: u16) -> A {
        self.put(t, &v.to_be_bytes())
    }
    fn nest(mut self, t: u16, inner: A) -> A {
        let m = self.0.nest_noflag(t);
        self.0.put_raw(inner.bytes());
        self.0.nest_end(m);
        self
    }
    fn then(mut self, more: A) -> A {
        self.0.put_raw(more.bytes());
        self
    }
    fn bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// `IN_PORT` 1 and the Ethernet addresses of [`eth`], then `rest`.
fn eth_attrs(rest: A) -> A {
    let mut e = [0u8; 12];
    e[..6].copy_from_slice(&SRC_MAC);
    e[6..].copy_from_slice(&DST_MAC);
    A::new()
        .put(OVS_KEY_ATTR_IN_PORT, &1u32.to_ne_bytes())
        .put(OVS_KEY_ATTR_ETHERNET, &e)
        .then(rest)
}

/// An L3 flow: `IN_PORT` 1, then `rest` (which starts with `ETHERTYPE`).
fn l3_attrs(rest: A) -> A {
    A::new()
        .put(OVS_KEY_ATTR_IN_PORT, &1u32.to_ne_bytes())
        .then(rest)
}

/// One VLAN level: TPID as `ETHERTYPE`, TCI with the present bit, `ENCAP`.
fn vlan_attrs(tpid: u16, tci: u16, inner: A) -> A {
    A::new()
        .be16(OVS_KEY_ATTR_ETHERTYPE, tpid)
        .be16(OVS_KEY_ATTR_VLAN, tci | VLAN_CFI_MASK)
        .nest(OVS_KEY_ATTR_ENCAP, inner)
}

fn ipv4_attr(src: [u8; 4], dst: [u8; 4], proto: u8, tos: u8, ttl: u8, frag: u8) -> A {
    let mut d = [0u8; 12];
    d[0..4].copy_from_slice(&src);
    d[4..8].copy_from_slice(&dst);
    d[8..12].copy_from_slice(&[proto, tos, ttl, frag]);
    A::new()
        .be16(OVS_KEY_ATTR_ETHERTYPE, ETH_P_IP)
        .put(OVS_KEY_ATTR_IPV4, &d)
}

#[allow(clippy::too_many_arguments)]
fn ipv6_attr(
    src: [u8; 16],
    dst: [u8; 16],
    label: u32,
    proto: u8,
    tclass: u8,
    hlimit: u8,
    frag: u8,
    exthdrs: u16,
) -> A {
    let mut d = [0u8; 40];
    d[0..16].copy_from_slice(&src);
    d[16..32].copy_from_slice(&dst);
    d[32..36].copy_from_slice(&label.to_be_bytes());
    d[36..40].copy_from_slice(&[proto, tclass, hlimit, frag]);
    A::new()
        .be16(OVS_KEY_ATTR_ETHERTYPE, ETH_P_IPV6)
        .put(OVS_KEY_ATTR_IPV6, &d)
        .put(OVS_KEY_ATTR_IPV6_EXTHDRS, &exthdrs.to_ne_bytes())
}

fn ports(t: u16, src: u16, dst: u16) -> A {
    let mut d = [0u8; 4];
    d[..2].copy_from_slice(&src.to_be_bytes());
    d[2..].copy_from_slice(&dst.to_be_bytes());
    A::new().put(t, &d)
}

fn tcp_attrs(src: u16, dst: u16, flags: u16) -> A {
    ports(OVS_KEY_ATTR_TCP, src, dst).be16(OVS_KEY_ATTR_TCP_FLAGS, flags)
}

// -------------------------------------------------------------------- frames

const DST_MAC: [u8; 6] = [0x02, 0x00, 0x00, 0x00, 0x00, 0x02];
const SRC_MAC: [u8; 6] = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];
const IP_A: [u8; 4] = [192, 0, 2, 1];
const IP_B: [u8; 4] = [198, 51, 100, 7];
const IP6_A: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const IP6_B: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

/// Destination, source, then `ethertype` (or an 802.3 length).
fn eth(ethertype: u16) -> Vec<u8> {
    let mut f = DST_MAC.to_vec();
    f.extend_from_slice(&SRC_MAC);
    f.extend_from_slice(&ethertype.to_be_bytes());
    f
}

/// An IPv4 header (`opts` 4-byte words of options) and `payload`.
fn ipv4(proto: u8, tos: u8, ttl: u8, frag_off: u16, opts: usize, payload: &[u8]) -> Vec<u8> {
    let mut h = vec![0x45 + opts as u8, tos, 0, 0, 0x12, 0x34];
    h.extend_from_slice(&frag_off.to_be_bytes());
    h.extend_from_slice(&[ttl, proto, 0, 0]);
    h.extend_from_slice(&IP_A);
    h.extend_from_slice(&IP_B);
    h.extend(std::iter::repeat_n(1u8, opts * 4));
    h.extend_from_slice(payload);
    h
}

/// An IPv6 header (traffic class, flow label, hop limit) and `payload`.
fn ipv6(nexthdr: u8, tclass: u8, label: u32, hlimit: u8, payload: &[u8]) -> Vec<u8> {
    let first = (6u32 << 28) | (u32::from(tclass) << 20) | label;
    let mut h = first.to_be_bytes().to_vec();
    h.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    h.extend_from_slice(&[nexthdr, hlimit]);
    h.extend_from_slice(&IP6_A);
    h.extend_from_slice(&IP6_B);
    h.extend_from_slice(payload);
    h
}

fn tcp(src: u16, dst: u16, flags: u16) -> Vec<u8> {
    let mut t = src.to_be_bytes().to_vec();
    t.extend_from_slice(&dst.to_be_bytes());
    t.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0]);
    // Data offset 6 (one word of options); the 12 bits below it are the
    // flags the key keeps (the reserved and NS bits included).
    t.extend_from_slice(&((6u16 << 12) | flags).to_be_bytes());
    t.extend_from_slice(&[0xff, 0xff, 0, 0, 0, 0, 1, 1, 1, 1]);
    t
}

fn udp(src: u16, dst: u16) -> Vec<u8> {
    let mut u = src.to_be_bytes().to_vec();
    u.extend_from_slice(&dst.to_be_bytes());
    u.extend_from_slice(&[0, 8, 0, 0]);
    u
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

// ------------------------------------------------------------------- harness

/// Extracts the key of `pkt` (metadata: `in_port` 1, `mac_proto`), parses
/// `attrs`, and asserts the two keys are equal; then the canonical
/// re-serialization of the extracted key parses to it again.
fn check(mut pkt: Packet, mac_proto: u8, attrs: A) -> (FlowKey, Packet) {
    let mut key = FlowKey {
        in_port: 1u16.to_ne_bytes(),
        mac_proto,
        ..FlowKey::default()
    };
    key_extract(&mut pkt, &mut key).expect("extraction succeeds");
    let parsed = parse_key(attrs.bytes()).expect("attributes parse");
    assert_eq!(key, parsed, "extracted key != parsed key");
    assert_eq!(key.as_bytes(), parsed.as_bytes());

    let mut w = Writer::new();
    put_key(&mut w, &key, &key, 1, false);
    let again = parse_key(&w.as_bytes()[4..]).expect("canonical key parses");
    assert_eq!(again, key, "put_key/parse_key round trip");
    (key, pkt)
}

fn frame(f: &[u8]) -> Packet {
    Packet::from_frame(f)
}

// --------------------------------------------------------------------- tests

#[test]
fn ipv4_tcp_with_options() {
    let f = cat(&[
        &eth(ETH_P_IP),
        &ipv4(IPPROTO_TCP, 0x28, 64, 0x4000, 2, &tcp(443, 51000, 0x0912)),
    ]);
    let attrs = eth_attrs(
        ipv4_attr(IP_A, IP_B, IPPROTO_TCP, 0x28, 64, 0).then(tcp_attrs(443, 51000, 0x0912)),
    );
    let (k, p) = check(frame(&f), 0, attrs);
    assert_eq!(k.tcp_flags, [0x09, 0x12]);
    assert_eq!((p.network, p.transport), (14, 42));
}

#[test]
fn ipv4_udp_sctp_icmp_other() {
    let f = cat(&[
        &eth(ETH_P_IP),
        &ipv4(IPPROTO_UDP, 0, 17, 0, 0, &udp(68, 67)),
    ]);
    let a = eth_attrs(ipv4_attr(IP_A, IP_B, IPPROTO_UDP, 0, 17, 0).then(ports(
        OVS_KEY_ATTR_UDP,
        68,
        67,
    )));
    check(frame(&f), 0, a);

    let sctp = cat(&[&udp(2905, 2906), &[0; 4]]);
    let f = cat(&[&eth(ETH_P_IP), &ipv4(IPPROTO_SCTP, 0, 9, 0, 0, &sctp)]);
    let a = eth_attrs(ipv4_attr(IP_A, IP_B, IPPROTO_SCTP, 0, 9, 0).then(ports(
        OVS_KEY_ATTR_SCTP,
        2905,
        2906,
    )));
    check(frame(&f), 0, a);

    let icmp = [3, 4, 0, 0, 0, 0, 5, 0xdc];
    let f = cat(&[&eth(ETH_P_IP), &ipv4(IPPROTO_ICMP, 0, 255, 0, 0, &icmp)]);
    let a = eth_attrs(
        ipv4_attr(IP_A, IP_B, IPPROTO_ICMP, 0, 255, 0)
            .then(A::new().put(OVS_KEY_ATTR_ICMP, &[3, 4])),
    );
    let (k, _) = check(frame(&f), 0, a);
    assert_eq!((k.tp_src, k.tp_dst), ([0, 3], [0, 4]));

    // GRE: no transport attributes.
    let f = cat(&[&eth(ETH_P_IP), &ipv4(47, 0, 64, 0, 0, &[0, 0, 0x08, 0])]);
    check(frame(&f), 0, eth_attrs(ipv4_attr(IP_A, IP_B, 47, 0, 64, 0)));
}

#[test]
fn ipv4_fragments() {
    let f = cat(&[
        &eth(ETH_P_IP),
        &ipv4(IPPROTO_UDP, 0, 64, 0x2000, 0, &udp(1, 2)),
    ]);
    let a =
        eth_attrs(ipv4_attr(IP_A, IP_B, IPPROTO_UDP, 0, 64, 1).then(ports(OVS_KEY_ATTR_UDP, 1, 2)));
    check(frame(&f), 0, a);

    // A later fragment: no L4 fields, no L4 attribute.
    let f = cat(&[
        &eth(ETH_P_IP),
        &ipv4(IPPROTO_UDP, 0, 64, 0x00b9, 0, &udp(1, 2)),
    ]);
    let a = eth_attrs(ipv4_attr(
        IP_A,
        IP_B,
        IPPROTO_UDP,
        0,
        64,
        OVS_FRAG_TYPE_LATER,
    ));
    let (k, _) = check(frame(&f), 0, a);
    assert_eq!(k.tp_src, [0, 0]);
}

#[test]
fn ipv4_truncated_headers() {
    // IP header cut short: all IP fields zero.
    let f = cat(&[&eth(ETH_P_IP), &ipv4(IPPROTO_TCP, 0, 64, 0, 0, &[])[..19]]);
    check(
        frame(&f),
        0,
        eth_attrs(ipv4_attr([0; 4], [0; 4], 0, 0, 0, 0)),
    );

    // TCP header cut short: ports and flags zero.
    let f = cat(&[
        &eth(ETH_P_IP),
        &ipv4(IPPROTO_TCP, 0, 64, 0, 0, &tcp(1, 2, 2)[..23]),
    ]);
    let a = eth_attrs(ipv4_attr(IP_A, IP_B, IPPROTO_TCP, 0, 64, 0).then(tcp_attrs(0, 0, 0)));
    check(frame(&f), 0, a);
}

#[test]
fn arp_and_rarp() {
    let arp_body = |op: u16, hrd: u16| {
        let mut b = hrd.to_be_bytes().to_vec();
        b.extend_from_slice(&[0x08, 0x00, 6, 4]);
        b.extend_from_slice(&op.to_be_bytes());
        b.extend_from_slice(&SRC_MAC);
        b.extend_from_slice(&IP_A);
        b.extend_from_slice(&DST_MAC);
        b.extend_from_slice(&IP_B);
        b
    };
    let arp_attr = |op: u16, sha: [u8; 6], tha: [u8; 6], sip: [u8; 4], tip: [u8; 4]| {
        let mut d = [0u8; 24];
        d[0..4].copy_from_slice(&sip);
        d[4..8].copy_from_slice(&tip);
        d[8..10].copy_from_slice(&op.to_be_bytes());
        d[10..16].copy_from_slice(&sha);
        d[16..22].copy_from_slice(&tha);
        A::new().put(OVS_KEY_ATTR_ARP, &d)
    };
    let f = cat(&[&eth(ETH_P_ARP), &arp_body(2, 1)]);
    let a = eth_attrs(
        A::new()
            .be16(OVS_KEY_ATTR_ETHERTYPE, ETH_P_ARP)
            .then(arp_attr(2, SRC_MAC, DST_MAC, IP_A, IP_B)),
    );
    let (k, _) = check(frame(&f), 0, a);
    assert_eq!((k.ip_proto, k.ipv4_src, k.arp_tha), (2, IP_A, DST_MAC));

    let f = cat(&[&eth(ETH_P_RARP), &arp_body(3, 1)]);
    let a = eth_attrs(
        A::new()
            .be16(OVS_KEY_ATTR_ETHERTYPE, ETH_P_RARP)
            .then(arp_attr(3, SRC_MAC, DST_MAC, IP_A, IP_B)),
    );
    check(frame(&f), 0, a);

    // Not Ethernet hardware: an all-zero ARP key.
    let f = cat(&[&eth(ETH_P_ARP), &arp_body(1, 6)]);
    let a = eth_attrs(
        A::new()
            .be16(OVS_KEY_ATTR_ETHERTYPE, ETH_P_ARP)
            .then(arp_attr(0, [0; 6], [0; 6], [0; 4], [0; 4])),
    );
    check(frame(&f), 0, a);
}

#[test]
fn ipv6_tcp_with_hop_by_hop_and_dest_options() {
    let mut hop = vec![60, 0];
    hop.resize(8, 0);
    let mut dest = vec![IPPROTO_TCP, 1];
    dest.resize(16, 0);
    let payload = cat(&[&hop, &dest, &tcp(22, 40000, 0x018)]);
    let f = cat(&[&eth(ETH_P_IPV6), &ipv6(0, 0xb8, 0x12345, 64, &payload)]);
    let a = eth_attrs(
        ipv6_attr(
            IP6_A,
            IP6_B,
            0x12345,
            IPPROTO_TCP,
            0xb8,
            64,
            0,
            OFPIEH12_HOP | OFPIEH12_DEST,
        )
        .then(tcp_attrs(22, 40000, 0x018)),
    );
    let (k, p) = check(frame(&f), 0, a);
    assert_eq!(k.ipv6_label, [0, 0x01, 0x23, 0x45]);
    assert_eq!(p.transport, 14 + 40 + 24);
}

#[test]
fn ipv6_udp_fragments() {
    let first = cat(&[&[IPPROTO_UDP, 0, 0, 1, 0, 0, 0, 9], &udp(5353, 5353)]);
    let f = cat(&[&eth(ETH_P_IPV6), &ipv6(44, 0, 0, 255, &first)]);
    let a = eth_attrs(
        ipv6_attr(IP6_A, IP6_B, 0, IPPROTO_UDP, 0, 255, 1, OFPIEH12_FRAG).then(ports(
            OVS_KEY_ATTR_UDP,
            5353,
            5353,
        )),
    );
    check(frame(&f), 0, a);

    let later = cat(&[&[IPPROTO_UDP, 0, 0x05, 0xa8, 0, 0, 0, 9], &udp(5353, 5353)]);
    let f = cat(&[&eth(ETH_P_IPV6), &ipv6(44, 0, 0, 255, &later)]);
    let a = eth_attrs(ipv6_attr(
        IP6_A,
        IP6_B,
        0,
        44,
        0,
        255,
        OVS_FRAG_TYPE_LATER,
        OFPIEH12_FRAG,
    ));
    check(frame(&f), 0, a);
}

#[test]
fn ipv6_truncated_header_and_broken_chain() {
    let f = cat(&[&eth(ETH_P_IPV6), &ipv6(IPPROTO_UDP, 0, 0, 1, &[])[..39]]);
    check(
        frame(&f),
        0,
        eth_attrs(ipv6_attr([0; 16], [0; 16], 0, 0, 0, 0, 0, 0)),
    );

    // A hop-by-hop header announcing more bytes than there are.
    let f = cat(&[&eth(ETH_P_IPV6), &ipv6(0, 0, 7, 1, &[IPPROTO_UDP, 3, 0, 0])]);
    let a = eth_attrs(ipv6_attr(IP6_A, IP6_B, 7, 59, 0, 1, 0, OFPIEH12_HOP));
    let (_, p) = check(frame(&f), 0, a);
    assert_eq!(p.transport, p.network);
}

#[test]
fn icmpv6_echo_and_neighbor_discovery() {
    let icmp6_attrs = |t: u8, c: u8, tail: A| {
        eth_attrs(
            ipv6_attr(IP6_A, IP6_B, 0, IPPROTO_ICMPV6, 0, 255, 0, 0)
                .then(A::new().put(OVS_KEY_ATTR_ICMPV6, &[t, c]))
                .then(tail),
        )
    };
    let nd_attr = |target: [u8; 16], sll: [u8; 6], tll: [u8; 6]| {
        let mut d = [0u8; 28];
        d[0..16].copy_from_slice(&target);
        d[16..22].copy_from_slice(&sll);
        d[22..28].copy_from_slice(&tll);
        A::new().put(OVS_KEY_ATTR_ND, &d)
    };
    let f = cat(&[
        &eth(ETH_P_IPV6),
        &ipv6(58, 0, 0, 255, &[128, 0, 0, 0, 0, 1, 0, 1]),
    ]);
    check(frame(&f), 0, icmp6_attrs(128, 0, A::new()));

    // Neighbor Solicitation with a source link-layer address option.
    let ns = cat(&[&[135, 0, 0, 0, 0, 0, 0, 0], &IP6_B, &[1, 1], &SRC_MAC]);
    let f = cat(&[&eth(ETH_P_IPV6), &ipv6(58, 0, 0, 255, &ns)]);
    let (k, _) = check(
        frame(&f),
        0,
        icmp6_attrs(135, 0, nd_attr(IP6_B, SRC_MAC, [0; 6])),
    );
    assert_eq!(k.nd_sll, SRC_MAC);

    // Neighbor Advertisement with a target link-layer address option.
    let na = cat(&[&[136, 0, 0, 0, 0x60, 0, 0, 0], &IP6_A, &[2, 1], &DST_MAC]);
    let f = cat(&[&eth(ETH_P_IPV6), &ipv6(58, 0, 0, 255, &na)]);
    check(
        frame(&f),
        0,
        icmp6_attrs(136, 0, nd_attr(IP6_A, [0; 6], DST_MAC)),
    );

    // Two source link-layer options: invalid, all ND fields zero.
    let bad = cat(&[&ns, &[1, 1], &DST_MAC]);
    let f = cat(&[&eth(ETH_P_IPV6), &ipv6(58, 0, 0, 255, &bad)]);
    check(
        frame(&f),
        0,
        icmp6_attrs(135, 0, nd_attr([0; 16], [0; 6], [0; 6])),
    );
}

#[test]
fn mpls_one_and_three_labels() {
    let lse = |label: u32, bos: bool| ((label << 12) | (u32::from(bos) << 8) | 64).to_be_bytes();
    let inner = ipv4(IPPROTO_UDP, 0, 64, 0, 0, &udp(1, 2));
    let f = cat(&[&eth(ETH_P_MPLS_UC), &lse(100, true), &inner]);
    let a = eth_attrs(
        A::new()
            .be16(OVS_KEY_ATTR_ETHERTYPE, ETH_P_MPLS_UC)
            .put(OVS_KEY_ATTR_MPLS, &lse(100, true)),
    );
    let (k, p) = check(frame(&f), 0, a);
    assert_eq!(u32::from_ne_bytes(k.mpls_num_labels_mask), 1);
    assert_eq!(p.inner_network, 18);

    let stack = cat(&[&lse(1, false), &lse(2, false), &lse(3, true)]);
    let f = cat(&[&eth(ETH_P_MPLS_MC), &stack, &inner]);
    let a = eth_attrs(
        A::new()
            .be16(OVS_KEY_ATTR_ETHERTYPE, ETH_P_MPLS_MC)
            .put(OVS_KEY_ATTR_MPLS, &stack),
    );
    let (_, p) = check(frame(&f), 0, a);
    assert_eq!(p.inner_network, 26);
}

#[test]
fn nsh_md1_and_md2() {
    // flags 0, TTL 63, length 6 words, MD1, next protocol Ethernet (3).
    let base = |len: u16, md: u8| {
        let mut b = ((63u16 << 6) | len).to_be_bytes().to_vec();
        b.extend_from_slice(&[md, 3, 0x00, 0x01, 0x00, 0xfe]);
        b
    };
    let ctx: Vec<u8> = (0x10..0x20).collect();
    let f = cat(&[&eth(ETH_P_NSH), &base(6, 1), &ctx]);
    let nsh = |md: u8, md1: Option<&[u8]>| {
        let mut n = A::new().put(
            OVS_NSH_KEY_ATTR_BASE,
            &[0, 63, md, 3, 0x00, 0x01, 0x00, 0xfe],
        );
        if let Some(c) = md1 {
            n = n.put(OVS_NSH_KEY_ATTR_MD1, c);
        }
        eth_attrs(
            A::new()
                .be16(OVS_KEY_ATTR_ETHERTYPE, ETH_P_NSH)
                .nest(OVS_KEY_ATTR_NSH, n),
        )
    };
    let (k, _) = check(frame(&f), 0, nsh(1, Some(&ctx)));
    assert_eq!(k.nsh.context[1], [0x14, 0x15, 0x16, 0x17]);

    // MD2 with one TLV: base header only.
    let f = cat(&[&eth(ETH_P_NSH), &base(4, 2), &[0, 1, 2, 4, 9, 9, 9, 9]]);
    check(frame(&f), 0, nsh(2, None));
}

#[test]
fn llc_and_snap() {
    // 802.2 LLC (no SNAP): no ETHERTYPE attribute at all.
    let f = cat(&[&eth(0x0026), &[0x42, 0x42, 0x03], &[0; 35]]);
    let (k, p) = check(frame(&f), 0, eth_attrs(A::new()));
    assert_eq!(k.eth_type(), ETH_P_802_2);
    assert_eq!(p.network, 14);

    // SNAP carrying IPv4: the same key as Ethernet II.
    let ip = ipv4(IPPROTO_UDP, 0, 64, 0, 0, &udp(7, 9));
    let f = cat(&[
        &eth(8 + ip.len() as u16),
        &[0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00],
        &ip,
    ]);
    let a =
        eth_attrs(ipv4_attr(IP_A, IP_B, IPPROTO_UDP, 0, 64, 0).then(ports(OVS_KEY_ATTR_UDP, 7, 9)));
    let (_, p) = check(frame(&f), 0, a);
    assert_eq!((p.network, p.transport), (22, 42));
}

#[test]
fn vlan_in_frame_accelerated_and_double() {
    let ip = ipv4(IPPROTO_UDP, 0, 64, 0, 0, &udp(1000, 2000));
    let l3 =
        || ipv4_attr(IP_A, IP_B, IPPROTO_UDP, 0, 64, 0).then(ports(OVS_KEY_ATTR_UDP, 1000, 2000));

    // One 802.1Q tag in the frame (PCP 5, VID 10).
    let f = cat(&[&eth(ETH_P_8021Q), &[0xa0, 0x0a, 0x08, 0x00], &ip]);
    let (k, p) = check(
        frame(&f),
        0,
        eth_attrs(vlan_attrs(ETH_P_8021Q, 0xa00a, l3())),
    );
    assert_eq!(k.vlan_tci, [0xb0, 0x0a]);
    assert_eq!(
        p.vlan,
        Some(VlanTag {
            tpid: 0x8100,
            tci: 0xa00a
        })
    );
    assert_eq!((p.mac_len, p.network, p.transport), (14, 14, 34));

    // The same tag already accelerated gives the same key.
    let mut pkt = frame(&cat(&[&eth(ETH_P_IP), &ip]));
    pkt.vlan = Some(VlanTag {
        tpid: 0x8100,
        tci: 0xa00a,
    });
    check(pkt, 0, eth_attrs(vlan_attrs(ETH_P_8021Q, 0xa00a, l3())));

    // 802.1ad outer + 802.1Q inner around IPv6/TCP.
    let six = ipv6(IPPROTO_TCP, 0, 0, 64, &tcp(1, 2, 0x002));
    let f = cat(&[
        &eth(ETH_P_8021AD),
        &[0x00, 0x64, 0x81, 0x00, 0x00, 0xc8, 0x86, 0xdd],
        &six,
    ]);
    let inner = ipv6_attr(IP6_A, IP6_B, 0, IPPROTO_TCP, 0, 64, 0, 0).then(tcp_attrs(1, 2, 0x002));
    let a = eth_attrs(vlan_attrs(
        ETH_P_8021AD,
        100,
        vlan_attrs(ETH_P_8021Q, 200, inner),
    ));
    let (k, p) = check(frame(&f), 0, a);
    assert_eq!((k.vlan_tci, k.cvlan_tci), ([0x10, 0x64], [0x10, 0xc8]));
    assert_eq!(p.protocol, ETH_P_8021Q);
    assert_eq!((p.mac_len, p.network), (18, 18));
}

#[test]
fn layer3_packets() {
    let mut pkt = frame(&ipv4(IPPROTO_TCP, 0, 64, 0, 0, &tcp(80, 1024, 0x011)));
    pkt.protocol = ETH_P_IP;
    let a = l3_attrs(ipv4_attr(IP_A, IP_B, IPPROTO_TCP, 0, 64, 0).then(tcp_attrs(80, 1024, 0x011)));
    let (k, p) = check(pkt, MAC_PROTO_NONE, a);
    assert_eq!(k.mac_proto, MAC_PROTO_NONE);
    assert_eq!((p.mac_len, p.network, p.transport), (0, 0, 20));

    let mut pkt = frame(&ipv6(IPPROTO_UDP, 0, 0, 2, &udp(3, 4)));
    pkt.protocol = ETH_P_IPV6;
    let a = l3_attrs(
        ipv6_attr(IP6_A, IP6_B, 0, IPPROTO_UDP, 0, 2, 0, 0).then(ports(OVS_KEY_ATTR_UDP, 3, 4)),
    );
    check(pkt, MAC_PROTO_NONE, a);
}

#[test]
fn unknown_ethertype() {
    let f = cat(&[&eth(0x88cc), &[0; 40]]);
    let a = eth_attrs(A::new().be16(OVS_KEY_ATTR_ETHERTYPE, 0x88cc));
    check(frame(&f), 0, a);
}

#[test]
fn wildcarded_flow_matches_the_extracted_key() {
    // A flow on eth_type + IPv4 dst + UDP dst (everything else wildcarded,
    // exact in_port) matches the extracted key of a packet that agrees on
    // those and not one that does not.
    let key_attrs = eth_attrs(ipv4_attr([0; 4], IP_B, IPPROTO_UDP, 0, 0, 0).then(ports(
        OVS_KEY_ATTR_UDP,
        0,
        53,
    )));
    let mut ip_mask = [0u8; 12];
    ip_mask[4..8].copy_from_slice(&[0xff; 4]);
    ip_mask[8] = 0xff;
    let mask_attrs = A::new()
        .put(OVS_KEY_ATTR_IN_PORT, &u32::MAX.to_ne_bytes())
        .put(OVS_KEY_ATTR_ETHERNET, &[0; 12])
        .be16(OVS_KEY_ATTR_ETHERTYPE, 0xffff)
        .put(OVS_KEY_ATTR_IPV4, &ip_mask)
        .put(OVS_KEY_ATTR_UDP, &[0, 0, 0xff, 0xff]);
    let m = parse_match(key_attrs.bytes(), Some(mask_attrs.bytes())).expect("match parses");
    let mask = Mask::new(m.mask);
    let stored = mask.apply(&m.key);

    let extract = |dport: u16| {
        let f = cat(&[
            &eth(ETH_P_IP),
            &ipv4(IPPROTO_UDP, 7, 3, 0, 0, &udp(999, dport)),
        ]);
        let mut key = FlowKey {
            in_port: 1u16.to_ne_bytes(),
            ..FlowKey::default()
        };
        key_extract(&mut frame(&f), &mut key).unwrap();
        key
    };
    assert!(mask.matches(&stored, &extract(53)));
    assert!(!mask.matches(&stored, &extract(54)));
}
