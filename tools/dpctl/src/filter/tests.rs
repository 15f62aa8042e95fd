//! The filter parser never panics, states what is wrong as ovs-dpctl
//! does, and matches as ovs-dpctl does (a wildcarded field never
//! excludes a flow).

use super::*;
use crate::odp::parse_flow;
use proptest::prelude::*;

fn flow(s: &str) -> FlowInfo {
    let (key, mask) = parse_flow(s, None).unwrap();
    FlowInfo {
        key,
        mask: Some(mask),
        ..FlowInfo::default()
    }
}

fn ports() -> Vec<(String, u32)> {
    vec![("p1".into(), 1), ("p2".into(), 2)]
}

#[test]
fn errors_read_as_ovs_dpctls() {
    for (f, want) in [
        ("foo=1", "foo=1: unknown field foo"),
        ("tp_dst=53", "tp_dst=53: prerequisites not met for setting tp_dst"),
        ("ip,ip", "ip,ip: Ethernet type set multiple times"),
        (
            "in_port=1,in_port=2",
            "in_port=1,in_port=2: field in_port set multiple times",
        ),
        (
            "ip,nw_src=1.2.3",
            "ip,nw_src=1.2.3: bad value for nw_src (1.2.3: invalid IP address)",
        ),
        (
            "ip,nw_dst=10.0.0.0/24",
            "ip,nw_dst=10.0.0.0/24: bad value for nw_dst (10.0.0.0/24: wildcards not allowed here)",
        ),
        (
            "tcp,tcp_dst=99999",
            "tcp,tcp_dst=99999: bad value for tcp_dst (99999: value too large for 2-byte field tcp_dst)",
        ),
        (
            "in_port=nosuch",
            "in_port=nosuch: bad value for in_port (nosuch: invalid or unknown port for in_port)",
        ),
    ] {
        assert_eq!(Filter::parse(f, &ports()).unwrap_err(), want);
    }
}

#[test]
fn wildcarded_fields_never_exclude_a_flow() {
    let udp53 = flow("in_port(1),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=53)");
    let any_ip = flow("in_port(1),eth(),eth_type(0x0800),ipv4(frag=no)");
    let tcp = flow(
        "in_port(2),eth(),eth_type(0x0800),ipv4(dst=10.0.0.2,proto=6,frag=no),tcp(dst=80),tcp_flags(0/0)",
    );
    let vlan = flow("in_port(1),eth(),eth_type(0x8100),vlan(vid=10,pcp=3),encap(eth_type(0x0800),ipv4(frag=no))");
    let m = |f: &str, x: &FlowInfo| Filter::parse(f, &ports()).unwrap().matches(x);
    assert!(m("udp,udp_dst=53", &udp53));
    assert!(m("udp,udp_dst=53", &any_ip));
    assert!(!m("udp,udp_dst=53", &tcp));
    assert!(!m("udp,udp_dst=54", &udp53));
    assert!(m("in_port=p2", &tcp) && !m("in_port=p2", &udp53));
    assert!(m("ip,nw_dst=10.0.0.2", &tcp) && !m("ip,nw_dst=10.0.0.3", &tcp));
    assert!(m("ip,nw_dst=10.0.0.3", &udp53));
    assert!(m("dl_vlan=10", &vlan) && !m("dl_vlan=10", &udp53));
    assert!(m("dl_type=0x0800", &vlan) && !m("eth_type=0x8100", &vlan));
    assert!(!m("ipv6", &udp53));
}

proptest! {
    #[test]
    fn any_filter_text_parses_or_fails_cleanly(s in "[a-z_0-9=:(),./ +-]{0,60}") {
        if let Err(e) = Filter::parse(&s, &ports()) {
            prop_assert!(e.starts_with(&s));
        }
    }
}
