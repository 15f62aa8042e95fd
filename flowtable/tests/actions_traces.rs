//! Flow actions against real kernel captures: every ovs_flow NEW/SET and
//! ovs_packet EXECUTE that carries ACTIONS goes through `copy_actions`; the
//! verdict must be the kernel's, and every ACTIONS attribute the kernel sent
//! back (NEW echoes, GET replies, dumps) must be what `put_actions` writes,
//! byte for byte.
//!
//! Traces: `tests/traces/6.12/{basic,dpctl-replay,notify}.trace` (the
//! project's captures) and `flowtable/tests/traces/actions.trace`, recorded
//! from `actions.nls` next to it with the oracle (`../shared/oracle`) on
//! Debian's 6.12 kernel; it exercises every action type and rule.
//!
//! The flow key each request is validated against is built here from the
//! request's KEY/MASK (or, for EXECUTE, the packet), reading only what the
//! action checks look at: L2 presence, EtherType, VLAN, IP protocol and
//! fragment type, MPLS depth, NSH next protocol.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use flowtable::actions::{copy_actions, put_actions};
use flowtable::FlowKey;
use genl::{Attr, AttrIter, Errno, Writer};

const NLMSG_ERROR: u16 = 2;
const FLOW_NEW: u8 = 1;
const FLOW_SET: u8 = 4;
const PACKET_EXECUTE: u8 = 3;
const FLOW_ATTR_KEY: u16 = 1;
const FLOW_ATTR_ACTIONS: u16 = 2;
const FLOW_ATTR_MASK: u16 = 7;
const PACKET_ATTR_PACKET: u16 = 1;
const PACKET_ATTR_ACTIONS: u16 = 3;

/// Requests the kernel rejected before looking at their (valid) actions.
const KEY_SIDE_ERRORS: &[&str] = &[
    "flow_new_missing_ipv4",
    "flow_new_bad_eth_len",
    "flow_new_no_key",
    "flow_new_unknown_key_attr",
    "pkt_exec_no_packet",
];

/// The kernel's verdict for a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Ok,
    Err(i32),
}

struct Block {
    label: String,
    send: Vec<u8>,
    recv: Vec<Vec<u8>>,
    verdict: Verdict,
}

struct Trace {
    flow_id: u16,
    packet_id: u16,
    blocks: Vec<Block>,
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

fn family_id(w: &[&str]) -> u16 {
    w[2].trim_start_matches("id=").parse().unwrap()
}

fn load(path: &Path) -> Trace {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut t = Trace {
        flow_id: 0,
        packet_id: 0,
        blocks: Vec::new(),
    };
    for line in text.lines() {
        let w: Vec<&str> = line.split(' ').collect();
        match w[0] {
            "family" if w[1] == "ovs_flow" => t.flow_id = family_id(&w),
            "family" if w[1] == "ovs_packet" => t.packet_id = family_id(&w),
            "req" => t.blocks.push(Block {
                label: w[2].to_string(),
                send: Vec::new(),
                recv: Vec::new(),
                verdict: Verdict::Ok,
            }),
            "send" => t.blocks.last_mut().unwrap().send = hex(w[1]),
            "recv" => {
                if let Some(b) = t.blocks.last_mut() {
                    b.recv.push(hex(w[2]));
                }
            }
            "end" if w.len() > 3 && (w[2] == "error" || w[2] == "done") => {
                let errno: i32 = w[3].parse().unwrap();
                if errno != 0 {
                    t.blocks.last_mut().unwrap().verdict = Verdict::Err(-errno);
                }
            }
            _ => {}
        }
    }
    assert_ne!(t.flow_id, 0, "{}: no ovs_flow family line", path.display());
    t
}

/// (nlmsg type, genl cmd, attributes after nlmsghdr + genlmsghdr + ovs_header).
fn split(msg: &[u8]) -> Option<(u16, u8, &[u8])> {
    if msg.len() < 24 {
        return None;
    }
    let ty = u16::from_ne_bytes([msg[4], msg[5]]);
    let len = (u32::from_ne_bytes([msg[0], msg[1], msg[2], msg[3]]) as usize).min(msg.len());
    Some((ty, msg[16], &msg[24.min(len)..len]))
}

fn find(attrs: &[u8], kind: u16) -> Option<Attr<'_>> {
    AttrIter::new(attrs).find(|a| a.kind == kind)
}

/// The key fields the action checks read, from KEY-style attributes.
#[derive(Default, Clone, Copy)]
struct Fields {
    ethernet: bool,
    eth_type: u16,
    vlan_tci: u16,
    ip_proto: u8,
    ip_frag: u8,
    mpls_labels: u32,
    nsh_np: u8,
}

fn fields(attrs: &[u8]) -> Fields {
    let mut f = Fields::default();
    for a in AttrIter::new(attrs) {
        let p = a.payload;
        match a.kind {
            4 => f.ethernet = true,
            6 if p.len() == 2 => f.eth_type = u16::from_be_bytes([p[0], p[1]]),
            5 if p.len() == 2 => f.vlan_tci = u16::from_be_bytes([p[0], p[1]]),
            // ENCAP: the inner EtherType and L3 replace the outer TPID
            1 => {
                let inner = fields(p);
                f.eth_type = inner.eth_type;
                f.ip_proto = inner.ip_proto;
                f.ip_frag = inner.ip_frag;
            }
            7 if p.len() == 12 => (f.ip_proto, f.ip_frag) = (p[8], p[11]),
            8 if p.len() == 40 => (f.ip_proto, f.ip_frag) = (p[36], p[39]),
            13 if p.len() == 24 => f.ip_proto = p[9],
            21 => f.mpls_labels = (1u32 << (p.len() / 4)) - 1,
            28 => {
                for n in AttrIter::new(p) {
                    if n.kind == 1 && n.payload.len() == 8 {
                        f.nsh_np = n.payload[3];
                    }
                }
            }
            _ => {}
        }
    }
    f
}

/// The masked flow key of a flow request.
fn flow_key(attrs: &[u8]) -> FlowKey {
    let key = find(attrs, FLOW_ATTR_KEY).map(|a| a.payload).unwrap_or(&[]);
    let mut f = fields(key);
    if let Some(m) = find(attrs, FLOW_ATTR_MASK) {
        let m = fields(m.payload);
        f.eth_type &= m.eth_type;
        f.vlan_tci &= m.vlan_tci;
        f.ip_proto &= m.ip_proto;
        f.ip_frag &= m.ip_frag;
        f.mpls_labels &= m.mpls_labels;
        f.nsh_np &= m.nsh_np;
    }
    to_key(&f)
}

/// The key `ovs_flow_key_extract_userspace` gives an IPv4/Ethernet packet.
fn packet_key(attrs: &[u8]) -> FlowKey {
    let mut f = Fields {
        ethernet: true,
        ..Fields::default()
    };
    if let Some(p) = find(attrs, PACKET_ATTR_PACKET).map(|a| a.payload) {
        if p.len() >= 14 {
            f.eth_type = u16::from_be_bytes([p[12], p[13]]);
            if f.eth_type == 0x0800 && p.len() >= 34 {
                f.ip_proto = p[23];
            }
        }
    }
    to_key(&f)
}

fn to_key(f: &Fields) -> FlowKey {
    let mut k = FlowKey {
        mac_proto: u8::from(!f.ethernet),
        eth_type: f.eth_type.to_be_bytes(),
        vlan_tci: f.vlan_tci.to_be_bytes(),
        ip_proto: f.ip_proto,
        ip_frag: f.ip_frag,
        mpls_num_labels_mask: f.mpls_labels.to_ne_bytes(),
        ..FlowKey::default()
    };
    k.nsh.np = f.nsh_np;
    k
}

fn put(payload: &[u8], key: &FlowKey) -> Result<Vec<u8>, Errno> {
    let acts = copy_actions(payload, key, false)?;
    let mut w = Writer::new();
    put_actions(&mut w, &acts);
    Ok(w.take())
}

#[derive(Default)]
struct Tally {
    checked: usize,
    errors: usize,
    echoes: usize,
    stored: usize,
}

fn check_trace(path: &Path, tally: &mut Tally) {
    let t = load(path);
    let mut outputs: HashSet<Vec<u8>> = HashSet::new();
    let mut failures = Vec::new();
    for b in &t.blocks {
        let Some((ty, cmd, attrs)) = split(&b.send) else {
            continue;
        };
        let (acts, key) = if ty == t.flow_id && (cmd == FLOW_NEW || cmd == FLOW_SET) {
            match find(attrs, FLOW_ATTR_ACTIONS) {
                Some(a) => (a, flow_key(attrs)),
                None => continue,
            }
        } else if ty == t.packet_id && cmd == PACKET_EXECUTE {
            match find(attrs, PACKET_ATTR_ACTIONS) {
                Some(a) => (a, packet_key(attrs)),
                None => continue,
            }
        } else {
            continue;
        };
        tally.checked += 1;
        let ours = put(acts.payload, &key);
        let kernel_ok = match b.verdict {
            Verdict::Ok => true,
            Verdict::Err(e) if e == Errno::EEXIST.0 => true,
            Verdict::Err(_) if KEY_SIDE_ERRORS.contains(&b.label.as_str()) => true,
            Verdict::Err(e) => {
                tally.errors += 1;
                if ours != Err(Errno(e)) {
                    failures.push(format!(
                        "{}: kernel errno {e}, ours {:?}",
                        b.label,
                        ours.as_ref().err()
                    ));
                }
                false
            }
        };
        if !kernel_ok {
            continue;
        }
        let Ok(out) = ours else {
            failures.push(format!(
                "{}: kernel accepted, ours {:?}",
                b.label,
                ours.err()
            ));
            continue;
        };
        // the echo of this request
        for r in &b.recv {
            if let Some((rty, _, rattrs)) = split(r) {
                if rty == t.flow_id {
                    if let Some(ra) = find(rattrs, FLOW_ATTR_ACTIONS) {
                        tally.echoes += 1;
                        if ra.payload != out.as_slice() {
                            failures.push(format!(
                                "{}: echo differs\n kernel {:02x?}\n ours   {:02x?}",
                                b.label, ra.payload, out
                            ));
                        }
                    }
                }
            }
        }
        outputs.insert(out);
    }
    // GET replies and dumps: stored actions of some accepted request
    for b in &t.blocks {
        let Some((ty, cmd, _)) = split(&b.send) else {
            continue;
        };
        if ty != t.flow_id || cmd == FLOW_NEW || cmd == FLOW_SET {
            continue;
        }
        for r in &b.recv {
            if let Some((rty, _, rattrs)) = split(r) {
                if rty == t.flow_id && rty != NLMSG_ERROR {
                    if let Some(ra) = find(rattrs, FLOW_ATTR_ACTIONS) {
                        tally.stored += 1;
                        if !outputs.contains(ra.payload) {
                            failures.push(format!(
                                "{}: stored actions {:02x?} not produced",
                                b.label, ra.payload
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{}:\n{}",
        path.display(),
        failures.join("\n")
    );
}

fn traces() -> Vec<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut v: Vec<PathBuf> = ["basic", "dpctl-replay", "notify"]
        .iter()
        .map(|n| here.join("../tests/traces/6.12").join(format!("{n}.trace")))
        .collect();
    v.push(here.join("tests/traces/actions.trace"));
    v
}

#[test]
fn kernel_traces_agree() {
    let mut tally = Tally::default();
    for p in traces() {
        check_trace(&p, &mut tally);
    }
    eprintln!(
        "actions: {} requests checked ({} rejected with the kernel's errno), \
         {} echoes and {} stored lists byte-identical",
        tally.checked, tally.errors, tally.echoes, tally.stored
    );
    assert!(tally.checked >= 170 && tally.errors >= 90 && tally.echoes >= 60 && tally.stored >= 20);
}
