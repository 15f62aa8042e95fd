//! List-level rules of `__ovs_nla_copy_actions` and the canonical output:
//! one test per errno rule, the kernel selftests' negative cases, and the
//! canonicalizations `ovs_nla_put_actions` performs.

use genl::{Errno, Writer};

use super::consts::{act, cpl, dec_ttl, key as k, sample, userspace as us};
use super::*;
use crate::FlowKey;

/// An Ethernet IPv4/UDP key.
fn udp4() -> FlowKey {
    FlowKey {
        eth_type: 0x0800u16.to_be_bytes(),
        ip_proto: 17,
        ..FlowKey::default()
    }
}

/// A layer-3 (no Ethernet header) IPv4 key.
fn l3_ipv4() -> FlowKey {
    let mut key = udp4();
    key.mac_proto = 1;
    key
}

fn build(f: impl FnOnce(&mut Writer)) -> Vec<u8> {
    let mut w = Writer::new();
    f(&mut w);
    w.take()
}

fn copy(buf: &[u8], key: &FlowKey) -> Result<Actions, Errno> {
    copy_actions(buf, key, false)
}

fn err(buf: &[u8], key: &FlowKey) -> Errno {
    copy(buf, key).expect_err("should be rejected")
}

fn put(a: &Actions) -> Vec<u8> {
    let mut w = Writer::new();
    put_actions(&mut w, a);
    w.take()
}

fn roundtrip(buf: &[u8], key: &FlowKey) {
    let a = copy(buf, key).expect("valid");
    assert_eq!(put(&a), buf);
    assert_eq!(put_len(&a), buf.len());
}

fn clones(w: &mut Writer, n: usize) {
    if n == 0 {
        return;
    }
    let m = w.nest_noflag(act::CLONE);
    clones(w, n - 1);
    w.nest_end(m);
}

#[test]
fn unknown_types_lengths_and_trailing_bytes() {
    let key = udp4();
    assert_eq!(
        err(&build(|w| w.attr_flag(act::UNSPEC)), &key),
        Errno::EINVAL
    );
    assert_eq!(err(&build(|w| w.attr_flag(26)), &key), Errno::EINVAL);
    assert_eq!(
        err(&build(|w| w.attr_u16(act::OUTPUT, 1)), &key),
        Errno::EINVAL
    );
    assert_eq!(
        err(&build(|w| w.attr_u32(act::POP_VLAN, 1)), &key),
        Errno::EINVAL
    );
    let mut b = build(|w| w.attr_u32(act::OUTPUT, 1));
    b.extend_from_slice(&[1, 2]);
    assert_eq!(err(&b, &key), Errno::EINVAL);
    // an empty list is fine
    assert_eq!(copy(&[], &key).unwrap().list, vec![]);
}

#[test]
fn output_trunc_hash_limits() {
    let key = udp4();
    assert_eq!(
        err(&build(|w| w.attr_u32(act::OUTPUT, 65535)), &key),
        Errno::EINVAL
    );
    roundtrip(&build(|w| w.attr_u32(act::OUTPUT, 65534)), &key);
    assert_eq!(
        err(&build(|w| w.attr_u32(act::TRUNC, 13)), &key),
        Errno::EINVAL
    );
    roundtrip(&build(|w| w.attr_u32(act::TRUNC, 14)), &key);
    let hash =
        |alg: u32| build(|w| w.attr(act::HASH, &[alg.to_ne_bytes(), 7u32.to_ne_bytes()].concat()));
    roundtrip(&hash(1), &key);
    assert_eq!(err(&hash(2), &key), Errno::EINVAL);
    roundtrip(&build(|w| w.attr_u32(act::RECIRC, 9)), &key);
    roundtrip(&build(|w| w.attr_u32(act::METER, 9)), &key);
    roundtrip(&build(|w| w.attr_flag(act::CT_CLEAR)), &key);
}

#[test]
fn vlan_rules() {
    let key = udp4();
    let push = |tpid: u16, tci: u16| {
        build(|w| {
            w.attr(
                act::PUSH_VLAN,
                &[tpid.to_be_bytes(), tci.to_be_bytes()].concat(),
            )
        })
    };
    roundtrip(&push(0x8100, 0x1005), &key);
    roundtrip(&push(0x88a8, 0x1005), &key);
    assert_eq!(err(&push(0x0800, 0x1005), &key), Errno::EINVAL);
    assert_eq!(err(&push(0x8100, 0x0005), &key), Errno::EINVAL);
    assert_eq!(err(&push(0x8100, 0x1005), &l3_ipv4()), Errno::EINVAL);
    assert_eq!(
        err(&build(|w| w.attr_flag(act::POP_VLAN)), &l3_ipv4()),
        Errno::EINVAL
    );
    roundtrip(&build(|w| w.attr_flag(act::POP_VLAN)), &key);
}

fn mpls_act(kind: u16, ethertype: u16, tail: [u8; 2]) -> Vec<u8> {
    let mut p = vec![0, 0, 0x11, 0x40];
    p.extend_from_slice(&ethertype.to_be_bytes());
    p.extend_from_slice(&tail);
    build(|w| w.attr(kind, &p))
}

#[test]
fn mpls_rules() {
    let key = udp4();
    // push keeps its padding bytes verbatim
    roundtrip(&mpls_act(act::PUSH_MPLS, 0x8847, [0xaa, 0xbb]), &key);
    assert_eq!(
        err(&mpls_act(act::PUSH_MPLS, 0x0800, [0; 2]), &key),
        Errno::EINVAL
    );
    let mut vlan = key;
    vlan.vlan_tci = 0x1001u16.to_be_bytes();
    assert_eq!(
        err(&mpls_act(act::PUSH_MPLS, 0x8847, [0; 2]), &vlan),
        Errno::EINVAL
    );
    let mut arp6 = key;
    arp6.eth_type = 0x88ccu16.to_be_bytes();
    assert_eq!(
        err(&mpls_act(act::PUSH_MPLS, 0x8847, [0; 2]), &arp6),
        Errno::EINVAL
    );
    // pop needs an MPLS packet; TEB only on L3 packets
    let pop = |t: u16| build(|w| w.attr(act::POP_MPLS, &t.to_be_bytes()));
    assert_eq!(err(&pop(0x0800), &key), Errno::EINVAL);
    let mut mpls = key;
    mpls.eth_type = 0x8847u16.to_be_bytes();
    mpls.mpls_num_labels_mask = 1u32.to_ne_bytes();
    roundtrip(&pop(0x0800), &mpls);
    assert_eq!(err(&pop(0x6558), &mpls), Errno::EINVAL);
    // after the last label is gone the EtherType is unknown: no more pops
    let two = [pop(0x8847), pop(0x0800)].concat();
    assert_eq!(err(&two, &mpls), Errno::EINVAL);
    mpls.mpls_num_labels_mask = 3u32.to_ne_bytes();
    roundtrip(&two, &mpls);
    // push then pop on a plain IP packet
    roundtrip(
        &[mpls_act(act::PUSH_MPLS, 0x8847, [0; 2]), pop(0x0800)].concat(),
        &key,
    );
    // ADD_MPLS: MPLS EtherType; the L3 flag needs an IP-ish packet without VLAN
    roundtrip(&mpls_act(act::ADD_MPLS, 0x8848, 1u16.to_ne_bytes()), &key);
    assert_eq!(
        err(&mpls_act(act::ADD_MPLS, 0x0800, [0; 2]), &key),
        Errno::EINVAL
    );
    assert_eq!(
        err(&mpls_act(act::ADD_MPLS, 0x8847, 1u16.to_ne_bytes()), &vlan),
        Errno::EINVAL
    );
    // without the flag the Ethernet header goes: POP_ETH then fails
    let b = [
        mpls_act(act::ADD_MPLS, 0x8847, [0; 2]),
        build(|w| w.attr_flag(act::POP_ETH)),
    ]
    .concat();
    assert_eq!(err(&b, &key), Errno::EINVAL);
}

#[test]
fn ethernet_push_pop() {
    let key = udp4();
    let push = build(|w| w.attr(act::PUSH_ETH, &[1; 12]));
    let pop = build(|w| w.attr_flag(act::POP_ETH));
    assert_eq!(err(&push, &key), Errno::EINVAL);
    roundtrip(&[pop.clone(), push.clone()].concat(), &key);
    roundtrip(&push, &l3_ipv4());
    assert_eq!(err(&pop, &l3_ipv4()), Errno::EINVAL);
    let mut vlan = key;
    vlan.vlan_tci = 0x1001u16.to_be_bytes();
    assert_eq!(err(&pop, &vlan), Errno::EINVAL);
    // SET(ETHERNET) after POP_ETH is refused
    let set_eth = build(|w| {
        let n = w.nest_noflag(act::SET);
        w.attr(k::ETHERNET, &[2; 12]);
        w.nest_end(n);
    });
    assert_eq!(
        err(&[pop.clone(), set_eth.clone()].concat(), &key),
        Errno::EINVAL
    );
    // a nested list starts again from the key's L2 state
    let nested = build(|w| {
        w.attr_flag(act::POP_ETH);
        let c = w.nest_noflag(act::CLONE);
        w.attr_flag(act::POP_ETH);
        w.nest_end(c);
    });
    roundtrip(&nested, &key);
}

#[test]
fn nsh_push_pop() {
    let push = build(|w| {
        let n = w.nest_noflag(act::PUSH_NSH);
        let kk = w.nest_noflag(k::NSH);
        w.attr(1, &[0, 63, 1, 3, 0, 0, 1, 255]);
        w.attr(2, &[0; 16]);
        w.nest_end(kk);
        w.nest_end(n);
    });
    roundtrip(&push, &udp4());
    roundtrip(&push, &l3_ipv4());
    let mut arp_l3 = l3_ipv4();
    arp_l3.eth_type = 0x0806u16.to_be_bytes();
    assert_eq!(err(&push, &arp_l3), Errno::EINVAL);
    let pop = build(|w| w.attr_flag(act::POP_NSH));
    let mut nsh = l3_ipv4();
    nsh.eth_type = 0x894fu16.to_be_bytes();
    nsh.nsh.np = 1;
    roundtrip(&pop, &nsh);
    nsh.nsh.np = 9;
    assert_eq!(err(&pop, &nsh), Errno::EINVAL);
    assert_eq!(err(&pop, &udp4()), Errno::EINVAL);
}

#[test]
fn drop_must_be_last() {
    let key = udp4();
    // selftest: 'drop(0),2'
    let b = build(|w| {
        w.attr_u32(act::DROP, 0);
        w.attr_u32(act::OUTPUT, 2);
    });
    assert_eq!(err(&b, &key), Errno::EINVAL);
    roundtrip(&build(|w| w.attr_u32(act::DROP, 42)), &key);
    roundtrip(
        &build(|w| {
            w.attr_u32(act::OUTPUT, 2);
            w.attr_u32(act::DROP, 0);
        }),
        &key,
    );
}

#[test]
fn clone_depth_limit() {
    let key = udp4();
    // selftest: 17 nested clone() fail, 16 are fine
    assert_eq!(err(&build(|w| clones(w, 17)), &key), Errno::EOVERFLOW);
    roundtrip(&build(|w| clones(w, 16)), &key);
    // an error before the deep nest wins
    let b = build(|w| {
        w.attr_u32(act::OUTPUT, 70000);
        clones(w, 17);
    });
    assert_eq!(err(&b, &key), Errno::EINVAL);
}

#[test]
fn sample_rules_and_order() {
    let key = udp4();
    let s = |f: &dyn Fn(&mut Writer)| {
        build(|w| {
            let n = w.nest_noflag(act::SAMPLE);
            f(w);
            w.nest_end(n);
        })
    };
    let out = build(|w| w.attr_u32(act::OUTPUT, 1));
    // ACTIONS before PROBABILITY is re-emitted canonically
    let req = s(&|w| {
        w.attr(sample::ACTIONS, &out);
        w.attr_u32(sample::PROBABILITY, 100);
    });
    let a = copy(&req, &key).unwrap();
    let want = s(&|w| {
        w.attr_u32(sample::PROBABILITY, 100);
        w.attr(sample::ACTIONS, &out);
    });
    assert_eq!(put(&a), want);
    let Action::Sample(smp) = &a.list[0] else {
        panic!()
    };
    assert!(smp.exec);
    for bad in [
        s(&|w| w.attr(sample::ACTIONS, &out)),
        s(&|w| w.attr_u32(sample::PROBABILITY, 1)),
        s(&|w| {
            w.attr_u64(sample::PROBABILITY, 1);
            w.attr(sample::ACTIONS, &[]);
        }),
        s(&|w| {
            w.attr_u32(sample::PROBABILITY, 1);
            w.attr(sample::ACTIONS, &[1, 2]);
        }),
        s(&|w| {
            w.attr_u32(sample::PROBABILITY, 1);
            w.attr_u32(sample::PROBABILITY, 1);
            w.attr(sample::ACTIONS, &[]);
        }),
        s(&|w| {
            w.attr_u32(sample::PROBABILITY, 1);
            w.attr(sample::ACTIONS, &[]);
            w.attr_flag(3);
        }),
    ] {
        assert_eq!(err(&bad, &key), Errno::EINVAL);
    }
}

#[test]
fn exec_markers() {
    let key = udp4();
    let set_mark = build(|w| {
        let n = w.nest_noflag(act::SET);
        w.attr_u32(k::SKB_MARK, 1);
        w.nest_end(n);
    });
    let clone_of = |inner: &[u8]| build(|w| w.attr(act::CLONE, inner));
    let out = build(|w| w.attr_u32(act::OUTPUT, 1));
    let execs = |b: &[u8]| -> Vec<bool> {
        copy(b, &key)
            .unwrap()
            .list
            .iter()
            .filter_map(|a| match a {
                Action::Clone(c) => Some(c.exec),
                _ => None,
            })
            .collect()
    };
    // a flow-changing clone is deferred unless last
    let b = [clone_of(&set_mark), clone_of(&out), clone_of(&set_mark)].concat();
    assert_eq!(execs(&b), vec![false, true, true]);
}

#[test]
fn check_pkt_len_rules_and_order() {
    let key = udp4();
    let c = |f: &dyn Fn(&mut Writer)| {
        build(|w| {
            let n = w.nest_noflag(act::CHECK_PKT_LEN);
            f(w);
            w.nest_end(n);
        })
    };
    let out1 = build(|w| w.attr_u32(act::OUTPUT, 1));
    let out2 = build(|w| w.attr_u32(act::OUTPUT, 2));
    let req = c(&|w| {
        w.attr(cpl::ACTIONS_IF_GREATER, &out2);
        w.attr_u16(cpl::PKT_LEN, 1500);
        w.attr(cpl::ACTIONS_IF_LESS_EQUAL, &out1);
    });
    let want = c(&|w| {
        w.attr_u16(cpl::PKT_LEN, 1500);
        w.attr(cpl::ACTIONS_IF_LESS_EQUAL, &out1);
        w.attr(cpl::ACTIONS_IF_GREATER, &out2);
    });
    assert_eq!(put(&copy(&req, &key).unwrap()), want);
    let cases: [(Vec<u8>, Errno); 6] = [
        (
            c(&|w| {
                w.attr(cpl::ACTIONS_IF_GREATER, &[]);
                w.attr(cpl::ACTIONS_IF_LESS_EQUAL, &[]);
            }),
            Errno::EINVAL,
        ),
        (
            c(&|w| {
                w.attr_u16(cpl::PKT_LEN, 0);
                w.attr(cpl::ACTIONS_IF_GREATER, &[]);
                w.attr(cpl::ACTIONS_IF_LESS_EQUAL, &[]);
            }),
            Errno::EINVAL,
        ),
        (
            c(&|w| {
                w.attr_u16(cpl::PKT_LEN, 1);
                w.attr(cpl::ACTIONS_IF_GREATER, &[]);
            }),
            Errno::EINVAL,
        ),
        (
            c(&|w| {
                w.attr_u16(cpl::PKT_LEN, 1);
                w.attr(cpl::ACTIONS_IF_GREATER, &[]);
                w.attr(cpl::ACTIONS_IF_LESS_EQUAL, &[]);
                w.attr_flag(4);
            }),
            Errno::EINVAL,
        ),
        (
            c(&|w| {
                w.attr_u8(cpl::PKT_LEN, 1);
                w.attr(cpl::ACTIONS_IF_GREATER, &[]);
                w.attr(cpl::ACTIONS_IF_LESS_EQUAL, &[]);
            }),
            Errno::ERANGE,
        ),
        (
            c(&|w| {
                w.attr_u16(cpl::PKT_LEN, 1);
                w.attr(cpl::ACTIONS_IF_GREATER, &[1, 2]);
                w.attr(cpl::ACTIONS_IF_LESS_EQUAL, &[]);
            }),
            Errno::ERANGE,
        ),
    ];
    for (b, e) in cases {
        assert_eq!(err(&b, &key), e);
    }
}

#[test]
fn dec_ttl_drops_unknown_attributes() {
    let key = udp4();
    let out = build(|w| w.attr_u32(act::OUTPUT, 1));
    let req = build(|w| {
        let n = w.nest_noflag(act::DEC_TTL);
        w.attr_u32(7, 1);
        w.attr(dec_ttl::ACTION, &out);
        w.nest_end(n);
    });
    let want = build(|w| {
        let n = w.nest_noflag(act::DEC_TTL);
        w.attr(dec_ttl::ACTION, &out);
        w.nest_end(n);
    });
    assert_eq!(put(&copy(&req, &key).unwrap()), want);
    let missing = build(|w| w.attr(act::DEC_TTL, &[]));
    assert_eq!(err(&missing, &key), Errno::EINVAL);
    let dup = build(|w| {
        let n = w.nest_noflag(act::DEC_TTL);
        w.attr(dec_ttl::ACTION, &[]);
        w.attr(dec_ttl::ACTION, &[]);
        w.nest_end(n);
    });
    assert_eq!(err(&dup, &key), Errno::EINVAL);
}

#[test]
fn stored_nest_over_64k_is_emsgsize() {
    let key = udp4();
    // 3000 plain SET(ETHERNET) = 60000 bytes on the wire, 96000 stored
    let sets = build(|w| {
        for _ in 0..3000 {
            let n = w.nest_noflag(act::SET);
            w.attr(k::ETHERNET, &[1; 12]);
            w.nest_end(n);
        }
    });
    assert_eq!(
        err(&build(|w| w.attr(act::CLONE, &sets)), &key),
        Errno::EMSGSIZE
    );
    // at top level there is no nest to overflow
    roundtrip(&sets, &key);
}

#[test]
fn canonical_output_strips_flags_and_padding() {
    let key = udp4();
    // NLA_F_NESTED on USERSPACE, NLA_F_NET_BYTEORDER on OUTPUT
    let mut w = Writer::new();
    let n = w.nest(act::USERSPACE);
    w.attr_u32(us::PID, 5);
    w.nest_end(n);
    w.attr_u32(act::OUTPUT | 0x4000, 1);
    let a = copy(w.as_bytes(), &key).unwrap();
    let want = build(|w| {
        let n = w.nest_noflag(act::USERSPACE);
        w.attr_u32(us::PID, 5);
        w.nest_end(n);
        w.attr_u32(act::OUTPUT, 1);
    });
    assert_eq!(put(&a), want);
    // garbage after a verbatim payload (outer padding) is zeroed, inside
    // it (inner padding) echoed
    let inner = build(|w| {
        w.attr_u32(us::PID, 5);
        w.attr(us::USERDATA, &[1]);
    });
    let mut body = inner[..inner.len() - 3].to_vec();
    let mut b = vec![(4 + body.len()) as u8, 0, act::USERSPACE as u8, 0];
    b.append(&mut body);
    b.extend_from_slice(&[0xee; 3]);
    let out = put(&copy(&b, &key).unwrap());
    b[17..].fill(0);
    assert_eq!(out, b);
    let mut b = build(|w| w.attr(act::USERSPACE, &inner));
    let last = b.len() - 1;
    b[last] = 0xee;
    assert_eq!(put(&copy(&b, &key).unwrap()), b);
}

#[test]
fn plain_set_echoes_as_set() {
    let key = udp4();
    let b = build(|w| {
        for (t, v) in [
            (k::PRIORITY, &[1u8, 0, 0, 0][..]),
            (k::UDP, &[0, 1, 0, 2]),
            (k::ETHERNET, &[3; 12]),
        ] {
            let n = w.nest_noflag(act::SET);
            w.attr(t, v);
            w.nest_end(n);
        }
        let n = w.nest_noflag(act::SET_MASKED);
        w.attr(k::SKB_MARK, &[1, 0, 0, 0, 0xff, 0, 0, 0]);
        w.nest_end(n);
    });
    roundtrip(&b, &key);
}

#[test]
fn ct_in_a_list() {
    let key = udp4();
    let b = build(|w| {
        let n = w.nest_noflag(act::CT);
        w.attr_flag(1);
        w.attr_u16(2, 3);
        w.nest_end(n);
        w.attr_u32(act::RECIRC, 1);
    });
    roundtrip(&b, &key);
    let mut arp = key;
    arp.eth_type = 0x0806u16.to_be_bytes();
    assert_eq!(err(&b, &arp), Errno::EINVAL);
}
