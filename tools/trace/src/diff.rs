//! Structural comparison of normalized exchanges: which attribute path
//! differs, what was expected and what came back.

use crate::decode::{fields, Field};
use crate::hex;
use crate::norm::Normalizer;
use crate::trace::{messages, Block, Trace};
use std::fmt;

/// One difference between an expected and an actual exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// Where: datagram, message and attribute path.
    pub path: String,
    /// The expected value (`<absent>` if missing).
    pub expected: String,
    /// The value received (`<absent>` if missing).
    pub got: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: expected {} got {}",
            self.path, self.expected, self.got
        )
    }
}

/// Normalizes a block's datagrams in order (request, replies, multicast).
pub fn normalize_block(n: &mut Normalizer, b: &Block) -> Block {
    Block {
        send: if b.inject {
            b.send.clone()
        } else {
            n.datagram(&b.send)
        },
        recv: b.recv.iter().map(|d| n.datagram(d)).collect(),
        mcast: b.mcast.iter().map(|d| n.datagram(d)).collect(),
        ..b.clone()
    }
}

/// A normalizer seeded with what a trace's header says.
pub fn normalizer_for(t: &Trace) -> Normalizer {
    let mut n = Normalizer::new(t.portid, t.monpid);
    for f in &t.families {
        n.learn_family(&f.name, f.id);
    }
    n
}

/// True when a (normalized) request is a flow dump, whose entries come in
/// hash order and are compared as a set.
pub fn is_flow_dump(req: &[u8]) -> bool {
    req.len() >= 20
        && u16::from_ne_bytes([req[4], req[5]]) == crate::schema::canonical_id("ovs_flow").unwrap()
        && u16::from_ne_bytes([req[6], req[7]]) & 0x300 == 0x300
}

/// Compares two normalized blocks; empty when they are equal.
pub fn compare(expected: &Block, got: &Block) -> Vec<Difference> {
    let mut out = Vec::new();
    if is_flow_dump(&expected.send) {
        compare_set("recv", &expected.recv, &got.recv, &mut out);
    } else {
        compare_dgrams("recv", &expected.recv, &got.recv, &mut out);
    }
    compare_dgrams("mcast", &expected.mcast, &got.mcast, &mut out);
    out
}

fn compare_dgrams(what: &str, exp: &[Vec<u8>], got: &[Vec<u8>], out: &mut Vec<Difference>) {
    if exp.len() != got.len() {
        out.push(Difference {
            path: format!("{what}: datagrams"),
            expected: exp.len().to_string(),
            got: got.len().to_string(),
        });
    }
    for i in 0..exp.len().max(got.len()) {
        let e = exp.get(i).map(|d| messages(d)).unwrap_or_default();
        let g = got.get(i).map(|d| messages(d)).unwrap_or_default();
        for j in 0..e.len().max(g.len()) {
            let at = format!("{what}[{}].msg[{}]", i + 1, j + 1);
            compare_msgs(&at, e.get(j).copied(), g.get(j).copied(), out);
        }
    }
}

fn compare_set(what: &str, exp: &[Vec<u8>], got: &[Vec<u8>], out: &mut Vec<Difference>) {
    let mut e: Vec<&[u8]> = exp.iter().flat_map(|d| messages(d)).collect();
    let mut g: Vec<&[u8]> = got.iter().flat_map(|d| messages(d)).collect();
    e.sort();
    g.sort();
    let only_e: Vec<&[u8]> = e.iter().filter(|m| !g.contains(m)).copied().collect();
    let only_g: Vec<&[u8]> = g.iter().filter(|m| !e.contains(m)).copied().collect();
    if e.len() != g.len() && only_e.is_empty() && only_g.is_empty() {
        out.push(Difference {
            path: format!("{what}: messages (as a set)"),
            expected: e.len().to_string(),
            got: g.len().to_string(),
        });
    }
    for j in 0..only_e.len().max(only_g.len()) {
        let at = format!("{what}[set].unmatched[{}]", j + 1);
        compare_msgs(&at, only_e.get(j).copied(), only_g.get(j).copied(), out);
    }
}

fn compare_msgs(at: &str, e: Option<&[u8]>, g: Option<&[u8]>, out: &mut Vec<Difference>) {
    match (e, g) {
        (Some(e), Some(g)) if e == g => {}
        (Some(e), Some(g)) => {
            let before = out.len();
            compare_fields(at, &fields(e, false), &fields(g, false), out);
            if out.len() == before {
                out.push(Difference {
                    path: format!("{at}: bytes"),
                    expected: hex::encode(e),
                    got: hex::encode(g),
                });
            }
        }
        (Some(e), None) => out.push(Difference {
            path: at.to_string(),
            expected: crate::decode::one_line(e, false),
            got: "<absent>".into(),
        }),
        (None, Some(g)) => out.push(Difference {
            path: at.to_string(),
            expected: "<absent>".into(),
            got: crate::decode::one_line(g, false),
        }),
        (None, None) => {}
    }
}

/// Field-by-field differences of two decoded messages.
pub fn compare_fields(at: &str, e: &[Field], g: &[Field], out: &mut Vec<Difference>) {
    let before = out.len();
    let find = |list: &[Field], p: &str| list.iter().find(|f| f.path == p).map(|f| f.value.clone());
    for f in e {
        match find(g, &f.path) {
            Some(v) if v == f.value => {}
            Some(v) => out.push(Difference {
                path: format!("{at} {}", f.path),
                expected: f.value.clone(),
                got: v,
            }),
            None => out.push(Difference {
                path: format!("{at} {}", f.path),
                expected: display(&f.value),
                got: "<absent>".into(),
            }),
        }
    }
    for f in g.iter().filter(|f| find(e, &f.path).is_none()) {
        out.push(Difference {
            path: format!("{at} {}", f.path),
            expected: "<absent>".into(),
            got: display(&f.value),
        });
    }
    if out.len() == before && e != g {
        let order = |l: &[Field]| {
            l.iter()
                .map(|f| f.path.clone())
                .collect::<Vec<_>>()
                .join(",")
        };
        out.push(Difference {
            path: format!("{at} <attribute order>"),
            expected: order(e),
            got: order(g),
        });
    }
}

fn display(v: &str) -> String {
    if v.is_empty() {
        "{…}".into()
    } else {
        v.to_string()
    }
}

/// Diffs two traces block by block (after normalizing each on its own):
/// for every block that differs, its label and the differences.
pub fn diff_traces(a: &Trace, b: &Trace) -> Vec<(String, Vec<Difference>)> {
    let (mut na, mut nb) = (normalizer_for(a), normalizer_for(b));
    let ba: Vec<&Block> = a.blocks().collect();
    let bb: Vec<&Block> = b.blocks().collect();
    let mut out = Vec::new();
    for i in 0..ba.len().max(bb.len()) {
        match (ba.get(i), bb.get(i)) {
            (Some(x), Some(y)) => {
                let (x, y) = (normalize_block(&mut na, x), normalize_block(&mut nb, y));
                let mut d = Vec::new();
                if x.send != y.send {
                    compare_msgs("send", Some(&x.send), Some(&y.send), &mut d);
                }
                d.extend(compare(&x, &y));
                if !d.is_empty() {
                    out.push((format!("{} {}", x.n, x.label), d));
                }
            }
            (Some(x), None) | (None, Some(x)) => out.push((
                format!("{} {}", x.n, x.label),
                vec![Difference {
                    path: "block".into(),
                    expected: if i < ba.len() { "present" } else { "<absent>" }.into(),
                    got: if i < bb.len() { "present" } else { "<absent>" }.into(),
                }],
            )),
            (None, None) => {}
        }
    }
    out
}
