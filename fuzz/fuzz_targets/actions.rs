//! Action validation over arbitrary bytes: `copy_actions` against a few
//! flow keys (chosen by the first byte), then `put_actions` on success; the
//! echo must be accepted again and be a fixed point (PSAMPLE aside, whose
//! echo lacks the NLA_F_NESTED its request needs).
#![no_main]

use flowtable::actions::{copy_actions, put_actions, Action, Actions};
use flowtable::FlowKey;
use genl::Writer;

/// Ethernet IPv4/UDP, IPv6/TCP, ARP, MPLS (2 labels), layer-3 IPv4,
/// VLAN-tagged IPv4, NSH, and an all-zero key.
fn key(sel: u8) -> FlowKey {
    let mut k = FlowKey::default();
    let (eth, proto) = match sel % 8 {
        0 => (0x0800u16, 17u8),
        1 => (0x86dd, 6),
        2 => (0x0806, 1),
        3 => (0x8847, 0),
        4 => (0x0800, 6),
        5 => (0x0800, 132),
        6 => (0x894f, 0),
        _ => (0, 0),
    };
    k.eth_type = eth.to_be_bytes();
    k.ip_proto = proto;
    match sel % 8 {
        3 => k.mpls_num_labels_mask = 3u32.to_ne_bytes(),
        4 => k.mac_proto = 1,
        5 => k.vlan_tci = 0x1005u16.to_be_bytes(),
        6 => k.nsh.np = sel >> 3 & 7,
        _ => {}
    }
    k
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

fn put(a: &Actions) -> Vec<u8> {
    let mut w = Writer::new();
    put_actions(&mut w, a);
    w.take()
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&sel, buf)) = data.split_first() else {
        return;
    };
    let k = key(sel);
    let Ok(acts) = copy_actions(buf, &k, false) else {
        return;
    };
    let echo = put(&acts);
    if has_psample(&acts.list) {
        return;
    }
    let again = copy_actions(&echo, &k, false).expect("the kernel's echo is a valid request");
    assert_eq!(put(&again), echo, "the echo is canonical");
});
