//! The parsers never panic and name what is wrong; the printers never
//! panic on any attribute bytes a datapath could send.

use super::*;
use proptest::prelude::*;

/// Valid flows and action lists to mutate.
const FLOWS: &[&str] = &[
    "ufid:00000001-0000-4000-8000-000000000001,in_port(1),eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=6,tos=0,ttl=64,frag=no),tcp(src=1000,dst=80),tcp_flags(0/0)",
    "in_port(1),eth(),eth_type(0x0800),ipv4(src=10.0.0.0/255.255.255.0,dst=10.0.1.0/24,proto=6,frag=no),tcp(dst=0x50/0xfff0),tcp_flags(0x002/0x012)",
    "in_port(2),eth(),eth_type(0x88a8),vlan(vid=100,pcp=0),encap(eth_type(0x8100),vlan(vid=200),encap(eth_type(0x0800),ipv4(frag=no)))",
    "in_port(1),eth(),eth_type(0x86dd),ipv6(src=2001:db8::/ffff:ffff::,proto=58,frag=no),icmpv6(type=136,code=0),nd(target=2001:db8::1,tll=02:00:00:00:00:02)",
    "tunnel(tun_id=0x6,ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2,ttl=64,tp_dst=6081,geneve({class=0xffff,type=0x80,len=4,0xa/0xf}),flags(+key)),in_port(1),eth(),eth_type(0x0800),ipv4(frag=no)",
    "recirc_id(1),dp_hash(0x1/0xf),skb_priority(0x1),skb_mark(0x100/0xff00),in_port(1),ct_state(+est+trk),ct_zone(5),ct_mark(0x1/0xff),ct_label(0x2/0xf),ct_tuple4(src=10.0.0.1,dst=10.0.0.2,proto=6,tp_src=1000,tp_dst=80),eth(),eth_type(0x0806),arp(sip=10.0.0.1,tip=10.0.0.2,op=1,sha=02:00:00:00:00:01,tha=00:00:00:00:00:00)",
    "in_port(1),eth(),eth_type(0x8847),mpls(label=100,tc=0,ttl=64,bos=1)",
];

const ACTIONS: &[&str] = &[
    "set(ipv4(ttl=63)),set(tcp(dst=8080)),push_vlan(vid=10,pcp=3),2",
    "sample(sample=50.0%,actions(2)),clone(push_vlan(vid=20,pcp=0),1),userspace(pid=4242,userdata(01020304))",
    "check_pkt_len(size=200,gt(2),le(userspace(pid=4242)))",
    "ct(commit,zone=5,mark=0x1/0xff,label=0x2/0xf,nat(src=10.1.1.1-10.1.1.9:100-200,persistent)),recirc(1)",
    "set(tunnel(tun_id=0x7,dst=192.168.0.3,ttl=64,tp_dst=4789,flags(df|key))),hash(l4(0)),dec_ttl(le_1(drop)),1",
    "push_mpls(label=77,tc=0,ttl=64,bos=1,eth_type=0x8847),pop_mpls(eth_type=0x800),add_mpls(label=200,tc=0,ttl=64,bos=1,eth_type=0x8847),trunc(100),meter(0),ct_clear,pop_eth,drop(5)",
];

/// A malformed flow and a word its error must contain.
const BAD_FLOWS: &[(&str, &str)] = &[
    ("in_port(1),foo(1)", "syntax error at foo(1)"),
    ("in_port(1),eth(src=zz)", "eth(src)"),
    ("in_port(1),eth(srcx=1)", "unknown field \"srcx\""),
    ("in_port(1),eth_type(0x800", "syntax error at"),
    ("in_port(1),ipv4(ttl=300)", "ipv4(ttl)"),
    ("in_port(1),ipv4(src=1.2.3.4/1.2.3)", "ipv4(src) mask"),
    ("in_port(1),ipv6(src=2001:db8::zz)", "ipv6(src)"),
    ("in_port(1),tcp(dst=65536)", "tcp(dst)"),
    ("in_port(1),vlan(vid=4096)", "vlan(vid)"),
    ("in_port(1),mpls(label=1048576)", "mpls(label)"),
    ("in_port(nosuch)", "in_port: unknown port \"nosuch\""),
    ("in_port(1),tcp_flags(+syn+bogus)", "unknown flag \"bogus\""),
    ("in_port(1),ct_state(+new+what)", "unknown flag \"what\""),
    (
        "tunnel(tun_id=0x1,dstt=1.1.1.1)",
        "tunnel: unknown field \"dstt\"",
    ),
    ("in_port(1),ipv4(frag=maybe)", "ipv4(frag)"),
    (
        "in_port(1),encap(eth_type(0x0800),ipv4(proto=x))",
        "ipv4(proto)",
    ),
    ("in_port", "\"in_port\": expected in_port(...)"),
];

const BAD_ACTIONS: &[(&str, &str)] = &[
    ("bogus(1)", "unknown action \"bogus(1)\""),
    ("set(ipv4(ttl=300))", "ipv4(ttl)"),
    ("push_vlan(vid=5000)", "push_vlan(vid)"),
    ("push_vlan(vlan=5)", "push_vlan: unknown field \"vlan\""),
    ("userspace(userdata(01))", "userspace: missing pid"),
    ("userspace(pid=1,userdata(0g))", "userspace(userdata)"),
    ("sample(sample=150%,actions(1))", "sample: bad probability"),
    ("ct(zone=70000)", "ct(zone)"),
    ("ct(commit,nat(src=10.0.0.1:99999))", "nat port"),
    ("recirc(x)", "recirc"),
    (
        "check_pkt_len(size=1,eq(1))",
        "check_pkt_len: unknown field",
    ),
    ("hash(crc(1))", "hash: unknown algorithm"),
    (
        "push_mpls(label=1,tc=0,ttl=1,bos=1)",
        "push_mpls: missing eth_type",
    ),
    ("clone(1", "unbalanced"),
    ("4294967296", "output: port 4294967296 is out of range"),
    ("nosuchport", "unknown action or port \"nosuchport\""),
];

#[test]
fn malformed_flows_name_the_bad_field() {
    for (s, want) in BAD_FLOWS {
        let e = parse_flow(s, Some(&[])).expect_err(s);
        assert!(e.0.contains(want), "{s}: error {e:?} lacks {want:?}");
    }
}

#[test]
fn malformed_actions_name_the_bad_field() {
    for (s, want) in BAD_ACTIONS {
        let e = parse_actions(s, Some(&[])).expect_err(s);
        assert!(e.0.contains(want), "{s}: error {e:?} lacks {want:?}");
    }
}

#[test]
fn malformed_ufids_are_errors() {
    for s in [
        "ufid:1234",
        "ufid:zzzzzzzz-0000-4000-8000-000000000001,in_port(1)",
    ] {
        assert!(split_ufid(s).is_err(), "{s}");
    }
}

#[test]
fn the_valid_examples_parse() {
    for s in FLOWS {
        let (_, rest) = split_ufid(s).unwrap();
        parse_flow(rest, None).unwrap_or_else(|e| panic!("{s}: {e}"));
    }
    for s in ACTIONS {
        parse_actions(s, None).unwrap_or_else(|e| panic!("{s}: {e}"));
    }
}

/// Markers of what odp-util prints for values it has no syntax for (flag
/// bits without a name, partial frag masks, bad lengths): such text is
/// not expected to parse again.
const UNPARSABLE: &[&str] = &["[Unknown]", "error", "bad key length", "leftover", "(bad "];

/// True when printed text may be fed back to the parser.
fn reparsable(printed: &str) -> bool {
    !UNPARSABLE.iter().any(|m| printed.contains(m))
}

/// What a parse error must be: non-empty text.
fn check<T>(r: Result<T, ParseError>) {
    if let Err(e) = r {
        assert!(!e.0.is_empty());
    }
}

fn mutate(s: &str, ops: &[(usize, u8, char)]) -> String {
    let mut v: Vec<char> = s.chars().collect();
    for &(at, op, c) in ops {
        if v.is_empty() {
            break;
        }
        let i = at % v.len();
        match op % 3 {
            0 => v[i] = c,
            1 => {
                v.remove(i);
            }
            _ => v.insert(i, c),
        }
    }
    v.into_iter().collect()
}

fn syntax_char() -> impl Strategy<Value = char> {
    prop::sample::select(
        "()[]{},=/:.+-|%0123456789abcdefxzAF_ "
            .chars()
            .collect::<Vec<_>>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn mutated_flows_never_panic(
        which in 0..FLOWS.len(),
        ops in prop::collection::vec((any::<usize>(), any::<u8>(), syntax_char()), 1..6),
    ) {
        let s = mutate(FLOWS[which], &ops);
        check(split_ufid(&s));
        let rest = split_ufid(&s).map(|(_, r)| r).unwrap_or(&s);
        check(parse_flow(rest, Some(&[("p1".to_string(), 1)])));
    }

    #[test]
    fn mutated_actions_never_panic(
        which in 0..ACTIONS.len(),
        ops in prop::collection::vec((any::<usize>(), any::<u8>(), syntax_char()), 1..6),
    ) {
        let s = mutate(ACTIONS[which], &ops);
        check(parse_actions(&s, Some(&[("p1".to_string(), 1)])));
    }

    #[test]
    fn what_parses_prints_to_text_that_parses_the_same(
        which in 0..FLOWS.len(),
        awhich in 0..ACTIONS.len(),
        ops in prop::collection::vec((any::<usize>(), any::<u8>(), syntax_char()), 0..4),
    ) {
        let s = mutate(FLOWS[which], &ops);
        let rest = split_ufid(&s).map(|(_, r)| r).unwrap_or(&s);
        if let Ok((key, mask)) = parse_flow(rest, None) {
            let printed = format_flow(&key, Some(&mask), None, true);
            prop_assume!(reparsable(&printed));
            let again = parse_flow(&printed, None);
            prop_assert!(again.is_ok(), "{s}\n{printed}\n{again:?}");
            let (k2, m2) = again.unwrap();
            prop_assert_eq!(&printed, &format_flow(&k2, Some(&m2), None, true), "{}", s);
        }
        let s = mutate(ACTIONS[awhich], &ops);
        if let Ok(a) = parse_actions(&s, None) {
            let printed = format_actions(&a, None);
            prop_assume!(reparsable(&printed));
            let again = parse_actions(&printed, None);
            prop_assert!(again.is_ok(), "{s}\n{printed}\n{again:?}");
            prop_assert_eq!(&printed, &format_actions(&again.unwrap(), None), "{}", s);
        }
    }

    #[test]
    fn random_strings_never_panic(s in "[a-z_0-9(){}=/,:.+%|-]{0,80}") {
        check(parse_flow(&s, None));
        check(parse_actions(&s, None));
        check(split_ufid(&s));
    }

    #[test]
    fn printing_any_attribute_bytes_never_panics(
        key in prop::collection::vec(any::<u8>(), 0..200),
        mask in prop::collection::vec(any::<u8>(), 0..200),
        verbose in any::<bool>(),
    ) {
        let _ = format_flow(&key, Some(&mask), None, verbose);
        let _ = format_flow(&key, None, None, verbose);
        let _ = format_actions(&key, None);
        let _ = format_ufid(&key);
    }

    #[test]
    fn printing_parsed_then_corrupted_attributes_never_panics(
        which in 0..FLOWS.len(),
        at in any::<usize>(),
        byte in any::<u8>(),
        verbose in any::<bool>(),
    ) {
        let (_, rest) = split_ufid(FLOWS[which]).unwrap();
        let (mut key, mut mask) = parse_flow(rest, None).unwrap();
        let n = key.len();
        key[at % n] = byte;
        let m = mask.len();
        mask[(at / 7) % m] ^= byte;
        let _ = format_flow(&key, Some(&mask), None, verbose);
        let mut acts = parse_actions(ACTIONS[which % ACTIONS.len()], None).unwrap();
        let a = acts.len();
        acts[at % a] = byte;
        let _ = format_actions(&acts, None);
    }
}
