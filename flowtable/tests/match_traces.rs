//! Flow keys and masks from real kernel captures: every `ovs_flow` request's
//! KEY (+MASK) goes through `parse_match` / `parse_key`; the kernel's
//! verdict must agree, and every KEY/MASK the kernel sent back (echoes,
//! GET replies, dumps, notifications) must be what `put_key` writes for the
//! flow, byte for byte.
//!
//! Traces: `tests/traces/6.12/{basic,dpctl-replay,notify}.trace` (the
//! project's captures) and `flowtable/tests/traces/match.trace`, recorded
//! from `match.nls` next to it with the oracle (`../shared/oracle`), which
//! exercises every key attribute and rule.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use flowtable::matching::{parse_key, parse_match, put_key, Match};
use flowtable::{FlowKey, Mask};
use genl::{AttrIter, Writer};

const NLMSG_ERROR: u16 = 2;
const CMD_NEW: u8 = 1;
const CMD_DEL: u8 = 2;
const CMD_GET: u8 = 3;
const CMD_SET: u8 = 4;
const ATTR_KEY: u16 = 1;
const ATTR_ACTIONS: u16 = 2;
const ATTR_MASK: u16 = 7;
const ATTR_UFID: u16 = 9;

/// One request block of a trace.
struct Block {
    label: String,
    send: Vec<u8>,
    recv: Vec<Vec<u8>>,
}

/// A parsed trace: the ovs_flow family id and the request blocks, plus
/// multicast messages (flow notifications) seen anywhere.
struct Trace {
    flow_id: u16,
    blocks: Vec<Block>,
    mcast: Vec<Vec<u8>>,
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

fn load(path: &Path) -> Trace {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut t = Trace {
        flow_id: 0,
        blocks: Vec::new(),
        mcast: Vec::new(),
    };
    for line in text.lines() {
        let w: Vec<&str> = line.split(' ').collect();
        match w[0] {
            "family" if w[1] == "ovs_flow" => {
                t.flow_id = w[2].trim_start_matches("id=").parse().unwrap();
            }
            "req" => t.blocks.push(Block {
                label: w[2].to_string(),
                send: Vec::new(),
                recv: Vec::new(),
            }),
            "send" => t.blocks.last_mut().unwrap().send = hex(w[1]),
            "recv" => {
                if let Some(b) = t.blocks.last_mut() {
                    b.recv.push(hex(w[2]));
                }
            }
            "mcast" => t.mcast.push(hex(w[2])),
            _ => {}
        }
    }
    assert_ne!(t.flow_id, 0, "{}: no ovs_flow family line", path.display());
    t
}

fn msg_type(m: &[u8]) -> u16 {
    u16::from_ne_bytes([m[4], m[5]])
}

/// The attributes after nlmsghdr + genlmsghdr + ovs_header.
fn attrs(m: &[u8]) -> HashMap<u16, Vec<u8>> {
    let mut out = HashMap::new();
    for a in AttrIter::new(&m[24..]) {
        // The first KEY is the identifier when there is no UFID; keep both.
        if a.kind == ATTR_KEY && out.contains_key(&ATTR_KEY) {
            out.insert(100 + ATTR_KEY, a.payload.to_vec());
        } else {
            out.insert(a.kind, a.payload.to_vec());
        }
    }
    out
}

fn error_of(b: &Block) -> Option<i32> {
    b.recv.iter().find_map(|m| {
        let e = i32::from_ne_bytes(m[16..20].try_into().unwrap());
        (msg_type(m) == NLMSG_ERROR && e < 0).then_some(-e)
    })
}

fn put(swkey: &FlowKey, output: &FlowKey, is_mask: bool) -> Vec<u8> {
    let mut w = Writer::new();
    put_key(&mut w, swkey, output, ATTR_KEY, is_mask);
    w.as_bytes()[4..].to_vec()
}

fn masked(m: &Match) -> FlowKey {
    Mask::new(m.mask).apply(&m.key)
}

fn traces() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut v: Vec<PathBuf> = ["basic", "dpctl-replay", "notify"]
        .iter()
        .map(|n| root.join(format!("../tests/traces/6.12/{n}.trace")))
        .collect();
    v.push(root.join("tests/traces/match.trace"));
    v
}

/// Requests the kernel rejected for a reason outside key/mask parsing (the
/// key parses): no actions, a bad action.
const NOT_KEY_FAILURES: &[&str] = &["flow_new_no_actions", "flow_new_bad_output"];

#[derive(Default)]
struct Stats {
    parsed: usize,
    rejected: usize,
    records: usize,
    failures: Vec<String>,
}

/// A flow the kernel holds: its match, and the UFID if it has one.
struct Known {
    ufid: Option<Vec<u8>>,
    m: Match,
}

fn check_record(label: &str, a: &HashMap<u16, Vec<u8>>, known: &[Known], st: &mut Stats) {
    if !a.contains_key(&ATTR_MASK) && !a.contains_key(&ATTR_KEY) {
        return;
    }
    let flow = match a.get(&ATTR_UFID) {
        Some(u) => known.iter().rev().find(|k| k.ufid.as_ref() == Some(u)),
        None => {
            let id = a.get(&ATTR_KEY).unwrap();
            known
                .iter()
                .rev()
                .find(|k| k.ufid.is_none() && &put(&k.m.key, &k.m.key, false) == id)
        }
    };
    let Some(flow) = flow else {
        st.failures.push(format!(
            "{label}: reply record matches no known flow: {a:02x?}"
        ));
        return;
    };
    st.records += 1;
    let mk = masked(&flow.m);
    if flow.ufid.is_some() {
        if let Some(k) = a.get(&ATTR_KEY) {
            let got = put(&mk, &mk, false);
            if &got != k {
                st.failures.push(format!(
                    "{label}: masked KEY\n kernel {k:02x?}\n ours   {got:02x?}"
                ));
            }
        }
    }
    if let Some(m) = a.get(&ATTR_MASK) {
        let got = put(&mk, &flow.m.mask, true);
        if &got != m {
            st.failures.push(format!(
                "{label}: MASK\n kernel {m:02x?}\n ours   {got:02x?}"
            ));
        }
    }
}

fn run(path: &Path, st: &mut Stats) {
    let t = load(path);
    let mut known: Vec<Known> = Vec::new();
    for b in &t.blocks {
        if b.send.len() < 24 || msg_type(&b.send) != t.flow_id {
            continue;
        }
        let cmd = b.send[16];
        let a = attrs(&b.send);
        let err = error_of(b);
        if let Some(key) = a.get(&ATTR_KEY) {
            let res = match cmd {
                CMD_NEW | CMD_SET => parse_match(key, a.get(&ATTR_MASK).map(|m| &m[..])),
                CMD_GET | CMD_DEL => parse_key(key).map(|k| Match {
                    key: k,
                    mask: FlowKey::default(),
                }),
                _ => continue,
            };
            st.parsed += 1;
            match (&res, err) {
                (Err(e), Some(k)) if e.0 == k => st.rejected += 1,
                (Err(e), k) => st
                    .failures
                    .push(format!("{}: ours {e:?}, kernel {k:?}", b.label)),
                (Ok(_), Some(22)) if !NOT_KEY_FAILURES.contains(&b.label.as_str()) => {
                    // EINVAL for a NEW without actions is not the key's fault.
                    let no_actions = cmd == CMD_NEW && !a.contains_key(&ATTR_ACTIONS);
                    if !no_actions {
                        st.failures
                            .push(format!("{}: ours Ok, kernel EINVAL", b.label));
                    }
                }
                _ => {}
            }
            if let (Ok(m), None, CMD_NEW) = (res, err, cmd) {
                known.push(Known {
                    ufid: a.get(&ATTR_UFID).cloned(),
                    m,
                });
            }
        }
        for r in &b.recv {
            if msg_type(r) == t.flow_id {
                check_record(&b.label, &attrs(r), &known, st);
            }
        }
    }
    for r in &t.mcast {
        if msg_type(r) == t.flow_id {
            check_record("mcast", &attrs(r), &known, st);
        }
    }
}

#[test]
fn trace_flows_round_trip_byte_for_byte() {
    let mut st = Stats::default();
    for p in traces() {
        let before = (st.parsed, st.records);
        run(&p, &mut st);
        eprintln!(
            "{}: {} keys parsed, {} reply records checked",
            p.file_name().unwrap().to_string_lossy(),
            st.parsed - before.0,
            st.records - before.1
        );
    }
    eprintln!(
        "total: {} keys parsed ({} rejected as the kernel did), {} records byte-identical of {}",
        st.parsed,
        st.rejected,
        st.records
            - st.failures
                .iter()
                .filter(|f| f.contains("KEY\n") || f.contains("MASK\n"))
                .count(),
        st.records
    );
    assert!(
        st.failures.is_empty(),
        "{} mismatches:\n{}",
        st.failures.len(),
        st.failures.join("\n")
    );
}
