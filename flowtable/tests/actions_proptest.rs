//! Property tests: generated valid action lists (for an Ethernet IPv4/UDP
//! flow) survive `copy_actions` → `put_actions`. Lists already in canonical
//! form come back byte for byte; lists in a form the kernel canonicalizes
//! (attribute order inside SAMPLE / CHECK_PKT_LEN / CT, `NLA_F_NESTED`
//! flags, an absent CT zone, bytes after a CT timeout's NUL) come back as
//! the canonical form.

use flowtable::actions::{copy_actions, put_actions, Action};
use flowtable::FlowKey;
use genl::Writer;
use proptest::prelude::*;

const OUTPUT: u16 = 1;
const USERSPACE: u16 = 2;
const SET: u16 = 3;
const PUSH_VLAN: u16 = 4;
const POP_VLAN: u16 = 5;
const SAMPLE: u16 = 6;
const RECIRC: u16 = 7;
const HASH: u16 = 8;
const SET_MASKED: u16 = 11;
const CT: u16 = 12;
const TRUNC: u16 = 13;
const CT_CLEAR: u16 = 16;
const METER: u16 = 19;
const CLONE: u16 = 20;
const CHECK_PKT_LEN: u16 = 21;
const DEC_TTL: u16 = 23;
const DROP: u16 = 24;
const PSAMPLE: u16 = 25;

/// One generated action.
#[derive(Debug, Clone)]
enum G {
    Output(u32),
    Recirc(u32),
    Meter(u32),
    Trunc(u32),
    Hash(u32, u32),
    CtClear,
    PushVlan(u16, u16),
    PopVlan,
    /// SET of (key type, value).
    Set(u16, Vec<u8>),
    /// SET_MASKED of SKB_MARK (value, mask).
    SetMaskedMark(u32, u32),
    Userspace(u32, Option<Vec<u8>>),
    Psample(u32, Option<Vec<u8>>),
    Ct(Ct),
    Tunnel(Tunnel),
    Clone(Vec<G>),
    Sample(u32, Vec<G>, bool),
    Cpl(u16, Vec<G>, Vec<G>, bool),
    DecTtl(Vec<G>),
}

#[derive(Debug, Clone)]
struct Ct {
    commit: Option<bool>,
    zone: u16,
    send_zone: bool,
    mark: Option<(u32, u32)>,
    eventmask: Option<u32>,
    timeout: Option<(Vec<u8>, Vec<u8>)>,
}

#[derive(Debug, Clone)]
struct Tunnel {
    id: Option<u64>,
    src: u32,
    dst: u32,
    tos: u8,
    ttl: u8,
    df: bool,
    csum: bool,
    tp_src: u16,
    tp_dst: u16,
    oam: bool,
    geneve: Vec<u8>,
}

fn nest(w: &mut Writer, kind: u16, f: impl FnOnce(&mut Writer)) {
    let m = w.nest_noflag(kind);
    f(w);
    w.nest_end(m);
}

/// Writes `list` as the request (`canonical == false`) or as the kernel's
/// echo (`canonical == true`).
fn encode(w: &mut Writer, list: &[G], canonical: bool) {
    for g in list {
        encode_one(w, g, canonical);
    }
}

fn encode_one(w: &mut Writer, g: &G, c: bool) {
    match g {
        G::Output(p) => w.attr_u32(OUTPUT, *p),
        G::Recirc(v) => w.attr_u32(RECIRC, *v),
        G::Meter(v) => w.attr_u32(METER, *v),
        G::Trunc(v) => w.attr_u32(TRUNC, *v),
        G::Hash(a, b) => w.attr(HASH, &[a.to_ne_bytes(), b.to_ne_bytes()].concat()),
        G::CtClear => w.attr_flag(CT_CLEAR),
        G::PushVlan(tpid, tci) => {
            w.attr(PUSH_VLAN, &[tpid.to_be_bytes(), tci.to_be_bytes()].concat())
        }
        G::PopVlan => w.attr_flag(POP_VLAN),
        G::Set(t, v) => nest(w, SET, |w| w.attr(*t, v)),
        G::SetMaskedMark(v, m) => nest(w, SET_MASKED, |w| {
            w.attr(15, &[v.to_ne_bytes(), m.to_ne_bytes()].concat())
        }),
        G::Userspace(pid, data) => nest(w, USERSPACE, |w| {
            w.attr_u32(1, *pid);
            if let Some(d) = data {
                w.attr(2, d);
            }
        }),
        G::Psample(group, cookie) => {
            // the request needs NLA_F_NESTED; the echo drops it
            let m = if c {
                w.nest_noflag(PSAMPLE)
            } else {
                w.nest(PSAMPLE)
            };
            w.attr_u32(1, *group);
            if let Some(ck) = cookie {
                w.attr(2, ck);
            }
            w.nest_end(m);
        }
        G::Ct(ct) => nest(w, CT, |w| encode_ct(w, ct, c)),
        G::Tunnel(t) => nest(w, SET, |w| nest(w, 16, |w| encode_tunnel(w, t))),
        G::Clone(l) => {
            let m = if c {
                w.nest_noflag(CLONE)
            } else {
                w.nest(CLONE)
            };
            encode(w, l, c);
            w.nest_end(m);
        }
        G::Sample(p, l, swap) => nest(w, SAMPLE, |w| {
            if *swap && !c {
                nest(w, 2, |w| encode(w, l, c));
                w.attr_u32(1, *p);
            } else {
                w.attr_u32(1, *p);
                nest(w, 2, |w| encode(w, l, c));
            }
        }),
        G::Cpl(len, le, gt, swap) => nest(w, CHECK_PKT_LEN, |w| {
            if *swap && !c {
                nest(w, 2, |w| encode(w, gt, c));
                nest(w, 3, |w| encode(w, le, c));
                w.attr_u16(1, *len);
            } else {
                w.attr_u16(1, *len);
                nest(w, 3, |w| encode(w, le, c));
                nest(w, 2, |w| encode(w, gt, c));
            }
        }),
        G::DecTtl(l) => nest(w, DEC_TTL, |w| nest(w, 1, |w| encode(w, l, c))),
    }
}

fn encode_ct(w: &mut Writer, ct: &Ct, c: bool) {
    if let Some(force) = ct.commit {
        w.attr_flag(if force { 7 } else { 1 });
    }
    if c || ct.send_zone {
        w.attr_u16(2, ct.zone);
    }
    if let Some((v, m)) = ct.mark {
        w.attr(3, &[v.to_ne_bytes(), m.to_ne_bytes()].concat());
    }
    if let Some(e) = ct.eventmask {
        w.attr_u32(8, e);
    }
    if let Some((name, junk)) = &ct.timeout {
        let mut p = name.clone();
        p.push(0);
        if !c {
            p.extend_from_slice(junk);
        }
        w.attr(9, &p);
    }
}

fn encode_tunnel(w: &mut Writer, t: &Tunnel) {
    if let Some(id) = t.id {
        w.attr(0, &id.to_be_bytes());
    }
    if t.src != 0 {
        w.attr(1, &t.src.to_be_bytes());
    }
    w.attr(2, &t.dst.to_be_bytes());
    if t.tos != 0 {
        w.attr_u8(3, t.tos);
    }
    w.attr_u8(4, t.ttl);
    if t.df {
        w.attr_flag(5);
    }
    if t.csum {
        w.attr_flag(6);
    }
    if t.tp_src != 0 {
        w.attr(9, &t.tp_src.to_be_bytes());
    }
    if t.tp_dst != 0 {
        w.attr(10, &t.tp_dst.to_be_bytes());
    }
    if t.oam {
        w.attr_flag(7);
    }
    if !t.geneve.is_empty() {
        w.attr(8, &t.geneve);
    }
}

fn ct_strategy() -> impl Strategy<Value = Ct> {
    (
        proptest::option::of(any::<bool>()),
        any::<u16>(),
        any::<bool>(),
        proptest::option::of((any::<u32>(), 1u32..)),
        proptest::option::of(any::<u32>()),
        proptest::option::of(("[a-z]{1,10}", proptest::collection::vec(any::<u8>(), 0..4))),
    )
        .prop_map(|(commit, zone, send_zone, mark, eventmask, timeout)| Ct {
            commit,
            zone,
            send_zone: send_zone || zone != 0,
            // a mark needs a commit
            mark: mark.filter(|_| commit.is_some()),
            eventmask,
            timeout: timeout.map(|(n, j)| (n.into_bytes(), j)),
        })
}

/// Geneve TLVs that tile exactly.
fn geneve_strategy() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec((any::<u16>(), any::<u8>(), 0usize..4), 0..4).prop_map(|opts| {
        let mut v = Vec::new();
        for (class, ty, words) in opts {
            v.extend_from_slice(&class.to_be_bytes());
            v.push(ty);
            v.push(words as u8);
            v.extend(std::iter::repeat_n(0xab, words * 4));
        }
        v
    })
}

fn tunnel_strategy() -> impl Strategy<Value = Tunnel> {
    (
        (
            proptest::option::of(any::<u64>()),
            any::<u32>(),
            1u32..,
            any::<u8>(),
            any::<u8>(),
        ),
        (
            any::<bool>(),
            any::<bool>(),
            any::<u16>(),
            any::<u16>(),
            any::<bool>(),
        ),
        geneve_strategy(),
    )
        .prop_map(
            |((id, src, dst, tos, ttl), (df, csum, tp_src, tp_dst, oam), geneve)| Tunnel {
                id,
                src,
                dst,
                tos,
                ttl,
                df,
                csum,
                tp_src,
                tp_dst,
                oam,
                geneve,
            },
        )
}

fn leaf() -> impl Strategy<Value = G> {
    prop_oneof![
        (0u32..65535).prop_map(G::Output),
        any::<u32>().prop_map(G::Recirc),
        any::<u32>().prop_map(G::Meter),
        (14u32..).prop_map(G::Trunc),
        (0u32..2, any::<u32>()).prop_map(|(a, b)| G::Hash(a, b)),
        Just(G::CtClear),
        (prop_oneof![Just(0x8100u16), Just(0x88a8)], any::<u16>())
            .prop_map(|(t, c)| G::PushVlan(t, c | 0x1000)),
        Just(G::PopVlan),
        any::<u32>().prop_map(|v| G::Set(2, v.to_ne_bytes().to_vec())),
        any::<[u8; 4]>().prop_map(|v| G::Set(10, v.to_vec())),
        any::<[u8; 12]>().prop_map(|v| G::Set(4, v.to_vec())),
        any::<[u8; 16]>().prop_map(|v| G::Set(25, v.to_vec())),
        (any::<u32>(), any::<u32>()).prop_map(|(v, m)| G::SetMaskedMark(v & m, m)),
        (
            1u32..,
            proptest::option::of(proptest::collection::vec(any::<u8>(), 0..12))
        )
            .prop_map(|(p, d)| G::Userspace(p, d)),
        (
            any::<u32>(),
            proptest::option::of(proptest::collection::vec(any::<u8>(), 0..=16))
        )
            .prop_map(|(g, c)| G::Psample(g, c)),
        ct_strategy().prop_map(G::Ct),
        tunnel_strategy().prop_map(G::Tunnel),
    ]
}

fn actions() -> impl Strategy<Value = Vec<G>> {
    let tree = leaf().prop_recursive(3, 24, 4, |inner| {
        let list = proptest::collection::vec(inner, 0..4);
        prop_oneof![
            list.clone().prop_map(G::Clone),
            (any::<u32>(), list.clone(), any::<bool>()).prop_map(|(p, l, s)| G::Sample(p, l, s)),
            (1u16.., list.clone(), list.clone(), any::<bool>())
                .prop_map(|(n, a, b, s)| G::Cpl(n, a, b, s)),
            list.prop_map(G::DecTtl),
        ]
    });
    proptest::collection::vec(tree, 0..6)
}

fn has_psample(list: &[Action]) -> bool {
    list.iter().any(|a| match a {
        Action::Psample(_) => true,
        Action::Clone(c) => has_psample(&c.actions),
        Action::Sample(s) => has_psample(&s.actions),
        Action::CheckPktLen(c) => has_psample(&c.le) || has_psample(&c.gt),
        Action::DecTtl(l) => has_psample(l),
        _ => false,
    })
}

fn udp4() -> FlowKey {
    FlowKey {
        eth_type: 0x0800u16.to_be_bytes(),
        ip_proto: 17,
        ..FlowKey::default()
    }
}

fn bytes(list: &[G], canonical: bool, drop: Option<u32>) -> Vec<u8> {
    let mut w = Writer::new();
    encode(&mut w, list, canonical);
    if let Some(code) = drop {
        w.attr_u32(DROP, code);
    }
    w.take()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn valid_lists_round_trip(list in actions(), drop in proptest::option::of(any::<u32>())) {
        let input = bytes(&list, false, drop);
        let want = bytes(&list, true, drop);
        let acts = copy_actions(&input, &udp4(), false).expect("generated list is valid");
        let mut w = Writer::new();
        put_actions(&mut w, &acts);
        prop_assert_eq!(w.as_bytes(), want.as_slice());
        // the canonical form is a fixed point (PSAMPLE's echo is not a
        // valid request: it lacks NLA_F_NESTED)
        if !has_psample(&acts.list) {
            let again = copy_actions(&want, &udp4(), false).expect("canonical form is valid");
            let mut w2 = Writer::new();
            put_actions(&mut w2, &again);
            prop_assert_eq!(w2.as_bytes(), want.as_slice());
            prop_assert_eq!(acts.list, again.list.clone());
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(buf in proptest::collection::vec(any::<u8>(), 0..256)) {
        if let Ok(acts) = copy_actions(&buf, &udp4(), false) {
            let mut w = Writer::new();
            put_actions(&mut w, &acts);
            // what the kernel echoes is itself accepted (except PSAMPLE,
            // whose echo lacks the NLA_F_NESTED its request needs)
            if !has_psample(&acts.list) {
                prop_assert!(copy_actions(w.as_bytes(), &udp4(), false).is_ok());
            }
        }
    }
}
