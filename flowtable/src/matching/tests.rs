//! Unit tests: one per rejection rule of `ovs_nla_get_match`, the
//! exact-mask and canonical-output rules, and a put → parse round trip.

use genl::{Errno, Writer};
use proptest::prelude::*;

use super::attrs::*;
use super::{parse_key, parse_match, parse_metadata, parse_tunnel, put_key, Match};
use crate::key::{tun_flags, FlowKey, IN_PORT_NONE};
use crate::mask::Mask;

/// A list of attributes being built.
#[derive(Clone, Default)]
struct A(Writer);

impl A {
    fn new() -> A {
        A(Writer::new())
    }
    fn put(mut self, t: u16, d: &[u8]) -> A {
        self.0.attr(t, d);
        self
    }
    fn u32(self, t: u16, v: u32) -> A {
        self.put(t, &v.to_ne_bytes())
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
    fn raw(mut self, b: &[u8]) -> A {
        self.0.put_raw(b);
        self
    }
    fn bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

const ETH: [u8; 12] = [2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2];
const ONES12: [u8; 12] = [0xff; 12];

fn l2(ethertype: u16) -> A {
    A::new()
        .u32(OVS_KEY_ATTR_IN_PORT, 1)
        .put(OVS_KEY_ATTR_ETHERNET, &ETH)
        .be16(OVS_KEY_ATTR_ETHERTYPE, ethertype)
}

fn l2_mask() -> A {
    A::new()
        .u32(OVS_KEY_ATTR_IN_PORT, u32::MAX)
        .put(OVS_KEY_ATTR_ETHERNET, &ONES12)
        .be16(OVS_KEY_ATTR_ETHERTYPE, 0xffff)
}

fn ipv4(proto: u8, frag: u8) -> [u8; 12] {
    [10, 0, 0, 1, 10, 0, 0, 2, proto, 0, 64, frag]
}

fn ipv6(label: u32, proto: u8, frag: u8) -> [u8; 40] {
    let mut v = [0u8; 40];
    v[15] = 1;
    v[31] = 2;
    v[32..36].copy_from_slice(&label.to_be_bytes());
    v[36] = proto;
    v[38] = 64;
    v[39] = frag;
    v
}

fn udp4() -> A {
    l2(ETH_P_IP)
        .put(OVS_KEY_ATTR_IPV4, &ipv4(IPPROTO_UDP, 0))
        .put(OVS_KEY_ATTR_UDP, &[0x12, 0x34, 0x56, 0x78])
}

fn exact(key: &A) -> Result<Match, Errno> {
    parse_match(key.bytes(), None)
}

fn masked(key: &A, mask: &A) -> Result<Match, Errno> {
    parse_match(key.bytes(), Some(mask.bytes()))
}

fn einval(r: Result<Match, Errno>) {
    assert_eq!(r.err(), Some(Errno::EINVAL));
}

fn tunnel(inner: A) -> A {
    l2(0x88cc).nest(OVS_KEY_ATTR_TUNNEL, inner)
}

fn tun_v4() -> A {
    A::new()
        .put(OVS_TUNNEL_KEY_ATTR_IPV4_DST, &[192, 168, 0, 2])
        .put(OVS_TUNNEL_KEY_ATTR_TTL, &[64])
}

fn vlan(tpid: u16, tci: u16, inner: A) -> A {
    A::new()
        .u32(OVS_KEY_ATTR_IN_PORT, 1)
        .put(OVS_KEY_ATTR_ETHERNET, &ETH)
        .be16(OVS_KEY_ATTR_ETHERTYPE, tpid)
        .be16(OVS_KEY_ATTR_VLAN, tci)
        .nest(OVS_KEY_ATTR_ENCAP, inner)
}

fn inner_udp4() -> A {
    A::new()
        .be16(OVS_KEY_ATTR_ETHERTYPE, ETH_P_IP)
        .put(OVS_KEY_ATTR_IPV4, &ipv4(IPPROTO_UDP, 0))
        .put(OVS_KEY_ATTR_UDP, &[0, 1, 0, 2])
}

fn inner_udp4_mask() -> A {
    A::new()
        .be16(OVS_KEY_ATTR_ETHERTYPE, 0xffff)
        .put(OVS_KEY_ATTR_IPV4, &[0xff; 12])
        .put(OVS_KEY_ATTR_UDP, &[0xff; 4])
}

fn put(swkey: &FlowKey, output: &FlowKey, is_mask: bool) -> Vec<u8> {
    let mut w = Writer::new();
    put_key(&mut w, swkey, output, 1, is_mask);
    w.as_bytes()[4..].to_vec()
}

// ---------------------------------------------------------------- parse_flow_nlattrs

#[test]
fn unknown_type_above_max_is_einval() {
    einval(exact(&udp4().u32(33, 0)));
    einval(masked(&udp4(), &l2_mask().put(33, &[0; 4])));
}

#[test]
fn userspace_only_types_are_einval() {
    for t in [
        OVS_KEY_ATTR_PACKET_TYPE,
        OVS_KEY_ATTR_ND_EXTENSIONS,
        OVS_KEY_ATTR_TUNNEL_INFO,
    ] {
        einval(exact(&udp4().u32(t, 0)));
        // even all-zero in a mask
        einval(masked(&l2(0x88cc), &l2_mask().u32(t, 0)));
    }
}

#[test]
fn duplicate_attribute_is_einval() {
    einval(exact(
        &udp4()
            .u32(OVS_KEY_ATTR_SKB_MARK, 1)
            .u32(OVS_KEY_ATTR_SKB_MARK, 1),
    ));
    einval(masked(&l2(0x88cc), &l2_mask().u32(OVS_KEY_ATTR_IN_PORT, 1)));
}

#[test]
fn zero_mask_attributes_are_ignored_even_duplicated() {
    let m = l2_mask()
        .u32(OVS_KEY_ATTR_SKB_MARK, 0)
        .u32(OVS_KEY_ATTR_SKB_MARK, 0);
    assert!(masked(&l2(0x88cc), &m).is_ok());
    // a non-zero mask attribute the key lacks is not allowed
    einval(masked(
        &l2(0x88cc),
        &l2_mask().u32(OVS_KEY_ATTR_SKB_MARK, 1),
    ));
}

#[test]
fn wrong_length_is_einval() {
    einval(exact(
        &A::new()
            .put(OVS_KEY_ATTR_IN_PORT, &[1, 0])
            .put(OVS_KEY_ATTR_ETHERNET, &ETH),
    ));
    einval(exact(&A::new().put(OVS_KEY_ATTR_ETHERNET, &ETH[..6])));
    einval(masked(
        &l2(0x88cc),
        &l2_mask().put(OVS_KEY_ATTR_SKB_MARK, &[0, 0]),
    ));
}

#[test]
fn trailing_bytes_and_unpadded_last_attribute_are_einval() {
    einval(exact(&l2(0x88cc).raw(&[0, 0])));
    let base = A::new()
        .u32(OVS_KEY_ATTR_IN_PORT, 1)
        .put(OVS_KEY_ATTR_ETHERNET, &ETH);
    // ETHERTYPE attribute without its 2 padding bytes
    einval(exact(&base.clone().raw(&[6, 0, 6, 0, 0x88, 0xcc])));
    assert!(exact(&base.raw(&[6, 0, 6, 0, 0x88, 0xcc, 0, 0])).is_ok());
}

// ---------------------------------------------------------------- metadata

#[test]
fn in_port_must_be_below_65535() {
    let k = |p: u32| {
        A::new()
            .u32(OVS_KEY_ATTR_IN_PORT, p)
            .put(OVS_KEY_ATTR_ETHERNET, &ETH)
    };
    assert_eq!(exact(&k(65534)).unwrap().key.in_port(), 65534);
    einval(exact(&k(65535)));
    einval(exact(&k(u32::MAX)));
}

#[test]
fn missing_in_port_is_none_and_mask_in_port_is_forced_exact() {
    let key = A::new()
        .put(OVS_KEY_ATTR_ETHERNET, &ETH)
        .be16(OVS_KEY_ATTR_ETHERTYPE, 0x88cc);
    let m = masked(&key, &l2_mask()).unwrap();
    assert_eq!(m.key.in_port(), IN_PORT_NONE);
    assert_eq!(m.mask.in_port(), 0xffff);
    let partial = A::new()
        .u32(OVS_KEY_ATTR_IN_PORT, 0xff)
        .put(OVS_KEY_ATTR_ETHERNET, &ONES12)
        .be16(OVS_KEY_ATTR_ETHERTYPE, 0xffff);
    assert_eq!(
        masked(&l2(0x88cc), &partial).unwrap().mask.in_port(),
        0xffff
    );
}

#[test]
fn ct_state_outside_supported_bits_is_einval() {
    einval(exact(&udp4().u32(OVS_KEY_ATTR_CT_STATE, 0x100)));
    let key = l2(0x88cc).u32(OVS_KEY_ATTR_CT_STATE, 1);
    einval(masked(
        &key,
        &l2_mask().u32(OVS_KEY_ATTR_CT_STATE, u32::MAX),
    ));
    // the exact mask keeps only the supported bits
    assert_eq!(exact(&key).unwrap().mask.ct_state, 0xff);
}

// ---------------------------------------------------------------- L2

#[test]
fn ethertype_below_0x600_is_einval() {
    einval(exact(&l2(0x05ff)));
    assert!(exact(&l2(0x0600)).is_ok());
    einval(exact(
        &A::new()
            .u32(OVS_KEY_ATTR_IN_PORT, 1)
            .be16(OVS_KEY_ATTR_ETHERTYPE, 0x0100),
    ));
}

#[test]
fn ethernet_or_ethertype_is_required() {
    einval(exact(&A::new().u32(OVS_KEY_ATTR_IN_PORT, 1)));
    einval(exact(&A::new()));
}

#[test]
fn ethernet_without_ethertype_is_802_2() {
    let key = A::new()
        .u32(OVS_KEY_ATTR_IN_PORT, 1)
        .put(OVS_KEY_ATTR_ETHERNET, &ETH);
    let m = masked(&key, &l2_mask()).unwrap();
    assert_eq!(m.key.eth_type(), ETH_P_802_2);
    assert_eq!(m.mask.eth_type(), 0xffff);
    let k = put(&m.key, &m.key, false);
    assert!(
        !k.windows(4).any(|w| w == [6, 0, 6, 0]),
        "no ETHERTYPE in an 802.2 key"
    );
}

#[test]
fn layer3_key_has_no_mac() {
    let key = A::new()
        .u32(OVS_KEY_ATTR_IN_PORT, 1)
        .be16(OVS_KEY_ATTR_ETHERTYPE, ETH_P_IP)
        .put(OVS_KEY_ATTR_IPV4, &ipv4(99, 0));
    let m = exact(&key).unwrap();
    assert_eq!(m.key.mac_proto, MAC_PROTO_NONE);
    assert_eq!(m.mask.mac_proto, 0xff);
    // a mask with Ethernet addresses for a layer 3 key is not allowed
    let mask = A::new()
        .u32(OVS_KEY_ATTR_IN_PORT, u32::MAX)
        .put(OVS_KEY_ATTR_ETHERNET, &ONES12)
        .be16(OVS_KEY_ATTR_ETHERTYPE, 0xffff);
    einval(masked(&key, &mask));
}

// ---------------------------------------------------------------- L3/L4

#[test]
fn missing_l3_and_l4_attributes_are_einval() {
    einval(exact(&l2(ETH_P_IP)));
    einval(exact(&l2(ETH_P_IPV6)));
    einval(exact(&l2(ETH_P_ARP)));
    einval(exact(&l2(ETH_P_MPLS_UC)));
    einval(exact(&l2(ETH_P_NSH)));
    einval(exact(
        &l2(ETH_P_IP).put(OVS_KEY_ATTR_IPV4, &ipv4(IPPROTO_UDP, 0)),
    ));
    einval(exact(
        &l2(ETH_P_IP).put(OVS_KEY_ATTR_IPV4, &ipv4(IPPROTO_ICMP, 0)),
    ));
    einval(exact(
        &l2(ETH_P_IPV6).put(OVS_KEY_ATTR_IPV6, &ipv6(0, IPPROTO_SCTP, 0)),
    ));
    // a later fragment needs no L4
    assert!(exact(&l2(ETH_P_IP).put(OVS_KEY_ATTR_IPV4, &ipv4(IPPROTO_UDP, 2))).is_ok());
}

#[test]
fn tcp_requires_tcp_flags() {
    let k = l2(ETH_P_IP)
        .put(OVS_KEY_ATTR_IPV4, &ipv4(IPPROTO_TCP, 0))
        .put(OVS_KEY_ATTR_TCP, &[0, 80, 0, 81]);
    einval(exact(&k));
    assert!(exact(&k.be16(OVS_KEY_ATTR_TCP_FLAGS, 0x12)).is_ok());
}

#[test]
fn frag_type_above_2_is_einval() {
    einval(exact(&l2(ETH_P_IP).put(OVS_KEY_ATTR_IPV4, &ipv4(99, 3))));
    einval(exact(
        &l2(ETH_P_IPV6).put(OVS_KEY_ATTR_IPV6, &ipv6(0, 99, 3)),
    ));
    // masks are not checked
    let k = l2(ETH_P_IP).put(OVS_KEY_ATTR_IPV4, &ipv4(99, 1));
    assert!(masked(&k, &l2_mask().put(OVS_KEY_ATTR_IPV4, &[0xff; 12])).is_ok());
}

#[test]
fn ipv6_label_above_20_bits_is_einval() {
    let k = |label| l2(ETH_P_IPV6).put(OVS_KEY_ATTR_IPV6, &ipv6(label, 99, 0));
    assert!(exact(&k(0xfffff)).is_ok());
    einval(exact(&k(0x100000)));
    let mut mask_v6 = [0u8; 40];
    mask_v6[32..36].copy_from_slice(&u32::MAX.to_be_bytes());
    assert!(masked(&k(1), &l2_mask().put(OVS_KEY_ATTR_IPV6, &mask_v6)).is_ok());
}

#[test]
fn arp_opcode_above_255_is_einval() {
    let arp = |op: u16| {
        let mut v = [0u8; 24];
        v[8..10].copy_from_slice(&op.to_be_bytes());
        l2(ETH_P_ARP).put(OVS_KEY_ATTR_ARP, &v)
    };
    assert_eq!(exact(&arp(255)).unwrap().key.ip_proto, 255);
    einval(exact(&arp(256)));
}

#[test]
fn mpls_takes_one_to_three_labels() {
    let k = |n: usize| l2(ETH_P_MPLS_UC).put(OVS_KEY_ATTR_MPLS, &[0x11u8; 16][..n]);
    for n in [4, 8, 12] {
        let m = exact(&k(n)).unwrap();
        assert_eq!(
            u32::from_ne_bytes(m.key.mpls_num_labels_mask),
            (1 << (n / 4)) - 1
        );
    }
    for n in [0, 5, 16] {
        einval(exact(&k(n)));
    }
}

#[test]
fn nsh_md2_and_mismatched_md_type_are_einval() {
    let base = |mdtype: u8| [0, 63, mdtype, 3, 0, 0, 10, 255];
    let nsh = |inner: A| l2(ETH_P_NSH).nest(OVS_KEY_ATTR_NSH, inner);
    let md1 = [7u8; 16];
    assert!(exact(&nsh(A::new()
        .put(OVS_NSH_KEY_ATTR_BASE, &base(1))
        .put(OVS_NSH_KEY_ATTR_MD1, &md1)))
    .is_ok());
    einval(exact(&nsh(A::new()
        .put(OVS_NSH_KEY_ATTR_BASE, &base(2))
        .put(OVS_NSH_KEY_ATTR_MD1, &md1))));
    einval(exact(&nsh(A::new()
        .put(OVS_NSH_KEY_ATTR_BASE, &base(2))
        .put(OVS_NSH_KEY_ATTR_MD2, &[1, 2, 3, 4]))));
    einval(exact(&nsh(
        A::new().put(OVS_NSH_KEY_ATTR_BASE, &base(1)[..4])
    )));
}

#[test]
fn l4_mask_needs_exact_proto_and_l3_mask_exact_ethertype() {
    let udp_mask = |proto_mask: u8| {
        let mut v4 = [0xffu8; 12];
        v4[8] = proto_mask;
        l2_mask()
            .put(OVS_KEY_ATTR_IPV4, &v4)
            .put(OVS_KEY_ATTR_UDP, &[0xff; 4])
    };
    assert!(masked(&udp4(), &udp_mask(0xff)).is_ok());
    einval(masked(&udp4(), &udp_mask(0xf0)));
    // IPV4 mask without an EtherType mask
    let mask = A::new()
        .u32(OVS_KEY_ATTR_IN_PORT, u32::MAX)
        .put(OVS_KEY_ATTR_ETHERNET, &ONES12)
        .put(OVS_KEY_ATTR_IPV4, &[0xff; 12]);
    einval(masked(&udp4(), &mask));
}

#[test]
fn nd_mask_needs_exact_icmpv6_type_and_excludes_ct_tuple() {
    let key = l2(ETH_P_IPV6)
        .put(OVS_KEY_ATTR_IPV6, &ipv6(0, IPPROTO_ICMPV6, 0))
        .put(OVS_KEY_ATTR_ICMPV6, &[135, 0])
        .put(OVS_KEY_ATTR_ND, &[1; 28]);
    let mut v6 = [0u8; 40];
    v6[36] = 0xff;
    let mask = |icmp: [u8; 2]| {
        l2_mask()
            .put(OVS_KEY_ATTR_IPV6, &v6)
            .put(OVS_KEY_ATTR_ICMPV6, &icmp)
            .put(OVS_KEY_ATTR_ND, &[0xff; 28])
    };
    assert!(masked(&key, &mask([0xff, 0xff])).is_ok());
    einval(masked(&key, &mask([0xf0, 0xff])));
    let key = key.put(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6, &[3; 40]);
    einval(masked(
        &key,
        &mask([0xff, 0xff]).put(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6, &[0xff; 40]),
    ));
    einval(exact(&key));
}

// ---------------------------------------------------------------- VLAN

#[test]
fn vlan_rules() {
    let good = vlan(ETH_P_8021Q, 0x1005, inner_udp4());
    let m = exact(&good).unwrap();
    assert_eq!((m.key.vlan_tpid, m.key.vlan_tci), ([0x81, 0], [0x10, 5]));
    assert_eq!((m.mask.vlan_tpid, m.mask.vlan_tci), ([0xff; 2], [0xff; 2]));
    // tag without CFI
    einval(exact(&vlan(ETH_P_8021Q, 0x0005, inner_udp4())));
    // truncated header (tci 0) must have an empty ENCAP
    einval(exact(&vlan(ETH_P_8021Q, 0, inner_udp4())));
    // VLAN without ENCAP, ENCAP without VLAN
    einval(exact(&l2(ETH_P_8021Q).be16(OVS_KEY_ATTR_VLAN, 0x1005)));
    einval(exact(
        &l2(ETH_P_8021Q).nest(OVS_KEY_ATTR_ENCAP, inner_udp4()),
    ));
    // a stray VLAN attribute
    einval(exact(&udp4().be16(OVS_KEY_ATTR_VLAN, 0x1005)));
    // a duplicate inside ENCAP
    einval(exact(&vlan(
        ETH_P_8021Q,
        0x1005,
        inner_udp4().u32(OVS_KEY_ATTR_IN_PORT, 1),
    )));
}

#[test]
fn vlan_mask_rules() {
    let key = vlan(ETH_P_8021Q, 0x1005, inner_udp4());
    let mask = |tpid: u16, tci: u16| {
        A::new()
            .u32(OVS_KEY_ATTR_IN_PORT, u32::MAX)
            .put(OVS_KEY_ATTR_ETHERNET, &ONES12)
            .be16(OVS_KEY_ATTR_ETHERTYPE, tpid)
            .be16(OVS_KEY_ATTR_VLAN, tci)
            .nest(OVS_KEY_ATTR_ENCAP, inner_udp4_mask())
    };
    assert_eq!(
        masked(&key, &mask(0xffff, 0x1fff)).unwrap().mask.vlan_tci,
        [0x1f, 0xff]
    );
    einval(masked(&key, &mask(0xff00, 0xffff)));
    einval(masked(&key, &mask(0xffff, 0x0fff)));
    // ENCAP mask for a key without a tag
    einval(masked(&udp4(), &mask(0xffff, 0xffff)));
    // an all-zero TCI mask is skipped: the key's TCI is read in its place
    assert_eq!(
        masked(&key, &mask(0xffff, 0)).unwrap().mask.vlan_tci,
        [0x10, 0x05]
    );
    // without ENCAP in the mask the TCI stays forced exact
    let m = masked(&key, &l2_mask()).unwrap();
    assert_eq!((m.mask.vlan_tci, m.mask.cvlan_tci), ([0xff; 2], [0xff; 2]));
}

#[test]
fn double_tagged_key_round_trips() {
    let key = vlan(ETH_P_8021AD, 0x1064, {
        A::new()
            .be16(OVS_KEY_ATTR_ETHERTYPE, ETH_P_8021Q)
            .be16(OVS_KEY_ATTR_VLAN, 0x1005)
            .nest(OVS_KEY_ATTR_ENCAP, inner_udp4())
    });
    let m = exact(&key).unwrap();
    assert_eq!(m.key.cvlan_tci, [0x10, 0x05]);
    assert_eq!(m.key.eth_type(), ETH_P_IP);
    let k = put(&m.key, &m.key, false);
    assert_eq!(parse_key(&k).unwrap(), m.key);
}

// ---------------------------------------------------------------- tunnels

#[test]
fn tunnel_key_rules() {
    assert!(exact(&tunnel(tun_v4())).is_ok());
    // no TTL, zero or missing destination, both families
    einval(exact(&tunnel(
        A::new().put(OVS_TUNNEL_KEY_ATTR_IPV4_DST, &[1, 2, 3, 4]),
    )));
    einval(exact(&tunnel(
        A::new()
            .put(OVS_TUNNEL_KEY_ATTR_IPV4_SRC, &[1, 2, 3, 4])
            .put(OVS_TUNNEL_KEY_ATTR_TTL, &[1]),
    )));
    einval(exact(&tunnel(A::new().put(OVS_TUNNEL_KEY_ATTR_TTL, &[1]))));
    einval(exact(&tunnel(
        tun_v4().put(OVS_TUNNEL_KEY_ATTR_IPV6_DST, &[1; 16]),
    )));
    einval(exact(&tunnel(
        A::new()
            .put(OVS_TUNNEL_KEY_ATTR_IPV6_DST, &[0; 16])
            .put(OVS_TUNNEL_KEY_ATTR_TTL, &[1]),
    )));
    // unknown type, bad length, non-empty PAD
    einval(exact(&tunnel(tun_v4().put(17, &[]))));
    einval(exact(&tunnel(
        tun_v4().put(OVS_TUNNEL_KEY_ATTR_TOS, &[1, 2]),
    )));
    einval(exact(&tunnel(
        tun_v4().put(OVS_TUNNEL_KEY_ATTR_PAD, &[0; 4]),
    )));
    assert!(exact(&tunnel(tun_v4().put(OVS_TUNNEL_KEY_ATTR_PAD, &[]))).is_ok());
}

#[test]
fn tunnel_options_rules() {
    let geneve = |len: usize| tun_v4().put(OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, &[1u8; 256][..len]);
    let m = exact(&tunnel(geneve(8))).unwrap();
    assert_eq!(m.key.tun_opts_len, 8);
    assert_eq!(&m.key.tun_opts[247..], &[1; 8]);
    assert_eq!(m.mask.tun_opts_len, 0xff);
    einval(exact(&tunnel(geneve(6))));
    einval(exact(&tunnel(geneve(256))));
    // the mask's options must be as long as the key's
    let mask = |len: usize| {
        l2_mask().nest(
            OVS_KEY_ATTR_TUNNEL,
            A::new().put(OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, &[0xffu8; 16][..len]),
        )
    };
    assert!(masked(&tunnel(geneve(8)), &mask(8)).is_ok());
    einval(masked(&tunnel(geneve(8)), &mask(16)));
    // one block of options only
    let vx = A::new().u32(OVS_VXLAN_EXT_GBP, 5);
    einval(exact(&tunnel(
        geneve(8).nest(OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS, vx.clone()),
    )));
    let m = exact(&tunnel(tun_v4().nest(OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS, vx))).unwrap();
    assert_eq!(
        (m.key.tun_opts_len, &m.key.tun_opts[251..]),
        (4, &5u32.to_ne_bytes()[..])
    );
    einval(exact(&tunnel(tun_v4().nest(
        OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS,
        A::new().put(2, &[0; 4]),
    ))));
    // ERSPAN records 12 bytes whatever its length
    let m = exact(&tunnel(
        tun_v4().put(OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS, &[9; 8]),
    ))
    .unwrap();
    assert_eq!(m.key.tun_opts_len, ERSPAN_METADATA_LEN);
}

#[test]
fn tunnel_bridge_mode() {
    let bridge = A::new()
        .put(OVS_TUNNEL_KEY_ATTR_ID, &[0, 0, 0, 0, 0, 0, 0, 7])
        .put(OVS_TUNNEL_KEY_ATTR_IPV4_INFO_BRIDGE, &[]);
    let m = exact(&tunnel(bridge.clone())).unwrap();
    assert_eq!(m.key.tun_proto, AF_INET);
    assert_eq!(m.key.tun_flags(), tun_flags::KEY);
    einval(exact(&tunnel(
        bridge.clone().put(OVS_TUNNEL_KEY_ATTR_TTL, &[1]),
    )));
    einval(exact(&tunnel(bridge.put(OVS_TUNNEL_KEY_ATTR_CSUM, &[]))));
}

#[test]
fn exact_mask_of_a_tunnel_covers_the_whole_tunnel_key() {
    let m = exact(&tunnel(tun_v4())).unwrap();
    assert_eq!(m.mask.tun_proto, 0xff);
    assert_eq!(
        (m.mask.tun.ipv4_src, m.mask.tun.tos, m.mask.tun.tp_src),
        ([0xff; 4], 0xff, [0xff; 2])
    );
    assert_eq!(m.mask.tun.flags, [0, 0], "flags: only those the key named");
    // a mask without TUNNEL leaves the tunnel wildcarded
    assert_eq!(
        masked(&tunnel(tun_v4()), &l2_mask())
            .unwrap()
            .mask
            .tun_proto,
        0
    );
}

#[test]
fn parse_tunnel_for_set_actions() {
    let (k, opts) = parse_tunnel(
        tun_v4()
            .put(OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, &[0; 4])
            .bytes(),
    )
    .unwrap();
    assert_eq!(
        (k.tun.ipv4_dst, k.tun.ttl, opts),
        ([192, 168, 0, 2], 64, OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS)
    );
    assert_eq!(parse_tunnel(A::new().bytes()).err(), Some(Errno::EINVAL));
}

// ---------------------------------------------------------------- output and lookups

#[test]
fn exact_mask_covers_only_mentioned_fields() {
    let m = exact(&udp4()).unwrap();
    assert_eq!(m.mask.skb_mark, [0; 4]);
    assert_eq!(m.mask.ipv4_src, [0xff; 4]);
    assert_eq!((m.mask.tp_src, m.mask.tcp_flags), ([0xff; 2], [0; 2]));
    assert_eq!((m.mask.eth_type, m.mask.in_port), ([0xff; 2], [0xff; 2]));
    assert_eq!(m.mask.tun_proto, 0);
}

#[test]
fn canonical_order_puts_metadata_first_and_tunnel_in_masks() {
    let m = exact(&udp4()).unwrap();
    let k = put(&m.key, &m.key, false);
    let types: Vec<u16> = genl::AttrIter::new(&k).map(|a| a.kind).collect();
    assert_eq!(
        types,
        [20, 19, 2, 3, 15, 22, 23, 24, 25, 4, 6, 7, 10],
        "RECIRC_ID DP_HASH PRIORITY IN_PORT SKB_MARK CT_* ETHERNET ETHERTYPE IPV4 UDP"
    );
    let mk = Mask::new(m.mask).apply(&m.key);
    let types: Vec<u16> = genl::AttrIter::new(&put(&mk, &m.mask, true))
        .map(|a| a.kind)
        .collect();
    assert_eq!(types[3], OVS_KEY_ATTR_TUNNEL);
}

#[test]
fn lookup_key_parses_without_mask_rules() {
    // truncated VLAN: the exact mask fails, the lookup key alone is fine
    let key = vlan(ETH_P_8021Q, 0, A::new());
    einval(exact(&key));
    assert_eq!(parse_key(key.bytes()).unwrap().eth_type(), ETH_P_802_2);
}

#[test]
fn metadata_of_a_packet_key() {
    let key = A::new()
        .u32(OVS_KEY_ATTR_PRIORITY, 3)
        .u32(OVS_KEY_ATTR_SKB_MARK, 4)
        .be16(OVS_KEY_ATTR_ETHERTYPE, ETH_P_IP)
        .put(OVS_KEY_ATTR_IPV4, &[0xee; 12]);
    let (k, attrs) = parse_metadata(key.bytes()).unwrap();
    assert_eq!(
        (k.in_port(), k.priority, k.mac_proto, k.eth_type()),
        (IN_PORT_NONE, 3u32.to_ne_bytes(), MAC_PROTO_NONE, ETH_P_IP)
    );
    assert_eq!(k.ipv4_src, [0; 4], "packet fields come from the frame");
    assert_ne!(attrs & bit(OVS_KEY_ATTR_IPV4), 0);
    assert_eq!(parse_metadata(&[1, 2]).err(), Some(Errno::EINVAL));
}

// ---------------------------------------------------------------- round trip

/// A valid key and mask: IN_PORT, then one of several shapes with random
/// values; mask bytes random or exact where the rules require.
fn request() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    let shape = 0u8..12;
    (shape, any::<[u8; 64]>(), any::<[u8; 64]>(), 0u8..4).prop_map(|(shape, v, m, n)| {
        let mut key = A::new().u32(OVS_KEY_ATTR_IN_PORT, u32::from(v[0]));
        let mut mask = A::new().u32(OVS_KEY_ATTR_IN_PORT, u32::MAX);
        let meta = [
            OVS_KEY_ATTR_PRIORITY,
            OVS_KEY_ATTR_SKB_MARK,
            OVS_KEY_ATTR_DP_HASH,
            OVS_KEY_ATTR_RECIRC_ID,
            OVS_KEY_ATTR_CT_MARK,
        ];
        for (i, t) in meta.iter().enumerate().take(n as usize + 1) {
            key = key.put(*t, &v[4 * i..4 * i + 4]);
            mask = mask.put(*t, &m[4 * i..4 * i + 4]);
        }
        key = key
            .u32(OVS_KEY_ATTR_CT_STATE, u32::from(v[1]))
            .put(OVS_KEY_ATTR_CT_LABELS, &v[20..36]);
        mask = mask
            .u32(OVS_KEY_ATTR_CT_STATE, u32::from(m[1]))
            .put(OVS_KEY_ATTR_CT_LABELS, &m[20..36]);
        if shape == 11 {
            let mut t = A::new()
                .put(OVS_TUNNEL_KEY_ATTR_ID, &v[36..44])
                .put(OVS_TUNNEL_KEY_ATTR_IPV4_DST, &[10, v[2], v[3], 1])
                .put(OVS_TUNNEL_KEY_ATTR_TTL, &v[4..5]);
            let mut tm = A::new()
                .put(OVS_TUNNEL_KEY_ATTR_IPV4_DST, &m[0..4])
                .put(OVS_TUNNEL_KEY_ATTR_TTL, &m[4..5]);
            // (empty options do not round trip: the kernel writes none back)
            if n > 0 {
                t = t.put(
                    OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS,
                    &v[44..44 + 4 * (n as usize)],
                );
                tm = tm.put(
                    OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS,
                    &m[44..44 + 4 * (n as usize)],
                );
            }
            if v[5] & 1 != 0 {
                t = t.put(OVS_TUNNEL_KEY_ATTR_CSUM, &[]);
            }
            key = key.nest(OVS_KEY_ATTR_TUNNEL, t);
            mask = mask.nest(OVS_KEY_ATTR_TUNNEL, tm);
        }
        let eth = |key: A, mask: A, t: u16| {
            (
                key.put(OVS_KEY_ATTR_ETHERNET, &v[0..12])
                    .be16(OVS_KEY_ATTR_ETHERTYPE, t),
                mask.put(OVS_KEY_ATTR_ETHERNET, &m[0..12])
                    .be16(OVS_KEY_ATTR_ETHERTYPE, 0xffff),
            )
        };
        let ip4 = |proto: u8, frag: u8| {
            let mut k4 = [0u8; 12];
            k4.copy_from_slice(&v[8..20]);
            k4[8] = proto;
            k4[11] = frag % 3;
            let mut m4 = [0u8; 12];
            m4.copy_from_slice(&m[8..20]);
            m4[8] = 0xff;
            (k4, m4)
        };
        let (key, mask) = match shape {
            0 | 11 => eth(key, mask, 0x88cc),
            1..=3 => {
                let proto = [IPPROTO_UDP, IPPROTO_TCP, IPPROTO_ICMP][shape as usize - 1];
                let (k4, m4) = ip4(proto, 0);
                let (key, mask) = eth(key, mask, ETH_P_IP);
                let (key, mask) = (
                    key.put(OVS_KEY_ATTR_IPV4, &k4),
                    mask.put(OVS_KEY_ATTR_IPV4, &m4),
                );
                match proto {
                    IPPROTO_UDP => (
                        key.put(OVS_KEY_ATTR_UDP, &v[20..24]),
                        mask.put(OVS_KEY_ATTR_UDP, &m[20..24]),
                    ),
                    IPPROTO_TCP => (
                        key.put(OVS_KEY_ATTR_TCP, &v[20..24])
                            .put(OVS_KEY_ATTR_TCP_FLAGS, &[v[24] & 0xf, v[25]]),
                        mask.put(OVS_KEY_ATTR_TCP, &m[20..24])
                            .put(OVS_KEY_ATTR_TCP_FLAGS, &m[24..26]),
                    ),
                    _ => (
                        key.put(OVS_KEY_ATTR_ICMP, &v[20..22]),
                        mask.put(OVS_KEY_ATTR_ICMP, &m[20..22]),
                    ),
                }
            }
            4 => {
                let mut k6 = [0u8; 40];
                k6.copy_from_slice(&v[0..40]);
                k6[32] = 0;
                k6[33] &= 0x0f;
                k6[36] = IPPROTO_ICMPV6;
                k6[39] = 0;
                let mut m6 = [0u8; 40];
                m6.copy_from_slice(&m[0..40]);
                m6[36] = 0xff;
                let (key, mask) = eth(key, mask, ETH_P_IPV6);
                (
                    key.put(OVS_KEY_ATTR_IPV6, &k6)
                        .put(OVS_KEY_ATTR_ICMPV6, &[135 + (v[40] & 1), v[41]])
                        .put(OVS_KEY_ATTR_ND, &v[12..40])
                        .put(OVS_KEY_ATTR_IPV6_EXTHDRS, &v[42..44]),
                    mask.put(OVS_KEY_ATTR_IPV6, &m6)
                        .put(OVS_KEY_ATTR_ICMPV6, &[0xff, m[41]])
                        .put(OVS_KEY_ATTR_ND, &m[12..40])
                        .put(OVS_KEY_ATTR_IPV6_EXTHDRS, &m[42..44]),
                )
            }
            5 => {
                let mut arp = [0u8; 24];
                arp[..22].copy_from_slice(&v[0..22]);
                arp[8] = 0;
                let (key, mask) = eth(key, mask, ETH_P_ARP);
                (
                    key.put(OVS_KEY_ATTR_ARP, &arp),
                    mask.put(OVS_KEY_ATTR_ARP, &m[0..24]),
                )
            }
            6 => {
                let labels = 4 * (1 + n as usize % 3);
                let (key, mask) = eth(key, mask, ETH_P_MPLS_UC);
                (
                    key.put(OVS_KEY_ATTR_MPLS, &v[0..labels]),
                    mask.put(OVS_KEY_ATTR_MPLS, &m[0..labels]),
                )
            }
            7 => {
                let mut base = [0u8; 8];
                base.copy_from_slice(&v[0..8]);
                base[2] = 1;
                let (key, mask) = eth(key, mask, ETH_P_NSH);
                (
                    key.nest(
                        OVS_KEY_ATTR_NSH,
                        A::new()
                            .put(OVS_NSH_KEY_ATTR_BASE, &base)
                            .put(OVS_NSH_KEY_ATTR_MD1, &v[8..24]),
                    ),
                    mask.nest(
                        OVS_KEY_ATTR_NSH,
                        A::new()
                            .put(OVS_NSH_KEY_ATTR_BASE, &m[0..8])
                            .put(OVS_NSH_KEY_ATTR_MD1, &m[8..24]),
                    ),
                )
            }
            8 | 9 => {
                let tci = 0x1000 | u16::from_be_bytes([v[30] & 0xef, v[31]]);
                let mtci = 0x1000 | u16::from_be_bytes([m[30], m[31]]);
                let (k4, m4) = ip4(IPPROTO_UDP, v[32]);
                let inner_k = A::new()
                    .be16(OVS_KEY_ATTR_ETHERTYPE, ETH_P_IP)
                    .put(OVS_KEY_ATTR_IPV4, &k4)
                    .put(OVS_KEY_ATTR_UDP, &v[20..24]);
                let inner_m = A::new()
                    .be16(OVS_KEY_ATTR_ETHERTYPE, 0xffff)
                    .put(OVS_KEY_ATTR_IPV4, &m4)
                    .put(OVS_KEY_ATTR_UDP, &m[20..24]);
                let (inner_k, inner_m) = if shape == 9 {
                    (
                        A::new()
                            .be16(OVS_KEY_ATTR_ETHERTYPE, ETH_P_8021Q)
                            .be16(OVS_KEY_ATTR_VLAN, tci ^ 1)
                            .nest(OVS_KEY_ATTR_ENCAP, inner_k),
                        A::new()
                            .be16(OVS_KEY_ATTR_ETHERTYPE, 0xffff)
                            .be16(OVS_KEY_ATTR_VLAN, mtci)
                            .nest(OVS_KEY_ATTR_ENCAP, inner_m),
                    )
                } else {
                    (inner_k, inner_m)
                };
                let tpid = if shape == 9 {
                    ETH_P_8021AD
                } else {
                    ETH_P_8021Q
                };
                (
                    key.put(OVS_KEY_ATTR_ETHERNET, &v[0..12])
                        .be16(OVS_KEY_ATTR_ETHERTYPE, tpid)
                        .be16(OVS_KEY_ATTR_VLAN, tci)
                        .nest(OVS_KEY_ATTR_ENCAP, inner_k),
                    mask.put(OVS_KEY_ATTR_ETHERNET, &m[0..12])
                        .be16(OVS_KEY_ATTR_ETHERTYPE, 0xffff)
                        .be16(OVS_KEY_ATTR_VLAN, mtci)
                        .nest(OVS_KEY_ATTR_ENCAP, inner_m),
                )
            }
            _ => {
                // layer 3 IPv4 with a conntrack tuple
                let (k4, m4) = ip4(IPPROTO_UDP, 0);
                let mut ct = [0u8; 16];
                ct[..12].copy_from_slice(&v[40..52]);
                ct[12] = v[52] | 1;
                (
                    key.be16(OVS_KEY_ATTR_ETHERTYPE, ETH_P_IP)
                        .put(OVS_KEY_ATTR_IPV4, &k4)
                        .put(OVS_KEY_ATTR_UDP, &v[20..24])
                        .put(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4, &ct),
                    mask.be16(OVS_KEY_ATTR_ETHERTYPE, 0xffff)
                        .put(OVS_KEY_ATTR_IPV4, &m4)
                        .put(OVS_KEY_ATTR_UDP, &m[20..24])
                        .put(OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4, &m[40..56]),
                )
            }
        };
        (key.bytes().to_vec(), mask.bytes().to_vec())
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// What the kernel sends back parses to the same flow: the unmasked key
    /// exactly, and the same canonical key and mask output.
    #[test]
    fn put_then_parse_round_trips((key, mask) in request()) {
        let m = parse_match(&key, Some(&mask));
        prop_assume!(m.is_ok());
        let m = m.unwrap();
        let mk = Mask::new(m.mask).apply(&m.key);
        let k_out = put(&m.key, &m.key, false);
        let m_out = put(&mk, &m.mask, true);
        prop_assert_eq!(parse_key(&k_out).unwrap(), m.key);
        let m2 = parse_match(&k_out, Some(&m_out)).unwrap();
        prop_assert_eq!(&m2.key, &m.key);
        let mk2 = Mask::new(m2.mask).apply(&m2.key);
        prop_assert_eq!(&put(&m2.key, &m2.key, false), &k_out);
        prop_assert_eq!(&put(&mk2, &m2.mask, true), &m_out);
        // and the exact-match flow of the same key
        let e = parse_match(&k_out, None).unwrap();
        prop_assert_eq!(e.key, m.key);
    }

    /// Arbitrary bytes never panic, and whatever parses can be written.
    #[test]
    fn arbitrary_bytes_do_not_panic(key in proptest::collection::vec(any::<u8>(), 0..200), mask in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(m) = parse_match(&key, Some(&mask)) {
            let _ = put(&m.key, &m.mask, true);
        }
        let _ = parse_match(&key, None);
        let _ = parse_key(&key);
        let _ = parse_metadata(&key);
    }
}
